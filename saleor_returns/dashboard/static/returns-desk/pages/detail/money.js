// The detail page's money card: the requested value, the refund and its parts,
// the replacement order and carrier claims.

import { formatDate, formatMoney, register, t } from "../../i18n.js";
import { button, definitionList, h } from "../../ui.js";
import { COMPONENT_LABELS, label, priceDifferenceRow, signed } from "./common.js";

register({
  en: {
    "detail.money.title": "Money",
    "detail.money.requested": "Requested value",
    "detail.money.quantity": "Units",
    "detail.money.refund": "Refund",
    "detail.money.refundKind": "Method",
    "detail.money.refundStatus": "Status",
    "detail.money.refundAmount": "Amount",
    "detail.money.failure": "Failure reason",
    "detail.money.giftCard": "Gift card",
    "detail.money.refundCreated": "Started",
    "detail.money.refundSucceeded": "Paid",
    "detail.money.noRefund": "Nothing has been refunded yet.",
    "detail.money.replacement": "Replacement order",
    "detail.money.replacementOrder": "Order",
    "detail.money.claims": "Carrier claims",
    "detail.money.claimReference": "Reference",
    "detail.refundKind.original_payment": "Original payment",
    "detail.refundKind.legacy_payment": "Original payment (legacy)",
    "detail.refundKind.store_credit": "Store credit (gift card)",
    "detail.refundStatus.pending": "Pending",
    "detail.refundStatus.processing": "Processing",
    "detail.refundStatus.succeeded": "Refunded",
    "detail.refundStatus.failed": "Failed",
    "detail.replacementStatus.pending": "Being created",
    "detail.replacementStatus.awaiting_payment": "Waiting for the customer's payment",
    "detail.replacementStatus.completed": "Created",
    "detail.replacementStatus.failed": "Failed",
    "detail.claimStatus.filed": "Filed",
    "detail.claimStatus.approved": "Approved",
    "detail.claimStatus.rejected": "Rejected",
    "detail.claimStatus.paid": "Paid",
    "detail.note.label": "Note",
  },
  "zh-Hans": {
    "detail.money.title": "金额",
    "detail.money.requested": "申请金额",
    "detail.money.quantity": "数量",
    "detail.money.refund": "退款",
    "detail.money.refundKind": "方式",
    "detail.money.refundStatus": "状态",
    "detail.money.refundAmount": "金额",
    "detail.money.failure": "失败原因",
    "detail.money.giftCard": "礼品卡",
    "detail.money.refundCreated": "发起时间",
    "detail.money.refundSucceeded": "到账时间",
    "detail.money.noRefund": "尚未退款。",
    "detail.money.replacement": "补发订单",
    "detail.money.replacementOrder": "订单",
    "detail.money.claims": "承运商索赔",
    "detail.money.claimReference": "索赔编号",
    "detail.refundKind.original_payment": "原路退回",
    "detail.refundKind.legacy_payment": "原路退回（旧版支付）",
    "detail.refundKind.store_credit": "店铺余额（礼品卡）",
    "detail.refundStatus.pending": "待处理",
    "detail.refundStatus.processing": "处理中",
    "detail.refundStatus.succeeded": "已退款",
    "detail.refundStatus.failed": "失败",
    "detail.replacementStatus.pending": "创建中",
    "detail.replacementStatus.awaiting_payment": "等待顾客补款",
    "detail.replacementStatus.completed": "已创建",
    "detail.replacementStatus.failed": "失败",
    "detail.claimStatus.filed": "已提交",
    "detail.claimStatus.approved": "已批准",
    "detail.claimStatus.rejected": "已拒绝",
    "detail.claimStatus.paid": "已赔付",
    "detail.note.label": "备注",
  },
});

export const moneySection = {
  moneyCard() {
    const request = this.request;
    const parts = [definitionList([[t("detail.money.requested"), formatMoney(request.requestedValue), { "data-money": "requested" }]])];
    const refund = request.refund;
    if (refund) {
      parts.push(
        h("h3", { class: "money-subtitle" }, t("detail.money.refund")),
        h(
          "div",
          { class: "refund", "data-refund-status": refund.status },
          definitionList([
            [t("detail.money.refundKind"), label("detail.refundKind", refund.kind)],
            [t("detail.money.refundStatus"), label("detail.refundStatus", refund.status), { "data-money": "refund-status" }],
            ...(refund.components || []).map((part) => [
              t(COMPONENT_LABELS[part.code]),
              signed(part.amount),
              { "data-component": part.code },
            ]),
            [t("detail.money.refundAmount"), formatMoney(refund.amount), { class: "total", "data-money": "refund-amount" }],
            refund.failureReason ? [t("detail.money.failure"), refund.failureReason, { "data-money": "failure" }] : null,
            refund.giftCardLast4 ? [t("detail.money.giftCard"), `•••• ${refund.giftCardLast4}`] : null,
            [t("detail.money.refundCreated"), formatDate(refund.createdAt)],
            refund.succeededAt ? [t("detail.money.refundSucceeded"), formatDate(refund.succeededAt)] : null,
          ]),
        ),
      );
    } else if (!request.replacementOrder) {
      parts.push(h("p", { class: "muted" }, t("detail.money.noRefund")));
    }
    const replacement = request.replacementOrder;
    if (replacement) {
      const order = replacement.orderId
        ? button(`#${replacement.orderNumber || ""}`, {
            variant: "link",
            "aria-label": t("detail.summary.openOrder", { number: replacement.orderNumber || "" }),
            onClick: () => this.ctx.openInDashboard(`/orders/${replacement.orderId}`),
          })
        : "—";
      parts.push(
        h("h3", { class: "money-subtitle" }, t("detail.money.replacement")),
        definitionList([
          [t("detail.money.refundStatus"), label("detail.replacementStatus", replacement.status)],
          [t("detail.money.replacementOrder"), order],
          [t("detail.money.quantity"), String(replacement.quantity)],
          priceDifferenceRow(replacement.priceDifference),
          replacement.failureReason ? [t("detail.money.failure"), replacement.failureReason] : null,
        ]),
      );
    }
    const claims = request.carrierClaims || [];
    if (claims.length) {
      parts.push(
        h("h3", { class: "money-subtitle" }, t("detail.money.claims")),
        claims.map((claim) =>
          definitionList([
            [t("detail.shipping.carrier"), claim.carrier],
            claim.reference ? [t("detail.money.claimReference"), claim.reference] : null,
            [t("detail.money.refundAmount"), formatMoney(claim.amount)],
            [t("detail.money.refundStatus"), label("detail.claimStatus", String(claim.status).toLowerCase())],
            claim.note ? [t("detail.note.label"), claim.note] : null,
          ]),
        ),
      );
    }
    return h("section", { class: "card money-card" }, h("h2", { class: "card-title" }, t("detail.money.title")), parts);
  },
};
