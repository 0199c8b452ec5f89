// The detail page's action dialogs: reject, ask for information, cancel, add
// tracking, and the retries of a failed refund or replacement order.

import { formatMoney, register, t } from "../../i18n.js";
import { button, field, formErrors, h, nextId } from "../../ui.js";
import { MUTATIONS, control, requiredText } from "./common.js";

register({
  en: {
    "detail.tracking.title": "Add the parcel's tracking to {number}",
    "detail.tracking.text": "For a parcel the customer sent without a label from the shop, or handed in at a store.",
    "detail.tracking.carrier": "Carrier",
    "detail.tracking.carrierHint": "The carrier's name or code, e.g. UPS, DHL, or In store.",
    "detail.tracking.number": "Tracking number",
    "detail.notify.trackingAdded": "Tracking added to {number}",
    "detail.reject.title": "Reject {number}",
    "detail.reject.message": "Message to the customer",
    "detail.reject.hint": "The customer sees this message.",
    "detail.reject.submit": "Reject return",
    "detail.info.title": "Ask the customer about {number}",
    "detail.info.message": "What should the customer add?",
    "detail.info.hint": "The customer sees this message; the request stays in review.",
    "detail.info.submit": "Send request",
    "detail.cancel.title": "Cancel {number}?",
    "detail.cancel.text": "The return is called off and a prepaid label is voided. This cannot be undone.",
    "detail.cancel.note": "Note (optional)",
    "detail.cancel.submit": "Cancel return",
    "detail.cancel.keep": "Keep the return",
    "detail.retry.title": "Retry the refund for {number}?",
    "detail.retry.text": "Saleor is asked again to refund {amount} to the customer.",
    "detail.retry.submit": "Retry refund",
    "detail.retryReplacement.title": "Create the order for {number} again?",
    "detail.retryReplacement.text": "Saleor is asked again for the no-charge order (the one already started is reused). Check the item's stock first.",
    "detail.notify.rejected": "{number} rejected",
    "detail.notify.infoRequested": "Information requested for {number}",
    "detail.notify.retried": "Refund retried for {number}",
    "detail.notify.replacementRetried": "Replacement order retried for {number}",
    "detail.notify.canceled": "{number} canceled",
  },
  "zh-Hans": {
    "detail.tracking.title": "为 {number} 添加包裹物流单号",
    "detail.tracking.text": "适用于顾客未使用店铺面单自行寄回，或在门店交回的包裹。",
    "detail.tracking.carrier": "承运商",
    "detail.tracking.carrierHint": "承运商名称或代码，例如 顺丰、UPS 或 门店。",
    "detail.tracking.number": "物流单号",
    "detail.notify.trackingAdded": "已为 {number} 添加物流单号",
    "detail.reject.title": "拒绝 {number}",
    "detail.reject.message": "给顾客的说明",
    "detail.reject.hint": "顾客会看到这条说明。",
    "detail.reject.submit": "拒绝退货",
    "detail.info.title": "要求顾客补充 {number} 的信息",
    "detail.info.message": "需要顾客补充什么？",
    "detail.info.hint": "顾客会看到这条消息；申请仍保持待审核。",
    "detail.info.submit": "发送",
    "detail.cancel.title": "取消 {number}？",
    "detail.cancel.text": "退货将被取消，已购买的预付运单会作废。此操作无法撤销。",
    "detail.cancel.note": "备注（可选）",
    "detail.cancel.submit": "取消退货",
    "detail.cancel.keep": "保留退货",
    "detail.retry.title": "重新为 {number} 退款？",
    "detail.retry.text": "将再次请求 Saleor 向顾客退款 {amount}。",
    "detail.retry.submit": "重试退款",
    "detail.retryReplacement.title": "重新为 {number} 创建订单？",
    "detail.retryReplacement.text": "将再次请求 Saleor 创建免费订单（沿用已开始的订单）。请先检查商品库存。",
    "detail.notify.rejected": "{number} 已拒绝",
    "detail.notify.infoRequested": "已要求顾客补充 {number} 的信息",
    "detail.notify.retried": "{number} 已重新发起退款",
    "detail.notify.replacementRetried": "已重试 {number} 的补发订单",
    "detail.notify.canceled": "{number} 已取消",
  },
});

export const actionDialogs = {
  // A modal form that stays open until it succeeds or is dismissed (Escape,
  // Cancel); focus starts in its first field and returns to the opener.
  dialogForm({ key, title, text, fields, submitLabel, variant, dismissLabel, opener, onSubmit }) {
    const titleId = nextId("dialog-title");
    const submit = button(submitLabel, { type: "submit", variant, "data-submit": key });
    const dismiss = button(dismissLabel || t("common.cancel"), { onClick: () => close() });
    const form = h(
      "form",
      { novalidate: true },
      text ? h("p", {}, text) : null,
      formErrors(),
      fields,
      h("div", { class: "modal-actions" }, dismiss, submit),
    );
    const dialog = h(
      "dialog",
      { class: "modal detail-dialog", "aria-labelledby": titleId, "data-dialog": key },
      h("h2", { class: "modal-title", id: titleId }, title),
      form,
    );
    const remove = () => {
      if (dialog.open) dialog.close();
      dialog.remove();
      this.dialogs.delete(dialog);
    };
    const close = () => {
      remove();
      if (opener && opener.isConnected) opener.focus();
    };
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ok = await onSubmit(form, submit);
      if (ok && this.live()) {
        remove();
        await this.reload();
      }
    });
    this.dialogs.add(dialog);
    document.body.append(dialog);
    dialog.showModal();
    const first = form.querySelector("textarea, input, select");
    (first || submit).focus();
    return dialog;
  },

  // A dialog whose submit runs one mutation on the request: `read(form, problems)`
  // gives its variables besides the request's id (see `submitAction`), `describe`
  // the rest of the action (action, mutation, field, success).
  mutationDialog({ read = () => ({}), describe, ...dialog }) {
    this.dialogForm({
      ...dialog,
      onSubmit: async (form, submit) =>
        Boolean(
          await this.submitAction(
            form,
            submit,
            (problems) => read(form, problems),
            (values) => ({ ...describe, variables: { id: this.request.id, ...values } }),
          ),
        ),
    });
  },

  // A dialog asking for one message the customer sees: `texts` is the prefix of
  // its title, message, hint and submit texts.
  messageDialog(opener, { key, texts, variant, describe }) {
    this.mutationDialog({
      key,
      title: t(`${texts}.title`, { number: this.number }),
      fields: field({ label: t(`${texts}.message`), name: "message", type: "textarea", required: true, hint: t(`${texts}.hint`) }),
      submitLabel: t(`${texts}.submit`),
      variant,
      opener,
      read: (form, problems) => ({ message: requiredText(form, "message", problems) }),
      describe,
    });
  },

  rejectDialog(opener) {
    this.messageDialog(opener, {
      key: "reject",
      texts: "detail.reject",
      variant: "danger",
      describe: {
        action: t("detail.action.reject"),
        mutation: MUTATIONS.reject,
        field: "returnRequestReject",
        success: () => t("detail.notify.rejected", { number: this.number }),
      },
    });
  },

  requestInfoDialog(opener) {
    this.messageDialog(opener, {
      key: "request-info",
      texts: "detail.info",
      variant: "primary",
      describe: {
        action: t("detail.action.requestInfo"),
        mutation: MUTATIONS.requestInfo,
        field: "returnRequestRequestInfo",
        success: () => t("detail.notify.infoRequested", { number: this.number }),
      },
    });
  },

  cancelDialog(opener) {
    this.mutationDialog({
      key: "cancel",
      title: t("detail.cancel.title", { number: this.number }),
      text: t("detail.cancel.text"),
      fields: field({ label: t("detail.cancel.note"), name: "note", type: "textarea" }),
      submitLabel: t("detail.cancel.submit"),
      dismissLabel: t("detail.cancel.keep"),
      variant: "danger",
      opener,
      read: (form) => ({ note: control(form, "note").value.trim() || null }),
      describe: {
        action: t("detail.action.cancel"),
        mutation: MUTATIONS.cancel,
        field: "returnRequestCancel",
        success: () => t("detail.notify.canceled", { number: this.number }),
      },
    });
  },

  trackingDialog(opener) {
    this.mutationDialog({
      key: "add-tracking",
      title: t("detail.tracking.title", { number: this.number }),
      text: t("detail.tracking.text"),
      fields: [
        field({ label: t("detail.tracking.carrier"), name: "carrier", hint: t("detail.tracking.carrierHint"), required: true }),
        field({ label: t("detail.tracking.number"), name: "trackingNumber", required: true }),
      ],
      submitLabel: t("detail.action.addTracking"),
      variant: "primary",
      opener,
      read: (form) => ({
        carrier: control(form, "carrier").value.trim(),
        trackingNumber: control(form, "trackingNumber").value.trim(),
      }),
      describe: {
        action: t("detail.action.addTracking"),
        mutation: MUTATIONS.addTracking,
        field: "returnRequestTrackingAdd",
        success: () => t("detail.notify.trackingAdded", { number: this.number }),
      },
    });
  },

  retryReplacementDialog(opener) {
    this.confirmDialog(opener, {
      key: "retry-replacement",
      title: t("detail.retryReplacement.title", { number: this.number }),
      text: t("detail.retryReplacement.text"),
      submitLabel: t("detail.action.retryReplacement"),
      describe: {
        action: t("detail.action.retryReplacement"),
        mutation: MUTATIONS.retryReplacement,
        field: "returnReplacementRetry",
        success: () => t("detail.notify.replacementRetried", { number: this.number }),
      },
    });
  },

  retryDialog(opener) {
    this.confirmDialog(opener, {
      key: "retry-refund",
      title: t("detail.retry.title", { number: this.number }),
      text: t("detail.retry.text", { amount: formatMoney(this.request.refund.amount) }),
      submitLabel: t("detail.retry.submit"),
      describe: {
        action: t("detail.action.retryRefund"),
        mutation: MUTATIONS.retryRefund,
        field: "returnRefundRetry",
        success: () => t("detail.notify.retried", { number: this.number }),
      },
    });
  },

  // A yes/no dialog whose yes runs one mutation on the request (no fields).
  confirmDialog(opener, { key, title, text, submitLabel, describe }) {
    this.mutationDialog({ key, title, text, fields: null, submitLabel, variant: "primary", opener, describe });
  },
};
