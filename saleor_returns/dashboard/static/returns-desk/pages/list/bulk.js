// The list's bulk actions: their mutations, and the dialog asking for the message
// to the customers of the returns rejected at once.

import { register, t } from "../../i18n.js";
import { field, h, modal, showErrors } from "../../ui.js";

register({
  en: {
    "list.rejectTitle": "Reject {n} return requests",
    "list.rejectTitleOne": "Reject 1 return request",
    "list.rejectIntro": "Each customer receives this message with the rejection.",
    "list.rejectMessage": "Message to the customer",
  },
  "zh-Hans": {
    "list.rejectTitle": "拒绝 {n} 个退货申请",
    "list.rejectTitleOne": "拒绝 1 个退货申请",
    "list.rejectIntro": "每位客户都会随拒绝通知收到这条消息。",
    "list.rejectMessage": "给客户的消息",
  },
});

export const APPROVE = `mutation DeskBulkApprove($id: ID!) {
returnRequestApprove(id: $id) { errors { field code message } }
}`;

export const REJECT = `mutation DeskBulkReject($id: ID!, $message: String!) {
returnRequestReject(id: $id, message: $message) { errors { field code message } }
}`;

// Asks for the message to the customers; null when canceled. An empty message keeps the
// dialog open (reopened with the error next to the field).
export async function askRejectMessage(count) {
  const messageField = field({ label: t("list.rejectMessage"), name: "message", type: "textarea", required: true });
  const body = h("div", { class: "reject-form" }, h("p", {}, t("list.rejectIntro")), messageField);
  const title = count === 1 ? t("list.rejectTitleOne") : t("list.rejectTitle", { n: count });
  for (;;) {
    const choice = await modal(title, body, [
      [t("common.cancel"), null, "secondary"],
      [t("list.reject"), "reject", "danger"],
    ]);
    if (choice !== "reject") return null;
    const value = messageField.querySelector("textarea").value.trim();
    if (value) return value;
    showErrors(body, [{ field: "message", code: "REQUIRED", message: t("common.required") }]);
  }
}
