"""returnRequestTrackingAdd: the customer ships the parcel themselves and gives its tracking number."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.shipping import actions as shipping_actions


class ReturnRequestTrackingAdd(ReturnMutation):
    customers_allowed = True

    class Arguments:
        id = graphene.ID(required=True)
        carrier = graphene.String(required=True, description="The carrier's name or code, e.g. UPS.")
        tracking_number = graphene.String(required=True)

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, carrier, tracking_number):
        return_request = load_return_request(requestor, id)
        shipping_actions.add_customer_tracking(
            return_request=return_request, actor=actor, carrier=carrier, tracking_number=tracking_number
        )
        return cls(return_request=reloaded(return_request), errors=[])
