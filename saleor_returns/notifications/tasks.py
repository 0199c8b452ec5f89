"""Celery tasks of the outbox: send one message, the beat sweep that sends what is due, and the beat
tasks that record the reminders and survey invitations that fell due.

Retries are not Celery's: a failed attempt stores its next time in the row
(`Message.next_attempt_at`), and the sweep queues every due message each
`MESSAGE_SWEEP_SECONDS`, so a retry survives a lost broker message or a restart.
"""

import logging

from celery import shared_task

from saleor_returns.notifications import actions, attempts, email, webhooks
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


@shared_task(name="saleor_returns.send_ship_reminders")
def send_ship_reminders_task() -> None:
    """Beat: remind the customers whose approved return is due a reminder to ship it."""
    actions.record_ship_reminders()


@shared_task(name="saleor_returns.send_survey_invitations")
def send_survey_invitations_task() -> None:
    """Beat: invite the customers whose return is due its satisfaction survey."""
    actions.record_survey_invitations()
