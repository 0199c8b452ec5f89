"""A shop's e-mail sender: name, address, reply-to and transport, changed by staff and checked before saving.

Secrets (the SMTP password, a mail service's API key and secret key) are write-only: they
are encrypted at rest and never read back through the API; staff see only whether one is
set. Giving None leaves a value as it is, an empty string clears it.
"""

import logging

import httpcore
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.notifications.email import ESP_BACKENDS
from saleor_returns.models.notifications import AlertsLanguage, SenderSettings
from saleor_returns.outbound import ForbiddenAddress, checked_addresses

logger = logging.getLogger(__name__)

PLAIN_FIELDS = ("from_name", "from_email", "reply_to", "alerts_email", "alerts_language", "transport", "smtp_host",
                "smtp_port", "smtp_username", "smtp_security", "esp")
SECRET_FIELDS = {"smtp_password": "password", "api_key": "api_key", "secret_key": "secret_key"}
OPTION_FIELDS = ("region", "sender_domain", "message_stream")
DEFAULT_PORTS = {SenderSettings.Security.NONE: 25, SenderSettings.Security.STARTTLS: 587, SenderSettings.Security.SSL: 465}
MAILGUN_REGIONS = ("us", "eu")


def _error(field: str, message: str, code: ReturnErrorCode = ReturnErrorCode.INVALID) -> ValidationError:
    return ValidationError(message, code=code.value, params={"field": field})


def update_sender_settings(*, installation, updated_by: str = "", **changes) -> SenderSettings:
    """Apply `changes` (fields of PLAIN_FIELDS, SECRET_FIELDS and OPTION_FIELDS; None: unchanged).

    Raises a ValidationError naming every field at fault; nothing is saved then.
    """
    unknown = set(changes) - set(PLAIN_FIELDS) - set(SECRET_FIELDS) - set(OPTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown sender settings: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        sender, _ = SenderSettings.objects.select_for_update().get_or_create(installation=installation)
        previous_esp = sender.esp
        for field in PLAIN_FIELDS:
            if changes.get(field) is not None:
                setattr(sender, field, changes[field].strip() if isinstance(changes[field], str) else changes[field])
        secrets = sender.secrets
        for field, key in SECRET_FIELDS.items():
            if changes.get(field) is not None:
                secrets[key] = changes[field]
        secrets = {key: value for key, value in secrets.items() if value}
        options = dict(sender.esp_options)
        for field in OPTION_FIELDS:
            if changes.get(field) is not None:
                options[field] = changes[field].strip()
        sender.esp_options = {key: value for key, value in options.items() if value}
        errors = problems(sender, secrets, esp_changed=sender.esp != previous_esp, api_key_given=bool(changes.get("api_key")))
        if errors:
            raise ValidationError({error.params["field"]: [error] for error in errors})
        if sender.transport == SenderSettings.Transport.SMTP and not sender.smtp_port:
            sender.smtp_port = DEFAULT_PORTS[sender.smtp_security]
        sender.secrets = secrets
        sender.updated_by = updated_by
        sender.save()
    logger.info("Sender settings updated", extra={"transport": sender.transport, "esp": sender.esp})
    return sender


def problems(sender: SenderSettings, secrets: dict, *, esp_changed: bool, api_key_given: bool) -> list[ValidationError]:
    """Every field at fault, whichever transport is chosen: a value kept for a transport not in use
    is saved too, so it must fit its column as well."""
    found = []
    if "\n" in sender.from_name or "\r" in sender.from_name:
        found.append(_error("from_name", "At most 100 characters on one line."))
    found.extend(_shape_problems(sender))
    if sender.alerts_language not in AlertsLanguage.values:
        found.append(_error("alerts_language", f"Choose {' or '.join(AlertsLanguage.values)}."))
    for field in ("from_email", "reply_to", "alerts_email"):
        value = getattr(sender, field)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                found.append(_error(field, "This is not an e-mail address."))
    if sender.transport not in SenderSettings.Transport.values:
        found.append(_error("transport", "Choose default, smtp or esp."))
    elif sender.transport == SenderSettings.Transport.SMTP:
        found.extend(_smtp_problems(sender))
    elif sender.transport == SenderSettings.Transport.ESP:
        found.extend(_esp_problems(sender, secrets, esp_changed=esp_changed, api_key_given=api_key_given))
    return found


def _shape_problems(sender: SenderSettings) -> list[ValidationError]:
    found = []
    for field in PLAIN_FIELDS:
        limit = SenderSettings._meta.get_field(field).max_length
        value = getattr(sender, field)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            message = "At most 100 characters on one line." if field == "from_name" else f"At most {limit} characters."
            found.append(_error(field, message))
    if sender.smtp_security not in SenderSettings.Security.values:
        found.append(_error("smtp_security", "Choose none, starttls or ssl."))
    if sender.smtp_port is not None and not 0 < sender.smtp_port < 65536:
        found.append(_error("smtp_port", "A port is a number from 1 to 65535."))
    for field in OPTION_FIELDS:
        if len(sender.esp_options.get(field, "")) > 255:
            found.append(_error(field, "At most 255 characters."))
    return found


def _smtp_problems(sender: SenderSettings) -> list[ValidationError]:
    if sender.smtp_security not in SenderSettings.Security.values:
        return []  # said by _shape_problems
    if not sender.smtp_host:
        return [_error("smtp_host", "Give the SMTP server's host name.", ReturnErrorCode.REQUIRED)]
    port = sender.smtp_port or DEFAULT_PORTS[sender.smtp_security]
    if not 0 < port < 65536:
        return []  # said by _shape_problems
    if settings.HTTP_IP_FILTER_ENABLED:
        try:
            checked_addresses(sender.smtp_host, port)
        except ForbiddenAddress as error:
            return [_error("smtp_host", f"The server's address is {error.reason}: mail goes to public servers only.")]
        except httpcore.ConnectError:
            return [_error("smtp_host", "The host name could not be resolved.")]
    return []


def _esp_problems(sender: SenderSettings, secrets: dict, *, esp_changed: bool, api_key_given: bool) -> list:
    if sender.esp not in ESP_BACKENDS:
        return [_error("esp", f"Choose one of {', '.join(ESP_BACKENDS)}.")]
    found = []
    if not secrets.get("api_key") or (esp_changed and not api_key_given):
        found.append(_error("api_key", "Give the mail service's API key.", ReturnErrorCode.REQUIRED))
    if sender.esp == "amazon_ses":
        if not secrets.get("secret_key"):
            found.append(_error("secret_key", "Give the secret access key.", ReturnErrorCode.REQUIRED))
        if not sender.esp_options.get("region"):
            found.append(_error("region", "Give the AWS region, e.g. eu-west-1.", ReturnErrorCode.REQUIRED))
    if sender.esp == "mailgun" and sender.esp_options.get("region", "us") not in MAILGUN_REGIONS:
        found.append(_error("region", "Mailgun's region is us or eu."))
    return found
