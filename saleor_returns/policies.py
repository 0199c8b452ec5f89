"""The return policy and the eligibility engine.

Pure functions over an order snapshot from Saleor, the policy rules and the
quantities already requested: no database, no network. Each rule returns None
or `Ineligible(code, message)`; `check_eligibility()` returns every reason at
once, per line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from saleor_returns.error_codes import ReturnErrorCode

# Fulfillment metadata key the app writes on the RETURNED fulfillments it
# creates in Saleor, so its own returns are told apart from returns made in
# Saleor's Dashboard.
FULFILLMENT_RMA_KEY = "saleor-returns.rma"

RESOLUTIONS = ("refund", "store_credit", "exchange", "keep_item")
PRESETS = ("", "cn_7_day", "eu_14_day")
OVERRIDE_KINDS = ("product_type", "category", "collection")
# Saleor fulfillment statuses.
SHIPPED_OPEN = "FULFILLED"
RETURNED_STATUSES = frozenset({"RETURNED", "REFUNDED_AND_RETURNED", "REPLACED"})
# Orders that were never placed or were called off have nothing to return.
UNRETURNABLE_ORDER_STATUSES = frozenset({"DRAFT", "UNCONFIRMED", "CANCELED", "EXPIRED"})


# --------------------------------------------------------------------------- policy rules


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
    )

    keep_item = get("keep_item_max_value")
    instant = get("instant_refund_max_value")
    return PolicyRules(
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
        auto_approval=auto,
        preset=preset,
    )


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


# --------------------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class Ineligible:
    code: ReturnErrorCode
    message: str


@dataclass(frozen=True)
class LineEligibility:
    order_line_id: str
    shipped_quantity: int
    returnable_quantity: int
    window_starts_at: datetime | None
    deadline: datetime | None
    allowed_reason_codes: tuple[str, ...]
    allowed_resolutions: tuple[str, ...]
    ineligible: tuple[Ineligible, ...]

    @property
    def is_returnable(self) -> bool:
        return self.returnable_quantity > 0 and not self.ineligible


@dataclass(frozen=True)
class ReasonInfo:
    code: str
    is_merchant_fault: bool


def _is_true(value) -> bool:
    return str(value).strip().lower() in {"true", "1", "yes"}


def _line_quantities(order, line_id: str) -> tuple[int, int, int]:
    """(still with the customer per Saleor, returned by this app in Saleor, shipped in all)."""
    open_quantity = returned_by_app = shipped = 0
    for fulfillment in order.fulfillments:
        for _fulfillment_line_id, order_line_id, quantity in fulfillment.lines:
            if order_line_id != line_id:
                continue
            if fulfillment.status == SHIPPED_OPEN:
                open_quantity += quantity
                shipped += quantity
            elif fulfillment.status in RETURNED_STATUSES:
                shipped += quantity
                if (fulfillment.metadata or {}).get(FULFILLMENT_RMA_KEY):
                    returned_by_app += quantity
    return open_quantity, returned_by_app, shipped


def window_start(order, line_id: str, rules: PolicyRules) -> datetime | None:
    """When the return window of a line starts: delivery, or else the fulfillment.

    A line shipped in several parcels counts from the latest one, the reading
    most favourable to the customer.
    """
    starts = []
    for fulfillment in order.fulfillments:
        if fulfillment.status != SHIPPED_OPEN and fulfillment.status not in RETURNED_STATUSES:
            continue
        if not any(order_line_id == line_id for _, order_line_id, _ in fulfillment.lines):
            continue
        delivered = (fulfillment.metadata or {}).get(rules.delivered_at_metadata_key)
        delivered_at = parse_datetime(delivered) if isinstance(delivered, str) else None
        if delivered_at is not None and delivered_at.tzinfo is not None:
            starts.append(delivered_at)
        else:
            starts.append(fulfillment.created)
    return max(starts) if starts else None


def deadline_for(start: datetime, window_days: int, time_zone: str) -> datetime:
    """The last moment of the window: end of the last day, in the shop's time zone."""
    zone = ZoneInfo(time_zone)
    last_day = start.astimezone(zone).date() + timedelta(days=window_days)
    return datetime.combine(last_day, time.max, tzinfo=zone)


def matching_overrides(line, rules: PolicyRules) -> list[Override]:
    collections = set(line.collection_ids or ())
    return [
        override
        for override in rules.overrides
        if (override.kind == "product_type" and override.id == line.product_type_id)
        or (override.kind == "category" and override.id == line.category_id)
        or (override.kind == "collection" and override.id in collections)
    ]


def window_days_for(line, rules: PolicyRules) -> int:
    """The policy's window, or the most generous window among the overrides that match."""
    specific = [override.window_days for override in matching_overrides(line, rules) if override.window_days is not None]
    return max(specific) if specific else rules.window_days


def order_status_rule(order) -> Ineligible | None:
    if order.status in UNRETURNABLE_ORDER_STATUSES:
        return Ineligible(ReturnErrorCode.ORDER_NOT_RETURNABLE, "This order cannot be returned.")
    return None


def not_fulfilled_rule(shipped: int) -> Ineligible | None:
    if shipped == 0:
        return Ineligible(ReturnErrorCode.NOT_FULFILLED, "This item has not been shipped yet.")
    return None


def final_sale_rule(line, rules: PolicyRules) -> Ineligible | None:
    if _is_true((line.metadata or {}).get(rules.final_sale_metadata_key, "")):
        return Ineligible(ReturnErrorCode.FINAL_SALE, "This item was a final sale.")
    return None


def not_returnable_rule(line, rules: PolicyRules) -> Ineligible | None:
    if any(not override.is_returnable for override in matching_overrides(line, rules)):
        return Ineligible(ReturnErrorCode.NOT_RETURNABLE, "This item cannot be returned.")
    return None


def window_rule(deadline: datetime | None, now: datetime) -> Ineligible | None:
    if deadline is not None and now > deadline:
        return Ineligible(ReturnErrorCode.WINDOW_EXPIRED, "The return window for this item has closed.")
    return None


def already_returned_rule(shipped: int, remaining: int) -> Ineligible | None:
    if shipped > 0 and remaining <= 0:
        return Ineligible(ReturnErrorCode.ALREADY_RETURNED, "Every shipped unit of this item is already returned.")
    return None


def check_eligibility(
    *,
    order,
    rules: PolicyRules,
    already_requested: Mapping[str, int],
    now: datetime,
    reasons: Iterable[ReasonInfo] = (),
) -> list[LineEligibility]:
    """Per order line: how many units can be returned until when, or every reason why not.

    `already_requested` maps order line ids to the units this app's open or
    completed requests hold. The returnable quantity is never more than what
    is still with the customer: shipped, minus units returned in Saleor outside
    the app, minus units already requested here.
    """
    reason_codes = tuple(
        reason.code for reason in reasons if not rules.allowed_reason_codes or reason.code in rules.allowed_reason_codes
    )
    order_problem = order_status_rule(order)
    results = []
    for line in order.lines:
        open_quantity, returned_by_app, shipped = _line_quantities(order, line.id)
        remaining = max(0, open_quantity + returned_by_app - int(already_requested.get(line.id, 0)))
        start = window_start(order, line.id, rules)
        deadline = deadline_for(start, window_days_for(line, rules), rules.time_zone) if start else None
        problems = [
            problem
            for problem in (
                order_problem,
                not_fulfilled_rule(shipped),
                final_sale_rule(line, rules),
                not_returnable_rule(line, rules),
                window_rule(deadline, now),
                already_returned_rule(shipped, remaining),
            )
            if problem is not None
        ]
        results.append(
            LineEligibility(
                order_line_id=line.id,
                shipped_quantity=shipped,
                returnable_quantity=0 if problems else remaining,
                window_starts_at=start,
                deadline=deadline,
                allowed_reason_codes=reason_codes,
                allowed_resolutions=rules.allowed_resolutions,
                ineligible=tuple(problems),
            )
        )
    return results


def hard_limit(order, line_id: str, already_requested: Mapping[str, int]) -> int:
    """Units that can physically still come back, whatever the policy (staff overrides stop here)."""
    open_quantity, returned_by_app, _ = _line_quantities(order, line_id)
    return max(0, open_quantity + returned_by_app - int(already_requested.get(line_id, 0)))


# --------------------------------------------------------------------------- review


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def auto_approval_checks(
    *,
    rules: PolicyRules,
    request_value: Decimal,
    reason_codes: Iterable[str],
    customer_return_rate: Decimal | None,
    order_age_days: int | None,
    risk_reasons: Iterable[str],
) -> list[Check]:
    """Each configured auto-approval rule, evaluated. Approve only if all pass."""
    auto = rules.auto_approval
    checks = []
    if auto.max_value is not None:
        checks.append(Check("max_value", request_value <= auto.max_value, f"{request_value} of at most {auto.max_value}"))
    if auto.reason_codes:
        outside = sorted(set(reason_codes) - set(auto.reason_codes))
        checks.append(Check("reasons", not outside, "outside the set: " + ", ".join(outside) if outside else "all in the set"))
    if auto.max_customer_return_rate is not None:
        passed = customer_return_rate is not None and customer_return_rate <= auto.max_customer_return_rate
        checks.append(Check("customer_return_rate", passed, f"{customer_return_rate} of at most {auto.max_customer_return_rate}"))
    if auto.max_order_age_days is not None:
        passed = order_age_days is not None and order_age_days <= auto.max_order_age_days
        checks.append(Check("order_age_days", passed, f"{order_age_days} of at most {auto.max_order_age_days}"))
    if auto.require_no_risk_flag:
        flags = sorted(risk_reasons)
        checks.append(Check("risk_flags", not flags, ", ".join(flags) or "none"))
    return checks


def auto_approves(rules: PolicyRules, checks: list[Check]) -> bool:
    return rules.auto_approval.enabled and all(check.passed for check in checks)
