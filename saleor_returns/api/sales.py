"""GraphQL type and query of the sales ledger's backfill (staff with MANAGE_ORDERS)."""

import graphene
from graphene import relay

from saleor_returns.api.queries import require_staff
from saleor_returns.models import SalesBackfill as SalesBackfillModel

ReturnSalesBackfillStatusEnum = graphene.Enum(
    "ReturnSalesBackfillStatusEnum",
    [(value.upper(), value) for value in SalesBackfillModel.Status.values],
    description="running (pages being read, or a failed page waiting for its retry), done, failed or canceled.",
)


class ReturnSalesBackfill(graphene.ObjectType):
    """Orders of a period read from Saleor into the sales ledger, page by page."""

    id = graphene.ID(required=True)
    status = graphene.Field(ReturnSalesBackfillStatusEnum, required=True)
    period_from = graphene.Date(required=True, description="The first day read, in the shop's time zone.")
    period_to = graphene.Date(required=True, description="The last day read, in the shop's time zone.")
    started_by = graphene.String(
        required=True, description='Who started it: the staff member, or "install" when the app was installed.'
    )
    pages_done = graphene.Int(required=True)
    orders_done = graphene.Int(required=True)
    lines_done = graphene.Int(required=True)
    estimated_total_orders = graphene.Int(description="What Saleor counts in the period, once the first page is read.")
    last_error = graphene.String(description="Why the last failed page failed (Saleor unreachable, or refusing).")
    next_attempt_at = graphene.DateTime(description="When a failed page is tried again.")
    created_at = graphene.DateTime(required=True)
    started_at = graphene.DateTime(description="When the first page was asked for.")
    finished_at = graphene.DateTime()

    def resolve_id(backfill, info):
        return relay.Node.to_global_id("ReturnSalesBackfill", str(backfill.pk))

    def resolve_status(backfill, info):
        return SalesBackfillModel.Status(backfill.status).value

    def resolve_estimated_total_orders(backfill, info):
        return backfill.total_orders

    def resolve_last_error(backfill, info):
        return backfill.last_error or None

    def resolve_next_attempt_at(backfill, info):
        return backfill.next_attempt_at if backfill.status == SalesBackfillModel.Status.RUNNING else None


class SalesQuery(graphene.ObjectType):
    return_sales_backfill = graphene.Field(
        ReturnSalesBackfill, description="Staff: the shop's latest sales backfill (null before the first)."
    )

    def resolve_return_sales_backfill(root, info):
        requestor = require_staff(info)
        return SalesBackfillModel.objects.filter(installation=requestor.installation).order_by("-created_at").first()
