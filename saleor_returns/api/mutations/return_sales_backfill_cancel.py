"""returnSalesBackfillCancel: staff stop the shop's running sales backfill."""

import graphene

from saleor_returns.analytics import actions as analytics_actions
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.sales import ReturnSalesBackfill


class ReturnSalesBackfillCancel(ReturnMutation):
    """What was recorded stays; a page being read is dropped. NOT_FOUND when none runs."""

    backfill = graphene.Field(ReturnSalesBackfill)

    @classmethod
    def perform(cls, info, requestor, actor):
        return cls(backfill=analytics_actions.cancel_sales_backfill(installation=requestor.installation), errors=[])
