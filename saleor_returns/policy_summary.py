"""The return policy in plain words, in English or Simplified Chinese, for staff checking their settings."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext, pgettext_lazy

from saleor_returns.policy_rules import PolicyRules
from saleor_returns.translations import language_code

OVERRIDE_KINDS = {
    "product_type": pgettext_lazy("policy override kind", "product type"),
    "category": pgettext_lazy("policy override kind", "category"),
    "collection": pgettext_lazy("policy override kind", "collection"),
}
RESOLUTIONS = {
    "refund": pgettext_lazy("resolution", "refund"),
    "store_credit": pgettext_lazy("resolution", "store credit"),
    "exchange": pgettext_lazy("resolution", "exchange"),
    "keep_item": pgettext_lazy("resolution", "keep the item"),
}
PRESETS = {
    "cn_7_day": pgettext_lazy("legal preset", "China, 7-day no-reason returns"),
    "eu_14_day": pgettext_lazy("legal preset", "EU, 14-day withdrawal"),
}


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text


def policy_summary(rules: PolicyRules, language: str = "en", reason_labels: dict[str, str] | None = None) -> list[str]:
    """What the policy does, a sentence per rule that has an effect.

    `reason_labels` maps reason codes to the shop's labels in `language`.
    """
    with translation.override(language_code(language)):
        return _sentences(rules, reason_labels or {})


def _sentences(rules: PolicyRules, labels: dict[str, str]) -> list[str]:
    separator = pgettext("list separator", ", ")

    def items(values) -> str:
        return separator.join(str(value) for value in values)

    def reasons(codes) -> str:
        return items(labels.get(code, code) for code in codes)

    if rules.window_days:
        lines = [
            ngettext(
                "Items can be returned within {days} day of delivery (until the end of the day, {zone}).",
                "Items can be returned within {days} days of delivery (until the end of the day, {zone}).",
                rules.window_days,
            ).format(days=rules.window_days, zone=rules.time_zone)
        ]
    else:
        lines = [gettext("Returns are not accepted: the return window is 0 days.")]
    for override in rules.overrides:
        kind = str(OVERRIDE_KINDS.get(override.kind, override.kind))
        if not override.is_returnable:
            lines.append(gettext("Items in {kind} {id} cannot be returned.").format(kind=kind, id=override.id))
        elif override.window_days is not None:
            lines.append(
                ngettext(
                    "Items in {kind} {id} can be returned within {days} day.",
                    "Items in {kind} {id} can be returned within {days} days.",
                    override.window_days,
                ).format(kind=kind, id=override.id, days=override.window_days)
            )
    if rules.final_sale_metadata_key:
        lines.append(
            gettext("Products or variants with the metadata {key}=true are final sale.").format(
                key=rules.final_sale_metadata_key
            )
        )
    resolutions = items(RESOLUTIONS.get(resolution, resolution) for resolution in rules.allowed_resolutions)
    lines.append(gettext("Customers can ask for: {items}.").format(items=resolutions))
    if rules.allowed_reason_codes:
        offered = reasons(rules.allowed_reason_codes)
        lines.append(gettext("Only these reasons are offered: {items}.").format(items=offered))
    if rules.photo_required_reason_codes:
        with_photo = reasons(rules.photo_required_reason_codes)
        lines.append(gettext("A photo is required for: {items}.").format(items=with_photo))
    if rules.customer_return_shipping_fee:
        lines.append(
            gettext("Customers pay {amount} for return shipping unless the shop is at fault.").format(
                amount=_number(rules.customer_return_shipping_fee)
            )
        )
    else:
        lines.append(gettext("Return shipping is free for the customer."))
    if rules.refund_original_shipping_on_merchant_fault:
        lines.append(gettext("The original delivery cost is refunded when the shop is at fault."))
    if rules.refund_original_shipping_on_withdrawal:
        lines.append(gettext("The original delivery cost is refunded on a withdrawal (EU)."))
    lines.extend(_restocking_fee(fee, reasons) for fee in rules.restocking_fees if _has_amount(fee))
    if rules.store_credit_bonus_percentage:
        bonus = _number(rules.store_credit_bonus_percentage)
        lines.append(gettext("Store credit gets a {amount}% bonus.").format(amount=bonus))
    if rules.keep_item_max_value is not None:
        lines.append(
            gettext("Customers keep items worth at most {amount} instead of sending them back.").format(
                amount=_number(rules.keep_item_max_value)
            )
        )
    if rules.instant_refund_max_value is not None:
        lines.append(
            gettext("Requests approved automatically are refunded at the first carrier scan, up to {amount}.").format(
                amount=_number(rules.instant_refund_max_value)
            )
        )
    if "exchange" in rules.allowed_resolutions:
        if rules.exchange_shipping_charged:
            lines.append(gettext("An exchanged item's shipping is charged at the shop's shipping rate."))
        else:
            lines.append(gettext("An exchanged item ships to you free of charge."))
    lines.append(
        ngettext(
            "Approved returns not shipped within {days} day expire.",
            "Approved returns not shipped within {days} days expire.",
            rules.approved_return_expiry_days,
        ).format(days=rules.approved_return_expiry_days)
    )
    lines.append(
        ngettext(
            "A label with no carrier scan after {days} day is flagged as possibly lost.",
            "A label with no carrier scan after {days} days is flagged as possibly lost.",
            rules.no_scan_flag_days,
        ).format(days=rules.no_scan_flag_days)
    )
    lines.append(_auto_approval(rules, items, reasons))
    if rules.preset:
        lines.append(gettext("Legal preset applied: {name}.").format(name=str(PRESETS.get(rules.preset, rules.preset))))
    return lines


def _has_amount(fee) -> bool:
    return fee.percentage is not None or fee.fixed_amount is not None


def _restocking_fee(fee, reasons) -> str:
    scope = ""
    if fee.reason_codes:
        # Translators: the {scope} of the two restocking fee sentences below: the reasons the fee applies to.
        scope = pgettext("restocking fee scope", " for {items}").format(items=reasons(fee.reason_codes))
    if fee.percentage is not None:
        return gettext("A restocking fee of {amount}% is kept{scope}.").format(
            amount=_number(fee.percentage), scope=scope
        )
    return gettext("A restocking fee of {amount} per unit is kept{scope}.").format(
        amount=_number(fee.fixed_amount), scope=scope
    )


def _auto_approval(rules: PolicyRules, items, reasons) -> str:
    auto = rules.auto_approval
    if not auto.enabled:
        return gettext("Every request waits for staff review.")
    parts = []
    if auto.max_value is not None:
        worth = _number(auto.max_value)
        parts.append(pgettext("auto-approved requests", "worth at most {amount}").format(amount=worth))
    if auto.reason_codes:
        parts.append(pgettext("auto-approved requests", "for {items}").format(items=reasons(auto.reason_codes)))
    if auto.max_customer_return_rate is not None:
        parts.append(
            pgettext("auto-approved requests", "from customers who returned at most {rate}% of their orders").format(
                rate=_number(auto.max_customer_return_rate * 100)
            )
        )
    if auto.max_order_age_days is not None:
        parts.append(
            npgettext(
                "auto-approved requests",
                "on orders at most {days} day old",
                "on orders at most {days} days old",
                auto.max_order_age_days,
            ).format(days=auto.max_order_age_days)
        )
    if auto.require_no_risk_flag:
        parts.append(pgettext("auto-approved requests", "with no risk flag"))
    # Translators: {parts} is the conditions above, joined with the list separator.
    return gettext("Requests {parts} are approved automatically; the rest wait for staff review.").format(
        parts=items(parts) if parts else pgettext("auto-approved requests", "of any kind")
    )
