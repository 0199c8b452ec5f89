"""AfterShip Tracking: tracking registration and `tracking_update` webhooks (no labels).

Facts relied on are in specs/carriers-and-payments.md §3. The API is the dated
one (`/tracking/<version>/trackings`, header `as-api-key`, flat request bodies,
`{"meta", "data"}` responses); `api_version` defaults to 2026-07.

Webhooks (§3.2): `aftership-hmac-sha256` carries the base64 HMAC-SHA256 of the
raw body keyed with the webhook secret, compared in constant time. The scheme
has no timestamp; an authentic event whose `ts` is older than `max_event_age`
(default 7 days, beyond the ~14 retries with doubling backoff) is refused as a
replay.

Only `tracking_update` is parsed; `edd_revise` (a new delivery estimate) and
`tracking_pending_time` carry no new status and return []. The dedupe key is
`event_id`.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from saleor_returns.carriers import inbound
from saleor_returns.carriers.base import Carrier, Credentials
from saleor_returns.carriers.errors import CarrierError, CarrierRejected, WebhookPayloadError
from saleor_returns.carriers.http import JsonApi
from saleor_returns.carriers.tracking import MappedStatus, TrackingEvent, TrackingStatus

logger = logging.getLogger(__name__)

PROVIDER = "aftership"
DEFAULT_BASE_URL = "https://api.aftership.com"
API_VERSION = "2026-07"
SIGNATURE_HEADER = "aftership-hmac-sha256"
TRACKING_ALREADY_EXISTS = "4003"

_TAGS = {
    "Pending": TrackingStatus.UNKNOWN,
    "InfoReceived": TrackingStatus.LABEL_CREATED,
    "InTransit": TrackingStatus.IN_TRANSIT,
    "OutForDelivery": TrackingStatus.OUT_FOR_DELIVERY,
    "AvailableForPickup": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "AttemptFail": TrackingStatus.EXCEPTION,
    "Delivered": TrackingStatus.DELIVERED,
    "Exception": TrackingStatus.EXCEPTION,
    "Expired": TrackingStatus.EXPIRED,
}
RETURNING_TO_SENDER = "Exception_010"
RETURNED_TO_SENDER = "Exception_011"
LOST = "Exception_013"


def map_status(tag: str, subtag: str | None) -> MappedStatus:
    """The normalized status for a Tracking's `tag` / `subtag` (§9.2).

    Subtags unknown to the table (AfterShip keeps adding them) map by their tag.
    """
    if tag == "Exception":
        if subtag == RETURNING_TO_SENDER:
            return MappedStatus(TrackingStatus.RETURNED_TO_SENDER, completed=False)
        if subtag == RETURNED_TO_SENDER:
            return MappedStatus(TrackingStatus.RETURNED_TO_SENDER, completed=True)
        if subtag == LOST:
            return MappedStatus(TrackingStatus.LOST)
    mapped = _TAGS.get(tag)
    if mapped is None:
        logger.warning(
            "Unmapped carrier status", extra={"provider": PROVIDER, "provider_status": tag, "detail_code": subtag}
        )
        return MappedStatus(TrackingStatus.UNKNOWN)
    return MappedStatus(mapped)


def signature(secret: str, body: bytes) -> str:
    """The `aftership-hmac-sha256` value AfterShip sends for `body`."""
    return base64.b64encode(inbound.hmac_sha256(secret.encode("utf-8"), body)).decode("ascii")


def _read_error(body: Any) -> tuple[str | None, str | None]:
    # {"meta": {"code": 4003, "message": "Tracking already exists.", "type": "BadRequest"}, "data": {}}
    meta = body.get("meta") if isinstance(body, dict) else None
    if not isinstance(meta, dict):
        return None, None
    message = meta.get("message") if isinstance(meta.get("message"), str) else None
    code = str(meta["code"]) if meta.get("code") is not None else None
    return message, code


class AfterShipCarrier(Carrier):
    provider = PROVIDER
    default_options: Mapping[str, Any] = {
        "api_version": API_VERSION,
        "max_event_age": timedelta(days=7),
    }

    def __init__(self, credentials: Credentials | Mapping[str, Any]):
        super().__init__(credentials)
        self.api = JsonApi(
            provider=PROVIDER,
            name="AfterShip",
            base_url=self.credentials.base_url or DEFAULT_BASE_URL,
            credentials=self.credentials,
            headers={"as-api-key": self.credentials.api_key},
            read_error=_read_error,
        )
        self.trackings_path = f"/tracking/{self.options['api_version']}/trackings"

    def register_tracker(self, *, tracking_number: str, carrier: str) -> str:
        """Create an AfterShip tracking (carrier = AfterShip `slug`); returns its id.

        Idempotent: when AfterShip answers "tracking already exists" (4003) the
        existing tracking's id is looked up and returned.
        """
        try:
            response = self.api.post(self.trackings_path, {"tracking_number": tracking_number, "slug": carrier})
        except CarrierRejected as error:
            if error.code != TRACKING_ALREADY_EXISTS:
                raise
            return self._existing_tracking_id(tracking_number, carrier, error)
        return _data_id(response)

    def _existing_tracking_id(self, tracking_number: str, carrier: str, error: CarrierRejected) -> str:
        response = self.api.get(self.trackings_path, params={"tracking_numbers": tracking_number, "slug": carrier})
        data = response.get("data") if isinstance(response, dict) else None
        for tracking in (data or {}).get("trackings") or []:
            if tracking.get("tracking_number") == tracking_number and isinstance(tracking.get("id"), str):
                return tracking["id"]
        raise error

    # ---------------------------------------------------------------- webhooks

    def verify_webhook(
        self,
        headers: Mapping[str, str],
        body: bytes,
        *,
        query: Mapping[str, str] | None = None,
        now: datetime | None = None,
    ) -> None:
        inbound.check_body_signature(
            headers, body, secret=self.credentials.webhook_secret, header=SIGNATURE_HEADER, expected=signature,
            provider="AfterShip",
        )
        max_age = self.options["max_event_age"]
        if max_age is not None:
            ts = inbound.load_object(body).get("ts")
            if not isinstance(ts, int) or isinstance(ts, bool):
                raise WebhookPayloadError("ts is missing.")
            inbound.check_age(datetime.fromtimestamp(ts, tz=timezone.utc), now=now, max_age=max_age)

    def parse_webhook(self, body: bytes) -> list[TrackingEvent]:
        envelope = inbound.load_object(body)
        if envelope.get("event") != "tracking_update":
            return []
        event_id = inbound.required_str(envelope, "event_id", "webhook")
        tracking = inbound.required_object(envelope, "msg", "webhook")
        subtag = tracking.get("subtag") if isinstance(tracking.get("subtag"), str) else None
        tag = inbound.optional_str(tracking, "tag") or (subtag or "").partition("_")[0]
        if not tag:
            raise WebhookPayloadError("msg.tag is missing.")
        newest = _newest_checkpoint(tracking)
        occurred_at = _occurred_at(envelope, tracking, newest)
        mapped = map_status(tag, subtag)
        return [
            TrackingEvent(
                provider=PROVIDER,
                event_id=event_id,
                tracking_number=inbound.required_str(tracking, "tracking_number", "msg"),
                carrier=inbound.required_str(tracking, "slug", "msg"),
                status=mapped.status,
                provider_status=tag,
                occurred_at=occurred_at,
                detail_code=subtag,
                completed=mapped.completed,
                message=inbound.optional_str(newest or {}, "message")
                or inbound.optional_str(tracking, "subtag_message"),
                # country_region in dated versions, country_iso3 in legacy ones.
                location=inbound.location(newest, country=("country_region", "country_iso3")),
                tracker_id=tracking.get("id") if isinstance(tracking.get("id"), str) else None,
                raw=envelope,
            )
        ]


def _newest_checkpoint(tracking: Mapping[str, Any]) -> dict[str, Any] | None:
    # checkpoint_time is the local time of the scan; one without an offset cannot
    # be ordered against others and is skipped for timing.
    return inbound.newest(tracking.get("checkpoints"), "checkpoint_time")


def _occurred_at(
    envelope: Mapping[str, Any], tracking: Mapping[str, Any], newest: Mapping[str, Any] | None
) -> datetime:
    # §3.4: the newest checkpoint_time, then msg.updated_at, then ts.
    occurred_at = (newest and inbound.parse_datetime(newest.get("checkpoint_time"))) or inbound.parse_datetime(
        tracking.get("updated_at")
    )
    if occurred_at is not None:
        return occurred_at
    ts = envelope.get("ts")
    if isinstance(ts, int) and not isinstance(ts, bool):
        return datetime.fromtimestamp(ts, tz=timezone.utc)
    raise WebhookPayloadError("msg has no time.")


def _data_id(response: Any) -> str:
    data = response.get("data") if isinstance(response, dict) else None
    value = data.get("id") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise CarrierError("AfterShip answered without a tracking id.", provider=PROVIDER)
    return value
