"""returnRequestApprove: staff approve all lines, or per line."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, decode_id, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.requests import actions as request_actions


class ReturnLineApproveInput(graphene.InputObjectType):
    line_id = graphene.ID(required=True, description="A ReturnLine id.")
    quantity = graphene.Int(required=True, description="Units approved: 0 up to the requested quantity.")


class ReturnRequestApprove(ReturnMutation):
    class Arguments:
        id = graphene.ID(required=True)
        lines = graphene.List(graphene.NonNull(ReturnLineApproveInput), description="Omit to approve everything requested.")
        note = graphene.String()

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, lines=None, note=""):
        return_request = load_return_request(requestor, id)
        quantities = None
        if lines is not None:
            quantities = {decode_id(line.line_id, "ReturnLine", "lines"): line.quantity for line in lines}
        return_request = request_actions.approve_return_request(
            return_request=return_request, actor=actor, quantities=quantities, note=note or ""
        )
        return cls(return_request=reloaded(return_request), errors=[])
