"""The return lifecycle: statuses, the transitions table and `transition()`.

Only `transition()` changes a return request's status (DESIGN.md, Lifecycle):

    REQUESTED → PENDING_REVIEW → APPROVED → AWAITING_SHIPMENT → IN_TRANSIT → RECEIVED → INSPECTED → RESOLVED → CLOSED
              ↘ APPROVED (auto)   ↘ REJECTED     ↘ CANCELED (before shipping)
    APPROVED → RESOLVED  (returnless: keep-the-item, damaged or lost claim)
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from saleor_returns import events
from saleor_returns.error_codes import ReturnErrorCode


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested"
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELED = "canceled"
    AWAITING_SHIPMENT = "awaiting_shipment"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    INSPECTED = "inspected"
    RESOLVED = "resolved"
    CLOSED = "closed"


TRANSITIONS: dict[str, set[str]] = {
    ReturnStatus.REQUESTED: {ReturnStatus.PENDING_REVIEW, ReturnStatus.APPROVED, ReturnStatus.REJECTED, ReturnStatus.CANCELED},
    ReturnStatus.PENDING_REVIEW: {ReturnStatus.APPROVED, ReturnStatus.REJECTED, ReturnStatus.CANCELED},
    ReturnStatus.APPROVED: {ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.RESOLVED, ReturnStatus.CANCELED},
    # A parcel dropped off in a store can arrive without a carrier scan.
    ReturnStatus.AWAITING_SHIPMENT: {ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED, ReturnStatus.CANCELED},
    ReturnStatus.IN_TRANSIT: {ReturnStatus.RECEIVED},
    ReturnStatus.RECEIVED: {ReturnStatus.INSPECTED},
    ReturnStatus.INSPECTED: {ReturnStatus.RESOLVED},
    ReturnStatus.RESOLVED: {ReturnStatus.CLOSED},
    ReturnStatus.REJECTED: set(),
    ReturnStatus.CANCELED: set(),
    ReturnStatus.CLOSED: set(),
}

# Statuses whose requested quantities still count against what can be returned.
OPEN_OR_DONE = frozenset(set(ReturnStatus.values) - {ReturnStatus.REJECTED, ReturnStatus.CANCELED})
# Statuses that wait for staff.
NEEDS_REVIEW = frozenset({ReturnStatus.REQUESTED, ReturnStatus.PENDING_REVIEW})
# The customer may still cancel.
CANCELABLE = frozenset({ReturnStatus.REQUESTED, ReturnStatus.PENDING_REVIEW, ReturnStatus.APPROVED, ReturnStatus.AWAITING_SHIPMENT})


def can_transition(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, set())


def transition(return_request, *, to: str, actor, note: str = "", is_visible_to_customer: bool = True, data=None):
    """Move `return_request` to `to`, writing the timeline event.

    Caller holds the row lock (select_for_update) inside a transaction. Moving
    to the current status is a no-op that returns None; a move not in
    TRANSITIONS raises ValidationError(INVALID_TRANSITION) and changes nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside the caller's transaction, under its row lock.")
    current = return_request.status
    if current == to:
        return None
    if not can_transition(current, to):
        raise ValidationError(
            {
                "status": ValidationError(
                    f"A return request cannot move from {ReturnStatus(current).label} to {ReturnStatus(to).label}.",
                    code=ReturnErrorCode.INVALID_TRANSITION.value,
                )
            }
        )
    now = timezone.now()
    return_request.status = to
    return_request.status_changed_at = now
    return_request.save(update_fields=["status", "status_changed_at", "updated_at"])
    return events.status_changed_event(
        return_request=return_request,
        from_status=current,
        to_status=to,
        actor=actor,
        note=note,
        is_visible_to_customer=is_visible_to_customer,
        data=data or {},
    )
