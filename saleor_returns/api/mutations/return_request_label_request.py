"""returnRequestLabelRequest: the customer picks a prepaid return label."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.shipping import actions as shipping_actions


class ReturnRequestLabelRequest(ReturnMutation):
    customers_allowed = True

    class Arguments:
        id = graphene.ID(required=True)

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id):
        return_request = shipping_actions.request_return_label(return_request=load_return_request(requestor, id), actor=actor)
        return cls(return_request=reloaded(return_request), errors=[])
