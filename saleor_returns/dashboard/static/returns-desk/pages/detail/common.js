// What the return detail page's parts share: the status rules, the GraphQL
// documents, and small helpers for labels, money and per-line forms.

import { formatMoney, has, register, t } from "../../i18n.js";
import { MESSAGE_FIELDS } from "../../messages.js";
import { h } from "../../ui.js";

register({
  en: {
    "detail.invalidNumber": "Enter a whole number.",
    "detail.money.items": "Items",
    "detail.money.restockingFee": "Restocking fee",
    "detail.money.returnShippingFee": "Return shipping fee",
    "detail.money.originalShipping": "Original shipping refunded",
    "detail.money.storeCreditBonus": "Store credit bonus",
    "detail.money.differenceToPay": "Customer pays on the order",
    "detail.money.differenceRefunded": "Price difference refunded",
    "detail.money.exchangePriceDifference": "Price difference of the exchange",
    "detail.lines.sku": "SKU {sku}",
  },
  "zh-Hans": {
    "detail.invalidNumber": "请输入整数。",
    "detail.money.items": "商品金额",
    "detail.money.restockingFee": "重新入库费",
    "detail.money.returnShippingFee": "退货运费",
    "detail.money.originalShipping": "退还原运费",
    "detail.money.storeCreditBonus": "店铺余额奖励",
    "detail.money.differenceToPay": "顾客需在订单上补付",
    "detail.money.differenceRefunded": "已退还差价",
    "detail.money.exchangePriceDifference": "换货差价",
    "detail.lines.sku": "SKU {sku}",
  },
});

// What each status allows; mirrors saleor_returns/states.py and actions.py.
export const CLAIM_KINDS = new Set(["DAMAGED_ON_ARRIVAL", "MISSING_ITEM", "WRONG_ITEM", "PARCEL_LOST"]);
export const IN_REVIEW = new Set(["REQUESTED", "PENDING_REVIEW"]);
export const RECEIVABLE = new Set(["AWAITING_SHIPMENT", "IN_TRANSIT", "RECEIVED"]);
export const CANCELABLE = new Set(["REQUESTED", "PENDING_REVIEW", "APPROVED", "AWAITING_SHIPMENT"]);
// Resolutions whose money returnResolutionPreview can show.
export const PREVIEWABLE = new Set(["REFUND", "STORE_CREDIT", "KEEP_ITEM"]);
export const CONDITIONS = ["AS_NEW", "OPENED", "DAMAGED", "MISSING_PARTS"];
export const DISPOSITIONS = ["RESTOCK", "REFURBISH", "SCRAP", "RETURN_TO_VENDOR", "RESELL_DISCOUNTED"];
export const COMPONENTS = [
  ["items", "detail.money.items", 1],
  ["restockingFee", "detail.money.restockingFee", -1],
  ["returnShippingFee", "detail.money.returnShippingFee", -1],
  ["originalShipping", "detail.money.originalShipping", 1],
  ["storeCreditBonus", "detail.money.storeCreditBonus", 1],
];

// A refund's parts (RefundComponentEnum) are the preview's components, named the same.
export const COMPONENT_LABELS = Object.fromEntries([
  ...COMPONENTS.map(([name, key]) => [name.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase(), key]),
  ["EXCHANGE_PRICE_DIFFERENCE", "detail.money.exchangePriceDifference"],
]);

const MONEY = "{ amount currency }";
const RETURN_REQUEST = `
fragment ReturnRequestDetail on ReturnRequest {
  id number status kind resolution exchangeVariantId orderId orderNumber channelSlug customerEmail customerNote
  currency requestedValue ${MONEY} rejectionMessage infoRequestedMessage infoRequestedAt createdAt updatedAt
  policyVersion isAutoApproved policyOverridden overrideJustification riskReasons
  lines {
    id orderLineId variantId sku productName variantName reason { code label } comment
    requestedQuantity approvedQuantity receivedQuantity acceptedQuantity unitPrice ${MONEY}
    evidence { id filename contentType size url }
    condition disposition restockWarehouseId inspectionNote
  }
  timeline { id type createdAt actor { kind email } fromStatus toStatus note isVisibleToCustomer }
  shipments {
    id method carrier trackingNumber trackingStatus labelStatus labelUrl labelFormat qrCodeUrl cost ${MONEY}
    lastEventAt deliveredAt flaggedReason pickupConfirmation pickupError
    events { status occurredAt message location }
  }
  refund { id kind status amount ${MONEY} components { code amount ${MONEY} } failureReason giftCardLast4 createdAt succeededAt }
  replacementOrder { status orderId orderNumber quantity variantId priceDifference ${MONEY} failureReason }
  carrierClaims { id carrier reference amount ${MONEY} status note createdAt }
  survey { rating improvements comment updatedAt needsFollowUp followedUpAt followedUpByEmail followUpNote }
  messages { ${MESSAGE_FIELDS} }
}`;
export const DETAIL_QUERY = `query ReturnRequestDetail($id: ID!) { returnRequest(id: $id) { ...ReturnRequestDetail } }
${RETURN_REQUEST}`;
export const WAREHOUSES_QUERY = "query ReturnWarehouses { returnWarehouses { id name } }";
export const PREVIEW_QUERY = `query ReturnResolutionPreview($id: ID!, $resolution: ResolutionEnum) {
  returnResolutionPreview(id: $id, resolution: $resolution) {
    resolution items ${MONEY} restockingFee ${MONEY} returnShippingFee ${MONEY} originalShipping ${MONEY}
    storeCreditBonus ${MONEY} total ${MONEY} shippingRefunded fingerprint
    lines { lineId quantity items ${MONEY} restockingFee ${MONEY} returnShippingFee ${MONEY}
            originalShipping ${MONEY} storeCreditBonus ${MONEY} total ${MONEY} }
  }
}`;
const PAYLOAD = "errors { field code message lines } returnRequest { id status }";
export const MUTATIONS = {
  approve: `mutation ReturnRequestApprove($id: ID!, $lines: [ReturnLineApproveInput!], $note: String) {
    returnRequestApprove(id: $id, lines: $lines, note: $note) { ${PAYLOAD} } }`,
  reject: `mutation ReturnRequestReject($id: ID!, $message: String!) {
    returnRequestReject(id: $id, message: $message) { ${PAYLOAD} } }`,
  requestInfo: `mutation ReturnRequestRequestInfo($id: ID!, $message: String!) {
    returnRequestRequestInfo(id: $id, message: $message) { ${PAYLOAD} } }`,
  cancel: `mutation ReturnRequestCancel($id: ID!, $note: String) {
    returnRequestCancel(id: $id, note: $note) { ${PAYLOAD} } }`,
  receive: `mutation ReturnRequestReceive($id: ID!, $lines: [ReturnLineReceiveInput!]!) {
    returnRequestReceive(id: $id, lines: $lines) { ${PAYLOAD} } }`,
  inspect: `mutation ReturnRequestInspect($id: ID!, $lines: [ReturnLineInspectInput!]!) {
    returnRequestInspect(id: $id, lines: $lines) { ${PAYLOAD} } }`,
  resolve: `mutation ReturnRequestResolve($id: ID!, $resolution: ResolutionEnum!, $fingerprint: String, $idempotencyKey: String) {
    returnRequestResolve(id: $id, resolution: $resolution, fingerprint: $fingerprint, idempotencyKey: $idempotencyKey) {
      ${PAYLOAD} refund { status } replacementOrder { status } } }`,
  addTracking: `mutation ReturnTrackingAdd($id: ID!, $carrier: String!, $trackingNumber: String!) {
    returnRequestTrackingAdd(id: $id, carrier: $carrier, trackingNumber: $trackingNumber) { ${PAYLOAD} }
  }`,
  retryRefund: `mutation ReturnRefundRetry($id: ID!) { returnRefundRetry(id: $id) { ${PAYLOAD} refund { status } } }`,
  retryReplacement: `mutation ReturnReplacementRetry($id: ID!) {
    returnReplacementRetry(id: $id) { ${PAYLOAD} replacementOrder { status } }
  }`,
  addNote: `mutation ReturnRequestNoteAdd($id: ID!, $note: String!, $isVisibleToCustomer: Boolean) {
    returnRequestNoteAdd(id: $id, note: $note, isVisibleToCustomer: $isVisibleToCustomer) { ${PAYLOAD} } }`,
};

// ------------------------------------------------------------------ small helpers

// A label for an API code, e.g. detail.tracking.in_transit; the code itself when unknown.
export function label(prefix, code) {
  if (code === null || code === undefined || code === "") return "—";
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : String(code).replace(/_/g, " ");
}

export function isReturnless(request) {
  return CLAIM_KINDS.has(request.kind) || request.resolution === "KEEP_ITEM";
}

export function uuid() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export function negative(value) {
  return Number(value.amount) === 0 ? formatMoney(value) : `−${formatMoney(value)}`;
}

// An exchange's price difference: what the customer pays on the new order, or what was refunded.
export function priceDifferenceRow(difference) {
  if (!difference || Number(difference.amount) === 0) return null;
  const amount = String(difference.amount);
  return amount.startsWith("-")
    ? [t("detail.money.differenceRefunded"), formatMoney({ ...difference, amount: amount.slice(1) }), { "data-money": "difference" }]
    : [t("detail.money.differenceToPay"), formatMoney(difference), { "data-money": "difference" }];
}

// A signed amount (fees the shop keeps are negative), with a true minus sign.
export function signed(value) {
  const amount = String(value.amount);
  return amount.startsWith("-") ? negative({ ...value, amount: amount.slice(1) }) : formatMoney(value);
}

export function lineTitle(line) {
  return h(
    "div",
    { class: "line-title" },
    h("strong", {}, line.productName),
    line.variantName ? h("span", { class: "muted" }, ` · ${line.variantName}`) : null,
    line.sku ? h("div", { class: "muted" }, t("detail.lines.sku", { sku: line.sku })) : null,
  );
}

// The per-line slot for line errors no single control owns (field "lines").
export function lineErrorSlot() {
  return h("div", { class: "line-errors", "data-field": "lines" }, h("p", { class: "field-error", "aria-live": "polite" }));
}

// Line errors name the control ("lines.warehouseId") and the lines at fault; a
// plain "lines" goes next to the control its code is about, or in the line's own
// slot. Without lines they belong to the whole form.
export function placeLineErrors(errors, fieldByCode = {}) {
  return errors.map((error) => {
    if (error.field !== "lines") return error;
    if (!error.lines || !error.lines.length) return { ...error, field: null };
    return { ...error, field: fieldByCode[error.code] || "lines" };
  });
}

// Reads a whole number from `input`; null (and an error for showErrors) when it is not one.
export function readInt(input, lineId, problems) {
  const text = String(input.value).trim();
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  problems.push({ field: input.name, code: "INVALID", message: t("detail.invalidNumber"), lines: lineId ? [lineId] : null });
  return null;
}

// The trimmed text of the form's `name` control; an empty one is a REQUIRED problem.
export function requiredText(form, name, problems) {
  const text = control(form, name).value.trim();
  if (!text) problems.push({ field: name, code: "REQUIRED", message: t("common.required") });
  return text;
}

export function control(container, name) {
  return container.querySelector(`[name="${name}"]`);
}

export function setBusy(element, busy) {
  element.disabled = busy;
  if (busy) element.setAttribute("aria-busy", "true");
  else element.removeAttribute("aria-busy");
}
