"""Generic signed JSON webhook, for carriers (or in-house systems) without an aggregator.

The sender is given a shared secret and posts one event per request to the
app's carrier webhook URL for the provider `generic`. Nothing is called back:
labels, voids, trackers and pickups are not supported by this adapter.

Request
-------

Headers:

* ``Content-Type: application/json``
* ``X-Returns-Timestamp: <unix seconds>`` when the request was signed.
* ``X-Returns-Signature: sha256=<hex>``, the lowercase hex HMAC-SHA256, keyed with
  the shared secret (UTF-8), of the timestamp text, a ``.``, then the raw body
  bytes exactly as sent: ``HMAC(secret, "<timestamp>.<body>")``. While a secret is
  being rotated the sender may send several comma-separated values
  (``sha256=<hex>,sha256=<hex>``); one valid value is enough.

The request is refused (answer 4xx, do not retry) when a header is missing, no
signature matches, or the timestamp is more than 5 minutes away from the
receiver's clock in either direction. A retry must therefore be signed again
with a fresh timestamp; its body, and so its ``id``, stays the same.

Body (UTF-8 JSON object)::

    {
      "id": "evt_7f3a2c",                   required; unique per event, identical on retries: the dedupe key
      "type": "tracking.updated",           required; other types are accepted and ignored
      "occurred_at": "2026-03-02T09:40:00Z",required; ISO 8601 with offset: when the carrier saw it
      "tracking_number": "JJD0003900071",   required
      "carrier": "dhl_de",                  required; the sender's code for the carrier
      "status": "in_transit",               required; one of the normalized statuses below
      "completed": false,                   optional; returned_to_sender only: back with the customer
      "carrier_status": "ARRIVED_AT_HUB",   optional; the carrier's own status, verbatim
      "detail_code": "hub_scan",            optional; the carrier's sub-status, verbatim
      "action_required": false,             optional
      "message": "Arrived at the hub",      optional
      "location": {"city": "Leipzig", "state": "", "postal_code": "04159", "country": "DE"},  optional
      "estimated_delivery": "2026-03-05T00:00:00Z"  optional
    }

``status`` is one of ``label_created``, ``in_transit``, ``out_for_delivery``,
``available_for_pickup``, ``delivered``, ``exception``, ``returned_to_sender``,
``lost``, ``cancelled``, ``expired``, ``unknown`` (specs/carriers-and-payments.md
§9.1; the parcel travels from the customer to the merchant's returns address).
An unknown value is stored as ``unknown`` and still acknowledged, so the sender
should not expect a 4xx for it. Events may arrive in any order and more than once:
the receiver orders them by ``occurred_at`` and deduplicates on ``id``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from saleor_returns.carriers import inbound
from saleor_returns.carriers.base import Carrier
from saleor_returns.carriers.errors import WebhookPayloadError, WebhookSignatureError
from saleor_returns.carriers.tracking import TrackingEvent, TrackingStatus

logger = logging.getLogger(__name__)

PROVIDER = "generic"
TIMESTAMP_HEADER = "X-Returns-Timestamp"
SIGNATURE_HEADER = "X-Returns-Signature"
SIGNATURE_SCHEME = "sha256"
TOLERANCE = timedelta(minutes=5)
EVENT_TYPE = "tracking.updated"


def signature(secret: str, body: bytes, timestamp: str) -> str:
    """One `X-Returns-Signature` value: `sha256=<hex>` over `"<timestamp>.<body>"`."""
    digest = inbound.hmac_sha256(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body)
    return f"{SIGNATURE_SCHEME}={digest.hex()}"


class GenericCarrier(Carrier):
    provider = PROVIDER
    default_options: Mapping[str, Any] = {"tolerance": TOLERANCE}

    def verify_webhook(
        self,
        headers: Mapping[str, str],
        body: bytes,
        *,
        query: Mapping[str, str] | None = None,
        now: datetime | None = None,
    ) -> None:
        secret = self.credentials.webhook_secret
        if not secret:
            raise WebhookSignatureError("No webhook secret is configured.")
        timestamp = inbound.require_header(headers, TIMESTAMP_HEADER)
        supplied = inbound.require_header(headers, SIGNATURE_HEADER)
        inbound.parse_unix_timestamp(timestamp)
        expected = signature(secret, body, timestamp)
        if not any(inbound.equal(value.strip(), expected) for value in supplied.split(",")):
            raise WebhookSignatureError("Invalid signature.")
        inbound.check_timestamp(int(timestamp), now=now, tolerance=self.options["tolerance"])

    def parse_webhook(self, body: bytes) -> list[TrackingEvent]:
        event = inbound.load_object(body)
        if event.get("type") != EVENT_TYPE:
            return []
        occurred_at = inbound.parse_datetime(event.get("occurred_at"))
        if occurred_at is None:
            raise WebhookPayloadError("occurred_at is missing or has no offset.")
        raw_status = inbound.required_str(event, "status", "event")
        try:
            status = TrackingStatus(raw_status)
        except ValueError:
            logger.warning("Unmapped carrier status", extra={"provider": PROVIDER, "provider_status": raw_status})
            status = TrackingStatus.UNKNOWN
        detail_code = event.get("detail_code") if isinstance(event.get("detail_code"), str) else None
        return [
            TrackingEvent(
                provider=PROVIDER,
                event_id=inbound.required_str(event, "id", "event"),
                tracking_number=inbound.required_str(event, "tracking_number", "event"),
                carrier=inbound.required_str(event, "carrier", "event"),
                status=status,
                provider_status=inbound.optional_str(event, "carrier_status") or raw_status,
                occurred_at=occurred_at,
                detail_code=detail_code,
                action_required=event.get("action_required") is True,
                completed=status is TrackingStatus.RETURNED_TO_SENDER and event.get("completed") is True,
                message=inbound.optional_str(event, "message"),
                location=inbound.location(event.get("location")),
                estimated_delivery=inbound.parse_datetime(event.get("estimated_delivery")),
                raw=event,
            )
        ]
