"""Opting out of reminders and surveys: the signed link in their List-Unsubscribe header, and the opt-outs.

The link names the message it came with, never the address: the address is read from
that message, so a link in a forwarded or logged URL carries no personal data. It does
not expire (RFC 8058 one-click links must keep working) and opts out of the shop's
non-transactional mail only; messages about the progress of a return still go.
"""

import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

from saleor_returns.models.notifications import EmailOptOut, Message

logger = logging.getLogger(__name__)

SALT = "saleor_returns.unsubscribe"
PATH = "/notifications/unsubscribe/"


class InvalidUnsubscribeLink(Exception):
    pass


def unsubscribe_url(message: Message) -> str:
    token = signing.dumps({"m": str(message.pk)}, salt=SALT, compress=True)
    return f"{settings.APP_PUBLIC_URL}{PATH}{token}"


def message_of(token: str) -> Message:
    """The message a link came with; raises InvalidUnsubscribeLink if forged or unknown."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise InvalidUnsubscribeLink from None
    message = Message.objects.select_related("installation").filter(pk=payload.get("m")).first()
    if message is None or not message.recipient:
        raise InvalidUnsubscribeLink
    return message


def is_opted_out(installation, email: str) -> bool:
    return EmailOptOut.objects.filter(installation=installation, email=email.strip().lower()).exists()


def opt_out(message: Message) -> None:
    """Record that the message's recipient wants no more reminders or surveys from its shop. Idempotent."""
    try:
        with transaction.atomic():
            EmailOptOut.objects.create(installation=message.installation, email=message.recipient.strip().lower())
    except IntegrityError:
        return
    logger.info("E-mail opt-out recorded", extra={"installation_id": str(message.installation_id)})
