"""Celery tasks of the outbox: send one message, and the beat sweep that sends what is due.

Retries are not Celery's: a failed attempt stores its next time in the row
(`Message.next_attempt_at`), and the sweep queues every due message each
`MESSAGE_SWEEP_SECONDS`, so a retry survives a lost broker message or a restart.
"""

import logging

from celery import shared_task

from saleor_returns.notifications import attempts, email, webhooks
from saleor_returns.models.notifications import MessageAttempt, MessageChannel

logger = logging.getLogger(__name__)


@shared_task(name="saleor_returns.send_message")
def send_message_task(message_id: str) -> None:
    """Send a message if it is due and no other worker holds it; safe to run any number of times."""
    claimed = attempts.claim_message(message_id)
    if claimed is None:
        return
    message, attempt = claimed
    try:
        if message.channel == MessageChannel.EMAIL:
            email.send_email(message, attempt)
        else:
            webhooks.deliver_webhook(message, attempt)
    except Exception:
        # A bug: the message fails (staff can resend it once fixed) instead of being retried forever.
        logger.exception("Message could not be sent", extra={"message_id": str(message.pk)})
        attempts.finish_attempt(
            message, attempt, outcome=MessageAttempt.Outcome.FAILED, error="The app failed to send it; it was logged."
        )


@shared_task(name="saleor_returns.send_due_messages")
def send_due_messages_task() -> None:
    """Beat: queue every message whose time has come, and take back those lost with a worker."""
    for message_id in attempts.due_message_ids():
        send_message_task.delay(message_id)
