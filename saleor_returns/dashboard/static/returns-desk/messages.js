// What the return page's messages and the webhooks tab's delivery log share: a
// message's words (event, channel, status), its attempt log, sending it again
// (returnMessageResend) and keeping a list fresh while a message is on its way.

import { formatDate, has, register, t } from "./i18n.js";
import { button, h, loadStyle, needs, nextId, runMutation } from "./ui.js";

register({
  en: {
    "messages.event.REQUEST_RECEIVED": "Request received",
    "messages.event.APPROVED": "Approved",
    "messages.event.INFO_REQUESTED": "Information requested",
    "messages.event.REJECTED": "Rejected",
    "messages.event.SHIP_REMINDER": "Reminder to send the parcel",
    "messages.event.PARCEL_RECEIVED": "Parcel received",
    "messages.event.INSPECTED": "Inspected",
    "messages.event.REFUNDED": "Refunded",
    "messages.event.STORE_CREDIT_ISSUED": "Store credit issued",
    "messages.event.REPLACEMENT_PLACED": "Replacement order placed",
    "messages.event.CLAIM_DECIDED": "Claim decided",
    "messages.event.CANCELED": "Canceled",
    "messages.event.EXPIRED": "Expired",
    "messages.event.SURVEY_INVITATION": "Survey invitation",
    "messages.event.SPIKE_ALERT": "Return spike alert (to staff)",
    "messages.event.test": "Test event",
    "messages.channel.EMAIL": "E-mail",
    "messages.channel.WEBHOOK": "Webhook",
    "messages.status.PENDING": "Pending",
    "messages.status.SENDING": "Sending",
    "messages.status.SENT": "Sent",
    "messages.status.FAILED": "Failed",
    "messages.status.SKIPPED": "Skipped",
    "messages.waiting": "Waiting for its first attempt.",
    "messages.nextAttempt": "Next attempt {time}",
    "messages.sentAt": "Sent {time}",
    "messages.triedAt": "Tried {time}",
    "messages.createdAt": "Written {time}",
    "messages.resend": "Resend",
    "messages.redeliver": "Redeliver",
    "messages.inFlight": "Being sent: wait until this attempt ends.",
    "messages.resent": "Queued again: {event} to {to}",
    "messages.resendFailed": "Not sent again: {event}",
    "messages.log": "Attempt log ({n})",
    "messages.logOf": "Attempt log of {event} to {to}",
    "messages.logEmpty": "No attempt yet.",
    "messages.attempt": "Attempt {n}",
    "messages.trigger.automatic": "Automatic",
    "messages.trigger.resend": "Resent",
    "messages.trigger.resendBy": "Resent by {who}",
    "messages.outcome.SENT": "Sent",
    "messages.outcome.RETRY": "Failed, tried again later",
    "messages.outcome.FAILED": "Failed",
    "messages.outcome.SKIPPED": "Skipped",
    "messages.outcome.INTERRUPTED": "Interrupted",
    "messages.outcome.running": "Running",
    "messages.httpStatus": "HTTP {code}",
    "messages.latency": "{ms} ms",
    "messages.response": "Answer",
  },
  "zh-Hans": {
    "messages.event.REQUEST_RECEIVED": "已收到申请",
    "messages.event.APPROVED": "已批准",
    "messages.event.INFO_REQUESTED": "要求补充信息",
    "messages.event.REJECTED": "已拒绝",
    "messages.event.SHIP_REMINDER": "寄回包裹提醒",
    "messages.event.PARCEL_RECEIVED": "已收到包裹",
    "messages.event.INSPECTED": "已检验",
    "messages.event.REFUNDED": "已退款",
    "messages.event.STORE_CREDIT_ISSUED": "已发放店铺余额",
    "messages.event.REPLACEMENT_PLACED": "已创建补发订单",
    "messages.event.CLAIM_DECIDED": "索赔已裁定",
    "messages.event.CANCELED": "已取消",
    "messages.event.EXPIRED": "已过期",
    "messages.event.SURVEY_INVITATION": "满意度调查邀请",
    "messages.event.SPIKE_ALERT": "退货激增提醒（发给员工）",
    "messages.event.test": "测试事件",
    "messages.channel.EMAIL": "电子邮件",
    "messages.channel.WEBHOOK": "Webhook",
    "messages.status.PENDING": "待发送",
    "messages.status.SENDING": "发送中",
    "messages.status.SENT": "已发送",
    "messages.status.FAILED": "发送失败",
    "messages.status.SKIPPED": "已跳过",
    "messages.waiting": "等待首次发送。",
    "messages.nextAttempt": "下次尝试：{time}",
    "messages.sentAt": "发送于 {time}",
    "messages.triedAt": "尝试于 {time}",
    "messages.createdAt": "生成于 {time}",
    "messages.resend": "重新发送",
    "messages.redeliver": "重新投递",
    "messages.inFlight": "正在发送：请等本次尝试结束。",
    "messages.resent": "已重新排队：{event}，发往 {to}",
    "messages.resendFailed": "未能重新发送：{event}",
    "messages.log": "尝试记录（{n}）",
    "messages.logOf": "{event}（发往 {to}）的尝试记录",
    "messages.logEmpty": "尚无尝试。",
    "messages.attempt": "第 {n} 次尝试",
    "messages.trigger.automatic": "自动",
    "messages.trigger.resend": "重新发送",
    "messages.trigger.resendBy": "由 {who} 重新发送",
    "messages.outcome.SENT": "已发送",
    "messages.outcome.RETRY": "失败，稍后重试",
    "messages.outcome.FAILED": "失败",
    "messages.outcome.SKIPPED": "已跳过",
    "messages.outcome.INTERRUPTED": "已中断",
    "messages.outcome.running": "进行中",
    "messages.httpStatus": "HTTP {code}",
    "messages.latency": "{ms} 毫秒",
    "messages.response": "响应",
  },
});

// The steps of a return that are told, in the order they happen, then the shop's own events
// (ReturnMessageEventEnum).
export const EVENTS = [
  "REQUEST_RECEIVED", "APPROVED", "INFO_REQUESTED", "REJECTED", "SHIP_REMINDER", "PARCEL_RECEIVED", "INSPECTED",
  "REFUNDED", "STORE_CREDIT_ISSUED", "REPLACEMENT_PLACED", "CLAIM_DECIDED", "CANCELED", "EXPIRED", "SURVEY_INVITATION",
  "SPIKE_ALERT",
];

export const MESSAGE_FIELDS = `id event type channel status recipient endpoint { id url } language subject attempts
  lastError nextAttemptAt sentAt createdAt
  attemptLog { number trigger requestedBy startedAt finishedAt outcome statusCode latencyMs responseExcerpt error }`;
const RESEND = `mutation ReturnMessageResend($id: ID!) {
  returnMessageResend(id: $id) { message { id status } errors { field code message } } }`;
const IN_FLIGHT = new Set(["PENDING", "SENDING"]);
// How long a list keeps asking while a message is on its way, and how often.
const POLL_INTERVAL_MS = 1500;
const POLL_ROUNDS = 20;

export function useMessageStyles() {
  loadStyle("messages.css");
}

// An event in words; a webhook endpoint's test event has none.
export function eventName(event) {
  return event ? t(`messages.event.${event}`) : t("messages.event.test");
}

export function channelName(channel) {
  return t(`messages.channel.${channel}`);
}

// To whom: the customer's address, or the endpoint's URL.
export function recipientOf(message) {
  return message.recipient || (message.endpoint ? message.endpoint.url : "—");
}

export function messageStatusBadge(status) {
  return h("span", { class: `badge badge-message-${status.toLowerCase()}`, "data-message-status": status }, t(`messages.status.${status}`));
}

// The badge, and why: a skipped message's reason, a failure's last error, when a retry comes.
export function statusCell(message) {
  const lines = [];
  if (message.status === "PENDING") {
    lines.push(message.attempts && message.nextAttemptAt
      ? h("p", { class: "message-next muted" }, t("messages.nextAttempt", { time: formatDate(message.nextAttemptAt) }))
      : h("p", { class: "muted" }, t("messages.waiting")));
  }
  if (message.lastError) {
    // A skipped message was left out on purpose: its reason is no error.
    const kind = message.status === "SKIPPED" ? "message-reason muted" : "message-error";
    lines.push(h("p", { class: kind, "data-last-error": "" }, message.lastError));
  }
  return [messageStatusBadge(message.status), lines];
}

// When it was sent, else when it was last tried, else when the step wrote it.
export function timeCell(message) {
  const last = message.attemptLog[message.attemptLog.length - 1];
  const [key, value] = message.sentAt
    ? ["messages.sentAt", message.sentAt]
    : last
      ? ["messages.triedAt", last.finishedAt || last.startedAt]
      : ["messages.createdAt", message.createdAt];
  return h("time", { datetime: value }, t(key, { time: formatDate(value) }));
}

export function isInFlight(message) {
  return IN_FLIGHT.has(message.status);
}

function outcomeName(outcome) {
  const key = `messages.outcome.${outcome || "running"}`;
  return has(key) ? t(key) : outcome;
}

function triggerName(attempt) {
  if (attempt.trigger !== "resend") return t("messages.trigger.automatic");
  return attempt.requestedBy ? t("messages.trigger.resendBy", { who: attempt.requestedBy }) : t("messages.trigger.resend");
}

// Every attempt, oldest first: who started it, when, how it ended and what the other side said.
export function attemptList(message) {
  if (!message.attemptLog.length) return h("p", { class: "muted" }, t("messages.logEmpty"));
  return h(
    "ol",
    { class: "attempt-log" },
    message.attemptLog.map((attempt) =>
      h(
        "li",
        { "data-attempt": String(attempt.number), "data-outcome": attempt.outcome || "" },
        h(
          "div",
          { class: "attempt-head" },
          h("strong", {}, t("messages.attempt", { n: attempt.number })),
          h("span", { class: `attempt-outcome outcome-${(attempt.outcome || "running").toLowerCase()}` }, outcomeName(attempt.outcome)),
          attempt.statusCode !== null ? h("span", { "data-http-status": "" }, t("messages.httpStatus", { code: attempt.statusCode })) : null,
          attempt.latencyMs !== null ? h("span", { class: "muted" }, t("messages.latency", { ms: attempt.latencyMs })) : null,
        ),
        h(
          "div",
          { class: "muted" },
          h("time", { datetime: attempt.startedAt }, formatDate(attempt.startedAt)),
          ` · ${triggerName(attempt)}`,
        ),
        attempt.error ? h("p", { class: "message-error" }, attempt.error) : null,
        attempt.responseExcerpt
          ? h("div", { class: "attempt-response" }, h("span", { class: "muted" }, t("messages.response")), h("pre", {}, attempt.responseExcerpt))
          : null,
      ),
    ),
  );
}

// A button that shows and hides a message's attempt log in `region` (hidden until opened);
// `expanded` is the set of message ids whose log is open, kept across redraws.
export function logToggle(message, region, expanded) {
  region.id = region.id || nextId("attempts");
  const open = expanded.has(message.id);
  region.hidden = !open;
  const toggle = button(t("messages.log", { n: message.attemptLog.length }), {
    variant: "link",
    "data-action": "message-log",
    "aria-expanded": String(open),
    "aria-controls": region.id,
    "aria-label": t("messages.logOf", { event: eventName(message.event), to: recipientOf(message) }),
    onClick: () => {
      const opening = region.hidden;
      region.hidden = !opening;
      toggle.setAttribute("aria-expanded", String(opening));
      if (opening) expanded.add(message.id);
      else expanded.delete(message.id);
    },
  });
  return toggle;
}

// Resend (an e-mail) or Redeliver (a webhook), disabled with the first reason in
// `blockers` that holds, or while the message is on its way; the API's refusal shows
// beside it. `resent()` runs after the API took the request.
export function resendControl(ctx, message, { blockers = [], resent }) {
  const reason = [isInFlight(message) ? t("messages.inFlight") : null, ...blockers].find(Boolean);
  const label = message.channel === "WEBHOOK" ? t("messages.redeliver") : t("messages.resend");
  const error = h("p", { class: "field-error", role: "alert", id: nextId("resend-error") });
  const note = reason ? h("span", { class: "action-needs muted", id: nextId("resend-reason"), "data-resend-blocked": "" }, reason) : null;
  const control = button(label, {
    variant: "secondary",
    "data-action": "resend-message",
    disabled: Boolean(reason),
    "aria-describedby": [note ? note.id : null, error.id].filter(Boolean).join(" "),
    onClick: async () => {
      const payload = await runMutation(ctx, {
        control, slot: error, mutation: RESEND, variables: { id: message.id }, field: "returnMessageResend",
        failed: t("messages.resendFailed", { event: eventName(message.event) }),
        success: () => t("messages.resent", { event: eventName(message.event), to: recipientOf(message) }),
      });
      if (payload) await resent();
    },
  });
  return h("div", { class: "resend", "data-message-id": message.id }, control, note, error);
}

// Why a staff member may not send messages again, from viewer.actions.
export function resendPermissionBlocker(ctx) {
  const missing = ctx.missing("messageResend");
  return missing.length ? needs(missing) : null;
}

// Redraws `container` with `redraw()`; the control that had the focus in it (a button
// with a data-action, in a row or card keyed by message, delivery or endpoint) has it again.
const KEYED = ["data-message", "data-delivery", "data-endpoint"];

export function redrawKeepingFocus(container, redraw) {
  const active = document.activeElement;
  let selector = null;
  if (active && container.contains(active) && active.dataset.action) {
    const keyed = active.closest(KEYED.map((name) => `[${name}]`).join(", "));
    const name = keyed && KEYED.find((attribute) => keyed.hasAttribute(attribute));
    if (name) selector = `[${name}="${CSS.escape(keyed.getAttribute(name))}"] [data-action="${CSS.escape(active.dataset.action)}"]`;
  }
  redraw();
  const again = selector && container.querySelector(selector);
  if (again && !again.disabled) again.focus();
}

// Reloads with `load()` (which answers the messages it drew, or null) while one of them
// is on its way and due soon, until `live()` says the page is gone. Resolves when it stops.
export async function keepFresh(load, messages, live) {
  const due = (items) =>
    items.some((item) => item.status === "SENDING" || (item.status === "PENDING" && (!item.nextAttemptAt || Date.parse(item.nextAttemptAt) - Date.now() < POLL_INTERVAL_MS * 4)));
  let current = messages;
  for (let round = 0; round < POLL_ROUNDS && current && due(current); round += 1) {
    await new Promise((resolve) => window.setTimeout(resolve, POLL_INTERVAL_MS));
    if (!live()) return;
    try {
      current = await load();
    } catch (error) {
      return;
    }
  }
}
