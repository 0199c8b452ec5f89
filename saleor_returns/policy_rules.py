"""A shop's return policy settings: `PolicyRules`, validated from stored or submitted JSON, and the legal presets."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError

from saleor_returns.error_codes import ReturnErrorCode

RESOLUTIONS = ("refund", "store_credit", "exchange", "keep_item")
PRESETS = ("", "cn_7_day", "eu_14_day")
OVERRIDE_KINDS = ("product_type", "category", "collection")
# The stage targets (elapsed hours) and their upper bound, a year.
TARGET_FIELDS = (
    "target_hours_decision",
    "target_hours_approval_to_scan",
    "target_hours_scan_to_received",
    "target_hours_received_to_resolved",
    "target_hours_request_to_money",
)
TARGET_HOURS_MAX = 8760


@dataclass(frozen=True)
class Override:
    """A different window, or no returns at all, for a product type, category or collection."""

    kind: str
    id: str
    window_days: int | None = None
    is_returnable: bool = True


@dataclass(frozen=True)
class RestockingFee:
    """A fee kept from the refund, as a percentage of the line or a fixed amount per unit.

    Applies to the listed reasons and categories; an empty list means any.
    """

    percentage: Decimal | None = None
    fixed_amount: Decimal | None = None
    reason_codes: tuple[str, ...] = ()
    category_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AutoApproval:
    """Rules that approve a request at submission; every configured check must pass."""

    enabled: bool = False
    max_value: Decimal | None = None
    reason_codes: tuple[str, ...] = ()
    max_customer_return_rate: Decimal | None = None
    max_order_age_days: int | None = None
    require_no_risk_flag: bool = True
    # A customer the shop marked VIP is approved even when value, reasons, return rate or order
    # age would hold the request back (never past a risk flag, nor when auto-approval is off).
    approve_vip_beyond_rules: bool = False


@dataclass(frozen=True)
class PolicyRules:
    window_days: int = 30
    # Deadlines end at midnight in the shop's time zone, not UTC.
    time_zone: str = "UTC"
    # Fulfillment metadata key holding the delivery time (ISO 8601); without
    # it the window starts at the fulfillment.
    delivered_at_metadata_key: str = "delivered_at"
    # Product or variant metadata key; a value of "true" marks a final sale.
    final_sale_metadata_key: str = "final_sale"
    overrides: tuple[Override, ...] = ()
    allowed_resolutions: tuple[str, ...] = ("refund", "store_credit", "exchange")
    allowed_reason_codes: tuple[str, ...] = ()
    photo_required_reason_codes: tuple[str, ...] = ("DEFECT", "DAMAGED_IN_TRANSIT", "PACKAGING_DAMAGED")
    restocking_fees: tuple[RestockingFee, ...] = ()
    # Return shipping when the reason is the customer's (merchant-fault reasons
    # ship back at the merchant's cost).
    customer_return_shipping_fee: Decimal = Decimal(0)
    refund_original_shipping_on_merchant_fault: bool = True
    # EU withdrawal: the original (standard) delivery cost is refunded too.
    refund_original_shipping_on_withdrawal: bool = False
    store_credit_bonus_percentage: Decimal = Decimal(0)
    keep_item_max_value: Decimal | None = None
    # Refund at the first carrier scan, for requests the auto-approval rules
    # trusted, up to this value (None: never before inspection).
    instant_refund_max_value: Decimal | None = None
    # An exchange's new parcel ships free (the app discounts the shipping off the new
    # order) unless the shop charges the customer the shipping method's price.
    exchange_shipping_charged: bool = False
    approved_return_expiry_days: int = 30
    # A label with no carrier scan after this many days is flagged as possibly lost.
    no_scan_flag_days: int = 10
    # Days after approval before the customer is reminded to send a parcel no carrier has
    # scanned yet (elapsed time); 0 sends no reminder. Fewer than `approved_return_expiry_days`:
    # rules without it take 3, or the day before their returns expire if that comes first.
    ship_reminder_days: int = 3
    # The satisfaction survey goes `survey_delay_days` after the return is resolved (elapsed
    # time; 0: at the next sweep); `survey_enabled` false sends none.
    survey_enabled: bool = True
    survey_delay_days: int = 2
    # Service targets, in elapsed hours, that return analytics measures each stage against.
    target_hours_decision: int = 48
    target_hours_approval_to_scan: int = 120
    target_hours_scan_to_received: int = 120
    target_hours_received_to_resolved: int = 48
    target_hours_request_to_money: int = 336
    auto_approval: AutoApproval = field(default_factory=AutoApproval)
    preset: str = ""

    def to_json(self) -> dict:
        return _to_json(self)

    @classmethod
    def from_json(cls, data: Mapping | None) -> PolicyRules:
        """Validate stored or submitted rules; raises ValidationError naming the field."""
        return _rules_from_json(data or {})

    def with_preset(self, preset: str) -> PolicyRules:
        return apply_preset(self, preset)


def _to_json(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _invalid(path: str, message: str, code: ReturnErrorCode = ReturnErrorCode.INVALID) -> ValidationError:
    return ValidationError({path: ValidationError(message, code=code.value)})


def _decimal(value, path: str, *, minimum: Decimal | None = Decimal(0), maximum: Decimal | None = None) -> Decimal:
    if isinstance(value, float) or isinstance(value, bool):
        raise _invalid(path, "Give amounts as strings or integers, never floats.")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _invalid(path, "Must be a decimal number.") from None
    if not number.is_finite():
        raise _invalid(path, "Must be a finite number.")
    if minimum is not None and number < minimum:
        raise _invalid(path, f"Must be at least {minimum}.")
    if maximum is not None and number > maximum:
        raise _invalid(path, f"Must be at most {maximum}.")
    return number


def _int(value, path: str, *, minimum: int = 0, maximum: int = 3650) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(path, "Must be a whole number.")
    if not minimum <= value <= maximum:
        raise _invalid(path, f"Must be between {minimum} and {maximum}.")
    return value


def _bool(value, path: str) -> bool:
    if not isinstance(value, bool):
        raise _invalid(path, "Must be true or false.")
    return value


def _codes(value, path: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item for item in value):
        raise _invalid(path, "Must be a list of codes.")
    return tuple(value)


def _optional(value, convert, path: str, **kwargs):
    return None if value is None else convert(value, path, **kwargs)


def _rules_from_json(data: Mapping) -> PolicyRules:
    if not isinstance(data, Mapping):
        raise _invalid("rules", "Must be an object.")
    known = {f.name for f in dataclasses.fields(PolicyRules)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise _invalid(unknown[0], "Unknown policy setting.")
    defaults = PolicyRules()
    get = lambda name: data.get(name, getattr(defaults, name))  # noqa: E731 - local shorthand

    time_zone = get("time_zone")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _invalid("time_zone", "Unknown time zone; use an IANA name such as Europe/Berlin.") from None
    resolutions = _codes(get("allowed_resolutions"), "allowed_resolutions")
    if not resolutions or any(resolution not in RESOLUTIONS for resolution in resolutions):
        raise _invalid("allowed_resolutions", f"Choose from {', '.join(RESOLUTIONS)}.", ReturnErrorCode.INVALID_RESOLUTION)
    preset = get("preset")
    if preset not in PRESETS:
        raise _invalid("preset", f"Choose from {', '.join(p for p in PRESETS if p)}.")

    overrides = []
    for index, raw in enumerate(get("overrides")):
        path = f"overrides.{index}"
        raw = _to_json(raw) if dataclasses.is_dataclass(raw) else raw
        if not isinstance(raw, Mapping) or raw.get("kind") not in OVERRIDE_KINDS or not raw.get("id"):
            raise _invalid(path, f"An override needs a kind ({', '.join(OVERRIDE_KINDS)}) and an id.")
        overrides.append(
            Override(
                kind=raw["kind"],
                id=str(raw["id"]),
                window_days=_optional(raw.get("window_days"), _int, f"{path}.window_days"),
                is_returnable=_bool(raw.get("is_returnable", True), f"{path}.is_returnable"),
            )
        )

    fees = []
    for index, raw in enumerate(get("restocking_fees")):
        path = f"restocking_fees.{index}"
        raw = _to_json(raw) if dataclasses.is_dataclass(raw) else raw
        if not isinstance(raw, Mapping):
            raise _invalid(path, "Must be an object.")
        percentage = _optional(raw.get("percentage"), _decimal, f"{path}.percentage", maximum=Decimal(100))
        fixed = _optional(raw.get("fixed_amount"), _decimal, f"{path}.fixed_amount")
        if (percentage is None) == (fixed is None):
            raise _invalid(path, "Give either a percentage or a fixed amount.")
        fees.append(
            RestockingFee(
                percentage=percentage,
                fixed_amount=fixed,
                reason_codes=_codes(raw.get("reason_codes", []), f"{path}.reason_codes"),
                category_ids=_codes(raw.get("category_ids", []), f"{path}.category_ids"),
            )
        )

    raw_auto = get("auto_approval")
    raw_auto = _to_json(raw_auto) if dataclasses.is_dataclass(raw_auto) else raw_auto
    if not isinstance(raw_auto, Mapping):
        raise _invalid("auto_approval", "Must be an object.")
    unknown_auto = sorted(set(raw_auto) - {f.name for f in dataclasses.fields(AutoApproval)})
    if unknown_auto:
        raise _invalid(f"auto_approval.{unknown_auto[0]}", "Unknown auto-approval setting.")
    auto = AutoApproval(
        enabled=_bool(raw_auto.get("enabled", False), "auto_approval.enabled"),
        max_value=_optional(raw_auto.get("max_value"), _decimal, "auto_approval.max_value"),
        reason_codes=_codes(raw_auto.get("reason_codes", []), "auto_approval.reason_codes"),
        max_customer_return_rate=_optional(
            raw_auto.get("max_customer_return_rate"), _decimal, "auto_approval.max_customer_return_rate", maximum=Decimal(1)
        ),
        max_order_age_days=_optional(raw_auto.get("max_order_age_days"), _int, "auto_approval.max_order_age_days"),
        require_no_risk_flag=_bool(raw_auto.get("require_no_risk_flag", True), "auto_approval.require_no_risk_flag"),
        approve_vip_beyond_rules=_bool(
            raw_auto.get("approve_vip_beyond_rules", False), "auto_approval.approve_vip_beyond_rules"
        ),
    )

    keep_item = get("keep_item_max_value")
    instant = get("instant_refund_max_value")
    rules = PolicyRules(
        window_days=_int(get("window_days"), "window_days"),
        time_zone=time_zone,
        delivered_at_metadata_key=str(get("delivered_at_metadata_key")),
        final_sale_metadata_key=str(get("final_sale_metadata_key")),
        overrides=tuple(overrides),
        allowed_resolutions=resolutions,
        allowed_reason_codes=_codes(get("allowed_reason_codes"), "allowed_reason_codes"),
        photo_required_reason_codes=_codes(get("photo_required_reason_codes"), "photo_required_reason_codes"),
        restocking_fees=tuple(fees),
        customer_return_shipping_fee=_decimal(get("customer_return_shipping_fee"), "customer_return_shipping_fee"),
        refund_original_shipping_on_merchant_fault=_bool(
            get("refund_original_shipping_on_merchant_fault"), "refund_original_shipping_on_merchant_fault"
        ),
        refund_original_shipping_on_withdrawal=_bool(
            get("refund_original_shipping_on_withdrawal"), "refund_original_shipping_on_withdrawal"
        ),
        store_credit_bonus_percentage=_decimal(
            get("store_credit_bonus_percentage"), "store_credit_bonus_percentage", maximum=Decimal(100)
        ),
        keep_item_max_value=None if keep_item is None else _decimal(keep_item, "keep_item_max_value"),
        instant_refund_max_value=None if instant is None else _decimal(instant, "instant_refund_max_value"),
        exchange_shipping_charged=_bool(get("exchange_shipping_charged"), "exchange_shipping_charged"),
        approved_return_expiry_days=_int(get("approved_return_expiry_days"), "approved_return_expiry_days", minimum=1),
        no_scan_flag_days=_int(get("no_scan_flag_days"), "no_scan_flag_days", minimum=1),
        ship_reminder_days=_int(get("ship_reminder_days"), "ship_reminder_days"),
        survey_enabled=_bool(get("survey_enabled"), "survey_enabled"),
        survey_delay_days=_int(get("survey_delay_days"), "survey_delay_days", maximum=365),
        **{name: _int(get(name), name, minimum=1, maximum=TARGET_HOURS_MAX) for name in TARGET_FIELDS},
        auto_approval=auto,
        preset=preset,
    )
    if "ship_reminder_days" not in data:
        # Rules given (or saved) without it remind at the latest the day before their returns expire.
        latest = rules.approved_return_expiry_days - 1
        rules = dataclasses.replace(rules, ship_reminder_days=min(rules.ship_reminder_days, latest))
    elif rules.ship_reminder_days >= rules.approved_return_expiry_days:
        raise _invalid(
            "ship_reminder_days",
            f"Remind before an approved return expires: fewer than {rules.approved_return_expiry_days} days,"
            " or 0 for no reminder.",
        )
    return rules


def apply_preset(rules: PolicyRules, preset: str) -> PolicyRules:
    """Set the fields a legal preset fixes; everything else is kept.

    - cn_7_day: China's 7-day no-reason return (七天无理由退货): 7 days from
      delivery, any reason; the customer pays return shipping unless the
      merchant is at fault.
    - eu_14_day: the EU 14-day right of withdrawal: 14 days from delivery, no
      reason needed; the original standard delivery cost is refunded, the
      direct cost of returning is the customer's unless the merchant is at fault.
    """
    if preset not in PRESETS:
        raise _invalid("preset", f"Choose from {', '.join(p for p in PRESETS if p)}.")
    if preset == "cn_7_day":
        return dataclasses.replace(rules, preset=preset, window_days=max(rules.window_days, 7), allowed_reason_codes=())
    if preset == "eu_14_day":
        return dataclasses.replace(
            rules,
            preset=preset,
            window_days=max(rules.window_days, 14),
            allowed_reason_codes=(),
            refund_original_shipping_on_withdrawal=True,
            allowed_resolutions=tuple(dict.fromkeys(("refund", *rules.allowed_resolutions))),
        )
    return dataclasses.replace(rules, preset="")
