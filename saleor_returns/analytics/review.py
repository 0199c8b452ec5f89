"""The KPI review: a period's key figures beside those of the period it is compared with.

Every figure comes from the analytics figures (computed in PostgreSQL over the rollups and the
return rows); this module only sets the two periods side by side. The period compared with is
either the one before it (`previous_period`: as many whole months before when the period is whole
calendar months, so a quarter is set against the quarter before; else as many days before) or the
same days a year before (`previous_year`). Money is per currency: a currency's figures are compared
only with the same currency's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from saleor_returns.analytics.figures import outcomes, rates, stages
from saleor_returns.analytics.figures.satisfaction import scope_satisfaction
from saleor_returns.analytics.figures.scope import Scope, fetch, scope_for
from saleor_returns.analytics.spikes import week_start_of
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.models import Installation, SoldVariant, SpikeAlert

PREVIOUS_PERIOD = "previous_period"
PREVIOUS_YEAR = "previous_year"
COMPARISONS = (PREVIOUS_PERIOD, PREVIOUS_YEAR)
TOP_REASONS = 5
TOP_VARIANTS = 10
# The stage whose times are the time to refund.
TIME_TO_REFUND = "request_to_money"
FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Change:
    """A figure of the period and of the period compared with; None where there is no figure."""

    current: Decimal | None
    previous: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return Decimal(self.current) - Decimal(self.previous)

    @property
    def points(self) -> Decimal | None:
        """The difference of two rates in percentage points."""
        difference = self.difference
        return None if difference is None else (difference * 100).quantize(TWO_PLACES)

    @property
    def relative(self) -> Decimal | None:
        """The difference as a share of the previous figure; None when there was none."""
        difference = self.difference
        if difference is None or not self.previous:
            return None
        return (difference / Decimal(self.previous)).quantize(FOUR_PLACES)

    @property
    def direction(self) -> str:
        """up, down or same; empty when either side has no figure."""
        difference = self.difference
        if difference is None:
            return ""
        return "up" if difference > 0 else "down" if difference < 0 else "same"


@dataclass(frozen=True)
class CurrencyKpis:
    """Return rate and refund rate in one currency."""

    currency: str
    sold_units: Change
    returned_units: Change
    return_rate_units: Change
    sold_value: Change
    returned_value: Change
    return_rate_value: Change
    refunded_value: Change
    refund_rate: Change


@dataclass(frozen=True)
class TimeToRefund:
    """Hours from the request to the money (refund or store credit confirmed), and the share within the target."""

    count: Change
    median_hours: Change
    p90_hours: Change
    within_target_share: Change
    target_hours: int


@dataclass(frozen=True)
class SatisfactionKpis:
    responses: Change
    average_rating: Change
    response_rate: Change


@dataclass(frozen=True)
class ReasonChange:
    reason_code: str
    units: Change
    share: Change


@dataclass(frozen=True)
class VariantChange:
    variant_id: str
    label: str
    currency: str
    returned_units: Change
    sold_units: Change
    return_rate_units: Change
    returned_value: Change


@dataclass(frozen=True)
class KpiReview:
    scope: Scope
    previous_scope: Scope
    comparison: str
    currencies: list[CurrencyKpis]
    time_to_refund: TimeToRefund
    satisfaction: SatisfactionKpis
    reasons: list[ReasonChange]
    variants: list[VariantChange]
    alerts: list[SpikeAlert]
    alert_count: Change


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def compared_period(first: date, last: date, comparison: str = PREVIOUS_PERIOD) -> tuple[date, date]:
    """The first and last day of the period that `first` to `last` is compared with."""
    if comparison not in COMPARISONS:
        raise invalid("compare", f"Choose from {', '.join(COMPARISONS)}.", ReturnErrorCode.INVALID)
    if comparison == PREVIOUS_YEAR:
        return _year_before(first), _year_before(last)
    if first.day == 1 and (last + timedelta(days=1)).day == 1 and last >= first:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        return _months_before(first, months), first - timedelta(days=1)
    length = last - first
    return first - length - timedelta(days=1), first - timedelta(days=1)


def _currency_kpis(scope: Scope, previous: Scope) -> list[CurrencyKpis]:
    figures = {}
    for side, which in ((0, scope), (1, previous)):
        for row in rates.rate_totals(which):
            figures.setdefault(row.currency, [{}, {}])[side].update(
                sold_units=row.sold_units, returned_units=row.returned_units, sold_value=row.sold_value,
                returned_value=row.returned_value, return_rate_units=row.return_rate_units,
                return_rate_value=row.return_rate_value,
            )
        for row in outcomes.refunds_against_sales(which):
            figures.setdefault(row.currency, [{}, {}])[side].update(
                sold_value=row.sold_value, refunded_value=row.refunded_value, refund_rate=row.refund_rate,
            )
    zero_when_absent = ("sold_units", "returned_units", "sold_value", "returned_value", "refunded_value")

    def change(now: dict, before: dict, name: str) -> Change:
        default = 0 if name in zero_when_absent else None
        return Change(now.get(name, default), before.get(name, default))

    return [
        CurrencyKpis(currency=currency, **{
            name: change(now, before, name)
            for name in ("sold_units", "returned_units", "return_rate_units", "sold_value", "returned_value",
                         "return_rate_value", "refunded_value", "refund_rate")
        })
        for currency, (now, before) in sorted(figures.items())
    ]


def _time_to_refund(installation: Installation, scope: Scope, previous: Scope) -> TimeToRefund:
    rules = stages.stage_targets(installation, scope.channel_slug)
    now, before = (
        next(row for row in stages.stage_times(which, rules) if row.stage == TIME_TO_REFUND)
        for which in (scope, previous)
    )

    def hours(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    return TimeToRefund(
        count=Change(now.count, before.count),
        median_hours=Change(hours(now.median_hours), hours(before.median_hours)),
        p90_hours=Change(hours(now.p90_hours), hours(before.p90_hours)),
        within_target_share=Change(now.within_target_share, before.within_target_share),
        target_hours=now.target_hours,
    )


def _satisfaction(scope: Scope, previous: Scope) -> SatisfactionKpis:
    now, before = scope_satisfaction(scope), scope_satisfaction(previous)

    def decimal(value: float | None, places: Decimal) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(places)

    return SatisfactionKpis(
        responses=Change(now.responses, before.responses),
        average_rating=Change(decimal(now.average_rating, TWO_PLACES), decimal(before.average_rating, TWO_PLACES)),
        response_rate=Change(decimal(now.response_rate, FOUR_PLACES), decimal(before.response_rate, FOUR_PLACES)),
    )


def _reasons(scope: Scope, previous: Scope) -> list[ReasonChange]:
    before = {row.reason_code: row for row in rates.reasons(previous)}
    changes = []
    for row in rates.reasons(scope)[:TOP_REASONS]:
        earlier = before.get(row.reason_code)
        changes.append(ReasonChange(
            reason_code=row.reason_code,
            units=Change(row.units, earlier.units if earlier else 0),
            share=Change(row.share, earlier.share if earlier else None),
        ))
    return changes


def _variants(scope: Scope, previous: Scope) -> list[VariantChange]:
    top = rates.return_rates(scope, "variant", sort="returned_units", first=TOP_VARIANTS).rows
    if not top:
        return []
    sql, params = rates.return_rate_sql(previous, "variant")
    earlier = {
        (key, currency): (int(sold_units), int(returned_units), returned_value, rate)
        for key, currency, sold_units, returned_units, returned_value, rate in fetch(
            f"""
            SELECT key, currency, sold_units, returned_units, returned_value, return_rate_units
            FROM ({sql}) AS rows WHERE key = ANY(%s)
            """,
            [*params, sorted({row.key for row in top})],
        )
    }
    changes = []
    for row in top:
        sold_units, returned_units, returned_value, rate = earlier.get((row.key, row.currency), (0, 0, 0, None))
        changes.append(VariantChange(
            variant_id=row.key, label=row.label, currency=row.currency,
            returned_units=Change(row.returned_units, returned_units), sold_units=Change(row.sold_units, sold_units),
            return_rate_units=Change(row.return_rate_units, rate),
            returned_value=Change(row.returned_value, Decimal(returned_value)),
        ))
    return changes


def alerts_in(scope: Scope):
    """The spike alerts of the weeks that overlap the scope's days (alerts are over every channel), latest first,
    each with its variant's `product_name` and `sku` from the ledger."""
    variant = SoldVariant.objects.filter(installation_id=scope.installation_id, variant_id=OuterRef("variant_id"))
    return (
        SpikeAlert.objects.filter(
            installation_id=scope.installation_id, week_start__gte=week_start_of(scope.first),
            week_start__lte=scope.last,
        )
        .annotate(
            product_name=Coalesce(Subquery(variant.values("product_name")[:1]), Value("")),
            sku=Coalesce(Subquery(variant.values("sku")[:1]), Value("")),
        )
        .order_by("-week_start", "-rate_lower_bound", "variant_id")
    )


def kpi_review(
    installation: Installation, first: date, last: date, channel_slug: str | None = None,
    comparison: str = PREVIOUS_PERIOD,
) -> KpiReview:
    """The review of `first` to `last` (the shop's days) against the period compared with; raises a field
    error for a period refused as the analytics refuse it."""
    scope = scope_for(installation, first, last, channel_slug)
    try:
        previous_days = compared_period(first, last, comparison)
    except (OverflowError, ValueError):
        raise invalid("from", "The period compared with would start before year 1.", ReturnErrorCode.INVALID) from None
    previous = scope_for(installation, *previous_days, channel_slug)
    alerts = list(alerts_in(scope))
    return KpiReview(
        scope=scope, previous_scope=previous, comparison=comparison,
        currencies=_currency_kpis(scope, previous),
        time_to_refund=_time_to_refund(installation, scope, previous),
        satisfaction=_satisfaction(scope, previous),
        reasons=_reasons(scope, previous),
        variants=_variants(scope, previous),
        alerts=alerts,
        alert_count=Change(len(alerts), alerts_in(previous).count()),
    )
