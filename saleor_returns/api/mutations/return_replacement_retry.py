"""returnReplacementRetry: staff try a failed replacement or exchange order again."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded
from saleor_returns.api.types.resolutions import ReplacementOrder
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.resolutions import actions as resolution_actions


class ReturnReplacementRetry(ReturnMutation):
    moves_money = True

    class Arguments:
        id = graphene.ID(required=True, description="The ReturnRequest id.")

    return_request = graphene.Field(ReturnRequest)
    replacement_order = graphene.Field(ReplacementOrder)

    @classmethod
    def perform(cls, info, requestor, actor, id):
        return_request = load_return_request(requestor, id)
        replacement = resolution_actions.retry_replacement_order(return_request=return_request, actor=actor)
        return cls(return_request=reloaded(return_request), replacement_order=replacement, errors=[])
