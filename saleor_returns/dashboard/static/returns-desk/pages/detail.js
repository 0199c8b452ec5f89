// The return detail page: what the customer asked for, what happened since, and
// the one next step the request's status allows (approve, receive, inspect,
// resolve...). Every action reports to the Dashboard and redraws from fresh data.

import { formatDate, formatMoney, has, register, t } from "../i18n.js";
import {
  banner,
  button,
  card,
  clear,
  clearErrors,
  definitionList,
  field,
  formErrors,
  h,
  loadStyle,
  modal,
  needs,
  nextId,
  showErrors,
  statusBadge,
} from "../ui.js";

register({
  en: {
    "detail.back": "Back to returns",
    "detail.notFound": "This return request does not exist, or it belongs to another shop.",
    "detail.reloadFailed": "The return request could not be reloaded",
    "detail.actions": "Actions",
    "detail.action.approve": "Approve",
    "detail.action.reject": "Reject",
    "detail.action.requestInfo": "Ask for information",
    "detail.action.receive": "Receive items",
    "detail.action.inspect": "Inspect",
    "detail.action.resolve": "Preview & resolve",
    "detail.action.retryRefund": "Retry refund",
    "detail.action.retryReplacement": "Retry replacement order",
    "detail.action.addTracking": "Add tracking",
    "detail.tracking.title": "Add the parcel's tracking to {number}",
    "detail.tracking.text": "For a parcel the customer sent without a label from the shop, or handed in at a store.",
    "detail.tracking.carrier": "Carrier",
    "detail.tracking.carrierHint": "The carrier's name or code, e.g. UPS, DHL, or In store.",
    "detail.tracking.number": "Tracking number",
    "detail.notify.trackingAdded": "Tracking added to {number}",
    "detail.action.cancel": "Cancel return",
    "detail.action.addNote": "Add note",
    "detail.invalidNumber": "Enter a whole number.",
    "detail.approve.title": "Approve the return",
    "detail.approve.intro": "Choose how many units of each item to take back; 0 leaves an item out.",
    "detail.approve.quantity": "Units to approve (of {max})",
    "detail.approve.note": "Note to the customer (optional)",
    "detail.approve.submit": "Approve",
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
    "detail.receive.title": "Receive returned items",
    "detail.receive.intro": "Count the units that arrived in this delivery; partial deliveries add up.",
    "detail.receive.quantity": "Units arriving now (up to {max})",
    "detail.receive.progress": "Approved {approved} · received so far {received}",
    "detail.receive.submit": "Record receipt",
    "detail.inspect.title": "Inspect returned items",
    "detail.inspect.intro": "Record the state of each item and what happens to it. Restocking needs a warehouse.",
    "detail.inspect.accepted": "Units accepted (of {max} received)",
    "detail.inspect.condition": "Condition",
    "detail.inspect.disposition": "Disposition",
    "detail.inspect.warehouse": "Restock into warehouse",
    "detail.inspect.chooseWarehouse": "Choose a warehouse",
    "detail.inspect.note": "Inspection note (staff only)",
    "detail.inspect.warehousesFailed": "Saleor's warehouses could not be loaded",
    "detail.inspect.submit": "Save inspection",
    "detail.resolve.title": "Preview and resolve",
    "detail.resolve.resolution": "Resolution",
    "detail.resolve.wish": "The customer asked for: {resolution}",
    "detail.resolve.loading": "Calculating…",
    "detail.resolve.previewTitle": "What the customer gets",
    "detail.resolve.replacement": "A new Saleor order sends the same item again at no charge; no money is refunded.",
    "detail.resolve.exchange": "A new Saleor order sends the chosen item; a price difference is refunded, or waits for the customer's payment.",
    "detail.resolve.instant": "The refund was paid while the parcel was on its way. Resolving closes the return.",
    "detail.resolve.shippingRefunded": "Shipping was already refunded on this order.",
    "detail.resolve.changed": "The amounts changed since the preview. Check the new figures, then resolve again.",
    "detail.resolve.submit": "Resolve",
    "detail.resolve.perLine": "Per item",
    "detail.money.title": "Money",
    "detail.money.requested": "Requested value",
    "detail.money.items": "Items",
    "detail.money.restockingFee": "Restocking fee",
    "detail.money.returnShippingFee": "Return shipping fee",
    "detail.money.originalShipping": "Original shipping refunded",
    "detail.money.storeCreditBonus": "Store credit bonus",
    "detail.money.differenceToPay": "Customer pays on the order",
    "detail.money.differenceRefunded": "Price difference refunded",
    "detail.money.exchangePriceDifference": "Price difference of the exchange",
    "detail.money.total": "Total to the customer",
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
    "detail.summary.title": "Order and customer",
    "detail.summary.order": "Order",
    "detail.summary.orderButton": "#{number}",
    "detail.summary.openOrder": "Open order #{number} in the Dashboard",
    "detail.summary.customer": "Customer",
    "detail.summary.channel": "Channel",
    "detail.summary.kind": "Type",
    "detail.summary.wish": "Customer's wish",
    "detail.summary.resolution": "Resolution",
    "detail.summary.created": "Created",
    "detail.summary.updated": "Updated",
    "detail.summary.policy": "Policy version",
    "detail.summary.autoApproved": "Auto-approved",
    "detail.summary.risk": "Risk signals",
    "detail.summary.override": "Policy override",
    "detail.summary.customerNote": "Customer's note",
    "detail.risk.repeated_claim_on_order": "Another claim on this order",
    "detail.risk.evidence_reused": "Photos used in another request",
    "detail.risk.policy_overridden": "Accepted outside the policy",
    "detail.lines.title": "Items",
    "detail.lines.item": "Item",
    "detail.lines.unitPrice": "Unit price paid",
    "detail.lines.requested": "Requested",
    "detail.lines.approved": "Approved",
    "detail.lines.received": "Received",
    "detail.lines.accepted": "Accepted",
    "detail.lines.quantities": "Units",
    "detail.lines.reason": "Reason and photos",
    "detail.lines.inspection": "Inspection",
    "detail.lines.sku": "SKU {sku}",
    "detail.lines.notInspected": "Not inspected",
    "detail.lines.warehouse": "Into {name}",
    "detail.lines.photo": "Enlarge photo {name}",
    "detail.lines.file": "{name} (opens in a new tab)",
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
    "detail.note.label": "Note",
    "detail.note.visible": "Visible to the customer",
    "detail.note.hint": "Unchecked, only staff see the note.",
    "detail.banner.rejected": "Rejected",
    "detail.banner.info": "Waiting for the customer's answer",
    "detail.banner.awaitingParcel": "Waiting for the customer to send the parcel",
    "detail.banner.awaitingParcelText": "A label or the customer's tracking number follows the parcel; a parcel handed in at the shop can be received now.",
    "detail.banner.refundFailed": "The refund failed",
    "detail.banner.refundPending": "The refund is being processed",
    "detail.notify.approved": "{number} approved",
    "detail.notify.rejected": "{number} rejected",
    "detail.notify.infoRequested": "Information requested for {number}",
    "detail.notify.received": "Items of {number} received",
    "detail.notify.inspected": "{number} inspected",
    "detail.notify.inspectionSaved": "Inspection saved for {number}",
    "detail.notify.resolved": "{number} resolved",
    "detail.notify.refundStarted": "Refund started for {number}",
    "detail.notify.replacementStarted": "Replacement order started for {number}",
    "detail.notify.retried": "Refund retried for {number}",
    "detail.notify.replacementRetried": "Replacement order retried for {number}",
    "detail.notify.canceled": "{number} canceled",
    "detail.notify.noted": "Note added to {number}",
    "detail.notify.failed": "{action} failed for {number}",
  },
  "zh-Hans": {
    "detail.back": "返回退货列表",
    "detail.notFound": "该退货申请不存在，或属于其他店铺。",
    "detail.reloadFailed": "无法重新加载该退货申请",
    "detail.actions": "操作",
    "detail.action.approve": "批准",
    "detail.action.reject": "拒绝",
    "detail.action.requestInfo": "要求补充信息",
    "detail.action.receive": "确认收货",
    "detail.action.inspect": "检验",
    "detail.action.resolve": "预览并处理",
    "detail.action.retryRefund": "重试退款",
    "detail.action.retryReplacement": "重试补发订单",
    "detail.action.addTracking": "添加物流单号",
    "detail.tracking.title": "为 {number} 添加包裹物流单号",
    "detail.tracking.text": "适用于顾客未使用店铺面单自行寄回，或在门店交回的包裹。",
    "detail.tracking.carrier": "承运商",
    "detail.tracking.carrierHint": "承运商名称或代码，例如 顺丰、UPS 或 门店。",
    "detail.tracking.number": "物流单号",
    "detail.notify.trackingAdded": "已为 {number} 添加物流单号",
    "detail.action.cancel": "取消退货",
    "detail.action.addNote": "添加备注",
    "detail.invalidNumber": "请输入整数。",
    "detail.approve.title": "批准退货",
    "detail.approve.intro": "选择每件商品批准退回的数量；填 0 表示不退该商品。",
    "detail.approve.quantity": "批准数量（共 {max} 件）",
    "detail.approve.note": "给顾客的备注（可选）",
    "detail.approve.submit": "批准",
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
    "detail.receive.title": "确认收到退回商品",
    "detail.receive.intro": "清点本次到货的数量；分批到货会累加。",
    "detail.receive.quantity": "本次到货数量（最多 {max} 件）",
    "detail.receive.progress": "已批准 {approved} 件 · 已收到 {received} 件",
    "detail.receive.submit": "确认收货",
    "detail.inspect.title": "检验退回商品",
    "detail.inspect.intro": "记录每件商品的状况和处理方式。重新入库需要选择仓库。",
    "detail.inspect.accepted": "接受数量（已收到 {max} 件）",
    "detail.inspect.condition": "状况",
    "detail.inspect.disposition": "处理方式",
    "detail.inspect.warehouse": "入库仓库",
    "detail.inspect.chooseWarehouse": "请选择仓库",
    "detail.inspect.note": "检验备注（仅员工可见）",
    "detail.inspect.warehousesFailed": "无法从 Saleor 加载仓库",
    "detail.inspect.submit": "保存检验结果",
    "detail.resolve.title": "预览并处理",
    "detail.resolve.resolution": "处理方式",
    "detail.resolve.wish": "顾客期望：{resolution}",
    "detail.resolve.loading": "正在计算…",
    "detail.resolve.previewTitle": "顾客将获得",
    "detail.resolve.replacement": "将在 Saleor 中创建一张免费订单，重新寄出同款商品，不退款。",
    "detail.resolve.exchange": "将在 Saleor 中创建新订单寄出所选商品；差价会退还，或等待顾客补款。",
    "detail.resolve.instant": "包裹寄回途中已完成退款。处理后即关闭此退货。",
    "detail.resolve.shippingRefunded": "该订单的运费已经退过。",
    "detail.resolve.changed": "预览之后金额发生了变化。请核对新的金额后再次处理。",
    "detail.resolve.submit": "确认处理",
    "detail.resolve.perLine": "按商品",
    "detail.money.title": "金额",
    "detail.money.requested": "申请金额",
    "detail.money.items": "商品金额",
    "detail.money.restockingFee": "重新入库费",
    "detail.money.returnShippingFee": "退货运费",
    "detail.money.originalShipping": "退还原运费",
    "detail.money.storeCreditBonus": "店铺余额奖励",
    "detail.money.differenceToPay": "顾客需在订单上补付",
    "detail.money.differenceRefunded": "已退还差价",
    "detail.money.exchangePriceDifference": "换货差价",
    "detail.money.total": "顾客实得合计",
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
    "detail.summary.title": "订单与顾客",
    "detail.summary.order": "订单",
    "detail.summary.orderButton": "#{number}",
    "detail.summary.openOrder": "在 Dashboard 中打开订单 #{number}",
    "detail.summary.customer": "顾客",
    "detail.summary.channel": "渠道",
    "detail.summary.kind": "类型",
    "detail.summary.wish": "顾客期望",
    "detail.summary.resolution": "处理方式",
    "detail.summary.created": "创建时间",
    "detail.summary.updated": "更新时间",
    "detail.summary.policy": "政策版本",
    "detail.summary.autoApproved": "自动批准",
    "detail.summary.risk": "风险提示",
    "detail.summary.override": "政策例外",
    "detail.summary.customerNote": "顾客留言",
    "detail.risk.repeated_claim_on_order": "该订单已有其他索赔",
    "detail.risk.evidence_reused": "照片在其他申请中用过",
    "detail.risk.policy_overridden": "超出退货政策受理",
    "detail.lines.title": "商品",
    "detail.lines.item": "商品",
    "detail.lines.unitPrice": "实付单价",
    "detail.lines.requested": "申请",
    "detail.lines.approved": "批准",
    "detail.lines.received": "收到",
    "detail.lines.accepted": "接受",
    "detail.lines.quantities": "数量",
    "detail.lines.reason": "原因与照片",
    "detail.lines.inspection": "检验",
    "detail.lines.sku": "SKU {sku}",
    "detail.lines.notInspected": "未检验",
    "detail.lines.warehouse": "入库至 {name}",
    "detail.lines.photo": "放大照片 {name}",
    "detail.lines.file": "{name}（在新标签页打开）",
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
    "detail.note.label": "备注",
    "detail.note.visible": "顾客可见",
    "detail.note.hint": "不勾选时仅员工可见。",
    "detail.banner.rejected": "已拒绝",
    "detail.banner.info": "等待顾客回复",
    "detail.banner.awaitingParcel": "等待顾客寄回包裹",
    "detail.banner.awaitingParcelText": "运单或顾客填写的运单号会跟踪包裹；顾客到店交回的包裹可直接确认收货。",
    "detail.banner.refundFailed": "退款失败",
    "detail.banner.refundPending": "退款处理中",
    "detail.notify.approved": "{number} 已批准",
    "detail.notify.rejected": "{number} 已拒绝",
    "detail.notify.infoRequested": "已要求顾客补充 {number} 的信息",
    "detail.notify.received": "{number} 的商品已收货",
    "detail.notify.inspected": "{number} 已检验",
    "detail.notify.inspectionSaved": "{number} 的检验结果已保存",
    "detail.notify.resolved": "{number} 已处理",
    "detail.notify.refundStarted": "{number} 已发起退款",
    "detail.notify.replacementStarted": "已为 {number} 创建补发订单",
    "detail.notify.retried": "{number} 已重新发起退款",
    "detail.notify.replacementRetried": "已重试 {number} 的补发订单",
    "detail.notify.canceled": "{number} 已取消",
    "detail.notify.noted": "已为 {number} 添加备注",
    "detail.notify.failed": "{number}：{action}失败",
  },
});

// What each status allows; mirrors saleor_returns/states.py and actions.py.
const CLAIM_KINDS = new Set(["DAMAGED_ON_ARRIVAL", "MISSING_ITEM", "WRONG_ITEM", "PARCEL_LOST"]);
const IN_REVIEW = new Set(["REQUESTED", "PENDING_REVIEW"]);
const RECEIVABLE = new Set(["AWAITING_SHIPMENT", "IN_TRANSIT", "RECEIVED"]);
const CANCELABLE = new Set(["REQUESTED", "PENDING_REVIEW", "APPROVED", "AWAITING_SHIPMENT"]);
// Resolutions whose money returnResolutionPreview can show.
const PREVIEWABLE = new Set(["REFUND", "STORE_CREDIT", "KEEP_ITEM"]);
const CONDITIONS = ["AS_NEW", "OPENED", "DAMAGED", "MISSING_PARTS"];
const DISPOSITIONS = ["RESTOCK", "REFURBISH", "SCRAP", "RETURN_TO_VENDOR", "RESELL_DISCOUNTED"];
const COMPONENTS = [
  ["items", "detail.money.items", 1],
  ["restockingFee", "detail.money.restockingFee", -1],
  ["returnShippingFee", "detail.money.returnShippingFee", -1],
  ["originalShipping", "detail.money.originalShipping", 1],
  ["storeCreditBonus", "detail.money.storeCreditBonus", 1],
];

// A refund's parts (RefundComponentEnum) are the preview's components, named the same.
const COMPONENT_LABELS = Object.fromEntries([
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
}`;
const DETAIL_QUERY = `query ReturnRequestDetail($id: ID!) { returnRequest(id: $id) { ...ReturnRequestDetail } }
${RETURN_REQUEST}`;
const WAREHOUSES_QUERY = "query ReturnWarehouses { returnWarehouses { id name } }";
const PREVIEW_QUERY = `query ReturnResolutionPreview($id: ID!, $resolution: ResolutionEnum) {
  returnResolutionPreview(id: $id, resolution: $resolution) {
    resolution items ${MONEY} restockingFee ${MONEY} returnShippingFee ${MONEY} originalShipping ${MONEY}
    storeCreditBonus ${MONEY} total ${MONEY} shippingRefunded fingerprint
    lines { lineId quantity items ${MONEY} restockingFee ${MONEY} returnShippingFee ${MONEY}
            originalShipping ${MONEY} storeCreditBonus ${MONEY} total ${MONEY} }
  }
}`;
const PAYLOAD = "errors { field code message lines } returnRequest { id status }";
const MUTATIONS = {
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
function label(prefix, code) {
  if (code === null || code === undefined || code === "") return "—";
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : String(code).replace(/_/g, " ");
}

function isReturnless(request) {
  return CLAIM_KINDS.has(request.kind) || request.resolution === "KEEP_ITEM";
}

function uuid() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

function negative(value) {
  return Number(value.amount) === 0 ? formatMoney(value) : `−${formatMoney(value)}`;
}

// An exchange's price difference: what the customer pays on the new order, or what was refunded.
function priceDifferenceRow(difference) {
  if (!difference || Number(difference.amount) === 0) return null;
  const amount = String(difference.amount);
  return amount.startsWith("-")
    ? [t("detail.money.differenceRefunded"), formatMoney({ ...difference, amount: amount.slice(1) }), { "data-money": "difference" }]
    : [t("detail.money.differenceToPay"), formatMoney(difference), { "data-money": "difference" }];
}

// A signed amount (fees the shop keeps are negative), with a true minus sign.
function signed(value) {
  const amount = String(value.amount);
  return amount.startsWith("-") ? negative({ ...value, amount: amount.slice(1) }) : formatMoney(value);
}

function lineTitle(line) {
  return h(
    "div",
    { class: "line-title" },
    h("strong", {}, line.productName),
    line.variantName ? h("span", { class: "muted" }, ` · ${line.variantName}`) : null,
    line.sku ? h("div", { class: "muted" }, t("detail.lines.sku", { sku: line.sku })) : null,
  );
}

// The per-line slot for line errors no single control owns (field "lines").
function lineErrorSlot() {
  return h("div", { class: "line-errors", "data-field": "lines" }, h("p", { class: "field-error", "aria-live": "polite" }));
}

// Line errors name the control ("lines.warehouseId") and the lines at fault; a
// plain "lines" goes next to the control its code is about, or in the line's own
// slot. Without lines they belong to the whole form.
function placeLineErrors(errors, fieldByCode = {}) {
  return errors.map((error) => {
    if (error.field !== "lines") return error;
    if (!error.lines || !error.lines.length) return { ...error, field: null };
    return { ...error, field: fieldByCode[error.code] || "lines" };
  });
}

// Reads a whole number from `input`; null (and an error for showErrors) when it is not one.
function readInt(input, lineId, problems) {
  const text = String(input.value).trim();
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  problems.push({ field: input.name, code: "INVALID", message: t("detail.invalidNumber"), lines: lineId ? [lineId] : null });
  return null;
}

function control(container, name) {
  return container.querySelector(`[name="${name}"]`);
}

function setBusy(element, busy) {
  element.disabled = busy;
  if (busy) element.setAttribute("aria-busy", "true");
  else element.removeAttribute("aria-busy");
}

// ------------------------------------------------------------------ the page

export async function render(ctx) {
  loadStyle("pages/detail.css");
  const page = new DetailPage(ctx);
  await page.load();
  return () => page.dispose();
}

class DetailPage {
  constructor(ctx) {
    this.ctx = ctx;
    this.request = null;
    this.warehouses = null;
    this.warehousesError = null;
    this.dialogs = new Set();
    this.panel = null; // {key, element, opener}
  }

  dispose() {
    this.disposed = true;
    for (const dialog of this.dialogs) {
      if (dialog.open) dialog.close();
      dialog.remove();
    }
    this.dialogs.clear();
    document.querySelectorAll("dialog.lightbox-dialog").forEach((dialog) => dialog.remove());
  }

  live() {
    return !this.disposed && this.ctx.isCurrent();
  }

  get number() {
    return this.request ? this.request.number : "";
  }

  // Reads the request (and the warehouses the inspect form or the lines need), then draws.
  async load() {
    const data = await this.ctx.api.query(DETAIL_QUERY, { id: this.ctx.params.id });
    if (!this.live()) return;
    const request = data.returnRequest;
    if (!request) {
      clear(this.ctx.root, this.backLink(), banner("error", t("detail.notFound")));
      return;
    }
    this.request = request;
    const needsWarehouses =
      request.status === "RECEIVED" || request.lines.some((line) => line.restockWarehouseId);
    if (needsWarehouses && this.warehouses === null) await this.loadWarehouses();
    if (!this.live()) return;
    this.draw();
  }

  async loadWarehouses() {
    try {
      const data = await this.ctx.api.query(WAREHOUSES_QUERY);
      this.warehouses = data.returnWarehouses;
      this.warehousesError = null;
    } catch (error) {
      this.warehousesError = this.ctx.describeError(error);
    }
  }

  // After an action: fresh data, the panel closed, focus on the heading.
  async reload() {
    this.panel = null;
    try {
      await this.load();
    } catch (error) {
      if (!this.live()) return;
      this.ctx.root.prepend(banner("error", t("detail.reloadFailed"), this.ctx.describeError(error)));
      return;
    }
    if (!this.live()) return;
    const heading = this.ctx.root.querySelector("h1");
    if (heading) heading.focus({ preventScroll: false });
  }

  draw() {
    const request = this.request;
    this.panelSlot = h("div", { class: "action-panel-slot" });
    clear(
      this.ctx.root,
      h(
        "div",
        { class: "detail", "data-return-request": request.id, "data-status": request.status },
        this.head(),
        this.banners(),
        this.panelSlot,
        h(
          "div",
          { class: "grid grid-2 detail-grid" },
          h("div", { class: "detail-main" }, this.linesCard(), this.timelineCard()),
          h("div", { class: "detail-side" }, this.summaryCard(), this.moneyCard(), this.shippingCard()),
        ),
      ),
    );
  }

  backLink() {
    const href = this.ctx.deskUrl("/dashboard/");
    return h(
      "a",
      {
        class: "back-link",
        href,
        onclick: (event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          this.ctx.navigate("/dashboard/");
        },
      },
      `← ${t("detail.back")}`,
    );
  }

  head() {
    const request = this.request;
    const heading = h("h1", { tabindex: "-1" }, request.number);
    return h(
      "div",
      { class: "page-head detail-head" },
      h(
        "div",
        { class: "detail-title" },
        this.backLink(),
        h("div", { class: "detail-title-row" }, heading, statusBadge(request.status), h("span", { class: "kind-tag" }, t(`kind.${request.kind}`))),
      ),
      h("div", { class: "actions head-actions", role: "group", "aria-label": t("detail.actions") }, this.actionButtons()),
    );
  }

  // Exactly the actions the request's status allows.
  actionButtons() {
    const request = this.request;
    const buttons = [];
    const panels = new Set(["approve", "receive", "inspect", "resolve"]);
    const add = (key, text, variant, onClick) =>
      buttons.push(
        button(text, {
          variant,
          onClick: (event) => onClick(event.currentTarget),
          "data-action": key,
          "aria-expanded": panels.has(key) ? "false" : null,
        }),
      );
    if (IN_REVIEW.has(request.status)) {
      add("approve", t("detail.action.approve"), "primary", (opener) => this.openPanel("approve", opener));
      add("request-info", t("detail.action.requestInfo"), "secondary", (opener) => this.requestInfoDialog(opener));
      add("reject", t("detail.action.reject"), "danger", (opener) => this.rejectDialog(opener));
    }
    const handedIn = request.status === "APPROVED" && !isReturnless(request);
    if ((RECEIVABLE.has(request.status) || handedIn) && this.receivableLines().length) {
      const variant = request.status === "RECEIVED" || handedIn ? "secondary" : "primary";
      add("receive", t("detail.action.receive"), variant, (opener) => this.openPanel("receive", opener));
    }
    if (request.status === "RECEIVED") {
      add("inspect", t("detail.action.inspect"), "primary", (opener) => this.openPanel("inspect", opener));
    }
    if (this.canResolve()) {
      add("resolve", t("detail.action.resolve"), "primary", (opener) => this.openPanel("resolve", opener));
    }
    if (request.refund && request.refund.status === "failed") {
      add("retry-refund", t("detail.action.retryRefund"), "primary", (opener) => this.retryDialog(opener));
      // A retry pays out again: the payment (or the gift card) needs the staff member's own permission.
      const missing = this.ctx.missing(`refundRetry:${request.refund.kind.toUpperCase()}`);
      if (missing.length) {
        const retry = buttons[buttons.length - 1];
        const note = h("span", { class: "action-needs muted", id: nextId("needs"), "data-needs": "retry-refund" }, needs(missing));
        retry.disabled = true;
        retry.setAttribute("aria-describedby", note.id);
        buttons.push(note);
      }
    }
    if (request.replacementOrder && request.replacementOrder.status === "failed") {
      add("retry-replacement", t("detail.action.retryReplacement"), "primary", (opener) => this.retryReplacementDialog(opener));
    }
    if (request.status === "APPROVED" && !isReturnless(request)) {
      add("add-tracking", t("detail.action.addTracking"), "secondary", (opener) => this.trackingDialog(opener));
    }
    if (CANCELABLE.has(request.status)) {
      add("cancel", t("detail.action.cancel"), "danger", (opener) => this.cancelDialog(opener));
    }
    return buttons;
  }

  receivableLines() {
    return this.request.lines.filter((line) => (line.approvedQuantity || 0) > line.receivedQuantity);
  }

  // INSPECTED returns, and APPROVED ones that resolve without a parcel (claims,
  // keep-the-item), until a refund or a replacement order exists. An instant
  // refund paid in transit is closed by resolving after inspection.
  canResolve() {
    const request = this.request;
    if (request.replacementOrder) return false;
    if (request.refund) return request.status === "INSPECTED" && request.refund.status === "succeeded";
    if (request.status === "INSPECTED") return !isReturnless(request);
    return request.status === "APPROVED" && isReturnless(request);
  }

  resolutionChoices() {
    const request = this.request;
    const claim = CLAIM_KINDS.has(request.kind);
    if (request.status === "INSPECTED") {
      const choices = ["REFUND", "STORE_CREDIT"];
      if (request.kind === "EXCHANGE" && request.exchangeVariantId) choices.push("EXCHANGE");
      return choices;
    }
    if (claim) {
      const choices = ["REFUND", "STORE_CREDIT"];
      if (request.resolution === "KEEP_ITEM") choices.push("KEEP_ITEM");
      const approved = request.lines.filter((line) => line.approvedQuantity);
      if (approved.length === 1 && approved[0].variantId) choices.push("REPLACEMENT");
      return choices;
    }
    return ["KEEP_ITEM"];
  }

  banners() {
    const request = this.request;
    const items = [];
    if (request.status === "REJECTED" && request.rejectionMessage) {
      items.push(banner("error", t("detail.banner.rejected"), request.rejectionMessage));
    }
    if (IN_REVIEW.has(request.status) && request.infoRequestedMessage) {
      items.push(banner("warning", t("detail.banner.info"), request.infoRequestedMessage));
    }
    if (request.status === "APPROVED" && !isReturnless(request) && !request.shipments.length) {
      items.push(banner("info", t("detail.banner.awaitingParcel"), t("detail.banner.awaitingParcelText")));
    }
    if (request.refund && request.refund.status === "failed") {
      items.push(banner("error", t("detail.banner.refundFailed"), request.refund.failureReason || ""));
    } else if (request.refund && ["pending", "processing"].includes(request.refund.status)) {
      items.push(banner("info", t("detail.banner.refundPending"), formatMoney(request.refund.amount)));
    }
    return items;
  }

  // ------------------------------------------------------------------ cards

  summaryCard() {
    const request = this.request;
    const orderButton = button(t("detail.summary.orderButton", { number: request.orderNumber }), {
      variant: "link",
      class: "btn btn-link order-link",
      "data-order-id": request.orderId,
      "aria-label": t("detail.summary.openOrder", { number: request.orderNumber }),
      title: t("detail.summary.openOrder", { number: request.orderNumber }),
      onClick: () => this.ctx.openInDashboard(`/orders/${request.orderId}`),
    });
    const risks = request.riskReasons || [];
    const facts = definitionList([
      [t("detail.summary.order"), orderButton],
      [t("detail.summary.customer"), request.customerEmail],
      [t("detail.summary.channel"), request.channelSlug || "—"],
      [t("detail.summary.kind"), t(`kind.${request.kind}`)],
      // Once resolved, the stored resolution is what staff chose, not the customer's wish.
      [t(["RESOLVED", "CLOSED"].includes(request.status) ? "detail.summary.resolution" : "detail.summary.wish"), t(`resolution.${request.resolution}`)],
      [t("detail.summary.created"), formatDate(request.createdAt)],
      [t("detail.summary.updated"), formatDate(request.updatedAt)],
      [t("detail.summary.policy"), `v${request.policyVersion}`],
      [t("detail.summary.autoApproved"), request.isAutoApproved ? t("common.yes") : t("common.no"), { "data-fact": "auto-approved" }],
      risks.length
        ? [
            t("detail.summary.risk"),
            h("ul", { class: "risk-list" }, risks.map((code) => h("li", { "data-risk": code }, label("detail.risk", code)))),
            { "data-fact": "risk" },
          ]
        : null,
      request.policyOverridden
        ? [t("detail.summary.override"), request.overrideJustification || t("common.yes"), { "data-fact": "override" }]
        : null,
    ]);
    facts.classList.add("facts");
    const note = request.customerNote
      ? h("div", { class: "customer-note" }, h("h3", {}, t("detail.summary.customerNote")), h("blockquote", {}, request.customerNote))
      : null;
    return h("section", { class: "card summary-card" }, h("h2", { class: "card-title" }, t("detail.summary.title")), facts, note);
  }

  linesCard() {
    const request = this.request;
    const headers = [
      [t("detail.lines.item"), ""],
      [t("detail.lines.unitPrice"), "num"],
      [t("detail.lines.quantities"), ""],
      [t("detail.lines.reason"), ""],
      [t("detail.lines.inspection"), ""],
    ];
    const rows = request.lines.map((line) =>
      h(
        "tr",
        { "data-line": line.id },
        h("td", {}, lineTitle(line)),
        h("td", { class: "num" }, formatMoney(line.unitPrice)),
        h("td", { class: "quantities-cell" }, this.quantities(line)),
        h(
          "td",
          { class: "reason-cell" },
          h("div", { class: "reason", "data-reason": line.reason.code }, line.reason.label),
          line.comment ? h("p", { class: "line-comment" }, line.comment) : null,
          line.evidence.length ? this.evidence(line.evidence) : null,
        ),
        h("td", { class: "inspection-cell" }, this.inspection(line)),
      ),
    );
    return card(
      t("detail.lines.title"),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "lines-table" },
          h("thead", {}, h("tr", {}, headers.map(([text, cls]) => h("th", { scope: "col", class: cls || null }, text)))),
          h("tbody", {}, rows),
        ),
      ),
    );
  }

  // Requested, approved, received and accepted units, one under the other.
  quantities(line) {
    const value = (quantity) => (quantity === null || quantity === undefined ? "—" : String(quantity));
    return h(
      "dl",
      { class: "quantities" },
      [
        ["requested", "detail.lines.requested", line.requestedQuantity],
        ["approved", "detail.lines.approved", line.approvedQuantity],
        ["received", "detail.lines.received", line.receivedQuantity],
        ["accepted", "detail.lines.accepted", line.acceptedQuantity],
      ].map(([name, key, quantity]) => [h("dt", {}, t(key)), h("dd", { "data-quantity": name }, value(quantity))]),
    );
  }

  evidence(items) {
    return h(
      "div",
      { class: "thumbs" },
      items.map((item) => {
        const isImage = item.contentType.startsWith("image/") && !/heic|heif/i.test(item.contentType);
        if (!isImage) {
          return h(
            "a",
            { class: "evidence-file", href: item.url, target: "_blank", rel: "noopener", "data-evidence": item.id },
            t("detail.lines.file", { name: item.filename }),
          );
        }
        return h(
          "button",
          {
            type: "button",
            class: "thumb",
            "data-evidence": item.id,
            "aria-label": t("detail.lines.photo", { name: item.filename }),
            onclick: () => this.enlarge(item),
          },
          h("img", { src: item.url, alt: item.filename, loading: "lazy" }),
        );
      }),
    );
  }

  enlarge(item) {
    const body = h("div", { class: "lightbox" }, h("img", { src: item.url, alt: item.filename }));
    const opener = document.activeElement;
    modal(item.filename, body, [[t("common.close"), null, "secondary"]]).then(() => {
      if (opener && opener.isConnected) opener.focus();
    });
    const dialog = body.closest("dialog");
    if (dialog) dialog.classList.add("lightbox-dialog");
  }

  inspection(line) {
    if (!line.condition && !line.disposition) return h("span", { class: "muted" }, t("detail.lines.notInspected"));
    const warehouse = line.restockWarehouseId
      ? (this.warehouses || []).find((item) => item.id === line.restockWarehouseId)
      : null;
    return h(
      "div",
      { class: "inspection" },
      line.condition ? h("div", { "data-condition": line.condition }, t(`condition.${line.condition}`)) : null,
      line.disposition ? h("div", { "data-disposition": line.disposition }, t(`disposition.${line.disposition}`)) : null,
      line.restockWarehouseId
        ? h("div", { class: "muted" }, t("detail.lines.warehouse", { name: warehouse ? warehouse.name : line.restockWarehouseId }))
        : null,
      line.inspectionNote ? h("p", { class: "line-comment" }, line.inspectionNote) : null,
    );
  }

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
  }

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
  }

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
  }

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
  }

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
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const note = control(form, "note").value.trim();
      if (!note) {
        showErrors(form, [{ field: "note", code: "REQUIRED", message: t("common.required") }]);
        return;
      }
      const done = await this.perform({
        form,
        submit,
        action: t("detail.action.addNote"),
        mutation: MUTATIONS.addNote,
        field: "returnRequestNoteAdd",
        variables: { id: this.request.id, note, isVisibleToCustomer: control(form, "isVisibleToCustomer").checked },
        success: () => t("detail.notify.noted", { number: this.number }),
      });
      if (done) await this.reload();
    });
    return form;
  }

  // ------------------------------------------------------------------ running an action

  // Sends one mutation: the button is disabled meanwhile, errors land next to
  // their fields, and the Dashboard hears the outcome. Resolves with the
  // payload on success, null otherwise.
  async perform({ form, submit, action, mutation, variables, field: payloadField, refine, success }) {
    clearErrors(form);
    setBusy(submit, true);
    let payload;
    try {
      payload = await this.ctx.api.mutate(mutation, variables, payloadField);
    } catch (error) {
      if (!this.live()) return null;
      setBusy(submit, false);
      const message = this.ctx.describeError(error);
      showErrors(form, [{ field: null, code: "GRAPHQL_ERROR", message }]);
      this.ctx.bridge.notify("error", t("detail.notify.failed", { number: this.number, action }), message);
      return null;
    }
    if (!this.live()) return null;
    if (payload.errors.length) {
      setBusy(submit, false);
      showErrors(form, refine ? refine(payload.errors) : payload.errors);
      this.ctx.bridge.notify(
        "error",
        t("detail.notify.failed", { number: this.number, action }),
        payload.errors.map((error) => error.message).join(" "),
      );
      return null;
    }
    this.ctx.bridge.notify("success", success(payload));
    return payload;
  }

  // ------------------------------------------------------------------ inline forms (approve, receive, inspect, resolve)

  openPanel(key, opener) {
    if (this.panel && this.panel.key === key) {
      this.closePanel();
      return;
    }
    this.closePanel(false);
    const builders = {
      approve: () => this.approveForm(),
      receive: () => this.receiveForm(),
      inspect: () => this.inspectForm(),
      resolve: () => this.resolveForm(),
    };
    const element = builders[key]();
    element.dataset.panel = key;
    element.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.closePanel();
      }
    });
    this.panel = { key, element, opener };
    opener.setAttribute("aria-expanded", "true");
    clear(this.panelSlot, element);
    const first = element.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
    element.scrollIntoView({ block: "nearest" });
  }

  closePanel(restoreFocus = true) {
    if (!this.panel) return;
    const { opener } = this.panel;
    this.panel = null;
    clear(this.panelSlot);
    if (opener.isConnected) {
      opener.setAttribute("aria-expanded", "false");
      if (restoreFocus) opener.focus();
    }
  }

  panelForm(title, intro, body, submit) {
    const titleId = nextId("panel-title");
    const cancel = button(t("common.cancel"), { onClick: () => this.closePanel() });
    return h(
      "form",
      { class: "card action-panel", novalidate: true, "aria-labelledby": titleId },
      h("h2", { class: "card-title", id: titleId }, title),
      intro ? h("p", { class: "muted" }, intro) : null,
      formErrors(),
      body,
      h("div", { class: "actions" }, submit, cancel),
    );
  }

  approveForm() {
    const request = this.request;
    const rows = request.lines.map((line) =>
      h(
        "div",
        { class: "line-form-row", "data-line": line.id },
        lineTitle(line),
        field({
          label: t("detail.approve.quantity", { max: line.requestedQuantity }),
          name: "quantity",
          type: "number",
          value: line.requestedQuantity,
          required: true,
          attrs: { min: 0, max: line.requestedQuantity, step: 1, inputmode: "numeric" },
        }),
        lineErrorSlot(),
      ),
    );
    const submit = button(t("detail.approve.submit"), { type: "submit", variant: "primary", "data-submit": "approve" });
    const form = this.panelForm(
      t("detail.approve.title"),
      t("detail.approve.intro"),
      [rows, field({ label: t("detail.approve.note"), name: "note", type: "textarea" })],
      submit,
    );
    this.onLineQuantities(form, rows, submit, (lines) => ({
      action: t("detail.action.approve"),
      mutation: MUTATIONS.approve,
      field: "returnRequestApprove",
      variables: { id: request.id, lines, note: control(form, "note").value.trim() || null },
      success: () => t("detail.notify.approved", { number: this.number }),
    }));
    return form;
  }

  receiveForm() {
    const request = this.request;
    const rows = this.receivableLines().map((line) => {
      const remaining = (line.approvedQuantity || 0) - line.receivedQuantity;
      return h(
        "div",
        { class: "line-form-row", "data-line": line.id },
        h(
          "div",
          {},
          lineTitle(line),
          h("small", { class: "muted" }, t("detail.receive.progress", { approved: line.approvedQuantity, received: line.receivedQuantity })),
        ),
        field({
          label: t("detail.receive.quantity", { max: remaining }),
          name: "quantity",
          type: "number",
          value: remaining,
          required: true,
          attrs: { min: 0, max: remaining, step: 1, inputmode: "numeric" },
        }),
        lineErrorSlot(),
      );
    });
    const submit = button(t("detail.receive.submit"), { type: "submit", variant: "primary", "data-submit": "receive" });
    const form = this.panelForm(t("detail.receive.title"), t("detail.receive.intro"), rows, submit);
    this.onLineQuantities(form, rows, submit, (lines) => ({
      action: t("detail.action.receive"),
      mutation: MUTATIONS.receive,
      field: "returnRequestReceive",
      variables: { id: request.id, lines },
      success: () => t("detail.notify.received", { number: this.number }),
    }));
    return form;
  }

  // Submits a quantity per line ({lineId, quantity}) with what `describe(lines)` gives.
  onLineQuantities(form, rows, submit, describe) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const problems = [];
      const lines = rows.map((row) => ({
        lineId: row.dataset.line,
        quantity: readInt(control(row, "quantity"), row.dataset.line, problems),
      }));
      if (problems.length) {
        showErrors(form, problems);
        return;
      }
      const done = await this.perform({
        form,
        submit,
        refine: (errors) => placeLineErrors(errors, { INVALID_QUANTITY: "quantity" }),
        ...describe(lines),
      });
      if (done) await this.reload();
    });
  }

  inspectForm() {
    const request = this.request;
    const warehouseOptions = [["", t("detail.inspect.chooseWarehouse")], ...(this.warehouses || []).map((item) => [item.id, item.name])];
    const fieldsets = request.lines
      .filter((line) => line.receivedQuantity > 0)
      .map((line) => {
        // Restocking writes stock in Saleor: only for staff who may manage products.
        const restockMissing = this.ctx.missing("inspect:RESTOCK");
        const disposition = line.disposition || (restockMissing.length ? "SCRAP" : "RESTOCK");
        const warehouse = field({
          label: t("detail.inspect.warehouse"),
          name: "warehouseId",
          type: "select",
          value: line.restockWarehouseId || "",
          options: warehouseOptions,
        });
        warehouse.hidden = disposition !== "RESTOCK";
        const dispositionField = field({
          label: t("detail.inspect.disposition"),
          name: "disposition",
          type: "select",
          value: disposition,
          options: DISPOSITIONS.map((code) =>
            code === "RESTOCK" && restockMissing.length
              ? [code, `${t(`disposition.${code}`)} (${needs(restockMissing)})`, { disabled: true }]
              : [code, t(`disposition.${code}`)]),
        });
        control(dispositionField, "disposition").addEventListener("change", (event) => {
          warehouse.hidden = event.target.value !== "RESTOCK";
        });
        return h(
          "fieldset",
          { class: "inspect-line", "data-line": line.id },
          h("legend", {}, line.variantName ? `${line.productName} · ${line.variantName}` : line.productName),
          h(
            "div",
            { class: "inspect-grid" },
            field({
              label: t("detail.inspect.accepted", { max: line.receivedQuantity }),
              name: "acceptedQuantity",
              type: "number",
              value: line.acceptedQuantity ?? line.receivedQuantity,
              required: true,
              attrs: { min: 0, max: line.receivedQuantity, step: 1, inputmode: "numeric" },
            }),
            field({
              label: t("detail.inspect.condition"),
              name: "condition",
              type: "select",
              value: line.condition || "AS_NEW",
              options: CONDITIONS.map((code) => [code, t(`condition.${code}`)]),
            }),
            dispositionField,
            warehouse,
          ),
          field({ label: t("detail.inspect.note"), name: "note", type: "textarea", value: line.inspectionNote || "" }),
          lineErrorSlot(),
        );
      });
    const submit = button(t("detail.inspect.submit"), { type: "submit", variant: "primary", "data-submit": "inspect" });
    const warning = this.warehousesError
      ? banner("warning", t("detail.inspect.warehousesFailed"), this.warehousesError)
      : null;
    const form = this.panelForm(t("detail.inspect.title"), t("detail.inspect.intro"), [warning, fieldsets], submit);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const problems = [];
      const lines = fieldsets.map((fieldset) => {
        const lineId = fieldset.dataset.line;
        const disposition = control(fieldset, "disposition").value;
        return {
          lineId,
          acceptedQuantity: readInt(control(fieldset, "acceptedQuantity"), lineId, problems),
          condition: control(fieldset, "condition").value,
          disposition,
          warehouseId: disposition === "RESTOCK" ? control(fieldset, "warehouseId").value || null : null,
          note: control(fieldset, "note").value.trim() || null,
        };
      });
      if (problems.length) {
        showErrors(form, problems);
        return;
      }
      const done = await this.perform({
        form,
        submit,
        action: t("detail.action.inspect"),
        mutation: MUTATIONS.inspect,
        field: "returnRequestInspect",
        variables: { id: request.id, lines },
        // The API names the lines at fault; which control a line error is about follows from its code.
        refine: (errors) => placeLineErrors(errors, { INVALID_QUANTITY: "acceptedQuantity", REQUIRED: "warehouseId" }),
        success: (payload) =>
          payload.returnRequest && payload.returnRequest.status === "INSPECTED"
            ? t("detail.notify.inspected", { number: this.number })
            : t("detail.notify.inspectionSaved", { number: this.number }),
      });
      if (done) await this.reload();
    });
    return form;
  }

  resolveForm() {
    const request = this.request;
    const submit = button(t("detail.resolve.submit"), { type: "submit", variant: "primary", "data-submit": "resolve" });
    // An instant refund was paid in transit: resolving only closes the return.
    if (request.refund) {
      const form = this.panelForm(t("detail.resolve.title"), t("detail.resolve.instant"), null, submit);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        await this.resolve(form, submit, request.resolution, null);
      });
      return form;
    }
    const choices = this.resolutionChoices();
    // Each resolution needs the staff member's own Saleor permission for what the app does.
    const missing = Object.fromEntries(choices.map((code) => [code, this.ctx.missing(`resolve:${code}`)]));
    const allowed = choices.filter((code) => !missing[code].length);
    const initial = allowed.includes(request.resolution) ? request.resolution : allowed[0] || choices[0];
    const select = field({
      label: t("detail.resolve.resolution"),
      name: "resolution",
      type: "select",
      value: initial,
      options: choices.map((code) => [
        code,
        missing[code].length ? `${t(`resolution.${code}`)} (${needs(missing[code])})` : t(`resolution.${code}`),
        { disabled: missing[code].length > 0 },
      ]),
      hint: t("detail.resolve.wish", { resolution: t(`resolution.${request.resolution}`) }),
    });
    if (!allowed.length) submit.disabled = true;
    const previewBox = h("div", { class: "preview", "aria-live": "polite" });
    const form = this.panelForm(t("detail.resolve.title"), null, [select, previewBox], submit);
    this.preview = null;
    const showPreview = async (resolution, notice = null) => {
      clearErrors(form);
      this.preview = null;
      if (!PREVIEWABLE.has(resolution)) {
        clear(previewBox, h("p", { class: "muted" }, t(resolution === "EXCHANGE" ? "detail.resolve.exchange" : "detail.resolve.replacement")));
        submit.disabled = false;
        return;
      }
      submit.disabled = true;
      clear(previewBox, h("p", { class: "loading", role: "status" }, t("detail.resolve.loading")));
      let data;
      try {
        data = await this.ctx.api.query(PREVIEW_QUERY, { id: request.id, resolution });
      } catch (error) {
        if (!this.live() || control(form, "resolution").value !== resolution) return;
        clear(previewBox);
        const details = (error.errors && error.errors[0] && error.errors[0].extensions) || {};
        showErrors(form, [{ field: "resolution", code: details.code || "INVALID", message: this.ctx.describeError(error) }]);
        control(form, "resolution").focus();
        return;
      }
      if (!this.live() || control(form, "resolution").value !== resolution) return;
      this.preview = data.returnResolutionPreview;
      clear(previewBox, notice, this.previewView(this.preview));
      submit.disabled = false;
    };
    control(select, "resolution").addEventListener("change", (event) => showPreview(event.target.value));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const resolution = control(form, "resolution").value;
      const fingerprint = PREVIEWABLE.has(resolution) ? this.preview && this.preview.fingerprint : null;
      if (PREVIEWABLE.has(resolution) && !fingerprint) return;
      const result = await this.resolve(form, submit, resolution, fingerprint);
      if (result === "PREVIEW_CHANGED") {
        await showPreview(resolution, banner("warning", t("detail.resolve.changed")));
      }
    });
    showPreview(initial);
    return form;
  }

  // Every component of a preview, then what each item contributes.
  previewView(preview) {
    const rows = COMPONENTS.map(([name, key, sign]) => [
      t(key),
      sign < 0 ? negative(preview[name]) : formatMoney(preview[name]),
      { "data-component": name },
    ]);
    rows.push([t("detail.money.total"), formatMoney(preview.total), { class: "total", "data-component": "total" }]);
    const byId = new Map(this.request.lines.map((line) => [line.id, line]));
    const perLine = preview.lines.length > 1
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "preview-lines" },
            h("caption", {}, t("detail.resolve.perLine")),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, t("detail.lines.item")),
                h("th", { scope: "col", class: "num" }, t("detail.money.quantity")),
                COMPONENTS.map(([, key]) => h("th", { scope: "col", class: "num" }, t(key))),
                h("th", { scope: "col", class: "num" }, t("common.total")),
              ),
            ),
            h(
              "tbody",
              {},
              preview.lines.map((item) => {
                const line = byId.get(item.lineId);
                return h(
                  "tr",
                  { "data-line": item.lineId },
                  h("td", {}, line ? line.productName : item.lineId),
                  h("td", { class: "num" }, String(item.quantity)),
                  COMPONENTS.map(([name, , sign]) => h("td", { class: "num" }, sign < 0 ? negative(item[name]) : formatMoney(item[name]))),
                  h("td", { class: "num" }, formatMoney(item.total)),
                );
              }),
            ),
          ),
        )
      : null;
    return h(
      "div",
      { class: "preview-figures", "data-fingerprint": preview.fingerprint },
      h("h3", {}, t("detail.resolve.previewTitle")),
      definitionList(rows),
      preview.shippingRefunded ? h("p", { class: "muted" }, t("detail.resolve.shippingRefunded")) : null,
      perLine,
    );
  }

  // Resolves with a fresh idempotency key; answers "PREVIEW_CHANGED" when the
  // amounts moved since the preview (the caller shows the new ones).
  async resolve(form, submit, resolution, fingerprint) {
    const request = this.request;
    let changed = false;
    const done = await this.perform({
      form,
      submit,
      action: t("detail.action.resolve"),
      mutation: MUTATIONS.resolve,
      field: "returnRequestResolve",
      variables: { id: request.id, resolution, fingerprint, idempotencyKey: uuid() },
      refine: (errors) => {
        changed = errors.some((error) => error.code === "PREVIEW_CHANGED");
        return placeLineErrors(errors.filter((error) => error.code !== "PREVIEW_CHANGED"));
      },
      success: (payload) => {
        if (payload.returnRequest && payload.returnRequest.status === "RESOLVED") {
          return t("detail.notify.resolved", { number: this.number });
        }
        return payload.replacementOrder
          ? t("detail.notify.replacementStarted", { number: this.number })
          : t("detail.notify.refundStarted", { number: this.number });
      },
    });
    if (done) {
      await this.reload();
      return "OK";
    }
    return changed ? "PREVIEW_CHANGED" : null;
  }

  // ------------------------------------------------------------------ dialogs (reject, ask, cancel, retry)

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
    const close = () => {
      if (dialog.open) dialog.close();
      dialog.remove();
      this.dialogs.delete(dialog);
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
        if (dialog.open) dialog.close();
        dialog.remove();
        this.dialogs.delete(dialog);
        await this.reload();
      }
    });
    this.dialogs.add(dialog);
    document.body.append(dialog);
    dialog.showModal();
    const first = form.querySelector("textarea, input, select");
    (first || submit).focus();
    return dialog;
  }

  messageDialog(options) {
    const { key, title, label: fieldLabel, hint, submitLabel, variant, mutation, payloadField, action, success, opener } = options;
    this.dialogForm({
      key,
      title,
      fields: field({ label: fieldLabel, name: "message", type: "textarea", required: true, hint }),
      submitLabel,
      variant,
      opener,
      onSubmit: async (form, submit) => {
        const message = control(form, "message").value.trim();
        if (!message) {
          showErrors(form, [{ field: "message", code: "REQUIRED", message: t("common.required") }]);
          return false;
        }
        const done = await this.perform({
          form,
          submit,
          action,
          mutation,
          field: payloadField,
          variables: { id: this.request.id, message },
          success,
        });
        return Boolean(done);
      },
    });
  }

  rejectDialog(opener) {
    this.messageDialog({
      key: "reject",
      title: t("detail.reject.title", { number: this.number }),
      label: t("detail.reject.message"),
      hint: t("detail.reject.hint"),
      submitLabel: t("detail.reject.submit"),
      variant: "danger",
      mutation: MUTATIONS.reject,
      payloadField: "returnRequestReject",
      action: t("detail.action.reject"),
      success: () => t("detail.notify.rejected", { number: this.number }),
      opener,
    });
  }

  requestInfoDialog(opener) {
    this.messageDialog({
      key: "request-info",
      title: t("detail.info.title", { number: this.number }),
      label: t("detail.info.message"),
      hint: t("detail.info.hint"),
      submitLabel: t("detail.info.submit"),
      variant: "primary",
      mutation: MUTATIONS.requestInfo,
      payloadField: "returnRequestRequestInfo",
      action: t("detail.action.requestInfo"),
      success: () => t("detail.notify.infoRequested", { number: this.number }),
      opener,
    });
  }

  cancelDialog(opener) {
    this.dialogForm({
      key: "cancel",
      title: t("detail.cancel.title", { number: this.number }),
      text: t("detail.cancel.text"),
      fields: field({ label: t("detail.cancel.note"), name: "note", type: "textarea" }),
      submitLabel: t("detail.cancel.submit"),
      dismissLabel: t("detail.cancel.keep"),
      variant: "danger",
      opener,
      onSubmit: async (form, submit) =>
        Boolean(
          await this.perform({
            form,
            submit,
            action: t("detail.action.cancel"),
            mutation: MUTATIONS.cancel,
            field: "returnRequestCancel",
            variables: { id: this.request.id, note: control(form, "note").value.trim() || null },
            success: () => t("detail.notify.canceled", { number: this.number }),
          }),
        ),
    });
  }

  trackingDialog(opener) {
    this.dialogForm({
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
      onSubmit: async (form, submit) =>
        Boolean(
          await this.perform({
            form,
            submit,
            action: t("detail.action.addTracking"),
            mutation: MUTATIONS.addTracking,
            field: "returnRequestTrackingAdd",
            variables: {
              id: this.request.id,
              carrier: control(form, "carrier").value.trim(),
              trackingNumber: control(form, "trackingNumber").value.trim(),
            },
            success: () => t("detail.notify.trackingAdded", { number: this.number }),
          }),
        ),
    });
  }

  retryReplacementDialog(opener) {
    this.confirmDialog(opener, {
      key: "retry-replacement",
      title: t("detail.retryReplacement.title", { number: this.number }),
      text: t("detail.retryReplacement.text"),
      submitLabel: t("detail.action.retryReplacement"),
      action: t("detail.action.retryReplacement"),
      mutation: MUTATIONS.retryReplacement,
      field: "returnReplacementRetry",
      success: () => t("detail.notify.replacementRetried", { number: this.number }),
    });
  }

  retryDialog(opener) {
    this.confirmDialog(opener, {
      key: "retry-refund",
      title: t("detail.retry.title", { number: this.number }),
      text: t("detail.retry.text", { amount: formatMoney(this.request.refund.amount) }),
      submitLabel: t("detail.retry.submit"),
      action: t("detail.action.retryRefund"),
      mutation: MUTATIONS.retryRefund,
      field: "returnRefundRetry",
      success: () => t("detail.notify.retried", { number: this.number }),
    });
  }

  // A yes/no dialog whose yes runs one mutation on the request (no fields).
  confirmDialog(opener, { key, title, text, submitLabel, action, mutation, field: payloadField, success }) {
    this.dialogForm({
      key,
      title,
      text,
      fields: null,
      submitLabel,
      variant: "primary",
      opener,
      onSubmit: async (form, submit) =>
        Boolean(
          await this.perform({
            form,
            submit,
            action,
            mutation,
            field: payloadField,
            variables: { id: this.request.id },
            success,
          }),
        ),
    });
  }
}
