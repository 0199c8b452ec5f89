// The detail page's shipping card: labels, tracking and pickups, per shipment.

import { formatDate, formatMoney, has, register, t } from "../../i18n.js";
import { card, definitionList, h } from "../../ui.js";
import { isReturnless, label } from "./common.js";

register({
  en: {
    "detail.shipping.title": "Shipping",
    "detail.shipping.none": "No parcel on its way yet.",
    "detail.shipping.returnless": "Nothing is sent back for this request.",
    "detail.shipping.method": "Method",
    "detail.shipping.method.label": "Prepaid label",
    "detail.shipping.method.self_ship": "Sent by the customer",
    "detail.shipping.carrier": "Carrier",
    "detail.shipping.tracking": "Tracking number",
    "detail.shipping.status": "Tracking status",
    "detail.shipping.label": "Label",
    "detail.shipping.labelLink": "Download label",
    "detail.shipping.qr": "Show QR code",
    "detail.shipping.cost": "Label cost",
    "detail.shipping.lastEvent": "Last scan",
    "detail.shipping.delivered": "Delivered",
    "detail.shipping.flagged": "Needs attention",
    "detail.shipping.pickup": "Pickup",
    "detail.shipping.pickupError": "Pickup failed: {message}",
    "detail.shipping.events": "Carrier events",
    "detail.shipping.noEvents": "No carrier events yet.",
    "detail.tracking.label_created": "Label created",
    "detail.tracking.in_transit": "In transit",
    "detail.tracking.out_for_delivery": "Out for delivery",
    "detail.tracking.available_for_pickup": "Waiting at a pickup point",
    "detail.tracking.delivered": "Delivered",
    "detail.tracking.exception": "Exception",
    "detail.tracking.returned_to_sender": "Returned to sender",
    "detail.tracking.lost": "Lost",
    "detail.tracking.cancelled": "Cancelled",
    "detail.tracking.expired": "No longer tracked",
    "detail.tracking.unknown": "Unknown",
    "detail.labelStatus.none": "No label",
    "detail.labelStatus.pending": "Being created",
    "detail.labelStatus.created": "Created",
    "detail.labelStatus.failed": "Failed",
    "detail.labelStatus.voided": "Voided",
    "detail.flag.no_scan": "No carrier scan since the label was made",
    "detail.flag.label_failed": "The label could not be bought",
    "detail.flag.replacement_failed": "The replacement order failed",
  },
  "zh-Hans": {
    "detail.shipping.title": "物流",
    "detail.shipping.none": "暂无寄回包裹。",
    "detail.shipping.returnless": "此申请无需寄回商品。",
    "detail.shipping.method": "方式",
    "detail.shipping.method.label": "预付运单",
    "detail.shipping.method.self_ship": "顾客自行寄回",
    "detail.shipping.carrier": "承运商",
    "detail.shipping.tracking": "运单号",
    "detail.shipping.status": "物流状态",
    "detail.shipping.label": "运单",
    "detail.shipping.labelLink": "下载运单",
    "detail.shipping.qr": "查看二维码",
    "detail.shipping.cost": "运单费用",
    "detail.shipping.lastEvent": "最近扫描",
    "detail.shipping.delivered": "签收时间",
    "detail.shipping.flagged": "需要关注",
    "detail.shipping.pickup": "上门取件",
    "detail.shipping.pickupError": "预约取件失败：{message}",
    "detail.shipping.events": "承运商动态",
    "detail.shipping.noEvents": "暂无承运商动态。",
    "detail.tracking.label_created": "已生成运单",
    "detail.tracking.in_transit": "运输中",
    "detail.tracking.out_for_delivery": "派送中",
    "detail.tracking.available_for_pickup": "待自提",
    "detail.tracking.delivered": "已签收",
    "detail.tracking.exception": "异常",
    "detail.tracking.returned_to_sender": "已退回寄件人",
    "detail.tracking.lost": "已丢失",
    "detail.tracking.cancelled": "已取消",
    "detail.tracking.expired": "已停止跟踪",
    "detail.tracking.unknown": "未知",
    "detail.labelStatus.none": "无运单",
    "detail.labelStatus.pending": "生成中",
    "detail.labelStatus.created": "已生成",
    "detail.labelStatus.failed": "失败",
    "detail.labelStatus.voided": "已作废",
    "detail.flag.no_scan": "运单生成后一直没有揽收扫描",
    "detail.flag.label_failed": "运单购买失败",
    "detail.flag.replacement_failed": "补发订单创建失败",
  },
});

export const shippingSection = {
  shippingCard() {
    const shipments = this.request.shipments;
    if (!shipments.length) {
      const empty = isReturnless(this.request) ? "detail.shipping.returnless" : "detail.shipping.none";
      return card(t("detail.shipping.title"), h("p", { class: "muted", "data-empty": empty }, t(empty)));
    }
    return card(
      t("detail.shipping.title"),
      shipments.map((shipment) => {
        const labelLinks = [
          label("detail.labelStatus", shipment.labelStatus),
          shipment.labelUrl
            ? [" · ", h("a", { href: shipment.labelUrl, target: "_blank", rel: "noopener" }, t("detail.shipping.labelLink"))]
            : null,
          shipment.qrCodeUrl
            ? [" · ", h("a", { href: shipment.qrCodeUrl, target: "_blank", rel: "noopener" }, t("detail.shipping.qr"))]
            : null,
        ];
        const flagged = shipment.flaggedReason
          ? has(`detail.flag.${shipment.flaggedReason}`)
            ? t(`detail.flag.${shipment.flaggedReason}`)
            : label("detail.tracking", shipment.flaggedReason)
          : null;
        const events = [...shipment.events].reverse();
        return h(
          "div",
          { class: "shipment", "data-shipment": shipment.id },
          definitionList([
            [t("detail.shipping.method"), label("detail.shipping.method", shipment.method)],
            shipment.carrier ? [t("detail.shipping.carrier"), shipment.carrier] : null,
            shipment.trackingNumber ? [t("detail.shipping.tracking"), h("code", {}, shipment.trackingNumber)] : null,
            [t("detail.shipping.status"), label("detail.tracking", shipment.trackingStatus)],
            shipment.method === "label" ? [t("detail.shipping.label"), h("span", {}, labelLinks)] : null,
            shipment.cost ? [t("detail.shipping.cost"), formatMoney(shipment.cost)] : null,
            shipment.lastEventAt ? [t("detail.shipping.lastEvent"), formatDate(shipment.lastEventAt)] : null,
            shipment.deliveredAt ? [t("detail.shipping.delivered"), formatDate(shipment.deliveredAt)] : null,
            flagged ? [t("detail.shipping.flagged"), flagged, { class: "flagged" }] : null,
            shipment.pickupConfirmation ? [t("detail.shipping.pickup"), shipment.pickupConfirmation] : null,
            shipment.pickupError
              ? [t("detail.shipping.pickup"), t("detail.shipping.pickupError", { message: shipment.pickupError }), { class: "flagged" }]
              : null,
          ]),
          h("h3", { class: "events-title" }, t("detail.shipping.events")),
          events.length
            ? h(
                "ol",
                { class: "carrier-events" },
                events.map((event) =>
                  h(
                    "li",
                    {},
                    h("time", { datetime: event.occurredAt }, formatDate(event.occurredAt)),
                    h("strong", {}, ` ${label("detail.tracking", event.status)}`),
                    event.message ? h("div", {}, event.message) : null,
                    event.location ? h("div", { class: "muted" }, event.location) : null,
                  ),
                ),
              )
            : h("p", { class: "muted" }, t("detail.shipping.noEvents")),
        );
      }),
    );
  },
};
