"""Staff query `returnKpiReview`: a period's key figures beside those of the period before (or the year before)."""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError

from saleor_returns.analytics import review as kpi
from saleor_returns.api.analytics import ReturnAnalyticsPeriodInput, period_errors
from saleor_returns.api.errors import ReturnError
from saleor_returns.api.queries import require_staff
from saleor_returns.api.returners import ReturnSpikeAlert
from saleor_returns.api.types.common import Money, money

ReturnKpiComparison = graphene.Enum(
    "ReturnKpiComparison", [(name.upper(), name) for name in kpi.COMPARISONS],
    description="PREVIOUS_PERIOD: the period just before (whole months: as many months before, so a quarter is "
    "set against the quarter before; else as many days). PREVIOUS_YEAR: the same days a year before.",
)
ReturnKpiDirection = graphene.Enum("ReturnKpiDirection", [("UP", "up"), ("DOWN", "down"), ("SAME", "same")])


def _float(value) -> float | None:
    return None if value is None else float(value)


def _direction(change: kpi.Change):
    return change.direction or None


class ReturnKpiChange(graphene.ObjectType):
    """A count, hours or an average: this period's, the compared period's, and the change."""

    current = graphene.Float()
    previous = graphene.Float()
    change = graphene.Float(description="current − previous.")
    relative_change = graphene.Float(description="The change as a share of previous; null when previous is 0 or null.")
    direction = graphene.Field(ReturnKpiDirection)

    @staticmethod
    def of(change: kpi.Change) -> ReturnKpiChange:
        return ReturnKpiChange(
            current=_float(change.current), previous=_float(change.previous), change=_float(change.difference),
            relative_change=_float(change.relative), direction=_direction(change),
        )


class ReturnKpiRateChange(graphene.ObjectType):
    """A rate or share (0 to 1): this period's, the compared period's, and the change in percentage points."""

    current = graphene.Float()
    previous = graphene.Float()
    change_points = graphene.Float(description="(current − previous) × 100, in percentage points.")
    direction = graphene.Field(ReturnKpiDirection)

    @staticmethod
    def of(change: kpi.Change) -> ReturnKpiRateChange:
        return ReturnKpiRateChange(
            current=_float(change.current), previous=_float(change.previous), change_points=_float(change.points),
            direction=_direction(change),
        )


class ReturnKpiMoneyChange(graphene.ObjectType):
    """An amount in one currency: this period's, the compared period's, and the change."""

    current = graphene.Field(Money, required=True)
    previous = graphene.Field(Money, required=True)
    change = graphene.Field(Money, required=True)
    relative_change = graphene.Float()
    direction = graphene.Field(ReturnKpiDirection)

    @staticmethod
    def of(change: kpi.Change, currency: str) -> ReturnKpiMoneyChange:
        return ReturnKpiMoneyChange(
            current=money(change.current, currency), previous=money(change.previous, currency),
            change=money(change.difference, currency), relative_change=_float(change.relative),
            direction=_direction(change),
        )


class ReturnKpiPeriod(graphene.ObjectType):
    from_ = graphene.Date(required=True, name="from")
    to = graphene.Date(required=True)

    @staticmethod
    def of(scope) -> ReturnKpiPeriod:
        return ReturnKpiPeriod(from_=scope.first, to=scope.last)


class ReturnKpiCurrency(graphene.ObjectType):
    """Return rate and refund rate in one currency (never added across currencies)."""

    currency = graphene.String(required=True)
    sold_units = graphene.Field(ReturnKpiChange, required=True)
    returned_units = graphene.Field(ReturnKpiChange, required=True)
    return_rate_units = graphene.Field(ReturnKpiRateChange, required=True)
    sold_value = graphene.Field(ReturnKpiMoneyChange, required=True, description="Net value sold.")
    returned_value = graphene.Field(ReturnKpiMoneyChange, required=True, description="Net value returned.")
    return_rate_value = graphene.Field(ReturnKpiRateChange, required=True)
    refunded_value = graphene.Field(ReturnKpiMoneyChange, required=True, description="Refunds confirmed.")
    refund_rate = graphene.Field(ReturnKpiRateChange, required=True, description="Refunded / sold value.")


class ReturnKpiTimeToRefund(graphene.ObjectType):
    """Elapsed hours from the request to the refund or store credit confirmed, over the period's requests."""

    requests = graphene.Field(ReturnKpiChange, required=True, description="Requests paid.")
    median_hours = graphene.Field(ReturnKpiChange, required=True)
    p90_hours = graphene.Field(ReturnKpiChange, required=True, description="The 90th percentile.")
    within_target_share = graphene.Field(ReturnKpiRateChange, required=True)
    target_hours = graphene.Int(required=True, description="The policy's target_hours_request_to_money.")


class ReturnKpiSatisfaction(graphene.ObjectType):
    responses = graphene.Field(ReturnKpiChange, required=True)
    average_rating = graphene.Field(ReturnKpiChange, required=True, description="1 to 5.")
    response_rate = graphene.Field(ReturnKpiRateChange, required=True, description="Answers per closed return.")


class ReturnKpiReason(graphene.ObjectType):
    reason_code = graphene.String(required=True)
    units = graphene.Field(ReturnKpiChange, required=True)
    share = graphene.Field(ReturnKpiRateChange, required=True, description="Of every unit returned.")


class ReturnKpiVariant(graphene.ObjectType):
    variant_id = graphene.String(required=True)
    label = graphene.String(required=True, description="Product / SKU.")
    currency = graphene.String(required=True)
    returned_units = graphene.Field(ReturnKpiChange, required=True)
    sold_units = graphene.Field(ReturnKpiChange, required=True)
    return_rate_units = graphene.Field(ReturnKpiRateChange, required=True)
    returned_value = graphene.Field(ReturnKpiMoneyChange, required=True)


class ReturnKpiAlert(ReturnSpikeAlert):
    """A spike alert of a week overlapping the period, with what staff noted about it."""

    label = graphene.String(required=True, description="Product / SKU, as the ledger last saw the variant.")

    def resolve_label(alert, info):
        return " / ".join(part for part in (alert.product_name, alert.sku) if part)


def _currency(row: kpi.CurrencyKpis) -> ReturnKpiCurrency:
    amounts = {name: ReturnKpiMoneyChange.of(getattr(row, name), row.currency)
               for name in ("sold_value", "returned_value", "refunded_value")}
    rates = {name: ReturnKpiRateChange.of(getattr(row, name))
             for name in ("return_rate_units", "return_rate_value", "refund_rate")}
    return ReturnKpiCurrency(
        currency=row.currency, sold_units=ReturnKpiChange.of(row.sold_units),
        returned_units=ReturnKpiChange.of(row.returned_units), **amounts, **rates,
    )


class ReturnKpiReview(graphene.ObjectType):
    """The KPI review of a period of the shop's days against the period compared with; null figures with errors."""

    errors = graphene.List(graphene.NonNull(ReturnError), required=True, description="Why the period was refused.")
    period = graphene.Field(ReturnKpiPeriod)
    previous_period = graphene.Field(ReturnKpiPeriod, description="The period compared with.")
    compare_to = graphene.Field(ReturnKpiComparison)
    time_zone = graphene.String()
    channel = graphene.String(description="The channel's slug; null for every channel.")
    currencies = graphene.List(graphene.NonNull(ReturnKpiCurrency), description="One row per currency.")
    time_to_refund = graphene.Field(ReturnKpiTimeToRefund)
    satisfaction = graphene.Field(ReturnKpiSatisfaction)
    top_reasons = graphene.List(graphene.NonNull(ReturnKpiReason), description=f"At most {kpi.TOP_REASONS}.")
    top_variants = graphene.List(
        graphene.NonNull(ReturnKpiVariant), description=f"By units returned, at most {kpi.TOP_VARIANTS}."
    )
    alerts = graphene.List(
        graphene.NonNull(ReturnKpiAlert),
        description="Spike alerts of the weeks overlapping the period (every channel).",
    )
    alert_count = graphene.Field(ReturnKpiChange)


def review_payload(review: kpi.KpiReview) -> ReturnKpiReview:
    time = review.time_to_refund
    return ReturnKpiReview(
        errors=[],
        period=ReturnKpiPeriod.of(review.scope),
        previous_period=ReturnKpiPeriod.of(review.previous_scope),
        compare_to=review.comparison,
        time_zone=review.scope.time_zone.key,
        channel=review.scope.channel_slug or None,
        currencies=[_currency(row) for row in review.currencies],
        time_to_refund=ReturnKpiTimeToRefund(
            requests=ReturnKpiChange.of(time.count), median_hours=ReturnKpiChange.of(time.median_hours),
            p90_hours=ReturnKpiChange.of(time.p90_hours),
            within_target_share=ReturnKpiRateChange.of(time.within_target_share), target_hours=time.target_hours,
        ),
        satisfaction=ReturnKpiSatisfaction(
            responses=ReturnKpiChange.of(review.satisfaction.responses),
            average_rating=ReturnKpiChange.of(review.satisfaction.average_rating),
            response_rate=ReturnKpiRateChange.of(review.satisfaction.response_rate),
        ),
        top_reasons=[
            ReturnKpiReason(reason_code=row.reason_code, units=ReturnKpiChange.of(row.units),
                            share=ReturnKpiRateChange.of(row.share))
            for row in review.reasons
        ],
        top_variants=[
            ReturnKpiVariant(
                variant_id=row.variant_id, label=row.label, currency=row.currency,
                returned_units=ReturnKpiChange.of(row.returned_units), sold_units=ReturnKpiChange.of(row.sold_units),
                return_rate_units=ReturnKpiRateChange.of(row.return_rate_units),
                returned_value=ReturnKpiMoneyChange.of(row.returned_value, row.currency),
            )
            for row in review.variants
        ],
        alerts=review.alerts,
        alert_count=ReturnKpiChange.of(review.alert_count),
    )


class KpiReviewQuery(graphene.ObjectType):
    return_kpi_review = graphene.Field(
        ReturnKpiReview,
        required=True,
        period=ReturnAnalyticsPeriodInput(required=True),
        channel=graphene.String(description="A channel's slug; none for every channel."),
        compare_to=graphene.Argument(ReturnKpiComparison, default_value=kpi.PREVIOUS_PERIOD),
        description=(
            "Staff: the KPI review of a period of the shop's days against the period before or the year before."
        ),
    )

    def resolve_return_kpi_review(root, info, period, channel=None, compare_to=kpi.PREVIOUS_PERIOD):
        requestor = require_staff(info)
        try:
            review = kpi.kpi_review(
                requestor.installation, period.from_, period.to, channel, getattr(compare_to, "value", compare_to)
            )
        except ValidationError as refused:
            return ReturnKpiReview(errors=period_errors(refused))
        return review_payload(review)

