// The sales history tab: return rates need what was sold. Every order Saleor places reaches the
// app by webhook; a backfill reads the orders of a period from Saleor, page by page (the last
// year when the app is installed). Here staff follow the backfill on a progress bar, cancel it,
// or start one for another period. While it runs the tab asks again every few seconds.

import { formatDate, formatNumber, register, t } from "../../i18n.js";
import { banner, button, card, clear, clearErrors, field, formErrors, h, saveForm, showErrors, spinner } from "../../ui.js";
import { loadFailed } from "./common.js";

register({
  en: {
    "settings.tab.sales": "Sales history",
    "sales.title": "Sales history",
    "sales.intro": "Return rates need what was sold. The app records each order Saleor places as it happens; a backfill reads the orders of a period from Saleor, a page at a time, without slowing your shop. Orders read twice count once.",
    "sales.none": "No backfill yet.",
    "sales.backfill": "Backfill of {from} to {to}",
    "sales.status.RUNNING": "Running",
    "sales.status.DONE": "Done",
    "sales.status.FAILED": "Failed",
    "sales.status.CANCELED": "Canceled",
    "sales.progress": "Backfill progress",
    "sales.counts": "{orders} of {total} orders read, {lines} order lines; pages read: {pages}",
    "sales.countsUnknown": "{orders} orders read, {lines} order lines; pages read: {pages}",
    "sales.startedBy": "Started by {who}",
    "sales.startedByInstall": "Started when the app was installed",
    "sales.started": "Started {when}",
    "sales.finished": "Finished {when}",
    "sales.lastError": "The last page failed",
    "sales.nextAttempt": "{error} It is tried again {when}.",
    "sales.cancel": "Cancel the backfill",
    "sales.canceled": "Backfill canceled",
    "sales.cancelFailed": "The backfill was not canceled",
    "sales.start": "Read a period again",
    "sales.from": "From",
    "sales.to": "To",
    "sales.periodHint": "Days in the shop's time zone, both included.",
    "sales.required": "Choose a day.",
    "sales.submit": "Start the backfill",
    "sales.startedNow": "Backfill started",
    "sales.failed": "The backfill was not started",
  },
  "zh-Hans": {
    "settings.tab.sales": "销售记录",
    "sales.title": "销售记录",
    "sales.intro": "计算退货率需要知道卖出了什么。Saleor 每生成一笔订单，应用都会即时记录；回填会从 Saleor 逐页读取某一时段的订单，不会拖慢店铺。重复读取的订单只计一次。",
    "sales.none": "尚未进行回填。",
    "sales.backfill": "回填 {from} 至 {to}",
    "sales.status.RUNNING": "进行中",
    "sales.status.DONE": "已完成",
    "sales.status.FAILED": "失败",
    "sales.status.CANCELED": "已取消",
    "sales.progress": "回填进度",
    "sales.counts": "已读取 {orders} / {total} 笔订单，{lines} 个订单行；已读 {pages} 页",
    "sales.countsUnknown": "已读取 {orders} 笔订单，{lines} 个订单行；已读 {pages} 页",
    "sales.startedBy": "由 {who} 发起",
    "sales.startedByInstall": "安装应用时自动发起",
    "sales.started": "开始于 {when}",
    "sales.finished": "结束于 {when}",
    "sales.lastError": "最近一页读取失败",
    "sales.nextAttempt": "{error} 将于 {when} 重试。",
    "sales.cancel": "取消回填",
    "sales.canceled": "回填已取消",
    "sales.cancelFailed": "回填未能取消",
    "sales.start": "重新读取某一时段",
    "sales.from": "开始日期",
    "sales.to": "结束日期",
    "sales.periodHint": "按店铺时区计算的日期，首尾两天均包含在内。",
    "sales.required": "请选择日期。",
    "sales.submit": "开始回填",
    "sales.startedNow": "回填已开始",
    "sales.failed": "回填未能开始",
  },
});

const FIELDS = "id status periodFrom periodTo startedBy pagesDone ordersDone linesDone estimatedTotalOrders lastError nextAttemptAt startedAt finishedAt";
const LATEST = `query SalesBackfill { returnSalesBackfill { ${FIELDS} } }`;
const START = `
mutation SalesBackfillStart($from: Date!, $to: Date!) {
  returnSalesBackfillStart(from: $from, to: $to) { backfill { ${FIELDS} } errors { field code message } }
}`;
const CANCEL = `mutation SalesBackfillCancel { returnSalesBackfillCancel { backfill { ${FIELDS} } errors { field code message } } }`;
// How often a running backfill's progress is asked for.
const POLL_MS = 3000;

// A day as <input type="date"> wants it, in the staff member's calendar.
function isoDay(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

// A day the API sends ("2026-05-01") is a calendar day, not an instant at midnight UTC.
function formatDay(value) {
  const [year, month, day] = value.split("-").map(Number);
  return formatDate(new Date(year, month - 1, day), false);
}

// The accessible bar: a <progress> whose value is the orders read; without Saleor's total yet
// (before the first page) a running backfill shows an indeterminate bar.
function progressBar(backfill, describedBy) {
  const total = backfill.estimatedTotalOrders;
  const attrs = { class: "sales-progress", "aria-label": t("sales.progress"), "aria-describedby": describedBy };
  if (backfill.status === "DONE") return h("progress", { ...attrs, max: Math.max(total || 0, 1), value: Math.max(total || 0, 1) });
  if (total === null || total === undefined) return h("progress", attrs);
  return h("progress", { ...attrs, max: Math.max(total, 1), value: Math.min(backfill.ordersDone, Math.max(total, 1)) });
}

function describe(backfill) {
  const numbers = {
    orders: formatNumber(backfill.ordersDone),
    total: formatNumber(backfill.estimatedTotalOrders ?? 0),
    lines: formatNumber(backfill.linesDone),
    pages: formatNumber(backfill.pagesDone),
  };
  return backfill.estimatedTotalOrders === null ? t("sales.countsUnknown", numbers) : t("sales.counts", numbers);
}

function backfillState(ctx, backfill, reload) {
  if (!backfill) return h("p", { class: "muted", "data-backfill": "none" }, t("sales.none"));
  const countsId = `sales-counts-${backfill.id}`.replace(/[^\w-]/g, "");
  const period = t("sales.backfill", { from: formatDay(backfill.periodFrom), to: formatDay(backfill.periodTo) });
  const who = backfill.startedBy === "install" ? t("sales.startedByInstall") : t("sales.startedBy", { who: backfill.startedBy });
  const times = [backfill.startedAt && t("sales.started", { when: formatDate(backfill.startedAt) }),
    backfill.finishedAt && t("sales.finished", { when: formatDate(backfill.finishedAt) })].filter(Boolean);
  let problem = null;
  if (backfill.lastError) {
    const text = backfill.nextAttemptAt
      ? t("sales.nextAttempt", { error: backfill.lastError, when: formatDate(backfill.nextAttemptAt) })
      : backfill.lastError;
    problem = banner(backfill.status === "FAILED" ? "error" : "warning", t("sales.lastError"), text);
  }
  let cancel = null;
  if (backfill.status === "RUNNING") {
    cancel = button(t("sales.cancel"), { "data-action": "cancel-backfill" });
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      try {
        const answer = await ctx.api.mutate(CANCEL, {}, "returnSalesBackfillCancel");
        if (answer.errors.length) {
          ctx.bridge.notify("error", t("sales.cancelFailed"), answer.errors[0].message);
        } else {
          ctx.bridge.notify("success", t("sales.canceled"));
        }
      } catch (error) {
        ctx.bridge.notify("error", t("sales.cancelFailed"), ctx.describeError(error));
      }
      await reload();
    });
  }
  return h(
    "div",
    { class: "sales-backfill", "data-backfill": backfill.status },
    h("div", { class: "sales-backfill-head" },
      h("strong", {}, period),
      h("span", { class: `badge badge-backfill-${backfill.status.toLowerCase()}`, "data-status": backfill.status }, t(`sales.status.${backfill.status}`))),
    progressBar(backfill, countsId),
    h("p", { class: "sales-counts", id: countsId }, describe(backfill)),
    h("p", { class: "muted" }, [who, ...times].join(" · ")),
    problem,
    cancel ? h("div", { class: "actions" }, cancel) : null,
  );
}

export async function salesPanel(ctx, panel) {
  clear(panel, spinner());
  const state = h("div", { class: "sales-state", "aria-live": "polite" });
  let timer = null;

  async function reload() {
    clearTimeout(timer);
    let backfill;
    try {
      backfill = (await ctx.api.query(LATEST)).returnSalesBackfill;
    } catch (error) {
      loadFailed(ctx, state, error, reload);
      return;
    }
    clear(state, backfillState(ctx, backfill, reload));
    if (backfill && backfill.status === "RUNNING") {
      timer = setTimeout(() => {
        if (panel.isConnected) reload();
      }, POLL_MS);
    }
  }

  const today = new Date();
  const yearAgo = new Date(today.getTime() - 365 * 86400000);
  const from = field({ label: t("sales.from"), name: "from", type: "date", value: isoDay(yearAgo), required: true });
  const to = field({ label: t("sales.to"), name: "to", type: "date", value: isoDay(today), required: true, hint: t("sales.periodHint") });
  const submit = button(t("sales.submit"), { variant: "primary", type: "submit", "data-action": "start-backfill" });
  const form = h("form", { class: "sales-form", novalidate: true }, formErrors(), h("div", { class: "row" }, from, to), h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const variables = { from: from.querySelector("input").value, to: to.querySelector("input").value };
    const empty = Object.keys(variables).filter((name) => !variables[name]);
    if (empty.length) {
      showErrors(form, empty.map((name) => ({ field: name, code: "REQUIRED", message: t("sales.required") })));
      return;
    }
    await saveForm(ctx, {
      form,
      submit,
      failed: t("sales.failed"),
      mutation: START,
      variables,
      field: "returnSalesBackfillStart",
      saved: async () => {
        ctx.bridge.notify("success", t("sales.startedNow"));
        await reload();
      },
    });
  });

  clear(
    panel,
    card(t("sales.title"), h("p", { class: "muted" }, t("sales.intro")), state),
    card(t("sales.start"), form),
  );
  await reload();
}
