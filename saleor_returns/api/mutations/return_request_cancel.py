"""returnRequestCancel: the customer (or staff) calls a return off before it ships."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.requests import actions as request_actions


class ReturnRequestCancel(ReturnMutation):
    customers_allowed = True

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String()

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, note=""):
        return_request = load_return_request(requestor, id)
        return_request = request_actions.cancel_return_request(return_request=return_request, actor=actor, note=note or "")
        return cls(return_request=reloaded(return_request), errors=[])
