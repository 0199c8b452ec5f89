"""The outbox: a return's messages written in the step's transaction and queued after commit, the
event each step tells, the reminders and surveys that fall due, resends and test events. Sending,
its outcome and its retries are in `attempts.py`.
"""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.lifecycle import is_returnless
from saleor_returns.models import ReturnRequest, ReturnShipment
from saleor_returns.notifications import catalog, schedules, tasks
from saleor_returns.notifications.contacts import full_name, remember_order_contact
from saleor_returns.notifications.events import message_context, plain
from saleor_returns.models.notifications import (
    TEST_EVENT,
    Message,
    MessageChannel,
    MessageEvent,
    MessageStatus,
    WebhookEndpoint,
)
from saleor_returns.policy_rules import PolicyRules
from saleor_returns.states import ReturnStatus

logger = logging.getLogger(__name__)



def record_message(return_request, event: str, *, context: dict, occurrence: str = "") -> list[Message]:
    """Write the messages of `event` for `return_request`: an e-mail to the customer and one
    webhook per active endpoint subscribed to the event. Queues their sending after commit.

    Runs inside the caller's transaction (a step writes its messages with its own rows).
    Idempotent: a row exists at most once per return × event × channel (× endpoint) ×
    `occurrence`, so a step that runs twice writes nothing new; give events that may
    legitimately happen again (information requested twice, a second reminder) a key of
    that occurrence, e.g. the time of the question. `context` is the event's data, from
    `events.message_context()`; a key the event does not carry raises ValueError.
    Returns the event's messages that are still to be sent.
    """
    event = MessageEvent(event)
    unknown = sorted(set(context) - set(catalog.data_keys(event)))
    if unknown:
        raise ValueError(f"The {event.value} event carries no {', '.join(unknown)}.")
    data = plain(context)
    base = {
        "installation_id": return_request.installation_id,
        "return_request": return_request,
        "event": event.value,
        "occurrence": occurrence,
        "data": data,
        "next_attempt_at": timezone.now(),
    }
    rows = []
    if return_request.customer_email:
        rows.append(Message(channel=MessageChannel.EMAIL, recipient=return_request.customer_email, **base))
    return write_messages(
        rows + webhook_messages(**base),
        Message.objects.filter(return_request=return_request, event=event.value, occurrence=occurrence),
    )


def webhook_messages(**fields) -> list[Message]:
    """Unsaved webhook messages of `fields` (installation_id, event, …), one per active endpoint that takes the event."""
    endpoints = WebhookEndpoint.objects.filter(installation_id=fields["installation_id"], is_active=True)
    return [
        Message(channel=MessageChannel.WEBHOOK, endpoint=endpoint, **fields)
        for endpoint in endpoints
        if endpoint.receives(fields["event"])
    ]


def write_messages(rows: list[Message], same_event) -> list[Message]:
    """Save the rows that do not exist yet (a unique constraint says which do) and queue sending after commit
    what `same_event`, the queryset of the event's messages, still has pending; returns those."""
    with transaction.atomic():
        Message.objects.bulk_create(rows, ignore_conflicts=True)
        pending = list(same_event.filter(status=MessageStatus.PENDING))
    queue_after_commit([message.pk for message in pending])
    return pending


# --------------------------------------------------------------------------- the steps' messages
# Each step of a return (in requests, shipping, inspection, resolutions) calls one of these in its
# own transaction, under the return's lock, after its rows are written.


def tell(return_request, event: str, *, occurrence: str = "", **facts) -> list[Message]:
    """Record `event` with the return's data as it is now; `facts` set the event's own keys."""
    return record_message(
        return_request, event, context=message_context(return_request, event, **facts), occurrence=occurrence
    )


def tell_request_received(return_request, *, language_code: str, first_name: str, last_name: str) -> list[Message]:
    """A new request. The order's language and the customer's name, read with the order it was made
    from, are kept first, so its messages go out without asking Saleor again."""
    remember_order_contact(
        return_request, language_code=language_code, customer_name=full_name(first_name, last_name, language_code)
    )
    return tell(return_request, MessageEvent.REQUEST_RECEIVED)


def tell_decision(return_request) -> list[Message]:
    """Approved or rejected. A claim hears `claim_decided`; a return `rejected`, or `approved` with
    what to send back, once a label being bought at approval is settled (`tell_label_settled`)."""
    if return_request.is_claim:
        return tell(return_request, MessageEvent.CLAIM_DECIDED)
    if return_request.status == ReturnStatus.REJECTED:
        return tell(return_request, MessageEvent.REJECTED)
    if is_returnless(return_request):
        return tell(
            return_request, MessageEvent.APPROVED, ship_by=None, label_url=None, qr_code_url=None, return_address=None
        )
    if return_request.shipments.filter(label_status=ReturnShipment.LabelStatus.PENDING).exists():
        return []
    return tell(return_request, MessageEvent.APPROVED)


def tell_label_settled(return_request) -> list[Message]:
    """The label bought at approval is ready, or could not be had: the approval is told now, with it
    or with the address to send the parcel to."""
    return tell(return_request, MessageEvent.APPROVED)


def tell_expired(return_request, *, deadline) -> list[Message]:
    """An approved return was called off after its `deadline`: `expired` for one that waited for a
    parcel, `canceled` for one that needed none (a claim, keep-the-item)."""
    if is_returnless(return_request):
        return tell(return_request, MessageEvent.CANCELED)
    return tell(return_request, MessageEvent.EXPIRED, ship_by=deadline)


# --------------------------------------------------------------------------- reminders and surveys


def record_ship_reminders(*, now: datetime | None = None) -> int:
    """Remind each customer whose approved return is due a reminder (`schedules`); returns how many.

    Once per approval: the reminder's occurrence is the approval's timeline event. A return
    whose shipping deadline has passed is left to the expiry, which tells the customer itself.
    """
    now = now or timezone.now()
    reminded = 0
    for return_request_id in schedules.returns_due_a_ship_reminder(now).values_list("pk", flat=True):
        with transaction.atomic():
            return_request = ReturnRequest.objects.select_for_update().get(pk=return_request_id)
            due = schedules.returns_due_a_ship_reminder(now).filter(pk=return_request_id).values_list(
                "approval_id", flat=True
            ).first()
            rules = PolicyRules.from_json(return_request.policy.rules)
            since = return_request.status_changed_at or return_request.created_at
            if due is None or now - since >= timedelta(days=rules.approved_return_expiry_days):
                continue
            tell(return_request, MessageEvent.SHIP_REMINDER, occurrence=str(due))
        reminded += 1
    if reminded:
        logger.info("Ship reminders recorded", extra={"count": reminded})
    return reminded


def record_survey_invitations(*, now: datetime | None = None) -> int:
    """Invite each customer whose return is due its survey (`schedules`), once; returns how many."""
    now = now or timezone.now()
    invited = 0
    for return_request_id in schedules.returns_due_a_survey(now).values_list("pk", flat=True):
        with transaction.atomic():
            return_request = ReturnRequest.objects.select_for_update().get(pk=return_request_id)
            if not schedules.returns_due_a_survey(now).filter(pk=return_request_id).exists():
                continue
            tell(return_request, MessageEvent.SURVEY_INVITATION)
        invited += 1
    if invited:
        logger.info("Survey invitations recorded", extra={"count": invited})
    return invited


# --------------------------------------------------------------------------- sending


def queue_after_commit(message_ids) -> None:
    ids = [str(message_id) for message_id in message_ids]
    if ids:
        transaction.on_commit(lambda: [tasks.send_message_task.delay(message_id) for message_id in ids])


def record_test_message(endpoint: WebhookEndpoint, data: dict) -> Message:
    """A test event for one endpoint: one attempt, whether the endpoint is paused or not."""
    with transaction.atomic():
        message = Message.objects.create(
            installation_id=endpoint.installation_id,
            event=TEST_EVENT,
            channel=MessageChannel.WEBHOOK,
            endpoint=endpoint,
            occurrence=timezone.now().isoformat(),
            data=plain(data),
            next_attempt_at=timezone.now(),
        )
        queue_after_commit([message.pk])
    return message


def resend_message(*, message_id, requested_by: str = "") -> Message:
    """Send a message again (an e-mail) or redeliver it (a webhook), as a new attempt that says who asked.

    Refused with a ValidationError while the message waits to be sent, and for a webhook
    whose endpoint is paused.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update(of=("self",)).select_related("endpoint").get(pk=message_id)
        if message.status in (MessageStatus.PENDING, MessageStatus.SENDING):
            raise ValidationError(
                {"id": ValidationError("This message is being sent already.", code=ReturnErrorCode.INVALID.value)}
            )
        endpoint = message.endpoint
        if endpoint is not None and not endpoint.is_active and message.event != TEST_EVENT:
            raise ValidationError(
                {"id": ValidationError("Its webhook endpoint is paused: resume it first.", code=ReturnErrorCode.INVALID.value)}
            )
        now = timezone.now()
        message.status = MessageStatus.PENDING
        message.next_attempt_at = now
        message.queued_at = now
        message.resend_requested_at = now
        message.resend_requested_by = requested_by
        message.save(update_fields=[
            "status", "next_attempt_at", "queued_at", "resend_requested_at", "resend_requested_by", "updated_at"
        ])
        queue_after_commit([message.pk])
    logger.info("Message resend requested", extra={"message_id": str(message.pk), "channel": message.channel})
    return message


def send_test_event(*, endpoint: WebhookEndpoint) -> Message:
    """Queue a `webhook.test` delivery to the endpoint: one attempt, paused or not."""
    return record_test_message(
        endpoint,
        {
            "endpoint_id": to_global_id("ReturnWebhookEndpoint", str(endpoint.pk)),
            "note": "A test event from the returns app: your endpoint received and may verify it.",
        },
    )
