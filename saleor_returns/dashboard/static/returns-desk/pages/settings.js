// Settings: the return policy per channel, the reason taxonomy, carrier accounts
// and the return address.
//
// The policy form edits the rules JSON the API stores (snake_case keys, decimals
// as strings). Each control's data-field is the camelCase path the API names in
// its errors ("windowDays", "autoApproval.maxValue", "restockingFees.0.percentage"),
// so every refusal lands next to its control. Settings the form does not show are
// sent back as they were loaded.

import { formatDate, register, t } from "../i18n.js";
import {
  banner, button, card, clear, clearErrors, field, formErrors, h, loadStyle, modal, nextId, readOnlyWhen, showErrors,
  spinner,
} from "../ui.js";
import { keysPanel } from "./settings-keys.js";

register({
  en: {
    "settings.title": "Settings",
    "settings.tabs": "Settings sections",
    "settings.tab.policy": "Return policy",
    "settings.tab.reasons": "Reasons",
    "settings.tab.carriers": "Carriers",
    "settings.loadFailed": "The settings could not be loaded",
    "settings.copy": "Copy",
    "settings.copied": "Copied",
    "settings.copyManually": "Selected: press Ctrl+C (⌘C) to copy.",
    "settings.remove": "Remove",
    "settings.edit": "Edit",
    "settings.delete": "Delete",
    "settings.deactivate": "Deactivate",
    "settings.activate": "Activate",
    "settings.anyReason": "None ticked: any reason.",
    "settings.actions": "Actions",

    "settings.policy.channel": "Channel",
    "settings.policy.defaultChannel": "Default policy (every channel without its own)",
    "settings.policy.inherits": "The channel {channel} has no policy of its own and follows the default policy. Saving creates its own, version 1.",
    "settings.policy.version": "Version {version}",
    "settings.policy.savedAt": "Saved {date}",
    "settings.policy.summary": "In plain words",
    "settings.policy.history": "Version history",
    "settings.policy.noHistory": "No versions of its own yet.",
    "settings.policy.versionCol": "Version",
    "settings.policy.dateCol": "Saved",
    "settings.policy.current": "Current",
    "settings.policy.window": "Return window",
    "settings.policy.windowDays": "Days to return after delivery",
    "settings.policy.windowDaysHint": "The deadline is the end of the last day in the shop's time zone.",
    "settings.policy.timeZone": "Time zone",
    "settings.policy.timeZoneHint": "An IANA name, e.g. Europe/Berlin or Asia/Shanghai.",
    "settings.policy.deliveredKey": "Delivery date metadata key",
    "settings.policy.deliveredKeyHint": "Fulfillment metadata with the delivery time; without it the window starts at shipment.",
    "settings.policy.finalSaleKey": "Final-sale metadata key",
    "settings.policy.finalSaleKeyHint": "Products or variants whose metadata has this key set to true cannot be returned.",
    "settings.policy.preset": "Legal preset",
    "settings.policy.presetHint": "A preset sets what the law fixes (window, reasons, refunds) on top of these settings.",
    "settings.policy.preset.NONE": "None",
    "settings.policy.preset.CN_7_DAY": "China: 7-day no-reason returns",
    "settings.policy.preset.EU_14_DAY": "EU: 14-day right of withdrawal",
    "settings.policy.resolutions": "Resolutions",
    "settings.policy.allowedResolutions": "Customers can choose",
    "settings.policy.bonus": "Store-credit bonus (%)",
    "settings.policy.bonusHint": "Added to store credit, e.g. 10 gives 110 for 100.",
    "settings.policy.keepItem": "Keep the item up to (value)",
    "settings.policy.keepItemHint": "Refund without a return below this value, in the order's currency. Empty: never.",
    "settings.policy.instantRefund": "Instant refund up to (value)",
    "settings.policy.instantRefundHint": "Refund at the first carrier scan for requests approved automatically. Empty: only after inspection.",
    "settings.policy.reasons": "Reasons",
    "settings.policy.allowedReasons": "Reasons customers can give",
    "settings.policy.photoReasons": "Reasons that need a photo",
    "settings.policy.photoReasonsHint": "Damaged-on-arrival claims always need a photo.",
    "settings.policy.shipping": "Shipping and fees",
    "settings.policy.returnShippingFee": "Return shipping the customer pays",
    "settings.policy.returnShippingFeeHint": "Kept from the refund when the reason is the customer's; reasons where the shop is at fault ship back free.",
    "settings.policy.refundShippingFault": "Refund the original shipping when the shop is at fault",
    "settings.policy.refundShippingWithdrawal": "Refund the original shipping on a withdrawal (EU)",
    "settings.policy.exchangeShippingCharged": "Charge the customer shipping on an exchanged item",
    "settings.policy.restockingFees": "Restocking fees",
    "settings.policy.addFee": "Add a restocking fee",
    "settings.policy.feeType": "Fee",
    "settings.policy.feePercentage": "Percentage of the line",
    "settings.policy.feeFixed": "Fixed amount per unit",
    "settings.policy.feeAmount": "Amount",
    "settings.policy.feeReasons": "For these reasons",
    "settings.policy.feeCategories": "Category IDs",
    "settings.policy.feeCategoriesHint": "Saleor category IDs, separated by commas. Empty: every category.",
    "settings.policy.noFees": "No restocking fee.",
    "settings.policy.overrides": "Exceptions",
    "settings.policy.overridesHint": "A different window, or no returns, for a product type, category or collection.",
    "settings.policy.addOverride": "Add an exception",
    "settings.policy.noOverrides": "No exception.",
    "settings.policy.overrideKind": "Applies to",
    "settings.policy.kind.product_type": "Product type",
    "settings.policy.kind.category": "Category",
    "settings.policy.kind.collection": "Collection",
    "settings.policy.overrideId": "Saleor ID",
    "settings.policy.overrideWindow": "Days to return",
    "settings.policy.overrideWindowHint": "Empty: the policy's window.",
    "settings.policy.notReturnable": "Not returnable",
    "settings.policy.auto": "Automatic approval",
    "settings.policy.autoEnabled": "Approve requests automatically when every rule below passes",
    "settings.policy.autoMaxValue": "Worth at most",
    "settings.policy.autoMaxValueHint": "In the order's currency. Empty: any value.",
    "settings.policy.autoReasons": "Only for these reasons",
    "settings.policy.autoRate": "Customer's return rate at most",
    "settings.policy.autoRateHint": "A fraction of their orders, e.g. 0.2 for 20 %. Empty: not checked.",
    "settings.policy.autoAge": "Order at most this many days old",
    "settings.policy.autoAgeHint": "Empty: not checked.",
    "settings.policy.autoRisk": "Only when the request has no risk flag",
    "settings.policy.deadlines": "Shipping deadlines",
    "settings.policy.expiryDays": "Approved returns expire after (days)",
    "settings.policy.expiryDaysHint": "An approved return never shipped is closed after this many days.",
    "settings.policy.noScanDays": "Flag a label with no carrier scan after (days)",
    "settings.policy.save": "Save policy",
    "settings.policy.saving": "Saving…",
    "settings.policy.saved": "Return policy saved",
    "settings.policy.savedVersion": "Version {version} is now in force.",
    "settings.policy.failed": "The return policy was not saved",

    "settings.reasons.title": "Reasons",
    "settings.reasons.intro": "Customers pick one of these reasons. A reason where the shop is at fault ships back free and refunds the original shipping.",
    "settings.reasons.code": "Code",
    "settings.reasons.labelEn": "English label",
    "settings.reasons.labelZhHans": "Chinese label",
    "settings.reasons.merchantFault": "Shop at fault",
    "settings.reasons.active": "Active",
    "settings.reasons.inactive": "Inactive",
    "settings.reasons.group": "Group {code}",
    "settings.reasons.empty": "No reasons in this group.",
    "settings.reasons.none": "No reasons yet.",
    "settings.reasons.editTitle": "Edit {code}",
    "settings.reasons.add": "Add a reason",
    "settings.reasons.codeHint": "Letters, digits and underscores, e.g. WRONG_SIZE. Storefronts send it; it cannot change later.",
    "settings.reasons.parent": "Group",
    "settings.reasons.newGroup": "None: create a new group",
    "settings.reasons.create": "Add reason",
    "settings.reasons.created": "Reason {code} added",
    "settings.reasons.updated": "Reason {code} saved",
    "settings.reasons.nowActive": "Reason {code} activated",
    "settings.reasons.nowInactive": "Reason {code} deactivated: customers can no longer choose it",
    "settings.reasons.deleteTitle": "Delete {code}?",
    "settings.reasons.deleteText": "A reason that requests already use is deactivated instead, so their history stays intact.",
    "settings.reasons.deleted": "Reason {code} deleted",
    "settings.reasons.deactivated": "{code} is used by return requests, so it was deactivated instead of deleted.",
    "settings.reasons.failed": "The reason was not saved",
    "settings.reasons.deleteFailed": "The reason was not deleted",

    "settings.carriers.title": "Carrier accounts",
    "settings.carriers.intro": "Return labels are bought from the default account. Each account has its own webhook URL for tracking updates.",
    "settings.carriers.none": "No carrier account is connected yet.",
    "settings.carriers.provider": "Provider",
    "settings.carriers.name": "Name",
    "settings.carriers.default": "Default",
    "settings.carriers.webhookUrl": "Webhook URL",
    "settings.carriers.webhookUrlOf": "Webhook URL of {name}",
    "settings.carriers.connect": "Connect a carrier account",
    "settings.carriers.update": "Update {name}",
    "settings.carriers.generic": "Generic (signed webhook)",
    "settings.carriers.credentials": "Credentials",
    "settings.carriers.apiKey": "API key",
    "settings.carriers.webhookSecret": "Webhook secret",
    "settings.carriers.webhookToken": "Webhook token",
    "settings.carriers.webhookTokenHint": "Shippo signs nothing: choose a long random token; it becomes part of the webhook URL.",
    "settings.carriers.secretsHint": "Credentials are stored encrypted and never shown again.",
    "settings.carriers.secretsAgain": "Leave a secret empty to keep the stored one.",
    "settings.carriers.isDefault": "Use this account for return labels",
    "settings.carriers.save": "Save account",
    "settings.carriers.cancelEdit": "Cancel editing",
    "settings.carriers.saved": "Carrier account {name} saved",
    "settings.carriers.failed": "The carrier account was not saved",
    "settings.carriers.resultTitle": "Paste this webhook URL into {provider}",
    "settings.carriers.instructions.easypost": "In EasyPost: Account settings → Webhooks → Add webhook, paste the URL and the same webhook secret.",
    "settings.carriers.instructions.shippo": "In Shippo: Settings → API → Webhooks, add the URL for the track_updated event. The token in the URL is its secret: keep it private.",
    "settings.carriers.instructions.aftership": "In AfterShip: Settings → Notifications → Webhooks, paste the URL; the webhook secret there must match the one saved here.",
    "settings.carriers.instructions.generic": "Send tracking events to this URL, signed with the webhook secret (HMAC-SHA256 of the body).",
    "settings.address.title": "Return address",
    "settings.address.intro": "Where parcels are sent back, printed on return labels. Saving replaces the address of the chosen warehouse.",
    "settings.address.warehouse": "Warehouse",
    "settings.address.onlyAddress": "The shop's only address",
    "settings.address.warehousesFailed": "Saleor's warehouses could not be loaded: {message}",
    "settings.address.name": "Name",
    "settings.address.company": "Company",
    "settings.address.street1": "Street",
    "settings.address.street2": "Street (line 2)",
    "settings.address.city": "City",
    "settings.address.state": "State or province",
    "settings.address.zip": "Postal code",
    "settings.address.country": "Country code",
    "settings.address.countryHint": "Two letters, e.g. DE or CN.",
    "settings.address.phone": "Phone",
    "settings.address.email": "E-mail",
    "settings.address.isDefault": "Default return address",
    "settings.address.save": "Save address",
    "settings.address.saved": "Return address saved",
    "settings.address.failed": "The return address was not saved",
  },
  "zh-Hans": {
    "settings.title": "设置",
    "settings.tabs": "设置分区",
    "settings.tab.policy": "退货政策",
    "settings.tab.reasons": "退货原因",
    "settings.tab.carriers": "物流商",
    "settings.loadFailed": "无法加载设置",
    "settings.copy": "复制",
    "settings.copied": "已复制",
    "settings.copyManually": "已选中：按 Ctrl+C（⌘C）复制。",
    "settings.remove": "移除",
    "settings.edit": "编辑",
    "settings.delete": "删除",
    "settings.deactivate": "停用",
    "settings.activate": "启用",
    "settings.anyReason": "不勾选则适用于任何原因。",
    "settings.actions": "操作",

    "settings.policy.channel": "销售渠道",
    "settings.policy.defaultChannel": "默认政策（适用于没有单独政策的渠道）",
    "settings.policy.inherits": "渠道 {channel} 没有单独的政策，沿用默认政策。保存后将为其创建第 1 版政策。",
    "settings.policy.version": "第 {version} 版",
    "settings.policy.savedAt": "保存于 {date}",
    "settings.policy.summary": "政策摘要",
    "settings.policy.history": "版本历史",
    "settings.policy.noHistory": "尚无单独的版本。",
    "settings.policy.versionCol": "版本",
    "settings.policy.dateCol": "保存时间",
    "settings.policy.current": "当前",
    "settings.policy.window": "退货期限",
    "settings.policy.windowDays": "签收后可退货天数",
    "settings.policy.windowDaysHint": "截止时间为店铺时区内最后一天的结束。",
    "settings.policy.timeZone": "时区",
    "settings.policy.timeZoneHint": "IANA 时区名称，例如 Asia/Shanghai 或 Europe/Berlin。",
    "settings.policy.deliveredKey": "签收时间元数据键",
    "settings.policy.deliveredKeyHint": "履约元数据中记录签收时间的键；没有时从发货时起算。",
    "settings.policy.finalSaleKey": "不退不换元数据键",
    "settings.policy.finalSaleKeyHint": "商品或规格元数据中此键为 true 时不可退货。",
    "settings.policy.preset": "法规预设",
    "settings.policy.presetHint": "预设会在这些设置之上应用法规规定的内容（期限、原因、退款）。",
    "settings.policy.preset.NONE": "无",
    "settings.policy.preset.CN_7_DAY": "中国：七天无理由退货",
    "settings.policy.preset.EU_14_DAY": "欧盟：14 天撤销权",
    "settings.policy.resolutions": "处理方式",
    "settings.policy.allowedResolutions": "客户可选择",
    "settings.policy.bonus": "店铺余额奖励（%）",
    "settings.policy.bonusHint": "额外计入店铺余额，例如填 10 时退 100 得 110。",
    "settings.policy.keepItem": "无需退回的金额上限",
    "settings.policy.keepItemHint": "低于此金额时直接退款、无需退回商品，按订单币种计。留空则从不。",
    "settings.policy.instantRefund": "即时退款金额上限",
    "settings.policy.instantRefundHint": "自动批准的申请在物流首次扫描时即退款。留空则在检验后退款。",
    "settings.policy.reasons": "退货原因",
    "settings.policy.allowedReasons": "客户可选的原因",
    "settings.policy.photoReasons": "需要照片的原因",
    "settings.policy.photoReasonsHint": "到货破损索赔始终需要照片。",
    "settings.policy.shipping": "运费与手续费",
    "settings.policy.returnShippingFee": "客户承担的退货运费",
    "settings.policy.returnShippingFeeHint": "客户原因退货时从退款中扣除；商家责任的原因免退货运费。",
    "settings.policy.refundShippingFault": "商家责任时退还原运费",
    "settings.policy.refundShippingWithdrawal": "行使撤销权时退还原运费（欧盟）",
    "settings.policy.exchangeShippingCharged": "换货商品向顾客收取运费",
    "settings.policy.restockingFees": "重新入库费",
    "settings.policy.addFee": "添加重新入库费",
    "settings.policy.feeType": "收费方式",
    "settings.policy.feePercentage": "按商品行金额的百分比",
    "settings.policy.feeFixed": "每件固定金额",
    "settings.policy.feeAmount": "金额",
    "settings.policy.feeReasons": "适用原因",
    "settings.policy.feeCategories": "分类 ID",
    "settings.policy.feeCategoriesHint": "Saleor 分类 ID，用逗号分隔。留空则适用于所有分类。",
    "settings.policy.noFees": "不收取重新入库费。",
    "settings.policy.overrides": "例外规则",
    "settings.policy.overridesHint": "为某个商品类型、分类或商品集设置不同的期限，或不允许退货。",
    "settings.policy.addOverride": "添加例外规则",
    "settings.policy.noOverrides": "没有例外规则。",
    "settings.policy.overrideKind": "适用于",
    "settings.policy.kind.product_type": "商品类型",
    "settings.policy.kind.category": "分类",
    "settings.policy.kind.collection": "商品集",
    "settings.policy.overrideId": "Saleor ID",
    "settings.policy.overrideWindow": "可退货天数",
    "settings.policy.overrideWindowHint": "留空则使用政策的期限。",
    "settings.policy.notReturnable": "不可退货",
    "settings.policy.auto": "自动批准",
    "settings.policy.autoEnabled": "以下规则全部满足时自动批准申请",
    "settings.policy.autoMaxValue": "金额不超过",
    "settings.policy.autoMaxValueHint": "按订单币种计。留空则不限金额。",
    "settings.policy.autoReasons": "仅限以下原因",
    "settings.policy.autoRate": "客户退货率不超过",
    "settings.policy.autoRateHint": "占其订单的比例，例如 0.2 表示 20%。留空则不检查。",
    "settings.policy.autoAge": "订单天数不超过",
    "settings.policy.autoAgeHint": "留空则不检查。",
    "settings.policy.autoRisk": "仅限没有风险标记的申请",
    "settings.policy.deadlines": "寄回期限",
    "settings.policy.expiryDays": "已批准退货的失效天数",
    "settings.policy.expiryDaysHint": "已批准但一直未寄出的退货在此天数后关闭。",
    "settings.policy.noScanDays": "面单无物流扫描时标记的天数",
    "settings.policy.save": "保存政策",
    "settings.policy.saving": "正在保存…",
    "settings.policy.saved": "退货政策已保存",
    "settings.policy.savedVersion": "第 {version} 版现已生效。",
    "settings.policy.failed": "退货政策未保存",

    "settings.reasons.title": "退货原因",
    "settings.reasons.intro": "客户从这些原因中选择。商家责任的原因免退货运费，并退还原运费。",
    "settings.reasons.code": "代码",
    "settings.reasons.labelEn": "英文名称",
    "settings.reasons.labelZhHans": "中文名称",
    "settings.reasons.merchantFault": "商家责任",
    "settings.reasons.active": "启用",
    "settings.reasons.inactive": "已停用",
    "settings.reasons.group": "分组 {code}",
    "settings.reasons.empty": "此分组下没有原因。",
    "settings.reasons.none": "尚无退货原因。",
    "settings.reasons.editTitle": "编辑 {code}",
    "settings.reasons.add": "添加原因",
    "settings.reasons.codeHint": "字母、数字和下划线，例如 WRONG_SIZE。店面会发送此代码，保存后不可修改。",
    "settings.reasons.parent": "分组",
    "settings.reasons.newGroup": "无：新建分组",
    "settings.reasons.create": "添加原因",
    "settings.reasons.created": "已添加原因 {code}",
    "settings.reasons.updated": "已保存原因 {code}",
    "settings.reasons.nowActive": "已启用原因 {code}",
    "settings.reasons.nowInactive": "已停用原因 {code}：客户将无法再选择",
    "settings.reasons.deleteTitle": "删除 {code}？",
    "settings.reasons.deleteText": "已被退货申请使用的原因会改为停用，以保留其历史记录。",
    "settings.reasons.deleted": "已删除原因 {code}",
    "settings.reasons.deactivated": "{code} 已被退货申请使用，因此已停用而非删除。",
    "settings.reasons.failed": "原因未保存",
    "settings.reasons.deleteFailed": "原因未删除",

    "settings.carriers.title": "物流商账户",
    "settings.carriers.intro": "退货面单从默认账户购买。每个账户都有自己的 Webhook 地址，用于接收物流跟踪更新。",
    "settings.carriers.none": "尚未连接物流商账户。",
    "settings.carriers.provider": "服务商",
    "settings.carriers.name": "名称",
    "settings.carriers.default": "默认",
    "settings.carriers.webhookUrl": "Webhook 地址",
    "settings.carriers.webhookUrlOf": "{name} 的 Webhook 地址",
    "settings.carriers.connect": "连接物流商账户",
    "settings.carriers.update": "更新 {name}",
    "settings.carriers.generic": "通用（签名 Webhook）",
    "settings.carriers.credentials": "凭据",
    "settings.carriers.apiKey": "API 密钥",
    "settings.carriers.webhookSecret": "Webhook 密钥",
    "settings.carriers.webhookToken": "Webhook 令牌",
    "settings.carriers.webhookTokenHint": "Shippo 不对 Webhook 签名：请设置一个足够长的随机令牌，它会成为 Webhook 地址的一部分。",
    "settings.carriers.secretsHint": "凭据加密保存，之后不会再显示。",
    "settings.carriers.secretsAgain": "留空的密钥将保留已存储的值。",
    "settings.carriers.isDefault": "使用此账户购买退货面单",
    "settings.carriers.save": "保存账户",
    "settings.carriers.cancelEdit": "取消编辑",
    "settings.carriers.saved": "已保存物流商账户 {name}",
    "settings.carriers.failed": "物流商账户未保存",
    "settings.carriers.resultTitle": "请将此 Webhook 地址粘贴到 {provider}",
    "settings.carriers.instructions.easypost": "在 EasyPost 中：账户设置 → Webhooks → 添加 Webhook，粘贴此地址并填写相同的 Webhook 密钥。",
    "settings.carriers.instructions.shippo": "在 Shippo 中：设置 → API → Webhooks，为 track_updated 事件添加此地址。地址中的令牌即为密钥，请勿泄露。",
    "settings.carriers.instructions.aftership": "在 AfterShip 中：设置 → 通知 → Webhooks，粘贴此地址；那里的 Webhook 密钥须与此处保存的一致。",
    "settings.carriers.instructions.generic": "将物流事件发送到此地址，并用 Webhook 密钥签名（请求正文的 HMAC-SHA256）。",
    "settings.address.title": "退货地址",
    "settings.address.intro": "包裹寄回的地址，会打印在退货面单上。保存会替换所选仓库的地址。",
    "settings.address.warehouse": "仓库",
    "settings.address.onlyAddress": "店铺唯一的地址",
    "settings.address.warehousesFailed": "无法加载 Saleor 仓库：{message}",
    "settings.address.name": "收件人",
    "settings.address.company": "公司",
    "settings.address.street1": "街道地址",
    "settings.address.street2": "街道地址（第 2 行）",
    "settings.address.city": "城市",
    "settings.address.state": "省／州",
    "settings.address.zip": "邮政编码",
    "settings.address.country": "国家代码",
    "settings.address.countryHint": "两个字母，例如 CN 或 DE。",
    "settings.address.phone": "电话",
    "settings.address.email": "电子邮箱",
    "settings.address.isDefault": "默认退货地址",
    "settings.address.save": "保存地址",
    "settings.address.saved": "退货地址已保存",
    "settings.address.failed": "退货地址未保存",
  },
});

// ------------------------------------------------------------------ documents

const POLICY = `
query PolicySettings($channel: String) {
  returnChannels
  returnPolicy(channelSlug: $channel) { id channelSlug version createdAt rules summary }
  returnPolicyVersions(channelSlug: $channel) { id version createdAt }
  returnReasons(includeInactive: true) { code label children { code label isActive } }
}`;

const POLICY_UPDATE = `
mutation PolicyUpdate($channel: String, $preset: PolicyPresetEnum, $rules: JSONString!) {
  returnPolicyUpdate(channelSlug: $channel, preset: $preset, rules: $rules) {
    policy { id channelSlug version createdAt summary }
    errors { field code message }
  }
}`;

const REASON_FIELDS = "id code label labelEn labelZhHans isMerchantFault isActive";
const REASONS = `
query ReasonSettings {
  returnReasons(includeInactive: true) { ${REASON_FIELDS} children { ${REASON_FIELDS} } }
}`;
const REASON_CREATE = `
mutation ReasonCreate($input: ReturnReasonCreateInput!) {
  returnReasonCreate(input: $input) { reason { id code } errors { field code message } }
}`;
const REASON_UPDATE = `
mutation ReasonUpdate($id: ID!, $input: ReturnReasonUpdateInput!) {
  returnReasonUpdate(id: $id, input: $input) { reason { id code } errors { field code message } }
}`;
const REASON_DELETE = `
mutation ReasonDelete($id: ID!) {
  returnReasonDelete(id: $id) { deleted reason { id isActive } errors { field code message } }
}`;

const CARRIERS = `query CarrierSettings { returnCarrierAccounts { id provider name isDefault webhookUrl } }`;
const WAREHOUSES = `query ReturnWarehouses { returnWarehouses { id name } }`;
const CARRIER_SET = `
mutation CarrierSet($id: ID, $input: CarrierAccountInput!) {
  returnCarrierAccountSet(id: $id, input: $input) {
    carrierAccount { id provider name isDefault webhookUrl }
    errors { field code message }
  }
}`;
const ADDRESSES = `query ReturnAddresses {
  returnAddresses { warehouseId name company street1 street2 city state zip country phone email isDefault }
}`;
const ADDRESS_SET = `
mutation AddressSet($input: ReturnAddressInput!) {
  returnAddressSet(input: $input) { ok errors { field code message } }
}`;

const TABS = ["policy", "reasons", "carriers", "keys"];
const RESOLUTIONS = ["refund", "store_credit", "exchange", "keep_item"];
const PRESETS = ["NONE", "CN_7_DAY", "EU_14_DAY"];
const OVERRIDE_KINDS = ["product_type", "category", "collection"];
const PROVIDERS = [
  ["easypost", "EasyPost"],
  ["shippo", "Shippo"],
  ["aftership", "AfterShip"],
  ["generic", null], // named in the user's language: settings.carriers.generic
];

// ------------------------------------------------------------------ page

// The staff action (viewer.actions) each tab's changes need.
const TAB_ACTIONS = { policy: "settings", reasons: "settings", carriers: "integrations", keys: "integrations" };

export async function render(ctx) {
  loadStyle("pages/settings.css");
  const requested = ctx.query.get("tab");
  let selected = TABS.includes(requested) ? requested : "policy";
  const loaded = new Set();
  const tabs = {};
  const panels = {};
  const bodies = {};
  const loaders = { policy: policyPanel, reasons: reasonsPanel, carriers: carriersPanel, keys: keysPanel };

  const tablist = h("div", { class: "tabs settings-tabs", role: "tablist", "aria-label": t("settings.tabs") });
  for (const name of TABS) {
    tabs[name] = h(
      "button",
      {
        class: "tab", type: "button", role: "tab", id: `settings-tab-${name}`, "aria-controls": `settings-panel-${name}`,
        "data-tab": name, onclick: () => select(name, true),
      },
      t(`settings.tab.${name}`),
    );
    panels[name] = h("section", { class: "settings-panel", role: "tabpanel", id: `settings-panel-${name}`, "aria-labelledby": `settings-tab-${name}` });
    // Staff without the permission to change a tab's settings still read them.
    bodies[name] = h("div", { class: "settings-panel-body" });
    panels[name].append(...readOnlyWhen(ctx.missing(TAB_ACTIONS[name]), bodies[name]));
    tablist.append(tabs[name]);
  }
  tablist.addEventListener("keydown", (event) => {
    const index = TABS.indexOf(selected);
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(TABS[(moves[event.key] + TABS.length) % TABS.length], true);
    tabs[selected].focus();
  });

  function select(name, remember) {
    selected = name;
    for (const other of TABS) {
      const active = other === name;
      tabs[other].setAttribute("aria-selected", String(active));
      tabs[other].tabIndex = active ? 0 : -1;
      panels[other].hidden = !active;
    }
    if (remember) ctx.replaceRoute("/dashboard/settings/", { tab: name === "policy" ? null : name });
    if (!loaded.has(name)) {
      loaded.add(name);
      loaders[name](ctx, bodies[name]);
    }
  }

  clear(ctx.root, h("div", { class: "page-head" }, h("h1", {}, t("settings.title"))), tablist, TABS.map((name) => panels[name]));
  select(selected, false);
  return undefined;
}

function loadFailed(ctx, panel, error, retry) {
  clear(
    panel,
    banner("error", t("settings.loadFailed"), ctx.describeError(error)),
    h("div", { class: "actions" }, button(t("common.retry"), { onClick: retry })),
  );
}

// ------------------------------------------------------------------ helpers

// A group of checkboxes that answers for one API field (a list of codes).
function checkboxGroup({ label, name, options, values = [], hint = "" }) {
  const chosen = new Set(values);
  const known = new Set(options.map(([value]) => value));
  // Codes the rules name but the shop no longer offers stay visible, so saving keeps them.
  const all = [...options, ...[...chosen].filter((value) => !known.has(value)).map((value) => [value, value])];
  const boxes = all.map(([value, text]) => {
    const id = nextId(name.replace(/[^\w-]/g, "-"));
    const input = h("input", { type: "checkbox", id, value, checked: chosen.has(value) });
    return h("span", { class: "check" }, input, h("label", { for: id }, text));
  });
  const element = h(
    "fieldset",
    { class: "field checkbox-group", "data-field": name },
    h("legend", {}, label),
    h("div", { class: "checks" }, boxes),
    hint ? h("p", { class: "hint" }, hint) : null,
    h("p", { class: "field-error", "aria-live": "polite" }),
  );
  return {
    element,
    value: () => [...element.querySelectorAll("input[type=checkbox]")].filter((box) => box.checked).map((box) => box.value),
  };
}

function controlOf(element) {
  return element.querySelector("input, select, textarea");
}

function textValue(element) {
  return controlOf(element).value.trim();
}

// Whole numbers as numbers; anything else is sent as typed for the API to refuse by name.
function intValue(raw) {
  if (raw === "") return null;
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

// Decimals travel as strings (the API refuses floats).
function decimalValue(raw, whenEmpty = null) {
  return raw === "" ? whenEmpty : raw.replace(/\s/g, "");
}

function shown(value) {
  return value === null || value === undefined ? "" : String(value);
}

// A list of rows that can grow and shrink; rows are rebuilt on removal so their
// indexes (and data-field paths) follow the order the API will name them in.
function repeatable(build, initial, emptyText) {
  const list = h("div", { class: "repeat-list" });
  let rows = [];
  function draw(values) {
    rows = values.map((value, index) =>
      build(index, value, () => {
        const current = rows.map((row) => row.value());
        current.splice(index, 1);
        draw(current);
      }),
    );
    list.replaceChildren(...(rows.length ? rows.map((row) => row.element) : [h("p", { class: "muted" }, emptyText)]));
  }
  draw(initial);
  return {
    element: list,
    values: () => rows.map((row) => row.value()),
    add(value) {
      draw([...rows.map((row) => row.value()), value]);
      const last = rows[rows.length - 1];
      if (last) controlOf(last.element).focus();
    },
  };
}

function copyRow(value, label) {
  const input = h("input", { type: "text", readonly: true, value, "aria-label": label, class: "webhook-url", "data-copy": "" });
  const status = h("span", { class: "copy-status", role: "status", "aria-live": "polite" });
  const copy = button(t("settings.copy"), {
    "aria-label": `${t("settings.copy")}: ${label}`,
    onClick: async () => {
      status.textContent = "";
      try {
        if (!navigator.clipboard) throw new Error("no clipboard");
        await navigator.clipboard.writeText(value);
        status.textContent = t("settings.copied");
      } catch (error) {
        // Clipboard access is often refused inside the Dashboard's iframe: select the text instead.
        input.focus();
        input.select();
        let copied = false;
        try {
          copied = document.execCommand("copy");
        } catch (problem) {
          copied = false;
        }
        status.textContent = copied ? t("settings.copied") : t("settings.copyManually");
      }
    },
  });
  return h("div", { class: "copy-row" }, input, copy, status);
}

function reasonOptions(groups, { activeOnly = false } = {}) {
  const options = [];
  for (const group of groups) {
    for (const reason of group.children || []) {
      if (activeOnly && !reason.isActive) continue;
      options.push([reason.code, `${reason.label} (${reason.code})`]);
    }
  }
  return options;
}

// ------------------------------------------------------------------ return policy

async function policyPanel(ctx, panel, channel = ctx.query.get("channel") || "") {
  clear(panel, spinner());
  let data;
  try {
    data = await ctx.api.query(POLICY, { channel: channel || null });
  } catch (error) {
    loadFailed(ctx, panel, error, () => policyPanel(ctx, panel, channel));
    return;
  }
  renderPolicy(ctx, panel, channel, data);
}

function renderPolicy(ctx, panel, channel, data) {
  const policy = data.returnPolicy;
  const rules = JSON.parse(policy.rules);
  const auto = rules.auto_approval || {};
  const ownPolicy = (policy.channelSlug || "") === channel;
  const reasons = reasonOptions(data.returnReasons);
  const channels = [...new Set([...(data.returnChannels || []), channel].filter(Boolean))].sort();

  const channelField = field({
    label: t("settings.policy.channel"), name: "channelSlug", type: "select", value: channel,
    options: [["", t("settings.policy.defaultChannel")], ...channels.map((slug) => [slug, slug])],
  });
  controlOf(channelField).addEventListener("change", (event) => {
    const next = event.target.value;
    ctx.replaceRoute("/dashboard/settings/", { channel: next || null });
    policyPanel(ctx, panel, next);
  });

  const f = {
    windowDays: field({ label: t("settings.policy.windowDays"), name: "windowDays", type: "number", value: shown(rules.window_days), hint: t("settings.policy.windowDaysHint"), attrs: { step: "1" } }),
    timeZone: field({ label: t("settings.policy.timeZone"), name: "timeZone", value: rules.time_zone, hint: t("settings.policy.timeZoneHint"), attrs: { list: "settings-time-zones", autocomplete: "off" } }),
    deliveredAtMetadataKey: field({ label: t("settings.policy.deliveredKey"), name: "deliveredAtMetadataKey", value: rules.delivered_at_metadata_key, hint: t("settings.policy.deliveredKeyHint") }),
    finalSaleMetadataKey: field({ label: t("settings.policy.finalSaleKey"), name: "finalSaleMetadataKey", value: rules.final_sale_metadata_key, hint: t("settings.policy.finalSaleKeyHint") }),
    preset: field({
      label: t("settings.policy.preset"), name: "preset", type: "select", value: (rules.preset || "none").toUpperCase(),
      hint: t("settings.policy.presetHint"), options: PRESETS.map((value) => [value, t(`settings.policy.preset.${value}`)]),
    }),
    storeCreditBonusPercentage: field({ label: t("settings.policy.bonus"), name: "storeCreditBonusPercentage", value: shown(rules.store_credit_bonus_percentage), hint: t("settings.policy.bonusHint"), attrs: { inputmode: "decimal" } }),
    keepItemMaxValue: field({ label: t("settings.policy.keepItem"), name: "keepItemMaxValue", value: shown(rules.keep_item_max_value), hint: t("settings.policy.keepItemHint"), attrs: { inputmode: "decimal" } }),
    instantRefundMaxValue: field({ label: t("settings.policy.instantRefund"), name: "instantRefundMaxValue", value: shown(rules.instant_refund_max_value), hint: t("settings.policy.instantRefundHint"), attrs: { inputmode: "decimal" } }),
    customerReturnShippingFee: field({ label: t("settings.policy.returnShippingFee"), name: "customerReturnShippingFee", value: shown(rules.customer_return_shipping_fee), hint: t("settings.policy.returnShippingFeeHint"), attrs: { inputmode: "decimal" } }),
    refundOriginalShippingOnMerchantFault: field({ label: t("settings.policy.refundShippingFault"), name: "refundOriginalShippingOnMerchantFault", type: "checkbox", value: rules.refund_original_shipping_on_merchant_fault }),
    refundOriginalShippingOnWithdrawal: field({ label: t("settings.policy.refundShippingWithdrawal"), name: "refundOriginalShippingOnWithdrawal", type: "checkbox", value: rules.refund_original_shipping_on_withdrawal }),
    exchangeShippingCharged: field({ label: t("settings.policy.exchangeShippingCharged"), name: "exchangeShippingCharged", type: "checkbox", value: rules.exchange_shipping_charged }),
    approvedReturnExpiryDays: field({ label: t("settings.policy.expiryDays"), name: "approvedReturnExpiryDays", type: "number", value: shown(rules.approved_return_expiry_days), hint: t("settings.policy.expiryDaysHint"), attrs: { step: "1" } }),
    noScanFlagDays: field({ label: t("settings.policy.noScanDays"), name: "noScanFlagDays", type: "number", value: shown(rules.no_scan_flag_days), attrs: { step: "1" } }),
    autoEnabled: field({ label: t("settings.policy.autoEnabled"), name: "autoApproval.enabled", type: "checkbox", value: auto.enabled }),
    autoMaxValue: field({ label: t("settings.policy.autoMaxValue"), name: "autoApproval.maxValue", value: shown(auto.max_value), hint: t("settings.policy.autoMaxValueHint"), attrs: { inputmode: "decimal" } }),
    autoRate: field({ label: t("settings.policy.autoRate"), name: "autoApproval.maxCustomerReturnRate", value: shown(auto.max_customer_return_rate), hint: t("settings.policy.autoRateHint"), attrs: { inputmode: "decimal" } }),
    autoAge: field({ label: t("settings.policy.autoAge"), name: "autoApproval.maxOrderAgeDays", type: "number", value: shown(auto.max_order_age_days), hint: t("settings.policy.autoAgeHint"), attrs: { step: "1" } }),
    autoRisk: field({ label: t("settings.policy.autoRisk"), name: "autoApproval.requireNoRiskFlag", type: "checkbox", value: auto.require_no_risk_flag !== false }),
  };
  const resolutions = checkboxGroup({
    label: t("settings.policy.allowedResolutions"), name: "allowedResolutions",
    options: RESOLUTIONS.map((value) => [value, t(`resolution.${value.toUpperCase()}`)]), values: rules.allowed_resolutions,
  });
  const allowedReasons = checkboxGroup({
    label: t("settings.policy.allowedReasons"), name: "allowedReasonCodes", options: reasons,
    values: rules.allowed_reason_codes, hint: t("settings.anyReason"),
  });
  const photoReasons = checkboxGroup({
    label: t("settings.policy.photoReasons"), name: "photoRequiredReasonCodes", options: reasons,
    values: rules.photo_required_reason_codes, hint: t("settings.policy.photoReasonsHint"),
  });
  const autoReasons = checkboxGroup({
    label: t("settings.policy.autoReasons"), name: "autoApproval.reasonCodes", options: reasons,
    values: auto.reason_codes || [], hint: t("settings.anyReason"),
  });
  const fees = repeatable(
    (index, value, remove) => feeRow(index, value, remove, reasons),
    (rules.restocking_fees || []).map((fee) => ({
      type: fee.percentage !== null && fee.percentage !== undefined ? "percentage" : "fixed",
      amount: shown(fee.percentage ?? fee.fixed_amount),
      reasonCodes: fee.reason_codes || [],
      categoryIds: (fee.category_ids || []).join(", "),
    })),
    t("settings.policy.noFees"),
  );
  const overrides = repeatable(
    overrideRow,
    (rules.overrides || []).map((override) => ({
      kind: override.kind, id: override.id, windowDays: shown(override.window_days), notReturnable: override.is_returnable === false,
    })),
    t("settings.policy.noOverrides"),
  );

  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const save = button(t("settings.policy.save"), { variant: "primary", type: "submit", "data-action": "save-policy" });
  const form = h(
    "form",
    { class: "policy-form", novalidate: true },
    formErrors(),
    h("datalist", { id: "settings-time-zones" }, ["UTC", ...zones].map((zone) => h("option", { value: zone }))),
    card(t("settings.policy.window"), h("div", { class: "row" }, f.windowDays, f.timeZone), f.preset, h("div", { class: "row" }, f.deliveredAtMetadataKey, f.finalSaleMetadataKey)),
    card(t("settings.policy.resolutions"), resolutions.element, h("div", { class: "row" }, f.storeCreditBonusPercentage, f.keepItemMaxValue, f.instantRefundMaxValue), f.exchangeShippingCharged),
    card(t("settings.policy.reasons"), allowedReasons.element, photoReasons.element),
    card(
      t("settings.policy.shipping"),
      f.customerReturnShippingFee,
      f.refundOriginalShippingOnMerchantFault,
      f.refundOriginalShippingOnWithdrawal,
      h("h3", {}, t("settings.policy.restockingFees")),
      fees.element,
      button(t("settings.policy.addFee"), { onClick: () => fees.add({ type: "percentage", amount: "", reasonCodes: [], categoryIds: "" }) }),
    ),
    card(
      t("settings.policy.overrides"),
      h("p", { class: "hint" }, t("settings.policy.overridesHint")),
      overrides.element,
      button(t("settings.policy.addOverride"), { onClick: () => overrides.add({ kind: "product_type", id: "", windowDays: "", notReturnable: false }) }),
    ),
    card(t("settings.policy.auto"), f.autoEnabled, h("div", { class: "row" }, f.autoMaxValue, f.autoRate, f.autoAge), autoReasons.element, f.autoRisk),
    card(t("settings.policy.deadlines"), h("div", { class: "row" }, f.approvedReturnExpiryDays, f.noScanFlagDays)),
    h("div", { class: "actions sticky-actions" }, save),
  );

  function collect() {
    const presetValue = controlOf(f.preset).value;
    return {
      ...rules, // settings the form does not show keep their values
      window_days: intValue(textValue(f.windowDays)),
      time_zone: textValue(f.timeZone),
      delivered_at_metadata_key: textValue(f.deliveredAtMetadataKey),
      final_sale_metadata_key: textValue(f.finalSaleMetadataKey),
      preset: presetValue === "NONE" ? "" : presetValue.toLowerCase(),
      allowed_resolutions: resolutions.value(),
      allowed_reason_codes: allowedReasons.value(),
      photo_required_reason_codes: photoReasons.value(),
      store_credit_bonus_percentage: decimalValue(textValue(f.storeCreditBonusPercentage), "0"),
      keep_item_max_value: decimalValue(textValue(f.keepItemMaxValue)),
      instant_refund_max_value: decimalValue(textValue(f.instantRefundMaxValue)),
      customer_return_shipping_fee: decimalValue(textValue(f.customerReturnShippingFee), "0"),
      refund_original_shipping_on_merchant_fault: controlOf(f.refundOriginalShippingOnMerchantFault).checked,
      refund_original_shipping_on_withdrawal: controlOf(f.refundOriginalShippingOnWithdrawal).checked,
      exchange_shipping_charged: controlOf(f.exchangeShippingCharged).checked,
      approved_return_expiry_days: intValue(textValue(f.approvedReturnExpiryDays)),
      no_scan_flag_days: intValue(textValue(f.noScanFlagDays)),
      restocking_fees: fees.values().map((fee) => ({
        percentage: fee.type === "percentage" ? decimalValue(fee.amount) : null,
        fixed_amount: fee.type === "fixed" ? decimalValue(fee.amount) : null,
        reason_codes: fee.reasonCodes,
        category_ids: fee.categoryIds.split(",").map((value) => value.trim()).filter(Boolean),
      })),
      overrides: overrides.values().map((override) => ({
        kind: override.kind,
        id: override.id,
        window_days: intValue(override.windowDays),
        is_returnable: !override.notReturnable,
      })),
      auto_approval: {
        ...auto,
        enabled: controlOf(f.autoEnabled).checked,
        max_value: decimalValue(textValue(f.autoMaxValue)),
        reason_codes: autoReasons.value(),
        max_customer_return_rate: decimalValue(textValue(f.autoRate)),
        max_order_age_days: intValue(textValue(f.autoAge)),
        require_no_risk_flag: controlOf(f.autoRisk).checked,
      },
    };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    save.disabled = true;
    save.textContent = t("settings.policy.saving");
    try {
      const result = await ctx.api.mutate(
        POLICY_UPDATE,
        { channel: channel || null, preset: controlOf(f.preset).value, rules: JSON.stringify(collect()) },
        "returnPolicyUpdate",
      );
      if (result.errors.length) {
        showErrors(form, result.errors);
        ctx.bridge.notify("error", t("settings.policy.failed"), result.errors[0].message);
        return;
      }
      ctx.bridge.notify("success", t("settings.policy.saved"), t("settings.policy.savedVersion", { version: result.policy.version }));
      await policyPanel(ctx, panel, channel);
      const status = panel.querySelector(".policy-status");
      if (status) status.prepend(banner("success", t("settings.policy.saved"), t("settings.policy.savedVersion", { version: result.policy.version })));
    } catch (error) {
      const message = ctx.describeError(error);
      showErrors(form, [{ field: null, code: "GRAPHQL_ERROR", message }]);
      ctx.bridge.notify("error", t("settings.policy.failed"), message);
    } finally {
      save.disabled = false;
      save.textContent = t("settings.policy.save");
    }
  });

  const versions = data.returnPolicyVersions || [];
  const aside = h(
    "div",
    { class: "policy-aside" },
    card(
      t("settings.policy.summary"),
      h(
        "div",
        { class: "policy-status" },
        h("p", { class: "policy-version" }, h("strong", { "data-version": String(policy.version) }, t("settings.policy.version", { version: policy.version })), " · ", t("settings.policy.savedAt", { date: formatDate(policy.createdAt) })),
        ownPolicy ? null : banner("info", t("settings.policy.inherits", { channel })),
      ),
      // Worded by the API in the desk's language (Accept-Language).
      h("ul", { class: "summary-list policy-summary" }, policy.summary.map((line) => h("li", {}, line))),
    ),
    card(
      t("settings.policy.history"),
      versions.length
        ? h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "policy-versions" },
              h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("settings.policy.versionCol")), h("th", { scope: "col" }, t("settings.policy.dateCol")))),
              h(
                "tbody",
                {},
                versions.map((version) =>
                  h(
                    "tr",
                    { "data-version": String(version.version) },
                    h("td", {}, String(version.version), version.id === policy.id ? h("span", { class: "badge current-badge" }, t("settings.policy.current")) : null),
                    h("td", {}, formatDate(version.createdAt)),
                  ),
                ),
              ),
            ),
          )
        : h("p", { class: "muted" }, t("settings.policy.noHistory")),
    ),
  );

  clear(panel, h("div", { class: "toolbar policy-toolbar" }, channelField), h("div", { class: "grid grid-2 policy-grid" }, form, aside));
}

function feeRow(index, fee, remove, reasons) {
  const path = `restockingFees.${index}`;
  const type = field({
    label: t("settings.policy.feeType"), name: `${path}.type`, type: "select", value: fee.type,
    options: [["percentage", t("settings.policy.feePercentage")], ["fixed", t("settings.policy.feeFixed")]],
  });
  const amount = field({ label: t("settings.policy.feeAmount"), name: `${path}.${fee.type === "fixed" ? "fixedAmount" : "percentage"}`, value: fee.amount, attrs: { inputmode: "decimal" } });
  controlOf(type).addEventListener("change", (event) => {
    // The API names the amount by its kind: restockingFees.0.percentage or .fixedAmount.
    amount.dataset.field = `${path}.${event.target.value === "fixed" ? "fixedAmount" : "percentage"}`;
  });
  const feeReasons = checkboxGroup({ label: t("settings.policy.feeReasons"), name: `${path}.reasonCodes`, options: reasons, values: fee.reasonCodes, hint: t("settings.anyReason") });
  const categories = field({ label: t("settings.policy.feeCategories"), name: `${path}.categoryIds`, value: fee.categoryIds, hint: t("settings.policy.feeCategoriesHint") });
  const element = h(
    "div",
    { class: "repeat-row", "data-field": path },
    h("p", { class: "field-error", "aria-live": "polite" }),
    h("div", { class: "row" }, type, amount, categories),
    feeReasons.element,
    button(t("settings.remove"), { variant: "danger", onClick: remove }),
  );
  return {
    element,
    value: () => ({ type: controlOf(type).value, amount: textValue(amount), reasonCodes: feeReasons.value(), categoryIds: textValue(categories) }),
  };
}

function overrideRow(index, override, remove) {
  const path = `overrides.${index}`;
  const kind = field({
    label: t("settings.policy.overrideKind"), name: `${path}.kind`, type: "select", value: override.kind,
    options: OVERRIDE_KINDS.map((value) => [value, t(`settings.policy.kind.${value}`)]),
  });
  const id = field({ label: t("settings.policy.overrideId"), name: `${path}.id`, value: override.id });
  const windowDays = field({ label: t("settings.policy.overrideWindow"), name: `${path}.windowDays`, type: "number", value: override.windowDays, hint: t("settings.policy.overrideWindowHint"), attrs: { step: "1" } });
  const notReturnable = field({ label: t("settings.policy.notReturnable"), name: `${path}.isReturnable`, type: "checkbox", value: override.notReturnable });
  const element = h(
    "div",
    { class: "repeat-row", "data-field": path },
    h("p", { class: "field-error", "aria-live": "polite" }),
    h("div", { class: "row" }, kind, id, windowDays),
    h("div", { class: "row repeat-row-foot" }, notReturnable, button(t("settings.remove"), { variant: "danger", onClick: remove })),
  );
  return {
    element,
    value: () => ({ kind: controlOf(kind).value, id: textValue(id), windowDays: textValue(windowDays), notReturnable: controlOf(notReturnable).checked }),
  };
}

// ------------------------------------------------------------------ reasons

async function reasonsPanel(ctx, panel) {
  const list = h("div", { class: "reason-groups" }, spinner());
  let groups = [];

  async function load() {
    try {
      groups = (await ctx.api.query(REASONS)).returnReasons;
    } catch (error) {
      loadFailed(ctx, list, error, load);
      return;
    }
    drawList();
    fillParents();
  }

  function drawList() {
    if (!groups.length) {
      clear(list, h("p", { class: "empty" }, t("settings.reasons.none")));
      return;
    }
    clear(list, groups.map((group) => groupBlock(group)));
  }

  function actionsFor(reason, placeEditor) {
    return h(
      "div",
      { class: "reason-actions" },
      button(t("settings.edit"), {
        variant: "link", "data-action": "edit", "aria-label": `${t("settings.edit")} ${reason.code}`,
        onClick: () => {
          list.querySelectorAll(".reason-editor").forEach((editor) => editor.remove());
          placeEditor(reasonEditor(ctx, reason, load));
        },
      }),
      button(reason.isActive ? t("settings.deactivate") : t("settings.activate"), {
        variant: "link", "data-action": reason.isActive ? "deactivate" : "activate",
        "aria-label": `${reason.isActive ? t("settings.deactivate") : t("settings.activate")} ${reason.code}`,
        onClick: () => toggleReason(ctx, reason, load),
      }),
      button(t("settings.delete"), {
        variant: "link", "data-action": "delete", "aria-label": `${t("settings.delete")} ${reason.code}`,
        onClick: () => deleteReason(ctx, reason, load),
      }),
    );
  }

  function groupBlock(group) {
    const head = h(
      "div",
      { class: "reason-group-head", "data-reason": group.code },
      h("h3", {}, group.label, " ", h("code", {}, group.code)),
      group.isActive ? null : h("span", { class: "badge badge-canceled" }, t("settings.reasons.inactive")),
    );
    head.append(actionsFor(group, (editor) => head.after(h("div", { class: "reason-editor" }, editor))));
    const rows = (group.children || []).map((reason) => {
      const row = h(
        "tr",
        { "data-reason": reason.code, class: reason.isActive ? "" : "inactive" },
        h("td", {}, h("code", {}, reason.code)),
        h("td", {}, reason.labelEn),
        h("td", { lang: "zh-Hans" }, reason.labelZhHans || "—"),
        h("td", {}, reason.isMerchantFault ? t("common.yes") : t("common.no")),
        h("td", {}, reason.isActive ? t("common.yes") : h("span", { class: "badge badge-canceled" }, t("settings.reasons.inactive"))),
      );
      row.append(h("td", {}, actionsFor(reason, (editor) => row.after(h("tr", { class: "reason-editor" }, h("td", { colspan: "6" }, editor))))));
      return row;
    });
    return h(
      "section",
      { class: "reason-group", "aria-label": t("settings.reasons.group", { code: group.code }) },
      head,
      rows.length
        ? h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "reason-table" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["code", "labelEn", "labelZhHans", "merchantFault", "active"].map((key) => h("th", { scope: "col" }, t(`settings.reasons.${key}`))),
                  h("th", { scope: "col" }, t("settings.actions")),
                ),
              ),
              h("tbody", {}, rows),
            ),
          )
        : h("p", { class: "muted" }, t("settings.reasons.empty")),
    );
  }

  // Add a reason.
  const parent = field({ label: t("settings.reasons.parent"), name: "parentCode", type: "select", options: [] });
  function fillParents() {
    const select = controlOf(parent);
    const current = select.value;
    select.replaceChildren(
      h("option", { value: "" }, t("settings.reasons.newGroup")),
      ...groups.map((group) => h("option", { value: group.code }, `${group.label} (${group.code})`)),
    );
    select.value = groups.some((group) => group.code === current) ? current : groups.length ? groups[0].code : "";
  }
  const addButton = button(t("settings.reasons.create"), { variant: "primary", type: "submit", "data-action": "add-reason" });
  const addForm = h(
    "form",
    { class: "reason-add", novalidate: true },
    formErrors(),
    h(
      "div",
      { class: "row" },
      field({ label: t("settings.reasons.code"), name: "code", required: true, hint: t("settings.reasons.codeHint"), attrs: { autocomplete: "off", spellcheck: "false" } }),
      parent,
    ),
    h(
      "div",
      { class: "row" },
      field({ label: t("settings.reasons.labelEn"), name: "labelEn", required: true }),
      field({ label: t("settings.reasons.labelZhHans"), name: "labelZhHans", attrs: { lang: "zh-Hans" } }),
    ),
    field({ label: t("settings.reasons.merchantFault"), name: "isMerchantFault", type: "checkbox" }),
    h("div", { class: "actions" }, addButton),
  );
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(addForm);
    const value = (name) => addForm.querySelector(`[data-field="${name}"] input, [data-field="${name}"] select`);
    const input = {
      code: value("code").value.trim(),
      labelEn: value("labelEn").value.trim(),
      labelZhHans: value("labelZhHans").value.trim() || null,
      parentCode: value("parentCode").value || null,
      isMerchantFault: value("isMerchantFault").checked,
    };
    addButton.disabled = true;
    try {
      const result = await ctx.api.mutate(REASON_CREATE, { input }, "returnReasonCreate");
      if (result.errors.length) {
        showErrors(addForm, result.errors);
        ctx.bridge.notify("error", t("settings.reasons.failed"), result.errors[0].message);
        return;
      }
      ctx.bridge.notify("success", t("settings.reasons.created", { code: result.reason.code }));
      addForm.reset();
      await load();
    } catch (error) {
      const message = ctx.describeError(error);
      showErrors(addForm, [{ field: null, code: "GRAPHQL_ERROR", message }]);
      ctx.bridge.notify("error", t("settings.reasons.failed"), message);
    } finally {
      addButton.disabled = false;
    }
  });

  clear(
    panel,
    card(t("settings.reasons.title"), h("p", { class: "muted" }, t("settings.reasons.intro")), list),
    card(t("settings.reasons.add"), addForm),
  );
  await load();
}

function reasonEditor(ctx, reason, reload) {
  const save = button(t("common.save"), { variant: "primary", type: "submit", "data-action": "save-reason" });
  const form = h(
    "form",
    { class: "reason-edit-form", novalidate: true, "data-editing": reason.code, "aria-label": t("settings.reasons.editTitle", { code: reason.code }) },
    h("h4", {}, t("settings.reasons.editTitle", { code: reason.code })),
    formErrors(),
    h(
      "div",
      { class: "row" },
      field({ label: t("settings.reasons.labelEn"), name: "labelEn", value: reason.labelEn, required: true }),
      field({ label: t("settings.reasons.labelZhHans"), name: "labelZhHans", value: reason.labelZhHans, attrs: { lang: "zh-Hans" } }),
    ),
    h(
      "div",
      { class: "row" },
      field({ label: t("settings.reasons.merchantFault"), name: "isMerchantFault", type: "checkbox", value: reason.isMerchantFault }),
      field({ label: t("settings.reasons.active"), name: "isActive", type: "checkbox", value: reason.isActive }),
    ),
    h(
      "div",
      { class: "actions" },
      save,
      button(t("common.cancel"), { onClick: () => form.closest(".reason-editor").remove() }),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const control = (name) => form.querySelector(`[data-field="${name}"] input`);
    const input = {
      labelEn: control("labelEn").value.trim(),
      labelZhHans: control("labelZhHans").value.trim(),
      isMerchantFault: control("isMerchantFault").checked,
      isActive: control("isActive").checked,
    };
    save.disabled = true;
    try {
      const result = await ctx.api.mutate(REASON_UPDATE, { id: reason.id, input }, "returnReasonUpdate");
      if (result.errors.length) {
        showErrors(form, result.errors);
        ctx.bridge.notify("error", t("settings.reasons.failed"), result.errors[0].message);
        return;
      }
      ctx.bridge.notify("success", t("settings.reasons.updated", { code: reason.code }));
      await reload();
    } catch (error) {
      const message = ctx.describeError(error);
      showErrors(form, [{ field: null, code: "GRAPHQL_ERROR", message }]);
      ctx.bridge.notify("error", t("settings.reasons.failed"), message);
    } finally {
      save.disabled = false;
    }
  });
  setTimeout(() => controlOf(form).focus(), 0);
  return form;
}

async function toggleReason(ctx, reason, reload) {
  const isActive = !reason.isActive;
  try {
    const result = await ctx.api.mutate(REASON_UPDATE, { id: reason.id, input: { isActive } }, "returnReasonUpdate");
    if (result.errors.length) {
      ctx.bridge.notify("error", t("settings.reasons.failed"), result.errors[0].message);
      return;
    }
    ctx.bridge.notify("success", t(isActive ? "settings.reasons.nowActive" : "settings.reasons.nowInactive", { code: reason.code }));
    await reload();
  } catch (error) {
    ctx.bridge.notify("error", t("settings.reasons.failed"), ctx.describeError(error));
  }
}

async function deleteReason(ctx, reason, reload) {
  const choice = await modal(
    t("settings.reasons.deleteTitle", { code: reason.code }),
    h("p", {}, t("settings.reasons.deleteText")),
    [[t("common.cancel"), null], [t("settings.delete"), "delete", "danger"]],
  );
  if (choice !== "delete") return;
  try {
    const result = await ctx.api.mutate(REASON_DELETE, { id: reason.id }, "returnReasonDelete");
    if (result.errors.length) {
      ctx.bridge.notify("error", t("settings.reasons.deleteFailed"), result.errors[0].message);
      return;
    }
    if (result.deleted) ctx.bridge.notify("success", t("settings.reasons.deleted", { code: reason.code }));
    else ctx.bridge.notify("info", t("settings.reasons.deactivated", { code: reason.code }));
    await reload();
  } catch (error) {
    ctx.bridge.notify("error", t("settings.reasons.deleteFailed"), ctx.describeError(error));
  }
}

// ------------------------------------------------------------------ carriers and address

async function carriersPanel(ctx, panel) {
  const list = h("div", { class: "carrier-list" }, spinner());
  const result = h("div", { class: "carrier-result", "aria-live": "polite" });
  let editing = null;

  async function load() {
    let accounts;
    try {
      accounts = (await ctx.api.query(CARRIERS)).returnCarrierAccounts;
    } catch (error) {
      loadFailed(ctx, list, error, load);
      return;
    }
    if (!accounts.length) {
      clear(list, h("p", { class: "empty" }, t("settings.carriers.none")));
      return;
    }
    clear(
      list,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "carrier-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["provider", "name", "default", "webhookUrl"].map((key) => h("th", { scope: "col" }, t(`settings.carriers.${key}`))),
              h("th", { scope: "col" }, t("settings.actions")),
            ),
          ),
          h(
            "tbody",
            {},
            accounts.map((account) =>
              h(
                "tr",
                { "data-account": account.id },
                h("td", {}, providerLabel(account.provider)),
                h("td", {}, account.name),
                h("td", {}, account.isDefault ? h("span", { class: "badge badge-resolved" }, t("settings.carriers.default")) : "—"),
                h("td", { class: "webhook-cell" }, copyRow(account.webhookUrl, t("settings.carriers.webhookUrlOf", { name: account.name }))),
                h("td", {}, button(t("settings.edit"), { variant: "link", "aria-label": `${t("settings.edit")} ${account.name}`, onClick: () => startEditing(account) })),
              ),
            ),
          ),
        ),
      ),
    );
  }

  const providerField = field({
    label: t("settings.carriers.provider"), name: "provider", type: "select",
    options: PROVIDERS.map(([value]) => [value, providerLabel(value)]),
  });
  const nameField = field({ label: t("settings.carriers.name"), name: "name", required: true });
  const apiKey = field({ label: t("settings.carriers.apiKey"), name: "apiKey", type: "password", attrs: { autocomplete: "new-password", spellcheck: "false" } });
  const webhookSecret = field({ label: t("settings.carriers.webhookSecret"), name: "webhookSecret", type: "password", attrs: { autocomplete: "new-password", spellcheck: "false" } });
  const webhookToken = field({ label: t("settings.carriers.webhookToken"), name: "webhookToken", type: "password", hint: t("settings.carriers.webhookTokenHint"), attrs: { autocomplete: "new-password", spellcheck: "false" } });
  const isDefault = field({ label: t("settings.carriers.isDefault"), name: "isDefault", type: "checkbox", value: true });
  const secretsHint = h("p", { class: "hint" }, t("settings.carriers.secretsHint"));
  const formTitle = h("h2", { class: "card-title" }, t("settings.carriers.connect"));
  const save = button(t("settings.carriers.save"), { variant: "primary", type: "submit", "data-action": "save-carrier" });
  const cancelEdit = button(t("settings.carriers.cancelEdit"), { onClick: () => startEditing(null) });
  const form = h(
    "form",
    { class: "card carrier-form", novalidate: true },
    formTitle,
    formErrors(),
    h("div", { class: "row" }, providerField, nameField),
    h(
      "fieldset",
      { class: "field credentials", "data-field": "credentials" },
      h("legend", {}, t("settings.carriers.credentials")),
      secretsHint,
      h("div", { class: "row" }, apiKey, webhookSecret, webhookToken),
      h("p", { class: "field-error", "aria-live": "polite" }),
    ),
    isDefault,
    h("div", { class: "actions" }, save, cancelEdit),
  );

  function syncProvider() {
    webhookToken.hidden = controlOf(providerField).value !== "shippo";
  }
  controlOf(providerField).addEventListener("change", syncProvider);

  function startEditing(account) {
    editing = account;
    clearErrors(form);
    form.reset();
    controlOf(isDefault).checked = account ? account.isDefault : true;
    if (account) {
      controlOf(providerField).value = account.provider;
      controlOf(nameField).value = account.name;
    }
    formTitle.textContent = account ? t("settings.carriers.update", { name: account.name }) : t("settings.carriers.connect");
    secretsHint.textContent = account ? t("settings.carriers.secretsAgain") : t("settings.carriers.secretsHint");
    cancelEdit.hidden = !account;
    syncProvider();
    if (account) controlOf(nameField).focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const input = {
      provider: controlOf(providerField).value,
      name: textValue(nameField),
      apiKey: controlOf(apiKey).value || null,
      webhookSecret: controlOf(webhookSecret).value || null,
      webhookToken: webhookToken.hidden ? null : controlOf(webhookToken).value || null,
      isDefault: controlOf(isDefault).checked,
    };
    save.disabled = true;
    try {
      const answer = await ctx.api.mutate(CARRIER_SET, { id: editing ? editing.id : null, input }, "returnCarrierAccountSet");
      if (answer.errors.length) {
        showErrors(form, answer.errors);
        ctx.bridge.notify("error", t("settings.carriers.failed"), answer.errors[0].message);
        return;
      }
      const account = answer.carrierAccount;
      ctx.bridge.notify("success", t("settings.carriers.saved", { name: account.name }));
      startEditing(null);
      clear(
        result,
        h(
          "section",
          { class: "card webhook-result", "data-account": account.id },
          h("h2", { class: "card-title" }, t("settings.carriers.resultTitle", { provider: providerLabel(account.provider) })),
          copyRow(account.webhookUrl, t("settings.carriers.webhookUrlOf", { name: account.name })),
          h("p", { class: "hint" }, t(`settings.carriers.instructions.${account.provider}`)),
        ),
      );
      result.querySelector("input").focus();
      await load();
    } catch (error) {
      const message = ctx.describeError(error);
      showErrors(form, [{ field: null, code: "GRAPHQL_ERROR", message }]);
      ctx.bridge.notify("error", t("settings.carriers.failed"), message);
    } finally {
      save.disabled = false;
    }
  });

  startEditing(null);
  clear(
    panel,
    result,
    card(t("settings.carriers.title"), h("p", { class: "muted" }, t("settings.carriers.intro")), list),
    form,
    ...readOnlyWhen(ctx.missing("settings"), addressSection(ctx)),
  );
  await load();
}

function providerLabel(provider) {
  if (provider === "generic") return t("settings.carriers.generic");
  const found = PROVIDERS.find(([value]) => value === provider);
  return found ? found[1] : provider;
}

function addressSection(ctx) {
  const warehouse = field({ label: t("settings.address.warehouse"), name: "warehouseId", type: "select", options: [["", t("settings.address.onlyAddress")]] });
  const names = ["name", "company", "street1", "street2", "city", "state", "zip", "country", "phone", "email"];
  const required = new Set(["name", "street1", "city", "zip", "country"]);
  const fields = Object.fromEntries(
    names.map((name) => [
      name,
      field({
        label: t(`settings.address.${name}`), name, required: required.has(name),
        type: name === "email" ? "email" : "text",
        hint: name === "country" ? t("settings.address.countryHint") : "",
        // No maxlength on the country: a cut-off "Ge(rmany)" would be a valid code (Georgia).
        attrs: name === "country" ? { autocomplete: "country", size: "4" } : {},
      }),
    ]),
  );
  const isDefault = field({ label: t("settings.address.isDefault"), name: "isDefault", type: "checkbox", value: true });
  const save = button(t("settings.address.save"), { variant: "primary", type: "submit", "data-action": "save-address" });
  const warehouseNote = h("p", { class: "hint" });
  const form = h(
    "form",
    { class: "address-form", novalidate: true },
    h("p", { class: "muted" }, t("settings.address.intro")),
    formErrors(),
    warehouse,
    warehouseNote,
    h("div", { class: "row" }, fields.name, fields.company),
    h("div", { class: "row" }, fields.street1, fields.street2),
    h("div", { class: "row" }, fields.city, fields.state, fields.zip, fields.country),
    h("div", { class: "row" }, fields.phone, fields.email),
    isDefault,
    h("div", { class: "actions" }, save),
  );
  // The saved addresses fill the form for the chosen warehouse.
  let saved = [];
  const fill = () => {
    const chosen = controlOf(warehouse).value || null;
    const address = saved.find((item) => (item.warehouseId || null) === chosen);
    for (const name of names) controlOf(fields[name]).value = address ? address[name] || "" : "";
    controlOf(isDefault).checked = address ? address.isDefault : saved.length === 0;
  };
  controlOf(warehouse).addEventListener("change", fill);
  // What staff already typed is never overwritten by the load.
  let typed = false;
  form.addEventListener("input", (event) => {
    if (event.target !== controlOf(warehouse)) typed = true;
  });
  let warehousesLoaded = false;
  const details = h("details", { class: "card address-card" }, h("summary", {}, h("h2", { class: "card-title" }, t("settings.address.title"))), form);
  details.addEventListener("toggle", async () => {
    if (!details.open || warehousesLoaded) return;
    warehousesLoaded = true;
    try {
      saved = (await ctx.api.query(ADDRESSES)).returnAddresses;
      if (!typed) fill();
      const found = (await ctx.api.query(WAREHOUSES)).returnWarehouses;
      controlOf(warehouse).append(...found.map((item) => h("option", { value: item.id }, item.name)));
    } catch (error) {
      warehouseNote.textContent = t("settings.address.warehousesFailed", { message: ctx.describeError(error) });
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const input = { warehouseId: controlOf(warehouse).value || null, isDefault: controlOf(isDefault).checked };
    for (const name of names) input[name] = textValue(fields[name]) || (required.has(name) ? "" : null);
    save.disabled = true;
    try {
      const answer = await ctx.api.mutate(ADDRESS_SET, { input }, "returnAddressSet");
      if (answer.errors.length) {
        showErrors(form, answer.errors);
        ctx.bridge.notify("error", t("settings.address.failed"), answer.errors[0].message);
        return;
      }
      ctx.bridge.notify("success", t("settings.address.saved"));
      saved = (await ctx.api.query(ADDRESSES)).returnAddresses;
    } catch (error) {
      const message = ctx.describeError(error);
      showErrors(form, [{ field: null, code: "GRAPHQL_ERROR", message }]);
      ctx.bridge.notify("error", t("settings.address.failed"), message);
    } finally {
      save.disabled = false;
    }
  });
  return details;
}
