"""returnRequestPickupSchedule: the carrier collects the labelled parcel at the customer's address."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.shipping import actions as shipping_actions


class ReturnRequestPickupSchedule(ReturnMutation):
    customers_allowed = True

    class Arguments:
        id = graphene.ID(required=True)
        window_from = graphene.DateTime(required=True, name="from")
        window_to = graphene.DateTime(required=True, name="to")
        instructions = graphene.String()

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, window_from, window_to, instructions=""):
        return_request = load_return_request(requestor, id)
        shipping_actions.schedule_pickup(return_request=return_request, actor=actor, window_from=window_from,
                                window_to=window_to, instructions=instructions or "")
        return cls(return_request=reloaded(return_request), errors=[])
