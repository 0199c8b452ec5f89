// A webhook endpoint's delivery log: its latest deliveries, newest first, with what the
// endpoint answered the last time (HTTP status, time taken, the start of its answer), the
// attempt log, and Redeliver (returnMessageResend, under the same webhook-id).

import { register, t } from "../../i18n.js";
import { h } from "../../ui.js";
import {
  attemptList,
  eventName,
  logToggle,
  resendControl,
  resendPermissionBlocker,
  statusCell,
  timeCell,
} from "../../messages.js";

register({
  en: {
    "settings.deliveries.title": "Delivery log of {url}",
    "settings.deliveries.empty": "Nothing was sent to this endpoint yet.",
    "settings.deliveries.event": "Event",
    "settings.deliveries.status": "Status",
    "settings.deliveries.httpStatus": "HTTP status",
    "settings.deliveries.latency": "Time taken",
    "settings.deliveries.response": "Answer",
    "settings.deliveries.time": "Time",
    "settings.deliveries.actions": "Actions",
    "settings.deliveries.testNotRedelivered": "A test event is not delivered again: send a new one.",
    "settings.deliveries.paused": "Resume the endpoint to deliver again.",
  },
  "zh-Hans": {
    "settings.deliveries.title": "{url} 的投递记录",
    "settings.deliveries.empty": "尚未向此端点发送任何内容。",
    "settings.deliveries.event": "事件",
    "settings.deliveries.status": "状态",
    "settings.deliveries.httpStatus": "HTTP 状态",
    "settings.deliveries.latency": "耗时",
    "settings.deliveries.response": "响应",
    "settings.deliveries.time": "时间",
    "settings.deliveries.actions": "操作",
    "settings.deliveries.testNotRedelivered": "测试事件不会重新投递：请发送新的测试事件。",
    "settings.deliveries.paused": "恢复端点后才能重新投递。",
  },
});

const COLUMNS = ["event", "status", "httpStatus", "latency", "response", "time", "actions"];
const EXCERPT_CHARS = 80;

// The table of `endpoint.deliveries`; `expanded` keeps the open attempt logs across redraws,
// `redelivered(message)` runs after a redelivery was queued.
export function deliveryLog(ctx, endpoint, { expanded, redelivered }) {
  if (!endpoint.deliveries.length) return h("p", { class: "empty" }, t("settings.deliveries.empty"));
  const permission = resendPermissionBlocker(ctx);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "message-table delivery-table", "aria-label": t("settings.deliveries.title", { url: endpoint.url }) },
      h("thead", {}, h("tr", {}, COLUMNS.map((name) => h("th", { scope: "col" }, t(`settings.deliveries.${name}`))))),
      h("tbody", {}, endpoint.deliveries.map((delivery) => {
        const last = delivery.attemptLog[delivery.attemptLog.length - 1] || null;
        const region = h("tr", { class: "attempt-log-row", "data-log-of": delivery.id }, h("td", { colspan: String(COLUMNS.length) }, attemptList(delivery)));
        const blockers = [
          delivery.event ? null : t("settings.deliveries.testNotRedelivered"),
          endpoint.isActive ? null : t("settings.deliveries.paused"),
          permission,
        ];
        const row = h(
          "tr",
          { class: "has-log", "data-delivery": delivery.id, "data-status": delivery.status },
          h("td", { class: "message-event" }, h("strong", {}, eventName(delivery.event)), h("code", { class: "message-subject muted" }, delivery.type)),
          h("td", { class: "message-status" }, statusCell(delivery)),
          h("td", { class: "num", "data-http-status": "" }, last && last.statusCode !== null ? String(last.statusCode) : "—"),
          h("td", { class: "num", "data-latency": "" }, last && last.latencyMs !== null ? t("messages.latency", { ms: last.latencyMs }) : "—"),
          h("td", { class: "delivery-response" }, last && last.responseExcerpt ? h("code", { title: last.responseExcerpt }, excerpt(last.responseExcerpt)) : "—"),
          h("td", {}, timeCell(delivery)),
          h(
            "td",
            { class: "message-actions" },
            resendControl(ctx, delivery, { blockers, resent: () => redelivered(delivery) }),
            logToggle(delivery, region, expanded),
          ),
        );
        return [row, region];
      })),
    ),
  );
}

function excerpt(text) {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}
