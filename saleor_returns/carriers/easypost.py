"""EasyPost: return labels (a Shipment with `is_return`), trackers, pickups and tracker webhooks.

Facts relied on are in specs/carriers-and-payments.md §1; pickups are not in the
spec and follow EasyPost's public API (`POST /v2/pickups`, then
`POST /v2/pickups/{id}/buy` with a carrier and service from `pickup_rates`).

Webhooks (§1.2): `X-Hmac-Signature: hmac-sha256-hex=<lowercase hex>`, the
HMAC-SHA256 of the raw body keyed with the NFKD-normalized secret, compared whole
(prefix included) in constant time. The scheme has no timestamp; as the spec
suggests, an authentic event whose `created_at` is older than `max_event_age`
(default 3 days, longer than EasyPost's ~24 h of retries) is refused as a replay.

Options (`Credentials.options`): `carrier_accounts` (ids to rate with; default
all), `carrier` and `service` (buy only matching rates; default the cheapest of
all), `label_format` (`PDF`, `PNG` or `ZPL`), `max_event_age` (a timedelta or None).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from decimal import ROUND_UP, Decimal
from typing import Any

from saleor_returns.carriers import inbound
from saleor_returns.carriers.base import Carrier, Credentials
from saleor_returns.carriers.errors import CarrierError, CarrierRejected, WebhookPayloadError
from saleor_returns.carriers.http import JsonApi
from saleor_returns.carriers.shipments import Address, Label, LabelFormat, LengthUnit, Parcel, Pickup, WeightUnit
from saleor_returns.carriers.tracking import MappedStatus, TrackingEvent, TrackingStatus
from saleor_returns.money import money

logger = logging.getLogger(__name__)

PROVIDER = "easypost"
DEFAULT_BASE_URL = "https://api.easypost.com/v2"
SIGNATURE_HEADER = "X-Hmac-Signature"
SIGNATURE_PREFIX = "hmac-sha256-hex="
TRACKER_EVENTS = frozenset({"tracker.created", "tracker.updated"})

# Shipment.refund_status values that mean the void was accepted (USPS refunds
# take up to 15 days and stay "submitted" meanwhile).
VOID_ACCEPTED = frozenset({"submitted", "refunded"})

# §9.2: in_transit with these details is a problem; the first three need the
# merchant (or customer) to act.
_EXCEPTION_DETAILS = frozenset(
    {"delivery_exception", "address_correction", "held", "missorted", "transit_exception", "awaiting_information"}
)
_ACTION_REQUIRED_DETAILS = frozenset({"delivery_exception", "address_correction", "awaiting_information"})
_MAIN_STATUSES = {
    "pre_transit": TrackingStatus.LABEL_CREATED,
    "unknown": TrackingStatus.UNKNOWN,
    "in_transit": TrackingStatus.IN_TRANSIT,
    "out_for_delivery": TrackingStatus.OUT_FOR_DELIVERY,
    "available_for_pickup": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "delivered": TrackingStatus.DELIVERED,
    "return_to_sender": TrackingStatus.RETURNED_TO_SENDER,
    "cancelled": TrackingStatus.CANCELLED,
    # A tracker error: EasyPost could not track it. `provider_status` keeps "error".
    "error": TrackingStatus.UNKNOWN,
}

_LABEL_URL_FIELDS = {
    LabelFormat.PDF: "label_pdf_url",
    LabelFormat.PNG: "label_url",
    LabelFormat.ZPL: "label_zpl_url",
}
_FILE_TYPES = {
    "application/pdf": LabelFormat.PDF,
    "image/png": LabelFormat.PNG,
    "application/zpl": LabelFormat.ZPL,
}
_TENTH = Decimal("0.1")


def map_status(status: str, status_detail: str | None, *, finalized: bool = False) -> MappedStatus:
    """The normalized status for a Tracker's `status` / `status_detail` (§9.2).

    Detail rows take precedence over the main status. The spec gives EasyPost no
    "returned" detail, so a return to sender counts as completed once the tracker
    is `finalized` (reached its final state).
    """
    detail = status_detail or ""
    if detail == "return" or status == "return_to_sender":
        return MappedStatus(TrackingStatus.RETURNED_TO_SENDER, completed=finalized)
    if detail == "expired":
        return MappedStatus(TrackingStatus.EXPIRED)
    if detail == "cancelled" or status == "cancelled":
        return MappedStatus(TrackingStatus.CANCELLED)
    if status == "failure":
        return MappedStatus(TrackingStatus.LOST if detail == "lost" else TrackingStatus.EXCEPTION)
    if status == "in_transit" and detail in _EXCEPTION_DETAILS:
        return MappedStatus(TrackingStatus.EXCEPTION, action_required=detail in _ACTION_REQUIRED_DETAILS)
    mapped = _MAIN_STATUSES.get(status)
    if mapped is None:
        logger.warning(
            "Unmapped carrier status",
            extra={"provider": PROVIDER, "provider_status": status, "detail_code": detail},
        )
        return MappedStatus(TrackingStatus.UNKNOWN)
    return MappedStatus(mapped)


def signature(secret: str, body: bytes) -> str:
    """The full `X-Hmac-Signature` value EasyPost sends for `body`."""
    key = unicodedata.normalize("NFKD", secret).encode("utf-8")
    return SIGNATURE_PREFIX + inbound.hmac_sha256(key, body).hex()


def _read_error(body: Any) -> tuple[str | None, str | None]:
    # {"error": {"code": "ADDRESS.VERIFY.FAILURE", "message": "...", "errors": [...]}}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, None
    message = error.get("message") if isinstance(error.get("message"), str) else None
    code = error.get("code") if isinstance(error.get("code"), str) else None
    return message, code


class EasyPostCarrier(Carrier):
    provider = PROVIDER
    default_options: Mapping[str, Any] = {
        "carrier_accounts": (),
        "carrier": "",
        "service": "",
        "label_format": LabelFormat.PDF.value,
        "max_event_age": timedelta(days=3),
    }

    def __init__(self, credentials: Credentials | Mapping[str, Any]):
        super().__init__(credentials)
        self.label_format = LabelFormat(self.options["label_format"])
        # HTTP Basic with the key as user and no password, as EasyPost's docs describe.
        self.api = JsonApi(
            provider=PROVIDER,
            name="EasyPost",
            base_url=self.credentials.base_url or DEFAULT_BASE_URL,
            credentials=self.credentials,
            auth=(self.credentials.api_key, ""),
            read_error=_read_error,
        )

    # ------------------------------------------------------------------ labels

    def create_return_label(
        self,
        *,
        from_address: Address,
        to_address: Address,
        parcel: Parcel,
        reference: str,
        idempotency_key: str,
        shipment_id: str | None = None,
        on_shipment_created: Callable[[str], None] | None = None,
    ) -> Label:
        # EasyPost has no idempotency key (§1.6.6): resuming from shipment_id is the guard.
        if shipment_id:
            shipment = self.api.get(f"/shipments/{shipment_id}")
            if shipment.get("postage_label"):
                return self._label(shipment)
        else:
            shipment = self.api.post(
                "/shipments", {"shipment": self._shipment_request(from_address, to_address, parcel, reference)}
            )
            if on_shipment_created is not None:
                on_shipment_created(self.api.required(shipment, "id"))
        rate = self._choose_rate(shipment)
        bought = self.api.post(f"/shipments/{self.api.required(shipment, 'id')}/buy", {"rate": {"id": rate["id"]}})
        return self._label(bought)

    def _shipment_request(
        self, customer: Address, returns_address: Address, parcel: Parcel, reference: str
    ) -> dict[str, Any]:
        # §1.6.1: addresses as for the original outbound shipment (to = customer,
        # from = merchant); EasyPost swaps them on the label because is_return is set.
        request: dict[str, Any] = {
            "to_address": customer.as_dict(),
            "from_address": returns_address.as_dict(),
            "parcel": _parcel(parcel),
            "is_return": True,
            "reference": reference,
            "options": {"label_format": self.label_format.value},
        }
        if self.options["carrier_accounts"]:
            request["carrier_accounts"] = list(self.options["carrier_accounts"])
        return request

    def _choose_rate(self, shipment: Mapping[str, Any]) -> dict[str, Any]:
        rates = [
            rate
            for rate in shipment.get("rates") or []
            if (not self.options["carrier"] or rate.get("carrier") == self.options["carrier"])
            and (not self.options["service"] or rate.get("service") == self.options["service"])
        ]
        if not rates:
            raise CarrierRejected(_messages(shipment) or "EasyPost offered no rate for this return.", provider=PROVIDER)
        return min(rates, key=lambda rate: Decimal(str(rate["rate"])))

    def _label(self, shipment: Mapping[str, Any]) -> Label:
        postage = shipment.get("postage_label") or {}
        rate = shipment.get("selected_rate") or {}
        label_format = self.label_format
        label_url = postage.get(_LABEL_URL_FIELDS[label_format])
        if not label_url:
            label_url = postage.get("label_url")
            label_format = _FILE_TYPES.get(postage.get("label_file_type"), LabelFormat.PNG)
        if not (label_url and shipment.get("tracking_code") and rate.get("rate") and rate.get("currency")):
            raise CarrierError("EasyPost answered without a label.", provider=PROVIDER)
        tracker = shipment.get("tracker") or {}
        return Label(
            provider=PROVIDER,
            label_id=shipment["id"],
            shipment_id=shipment["id"],
            tracking_number=shipment["tracking_code"],
            carrier=rate.get("carrier", ""),
            service=rate.get("service", ""),
            label_url=label_url,
            label_format=label_format,
            cost=money(str(rate["rate"]), rate["currency"]),
            created_at=inbound.parse_datetime(postage.get("created_at"))
            or inbound.parse_datetime(shipment.get("updated_at"))
            or datetime.now(tz=timezone.utc),
            tracker_id=tracker.get("id"),
        )

    def void_label(self, label_id: str) -> bool:
        shipment = self.api.post(f"/shipments/{label_id}/refund", {})
        return shipment.get("refund_status") in VOID_ACCEPTED

    # ---------------------------------------------------------------- tracking

    def register_tracker(self, *, tracking_number: str, carrier: str) -> str:
        # EasyPost returns the existing tracker for the same (code, carrier) for
        # about three months (§1.4), so registering twice is harmless.
        tracker = self.api.post("/trackers", {"tracker": {"tracking_code": tracking_number, "carrier": carrier}})
        return self.api.required(tracker, "id")

    # ----------------------------------------------------------------- pickups

    def schedule_pickup(
        self,
        *,
        label: Label,
        address: Address,
        min_datetime: datetime,
        max_datetime: datetime,
        instructions: str = "",
        reference: str = "",
    ) -> Pickup:
        if min_datetime.tzinfo is None or max_datetime.tzinfo is None:
            raise ValueError("Pickup windows are timezone-aware.")
        pickup = self.api.post(
            "/pickups",
            {
                "pickup": {
                    "address": address.as_dict(),
                    "shipment": {"id": label.shipment_id},
                    "reference": reference,
                    "min_datetime": min_datetime.isoformat(),
                    "max_datetime": max_datetime.isoformat(),
                    "is_account_address": False,
                    "instructions": instructions,
                }
            },
        )
        rates = [rate for rate in pickup.get("pickup_rates") or [] if rate.get("carrier") == label.carrier]
        if not rates:
            raise CarrierRejected(
                _messages(pickup) or f"No {label.carrier} pickup is available in that window.", provider=PROVIDER
            )
        rate = min(rates, key=lambda rate: Decimal(str(rate["rate"])))
        bought = self.api.post(
            f"/pickups/{self.api.required(pickup, 'id')}/buy", {"carrier": rate["carrier"], "service": rate["service"]}
        )
        return Pickup(
            provider=PROVIDER,
            pickup_id=bought["id"],
            confirmation=bought.get("confirmation") or "",
            carrier=rate["carrier"],
            service=rate["service"],
            cost=money(str(rate["rate"]), rate["currency"]),
            min_datetime=min_datetime,
            max_datetime=max_datetime,
        )

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
            provider="EasyPost",
        )
        max_age = self.options["max_event_age"]
        if max_age is not None:
            created_at = inbound.parse_datetime(inbound.load_object(body).get("created_at"))
            if created_at is None:
                raise WebhookPayloadError("Event.created_at is missing.")
            inbound.check_age(created_at, now=now, max_age=max_age)

    def parse_webhook(self, body: bytes) -> list[TrackingEvent]:
        envelope = inbound.load_object(body)
        if envelope.get("description") not in TRACKER_EVENTS:
            return []
        event_id = inbound.required_str(envelope, "id", "Event")
        tracker = inbound.required_object(envelope, "result", "Event")
        status = inbound.required_str(tracker, "status", "Event.result")
        detail = tracker.get("status_detail") if isinstance(tracker.get("status_detail"), str) else None
        newest = _newest_detail(tracker)
        # §9.3.2: the newest scan time; a tracker without scans yet has only updated_at.
        occurred_at = (
            (newest and inbound.parse_datetime(newest.get("datetime")))
            or inbound.parse_datetime(tracker.get("updated_at"))
            or inbound.parse_datetime(envelope.get("created_at"))
        )
        if occurred_at is None:
            raise WebhookPayloadError("Event.result has no time.")
        mapped = map_status(status, detail, finalized=tracker.get("finalized") is True)
        return [
            TrackingEvent(
                provider=PROVIDER,
                event_id=event_id,
                tracking_number=inbound.required_str(tracker, "tracking_code", "Event.result"),
                carrier=inbound.required_str(tracker, "carrier", "Event.result"),
                status=mapped.status,
                provider_status=status,
                occurred_at=occurred_at,
                detail_code=detail,
                action_required=mapped.action_required,
                completed=mapped.completed,
                message=inbound.optional_str(newest or {}, "message"),
                location=inbound.location((newest or {}).get("tracking_location"), postal_code="zip"),
                estimated_delivery=inbound.parse_datetime(tracker.get("est_delivery_date")),
                tracker_id=tracker.get("id") if isinstance(tracker.get("id"), str) else None,
                label_id=tracker.get("shipment_id") if isinstance(tracker.get("shipment_id"), str) else None,
                raw=envelope,
            )
        ]


def _newest_detail(tracker: Mapping[str, Any]) -> dict[str, Any] | None:
    return inbound.newest(tracker.get("tracking_details"), "datetime")


def _parcel(parcel: Parcel) -> dict[str, str]:
    # EasyPost measures in ounces and inches. Round up to a tenth so a label is
    # never bought for less than the parcel weighs. Decimal strings, not floats:
    # EasyPost parses numeric strings (its API also takes form-encoded bodies).
    data = {"weight": _tenths(parcel.weight_in(WeightUnit.OUNCE))}
    dimensions = parcel.dimensions_in(LengthUnit.INCH)
    if dimensions is not None:
        data.update(zip(("length", "width", "height"), (_tenths(value) for value in dimensions), strict=True))
    return data


def _tenths(value: Decimal) -> str:
    return str(value.quantize(_TENTH, rounding=ROUND_UP))


def _messages(data: Mapping[str, Any]) -> str:
    texts = [
        message.get("message")
        for message in data.get("messages") or []
        if isinstance(message, dict) and isinstance(message.get("message"), str)
    ]
    return "; ".join(texts)
