"""returnRequestInspect: condition and disposition per received line."""

import graphene

from saleor_returns.access import RESTOCK_PERMISSIONS
from saleor_returns.api.enums import ConditionEnum, DispositionEnum
from saleor_returns.api.mutations.base import ReturnMutation, decode_id, enum_value, load_return_request, reloaded
from saleor_returns.api.types.return_requests import ReturnRequest
from saleor_returns.inspection import actions as inspection_actions


class ReturnLineInspectInput(graphene.InputObjectType):
    line_id = graphene.ID(required=True)
    accepted_quantity = graphene.Int(required=True, description="Units accepted for the resolution: 0 up to received.")
    condition = ConditionEnum(required=True)
    disposition = DispositionEnum(required=True)
    warehouse_id = graphene.ID(description="Saleor's Warehouse id; required to restock.")
    note = graphene.String()
    evidence_ids = graphene.List(graphene.NonNull(graphene.ID), description="Photos uploaded with returnEvidenceUpload.")


class ReturnRequestInspect(ReturnMutation):
    class Arguments:
        id = graphene.ID(required=True)
        lines = graphene.List(graphene.NonNull(ReturnLineInspectInput), required=True)

    return_request = graphene.Field(ReturnRequest)

    @classmethod
    def staff_permissions(cls, data):
        # Restocking writes stock levels in Saleor.
        if any(enum_value(line.disposition).lower() == "restock" for line in data.get("lines") or []):
            return RESTOCK_PERMISSIONS
        return cls.permissions

    @classmethod
    def perform(cls, info, requestor, actor, id, lines):
        return_request = load_return_request(requestor, id)
        inspections = [
            inspection_actions.InspectionInput(
                line_id=decode_id(line.line_id, "ReturnLine", "lines"),
                accepted_quantity=line.accepted_quantity,
                condition=enum_value(line.condition),
                disposition=enum_value(line.disposition),
                warehouse_id=line.get("warehouse_id") or "",
                note=line.get("note") or "",
                evidence_ids=list(line.get("evidence_ids") or []),
            )
            for line in lines
        ]
        return_request = inspection_actions.inspect_return_lines(return_request=return_request, actor=actor, inspections=inspections)
        return cls(return_request=reloaded(return_request), errors=[])
