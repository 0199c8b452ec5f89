"""The eligibility engine and the review checks of a return policy.

Pure functions over an order snapshot from Saleor, the policy rules and the
quantities already requested: no database, no network. Each rule returns None
or `Ineligible(code, message)`; `check_eligibility()` returns every reason at
once, per line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_datetime

from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.policy_rules import Override, PolicyRules

# Fulfillment metadata key the app writes on the RETURNED fulfillments it
# creates in Saleor, so its own returns are told apart from returns made in
# Saleor's Dashboard.
FULFILLMENT_RMA_KEY = "saleor-returns.rma"
# Saleor fulfillment statuses.
SHIPPED_OPEN = "FULFILLED"
RETURNED_STATUSES = frozenset({"RETURNED", "REFUNDED_AND_RETURNED", "REPLACED"})
# Orders that were never placed or were called off have nothing to return.
UNRETURNABLE_ORDER_STATUSES = frozenset({"DRAFT", "UNCONFIRMED", "CANCELED", "EXPIRED"})


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


def auto_approves(rules: PolicyRules, checks: list[Check], *, customer_status: str = "") -> bool:
    """Every check passed, or a VIP passed the risk check where the policy lets VIPs past the rest.

    A customer the shop blocked or watches is never approved automatically: staff decide.
    """
    auto = rules.auto_approval
    if not auto.enabled or customer_status in ("block", "watch"):
        return False
    if customer_status == "vip" and auto.approve_vip_beyond_rules:
        return all(check.passed for check in checks if check.name == "risk_flags")
    return all(check.passed for check in checks)
