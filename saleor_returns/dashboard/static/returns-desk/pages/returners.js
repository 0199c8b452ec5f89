// Frequent returners: customers ranked by a score whose every part is shown with its weight and
// its reason in words; staff set a customer's status (VIP, watch, block) that the automatic review
// reads. Below, the spike alerts: variants returned far more this week than in the weeks before,
// each with how the shop was told (e-mail, webhooks) and a note of what was done about it. The
// ranking downloads as CSV.

import { formatNumber, register, t } from "../i18n.js";
import { banner, button, card, clear, h, runMutation, spinner } from "../ui.js";
import "../messages.js";

register({
  en: {
    "returners.title": "Frequent returners",
    "returners.from": "From",
    "returners.to": "To",
    "returners.show": "Show",
    "returners.csv": "Download CSV",
    "returners.csvFailed": "The CSV was not downloaded",
    "returners.none": "No customer returned often in this period.",
    "returners.customer": "Customer",
    "returners.score": "Score",
    "returners.why": "Why",
    "returners.status": "Status",
    "returners.points": "{points} of {weight}",
    "returners.component.return_rate": "Return rate",
    "returners.component.value_rate": "Value returned",
    "returners.component.not_shop_fault": "Not the shop's fault",
    "returners.component.claims": "Claims",
    "returners.component.rejected": "Refused requests",
    "returners.status.": "No status",
    "returners.status.VIP": "VIP",
    "returners.status.WATCH": "Watch",
    "returners.status.BLOCK": "Block",
    "returners.note": "Note",
    "returners.save": "Save",
    "returners.saved": "Status saved",
    "returners.saveFailed": "The status was not saved",
    "returners.more": "More",
    "spikes.title": "Spike alerts",
    "spikes.none": "No spike in the last weeks.",
    "spikes.variant": "Variant",
    "spikes.week": "Week of",
    "spikes.figures": "{returned} of {sold} returned; before: {baselineReturned} of {baselineSold} in {weeks} weeks",
    "spikes.reason": "Main reason",
    "spikes.note": "What was done",
    "spikes.told": "Shop told",
    "spikes.toldNone": "Not told",
    "spikes.saved": "Note saved",
    "spikes.saveFailed": "The note was not saved",
  },
  "zh-Hans": {
    "returners.title": "频繁退货顾客",
    "returners.from": "开始日期",
    "returners.to": "结束日期",
    "returners.show": "显示",
    "returners.csv": "下载 CSV",
    "returners.csvFailed": "CSV 未能下载",
    "returners.none": "此时段内没有频繁退货的顾客。",
    "returners.customer": "顾客",
    "returners.score": "评分",
    "returners.why": "原因",
    "returners.status": "状态",
    "returners.points": "{points} / {weight}",
    "returners.component.return_rate": "退货率",
    "returners.component.value_rate": "退货金额",
    "returners.component.not_shop_fault": "非店铺过错",
    "returners.component.claims": "索赔",
    "returners.component.rejected": "被拒申请",
    "returners.status.": "无状态",
    "returners.status.VIP": "VIP",
    "returners.status.WATCH": "关注",
    "returners.status.BLOCK": "拉黑",
    "returners.note": "备注",
    "returners.save": "保存",
    "returners.saved": "状态已保存",
    "returners.saveFailed": "状态未能保存",
    "returners.more": "更多",
    "spikes.title": "退货激增提醒",
    "spikes.none": "最近几周没有退货激增。",
    "spikes.variant": "商品规格",
    "spikes.week": "周起始日",
    "spikes.figures": "售出 {sold} 件，退回 {returned} 件；此前 {weeks} 周：售出 {baselineSold} 件，退回 {baselineReturned} 件",
    "spikes.reason": "主要原因",
    "spikes.note": "处理措施",
    "spikes.told": "通知店铺",
    "spikes.toldNone": "未通知",
    "spikes.saved": "备注已保存",
    "spikes.saveFailed": "备注未能保存",
  },
});

const RANKING = `
query FrequentReturners($from: Date!, $to: Date!, $after: String) {
  returnFrequentReturners(from: $from, to: $to, first: 20, after: $after) {
    edges { node { customer score components { name weight points reason } status { status note setBy } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SET_STATUS = `
mutation CustomerStatusSet($customer: String!, $status: ReturnCustomerStatusEnum, $note: String) {
  returnCustomerStatusSet(customer: $customer, status: $status, note: $note) {
    customerStatus { status note } errors { field code message }
  }
}`;
const ALERTS = `query SpikeAlerts { returnSpikeAlerts { id variantId weekStart soldUnits returnedUnits baselineWeeks
  baselineSoldUnits baselineReturnedUnits dominantReasonCode note
  messages { id channel status lastError endpoint { url } } } }`;
const NOTE = `
mutation SpikeAlertNote($id: ID!, $note: String!) {
  returnSpikeAlertNote(id: $id, note: $note) { alert { id note } errors { field code message } }
}`;
const STATUSES = ["", "VIP", "WATCH", "BLOCK"];

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

function statusEditor(ctx, row) {
  const select = h("select", { name: "status", "aria-label": t("returners.status") },
    STATUSES.map((status) => h("option", { value: status, selected: (row.status?.status || "") === status },
      t(`returners.status.${status}`))));
  const note = h("input", { type: "text", name: "note", value: row.status?.note || "", "aria-label": t("returners.note"),
    placeholder: t("returners.note") });
  const slot = h("span", { class: "field-error", role: "alert" });
  const save = button(t("returners.save"), {
    onClick: () => runMutation(ctx, {
      control: save, slot, mutation: SET_STATUS, field: "returnCustomerStatusSet", failed: t("returners.saveFailed"),
      variables: { customer: row.customer, status: select.value || null, note: note.value },
      success: () => t("returners.saved"),
    }).then(() => { save.disabled = false; }),
  });
  return h("div", { class: "status-editor", "data-customer": row.customer },
    select, note, save, slot);
}

function returnerRow(ctx, row) {
  return h("tr", { "data-customer": row.customer },
    h("td", {}, row.customer.replace(/^(user|email):/, "")),
    h("td", { "data-value": "score" }, formatNumber(Number(row.score), 2)),
    h("td", {}, h("ul", { class: "components" }, row.components.map((part) => h("li", { "data-component": part.name },
      h("strong", {}, t(`returners.component.${part.name}`)), " ",
      t("returners.points", { points: formatNumber(Number(part.points), 2), weight: formatNumber(Number(part.weight)) }),
      " — ", part.reason)))),
    h("td", {}, statusEditor(ctx, row)));
}

// How the shop heard of an alert: each message's channel and status, and why one was skipped or failed.
function toldList(alert) {
  if (!alert.messages.length) return t("spikes.toldNone");
  return h("ul", { class: "told" }, alert.messages.map((message) => h("li", {
    "data-channel": message.channel, "data-status": message.status, title: message.endpoint ? message.endpoint.url : null,
  }, `${t(`messages.channel.${message.channel}`)}: ${t(`messages.status.${message.status}`)}`,
  message.lastError && message.status !== "SENT" ? ` — ${message.lastError}` : "")));
}

function alertRow(ctx, alert) {
  const note = h("input", { type: "text", name: "note", value: alert.note, "aria-label": t("spikes.note") });
  const slot = h("span", { class: "field-error", role: "alert" });
  const save = button(t("returners.save"), {
    onClick: () => runMutation(ctx, {
      control: save, slot, mutation: NOTE, field: "returnSpikeAlertNote", failed: t("spikes.saveFailed"),
      variables: { id: alert.id, note: note.value }, success: () => t("spikes.saved"),
    }).then(() => { save.disabled = false; }),
  });
  return h("tr", { "data-alert": alert.variantId },
    h("td", {}, alert.variantId),
    h("td", {}, alert.weekStart),
    h("td", {}, t("spikes.figures", {
      returned: alert.returnedUnits, sold: alert.soldUnits, baselineReturned: alert.baselineReturnedUnits,
      baselineSold: alert.baselineSoldUnits, weeks: alert.baselineWeeks,
    })),
    h("td", {}, alert.dominantReasonCode),
    h("td", {}, toldList(alert)),
    h("td", {}, note, save, slot));
}

async function downloadCsv(ctx, from, to) {
  try {
    await ctx.api.download(`/analytics/frequent-returners.csv?from=${from}&to=${to}`, `frequent-returners-${from}-${to}.csv`);
  } catch (error) {
    ctx.bridge.notify("error", t("returners.csvFailed"), error.message);
  }
}

export async function render(ctx) {
  const today = new Date();
  const from = h("input", { type: "date", name: "from", value: ctx.query.get("from") || isoDay(new Date(today - 90 * 864e5)),
    "aria-label": t("returners.from") });
  const to = h("input", { type: "date", name: "to", value: ctx.query.get("to") || isoDay(today), "aria-label": t("returners.to") });
  const rows = h("tbody", {});
  const more = button(t("returners.more"), { hidden: true });
  const ranking = h("div", { class: "returners-body", "aria-live": "polite" });
  const alerts = h("div", { class: "spikes-body", "aria-live": "polite" }, spinner());
  let cursor = null;

  async function page(after) {
    ranking.setAttribute("aria-busy", "true");
    try {
      const data = await ctx.api.query(RANKING, { from: from.value, to: to.value, after });
      const found = data.returnFrequentReturners;
      rows.append(...found.edges.map((edge) => returnerRow(ctx, edge.node)));
      cursor = found.pageInfo.endCursor;
      more.hidden = !found.pageInfo.hasNextPage;
      clear(ranking, rows.children.length
        ? h("table", { class: "table returners" }, h("thead", {}, h("tr", {},
          [t("returners.customer"), t("returners.score"), t("returners.why"), t("returners.status")]
            .map((label) => h("th", {}, label)))), rows)
        : h("p", { class: "empty" }, t("returners.none")), more);
    } catch (error) {
      clear(ranking, banner("error", t("common.errorTitle"), ctx.describeError(error)));
    }
    ranking.removeAttribute("aria-busy");
  }
  more.addEventListener("click", () => page(cursor));

  function load() {
    ctx.replaceRoute("/dashboard/returners/", { from: from.value, to: to.value });
    rows.replaceChildren();
    clear(ranking, spinner());
    page(null);
  }

  clear(ctx.root,
    h("div", { class: "page-head" }, h("h1", {}, t("returners.title")), h("div", { class: "toolbar" },
      from, to, button(t("returners.show"), { variant: "primary", onClick: load }),
      button(t("returners.csv"), { onClick: () => downloadCsv(ctx, from.value, to.value) }))),
    card(null, ranking),
    card(t("spikes.title"), alerts));
  load();
  try {
    const data = await ctx.api.query(ALERTS);
    clear(alerts, data.returnSpikeAlerts.length
      ? h("table", { class: "table spikes" }, h("thead", {}, h("tr", {},
        [t("spikes.variant"), t("spikes.week"), "", t("spikes.reason"), t("spikes.told"), t("spikes.note")].map((label) => h("th", {}, label)))),
        h("tbody", {}, data.returnSpikeAlerts.map((alert) => alertRow(ctx, alert))))
      : h("p", { class: "empty" }, t("spikes.none")));
  } catch (error) {
    clear(alerts, banner("error", t("common.errorTitle"), ctx.describeError(error)));
  }
}
