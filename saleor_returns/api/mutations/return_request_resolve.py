"""returnRequestResolve: pay exactly what returnResolutionPreview showed."""

import graphene

from saleor_returns.access import RESOLUTION_PERMISSIONS
from saleor_returns.api.enums import ResolutionEnum
from saleor_returns.api.mutations.base import InputError, ReturnMutation, enum_value, load_return_request, reloaded
from saleor_returns.api.previews import preview_replacement
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.api.types.resolutions import Refund, ReplacementOrder
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.models import ReplacementOrder as ReplacementOrderModel
from saleor_returns.models import Resolution
from saleor_returns.resolutions import actions as resolution_actions


class ReturnRequestResolve(ReturnMutation):
    moves_money = True

    class Arguments:
        id = graphene.ID(required=True)
        resolution = ResolutionEnum(
            required=True, description="REFUND, STORE_CREDIT, KEEP_ITEM, EXCHANGE or REPLACEMENT (claims)."
        )
        fingerprint = graphene.String(description="From returnResolutionPreview: refused if the amounts changed since.")
        idempotency_key = graphene.String()

    return_request = graphene.Field(ReturnRequest)
    refund = graphene.Field(Refund)
    replacement_order = graphene.Field(ReplacementOrder)

    @classmethod
    def staff_permissions(cls, data):
        # What the app will do in Saleor: refund, issue a gift card, or place an order.
        return RESOLUTION_PERMISSIONS[enum_value(data["resolution"]).lower()]

    @classmethod
    def perform(cls, info, requestor, actor, id, resolution, fingerprint="", idempotency_key=""):
        return_request = load_return_request(requestor, id)
        chosen = enum_value(resolution)
        if fingerprint and chosen in (Resolution.EXCHANGE, Resolution.REPLACEMENT):
            # The item's price comes from Saleor: the preview staff saw must still hold.
            if preview_replacement(return_request, chosen).fingerprint() != fingerprint:
                raise InputError("fingerprint", ReturnErrorCode.PREVIEW_CHANGED,
                                 "The amounts changed since the preview; preview again.")
        result = resolution_actions.resolve_return_request(
            return_request=return_request, actor=actor, resolution=enum_value(resolution),
            fingerprint=fingerprint or "", idempotency_key=idempotency_key or "",
        )
        if isinstance(result, ReplacementOrderModel):
            return cls(return_request=reloaded(return_request), replacement_order=result, errors=[])
        return cls(return_request=reloaded(return_request), refund=result, errors=[])
