"""GraphQL types and queries of frequent returners, customer statuses and spike alerts (staff with MANAGE_ORDERS)."""

from datetime import timedelta

import graphene
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from graphene import relay
from graphql import GraphQLError

from saleor_returns.analytics.returners import check_period, frequent_returners
from saleor_returns.analytics.spikes import BASELINE_WEEKS
from saleor_returns.api.notifications import ReturnMessage, messages_queryset
from saleor_returns.api.pagination import MAX_PAGE_SIZE, InvalidCursor, decode_cursor, encode_cursor
from saleor_returns.api.queries import require_staff
from saleor_returns.api.types.common import Money, money
from saleor_returns.api.types.customer_statuses import ReturnCustomerStatus
from saleor_returns.models import SpikeAlert as SpikeAlertModel

# Alerts listed: this many weeks back from the latest.
ALERT_WEEKS = 12

class ReturnScoreComponent(graphene.ObjectType):
    """One part of a returner's score: its weight, the points it gave (0 to the weight) and why, in words."""

    name = graphene.String(required=True, description="return_rate, value_rate, not_shop_fault, claims or rejected.")
    weight = graphene.Decimal(required=True)
    points = graphene.Decimal(required=True)
    reason = graphene.String(required=True)


class ReturnFrequentReturner(graphene.ObjectType):
    """A customer and the figures of their score over the period, in one currency."""

    customer = graphene.String(required=True, description='"user:<Saleor user id>" or "email:<address>".')
    customer_user_id = graphene.String(required=True)
    customer_email = graphene.String(required=True)
    requests = graphene.Int(required=True)
    bought_units = graphene.Int(required=True)
    returned_units = graphene.Int(required=True)
    bought_value = graphene.Field(Money, required=True)
    returned_value = graphene.Field(Money, required=True)
    claims = graphene.Int(required=True)
    rejected = graphene.Int(required=True)
    score = graphene.Decimal(required=True, description="0 to 100: the sum of the components' points.")
    components = graphene.List(graphene.NonNull(ReturnScoreComponent), required=True)
    status = graphene.Field(ReturnCustomerStatus)

    def resolve_customer(row, info):
        return row.customer_key

    def resolve_bought_value(row, info):
        return money(row.bought_value, row.currency)

    def resolve_returned_value(row, info):
        return money(row.returned_value, row.currency)


class ReturnFrequentReturnerEdge(graphene.ObjectType):
    node = graphene.Field(ReturnFrequentReturner, required=True)
    cursor = graphene.String(required=True)


class ReturnFrequentReturnerConnection(graphene.ObjectType):
    edges = graphene.List(graphene.NonNull(ReturnFrequentReturnerEdge), required=True)
    page_info = graphene.Field(relay.PageInfo, required=True)


class ReturnSpikeAlert(graphene.ObjectType):
    """A variant whose return rate in a week stood significantly above its baseline of the weeks before."""

    id = graphene.ID(required=True)
    variant_id = graphene.String(required=True)
    week_start = graphene.Date(required=True, description="The Monday of the ISO week, in the shop's time zone.")
    sold_units = graphene.Int(required=True)
    returned_units = graphene.Int(required=True)
    baseline_weeks = graphene.Int(required=True)
    baseline_sold_units = graphene.Int(required=True)
    baseline_returned_units = graphene.Int(required=True)
    rate_lower_bound = graphene.Decimal(required=True, description="The week's rate, 95 % Wilson lower bound.")
    baseline_upper_bound = graphene.Decimal(required=True, description="The baseline's rate, 95 % Wilson upper bound.")
    dominant_reason_code = graphene.String(required=True)
    note = graphene.String(required=True, description="What staff did about it.")
    noted_by = graphene.String(required=True)
    noted_at = graphene.DateTime()
    reported_at = graphene.DateTime()
    messages = graphene.List(
        graphene.NonNull(ReturnMessage), required=True,
        description="How the shop was told: the e-mail to its alerts address and each webhook delivery.",
    )

    def resolve_id(alert, info):
        return relay.Node.to_global_id("ReturnSpikeAlert", str(alert.pk))

    def resolve_messages(alert, info):
        return list(alert.messages.all())

    def resolve_baseline_weeks(alert, info):
        return BASELINE_WEEKS


class ReturnersQuery(graphene.ObjectType):
    return_frequent_returners = graphene.Field(
        ReturnFrequentReturnerConnection,
        required=True,
        period_from=graphene.Date(required=True, name="from", description="The first day, in the shop's time zone."),
        period_to=graphene.Date(required=True, name="to", description="The last day, in the shop's time zone."),
        first=graphene.Int(),
        after=graphene.String(),
        description="Staff: customers ranked by their returns score over the period, highest first.",
    )
    return_spike_alerts = graphene.List(
        graphene.NonNull(ReturnSpikeAlert), required=True,
        description=f"Staff: spike alerts of the last {ALERT_WEEKS} weeks that had any, latest week first.",
    )

    def resolve_return_frequent_returners(root, info, period_from, period_to, first=None, after=None):
        requestor = require_staff(info)
        first = 20 if first is None else first
        if first < 1 or first > MAX_PAGE_SIZE:
            raise GraphQLError(f"first must be between 1 and {MAX_PAGE_SIZE}.")
        try:
            check_period(period_from, period_to)
            start = decode_cursor(after) + 1 if after else 0
        except ValidationError as error:
            raise GraphQLError(error.messages[0], extensions={"code": "INVALID"}) from None
        except InvalidCursor as error:
            raise GraphQLError(str(error), extensions={"code": "INVALID_CURSOR", "field": "after"}) from None
        rows = frequent_returners(requestor.installation, first=period_from, last=period_to, limit=first + 1,
                                  offset=start)
        edges = [ReturnFrequentReturnerEdge(node=row, cursor=encode_cursor(start + index))
                 for index, row in enumerate(rows[:first])]
        page_info = relay.PageInfo(
            has_next_page=len(rows) > first, has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None,
        )
        return ReturnFrequentReturnerConnection(edges=edges, page_info=page_info)

    def resolve_return_spike_alerts(root, info):
        requestor = require_staff(info)
        alerts = SpikeAlertModel.objects.filter(installation=requestor.installation)
        latest = alerts.order_by("-week_start").values_list("week_start", flat=True).first()
        if latest is None:
            return []
        since = latest - timedelta(weeks=ALERT_WEEKS - 1)
        return list(
            alerts.filter(week_start__gte=since)
            .order_by("-week_start", "-rate_lower_bound", "variant_id")
            .prefetch_related(Prefetch("messages", queryset=messages_queryset().order_by("created_at", "id")))
        )
