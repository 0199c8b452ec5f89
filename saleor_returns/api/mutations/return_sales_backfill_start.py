"""returnSalesBackfillStart: staff read a period's orders from Saleor into the sales ledger."""

import graphene

from saleor_returns.analytics import actions as analytics_actions
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.sales import ReturnSalesBackfill


class ReturnSalesBackfillStart(ReturnMutation):
    """One backfill runs at a time per shop (ALREADY_RUNNING); orders already recorded count once. A period
    ending after today is read up to today."""

    class Arguments:
        period_from = graphene.Date(required=True, name="from", description="The first day, in the shop's time zone.")
        period_to = graphene.Date(required=True, name="to", description="The last day, in the shop's time zone.")

    backfill = graphene.Field(ReturnSalesBackfill)

    @classmethod
    def perform(cls, info, requestor, actor, period_from, period_to):
        backfill = analytics_actions.start_sales_backfill(
            installation=requestor.installation, period_from=period_from, period_to=period_to, actor=actor
        )
        return cls(backfill=backfill, errors=[])
