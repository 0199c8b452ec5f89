"""The outbox: a return's messages written in the step's transaction and queued after commit, resends
and test events. Sending, its outcome and its retries are in `attempts.py`.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.notifications import catalog, tasks
from saleor_returns.notifications.events import plain
from saleor_returns.models.notifications import (
    TEST_EVENT,
    Message,
    MessageChannel,
    MessageEvent,
    MessageStatus,
    WebhookEndpoint,
)

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
    endpoints = WebhookEndpoint.objects.filter(installation_id=return_request.installation_id, is_active=True)
    rows.extend(
        Message(channel=MessageChannel.WEBHOOK, endpoint=endpoint, **base)
        for endpoint in endpoints
        if endpoint.receives(event.value)
    )
    with transaction.atomic():
        Message.objects.bulk_create(rows, ignore_conflicts=True)
        pending = list(
            Message.objects.filter(
                return_request=return_request, event=event.value, occurrence=occurrence, status=MessageStatus.PENDING
            )
        )
    queue_after_commit([message.pk for message in pending])
    return pending


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
