// Small DOM helpers shared by every page of the desk. Text goes in as text
// nodes (never innerHTML), so what customers type cannot inject markup.

import { formatMoney, register, t } from "./i18n.js";

register({
  en: {
    "common.loading": "Loading…",
    "common.save": "Save",
    "common.cancel": "Cancel",
    "common.close": "Close",
    "common.confirm": "Confirm",
    "common.retry": "Try again",
    "common.none": "None",
    "common.yes": "Yes",
    "common.no": "No",
    "common.all": "All",
    "common.hours": "{n} h",
    "common.days": "{n} days",
    "common.required": "This field is required.",
    "common.errorTitle": "Something went wrong",
    "common.networkError": "The returns app could not be reached. Check the connection and try again.",
    "common.serverError": "The returns app could not answer. Try again in a moment.",
    "common.unauthorized": "Your Dashboard session could not be verified: {message}",
    "common.formErrors": "Please correct the highlighted fields.",
    "common.saved": "Saved",
    "common.total": "Total",
    "common.back": "Back",
    "nav.returns": "Returns",
    "nav.overview": "Overview",
    "nav.returners": "Frequent returners",
    "nav.analytics": "Analytics",
    "nav.settings": "Settings",
    "nav.newReturn": "Create return",
    "status.REQUESTED": "Requested",
    "status.PENDING_REVIEW": "Needs review",
    "status.APPROVED": "Approved",
    "status.REJECTED": "Rejected",
    "status.CANCELED": "Canceled",
    "status.AWAITING_SHIPMENT": "Awaiting shipment",
    "status.IN_TRANSIT": "In transit",
    "status.RECEIVED": "Received",
    "status.INSPECTED": "Inspected",
    "status.RESOLVED": "Resolved",
    "status.CLOSED": "Closed",
    "kind.RETURN": "Return",
    "kind.EXCHANGE": "Exchange",
    "kind.DAMAGED_ON_ARRIVAL": "Damaged on arrival",
    "kind.MISSING_ITEM": "Missing item",
    "kind.WRONG_ITEM": "Wrong item",
    "kind.PARCEL_LOST": "Parcel lost",
    "resolution.REFUND": "Refund",
    "resolution.STORE_CREDIT": "Store credit",
    "resolution.EXCHANGE": "Exchange",
    "resolution.KEEP_ITEM": "Keep the item",
    "resolution.REPLACEMENT": "Replacement",
    "condition.AS_NEW": "As new",
    "condition.OPENED": "Opened",
    "condition.DAMAGED": "Damaged",
    "condition.MISSING_PARTS": "Missing parts",
    "disposition.RESTOCK": "Restock",
    "disposition.REFURBISH": "Refurbish",
    "disposition.SCRAP": "Scrap",
    "disposition.RETURN_TO_VENDOR": "Return to vendor",
    "disposition.RESELL_DISCOUNTED": "Resell discounted",
    "app.waiting": "Waiting for the Saleor Dashboard…",
    "app.notFramed": "Open the returns desk from the Saleor Dashboard: Orders → Returns.",
    "app.notFound": "This page does not exist.",
    "app.demo": "Demo shop",
    "common.needs": "Needs {permissions} in Saleor",
    "common.readOnly": "You can read these; changing them needs {permissions} in Saleor.",
    "common.readOnlyTitle": "Read only",
  },
  "zh-Hans": {
    "common.loading": "加载中…",
    "common.save": "保存",
    "common.cancel": "取消",
    "common.close": "关闭",
    "common.confirm": "确认",
    "common.retry": "重试",
    "common.none": "无",
    "common.yes": "是",
    "common.no": "否",
    "common.all": "全部",
    "common.hours": "{n} 小时",
    "common.days": "{n} 天",
    "common.required": "此项必填。",
    "common.errorTitle": "出错了",
    "common.networkError": "无法连接退货应用，请检查网络后重试。",
    "common.serverError": "退货应用暂时无法响应，请稍后重试。",
    "common.unauthorized": "无法验证您的 Dashboard 会话：{message}",
    "common.formErrors": "请更正标出的字段。",
    "common.saved": "已保存",
    "common.total": "合计",
    "common.back": "返回",
    "nav.returns": "退货",
    "nav.overview": "概览",
    "nav.returners": "频繁退货顾客",
    "nav.analytics": "数据分析",
    "nav.settings": "设置",
    "nav.newReturn": "创建退货",
    "status.REQUESTED": "已申请",
    "status.PENDING_REVIEW": "待审核",
    "status.APPROVED": "已批准",
    "status.REJECTED": "已拒绝",
    "status.CANCELED": "已取消",
    "status.AWAITING_SHIPMENT": "待寄回",
    "status.IN_TRANSIT": "运输中",
    "status.RECEIVED": "已收货",
    "status.INSPECTED": "已检验",
    "status.RESOLVED": "已处理",
    "status.CLOSED": "已关闭",
    "kind.RETURN": "退货",
    "kind.EXCHANGE": "换货",
    "kind.DAMAGED_ON_ARRIVAL": "到货破损",
    "kind.MISSING_ITEM": "缺件",
    "kind.WRONG_ITEM": "发错商品",
    "kind.PARCEL_LOST": "包裹丢失",
    "resolution.REFUND": "退款",
    "resolution.STORE_CREDIT": "店铺余额",
    "resolution.EXCHANGE": "换货",
    "resolution.KEEP_ITEM": "无需退回",
    "resolution.REPLACEMENT": "补发",
    "condition.AS_NEW": "全新",
    "condition.OPENED": "已拆封",
    "condition.DAMAGED": "已损坏",
    "condition.MISSING_PARTS": "缺少配件",
    "disposition.RESTOCK": "重新入库",
    "disposition.REFURBISH": "翻新",
    "disposition.SCRAP": "报废",
    "disposition.RETURN_TO_VENDOR": "退回供应商",
    "disposition.RESELL_DISCOUNTED": "折价再售",
    "app.waiting": "正在等待 Saleor Dashboard…",
    "app.notFramed": "请从 Saleor Dashboard 打开退货工作台：订单 → 退货。",
    "app.notFound": "页面不存在。",
    "app.demo": "演示店铺",
    "common.needs": "需要 Saleor 权限：{permissions}",
    "common.readOnly": "您可以查看这些内容；修改需要 Saleor 权限：{permissions}。",
    "common.readOnlyTitle": "只读",
  },
});

let uid = 0;
export function nextId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

// h("button", {class: "btn", onclick: fn, "aria-label": "…"}, "text", childNode)
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (name === "value" && "value" in element) {
      element.value = value;
    } else if (name === "checked" || name === "selected" || name === "disabled" || name === "multiple") {
      element[name] = Boolean(value);
      if (value) element.setAttribute(name, "");
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export function statusBadge(status) {
  return h("span", { class: `badge badge-${status.toLowerCase()}`, "data-status": status }, t(`status.${status}`));
}

export function money(value) {
  return h("span", { class: "money" }, formatMoney(value));
}

export function card(title, ...children) {
  const heading = title ? h("h2", { class: "card-title" }, title) : null;
  return h("section", { class: "card" }, heading, ...children);
}

export function button(label, { variant = "secondary", type = "button", onClick, disabled, ...attrs } = {}) {
  return h("button", { class: `btn btn-${variant}`, type, onclick: onClick, disabled, ...attrs }, label);
}

export function spinner() {
  return h("div", { class: "loading", role: "status", "aria-live": "polite" }, t("common.loading"));
}

// What a staff member lacks for an action, in words: "Needs HANDLE_PAYMENTS in Saleor".
export function needs(missing) {
  return t("common.needs", { permissions: missing.join(", ") });
}

// Controls a staff member may see but not use: disabled together (a fieldset), with the reason above.
export function readOnlyWhen(missing, ...children) {
  if (!missing.length) return children;
  return [
    banner("info", t("common.readOnlyTitle"), t("common.readOnly", { permissions: missing.join(", ") })),
    h("fieldset", { class: "read-only", disabled: true, "data-needs": missing.join(" ") }, ...children),
  ];
}

export function banner(kind, title, text = "") {
  return h("div", { class: `banner banner-${kind}`, role: kind === "error" ? "alert" : "status" }, h("strong", {}, title), text ? h("p", {}, text) : null);
}

// A labelled control with a slot for its error. `name` is the API's field name
// (camelCase, as ReturnError.field gives it), so errors land next to it.
export function field({ label, name, type = "text", value = "", options = null, hint = "", required = false, attrs = {} }) {
  const id = nextId(name.replace(/[^\w-]/g, "-"));
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  let control;
  if (type === "select") {
    control = h(
      "select",
      { id, name, required, "aria-describedby": describedBy, ...attrs },
      (options || []).map(([optionValue, optionLabel, extra = {}]) =>
        h("option", { value: optionValue, selected: String(optionValue) === String(value), disabled: Boolean(extra.disabled) }, optionLabel),
      ),
    );
  } else if (type === "textarea") {
    control = h("textarea", { id, name, required, rows: 3, "aria-describedby": describedBy, ...attrs });
    control.value = value ?? "";
  } else if (type === "checkbox") {
    control = h("input", { id, name, type, checked: Boolean(value), "aria-describedby": describedBy, ...attrs });
    return h(
      "div",
      { class: "field field-checkbox", "data-field": name },
      control,
      h("label", { for: id }, label),
      hint ? h("p", { class: "hint", id: hintId }, hint) : null,
      h("p", { class: "field-error", id: errorId, "aria-live": "polite" }),
    );
  } else {
    control = h("input", { id, name, type, value: value ?? "", required, "aria-describedby": describedBy, ...attrs });
  }
  return h(
    "div",
    { class: "field", "data-field": name },
    h("label", { for: id }, label, required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null),
    control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId, "aria-live": "polite" }),
  );
}

export function clearErrors(container) {
  container.querySelectorAll(".field.invalid").forEach((element) => element.classList.remove("invalid"));
  container.querySelectorAll("[aria-invalid]").forEach((element) => element.removeAttribute("aria-invalid"));
  container.querySelectorAll(".field-error").forEach((element) => element.replaceChildren());
  container.querySelectorAll(".form-errors").forEach((element) => element.replaceChildren());
}

// Puts each ReturnError {field, message, lines} next to its control:
// [data-field="<field>"] inside the container, scoped to a line with
// [data-line="<id>"] when the error names lines. The rest go to .form-errors.
// The first control at fault takes the focus, unless `focus` is false (errors
// found while the user is still typing elsewhere).
export function showErrors(container, errors, { focus = true } = {}) {
  clearErrors(container);
  const general = [];
  let first = null;
  for (const error of errors || []) {
    const scopes = error.lines && error.lines.length
      ? error.lines.map((line) => container.querySelector(`[data-line="${CSS.escape(line)}"]`)).filter(Boolean)
      : [container];
    let placed = false;
    for (const scope of scopes.length ? scopes : [container]) {
      const target = error.field ? fieldFor(scope, error.field) : null;
      if (!target) continue;
      target.classList.add("invalid");
      const control = target.querySelector("input, select, textarea");
      if (control) control.setAttribute("aria-invalid", "true");
      const slot = target.querySelector(".field-error");
      if (slot) slot.append(h("span", { "data-code": error.code }, error.message));
      first = first || control;
      placed = true;
    }
    if (!placed) general.push(error);
  }
  const box = container.querySelector(".form-errors");
  if (box && general.length) {
    box.append(...general.map((error) => h("p", { "data-code": error.code, "data-field": error.field || "" }, error.message)));
  }
  if (first && focus) first.focus();
  return general;
}

function fieldFor(scope, name) {
  const exact = scope.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (exact) return exact;
  // "rules.windowDays" or "lines.0.quantity": fall back to the last segment, then the first.
  const parts = name.split(".");
  return (
    scope.querySelector(`[data-field="${CSS.escape(parts[parts.length - 1])}"]`) ||
    scope.querySelector(`[data-field="${CSS.escape(parts[0])}"]`)
  );
}

// Saves `form` with one mutation while `submit` is disabled (showing `busyLabel`,
// if given). Refusals go next to their fields (after `refine`), a failure to the
// whole form, and either into a Dashboard notification titled `failed`.
// `saved(payload)` runs on success, while the button is still busy.
export async function saveForm(ctx, { form, submit, busyLabel, failed, mutation, variables, field: payloadField, refine, saved }) {
  const label = submit.textContent;
  submit.disabled = true;
  if (busyLabel) submit.textContent = busyLabel;
  try {
    const payload = await ctx.api.mutate(mutation, variables, payloadField);
    if (payload.errors.length) {
      showErrors(form, refine ? refine(payload.errors) : payload.errors);
      ctx.bridge.notify("error", failed, payload.errors[0].message);
      return;
    }
    await saved(payload);
  } catch (error) {
    const message = ctx.describeError(error);
    showErrors(form, [{ field: null, code: "GRAPHQL_ERROR", message }]);
    ctx.bridge.notify("error", failed, message);
  } finally {
    submit.disabled = false;
    if (busyLabel) submit.textContent = label;
  }
}

// Runs one mutation for a button (disabled meanwhile). A refusal or failure goes into
// `slot` beside it and into a Dashboard notification titled `failed`; a success into a
// notification saying `success(payload)`. Resolves with the payload, or null if refused.
export async function runMutation(ctx, { control, slot, mutation, variables, field: payloadField, failed, success }) {
  slot.replaceChildren();
  control.disabled = true;
  control.setAttribute("aria-busy", "true");
  let payload = null;
  let problem = null;
  try {
    payload = await ctx.api.mutate(mutation, variables, payloadField);
    if (payload.errors.length) problem = payload.errors.map((error) => error.message).join(" ");
  } catch (error) {
    problem = ctx.describeError(error);
  }
  control.removeAttribute("aria-busy");
  if (problem) {
    control.disabled = false;
    slot.textContent = problem;
    ctx.bridge.notify("error", failed, problem);
    return null;
  }
  ctx.bridge.notify("success", success(payload));
  return payload;
}

export function formErrors() {
  return h("div", { class: "form-errors", role: "alert", "aria-live": "assertive" });
}

// A modal built on <dialog>: resolves with the value of the clicked action.
export function modal(title, body, actions) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "modal", "aria-label": title });
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.append(
      h("h2", { class: "modal-title" }, title),
      h("div", { class: "modal-body" }, body),
      h(
        "div",
        { class: "modal-actions" },
        actions.map(([label, value, variant]) => button(label, { variant: variant || "secondary", onClick: () => close(value) })),
      ),
    );
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// Rows of label / value pairs, e.g. money components.
export function definitionList(rows) {
  return h(
    "dl",
    { class: "pairs" },
    rows.filter(Boolean).map(([label, value, attrs = {}]) => [h("dt", attrs, label), h("dd", attrs, value)]),
  );
}

// A bar chart in plain SVG: [{label, value}] → horizontal or vertical bars.
export function barChart(items, { title, height = 120, formatValue = (v) => String(v) } = {}) {
  const max = Math.max(1, ...items.map((item) => item.value));
  const width = Math.max(items.length * 14, 120);
  const barWidth = width / Math.max(items.length, 1);
  const svgNS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", title || "");
  svg.setAttribute("preserveAspectRatio", "none");
  items.forEach((item, index) => {
    const barHeight = (item.value / max) * (height - 4);
    const rect = document.createElementNS(svgNS, "rect");
    rect.setAttribute("x", String(index * barWidth + 1));
    rect.setAttribute("y", String(height - barHeight));
    rect.setAttribute("width", String(Math.max(barWidth - 2, 1)));
    rect.setAttribute("height", String(barHeight));
    rect.setAttribute("rx", "2");
    const tip = document.createElementNS(svgNS, "title");
    tip.textContent = `${item.label}: ${formatValue(item.value)}`;
    rect.append(tip);
    svg.append(rect);
  });
  return svg;
}

// The shop's reason labels by code, from returnReasons' groups and their children.
export function reasonLabels(groups) {
  const labels = {};
  for (const group of groups || []) {
    labels[group.code] = group.label;
    for (const reason of group.children || []) labels[reason.code] = reason.label;
  }
  return labels;
}

// A page's own stylesheet (pages/<name>.css), loaded once.
export function loadStyle(path) {
  const href = new URL(path, import.meta.url).href;
  if (document.querySelector(`link[data-desk-style="${CSS.escape(path)}"]`)) return;
  document.head.append(h("link", { rel: "stylesheet", href, "data-desk-style": path }));
}
