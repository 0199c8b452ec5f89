"""Staff query `returnAnalytics`: the return analytics figures for a period of the shop's days and a channel."""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError

from saleor_returns.analytics.figures import outcomes, rates, stages
from saleor_returns.analytics.figures.satisfaction import scope_satisfaction
from saleor_returns.analytics.figures.scope import scope_for
from saleor_returns.api.errors import ReturnError, errors_from_validation
from saleor_returns.api.queries import require_staff
from saleor_returns.api.surveys import ReturnSatisfaction, satisfaction_type
from saleor_returns.api.types.common import Money, money
from saleor_returns.models import Disposition, Installation

MAX_PAGE = 500

ReturnAnalyticsDimension = graphene.Enum(
    "ReturnAnalyticsDimension", [(name.upper(), name) for name in rates.DIMENSIONS]
)
ReturnRateSort = graphene.Enum("ReturnRateSort", [(name.upper(), name) for name in rates.SORTS])


class ReturnAnalyticsPeriodInput(graphene.InputObjectType):
    from_ = graphene.Date(required=True, name="from", description="The shop's first day, included.")
    to = graphene.Date(required=True, description="The shop's last day, included (at most three years after from).")


class ReturnRateRow(graphene.ObjectType):
    key = graphene.String(required=True, description="The variant, product, type or category id, or channel slug.")
    label = graphene.String(required=True)
    currency = graphene.String(required=True)
    sold_units = graphene.Int(required=True)
    sold_value = graphene.Field(Money, required=True, description="Net value sold.")
    returned_units = graphene.Int(required=True)
    returned_value = graphene.Field(Money, required=True, description="Net value returned.")
    return_rate_units = graphene.Float(description="Returned units / sold units; null with nothing sold.")
    return_rate_value = graphene.Float(description="Returned value / sold value; null with nothing sold.")


class ReturnRatePage(graphene.ObjectType):
    rows = graphene.List(graphene.NonNull(ReturnRateRow), required=True)
    total_count = graphene.Int(required=True, description="Rows of the whole table.")
    totals = graphene.List(
        graphene.NonNull(ReturnRateRow), required=True, description="The whole period (of the drill-down's variants), one row per currency."
    )


class ReturnReasonShare(graphene.ObjectType):
    reason_code = graphene.String(required=True)
    units = graphene.Int(required=True, description="Units returned for this reason.")
    share = graphene.Float()
    cumulative_share = graphene.Float(description="This reason's and every more frequent one's share (Pareto).")


class ReturnRefundsAgainstSales(graphene.ObjectType):
    currency = graphene.String(required=True)
    sold_value = graphene.Field(Money, required=True, description="Net value sold in the period.")
    refunded_value = graphene.Field(Money, required=True, description="Refunds confirmed in the period.")
    store_credit_value = graphene.Field(Money, required=True, description="Store credit confirmed in the period.")
    refund_rate = graphene.Float(description="Refunded value / sold value.")


class ReturnResolutionShare(graphene.ObjectType):
    resolution = graphene.String(required=True)
    requests = graphene.Int(required=True)
    units = graphene.Int(required=True)
    value = graphene.Field(Money, required=True)


class ReturnResolutionMix(graphene.ObjectType):
    rows = graphene.List(graphene.NonNull(ReturnResolutionShare), required=True)
    revenue_kept = graphene.List(
        graphene.NonNull(Money), required=True, description="Store credit and exchanges, per currency."
    )


class ReturnStageTime(graphene.ObjectType):
    stage = graphene.String(
        required=True,
        description="decision, approval_to_first_scan, scan_to_received, received_to_resolved or request_to_money.",
    )
    count = graphene.Int(required=True, description="Requests that went through the stage.")
    median_hours = graphene.Float(
        description=(
            "The median, from durations counted to the tenth of an hour up to a day and to the hour beyond "
            "(rounded up), interpolated as percentile_cont does."
        )
    )
    p90_hours = graphene.Float(description="The 90th percentile, to the same precision as the median.")
    target_hours = graphene.Int(required=True, description="The policy's target.")
    within_target = graphene.Int(required=True, description="Requests that went through the stage within the target (exact).")
    within_target_share = graphene.Float()


class ReturnDispositionFigure(graphene.ObjectType):
    disposition = graphene.String(required=True)
    units = graphene.Int(required=True)
    value = graphene.List(graphene.NonNull(Money), required=True, description="Net value, per currency.")


class ReturnDispositions(graphene.ObjectType):
    rows = graphene.List(graphene.NonNull(ReturnDispositionFigure), required=True, description="Every disposition.")
    value_recovered = graphene.List(
        graphene.NonNull(Money), required=True, description="Every disposition but scrap, per currency."
    )


class ReturnCarrierClaims(graphene.ObjectType):
    currency = graphene.String(required=True)
    filed = graphene.Int(required=True)
    filed_value = graphene.Field(Money, required=True)
    recovered = graphene.Int(required=True, description="Claims the carrier paid.")
    recovered_value = graphene.Field(Money, required=True)
    rejected = graphene.Int(required=True)


class ReturnAutoApproval(graphene.ObjectType):
    requests = graphene.Int(required=True)
    auto_approved = graphene.Int(required=True)
    auto_approval_rate = graphene.Float()
    overturned = graphene.Int(
        required=True, description="Auto-approved, then rejected, canceled or changed in quantity by staff."
    )
    overturn_rate = graphene.Float()


def _float(value):
    return None if value is None else float(value)


def _rate_row(row: rates.RateRow) -> ReturnRateRow:
    return ReturnRateRow(
        key=row.key, label=row.label, currency=row.currency, sold_units=row.sold_units,
        sold_value=money(row.sold_value, row.currency), returned_units=row.returned_units,
        returned_value=money(row.returned_value, row.currency), return_rate_units=_float(row.return_rate_units),
        return_rate_value=_float(row.return_rate_value),
    )


def _amounts(per_currency: dict) -> list[Money]:
    return [money(amount, currency) for currency, amount in per_currency.items()]


class ReturnAnalytics(graphene.ObjectType):
    """Figures over the period's days in the shop's time zone; money per currency, never added across currencies."""

    errors = graphene.List(graphene.NonNull(ReturnError), required=True, description="Why the period was refused.")
    time_zone = graphene.String()
    return_rate = graphene.Field(
        ReturnRatePage,
        dimension=graphene.Argument(ReturnAnalyticsDimension, required=True),
        sort_by=graphene.Argument(ReturnRateSort, default_value="returned_units", description="Highest first."),
        first=graphene.Int(default_value=20, description=f"At most {MAX_PAGE}."),
        offset=graphene.Int(default_value=0),
        category_id=graphene.ID(description="Drill-down: only this category's variants."),
        product_type_id=graphene.ID(description="Drill-down: only this product type's variants."),
        product_id=graphene.ID(description="Drill-down: only this product's variants."),
    )
    reasons = graphene.List(
        graphene.NonNull(ReturnReasonShare), product_id=graphene.ID(description="One product's returns only.")
    )
    refunds_against_sales = graphene.List(graphene.NonNull(ReturnRefundsAgainstSales))
    resolution_mix = graphene.Field(ReturnResolutionMix)
    stage_times = graphene.List(graphene.NonNull(ReturnStageTime))
    dispositions = graphene.Field(ReturnDispositions)
    carrier_claims = graphene.List(graphene.NonNull(ReturnCarrierClaims))
    auto_approval = graphene.Field(ReturnAutoApproval)
    satisfaction = graphene.Field(ReturnSatisfaction)

    @staticmethod
    def resolve_time_zone(root, info):
        return root.scope.time_zone.key if root.scope else None

    @staticmethod
    def resolve_return_rate(root, info, dimension, sort_by="returned_units", first=20, offset=0, **within):
        if root.scope is None:
            return None
        page = rates.return_rates(
            root.scope, getattr(dimension, "value", dimension), sort=getattr(sort_by, "value", sort_by),
            first=min(max(first or 0, 0), MAX_PAGE), offset=max(offset or 0, 0), within=within,
        )
        return ReturnRatePage(
            rows=[_rate_row(row) for row in page.rows], total_count=page.total_count,
            totals=[_rate_row(row) for row in page.totals],
        )

    @staticmethod
    def resolve_reasons(root, info, product_id=None):
        if root.scope is None:
            return None
        return [
            ReturnReasonShare(reason_code=row.reason_code, units=row.units, share=_float(row.share),
                              cumulative_share=_float(row.cumulative_share))
            for row in rates.reasons(root.scope, product_id)
        ]

    @staticmethod
    def resolve_refunds_against_sales(root, info):
        if root.scope is None:
            return None
        return [
            ReturnRefundsAgainstSales(
                currency=row.currency, sold_value=money(row.sold_value, row.currency),
                refunded_value=money(row.refunded_value, row.currency),
                store_credit_value=money(row.store_credit_value, row.currency), refund_rate=_float(row.refund_rate),
            )
            for row in outcomes.refunds_against_sales(root.scope)
        ]

    @staticmethod
    def resolve_resolution_mix(root, info):
        if root.scope is None:
            return None
        rows = outcomes.resolution_mix(root.scope)
        return ReturnResolutionMix(
            rows=[
                ReturnResolutionShare(resolution=row.resolution, requests=row.requests, units=row.units,
                                      value=money(row.value, row.currency))
                for row in rows
            ],
            revenue_kept=_amounts(outcomes.revenue_kept(rows)),
        )

    @staticmethod
    def resolve_stage_times(root, info):
        if root.scope is None:
            return None
        rules = stages.stage_targets(root.installation, root.scope.channel_slug)
        return [
            ReturnStageTime(
                stage=row.stage, count=row.count, median_hours=row.median_hours, p90_hours=row.p90_hours,
                target_hours=row.target_hours, within_target=row.within_target,
                within_target_share=_float(row.within_target_share),
            )
            for row in stages.stage_times(root.scope, rules)
        ]

    @staticmethod
    def resolve_dispositions(root, info):
        if root.scope is None:
            return None
        rows = outcomes.dispositions(root.scope)
        figures = []
        for disposition in Disposition:
            mine = [row for row in rows if row.disposition == disposition.value]
            figures.append(
                ReturnDispositionFigure(
                    disposition=disposition.value, units=sum(row.units for row in mine),
                    value=[money(row.value, row.currency) for row in mine],
                )
            )
        return ReturnDispositions(rows=figures, value_recovered=_amounts(outcomes.value_recovered(rows)))

    @staticmethod
    def resolve_carrier_claims(root, info):
        if root.scope is None:
            return None
        return [
            ReturnCarrierClaims(
                currency=row.currency, filed=row.filed, filed_value=money(row.filed_value, row.currency),
                recovered=row.recovered, recovered_value=money(row.recovered_value, row.currency),
                rejected=row.rejected,
            )
            for row in outcomes.carrier_claims(root.scope)
        ]

    @staticmethod
    def resolve_auto_approval(root, info):
        if root.scope is None:
            return None
        figures = stages.auto_approval(root.scope)
        return ReturnAutoApproval(
            requests=figures.requests, auto_approved=figures.auto_approved,
            auto_approval_rate=_float(figures.auto_approval_rate), overturned=figures.overturned,
            overturn_rate=_float(figures.overturn_rate),
        )

    @staticmethod
    def resolve_satisfaction(root, info):
        if root.scope is None:
            return None
        return satisfaction_type(scope_satisfaction(root.scope))


def period_errors(refused: ValidationError) -> list[ReturnError]:
    """A refused period's errors, their fields under the `period` argument."""
    errors = errors_from_validation(refused)
    for error in errors:
        error.field = f"period.{error.field}" if error.field else "period"
    return errors


def analytics_root(installation: Installation, first, last, channel_slug) -> ReturnAnalytics:
    try:
        scope = scope_for(installation, first, last, channel_slug)
    except ValidationError as refused:
        root = ReturnAnalytics(errors=period_errors(refused))
        root.scope, root.installation = None, installation
        return root
    root = ReturnAnalytics(errors=[])
    root.scope, root.installation = scope, installation
    return root


class AnalyticsQuery(graphene.ObjectType):
    return_analytics = graphene.Field(
        ReturnAnalytics,
        required=True,
        period=ReturnAnalyticsPeriodInput(required=True),
        channel=graphene.String(description="A channel's slug; none for every channel."),
        description="Staff: return analytics for a period of the shop's days.",
    )

    def resolve_return_analytics(root, info, period, channel=None):
        requestor = require_staff(info)
        return analytics_root(requestor.installation, period.from_, period.to, channel)
