"""Outbound webhooks: the merchant's endpoints, the signed JSON payload of each event, one delivery per attempt.

Payloads follow the Standard Webhooks specification (standardwebhooks.com):

    {"type": "return.approved", "timestamp": "2026-05-01T09:30:00.000000Z",
     "data": {"return_request_id": "UmV0dXJuUmVxdWVzdDo…", "rma_number": "RMA-000123", …,
              "saleor_api_url": "https://shop.example.com/graphql/", "schema_version": 1}}

sent as the body of a POST with `webhook-id` (the message id, the same on every retry and
redelivery: receivers drop repeats by it), `webhook-timestamp` (seconds, of this attempt)
and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, made by
the `standardwebhooks` package with the endpoint's `whsec_…` secret). README.md,
"Outbound webhooks", lists every type and its data.

A delivery succeeds on a 2xx answer. Anything else (another status, a redirect, a timeout,
a refused connection) is retried with exponential backoff for three days; then the
message fails and the endpoint is paused, with the reason kept for the desk. Endpoints are
called through `outbound.outbound_client()`: never a loopback, private or otherwise
internal address unless HTTP_IP_FILTER_* allows it, never a redirect.
"""

import base64
import json
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from saleor_returns import __version__
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.notifications import attempts, catalog
from saleor_returns.models.notifications import EVENTS, TEST_EVENT, Message, MessageAttempt, WebhookEndpoint
from saleor_returns.outbound import ForbiddenAddress, checked_addresses, outbound_client

logger = logging.getLogger(__name__)

RETRY_WINDOW = timedelta(days=3)
BACKOFF_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
SECRET_PREFIX = "whsec_"
MAX_ENDPOINTS_PER_SHOP = 20


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _invalid(field: str, message: str, code: ReturnErrorCode = ReturnErrorCode.INVALID) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def check_url(url: str) -> str:
    """The endpoint URL as stored, or a ValidationError saying why the app will not call it."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _invalid("url", "This is not a URL.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _invalid("url", "Give an http:// or https:// URL.")
    if len(url) > 1000:
        raise _invalid("url", "At most 1000 characters.")
    if parts.username or parts.password:
        raise _invalid("url", "Put no credentials in the URL: check each delivery's signature instead.")
    if settings.HTTP_IP_FILTER_ENABLED:
        try:
            checked_addresses(parts.hostname, port)
        except ForbiddenAddress as error:
            raise _invalid("url", f"The URL's address is {error.reason}: webhooks go to public addresses only.") from None
        except httpcore.ConnectError:
            raise _invalid("url", "The URL's host name could not be resolved.") from None
    return url


def check_event_types(event_types) -> list[str]:
    unknown = [value for value in event_types if value not in EVENTS]
    if unknown:
        raise _invalid("eventTypes", f"Unknown event types: {', '.join(unknown)}.")
    return sorted(set(event_types), key=EVENTS.index)


def create_endpoint(*, installation, url: str, event_types=(), description: str = "") -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (shown this once)."""
    url = check_url(url)
    event_types = check_event_types(event_types)
    if WebhookEndpoint.objects.filter(installation=installation).count() >= MAX_ENDPOINTS_PER_SHOP:
        raise _invalid("url", f"A shop may have at most {MAX_ENDPOINTS_PER_SHOP} endpoints.", ReturnErrorCode.LIMIT_EXCEEDED)
    secret = new_secret()
    endpoint = WebhookEndpoint(installation=installation, url=url, event_types=event_types, description=description)
    endpoint.secret = secret
    endpoint.save()
    logger.info("Webhook endpoint created", extra={"endpoint_id": str(endpoint.pk)})
    return endpoint, secret


def update_endpoint(
    *, endpoint: WebhookEndpoint, url=None, event_types=None, description=None, is_active=None, rotate_secret=False
) -> tuple[WebhookEndpoint, str | None]:
    """Change what is given; resuming clears the pause. Returns the new secret when rotated."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if url is not None:
            endpoint.url = check_url(url)
        if event_types is not None:
            endpoint.event_types = check_event_types(event_types)
        if description is not None:
            endpoint.description = description
        if is_active is not None:
            endpoint.is_active = is_active
            if is_active:
                endpoint.paused_at = None
                endpoint.pause_reason = ""
            elif endpoint.paused_at is None:
                endpoint.paused_at = timezone.now()
                endpoint.pause_reason = "Paused by staff."
        secret = None
        if rotate_secret:
            secret = new_secret()
            endpoint.secret = secret
        endpoint.save()
    logger.info("Webhook endpoint updated", extra={"endpoint_id": str(endpoint.pk)})
    return endpoint, secret


def delete_endpoint(*, endpoint: WebhookEndpoint) -> None:
    """The endpoint and its delivery log."""
    endpoint_id = str(endpoint.pk)
    endpoint.delete()
    logger.info("Webhook endpoint deleted", extra={"endpoint_id": endpoint_id})


def payload(message: Message) -> bytes:
    """The body of every delivery of the message, byte for byte the same each time."""
    data = {**message.data, "saleor_api_url": message.installation.saleor_api_url, "schema_version": catalog.SCHEMA_VERSION}
    body = {
        "type": catalog.webhook_type(message.event),
        "timestamp": message.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(secret: str, message_id: str, sent_at: datetime, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": f"saleor-returns/{__version__}",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, sent_at, body),
    }


def deliver_webhook(message: Message, attempt: MessageAttempt) -> None:
    """One attempt at a claimed webhook message; records its outcome."""
    endpoint = message.endpoint
    is_test = message.event == TEST_EVENT
    if not endpoint.is_active and not is_test:
        attempts.finish_attempt(message, attempt, outcome=MessageAttempt.Outcome.FAILED, error="The endpoint is paused.")
        return
    body = payload(message)
    headers = signed_headers(endpoint.secret, str(message.pk), timezone.now(), body)
    started = time.monotonic()
    try:
        with outbound_client(timeout=TIMEOUT) as client, client.stream(
            "POST", endpoint.url, content=body, headers=headers
        ) as response:
            excerpt = _excerpt(response)
    except ForbiddenAddress as error:
        _failed(message, attempt, f"The endpoint's address is {error.reason}: webhooks go to public addresses only.",
                transient=False)
        return
    except httpx.TimeoutException:
        _failed(message, attempt, "The endpoint did not answer in time.", transient=True,
                latency_ms=_since(started))
        return
    except httpx.HTTPError as error:
        _failed(message, attempt, f"The endpoint could not be reached ({type(error).__name__}).", transient=True,
                latency_ms=_since(started))
        return
    answer = {"status_code": response.status_code, "latency_ms": _since(started), "response_excerpt": excerpt}
    if response.is_success:
        attempts.finish_attempt(message, attempt, outcome=MessageAttempt.Outcome.SENT, **answer)
        return
    _failed(message, attempt, f"The endpoint answered {response.status_code}.", transient=True, **answer)


def _excerpt(response: httpx.Response) -> str:
    received = b""
    for chunk in response.iter_bytes():
        received += chunk
        if len(received) >= attempts.RESPONSE_EXCERPT_CHARS:
            break
    return received[: attempts.RESPONSE_EXCERPT_CHARS].decode(errors="replace")


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _failed(message: Message, attempt: MessageAttempt, error: str, *, transient: bool, **answer) -> None:
    now = timezone.now()
    is_test = message.event == TEST_EVENT
    retry_at = None
    if transient and not is_test and now - message.queued_at < RETRY_WINDOW:
        retry_at = now + attempts.backoff(message.attempts, base=BACKOFF_SECONDS, cap=BACKOFF_MAX_SECONDS)
    attempts.finish_attempt(message, attempt, outcome=MessageAttempt.Outcome.FAILED, error=error, retry_at=retry_at,
                          **answer)
    if retry_at is None and not is_test:
        pause_endpoint(message.endpoint, f"Deliveries failed for {RETRY_WINDOW.days} days; the last one: {error}"
                       if transient else f"A delivery failed for good: {error}")


def pause_endpoint(endpoint: WebhookEndpoint, reason: str) -> None:
    """Stop delivering to an endpoint that keeps failing, and say why (the desk shows it)."""
    paused = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, paused_at=timezone.now(), pause_reason=reason, updated_at=timezone.now()
    )
    if paused:
        endpoint.is_active = False
        logger.error("Webhook endpoint paused", extra={"endpoint_id": str(endpoint.pk)})
