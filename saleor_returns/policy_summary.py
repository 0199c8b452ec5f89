"""The return policy in plain words, in English or Simplified Chinese, for staff checking their settings."""

from __future__ import annotations

from decimal import Decimal

from saleor_returns.policies import PolicyRules

_EN = {
    "window": "Items can be returned within {days} days of delivery (until the end of the day, {zone}).",
    "window_zero": "Returns are not accepted: the return window is 0 days.",
    "override_none": "Items in {kind} {id} cannot be returned.",
    "override_days": "Items in {kind} {id} can be returned within {days} days.",
    "final_sale": "Products or variants with the metadata {key}=true are final sale.",
    "resolutions": "Customers can ask for: {items}.",
    "reasons": "Only these reasons are offered: {items}.",
    "photos": "A photo is required for: {items}.",
    "shipping_fee": "Customers pay {amount} for return shipping unless the shop is at fault.",
    "shipping_free": "Return shipping is free for the customer.",
    "original_fault": "The original delivery cost is refunded when the shop is at fault.",
    "original_withdrawal": "The original delivery cost is refunded on a withdrawal (EU).",
    "fee_percent": "A restocking fee of {amount}% is kept{scope}.",
    "fee_fixed": "A restocking fee of {amount} per unit is kept{scope}.",
    "fee_scope": " for {items}",
    "bonus": "Store credit gets a {amount}% bonus.",
    "keep_item": "Customers keep items worth at most {amount} instead of sending them back.",
    "instant": "Requests approved automatically are refunded at the first carrier scan, up to {amount}.",
    "exchange_shipping_free": "An exchanged item ships to you free of charge.",
    "exchange_shipping_charged": "An exchanged item's shipping is charged at the shop's shipping rate.",
    "expiry": "Approved returns not shipped within {days} days expire.",
    "no_scan": "A label with no carrier scan after {days} days is flagged as possibly lost.",
    "auto": "Requests {parts} are approved automatically; the rest wait for staff review.",
    "auto_any": "of any kind",
    "auto_value": "worth at most {amount}",
    "auto_reasons": "for {items}",
    "auto_rate": "from customers who returned at most {rate}% of their orders",
    "auto_age": "on orders at most {days} days old",
    "auto_risk": "with no risk flag",
    "manual": "Every request waits for staff review.",
    "preset": "Legal preset applied: {name}.",
    "join": ", ",
    "kind.product_type": "product type",
    "kind.category": "category",
    "kind.collection": "collection",
    "resolution.refund": "refund",
    "resolution.store_credit": "store credit",
    "resolution.exchange": "exchange",
    "resolution.keep_item": "keep the item",
    "preset.cn_7_day": "China, 7-day no-reason returns",
    "preset.eu_14_day": "EU, 14-day withdrawal",
}

_ZH = {
    "window": "商品可在签收后 {days} 天内退货（截至当天结束，{zone}）。",
    "window_zero": "不接受退货：退货期限为 0 天。",
    "override_none": "{kind} {id} 中的商品不可退货。",
    "override_days": "{kind} {id} 中的商品可在 {days} 天内退货。",
    "final_sale": "元数据为 {key}=true 的商品或规格为最终销售，不可退货。",
    "resolutions": "顾客可选择：{items}。",
    "reasons": "仅提供以下原因：{items}。",
    "photos": "以下原因需要上传照片：{items}。",
    "shipping_fee": "除店铺责任外，顾客需支付 {amount} 的退货运费。",
    "shipping_free": "顾客无需支付退货运费。",
    "original_fault": "店铺责任时退还原订单运费。",
    "original_withdrawal": "行使撤回权（欧盟）时退还原订单运费。",
    "fee_percent": "收取 {amount}% 的重新入库费{scope}。",
    "fee_fixed": "每件收取 {amount} 的重新入库费{scope}。",
    "fee_scope": "（适用于 {items}）",
    "bonus": "选择店铺余额可额外获得 {amount}% 奖励。",
    "keep_item": "价值不超过 {amount} 的商品无需寄回。",
    "instant": "自动批准的申请在承运商首次扫描时即退款，上限 {amount}。",
    "exchange_shipping_free": "换货商品免费寄给您。",
    "exchange_shipping_charged": "换货商品的运费按店铺运费标准收取。",
    "expiry": "已批准但 {days} 天内未寄出的退货将失效。",
    "no_scan": "面单生成 {days} 天后仍无承运商扫描的包裹将被标记为可能丢失。",
    "auto": "{parts}的申请将自动批准，其余申请等待员工审核。",
    "auto_any": "任何",
    "auto_value": "价值不超过 {amount}",
    "auto_reasons": "原因为 {items}",
    "auto_rate": "顾客退货率不超过 {rate}%",
    "auto_age": "订单不超过 {days} 天",
    "auto_risk": "无风险标记",
    "manual": "所有申请均等待员工审核。",
    "preset": "已应用法规预设：{name}。",
    "join": "、",
    "kind.product_type": "商品类型",
    "kind.category": "分类",
    "kind.collection": "系列",
    "resolution.refund": "退款",
    "resolution.store_credit": "店铺余额",
    "resolution.exchange": "换货",
    "resolution.keep_item": "无需退回",
    "preset.cn_7_day": "中国七天无理由退货",
    "preset.eu_14_day": "欧盟 14 天撤回权",
}


def _catalog(language: str) -> dict[str, str]:
    return _ZH if (language or "").lower().replace("_", "-").startswith("zh") else _EN


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text


def policy_summary(rules: PolicyRules, language: str = "en", reason_labels: dict[str, str] | None = None) -> list[str]:
    """What the policy does, a sentence per rule that has an effect.

    `reason_labels` maps reason codes to the shop's labels in `language`.
    """
    m = _catalog(language)
    labels = reason_labels or {}

    def reasons(codes) -> str:
        return m["join"].join(labels.get(code, code) for code in codes)

    def say(message: str, **values) -> str:
        return m[message].format(**values)

    def items(values) -> str:
        return m["join"].join(values)

    lines = [say("window", days=rules.window_days, zone=rules.time_zone) if rules.window_days else say("window_zero")]
    for override in rules.overrides:
        kind = m.get(f"kind.{override.kind}", override.kind)
        if not override.is_returnable:
            lines.append(say("override_none", kind=kind, id=override.id))
        elif override.window_days is not None:
            lines.append(say("override_days", kind=kind, id=override.id, days=override.window_days))
    if rules.final_sale_metadata_key:
        lines.append(say("final_sale", key=rules.final_sale_metadata_key))
    lines.append(say("resolutions", items=items(m.get(f"resolution.{r}", r) for r in rules.allowed_resolutions)))
    if rules.allowed_reason_codes:
        lines.append(say("reasons", items=reasons(rules.allowed_reason_codes)))
    if rules.photo_required_reason_codes:
        lines.append(say("photos", items=reasons(rules.photo_required_reason_codes)))
    if rules.customer_return_shipping_fee:
        lines.append(say("shipping_fee", amount=_number(rules.customer_return_shipping_fee)))
    else:
        lines.append(say("shipping_free"))
    if rules.refund_original_shipping_on_merchant_fault:
        lines.append(say("original_fault"))
    if rules.refund_original_shipping_on_withdrawal:
        lines.append(say("original_withdrawal"))
    for fee in rules.restocking_fees:
        scope = say("fee_scope", items=reasons(fee.reason_codes)) if fee.reason_codes else ""
        if fee.percentage is not None:
            lines.append(say("fee_percent", amount=_number(fee.percentage), scope=scope))
        elif fee.fixed_amount is not None:
            lines.append(say("fee_fixed", amount=_number(fee.fixed_amount), scope=scope))
    if rules.store_credit_bonus_percentage:
        lines.append(say("bonus", amount=_number(rules.store_credit_bonus_percentage)))
    if rules.keep_item_max_value is not None:
        lines.append(say("keep_item", amount=_number(rules.keep_item_max_value)))
    if rules.instant_refund_max_value is not None:
        lines.append(say("instant", amount=_number(rules.instant_refund_max_value)))
    if "exchange" in rules.allowed_resolutions:
        lines.append(say("exchange_shipping_charged" if rules.exchange_shipping_charged else "exchange_shipping_free"))
    lines.append(say("expiry", days=rules.approved_return_expiry_days))
    lines.append(say("no_scan", days=rules.no_scan_flag_days))
    auto = rules.auto_approval
    if auto.enabled:
        parts = []
        if auto.max_value is not None:
            parts.append(say("auto_value", amount=_number(auto.max_value)))
        if auto.reason_codes:
            parts.append(say("auto_reasons", items=reasons(auto.reason_codes)))
        if auto.max_customer_return_rate is not None:
            parts.append(say("auto_rate", rate=_number(auto.max_customer_return_rate * 100)))
        if auto.max_order_age_days is not None:
            parts.append(say("auto_age", days=auto.max_order_age_days))
        if auto.require_no_risk_flag:
            parts.append(say("auto_risk"))
        lines.append(say("auto", parts=items(parts) if parts else m["auto_any"]))
    else:
        lines.append(say("manual"))
    if rules.preset:
        lines.append(say("preset", name=m.get(f"preset.{rules.preset}", rules.preset)))
    return lines
