"""returnRequestAddInfo: the customer answers a request for information."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.requests import actions as request_actions


class ReturnRequestAddInfo(ReturnMutation):
    customers_allowed = True

    class Arguments:
        id = graphene.ID(required=True)
        message = graphene.String()
        evidence_ids = graphene.List(graphene.NonNull(graphene.ID), description="Uploaded with returnEvidenceUpload.")

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, message="", evidence_ids=None):
        return_request = load_return_request(requestor, id)
        return_request = request_actions.add_info(
            return_request=return_request, actor=actor, message=message or "", evidence_ids=list(evidence_ids or [])
        )
        return cls(return_request=reloaded(return_request), errors=[])
