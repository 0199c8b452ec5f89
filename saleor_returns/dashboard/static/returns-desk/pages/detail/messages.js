// The detail page's messages card: every e-mail to the customer and webhook to the
// merchant's systems about this return, with its status, attempts and log, and the
// action to send it again. Only staff who may see them get them (null otherwise).

import { register, t } from "../../i18n.js";
import { banner, h } from "../../ui.js";
import {
  MESSAGE_FIELDS,
  attemptList,
  channelName,
  eventName,
  keepFresh,
  logToggle,
  recipientOf,
  redrawKeepingFocus,
  resendControl,
  resendPermissionBlocker,
  statusCell,
  timeCell,
  useMessageStyles,
} from "../../messages.js";

register({
  en: {
    "detail.messages.title": "Messages",
    "detail.messages.intro": "E-mails to the customer and webhooks to your systems about this return.",
    "detail.messages.empty": "No message about this return yet.",
    "detail.messages.event": "Event",
    "detail.messages.channel": "Channel",
    "detail.messages.to": "To",
    "detail.messages.status": "Status",
    "detail.messages.attempts": "Attempts",
    "detail.messages.time": "Time",
    "detail.messages.actions": "Actions",
    "detail.messages.reloadFailed": "The messages could not be reloaded",
  },
  "zh-Hans": {
    "detail.messages.title": "消息",
    "detail.messages.intro": "关于此退货发给顾客的电子邮件，以及发往您系统的 Webhook。",
    "detail.messages.empty": "此退货尚无消息。",
    "detail.messages.event": "事件",
    "detail.messages.channel": "渠道",
    "detail.messages.to": "发往",
    "detail.messages.status": "状态",
    "detail.messages.attempts": "尝试次数",
    "detail.messages.time": "时间",
    "detail.messages.actions": "操作",
    "detail.messages.reloadFailed": "无法重新加载消息",
  },
});

export const MESSAGES_QUERY = `query ReturnRequestMessages($id: ID!) {
  returnRequest(id: $id) { id messages { ${MESSAGE_FIELDS} } }
}`;
const COLUMNS = ["event", "channel", "to", "status", "attempts", "time", "actions"];

export const messagesSection = {
  messagesCard() {
    if (!this.request.messages) return null;
    useMessageStyles();
    this.openLogs = this.openLogs || new Set();
    this.messagesBody = h("div", { class: "messages-body" });
    this.drawMessages(this.request.messages);
    this.pollMessages(this.request.messages);
    return h(
      "section",
      { class: "card messages-card", "aria-labelledby": "messages-title" },
      h("h2", { class: "card-title", id: "messages-title" }, t("detail.messages.title")),
      h("p", { class: "muted" }, t("detail.messages.intro")),
      this.messagesBody,
    );
  },

  drawMessages(messages) {
    if (!messages.length) {
      this.messagesBody.replaceChildren(h("p", { class: "empty" }, t("detail.messages.empty")));
      return;
    }
    this.messagesBody.replaceChildren(
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "message-table" },
          h("thead", {}, h("tr", {}, COLUMNS.map((name) => h("th", { scope: "col" }, t(`detail.messages.${name}`))))),
          h("tbody", {}, messages.map((message) => this.messageRows(message))),
        ),
      ),
    );
  },

  messageRows(message) {
    const region = h("tr", { class: "attempt-log-row", "data-log-of": message.id }, h("td", { colspan: String(COLUMNS.length) }, attemptList(message)));
    const toggle = logToggle(message, region, this.openLogs);
    const blocker = resendPermissionBlocker(this.ctx);
    const row = h(
      "tr",
      { class: "has-log", "data-message": message.id, "data-channel": message.channel, "data-status": message.status },
      h("td", { class: "message-event" }, h("strong", {}, eventName(message.event)), message.subject ? h("span", { class: "message-subject muted" }, message.subject) : null),
      h("td", {}, channelName(message.channel)),
      h("td", { class: "message-to" }, recipientOf(message)),
      h("td", { class: "message-status" }, statusCell(message)),
      h("td", { class: "num", "data-attempts": "" }, String(message.attempts)),
      h("td", {}, timeCell(message)),
      h(
        "td",
        { class: "message-actions" },
        resendControl(this.ctx, message, { blockers: [blocker], resent: () => this.refreshMessages(message.id) }),
        toggle,
      ),
    );
    return [row, region];
  },

  // Draws the messages again from the API (after a resend, and while one is on its way);
  // `focusId` names the message whose row keeps the focus. Answers the messages drawn.
  async refreshMessages(focusId = null) {
    let messages;
    try {
      const data = await this.ctx.api.query(MESSAGES_QUERY, { id: this.request.id });
      messages = data.returnRequest && data.returnRequest.messages;
    } catch (error) {
      if (!this.live()) return null;
      this.messagesBody.prepend(banner("error", t("detail.messages.reloadFailed"), this.ctx.describeError(error)));
      return null;
    }
    if (!this.live() || !messages) return null;
    this.request.messages = messages;
    redrawKeepingFocus(this.messagesBody, () => this.drawMessages(messages));
    if (focusId) {
      const row = this.messagesBody.querySelector(`tr[data-message="${CSS.escape(focusId)}"]`);
      const target = row && (row.querySelector('[data-action="resend-message"]:not(:disabled)') || row.querySelector('[data-action="message-log"]'));
      if (target) target.focus();
      this.pollMessages(messages);
    }
    return messages;
  },

  // One reader at a time follows messages on their way until they are sent or failed.
  pollMessages(messages) {
    if (this.messagesPolling) return;
    this.messagesPolling = keepFresh(() => this.refreshMessages(), messages, () => this.live()).finally(() => {
      this.messagesPolling = null;
    });
  },
};
