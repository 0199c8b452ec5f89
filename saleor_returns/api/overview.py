"""Staff queries behind the returns desk: overview figures, tab counts, channels, warehouses."""

import graphene

from saleor_returns.analytics import overview as overview_figures
from saleor_returns.analytics import week_rate as week_rate_figures
from saleor_returns.access import visible_return_requests
from saleor_returns.api.enums import ReturnStatusEnum
from saleor_returns.api.queries import ReturnRequestFilterInput, filter_return_requests, require_staff
from saleor_returns.api.surveys import ReturnSatisfaction, satisfaction_type
from saleor_returns.api.types.common import Money, money
from saleor_returns.api.types.shipping import ReturnAddress
from saleor_returns.models import ReturnAddress as ReturnAddressModel
from saleor_returns.models import ReturnPolicy as ReturnPolicyModel
from saleor_returns.models import ReturnRequest as ReturnRequestModel
from saleor_returns.saleor.orders import fetch_order_by_number, fetch_warehouses
from saleor_returns.surveys.figures import satisfaction


class ReturnStatusCount(graphene.ObjectType):
    status = graphene.Field(ReturnStatusEnum, required=True)
    count = graphene.Int(required=True)


class QueueAgeBucket(graphene.ObjectType):
    label = graphene.String(required=True, description="<1d, 1-3d, 3-7d or >7d.")
    count = graphene.Int(required=True)


class ReviewQueue(graphene.ObjectType):
    """Requests waiting for a decision (REQUESTED and PENDING_REVIEW)."""

    count = graphene.Int(required=True)
    oldest_created_at = graphene.DateTime()
    median_age_hours = graphene.Float()
    buckets = graphene.List(graphene.NonNull(QueueAgeBucket), required=True)


class MoneyTotal(graphene.ObjectType):
    count = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True)


class DayCount(graphene.ObjectType):
    date = graphene.Date(required=True)
    count = graphene.Int(required=True)


class ReasonCount(graphene.ObjectType):
    code = graphene.String(required=True)
    count = graphene.Int(required=True)


class UnitsReturnRate(graphene.ObjectType):
    channel_slug = graphene.String(required=True, description="The channel; empty for all channels together.")
    returned_units = graphene.Int(required=True)
    sold_units = graphene.Int(required=True)
    rate = graphene.Float(description="Returned units per sold unit; null when nothing was sold.")
    previous_returned_units = graphene.Int(required=True)
    previous_sold_units = graphene.Int(required=True)
    previous_rate = graphene.Float(description="Last week's rate; null when nothing was sold.")


class WeekReturnRate(UnitsReturnRate):
    """Units returned (by request day) against units sold (by order day) this ISO week, beside last week."""

    time_zone = graphene.String(required=True, description="Weeks start on Monday in this time zone.")
    week_start = graphene.Date(required=True)
    previous_week_start = graphene.Date(required=True)
    has_sales = graphene.Boolean(required=True, description="The sales ledger holds any sale (of the channel).")
    channels = graphene.List(graphene.NonNull(UnitsReturnRate), required=True, description="Per channel, by slug.")


def _units_rate_fields(figures: week_rate_figures.UnitsRate) -> dict:
    return {
        "channel_slug": figures.channel_slug,
        "returned_units": figures.returned_units,
        "sold_units": figures.sold_units,
        "rate": figures.rate,
        "previous_returned_units": figures.previous_returned_units,
        "previous_sold_units": figures.previous_sold_units,
        "previous_rate": figures.previous_rate,
    }


def week_return_rate_type(figures: week_rate_figures.WeekRate) -> WeekReturnRate:
    return WeekReturnRate(
        time_zone=figures.time_zone,
        week_start=figures.week_start,
        previous_week_start=figures.previous_week_start,
        has_sales=figures.has_sales,
        channels=[UnitsReturnRate(**_units_rate_fields(item)) for item in figures.channels],
        **_units_rate_fields(figures.total),
    )


class ReturnOverview(graphene.ObjectType):
    time_zone = graphene.String(required=True, description="Months and days follow this time zone.")
    status_counts = graphene.List(graphene.NonNull(ReturnStatusCount), required=True)
    open_count = graphene.Int(required=True, description="Requests not yet resolved, rejected, canceled or closed.")
    review_queue = graphene.Field(ReviewQueue, required=True)
    median_hours_to_refund = graphene.Float(
        description=f"From request to confirmed refund, over the last {overview_figures.REFUND_TIME_WINDOW_DAYS} days."
    )
    refunds_this_month = graphene.List(
        graphene.NonNull(MoneyTotal), required=True, description="Confirmed refunds this calendar month, per currency."
    )
    requests_by_day = graphene.List(graphene.NonNull(DayCount), required=True)
    top_reasons = graphene.List(graphene.NonNull(ReasonCount), required=True)
    satisfaction = graphene.Field(
        ReturnSatisfaction, required=True, description="Survey answers on the returns of this channel (all time)."
    )
    week_return_rate = graphene.Field(
        WeekReturnRate, required=True, description="This ISO week's return rate in units, from the sales ledger."
    )

    def resolve_week_return_rate(root, info):
        return week_return_rate_type(
            week_rate_figures.week_return_rate(root.installation, channel_slug=root.channel_slug or None)
        )


class OrderReference(graphene.ObjectType):
    """An order found by its number, to open the create-return form for it."""

    id = graphene.ID(required=True, description="Saleor's Order id.")
    number = graphene.String(required=True)
    customer_email = graphene.String()
    channel_slug = graphene.String(required=True)
    created = graphene.DateTime(required=True)


class Warehouse(graphene.ObjectType):
    id = graphene.ID(required=True, description="Saleor's Warehouse id.")
    name = graphene.String(required=True)


def _status_counts(pairs):
    return [ReturnStatusCount(status=status, count=count) for status, count in pairs]


def overview_type(figures: overview_figures.Overview) -> ReturnOverview:
    queue = figures.review_queue
    return ReturnOverview(
        time_zone=figures.time_zone,
        status_counts=_status_counts(figures.status_counts),
        open_count=figures.open_count,
        review_queue=ReviewQueue(
            count=queue.count,
            oldest_created_at=queue.oldest_created_at,
            median_age_hours=queue.median_age_hours,
            buckets=[QueueAgeBucket(label=label, count=count) for label, count in queue.buckets],
        ),
        median_hours_to_refund=figures.median_hours_to_refund,
        refunds_this_month=[
            MoneyTotal(count=total.count, amount=money(total.amount, total.currency)) for total in figures.refunds_this_month
        ],
        requests_by_day=[DayCount(date=day, count=count) for day, count in figures.requests_by_day],
        top_reasons=[ReasonCount(code=code, count=count) for code, count in figures.top_reasons],
    )


def _tab_requests(info, filter, *, needs_attention):
    """Staff: the shop's requests under the list's filters, but for the tab's own (status, attention)."""
    requestor = require_staff(info)
    filters = {**dict(filter or {}), "status": None, "needs_attention": needs_attention}
    return filter_return_requests(visible_return_requests(requestor, ReturnRequestModel.objects.all()), filters)


class OverviewQuery(graphene.ObjectType):
    return_overview = graphene.Field(
        ReturnOverview,
        required=True,
        channel_slug=graphene.String(),
        days=graphene.Int(default_value=30, description="Days of requests_by_day and top_reasons (1 to 366)."),
        description="Staff: figures for the returns desk.",
    )
    return_status_counts = graphene.List(
        graphene.NonNull(ReturnStatusCount),
        required=True,
        filter=ReturnRequestFilterInput(description="Every filter but status and needsAttention applies."),
        description="Staff: how many requests each status holds, for the desk's tabs.",
    )
    return_attention_count = graphene.Int(
        required=True,
        filter=ReturnRequestFilterInput(description="Every filter but status applies."),
        description="Staff: how many requests need attention (see ReturnRequestFilterInput.needsAttention).",
    )
    return_channels = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Staff: channel slugs seen on requests or policies.",
    )
    return_warehouses = graphene.List(
        graphene.NonNull(Warehouse), required=True, description="Staff: Saleor's warehouses, to restock into."
    )

    return_order_by_number = graphene.Field(
        OrderReference,
        number=graphene.String(required=True),
        description="Staff: the shop's order with this number (as the Dashboard shows it, with or without #).",
    )

    return_addresses = graphene.List(
        graphene.NonNull(ReturnAddress), required=True, description="Staff: the shop's return addresses."
    )

    def resolve_return_addresses(root, info):
        requestor = require_staff(info)
        return list(ReturnAddressModel.objects.filter(installation=requestor.installation).order_by("-is_default", "warehouse_id"))

    def resolve_return_order_by_number(root, info, number):
        requestor = require_staff(info)
        order = fetch_order_by_number(requestor.installation, number.strip().lstrip("#"))
        if order is None:
            return None
        return OrderReference(
            id=order.id,
            number=order.number,
            customer_email=order.user_email,
            channel_slug=order.channel_slug,
            created=order.created,
        )

    def resolve_return_overview(root, info, channel_slug=None, days=30):
        requestor = require_staff(info)
        days = min(max(30 if days is None else days, 1), 366)
        channel_slug = (channel_slug or "").strip() or None
        figures = overview_figures.overview(requestor.installation, channel_slug=channel_slug, days=days)
        overview = overview_type(figures)
        overview.installation, overview.channel_slug = requestor.installation, channel_slug
        requests = ReturnRequestModel.objects.filter(installation=requestor.installation)
        overview.satisfaction = satisfaction_type(
            satisfaction(requests.filter(channel_slug=channel_slug) if channel_slug else requests)
        )
        return overview

    def resolve_return_status_counts(root, info, filter=None):
        queryset = _tab_requests(info, filter, needs_attention=None)
        return _status_counts(overview_figures.status_counts(queryset))

    def resolve_return_attention_count(root, info, filter=None):
        return _tab_requests(info, filter, needs_attention=True).count()

    def resolve_return_channels(root, info):
        requestor = require_staff(info)
        installation = requestor.installation
        slugs = set(
            ReturnRequestModel.objects.filter(installation=installation).values_list("channel_slug", flat=True).distinct()
        )
        slugs |= set(ReturnPolicyModel.objects.filter(installation=installation).values_list("channel_slug", flat=True))
        return sorted(slug for slug in slugs if slug)

    def resolve_return_warehouses(root, info):
        requestor = require_staff(info)
        return [Warehouse(id=item["id"], name=item["name"]) for item in fetch_warehouses(requestor.installation)]
