"""returnRequestNoteAdd: a note on the timeline, internal unless marked visible."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.requests import actions as request_actions


class ReturnRequestNoteAdd(ReturnMutation):
    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String(required=True)
        is_visible_to_customer = graphene.Boolean(default_value=False)

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, note, is_visible_to_customer=False):
        return_request = load_return_request(requestor, id)
        return_request = request_actions.add_note(
            return_request=return_request, actor=actor, note=note, is_visible_to_customer=is_visible_to_customer
        )
        return cls(return_request=reloaded(return_request), errors=[])
