"""returnCustomerStatusSet: staff mark a customer VIP, watched or blocked (or clear it) for the automatic review."""

import graphene

from saleor_returns.analytics.returners import set_customer_status
from saleor_returns.api.mutations.base import ReturnMutation, enum_value
from saleor_returns.api.types.customer_statuses import ReturnCustomerStatus, ReturnCustomerStatusEnum


class ReturnCustomerStatusSet(ReturnMutation):
    """Blocked and watched customers' requests are left for staff with a note saying why, never refused."""

    class Arguments:
        customer = graphene.String(required=True, description='"user:<Saleor user id>" or "email:<address>".')
        status = graphene.Argument(ReturnCustomerStatusEnum, description="Null clears the customer's status.")
        note = graphene.String(description="Why, for the other staff.")

    customer_status = graphene.Field(ReturnCustomerStatus)

    @classmethod
    def perform(cls, info, requestor, actor, customer, status=None, note=""):
        saved = set_customer_status(
            installation=requestor.installation, customer_key=customer, status=enum_value(status), note=note or "",
            actor=actor,
        )
        return cls(customer_status=saved, errors=[])
