"""returnRequestRequestInfo: staff ask the customer for more information."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.requests import actions as request_actions


class ReturnRequestRequestInfo(ReturnMutation):
    class Arguments:
        id = graphene.ID(required=True)
        message = graphene.String(required=True, description="What the customer should add; shown to them.")

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, message):
        return_request = load_return_request(requestor, id)
        return_request = request_actions.request_info(return_request=return_request, actor=actor, message=message)
        return cls(return_request=reloaded(return_request), errors=[])
