"""Helpers the adapters share for inbound webhooks: headers, HMAC, replay windows, JSON, times."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from django.utils.datastructures import CaseInsensitiveMapping

from saleor_returns.carriers.errors import WebhookPayloadError, WebhookSignatureError
from saleor_returns.carriers.tracking import Location


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names are case-insensitive; a plain dict is not, Django's HttpHeaders is."""
    return {name.lower(): value for name, value in headers.items()}


def header(headers: Mapping[str, str], name: str) -> str:
    """One header's value ("" when absent), whatever the case of its name."""
    if isinstance(headers, CaseInsensitiveMapping):
        # Django's request.headers: looked up as it is, without copying every header.
        return headers.get(name) or ""
    return lower_headers(headers).get(name.lower(), "")


def require_header(headers: Mapping[str, str], name: str) -> str:
    value = header(headers, name).strip()
    if not value:
        raise WebhookSignatureError(f"Missing {name} header.")
    return value


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def equal(supplied: str, expected: str) -> bool:
    """Constant-time comparison; bytes so that a non-ASCII header cannot raise."""
    return hmac.compare_digest(supplied.encode("utf-8"), expected.encode("utf-8"))


def check_body_signature(headers: Mapping[str, str], body: bytes, *, secret: str, header: str, expected, provider: str) -> None:
    """The whole-body HMAC schemes (EasyPost, AfterShip): `header` must equal `expected(secret, body)`."""
    if not secret:
        raise WebhookSignatureError(f"No {provider} webhook secret is configured.")
    if not equal(require_header(headers, header), expected(secret, body)):
        raise WebhookSignatureError("Invalid signature.")


def current_time(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(tz=timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware.")
    return now


def parse_unix_timestamp(value: str) -> int:
    if not value.isdigit():
        raise WebhookSignatureError("Malformed timestamp.")
    return int(value)


def check_timestamp(timestamp: int, *, now: datetime | None, tolerance: timedelta) -> None:
    """Refuse a signed timestamp further than `tolerance` from now, either way (replays, skew)."""
    age = current_time(now).timestamp() - timestamp
    if abs(age) > tolerance.total_seconds():
        raise WebhookSignatureError("Timestamp outside the tolerance.")


def check_age(created_at: datetime, *, now: datetime | None, max_age: timedelta | None) -> None:
    """Refuse an authentic event older than `max_age`: a replay of a captured delivery."""
    if max_age is not None and current_time(now) - created_at > max_age:
        raise WebhookSignatureError("Event is older than the replay window.")


def load_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise WebhookPayloadError("Body is not JSON.") from error
    if not isinstance(data, dict):
        raise WebhookPayloadError("Body is not a JSON object.")
    return data


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 text; None if absent, unparsable or without an offset."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def required_str(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise WebhookPayloadError(f"{where}.{key} is missing.")
    return value


def required_object(data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise WebhookPayloadError(f"{where}.{key} is missing.")
    return value


def optional_str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def newest(items: Any, time_key: str) -> dict[str, Any] | None:
    """The scan with the latest time under `time_key`; scans whose time cannot be read are skipped."""
    timed = [item for item in items or [] if isinstance(item, dict) and parse_datetime(item.get(time_key)) is not None]
    if not timed:
        return None
    return max(timed, key=lambda item: parse_datetime(item[time_key]))


def location(data: Any, *, postal_code: str = "postal_code", country: tuple[str, ...] = ("country",)) -> Location | None:
    """A scan's location from a provider's object, reading its own keys for the postal code and the country.

    The country is the first of `country` that is present. None when there is no
    object or it names no place.
    """
    if not isinstance(data, dict):
        return None
    place = Location(
        city=optional_str(data, "city"),
        state=optional_str(data, "state"),
        postal_code=optional_str(data, postal_code),
        country=next((value for key in country if (value := optional_str(data, key))), ""),
    )
    return place if str(place) else None
