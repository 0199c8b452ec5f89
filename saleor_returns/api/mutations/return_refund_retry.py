"""returnRefundRetry: staff try a failed refund again."""

import graphene

from saleor_returns.access import REFUND_KIND_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation, load_return_request, reloaded, require_permissions
from saleor_returns.models import Refund as RefundModel
from saleor_returns.api.types.resolutions import Refund
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.resolutions import refunds


class ReturnRefundRetry(ReturnMutation):
    moves_money = True

    class Arguments:
        id = graphene.ID(required=True, description="The ReturnRequest id.")

    return_request = graphene.Field(ReturnRequest)
    refund = graphene.Field(Refund)

    @classmethod
    def perform(cls, info, requestor, actor, id):
        return_request = load_return_request(requestor, id)
        kind = RefundModel.objects.filter(return_request=return_request).values_list("kind", flat=True).first()
        if kind is not None:
            # The retry pays out again: the payment (or the gift card) is the staff member's to allow.
            require_permissions(requestor, REFUND_KIND_PERMISSIONS[kind])
        refund = refunds.retry_refund(return_request=return_request, actor=actor)
        return cls(return_request=reloaded(return_request), refund=refund, errors=[])
