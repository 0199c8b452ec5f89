"""Shipping's writes: the label planned at approval, the customer's own tracking, the carrier's answers,
tracking events applied to shipments and returns, and the sweeps of stale and expired shipments."""

import json
import logging
import uuid
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from saleor_returns import events, policies
from saleor_returns.carriers.tracking import TrackingEvent, TrackingStatus, next_status
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.lifecycle import is_returnless, transition
from saleor_returns.locks import lock_return_request
from saleor_returns.models import CarrierAccount, CarrierWebhookEvent, Installation, ReturnRequest, ReturnShipment
from saleor_returns.models.notifications import MessageEvent
from saleor_returns.notes import SystemNote
from saleor_returns.notifications import actions as message_actions
from saleor_returns.notifications.events import ship_by
from saleor_returns.requestors import SYSTEM, Actor
from saleor_returns.resolutions import actions as resolution_actions
from saleor_returns.shipping import tasks
from saleor_returns.states import ReturnStatus
from saleor_returns.task_schedule import claim_task_schedule_params, claim_task_schedule_sql

logger = logging.getLogger(__name__)


# Tracking statuses that mean the parcel is moving (the first scan).
MOVING = frozenset({TrackingStatus.IN_TRANSIT, TrackingStatus.OUT_FOR_DELIVERY, TrackingStatus.AVAILABLE_FOR_PICKUP})

# Tracking statuses staff must look at.
NEEDS_ATTENTION = frozenset({TrackingStatus.EXCEPTION, TrackingStatus.RETURNED_TO_SENDER, TrackingStatus.LOST})


def plan_shipping(return_request: ReturnRequest) -> None:
    """After approval: buy a label from the shop's default carrier, when it has one.

    Returnless resolutions and claims ship nothing back. Caller holds the lock.
    """
    if is_returnless(return_request):
        return
    account = CarrierAccount.objects.filter(installation_id=return_request.installation_id, is_default=True,
                                            is_active=True).first()
    if account is None or return_request.shipments.exists():
        return
    shipment = ReturnShipment.objects.create(
        return_request=return_request, carrier_account=account, method=ReturnShipment.Method.LABEL,
        label_status=ReturnShipment.LabelStatus.PENDING,
    )
    shipment_id = str(shipment.pk)
    transaction.on_commit(lambda: tasks.create_label_task.delay(shipment_id))


def void_unused_labels(return_request: ReturnRequest) -> None:
    """A canceled return's bought labels are voided after commit, so the shop is not charged for them."""
    for shipment in return_request.shipments.filter(label_status=ReturnShipment.LabelStatus.CREATED):
        shipment_id = str(shipment.pk)
        transaction.on_commit(lambda: tasks.void_label_task.delay(shipment_id))


def add_customer_tracking(*, return_request: ReturnRequest, actor: Actor, carrier: str, tracking_number: str) -> ReturnShipment:
    """The customer ships the parcel themselves and tells us the carrier and tracking number."""
    tracking_number = "".join((tracking_number or "").split()).upper()
    carrier = (carrier or "").strip()
    if not tracking_number or len(tracking_number) > 128:
        raise invalid("trackingNumber", "Enter the tracking number from the carrier's receipt.", ReturnErrorCode.REQUIRED)
    if not carrier:
        raise invalid("carrier", "Name the carrier, e.g. UPS or DHL.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        if return_request.status not in (ReturnStatus.APPROVED, ReturnStatus.AWAITING_SHIPMENT):
            raise invalid("status", "Tracking can be added once the return is approved and before it arrives.",
                          ReturnErrorCode.INVALID_TRANSITION)
        account = CarrierAccount.objects.filter(installation_id=return_request.installation_id, is_default=True,
                                                is_active=True).first()
        shipment = ReturnShipment.objects.create(
            return_request=return_request, carrier_account=account, method=ReturnShipment.Method.SELF_SHIP,
            carrier=carrier[:64], tracking_number=tracking_number,
        )
        events.tracking_added_event(return_request=return_request, actor=actor, carrier=carrier,
                                    tracking_number=tracking_number)
        transition(return_request, to=ReturnStatus.AWAITING_SHIPMENT, actor=actor)
        if account is not None:
            shipment_id = str(shipment.pk)
            transaction.on_commit(lambda: tasks.register_tracker_task.delay(shipment_id))
    return shipment


def record_shipment_id(*, shipment_id, provider_shipment_id: str) -> None:
    """Kept before a label is bought, so a retry resumes the same purchase."""
    ReturnShipment.objects.filter(pk=shipment_id).update(provider_shipment_id=provider_shipment_id)


def record_label(*, shipment_id, label) -> ReturnShipment | None:
    """The carrier sold the label: keep it, and the return now waits for the parcel. Idempotent."""
    with transaction.atomic():
        shipment = ReturnShipment.objects.select_for_update().select_related("return_request").get(pk=shipment_id)
        if shipment.label_status == ReturnShipment.LabelStatus.CREATED:
            return shipment
        return_request = lock_return_request(shipment.return_request)
        shipment.label_status = ReturnShipment.LabelStatus.CREATED
        shipment.label_error = ""
        shipment.carrier = label.carrier[:64]
        shipment.tracking_number = label.tracking_number
        shipment.label_id = label.label_id
        shipment.provider_shipment_id = label.shipment_id or shipment.provider_shipment_id
        shipment.tracker_id = label.tracker_id or ""
        shipment.label_url = label.label_url
        shipment.label_format = getattr(label.label_format, "value", label.label_format) or ""
        shipment.qr_code_url = label.qr_code_url or ""
        shipment.cost_amount = label.cost.amount
        shipment.currency = label.cost.currency
        shipment.tracking_status = TrackingStatus.LABEL_CREATED.value
        shipment.label_created_at = label.created_at or timezone.now()
        shipment.save()
        if return_request.status == ReturnStatus.APPROVED:
            transition(return_request, to=ReturnStatus.AWAITING_SHIPMENT, actor=SYSTEM,
                       note=SystemNote("label_ready"))
            message_actions.tell_label_settled(return_request)
        elif return_request.status == ReturnStatus.CANCELED:
            transaction.on_commit(lambda: tasks.void_label_task.delay(str(shipment_id)))
    logger.info("Return label created", extra={"return_request_id": str(return_request.pk)})
    return shipment


def record_label_failure(*, shipment_id, message: str) -> None:
    with transaction.atomic():
        shipment = ReturnShipment.objects.select_for_update().select_related("return_request").get(pk=shipment_id)
        if shipment.label_status == ReturnShipment.LabelStatus.CREATED:
            return
        return_request = lock_return_request(shipment.return_request)
        shipment.label_status = ReturnShipment.LabelStatus.FAILED
        shipment.label_error = message[:1000]
        shipment.save(update_fields=["label_status", "label_error", "updated_at"])
        events.shipping_flagged_event(return_request=return_request, reason="label_failed", note=message)
        if return_request.status == ReturnStatus.APPROVED:
            message_actions.tell_label_settled(return_request)
    logger.error("Return label failed", extra={"return_request_id": str(shipment.return_request_id)})


def record_label_voided(*, shipment_id) -> None:
    ReturnShipment.objects.filter(pk=shipment_id).update(
        label_status=ReturnShipment.LabelStatus.VOIDED, voided_at=timezone.now()
    )


# --------------------------------------------------------------------------- tracking events

APPLY_EVENTS_SCHEDULE = "apply-carrier-events"


class CarrierAccountChanged(Exception):
    """The carrier account a webhook was verified with is no longer the stored one (rotated, disabled, gone)."""


def record_carrier_events(*, account: CarrierAccount, parsed: list) -> int:
    """Store verified tracking events once per (provider, event id); returns how many were new.

    The stored rows are the queue: one task applies every pending event, and at
    most one such task is scheduled at a time, so a burst of webhooks costs one
    task, not one per webhook (the intake stays fast). One statement checks the
    account, stores the rows (INSERT ... ON CONFLICT DO NOTHING) and claims the
    task's schedule (`claim_task_schedule_sql`); the task is queued after commit.

    The rows are stored only while `account` is still active, in an active
    installation, with the very credentials the events were verified with: a
    caller may verify with an account it read earlier, and a secret rotated (or
    an account disabled) since then raises `CarrierAccountChanged`, nothing stored.
    """
    rows = [
        (
            uuid.uuid4(), account.pk, event.provider, event.event_id[:255],
            "".join(event.tracking_number.split()).upper()[:128], event.status.value, event.completed,
            event.occurred_at, (event.message or "")[:2000], str(event.location or "")[:255],
            json.dumps(event.raw if isinstance(event.raw, dict) else {}),
        )
        for event in parsed
    ]
    if not rows:
        return 0
    table = CarrierWebhookEvent._meta.db_table
    accounts = CarrierAccount._meta.db_table
    installations = Installation._meta.db_table
    values = ", ".join(
        ["(%s::uuid, %s::uuid, %s, %s, %s, %s, %s::boolean, %s::timestamptz, %s, %s, %s::jsonb)"] * len(rows)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH account AS (
                SELECT EXISTS (
                    SELECT 1 FROM {accounts} a JOIN {installations} i ON i.id = a.installation_id
                    WHERE a.id = %s AND a.is_active AND i.is_active AND a.encrypted_credentials = %s
                ) AS unchanged
            ), inserted AS (
                INSERT INTO {table} (id, carrier_account_id, provider, event_id, tracking_number, tracking_status,
                                     completed, occurred_at, message, location, raw, status, received_at)
                SELECT v.*, 'pending', now() FROM (VALUES {values}) AS v
                WHERE (SELECT unchanged FROM account)
                ON CONFLICT (provider, event_id) DO NOTHING
                RETURNING 1
            ), claimed AS ({claim_task_schedule_sql("inserted")})
            SELECT (SELECT unchanged FROM account), (SELECT count(*) FROM inserted), EXISTS (SELECT 1 FROM claimed)
            """,
            [account.pk, account.encrypted_credentials, *(value for row in rows for value in row),
             *claim_task_schedule_params(APPLY_EVENTS_SCHEDULE)],
        )
        unchanged, new, claimed = cursor.fetchone()
    if not unchanged:
        raise CarrierAccountChanged
    if claimed:
        transaction.on_commit(queue_carrier_events)
    return new


def queue_carrier_events() -> None:
    tasks.apply_pending_carrier_events_task.apply_async(countdown=1)


def apply_carrier_event(*, event_id) -> str:
    """Move a shipment (and its return) along with one tracking event. Never backwards; idempotent."""
    with transaction.atomic():
        event = CarrierWebhookEvent.objects.select_for_update().select_related("carrier_account").get(pk=event_id)
        if event.status != CarrierWebhookEvent.Status.PENDING:
            return event.status
        shipment = (
            ReturnShipment.objects.filter(
                return_request__installation_id=event.carrier_account.installation_id,
                tracking_number=event.tracking_number,
            )
            .exclude(label_status=ReturnShipment.LabelStatus.VOIDED)
            .order_by("-created_at")
            .first()
        )
        if shipment is None:
            return _finish_event(event, CarrierWebhookEvent.Status.UNMATCHED)
        return_request = lock_return_request(shipment.return_request)
        shipment = ReturnShipment.objects.select_for_update().get(pk=shipment.pk)
        tracking_event = TrackingEvent(
            provider=event.provider, event_id=event.event_id, tracking_number=event.tracking_number,
            carrier=shipment.carrier, status=TrackingStatus(event.tracking_status), provider_status="",
            occurred_at=event.occurred_at, completed=event.completed,
        )
        current = TrackingStatus(shipment.tracking_status) if shipment.tracking_status else None
        new_status = next_status(current, tracking_event, shipment.last_event_at, current_completed=shipment.tracking_completed)
        event.shipment = shipment
        if new_status is None:
            return _finish_event(event, CarrierWebhookEvent.Status.IGNORED)
        shipment.tracking_status = new_status.value
        shipment.tracking_completed = event.completed
        shipment.last_event_at = event.occurred_at
        if new_status in MOVING | {TrackingStatus.DELIVERED} and shipment.first_scan_at is None:
            shipment.first_scan_at = event.occurred_at
        if new_status is TrackingStatus.DELIVERED:
            shipment.delivered_at = event.occurred_at
        if new_status in NEEDS_ATTENTION:
            shipment.flagged_reason = new_status.value
            shipment.flagged_at = timezone.now()
            events.shipping_flagged_event(return_request=return_request, reason=new_status.value, note=event.message)
        shipment.save()
        _advance_return(return_request, new_status)
        return _finish_event(event, CarrierWebhookEvent.Status.APPLIED)


def _advance_return(return_request: ReturnRequest, status: TrackingStatus) -> None:
    """First scan → in transit; delivered to the returns address → received. Only forwards."""
    carrier = Actor(kind="carrier")
    if status in MOVING and return_request.status == ReturnStatus.AWAITING_SHIPMENT:
        transition(return_request, to=ReturnStatus.IN_TRANSIT, actor=carrier, note=SystemNote("in_transit"))
        resolution_actions.start_instant_refund(return_request)
    elif status is TrackingStatus.DELIVERED and return_request.status in (ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.IN_TRANSIT):
        transition(return_request, to=ReturnStatus.RECEIVED, actor=carrier,
                   note=SystemNote("delivered"))
        message_actions.tell(return_request, MessageEvent.PARCEL_RECEIVED)


def _finish_event(event: CarrierWebhookEvent, status: str) -> str:
    event.status = status
    event.applied_at = timezone.now()
    event.save(update_fields=["status", "applied_at", "shipment"])
    return status


# --------------------------------------------------------------------------- sweeps


def flag_stale_shipments(*, now: datetime | None = None) -> int:
    """Labels with no carrier scan after the policy's days are flagged as possibly lost."""
    now = now or timezone.now()
    flagged = 0
    candidates = ReturnShipment.objects.filter(
        label_status=ReturnShipment.LabelStatus.CREATED, first_scan_at__isnull=True, flagged_at__isnull=True,
        return_request__status=ReturnStatus.AWAITING_SHIPMENT,
    ).select_related("return_request__policy")
    for shipment in candidates:
        rules = policies.PolicyRules.from_json(shipment.return_request.policy.rules)
        if shipment.label_created_at and now - shipment.label_created_at >= timedelta(days=rules.no_scan_flag_days):
            with transaction.atomic():
                locked = ReturnShipment.objects.select_for_update().get(pk=shipment.pk)
                if locked.flagged_at is not None or locked.first_scan_at is not None:
                    continue
                locked.flagged_reason = "no_scan"
                locked.flagged_at = now
                locked.save(update_fields=["flagged_reason", "flagged_at", "updated_at"])
                events.shipping_flagged_event(return_request=shipment.return_request, reason="no_scan",
                                              note=SystemNote("no_scan", days=rules.no_scan_flag_days))
            flagged += 1
    return flagged


def expire_unshipped_returns(*, now: datetime | None = None) -> int:
    """Approved returns never shipped are canceled after the policy's days (their labels voided)."""
    now = now or timezone.now()
    expired = 0
    candidates = ReturnRequest.objects.filter(
        status__in=[ReturnStatus.APPROVED, ReturnStatus.AWAITING_SHIPMENT]
    ).select_related("policy")
    for return_request in candidates:
        rules = policies.PolicyRules.from_json(return_request.policy.rules)
        since = return_request.status_changed_at or return_request.created_at
        if now - since < timedelta(days=rules.approved_return_expiry_days):
            continue
        if return_request.shipments.filter(first_scan_at__isnull=False).exists():
            continue
        with transaction.atomic():
            return_request = lock_return_request(return_request)
            deadline = ship_by(return_request)
            transition(return_request, to=ReturnStatus.CANCELED, actor=SYSTEM,
                       note=SystemNote("not_shipped", days=rules.approved_return_expiry_days))
            void_unused_labels(return_request)
            message_actions.tell_expired(return_request, deadline=deadline)
        expired += 1
    return expired


# --------------------------------------------------------------------------- customer shipping choices


def request_return_label(*, return_request: ReturnRequest, actor: Actor) -> ReturnRequest:
    """The customer (or staff) picks a prepaid label: bought from the shop's default carrier."""
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        if return_request.status != ReturnStatus.APPROVED:
            raise invalid("status", "A label can be had once the return is approved and before it ships.",
                          ReturnErrorCode.INVALID_TRANSITION)
        if not CarrierAccount.objects.filter(installation_id=return_request.installation_id, is_default=True,
                                             is_active=True).exists():
            raise invalid("id", "The shop does not offer return labels.", ReturnErrorCode.NOT_RETURNABLE)
        if is_returnless(return_request):
            raise invalid("id", "Nothing needs to be sent back for this request.", ReturnErrorCode.INVALID)
        plan_shipping(return_request)
    return return_request


def schedule_pickup(*, return_request: ReturnRequest, actor: Actor, window_from: datetime, window_to: datetime,
                    instructions: str = "") -> ReturnShipment:
    """The customer asks the carrier to collect the labelled parcel in a time window."""
    if window_from >= window_to:
        raise invalid("to", "The window must end after it starts.", ReturnErrorCode.INVALID)
    if window_from < timezone.now():
        raise invalid("from", "Choose a window in the future.", ReturnErrorCode.INVALID)
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        shipment = (
            return_request.shipments.select_for_update()
            .filter(label_status=ReturnShipment.LabelStatus.CREATED, first_scan_at__isnull=True)
            .first()
        )
        if shipment is None or return_request.status != ReturnStatus.AWAITING_SHIPMENT:
            raise invalid("id", "A pickup needs a return label that has not been scanned yet.",
                          ReturnErrorCode.INVALID_TRANSITION)
        if shipment.pickup_id:
            raise invalid("id", "A pickup is already booked for this parcel.", ReturnErrorCode.UNIQUE)
        shipment.pickup_requested_from = window_from
        shipment.pickup_requested_to = window_to
        shipment.pickup_instructions = (instructions or "").strip()[:500]
        shipment.pickup_error = ""
        shipment.save()
        shipment_id = str(shipment.pk)
        transaction.on_commit(lambda: tasks.schedule_pickup_task.delay(shipment_id))
    return shipment


def record_pickup(*, shipment_id, pickup=None, error: str = "") -> None:
    if pickup is not None:
        ReturnShipment.objects.filter(pk=shipment_id).update(
            pickup_id=pickup.pickup_id[:128], pickup_confirmation=(pickup.confirmation or "")[:128], pickup_error=""
        )
    else:
        ReturnShipment.objects.filter(pk=shipment_id).update(pickup_error=error[:1000])
