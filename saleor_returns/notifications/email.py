"""E-mail to the customer (and to the shop's staff for alerts) through Django's e-mail backends: the shop's sender and transport, one send per attempt.

A shop sends through the deployment's mail settings (EMAIL_BACKEND, EMAIL_HOST, …) unless
it set its own SMTP server or a mail service reached through django-anymail (Postmark,
Mailgun, Amazon SES, SendGrid), with its credentials encrypted (`SenderSettings`).

A failure that may pass is retried with exponential backoff: a 4xx answer of the mail
server, a connection that fails or times out, a mail service's 5xx or 429. A 5xx answer
(the address does not exist, the message was refused), bad credentials or a refused
address fail the message at once, with the server's answer as its error.
"""

import logging
import smtplib
from email.utils import formataddr

import httpcore
from anymail.exceptions import AnymailError, AnymailRequestsAPIError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from saleor_returns.models import Installation
from saleor_returns.notifications import attempts, catalog
from saleor_returns.notifications.contacts import contact_for
from saleor_returns.notifications.defaults import DEFAULT_LANGUAGE, labels, language_for
from saleor_returns.models.notifications import Message, MessageAttempt, MessageEvent, SenderSettings
from saleor_returns.notifications.templates import RenderedMessage, render, template_for
from saleor_returns.notifications.unsubscribe import is_opted_out, unsubscribe_url
from saleor_returns.notifications.values import Recipient, placeholder_values
from saleor_returns.outbound import ForbiddenAddress, checked_addresses
from saleor_returns.return_links import LinkPurpose, return_link
from saleor_returns.saleor.client import SaleorUnavailable

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BACKOFF_SECONDS = 60
BACKOFF_MAX_SECONDS = 3600

# A mail service by name: its django-anymail backend.
ESP_BACKENDS = {
    "postmark": "anymail.backends.postmark.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "amazon_ses": "anymail.backends.amazon_ses.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
}
MAILGUN_EU_API_URL = "https://api.eu.mailgun.net/v3/"
NO_ALERTS_ADDRESS = "No alerts address is set in the e-mail sender settings."


class TransportFailure(Exception):
    """Sending failed; `transient` says whether trying again later may succeed."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


def send_email(message: Message, attempt: MessageAttempt) -> None:
    """One attempt at a claimed e-mail message; records its outcome."""
    installation = message.installation
    if catalog.is_shop_event(message.event):
        send_shop_email(message, attempt)
        return
    if not catalog.is_transactional(message.event) and is_opted_out(installation, message.recipient):
        attempts.finish_attempt(
            message, attempt, outcome=MessageAttempt.Outcome.SKIPPED,
            error="The customer unsubscribed from reminders and surveys.",
        )
        return
    try:
        contact = contact_for(message.return_request)
    except SaleorUnavailable:
        fail(message, attempt, TransportFailure("The shop did not answer with the order's language.", transient=True))
        return
    language = language_for(contact.language_code)
    sender = SenderSettings.objects.filter(installation=installation).first()
    rendered = render_email(message, language=language, customer_name=contact.customer_name, sender=sender)
    send_rendered(message, attempt, rendered, sender=sender, language=language)


def send_shop_email(message: Message, attempt: MessageAttempt) -> None:
    """One attempt at an e-mail to the shop's staff (a spike alert), in the language of the sender settings.

    One recorded without an address (skipped) and sent again goes to the address set since, if any.
    """
    sender = SenderSettings.objects.filter(installation=message.installation).first()
    if not message.recipient:
        message.recipient = sender.alerts_email if sender else ""
        if not message.recipient:
            attempts.finish_attempt(message, attempt, outcome=MessageAttempt.Outcome.SKIPPED, error=NO_ALERTS_ADDRESS)
            return
        Message.objects.filter(pk=message.pk).update(recipient=message.recipient)
    language = message.language or (sender.alerts_language if sender else "") or DEFAULT_LANGUAGE
    send_rendered(message, attempt, render_shop_email(message, language=language, sender=sender),
                  sender=sender, language=language)


def send_rendered(message: Message, attempt: MessageAttempt, rendered: RenderedMessage, *, sender, language: str) -> None:
    """Deliver the rendered e-mail through the shop's connection and record the attempt's outcome."""
    try:
        deliver(build_email(message, rendered, sender), sender)
    except TransportFailure as failure:
        fail(message, attempt, failure, subject=rendered.subject[:255], language=language)
        return
    attempts.finish_attempt(
        message, attempt, outcome=MessageAttempt.Outcome.SENT, subject=rendered.subject[:255], language=language
    )


def render_shop_email(message: Message, *, language: str, sender) -> RenderedMessage:
    recipient = Recipient(shop_name=shop_name(message.installation, sender), support_email=support_email(sender))
    values = placeholder_values(message.event, message.data, language=language, recipient=recipient)
    return render(template_for(message.installation, message.event, language), values, language=language)


def fail(message: Message, attempt: MessageAttempt, failure: TransportFailure, **rendered) -> None:
    retry_at = None
    if failure.transient and message.attempts < MAX_ATTEMPTS:
        retry_at = timezone.now() + attempts.backoff(message.attempts, base=BACKOFF_SECONDS, cap=BACKOFF_MAX_SECONDS)
    attempts.finish_attempt(
        message, attempt, outcome=MessageAttempt.Outcome.FAILED, error=str(failure), retry_at=retry_at, **rendered
    )


def shop_name(installation: Installation, sender: SenderSettings | None) -> str:
    return (sender.from_name if sender else "") or installation.saleor_domain or installation.saleor_api_url


def support_email(sender: SenderSettings | None) -> str:
    return (sender.reply_to or sender.from_email) if sender else ""


def render_email(message: Message, *, language: str, customer_name: str, sender,
                 unsubscribe: bool = True) -> RenderedMessage:
    """The e-mail of `message` in `language`; reminders and surveys end with their unsubscribe line
    unless `unsubscribe` is false (the copy a customer reads again, which acts on nothing)."""
    return_request = message.return_request
    installation = message.installation
    recipient = Recipient(
        customer_name=customer_name,
        shop_name=shop_name(installation, sender),
        support_email=support_email(sender),
        return_link=return_link(return_request, LinkPurpose.STATUS),
        survey_link=return_link(return_request, LinkPurpose.SURVEY) if message.event == MessageEvent.SURVEY_INVITATION else "",
    )
    values = placeholder_values(message.event, message.data, language=language, recipient=recipient)
    footer = None
    if unsubscribe and not catalog.is_transactional(message.event):
        words = labels(language)
        url = unsubscribe_url(message)
        footer = {
            "text": words["unsubscribe_text"].format(shop=recipient.shop_name, url=url),
            "html": f'<p style="margin-top:32px;font-size:13px;color:#59636e"><a href="{url}">'
            f"{words['unsubscribe_html']}</a></p>",
        }
    return render(template_for(installation, message.event, language), values, language=language, footer=footer)


def build_email(message: Message, rendered: RenderedMessage, sender: SenderSettings | None) -> EmailMultiAlternatives:
    from_email = (sender.from_email if sender else "") or settings.DEFAULT_FROM_EMAIL
    from_name = shop_name(message.installation, sender)
    headers = {"Auto-Submitted": "auto-generated"}
    if not catalog.is_transactional(message.event):
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(message)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=formataddr((from_name, from_email)),
        to=[message.recipient],
        reply_to=[sender.reply_to] if sender and sender.reply_to else None,
        headers=headers,
    )
    email.attach_alternative(rendered.html, "text/html")
    return email


def connection_for(sender: SenderSettings | None):
    """The shop's mail connection: its SMTP server, its mail service, or the deployment's settings."""
    if sender is None or sender.transport == SenderSettings.Transport.DEFAULT:
        return get_connection(fail_silently=False)
    secrets = sender.secrets
    if sender.transport == SenderSettings.Transport.SMTP:
        check_smtp_host(sender.smtp_host, sender.smtp_port)
        return get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            fail_silently=False,
            host=sender.smtp_host,
            port=sender.smtp_port,
            username=sender.smtp_username or None,
            password=secrets.get("password") or None,
            use_tls=sender.smtp_security == SenderSettings.Security.STARTTLS,
            use_ssl=sender.smtp_security == SenderSettings.Security.SSL,
            timeout=settings.EMAIL_TIMEOUT,
        )
    return get_connection(ESP_BACKENDS[sender.esp], fail_silently=False, **esp_options(sender.esp, secrets, sender.esp_options))


def esp_options(esp: str, secrets: dict, options: dict) -> dict:
    """The anymail backend's settings for a mail service, from the shop's secrets and options."""
    if esp == "amazon_ses":
        session = {"aws_access_key_id": secrets.get("api_key"), "aws_secret_access_key": secrets.get("secret_key")}
        if options.get("region"):
            session["region_name"] = options["region"]
        return {"session_params": session}
    if esp == "postmark":
        chosen = {"server_token": secrets.get("api_key")}
        if options.get("message_stream"):
            chosen["message_stream"] = options["message_stream"]
        return chosen
    chosen = {"api_key": secrets.get("api_key")}
    if esp == "mailgun":
        if options.get("sender_domain"):
            chosen["sender_domain"] = options["sender_domain"]
        if options.get("region") == "eu":
            chosen["api_url"] = MAILGUN_EU_API_URL
    return chosen


def check_smtp_host(host: str, port: int | None) -> None:
    """A shop's SMTP server must be a public address, like every address outside input names
    (`outbound.py`; HTTP_IP_FILTER_* settings)."""
    if not settings.HTTP_IP_FILTER_ENABLED:
        return
    try:
        checked_addresses(host, port or 25)
    except ForbiddenAddress as error:
        raise TransportFailure(f"The SMTP server's address is {error.reason}.", transient=False) from None
    except httpcore.ConnectError:
        raise TransportFailure("The SMTP server's host name could not be resolved.", transient=True) from None


def deliver(email: EmailMultiAlternatives, sender: SenderSettings | None) -> None:
    """Send through the shop's connection; raises TransportFailure saying whether to retry."""
    try:
        email.connection = connection_for(sender)
        email.send()
    except TransportFailure:
        raise
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        answers = "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
        raise TransportFailure(
            f"The mail server refused the recipient: {answers}", transient=all(400 <= code < 500 for code in codes)
        ) from None
    except smtplib.SMTPResponseException as error:
        raise TransportFailure(
            f"The mail server answered {error.smtp_code} {_text(error.smtp_error)}",
            transient=400 <= error.smtp_code < 500,
        ) from None
    except AnymailRequestsAPIError as error:
        status = error.status_code
        raise TransportFailure(
            f"The mail service answered {status}: {error.describe_response()}"[:1000] if status else str(error)[:1000],
            transient=status is None or status >= 500 or status == 429,
        ) from None
    except (AnymailError, ImproperlyConfigured, ImportError) as error:
        raise TransportFailure(f"The mail service refused the message: {error}"[:1000], transient=False) from None
    # After the mail services' errors: requests' errors are OSErrors too.
    except (smtplib.SMTPException, OSError) as error:
        raise TransportFailure(f"The mail server could not be reached ({type(error).__name__}).", transient=True) from None


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
