"""The outbox's shop-level events (a spike in returns): an e-mail to the shop's staff and the webhooks,
written in the transaction of what they tell and queued after commit."""

from django.utils import timezone

from saleor_returns.models.notifications import (
    Message,
    MessageChannel,
    MessageStatus,
    SenderSettings,
    ShopEvent,
)
from saleor_returns.notifications import catalog
from saleor_returns.notifications.actions import webhook_messages, write_messages
from saleor_returns.notifications.email import NO_ALERTS_ADDRESS
from saleor_returns.notifications.events import plain


def record_spike_alert_messages(spike_alert, *, data: dict) -> list[Message]:
    """Write the messages of a spike alert: an e-mail to the shop's alerts address and one webhook
    per active endpoint subscribed to `spike_alert`. Queues their sending after commit.

    Runs inside the caller's transaction, with the alert's row. Idempotent: a row exists at most
    once per alert × channel (× endpoint). With no alerts address set the e-mail is recorded as
    skipped, saying why, so staff see that the shop was not e-mailed. Returns the messages
    still to be sent.
    """
    event = ShopEvent.SPIKE_ALERT
    unknown = sorted(set(data) - set(catalog.data_keys(event)))
    if unknown:
        raise ValueError(f"The {event.value} event carries no {', '.join(unknown)}.")
    installation_id = spike_alert.installation_id
    base = {
        "installation_id": installation_id,
        "spike_alert": spike_alert,
        "event": event.value,
        "data": plain(data),
        "next_attempt_at": timezone.now(),
    }
    sender = SenderSettings.objects.filter(installation_id=installation_id).first()
    address = sender.alerts_email if sender else ""
    if address:
        rows = [Message(channel=MessageChannel.EMAIL, recipient=address, language=sender.alerts_language, **base)]
    else:
        rows = [Message(channel=MessageChannel.EMAIL, status=MessageStatus.SKIPPED, last_error=NO_ALERTS_ADDRESS,
                        **{**base, "next_attempt_at": None})]
    return write_messages(rows + webhook_messages(**base), Message.objects.filter(spike_alert=spike_alert))
