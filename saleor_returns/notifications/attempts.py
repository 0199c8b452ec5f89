"""Attempts to send a message: claimed by one worker, their outcome recorded, retries scheduled.

A message moves pending → sending → sent, or back to pending with a later
`next_attempt_at` after a failure that may pass (a mail server's 4xx, a network error,
an endpoint's 5xx), or to failed once retrying cannot help or the retries are spent;
an e-mail to an address that opted out is skipped. Every try is a `MessageAttempt`.

Sending is at least once: a worker that dies after the mail server took a message but
before its outcome is recorded leaves the row "sending"; the sweep sends it again after
`SENDING_TIMEOUT`. Webhook receivers tell repeats apart by `webhook-id` (the message id).
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from saleor_returns.models.notifications import (
    Message,
    MessageAttempt,
    MessageStatus,
)

logger = logging.getLogger(__name__)

# A message still "sending" after this long was lost with its worker: it is tried again.
SENDING_TIMEOUT = timedelta(minutes=10)
# What an attempt keeps of an endpoint's answer.
RESPONSE_EXCERPT_CHARS = 1024


def claim_message(message_id, *, now: datetime | None = None) -> tuple[Message, MessageAttempt] | None:
    """Take a due pending message for sending, or None when it is not due, not pending, or
    another worker holds it. The flip to "sending" commits before anything is sent, so two
    workers never send the same message."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=MessageStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        resent = message.resend_requested_at is not None
        attempt = MessageAttempt.objects.create(
            message=message,
            number=message.attempts + 1,
            trigger=MessageAttempt.Trigger.RESEND if resent else MessageAttempt.Trigger.AUTOMATIC,
            requested_by=message.resend_requested_by,
            started_at=now,
        )
        message.status = MessageStatus.SENDING
        message.attempts = attempt.number
        message.sending_started_at = now
        message.resend_requested_at = None
        message.resend_requested_by = ""
        message.save(update_fields=[
            "status", "attempts", "sending_started_at", "resend_requested_at", "resend_requested_by", "updated_at"
        ])
    return message, attempt


def finish_attempt(
    message: Message,
    attempt: MessageAttempt,
    *,
    outcome: str,
    error: str = "",
    retry_at: datetime | None = None,
    status_code: int | None = None,
    latency_ms: int | None = None,
    response_excerpt: str = "",
    **rendered,
) -> None:
    """Record how an attempt ended and move the message on.

    `outcome` is sent, skipped or failed; a failure with `retry_at` is retried then
    (the attempt says "retry"), without it the message has failed for good. `rendered`
    keeps what the e-mail was made with (`subject`, `language`). Only the attempt that
    holds the message moves it: one the sweep already took back changes its own log alone.
    """
    now = timezone.now()
    if outcome == MessageAttempt.Outcome.FAILED and retry_at is not None:
        outcome = MessageAttempt.Outcome.RETRY
    status = {
        MessageAttempt.Outcome.SENT: MessageStatus.SENT,
        MessageAttempt.Outcome.SKIPPED: MessageStatus.SKIPPED,
        MessageAttempt.Outcome.RETRY: MessageStatus.PENDING,
        MessageAttempt.Outcome.FAILED: MessageStatus.FAILED,
    }[outcome]
    with transaction.atomic():
        attempt.finished_at = now
        attempt.outcome = outcome
        attempt.error = error
        attempt.status_code = status_code
        attempt.latency_ms = latency_ms
        attempt.response_excerpt = response_excerpt[:RESPONSE_EXCERPT_CHARS]
        attempt.save()
        changes = {
            "status": status,
            "last_error": error,
            "next_attempt_at": retry_at if status == MessageStatus.PENDING else None,
            "sending_started_at": None,
            "updated_at": now,
            **rendered,
        }
        if status == MessageStatus.SENT:
            changes["sent_at"] = now
        Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING, attempts=attempt.number).update(**changes)
    for name, value in changes.items():
        setattr(message, name, value)
    extra = {"message_id": str(message.pk), "channel": message.channel, "event": message.event, "attempt": attempt.number}
    if status == MessageStatus.FAILED:
        logger.warning("Message failed", extra=extra)
    elif status == MessageStatus.PENDING:
        logger.info("Message attempt failed; retrying", extra=extra)
    else:
        logger.info("Message finished", extra={**extra, "outcome": outcome})


def backoff(attempts: int, *, base: float, cap: float) -> timedelta:
    """Exponential: `base` seconds after the first failure, doubling each time, at most `cap`."""
    return timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


def due_message_ids(*, now: datetime | None = None) -> list[str]:
    """Pending messages whose time has come, after taking back those stuck in "sending"."""
    now = now or timezone.now()
    with transaction.atomic():
        stuck = list(
            Message.objects.select_for_update(skip_locked=True).filter(
                status=MessageStatus.SENDING, sending_started_at__lt=now - SENDING_TIMEOUT
            )
        )
        for message in stuck:
            MessageAttempt.objects.filter(message=message, number=message.attempts, outcome="").update(
                outcome=MessageAttempt.Outcome.INTERRUPTED, finished_at=now
            )
            message.status = MessageStatus.PENDING
            message.next_attempt_at = now
            message.sending_started_at = None
            message.save(update_fields=["status", "next_attempt_at", "sending_started_at", "updated_at"])
    if stuck:
        logger.warning("Messages taken back from lost workers", extra={"count": len(stuck)})
    return [
        str(pk)
        for pk in Message.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    ]
