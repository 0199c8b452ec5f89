"""returnRequestReject: staff reject with a message the customer sees."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.requests import actions as request_actions


class ReturnRequestReject(ReturnMutation):
    class Arguments:
        id = graphene.ID(required=True)
        message = graphene.String(required=True, description="Shown to the customer.")

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, message):
        return_request = load_return_request(requestor, id)
        return_request = request_actions.reject_return_request(return_request=return_request, actor=actor, message=message)
        return cls(return_request=reloaded(return_request), errors=[])
