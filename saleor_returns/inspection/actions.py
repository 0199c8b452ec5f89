"""Inspection's writes: what arrived, line by line, what state it is in and where it goes,
and what Saleor was told of it (the returned lines, the restocked units)."""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from saleor_returns import events
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.ids import is_uuid
from saleor_returns.inspection import tasks
from saleor_returns.lifecycle import is_returnless, transition
from saleor_returns.locks import lock_return_request
from saleor_returns.models import Condition, Disposition, Evidence, ReturnLine, ReturnRequest
from saleor_returns.models.notifications import MessageEvent
from saleor_returns.notes import SystemNote
from saleor_returns.notifications import actions as message_actions
from saleor_returns.requestors import Actor
from saleor_returns.states import ReturnStatus

logger = logging.getLogger(__name__)


RECEIVABLE = frozenset({ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED})


@dataclass
class InspectionInput:
    line_id: str
    accepted_quantity: int
    condition: str
    disposition: str
    warehouse_id: str = ""
    note: str = ""
    evidence_ids: list[str] = field(default_factory=list)


def _locked_lines(return_request) -> dict[str, ReturnLine]:
    return {str(line.pk): line for line in return_request.lines.select_for_update().order_by("pk")}


def receive_return_lines(*, return_request, actor: Actor, quantities: dict[str, int]) -> ReturnRequest:
    """Count what arrived, line by line; several partial receipts add up (never beyond approved).

    An approved return with no label or tracking yet (a parcel handed in at the shop) is
    received too: it passes through AWAITING_SHIPMENT on the way, so the timeline shows both.
    """
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        handed_in = return_request.status == ReturnStatus.APPROVED
        if handed_in and is_returnless(return_request):
            raise invalid("status", "Nothing is sent back for this request: resolve it without receiving items.",
                          ReturnErrorCode.INVALID_TRANSITION)
        if return_request.status not in RECEIVABLE and not handed_in:
            transition(return_request, to=ReturnStatus.RECEIVED, actor=actor)  # raises INVALID_TRANSITION
        lines = _locked_lines(return_request)
        unknown = [line_id for line_id in quantities if line_id not in lines]
        if unknown:
            raise invalid("lines", "These lines are not in the return request.", ReturnErrorCode.NOT_FOUND, lines=unknown)
        too_many = [
            line_id for line_id, quantity in quantities.items()
            if quantity < 0 or lines[line_id].received_quantity + quantity > (lines[line_id].approved_quantity or 0)
        ]
        if too_many:
            raise invalid("lines.quantity", "More units than were approved would be received.", ReturnErrorCode.INVALID_QUANTITY,
                          lines=too_many)
        if sum(quantities.values()) == 0:
            raise invalid("lines", "Receive at least one unit.", ReturnErrorCode.INVALID_QUANTITY)
        if handed_in:
            # Brought to the shop (or sent without a label or tracking): it was shipped after all.
            transition(return_request, to=ReturnStatus.AWAITING_SHIPMENT, actor=actor,
                       note=SystemNote("handed_in"))
        now = timezone.now()
        for line_id, quantity in quantities.items():
            if quantity:
                line = lines[line_id]
                line.received_quantity += quantity
                line.received_at = now
                line.save(update_fields=["received_quantity", "received_at"])
        events.lines_received_event(return_request=return_request, actor=actor, quantities=quantities)
        transition(return_request, to=ReturnStatus.RECEIVED, actor=actor, note=SystemNote("received"))
        # Told once: later receipts of the same return (or the carrier's delivery before) add no message.
        message_actions.tell(return_request, MessageEvent.PARCEL_RECEIVED)
    logger.info("Return lines received", extra={"return_request_id": str(return_request.pk)})
    return return_request


def _inspection_photos(return_request, actor: Actor, inspections: dict) -> dict[str, list]:
    """Photos staff took at inspection: uploaded by them, not yet attached to anything."""
    wanted = {evidence_id for item in inspections.values() for evidence_id in item.evidence_ids}
    if not wanted:
        return {}
    found = set(
        str(pk)
        for pk in Evidence.objects.filter(
            installation_id=return_request.installation_id, pk__in=[e for e in wanted if is_uuid(e)],
            return_request__isnull=True, uploaded_by_kind=actor.kind, uploaded_by_id=actor.id or actor.email,
        ).values_list("pk", flat=True)
    )
    missing = [line_id for line_id, item in inspections.items() if any(e not in found for e in item.evidence_ids)]
    if missing:
        raise invalid("lines", "Some photos were not found; upload them again.", ReturnErrorCode.NOT_FOUND, lines=missing)
    return {line_id: list(item.evidence_ids) for line_id, item in inspections.items()}


def inspect_return_lines(*, return_request, actor: Actor, inspections: list[InspectionInput]) -> ReturnRequest:
    """Record condition and disposition per received line; the return is inspected once every
    received line is. Restocking needs a warehouse."""
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        if return_request.status != ReturnStatus.RECEIVED:
            raise invalid("status", "Only received returns can be inspected.", ReturnErrorCode.INVALID_TRANSITION)
        lines = _locked_lines(return_request)
        by_id = {item.line_id: item for item in inspections}
        unknown = [line_id for line_id in by_id if line_id not in lines]
        if unknown:
            raise invalid("lines", "These lines are not in the return request.", ReturnErrorCode.NOT_FOUND, lines=unknown)
        for line_id, item in by_id.items():
            line = lines[line_id]
            if item.accepted_quantity < 0 or item.accepted_quantity > line.received_quantity:
                raise invalid("lines.acceptedQuantity", "Accept at most the received quantity.", ReturnErrorCode.INVALID_QUANTITY,
                              lines=[line_id])
            if item.condition not in Condition.values:
                raise invalid("lines.condition", "Choose a condition.", ReturnErrorCode.INVALID, lines=[line_id])
            if item.disposition not in Disposition.values:
                raise invalid("lines.disposition", "Choose what happens to the item.", ReturnErrorCode.INVALID, lines=[line_id])
            if item.disposition == Disposition.RESTOCK and not item.warehouse_id:
                raise invalid("lines.warehouseId", "Choose the warehouse to restock into.", ReturnErrorCode.REQUIRED, lines=[line_id])
        photos = _inspection_photos(return_request, actor, by_id)
        now = timezone.now()
        for line_id, item in by_id.items():
            line = lines[line_id]
            Evidence.objects.filter(pk__in=photos.get(line_id, [])).update(return_request=return_request, return_line=line)
            line.accepted_quantity = item.accepted_quantity
            line.condition = item.condition
            line.disposition = item.disposition
            line.restock_warehouse_id = item.warehouse_id if item.disposition == Disposition.RESTOCK else ""
            line.inspection_note = (item.note or "").strip()
            line.inspected_at = now
            line.save(update_fields=["accepted_quantity", "condition", "disposition", "restock_warehouse_id",
                                     "inspection_note", "inspected_at"])
        events.lines_inspected_event(
            return_request=return_request, actor=actor,
            inspections=[{"line_id": i.line_id, "accepted": i.accepted_quantity, "condition": i.condition,
                          "disposition": i.disposition} for i in inspections],
        )
        if all(line.inspected_at or line.received_quantity == 0 for line in lines.values()):
            transition(return_request, to=ReturnStatus.INSPECTED, actor=actor, note=SystemNote("inspected"))
            message_actions.tell(return_request, MessageEvent.INSPECTED)
            request_id = str(return_request.pk)
            transaction.on_commit(lambda: tasks.record_return_in_saleor_task.delay(request_id))
    logger.info("Return lines inspected", extra={"return_request_id": str(return_request.pk)})
    return return_request


# --------------------------------------------------------------------------- Saleor's records


def record_saleor_return(*, return_request_id, fulfillment_id: str) -> None:
    ReturnRequest.objects.filter(pk=return_request_id).update(saleor_return_fulfillment_id=fulfillment_id)


def record_restock_target(*, line_id, target: int) -> ReturnLine:
    """Keep the stock level to set before setting it, so a retry never adds the units twice."""
    ReturnLine.objects.filter(pk=line_id, restock_target_quantity__isnull=True).update(restock_target_quantity=target)
    return ReturnLine.objects.get(pk=line_id)


def record_restocked(*, line_id) -> None:
    ReturnLine.objects.filter(pk=line_id).update(restocked_at=timezone.now())
