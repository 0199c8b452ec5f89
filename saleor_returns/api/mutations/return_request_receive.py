"""returnRequestReceive: staff count what arrived (partial receipts add up)."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, decode_id, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.inspection import actions as inspection_actions


class ReturnLineReceiveInput(graphene.InputObjectType):
    line_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True, description="Units that arrived in this delivery.")


class ReturnRequestReceive(ReturnMutation):
    class Arguments:
        id = graphene.ID(required=True)
        lines = graphene.List(graphene.NonNull(ReturnLineReceiveInput), required=True)

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, lines):
        return_request = load_return_request(requestor, id)
        quantities = {decode_id(line.line_id, "ReturnLine", "lines"): line.quantity for line in lines}
        return_request = inspection_actions.receive_return_lines(return_request=return_request, actor=actor, quantities=quantities)
        return cls(return_request=reloaded(return_request), errors=[])
