// The detail page's timeline card: every event of the return, newest first, and
// the form for a staff note.

import { formatDate, register, t } from "../../i18n.js";
import { button, field, formErrors, h, statusBadge } from "../../ui.js";
import { MUTATIONS, control, label, requiredText } from "./common.js";

register({
  en: {
    "detail.action.addNote": "Add note",
    "detail.timeline.title": "Timeline",
    "detail.timeline.internal": "Internal",
    "detail.timeline.empty": "Nothing has happened yet.",
    "detail.actor.customer": "Customer",
    "detail.actor.guest": "Guest",
    "detail.actor.staff": "Staff",
    "detail.actor.app": "App",
    "detail.actor.system": "Returns app",
    "detail.actor.carrier": "Carrier",
    "detail.event.CREATED": "Request created",
    "detail.event.STATUS_CHANGED": "Status changed",
    "detail.event.LINES_APPROVED": "Items approved",
    "detail.event.INFO_REQUESTED": "Information requested",
    "detail.event.INFO_ADDED": "Information added",
    "detail.event.NOTE_ADDED": "Note",
    "detail.event.POLICY_OVERRIDDEN": "Policy overridden",
    "detail.event.AUTO_REVIEWED": "Reviewed automatically",
    "detail.event.TRACKING_ADDED": "Tracking added",
    "detail.event.LINES_RECEIVED": "Items received",
    "detail.event.LINES_INSPECTED": "Items inspected",
    "detail.event.REFUND_STARTED": "Refund started",
    "detail.event.REFUND_SUCCEEDED": "Refund succeeded",
    "detail.event.REFUND_FAILED": "Refund failed",
    "detail.event.SHIPPING_FLAGGED": "Shipping flagged",
    "detail.note.title": "Add a note",
    "detail.note.visible": "Visible to the customer",
    "detail.note.hint": "Unchecked, only staff see the note.",
    "detail.notify.noted": "Note added to {number}",
  },
  "zh-Hans": {
    "detail.action.addNote": "添加备注",
    "detail.timeline.title": "时间线",
    "detail.timeline.internal": "内部",
    "detail.timeline.empty": "暂无记录。",
    "detail.actor.customer": "顾客",
    "detail.actor.guest": "访客",
    "detail.actor.staff": "员工",
    "detail.actor.app": "应用",
    "detail.actor.system": "退货应用",
    "detail.actor.carrier": "承运商",
    "detail.event.CREATED": "提交申请",
    "detail.event.STATUS_CHANGED": "状态变更",
    "detail.event.LINES_APPROVED": "批准商品",
    "detail.event.INFO_REQUESTED": "要求补充信息",
    "detail.event.INFO_ADDED": "已补充信息",
    "detail.event.NOTE_ADDED": "备注",
    "detail.event.POLICY_OVERRIDDEN": "政策例外",
    "detail.event.AUTO_REVIEWED": "自动审核",
    "detail.event.TRACKING_ADDED": "添加运单号",
    "detail.event.LINES_RECEIVED": "商品已收货",
    "detail.event.LINES_INSPECTED": "商品已检验",
    "detail.event.REFUND_STARTED": "发起退款",
    "detail.event.REFUND_SUCCEEDED": "退款成功",
    "detail.event.REFUND_FAILED": "退款失败",
    "detail.event.SHIPPING_FLAGGED": "物流异常",
    "detail.note.title": "添加备注",
    "detail.note.visible": "顾客可见",
    "detail.note.hint": "不勾选时仅员工可见。",
    "detail.notify.noted": "已为 {number} 添加备注",
  },
});

export const timelineSection = {
  timelineCard() {
    const events = [...this.request.timeline].reverse();
    const list = events.length
      ? h("ol", { class: "timeline" }, events.map((event) => this.timelineEvent(event)))
      : h("p", { class: "muted" }, t("detail.timeline.empty"));
    return h(
      "section",
      { class: "card timeline-card" },
      h("h2", { class: "card-title" }, t("detail.timeline.title")),
      this.noteForm(),
      list,
    );
  },

  timelineEvent(event) {
    const internal = !event.isVisibleToCustomer;
    const actor = [label("detail.actor", event.actor.kind), event.actor.email ? ` · ${event.actor.email}` : ""].join("");
    return h(
      "li",
      { class: internal ? "internal" : null, "data-event": event.type, "data-event-id": event.id },
      h(
        "div",
        { class: "event-head" },
        h("strong", {}, label("detail.event", event.type)),
        internal ? h("span", { class: "internal-tag" }, t("detail.timeline.internal")) : null,
      ),
      h("div", { class: "event-meta muted" }, h("time", { datetime: event.createdAt }, formatDate(event.createdAt)), ` · ${actor}`),
      event.fromStatus || event.toStatus
        ? h(
            "div",
            { class: "event-move" },
            event.fromStatus ? statusBadge(event.fromStatus) : null,
            event.fromStatus && event.toStatus ? h("span", { "aria-hidden": "true" }, " → ") : null,
            event.toStatus ? statusBadge(event.toStatus) : null,
          )
        : null,
      event.note ? h("p", { class: "event-note" }, event.note) : null,
    );
  },

  noteForm() {
    const submit = button(t("detail.action.addNote"), { type: "submit", variant: "secondary", "data-action": "add-note" });
    const form = h(
      "form",
      { class: "note-form", novalidate: true, "aria-label": t("detail.note.title") },
      formErrors(),
      field({ label: t("detail.note.title"), name: "note", type: "textarea", required: true }),
      h(
        "div",
        { class: "note-form-foot" },
        field({ label: t("detail.note.visible"), name: "isVisibleToCustomer", type: "checkbox", hint: t("detail.note.hint") }),
        submit,
      ),
    );
    this.onSubmitAction(
      form,
      submit,
      (problems) => ({
        note: requiredText(form, "note", problems),
        isVisibleToCustomer: control(form, "isVisibleToCustomer").checked,
      }),
      (values) => ({
        action: t("detail.action.addNote"),
        mutation: MUTATIONS.addNote,
        field: "returnRequestNoteAdd",
        variables: { id: this.request.id, ...values },
        success: () => t("detail.notify.noted", { number: this.number }),
      }),
    );
    return form;
  },
};
