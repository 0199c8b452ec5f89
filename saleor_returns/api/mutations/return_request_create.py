"""returnRequestCreate: a customer (or staff on their behalf) asks to return items."""

import graphene

from saleor_returns.access import can_access_order
from saleor_returns.api.enums import ResolutionEnum, ReturnKindEnum
from saleor_returns.api.mutations.base import InputError, ReturnMutation, enum_value, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.requests import actions as request_actions
from saleor_returns.saleor.orders import fetch_order


class ReturnLineCreateInput(graphene.InputObjectType):
    order_line_id = graphene.ID(required=True, description="Saleor's OrderLine id.")
    quantity = graphene.Int(required=True)
    reason = graphene.String(required=True, description="A reason code from returnReasons, e.g. DAMAGED_IN_TRANSIT.")
    comment = graphene.String()
    evidence_ids = graphene.List(graphene.NonNull(graphene.ID), description="Uploaded with returnEvidenceUpload.")


class ReturnRequestCreateInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True, description="Saleor's Order id.")
    kind = ReturnKindEnum(default_value="return")
    resolution = ResolutionEnum(default_value="refund", description="What the customer wishes to get.")
    lines = graphene.List(graphene.NonNull(ReturnLineCreateInput), required=True)
    exchange_variant_id = graphene.ID(description="The variant wanted in exchange (kind EXCHANGE).")
    customer_note = graphene.String()
    idempotency_key = graphene.String(
        description="Any unique string per attempt: sending the same key again returns the first request."
    )
    policy_override_justification = graphene.String(
        description="Staff only: accept lines the policy refuses, recording why."
    )


class ReturnRequestCreate(ReturnMutation):
    customers_allowed = True

    class Arguments:
        input = ReturnRequestCreateInput(required=True)

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def perform(cls, info, requestor, actor, input):
        key = (input.get("idempotency_key") or "").strip()
        if len(key) > 128:
            raise InputError("idempotencyKey", ReturnErrorCode.INVALID, "Use at most 128 characters.")
        order = fetch_order(requestor.installation, input["order_id"])
        if not can_access_order(requestor, order):
            raise InputError("orderId", ReturnErrorCode.NOT_FOUND, "No order has this id.")
        data = request_actions.ReturnRequestInput(
            order_id=order.id,
            kind=enum_value(input.get("kind")) or "return",
            resolution=enum_value(input.get("resolution")) or "refund",
            lines=[
                request_actions.LineInput(
                    order_line_id=line["order_line_id"],
                    quantity=line["quantity"],
                    reason_code=line["reason"],
                    comment=line.get("comment") or "",
                    evidence_ids=list(line.get("evidence_ids") or []),
                )
                for line in input["lines"]
            ],
            exchange_variant_id=input.get("exchange_variant_id") or "",
            customer_note=input.get("customer_note") or "",
            idempotency_key=key,
            policy_override_justification=input.get("policy_override_justification") or "",
        )
        return_request, _ = request_actions.create_return_request(
            installation=requestor.installation, order=order, data=data, actor=actor, is_staff=requestor.is_staff
        )
        return cls(return_request=reloaded(return_request), errors=[])
