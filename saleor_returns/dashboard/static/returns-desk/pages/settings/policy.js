// The return policy tab: one channel's rules (window, resolutions, auto-approval,
// fees, overrides) edited as a form over the rules JSON the API stores.

import { formatDate, register, t } from "../../i18n.js";
import { banner, button, card, clear, clearErrors, field, formErrors, h, saveForm, spinner } from "../../ui.js";
import {
  checkboxGroup,
  controlOf,
  decimalValue,
  intValue,
  loadFailed,
  reasonOptions,
  repeatable,
  shown,
  textValue,
} from "./common.js";

register({
  en: {
    "settings.remove": "Remove",
    "settings.anyReason": "None ticked: any reason.",

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
    "settings.policy.shipReminderDays": "Remind the customer to ship after (days)",
    "settings.policy.shipReminderDaysHint": "Days after approval with no carrier scan, once per approval. 0: no reminder.",
    "settings.policy.survey": "Satisfaction survey",
    "settings.policy.surveyEnabled": "Invite customers to the satisfaction survey",
    "settings.policy.surveyDelayDays": "Invite them after (days)",
    "settings.policy.surveyDelayDaysHint": "Days after the return is resolved. 0: right away.",
    "settings.policy.targets": "Service targets",
    "settings.policy.targetsHint": "Return analytics shows how many returns went through each stage within its target.",
    "settings.policy.targetHoursDecision": "Request to decision (hours)",
    "settings.policy.targetHoursApprovalToScan": "Approval to first carrier scan (hours)",
    "settings.policy.targetHoursScanToReceived": "First scan to received (hours)",
    "settings.policy.targetHoursReceivedToResolved": "Received to resolved (hours)",
    "settings.policy.targetHoursRequestToMoney": "Request to money back (hours)",
    "settings.policy.save": "Save policy",
    "settings.policy.saving": "Saving…",
    "settings.policy.saved": "Return policy saved",
    "settings.policy.savedVersion": "Version {version} is now in force.",
    "settings.policy.failed": "The return policy was not saved",
  },
  "zh-Hans": {
    "settings.remove": "移除",
    "settings.anyReason": "不勾选则适用于任何原因。",

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
    "settings.policy.shipReminderDays": "提醒顾客寄回的天数",
    "settings.policy.shipReminderDaysHint": "批准后仍无物流扫描的天数，每次批准只提醒一次。填 0 则不提醒。",
    "settings.policy.survey": "满意度调查",
    "settings.policy.surveyEnabled": "邀请顾客参加满意度调查",
    "settings.policy.surveyDelayDays": "邀请发送天数",
    "settings.policy.surveyDelayDaysHint": "退货处理完成后的天数。填 0 则立即发送。",
    "settings.policy.targets": "服务时效目标",
    "settings.policy.targetsHint": "退货分析会显示每个环节在目标时间内完成的退货比例。",
    "settings.policy.targetHoursDecision": "申请到审核决定（小时）",
    "settings.policy.targetHoursApprovalToScan": "批准到承运商首次扫描（小时）",
    "settings.policy.targetHoursScanToReceived": "首次扫描到收货（小时）",
    "settings.policy.targetHoursReceivedToResolved": "收货到处理完成（小时）",
    "settings.policy.targetHoursRequestToMoney": "申请到退款到账（小时）",
    "settings.policy.save": "保存政策",
    "settings.policy.saving": "正在保存…",
    "settings.policy.saved": "退货政策已保存",
    "settings.policy.savedVersion": "第 {version} 版现已生效。",
    "settings.policy.failed": "退货政策未保存",
  },
});

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

const RESOLUTIONS = ["refund", "store_credit", "exchange", "keep_item"];
const PRESETS = ["NONE", "CN_7_DAY", "EU_14_DAY"];
const OVERRIDE_KINDS = ["product_type", "category", "collection"];

export async function policyPanel(ctx, panel, channel = ctx.query.get("channel") || "") {
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
    shipReminderDays: field({ label: t("settings.policy.shipReminderDays"), name: "shipReminderDays", type: "number", value: shown(rules.ship_reminder_days), hint: t("settings.policy.shipReminderDaysHint"), attrs: { step: "1" } }),
    surveyEnabled: field({ label: t("settings.policy.surveyEnabled"), name: "surveyEnabled", type: "checkbox", value: rules.survey_enabled }),
    surveyDelayDays: field({ label: t("settings.policy.surveyDelayDays"), name: "surveyDelayDays", type: "number", value: shown(rules.survey_delay_days), hint: t("settings.policy.surveyDelayDaysHint"), attrs: { step: "1" } }),
    targetHoursDecision: field({ label: t("settings.policy.targetHoursDecision"), name: "targetHoursDecision", type: "number", value: shown(rules.target_hours_decision), attrs: { step: "1", min: "1" } }),
    targetHoursApprovalToScan: field({ label: t("settings.policy.targetHoursApprovalToScan"), name: "targetHoursApprovalToScan", type: "number", value: shown(rules.target_hours_approval_to_scan), attrs: { step: "1", min: "1" } }),
    targetHoursScanToReceived: field({ label: t("settings.policy.targetHoursScanToReceived"), name: "targetHoursScanToReceived", type: "number", value: shown(rules.target_hours_scan_to_received), attrs: { step: "1", min: "1" } }),
    targetHoursReceivedToResolved: field({ label: t("settings.policy.targetHoursReceivedToResolved"), name: "targetHoursReceivedToResolved", type: "number", value: shown(rules.target_hours_received_to_resolved), attrs: { step: "1", min: "1" } }),
    targetHoursRequestToMoney: field({ label: t("settings.policy.targetHoursRequestToMoney"), name: "targetHoursRequestToMoney", type: "number", value: shown(rules.target_hours_request_to_money), attrs: { step: "1", min: "1" } }),
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
    card(t("settings.policy.deadlines"), h("div", { class: "row" }, f.approvedReturnExpiryDays, f.noScanFlagDays, f.shipReminderDays)),
    card(t("settings.policy.survey"), f.surveyEnabled, h("div", { class: "row" }, f.surveyDelayDays)),
    card(t("settings.policy.targets"), h("p", { class: "hint" }, t("settings.policy.targetsHint")),
      h("div", { class: "row" }, f.targetHoursDecision, f.targetHoursApprovalToScan, f.targetHoursScanToReceived, f.targetHoursReceivedToResolved, f.targetHoursRequestToMoney)),
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
      ship_reminder_days: intValue(textValue(f.shipReminderDays)),
      survey_enabled: controlOf(f.surveyEnabled).checked,
      survey_delay_days: intValue(textValue(f.surveyDelayDays)),
      target_hours_decision: intValue(textValue(f.targetHoursDecision)),
      target_hours_approval_to_scan: intValue(textValue(f.targetHoursApprovalToScan)),
      target_hours_scan_to_received: intValue(textValue(f.targetHoursScanToReceived)),
      target_hours_received_to_resolved: intValue(textValue(f.targetHoursReceivedToResolved)),
      target_hours_request_to_money: intValue(textValue(f.targetHoursRequestToMoney)),
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
    await saveForm(ctx, {
      form,
      submit: save,
      busyLabel: t("settings.policy.saving"),
      failed: t("settings.policy.failed"),
      mutation: POLICY_UPDATE,
      variables: { channel: channel || null, preset: controlOf(f.preset).value, rules: JSON.stringify(collect()) },
      field: "returnPolicyUpdate",
      saved: async (result) => {
        const version = t("settings.policy.savedVersion", { version: result.policy.version });
        ctx.bridge.notify("success", t("settings.policy.saved"), version);
        await policyPanel(ctx, panel, channel);
        const status = panel.querySelector(".policy-status");
        if (status) status.prepend(banner("success", t("settings.policy.saved"), version));
      },
    });
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
