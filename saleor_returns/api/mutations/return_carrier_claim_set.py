"""returnCarrierClaimSet: staff record the shop's claim against its carrier (amount and status)."""

import graphene

from saleor_returns import ids
from saleor_returns.api.mutations.base import InputError, ReturnMutation, decode_id, enum_value, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models import CarrierClaim
from saleor_returns.resolutions import actions as resolution_actions

CarrierClaimStatusEnum = graphene.Enum("CarrierClaimStatusEnum", [(v.upper(), v) for v in CarrierClaim.Status.values])


class ReturnCarrierClaimSet(ReturnMutation):
    class Arguments:
        id = graphene.ID(required=True, description="The ReturnRequest id.")
        claim_id = graphene.ID(description="Omit to record a new claim.")
        carrier = graphene.String(required=True)
        amount = graphene.Decimal(required=True, description="In the return's currency.")
        status = CarrierClaimStatusEnum(required=True)
        reference = graphene.String()
        note = graphene.String()

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, id, carrier, amount, status, claim_id=None, reference="", note=""):
        return_request = load_return_request(requestor, id)
        claim = None
        if claim_id:
            pk = decode_id(claim_id, "CarrierClaim", "claimId")
            claim = CarrierClaim.objects.filter(return_request=return_request, pk=pk).first() if ids.is_uuid(pk) else None
            if claim is None:
                raise InputError("claimId", ReturnErrorCode.NOT_FOUND, "No CarrierClaim has this id.")
        resolution_actions.set_carrier_claim(
            return_request=return_request, actor=actor, carrier=carrier, amount=amount, status=enum_value(status),
            reference=reference or "", note=note or "", claim=claim,
        )
        return cls(return_request=reloaded(return_request), errors=[])
