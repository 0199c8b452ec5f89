"""One function per timeline event. Each writes a ReturnEvent in the caller's transaction."""

from django.db import models

from saleor_returns.money import quantize
from saleor_returns.notes import SystemNote, note_data
from saleor_returns.requestors import SYSTEM, Actor



class EventType(models.TextChoices):
    """What happened on the timeline (ReturnEvent.Type)."""

    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    LINES_APPROVED = "lines_approved"
    INFO_REQUESTED = "info_requested"
    INFO_ADDED = "info_added"
    NOTE_ADDED = "note_added"
    POLICY_OVERRIDDEN = "policy_overridden"
    AUTO_REVIEWED = "auto_reviewed"
    TRACKING_ADDED = "tracking_added"
    LINES_RECEIVED = "lines_received"
    LINES_INSPECTED = "lines_inspected"
    REFUND_STARTED = "refund_started"
    REFUND_SUCCEEDED = "refund_succeeded"
    REFUND_FAILED = "refund_failed"
    SHIPPING_FLAGGED = "shipping_flagged"


def _event(return_request, type_, actor: Actor, *, note="", is_visible_to_customer=True, data=None, **fields):
    # Through the request's own relation: the core's events know no model module (models import states,
    # whose transition() writes events).
    return return_request.events.create(
        type=type_,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_email=actor.email,
        note=note,
        is_visible_to_customer=is_visible_to_customer,
        data={**(data or {}), **note_data(note)},
        **fields,
    )


def return_request_created_event(*, return_request, actor: Actor, data=None):
    return _event(return_request, EventType.CREATED, actor, data=data, to_status=return_request.status)


def status_changed_event(*, return_request, from_status, to_status, actor: Actor, note, is_visible_to_customer, data):
    return _event(
        return_request,
        EventType.STATUS_CHANGED,
        actor,
        note=note,
        is_visible_to_customer=is_visible_to_customer,
        data=data,
        from_status=from_status,
        to_status=to_status,
    )


def lines_approved_event(*, return_request, actor: Actor, quantities: dict[str, int]):
    return _event(return_request, EventType.LINES_APPROVED, actor, data={"approved_quantities": quantities})


def info_requested_event(*, return_request, actor: Actor, message: str):
    return _event(return_request, EventType.INFO_REQUESTED, actor, note=message)


def info_added_event(*, return_request, actor: Actor, message: str, evidence_ids: list[str]):
    return _event(return_request, EventType.INFO_ADDED, actor, note=message, data={"evidence_ids": evidence_ids})


def note_added_event(*, return_request, actor: Actor, note: str, is_visible_to_customer: bool):
    return _event(
        return_request, EventType.NOTE_ADDED, actor, note=note, is_visible_to_customer=is_visible_to_customer
    )


def policy_overridden_event(*, return_request, actor: Actor, justification: str, overridden: list[dict]):
    return _event(
        return_request,
        EventType.POLICY_OVERRIDDEN,
        actor,
        note=justification,
        is_visible_to_customer=False,
        data={"overridden": overridden},
    )


def auto_reviewed_event(*, return_request, approved: bool, checks: list[dict]):
    return _event(
        return_request,
        EventType.AUTO_REVIEWED,
        SYSTEM,
        is_visible_to_customer=False,
        data={"approved": approved, "checks": checks},
    )


def tracking_added_event(*, return_request, actor: Actor, carrier: str, tracking_number: str):
    return _event(
        return_request,
        EventType.TRACKING_ADDED,
        actor,
        note=f"{carrier} {tracking_number}",
        data={"carrier": carrier, "tracking_number": tracking_number},
    )


def shipping_flagged_event(*, return_request, reason: str, note: str = ""):
    """Something about the parcel needs staff: a carrier exception, no scan, a failed label."""
    return _event(
        return_request,
        EventType.SHIPPING_FLAGGED,
        Actor(kind="carrier"),
        note=note or "",
        is_visible_to_customer=False,
        data={"reason": reason},
    )


def lines_received_event(*, return_request, actor: Actor, quantities: dict[str, int]):
    return _event(return_request, EventType.LINES_RECEIVED, actor, data={"received_quantities": quantities})


def lines_inspected_event(*, return_request, actor: Actor, inspections: list[dict]):
    return _event(
        return_request, EventType.LINES_INSPECTED, actor, is_visible_to_customer=False,
        data={"inspections": inspections},
    )


def refund_started_event(*, return_request, actor: Actor, refund):
    return _event(
        return_request, EventType.REFUND_STARTED, actor,
        note=SystemNote("refund_started", kind=refund.kind, amount=quantize(refund.amount, refund.currency),
                        currency=refund.currency),
        data={"refund_id": str(refund.pk), "amount": str(quantize(refund.amount, refund.currency)), "currency": refund.currency, "kind": refund.kind},
    )


def refund_succeeded_event(*, return_request, refund):
    return _event(
        return_request, EventType.REFUND_SUCCEEDED, SYSTEM,
        note=SystemNote("refund_succeeded", amount=quantize(refund.amount, refund.currency), currency=refund.currency),
        data={"refund_id": str(refund.pk), "amount": str(quantize(refund.amount, refund.currency)), "currency": refund.currency},
    )


def refund_failed_event(*, return_request, refund):
    return _event(
        return_request, EventType.REFUND_FAILED, SYSTEM, note=refund.failure_reason, is_visible_to_customer=False,
        data={"refund_id": str(refund.pk)},
    )
