// Create a return on behalf of a customer: the Dashboard's order page opens it
// (More actions → Create return) with ?orderId=<Saleor Order id>.
//
// The form shows the order's eligibility exactly as the API computes it for the
// customer, and every refusal the API answers lands next to its field. Staff can
// override the policy with a justification; the API records both.

import { formatDate, register, t } from "../i18n.js";
import { banner, button, card, clear, clearErrors, field, formErrors, h, loadStyle, money, saveForm, showErrors } from "../ui.js";

register({
  en: {
    "create.title": "Create return",
    "create.orderTitle": "Create return for order #{number}",
    "create.noOrderTitle": "No order chosen",
    "create.noOrderText": "Open this form from the order page in the Dashboard (More actions → Create return), or enter the order number.",
    "create.orderId": "Order number or ID",
    "create.orderIdHint": "The number the Dashboard shows, e.g. #1042, or the order's ID (T3JkZXI6…).",
    "create.numberNotFound": "This shop has no order with this number.",
    "create.continue": "Continue",
    "create.notFound": "This shop has no order with this ID.",
    "create.loadFailed": "The order could not be loaded",
    "create.openOrder": "Open the order",
    "create.policyVersion": "Checked against return policy version {version}.",
    "create.items": "Items",
    "create.item": "Item",
    "create.ordered": "Ordered",
    "create.shipped": "Shipped",
    "create.returnable": "Returnable",
    "create.unitPrice": "Unit price",
    "create.deadline": "Return by",
    "create.eligible": "Can be returned",
    "create.ineligible": "Cannot be returned:",
    "create.sku": "SKU {sku}",
    "create.noLines": "This order has no lines.",
    "create.quantity": "Quantity to return",
    "create.quantityHint": "0 to {max}",
    "create.quantityLocked": "Tick “Override the return policy” to return this item anyway.",
    "create.reason": "Reason",
    "create.chooseReason": "Choose a reason",
    "create.comment": "Comment",
    "create.photos": "Photos",
    "create.addPhotos": "Add photos",
    "create.photosHint": "Required for this reason: JPEG, PNG, WebP, HEIC or PDF, at most 10 MB each.",
    "create.uploading": "Uploading {name}…",
    "create.uploadFailed": "{name} could not be uploaded.",
    "create.removePhoto": "Remove {name}",
    "create.request": "Request",
    "create.kind": "Kind",
    "create.kindHint": "Claims are for parcels that arrived damaged, incomplete or wrong, or never arrived.",
    "create.resolution": "Resolution",
    "create.resolutionHint": "What the customer wishes to get.",
    "create.exchangeVariant": "Variant to send in exchange",
    "create.exchangeVariantHint": "Saleor's product variant ID.",
    "create.customerNote": "Note from the customer",
    "create.overrideTitle": "Return policy",
    "create.override": "Override the return policy",
    "create.overrideHint": "Accept items the policy refuses. The request records who overrode it and why.",
    "create.justification": "Justification",
    "create.justificationHint": "Why this return is accepted outside the policy.",
    "create.submit": "Create return",
    "create.submitting": "Creating…",
    "create.wholeNumber": "Enter a whole number.",
    "create.waitForUploads": "Wait until the photos are uploaded.",
    "create.created": "{number} created",
    "create.failed": "The return could not be created",
  },
  "zh-Hans": {
    "create.title": "创建退货",
    "create.orderTitle": "为订单 #{number} 创建退货",
    "create.noOrderTitle": "未选择订单",
    "create.noOrderText": "请从 Dashboard 的订单页面打开此表单（更多操作 → 创建退货），或输入订单号。",
    "create.orderId": "订单号或订单 ID",
    "create.orderIdHint": "Dashboard 显示的订单号，例如 #1042，或订单 ID（T3JkZXI6…）。",
    "create.numberNotFound": "本店铺没有此订单号的订单。",
    "create.continue": "继续",
    "create.notFound": "本店铺没有此 ID 的订单。",
    "create.loadFailed": "无法加载订单",
    "create.openOrder": "打开订单",
    "create.policyVersion": "按第 {version} 版退货政策校验。",
    "create.items": "商品",
    "create.item": "商品",
    "create.ordered": "订购数量",
    "create.shipped": "已发货",
    "create.returnable": "可退数量",
    "create.unitPrice": "单价",
    "create.deadline": "退货截止",
    "create.eligible": "可以退货",
    "create.ineligible": "不可退货：",
    "create.sku": "SKU {sku}",
    "create.noLines": "此订单没有商品行。",
    "create.quantity": "退货数量",
    "create.quantityHint": "0 至 {max}",
    "create.quantityLocked": "勾选“绕过退货政策”后仍可退回此商品。",
    "create.reason": "退货原因",
    "create.chooseReason": "请选择原因",
    "create.comment": "备注",
    "create.photos": "照片",
    "create.addPhotos": "添加照片",
    "create.photosHint": "此原因需要照片：JPEG、PNG、WebP、HEIC 或 PDF，每个文件不超过 10 MB。",
    "create.uploading": "正在上传 {name}…",
    "create.uploadFailed": "{name} 上传失败。",
    "create.removePhoto": "移除 {name}",
    "create.request": "申请",
    "create.kind": "类型",
    "create.kindHint": "索赔适用于包裹到货破损、缺件、发错商品或未送达的情况。",
    "create.resolution": "处理方式",
    "create.resolutionHint": "客户希望获得的处理方式。",
    "create.exchangeVariant": "换货商品规格",
    "create.exchangeVariantHint": "Saleor 的商品规格（variant）ID。",
    "create.customerNote": "客户留言",
    "create.overrideTitle": "退货政策",
    "create.override": "绕过退货政策",
    "create.overrideHint": "接受政策不允许的商品。申请会记录操作人和理由。",
    "create.justification": "理由",
    "create.justificationHint": "说明为何在政策之外接受此退货。",
    "create.submit": "创建退货",
    "create.submitting": "正在创建…",
    "create.wholeNumber": "请输入整数。",
    "create.waitForUploads": "请等待照片上传完成。",
    "create.created": "已创建 {number}",
    "create.failed": "无法创建退货",
  },
});

const ORDER_BY_NUMBER = `
query OrderByNumber($number: String!) {
  returnOrderByNumber(number: $number) { id number }
}
`;

const ELIGIBILITY = `
query CreateReturnForm($orderId: ID!) {
  returnEligibility(orderId: $orderId) {
    orderId orderNumber policyVersion
    lines {
      orderLineId productName variantName sku quantity shippedQuantity returnableQuantity isReturnable deadline
      unitPrice { amount currency }
      allowedReasons allowedResolutions photoRequiredReasons
      ineligibleReasons { code message }
    }
  }
  returnReasons { code label children { code label } }
}`;

const CREATE = `
mutation CreateReturn($input: ReturnRequestCreateInput!) {
  returnRequestCreate(input: $input) {
    returnRequest { id number }
    errors { field code message lines }
  }
}`;

const KINDS = ["RETURN", "EXCHANGE", "DAMAGED_ON_ARRIVAL", "MISSING_ITEM", "WRONG_ITEM", "PARCEL_LOST"];
const RESOLUTIONS = ["REFUND", "STORE_CREDIT", "EXCHANGE", "KEEP_ITEM", "REPLACEMENT"];
// The API names a line's control ("lines.reason", "lines.evidenceIds") or the
// whole line ("lines", e.g. a policy refusal), with the order line ids.
const LINE_ERROR_FIELDS = {
  INVALID_REASON: "reason",
  EVIDENCE_REQUIRED: "evidence",
  NOT_FOUND: "evidence",
};
const LINE_CONTROLS = { "lines.evidenceIds": "lines.evidence" };

function newKey() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export async function render(ctx) {
  loadStyle("pages/create.css");
  const orderId = (ctx.query.get("orderId") || "").trim();
  if (!orderId) {
    renderOrderPicker(ctx, null);
    return undefined;
  }
  let data;
  try {
    data = await ctx.api.query(ELIGIBILITY, { orderId });
  } catch (error) {
    if (!ctx.isCurrent()) return undefined;
    clear(
      ctx.root,
      h("div", { class: "page-head" }, h("h1", {}, t("create.title"))),
      banner("error", t("create.loadFailed"), ctx.describeError(error)),
      h("div", { class: "actions" }, button(t("common.retry"), { onClick: () => ctx.refresh() })),
    );
    return undefined;
  }
  if (!ctx.isCurrent()) return undefined;
  if (!data.returnEligibility) {
    renderOrderPicker(ctx, orderId);
    return undefined;
  }
  renderForm(ctx, data.returnEligibility, data.returnReasons);
  return undefined;
}

// Without an order (or with an unknown one): staff enter the order's number or ID.
function renderOrderPicker(ctx, unknownId) {
  const form = h(
    "form",
    { class: "card create-picker", novalidate: true },
    field({ label: t("create.orderId"), name: "orderId", value: unknownId || "", hint: t("create.orderIdHint"), required: true }),
    h("div", { class: "actions" }, button(t("create.continue"), { variant: "primary", type: "submit" })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = form.elements.orderId.value.trim();
    if (!value) {
      showErrors(form, [{ field: "orderId", code: "REQUIRED", message: t("common.required") }]);
      return;
    }
    if (!/^#?\d+$/.test(value)) {
      ctx.navigate("/dashboard/returns/new/", { orderId: value });
      return;
    }
    let found = null;
    try {
      const data = await ctx.api.query(ORDER_BY_NUMBER, { number: value });
      found = data.returnOrderByNumber;
    } catch (error) {
      showErrors(form, [{ field: "orderId", code: "GRAPHQL_ERROR", message: ctx.describeError(error) }]);
      return;
    }
    if (!found) {
      showErrors(form, [{ field: "orderId", code: "NOT_FOUND", message: t("create.numberNotFound") }]);
      return;
    }
    ctx.navigate("/dashboard/returns/new/", { orderId: found.id });
  });
  clear(
    ctx.root,
    h("div", { class: "page-head" }, h("h1", {}, t("create.title"))),
    unknownId ? banner("error", t("create.notFound"), unknownId) : banner("info", t("create.noOrderTitle"), t("create.noOrderText")),
    form,
  );
}

function reasonCatalog(groups) {
  const labels = new Map();
  for (const group of groups || []) {
    for (const reason of group.children || []) labels.set(reason.code, { label: reason.label, group: group.label });
  }
  return labels;
}

function renderForm(ctx, eligibility, groups) {
  const labels = reasonCatalog(groups);
  const idempotencyKey = newKey(); // one per form: a retry of the same submission returns the first request
  const state = { evidence: new Map(), uploads: 0 };
  const lines = eligibility.lines;
  const allowedResolutions = lines.length ? lines[0].allowedResolutions : ["REFUND"];

  const override = field({ label: t("create.override"), name: "policyOverride", type: "checkbox", hint: t("create.overrideHint") });
  const justification = field({
    label: t("create.justification"), name: "policyOverrideJustification", type: "textarea",
    hint: t("create.justificationHint"), required: true,
  });
  justification.hidden = true;
  const overrideBox = override.querySelector("input");

  const kind = field({
    label: t("create.kind"), name: "kind", type: "select", value: "RETURN", hint: t("create.kindHint"),
    options: KINDS.map((value) => [value, t(`kind.${value}`)]),
  });
  const resolution = field({ label: t("create.resolution"), name: "resolution", type: "select", hint: t("create.resolutionHint") });
  const exchangeVariant = field({
    label: t("create.exchangeVariant"), name: "exchangeVariantId", hint: t("create.exchangeVariantHint"), required: true,
  });
  const customerNote = field({ label: t("create.customerNote"), name: "customerNote", type: "textarea" });
  const kindSelect = kind.querySelector("select");
  const resolutionSelect = resolution.querySelector("select");

  function fillResolutions() {
    const current = resolutionSelect.value;
    const offered = overrideBox.checked ? RESOLUTIONS : allowedResolutions;
    resolutionSelect.replaceChildren(...offered.map((value) => h("option", { value }, t(`resolution.${value}`))));
    if (offered.includes(current)) resolutionSelect.value = current;
  }

  const rows = lines.map((line) => lineRow(ctx, line, labels, state, () => kindSelect.value));

  function sync() {
    const isOverride = overrideBox.checked;
    justification.hidden = !isOverride;
    fillResolutions();
    exchangeVariant.hidden = !(kindSelect.value === "EXCHANGE" || resolutionSelect.value === "EXCHANGE");
    rows.forEach((row) => row.sync(isOverride));
  }
  overrideBox.addEventListener("change", sync);
  kindSelect.addEventListener("change", () => {
    if (kindSelect.value === "EXCHANGE" && [...resolutionSelect.options].some((option) => option.value === "EXCHANGE")) {
      resolutionSelect.value = "EXCHANGE";
    }
    sync();
  });
  resolutionSelect.addEventListener("change", sync);

  const submit = button(t("create.submit"), { variant: "primary", type: "submit", "data-action": "create" });
  const items = card(
    t("create.items"),
    h("p", { class: "muted" }, t("create.policyVersion", { version: eligibility.policyVersion })),
    h("div", { class: "field lines-field", "data-field": "lines" }, h("p", { class: "field-error", "aria-live": "polite" })),
    lines.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "create-lines" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, t("create.item")),
                h("th", { scope: "col", class: "num" }, t("create.ordered")),
                h("th", { scope: "col", class: "num" }, t("create.shipped")),
                h("th", { scope: "col", class: "num" }, t("create.returnable")),
                h("th", { scope: "col", class: "num" }, t("create.unitPrice")),
                h("th", { scope: "col" }, t("create.deadline")),
              ),
            ),
            rows.map((row) => row.element),
          ),
        )
      : h("p", { class: "empty" }, t("create.noLines")),
  );
  const form = h(
    "form",
    { class: "create-form", novalidate: true },
    formErrors(),
    items,
    card(t("create.request"), h("div", { class: "row" }, kind, resolution), exchangeVariant, customerNote),
    card(t("create.overrideTitle"), override, justification),
    h(
      "div",
      { class: "actions" },
      submit,
      button(t("common.cancel"), { variant: "secondary", onClick: () => ctx.navigate("/dashboard/") }),
    ),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const isOverride = overrideBox.checked;
    const reason = justification.querySelector("textarea").value.trim();
    if (isOverride && !reason) {
      showErrors(form, [{ field: "policyOverrideJustification", code: "REQUIRED", message: t("common.required") }]);
      return;
    }
    if (state.uploads > 0) {
      showErrors(form, [{ field: null, code: "INVALID", message: t("create.waitForUploads") }]);
      return;
    }
    const values = rows.map((row) => row.value());
    const notWhole = values.filter((value) => value && value.invalid).map((value) => value.orderLineId);
    if (notWhole.length) {
      showErrors(form, [{ field: "quantity", code: "INVALID_QUANTITY", message: t("create.wholeNumber"), lines: notWhole }]);
      return;
    }
    const input = {
      orderId: eligibility.orderId,
      kind: kindSelect.value,
      resolution: resolutionSelect.value,
      lines: values.filter(Boolean),
      customerNote: customerNote.querySelector("textarea").value.trim() || null,
      idempotencyKey,
    };
    if (!exchangeVariant.hidden) input.exchangeVariantId = exchangeVariant.querySelector("input").value.trim() || null;
    if (isOverride) input.policyOverrideJustification = reason;
    await saveForm(ctx, {
      form,
      submit,
      busyLabel: t("create.submitting"),
      failed: t("create.failed"),
      mutation: CREATE,
      variables: { input },
      field: "returnRequestCreate",
      refine: (errors) => errors.map(placeLineError),
      saved: (result) => {
        const created = result.returnRequest;
        ctx.bridge.notify("success", t("create.created", { number: created.number }));
        ctx.navigate(`/dashboard/returns/${created.id}/`);
      },
    });
  });

  sync();
  clear(
    ctx.root,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("create.orderTitle", { number: eligibility.orderNumber })),
      button(t("create.openOrder"), { variant: "link", onClick: () => ctx.openInDashboard(`/orders/${eligibility.orderId}`) }),
    ),
    form,
  );
}

function placeLineError(error) {
  if (!error.lines || !error.lines.length) return error;
  if (LINE_CONTROLS[error.field]) return { ...error, field: LINE_CONTROLS[error.field] };
  if (error.field !== "lines") return error;
  return { ...error, field: `lines.${LINE_ERROR_FIELDS[error.code] || "quantity"}` };
}

// One order line: what the policy says about it, then what staff ask for.
function lineRow(ctx, line, labels, state, currentKind) {
  const ineligible = line.ineligibleReasons || [];
  const facts = h(
    "tr",
    { class: "line-facts" },
    h(
      "th",
      { scope: "row" },
      h("span", { class: "line-name" }, line.productName),
      line.variantName ? h("span", { class: "muted" }, ` · ${line.variantName}`) : null,
      line.sku ? h("div", { class: "muted" }, t("create.sku", { sku: line.sku })) : null,
      ineligible.length
        ? h(
            "div",
            { class: "ineligible", "data-ineligible": "" },
            h("span", {}, t("create.ineligible")),
            h(
              "ul",
              {},
              ineligible.map((problem) =>
                h("li", { "data-code": problem.code }, h("code", {}, problem.code), " ", problem.message),
              ),
            ),
          )
        : h("div", { class: "eligible" }, t("create.eligible")),
    ),
    h("td", { class: "num" }, String(line.quantity)),
    h("td", { class: "num" }, String(line.shippedQuantity)),
    h("td", { class: "num", "data-returnable": "" }, String(line.returnableQuantity)),
    h("td", { class: "num" }, money(line.unitPrice)),
    h("td", {}, line.deadline ? formatDate(line.deadline) : "—"),
  );

  const reasonOptions = [["", t("create.chooseReason")], ...line.allowedReasons.map((code) => [code, (labels.get(code) || {}).label || code])];
  const quantity = field({
    label: t("create.quantity"), name: "quantity", type: "number", value: "0", hint: t("create.quantityLocked"),
    attrs: { min: "0", step: "1", inputmode: "numeric" },
  });
  const reason = field({ label: t("create.reason"), name: "reason", type: "select", options: reasonOptions });
  const comment = field({ label: t("create.comment"), name: "comment" });
  const fileInput = h("input", { type: "file", multiple: true, accept: "image/jpeg,image/png,image/webp,image/heic,application/pdf" });
  const photos = photoField(ctx, fileInput, line.orderLineId, state);
  const quantityInput = quantity.querySelector("input");
  const reasonSelect = reason.querySelector("select");
  groupReasonOptions(reasonSelect, line.allowedReasons, labels);

  function needsPhotos() {
    return currentKind() === "DAMAGED_ON_ARRIVAL" || line.photoRequiredReasons.includes(reasonSelect.value);
  }
  function syncPhotos() {
    photos.element.hidden = !needsPhotos();
  }
  reasonSelect.addEventListener("change", syncPhotos);

  const inputs = h(
    "tr",
    { class: "line-inputs" },
    h("td", { colspan: "6" }, h("div", { class: "row" }, quantity, reason, comment, photos.element)),
  );
  const element = h("tbody", { "data-line": line.orderLineId, class: ineligible.length ? "line ineligible-line" : "line" }, facts, inputs);

  return {
    element,
    sync(isOverride) {
      const locked = !line.isReturnable && !isOverride;
      // An override lifts the policy, not physics: the API still caps at what was shipped.
      const max = line.isReturnable ? line.returnableQuantity : line.shippedQuantity;
      quantityInput.disabled = locked;
      reasonSelect.disabled = locked;
      quantityInput.max = String(max);
      if (locked) quantityInput.value = "0";
      quantity.querySelector(".hint").textContent = locked ? t("create.quantityLocked") : t("create.quantityHint", { max });
      syncPhotos();
    },
    value() {
      const raw = quantityInput.value.trim();
      if (quantityInput.disabled || raw === "" || raw === "0") return null;
      // Whole numbers go to the API, which answers for any other bad quantity.
      if (!/^-?\d+$/.test(raw)) return { invalid: true, orderLineId: line.orderLineId };
      return {
        orderLineId: line.orderLineId,
        quantity: Number(raw),
        reason: reasonSelect.value,
        comment: comment.querySelector("input").value.trim() || null,
        evidenceIds: (state.evidence.get(line.orderLineId) || []).map((item) => item.id),
      };
    },
  };
}

// Reasons under their groups, as customers see them in the storefront.
function groupReasonOptions(select, allowed, labels) {
  const byGroup = new Map();
  for (const code of allowed) {
    const entry = labels.get(code) || { label: code, group: "" };
    if (!byGroup.has(entry.group)) byGroup.set(entry.group, []);
    byGroup.get(entry.group).push(h("option", { value: code }, entry.label));
  }
  select.replaceChildren(
    h("option", { value: "" }, t("create.chooseReason")),
    ...[...byGroup.entries()].map(([group, options]) => (group ? h("optgroup", { label: group }, options) : options)),
  );
  select.value = "";
}

// A file input that uploads at once; the request then names the evidence ids.
function photoField(ctx, input, lineId, state) {
  const inputId = `photos-${lineId.replace(/[^\w-]/g, "-")}`;
  input.id = inputId;
  input.name = "evidence";
  input.setAttribute("aria-describedby", `${inputId}-hint ${inputId}-error`);
  const list = h("ul", { class: "evidence-list" });
  const status = h("p", { class: "hint", role: "status", "aria-live": "polite" });
  const error = h("p", { class: "field-error", id: `${inputId}-error`, "aria-live": "polite" });
  // The native file control speaks the browser's language, not the Dashboard's:
  // it stays in the page (keyboard and screen readers reach it) under a labelled button.
  input.classList.add("file-input");
  input.setAttribute("aria-labelledby", `${inputId}-title ${inputId}-button`);
  const element = h(
    "div",
    { class: "field photos-field", "data-field": "evidence" },
    h("span", { class: "field-title", id: `${inputId}-title` }, t("create.photos"), h("span", { class: "required", "aria-hidden": "true" }, " *")),
    h("div", { class: "file-picker" }, input, h("label", { for: inputId, id: `${inputId}-button`, class: "btn btn-secondary" }, t("create.addPhotos"))),
    h("p", { class: "hint", id: `${inputId}-hint` }, t("create.photosHint")),
    list,
    status,
    error,
  );

  function redraw() {
    const items = state.evidence.get(lineId) || [];
    list.replaceChildren(
      ...items.map((item) =>
        h(
          "li",
          { "data-evidence": item.id },
          h("span", {}, item.filename),
          button("×", {
            variant: "link",
            "aria-label": t("create.removePhoto", { name: item.filename }),
            onClick: () => {
              state.evidence.set(lineId, (state.evidence.get(lineId) || []).filter((other) => other.id !== item.id));
              redraw();
            },
          }),
        ),
      ),
    );
  }

  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = "";
    error.replaceChildren();
    element.classList.remove("invalid");
    for (const file of files) {
      status.textContent = t("create.uploading", { name: file.name });
      state.uploads += 1;
      try {
        const result = await ctx.api.upload(file);
        if (result.errors && result.errors.length) {
          element.classList.add("invalid");
          error.append(h("span", { "data-code": result.errors[0].code }, `${t("create.uploadFailed", { name: file.name })} ${result.errors[0].message}`));
        } else {
          state.evidence.set(lineId, [...(state.evidence.get(lineId) || []), result.evidence]);
          redraw();
        }
      } catch (problem) {
        element.classList.add("invalid");
        error.append(h("span", { "data-code": "GRAPHQL_ERROR" }, `${t("create.uploadFailed", { name: file.name })} ${ctx.describeError(problem)}`));
      } finally {
        state.uploads -= 1;
      }
    }
    status.textContent = "";
  });
  return { element };
}
