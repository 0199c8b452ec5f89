"""Shippo: return labels (`extra.is_return`), track registration and `track_updated` webhooks.

Facts relied on are in specs/carriers-and-payments.md §2. Pickups are not offered
by this adapter.

Webhooks (§2.2): Shippo signs nothing by default. The adapter accepts two
mechanisms and requires every one that is configured (at least one must be):

* URL token (self-service): the webhook URL carries `?token=<webhook_token>`; the
  caller passes the request's query string as `query` and the token is compared
  in constant time. It proves the sender knows the URL, not that the body is intact.
* HMAC (opt-in, arranged with Shippo): `Shippo-Auth-Signature: t=<unix>,v1=<hex>`,
  HMAC-SHA256 with `webhook_secret` over `"<t>.<raw body>"`. The timestamp must be
  within `signature_tolerance` (default 300 s) of now. Shippo's retries reuse `t`,
  so a retry later than the tolerance is refused; dedupe makes that harmless.

`track_updated` envelopes have no event id: the dedupe key is
`track_updated:<data.tracking_status.object_id>` (one per scan, repeated on
redelivery). A `transaction_updated` whose label was refunded becomes a CANCELLED
event keyed `transaction_updated:<object_id>:REFUNDED`.

Options: `carrier` (rate `provider`, e.g. "USPS") and `servicelevel` (token) to
restrict the rates bought, default the cheapest; `label_file_type` (default
`PDF_4x6`); `signature_tolerance` (a timedelta); `api_version` (sent as
`SHIPPO-API-VERSION`, pinned to 2018-02-08 so `track_updated` carries a Track).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from saleor_returns.carriers import inbound
from saleor_returns.carriers.base import Carrier, Credentials
from saleor_returns.carriers.errors import (
    CarrierError,
    CarrierRejected,
    CarrierUnavailable,
    WebhookPayloadError,
    WebhookSignatureError,
)
from saleor_returns.carriers.http import JsonApi
from saleor_returns.carriers.shipments import Address, Label, LabelFormat, Parcel
from saleor_returns.carriers.tracking import MappedStatus, TrackingEvent, TrackingStatus
from saleor_returns.money import money

logger = logging.getLogger(__name__)

PROVIDER = "shippo"
DEFAULT_BASE_URL = "https://api.goshippo.com"
API_VERSION = "2018-02-08"
SIGNATURE_HEADER = "Shippo-Auth-Signature"
TOKEN_PARAMETER = "token"

# Refund.status values that mean the void was accepted.
VOID_ACCEPTED = frozenset({"QUEUED", "PENDING", "SUCCESS"})

# §9.2, TRANSIT sub-statuses that are a problem in the network.
_TRANSIT_EXCEPTIONS = frozenset(
    {
        "address_issue",
        "contact_carrier",
        "delivery_attempted",
        "location_inaccessible",
        "notice_left",
        "package_damaged",
        "package_held",
        "reschedule_delivery",
    }
)
_LOST = frozenset({"package_lost", "package_disposed"})


def map_status(status: str, substatus: str | None, action_required: bool = False) -> MappedStatus:
    """The normalized status for `tracking_status.status` / `substatus.code` (§9.2).

    `action_required` is Shippo's own flag; it is passed on, and on a TRANSIT
    sub-status the table does not know it marks an exception.
    """
    code = substatus or ""
    return MappedStatus(_normalized(status, code, action_required), action_required=action_required)


def _normalized(status: str, code: str, action_required: bool) -> TrackingStatus:
    if status == "PRE_TRANSIT":
        return TrackingStatus.LABEL_CREATED
    if status == "UNKNOWN":
        return TrackingStatus.UNKNOWN
    if status == "TRANSIT":
        if code == "out_for_delivery":
            return TrackingStatus.OUT_FOR_DELIVERY
        if code == "pickup_available":
            return TrackingStatus.AVAILABLE_FOR_PICKUP
        if code in _TRANSIT_EXCEPTIONS or action_required:
            return TrackingStatus.EXCEPTION
        return TrackingStatus.IN_TRANSIT
    if status == "DELIVERED":
        return TrackingStatus.DELIVERED
    if status == "RETURNED":
        # "On its way back to, or returned to, the sender": Shippo does not say
        # which, so it is never completed. Unclaimed may still be collected, so it
        # is a problem rather than a return.
        return TrackingStatus.EXCEPTION if code == "package_unclaimed" else TrackingStatus.RETURNED_TO_SENDER
    if status == "FAILURE":
        return TrackingStatus.LOST if code in _LOST else TrackingStatus.EXCEPTION
    logger.warning(
        "Unmapped carrier status", extra={"provider": PROVIDER, "provider_status": status, "detail_code": code}
    )
    return TrackingStatus.UNKNOWN


def signature(secret: str, body: bytes, timestamp: str) -> str:
    """The `v1` hex digest Shippo sends for `body` signed at `timestamp` (decimal text)."""
    return inbound.hmac_sha256(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body).hex()


def _parse_signature_header(value: str) -> tuple[str, list[str]]:
    timestamp = ""
    signatures = []
    for part in value.split(","):
        key, _, item = part.strip().partition("=")
        if key == "t":
            timestamp = item
        elif key == "v1" and item:
            signatures.append(item)
    if not timestamp or not signatures:
        raise WebhookSignatureError(f"Malformed {SIGNATURE_HEADER} header.")
    inbound.parse_unix_timestamp(timestamp)
    return timestamp, signatures


def _read_error(body: Any) -> tuple[str | None, str | None]:
    # Shippo answers {"detail": "..."} or field errors {"field": ["message", ...]}.
    if not isinstance(body, dict):
        return None, None
    if isinstance(body.get("detail"), str):
        return body["detail"], None
    parts = []
    for key, value in body.items():
        texts = value if isinstance(value, list) else [value]
        texts = [text for text in texts if isinstance(text, str)]
        if texts:
            parts.append(f"{key}: {' '.join(texts)}")
    return ("; ".join(parts) or None), None


class ShippoCarrier(Carrier):
    provider = PROVIDER
    default_options: Mapping[str, Any] = {
        "carrier": "",
        "servicelevel": "",
        "label_file_type": "PDF_4x6",
        "signature_tolerance": timedelta(seconds=300),
        "api_version": API_VERSION,
    }

    def __init__(self, credentials: Credentials | Mapping[str, Any]):
        super().__init__(credentials)
        self.api = JsonApi(
            provider=PROVIDER,
            name="Shippo",
            base_url=self.credentials.base_url or DEFAULT_BASE_URL,
            credentials=self.credentials,
            headers={
                "Authorization": f"ShippoToken {self.credentials.api_key}",
                "SHIPPO-API-VERSION": self.options["api_version"],
            },
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
        # Shippo has no idempotency key (§2.5.5): on a resume, look for a label
        # already bought with the same rate before buying.
        if shipment_id:
            shipment = self.api.get(f"/shipments/{shipment_id}")
            rate = self._choose_rate(shipment)
            bought = self.api.get("/transactions", params={"rate": rate["object_id"]})
            for transaction in bought.get("results") or []:
                if transaction.get("status") == "SUCCESS":
                    return self._label(transaction, rate, shipment_id)
        else:
            shipment = self.api.post("/shipments", self._shipment_request(from_address, to_address, parcel, reference))
            if shipment.get("status") == "ERROR":
                raise CarrierRejected(_messages(shipment) or "Shippo refused the shipment.", provider=PROVIDER)
            shipment_id = self.api.required(shipment, "object_id")
            if on_shipment_created is not None:
                on_shipment_created(shipment_id)
            rate = self._choose_rate(shipment)
        transaction = self.api.post(
            "/transactions",
            {
                "rate": rate["object_id"],
                "label_file_type": self.options["label_file_type"],
                "async": False,
                # Round-trips in tracking webhooks (§2.3); at most 100 characters.
                "metadata": f"rma:{reference}"[:100],
            },
        )
        status = transaction.get("status")
        if status == "SUCCESS":
            return self._label(transaction, rate, shipment_id)
        if status == "ERROR":
            raise CarrierRejected(_messages(transaction) or "Shippo could not create the label.", provider=PROVIDER)
        raise CarrierUnavailable("Shippo has not finished the label yet.", provider=PROVIDER)

    def _shipment_request(
        self, customer: Address, returns_address: Address, parcel: Parcel, reference: str
    ) -> dict[str, Any]:
        if not parcel.has_dimensions:
            raise ValueError("Shippo needs the parcel's length, width and height.")
        # §2.5.1: the outbound orientation (from = merchant, to = customer); Shippo
        # swaps them on the label because extra.is_return is set.
        return {
            "address_from": returns_address.as_dict(),
            "address_to": customer.as_dict(),
            "parcels": [
                {
                    "length": str(parcel.length),
                    "width": str(parcel.width),
                    "height": str(parcel.height),
                    "distance_unit": parcel.length_unit.value,
                    "weight": str(parcel.weight),
                    "mass_unit": parcel.weight_unit.value,
                }
            ],
            "extra": {"is_return": True, "reference_1": reference},
            "async": False,
        }

    def _choose_rate(self, shipment: Mapping[str, Any]) -> dict[str, Any]:
        rates = [
            rate
            for rate in shipment.get("rates") or []
            if (not self.options["carrier"] or rate.get("provider") == self.options["carrier"])
            and (
                not self.options["servicelevel"]
                or (rate.get("servicelevel") or {}).get("token") == self.options["servicelevel"]
            )
        ]
        if not rates:
            raise CarrierRejected(_messages(shipment) or "Shippo offered no rate for this return.", provider=PROVIDER)
        return min(rates, key=lambda rate: Decimal(str(rate["amount"])))

    def _label(self, transaction: Mapping[str, Any], rate: Mapping[str, Any], shipment_id: str) -> Label:
        if not (transaction.get("label_url") and transaction.get("tracking_number")):
            raise CarrierError("Shippo answered without a label.", provider=PROVIDER)
        return Label(
            provider=PROVIDER,
            label_id=self.api.required(transaction, "object_id"),
            shipment_id=shipment_id,
            tracking_number=transaction["tracking_number"],
            carrier=rate.get("provider", ""),
            service=(rate.get("servicelevel") or {}).get("name", ""),
            label_url=transaction["label_url"],
            label_format=_label_format(self.options["label_file_type"]),
            cost=money(str(rate["amount"]), rate["currency"]),
            created_at=inbound.parse_datetime(transaction.get("object_created")) or datetime.now(tz=timezone.utc),
            qr_code_url=transaction.get("qr_code_url") or None,
        )

    def void_label(self, label_id: str) -> bool:
        refund = self.api.post("/refunds", {"transaction": label_id, "async": False})
        return refund.get("status") in VOID_ACCEPTED

    # ---------------------------------------------------------------- tracking

    def register_tracker(self, *, tracking_number: str, carrier: str) -> str:
        """Register for `track_updated`; the id returned is `<carrier>/<tracking number>`.

        Shippo tracks have no id of their own (they are read back at
        `GET /tracks/{carrier}/{tracking_number}`). Registering twice is allowed
        and yields duplicate deliveries, which the scan dedupe key collapses.
        """
        self.api.post("/tracks", {"carrier": carrier, "tracking_number": tracking_number, "metadata": ""})
        return f"{carrier}/{tracking_number}"

    # ---------------------------------------------------------------- webhooks

    def verify_webhook(
        self,
        headers: Mapping[str, str],
        body: bytes,
        *,
        query: Mapping[str, str] | None = None,
        now: datetime | None = None,
    ) -> None:
        token = self.credentials.webhook_token
        secret = self.credentials.webhook_secret
        if not token and not secret:
            raise WebhookSignatureError("No Shippo webhook token or secret is configured.")
        if token:
            supplied = (query or {}).get(TOKEN_PARAMETER) or ""
            if not supplied:
                raise WebhookSignatureError("Missing token.")
            if not inbound.equal(supplied, token):
                raise WebhookSignatureError("Invalid token.")
        if secret:
            timestamp, signatures = _parse_signature_header(inbound.require_header(headers, SIGNATURE_HEADER))
            expected = signature(secret, body, timestamp)
            if not any(inbound.equal(supplied, expected) for supplied in signatures):
                raise WebhookSignatureError("Invalid signature.")
            inbound.check_timestamp(int(timestamp), now=now, tolerance=self.options["signature_tolerance"])

    def parse_webhook(self, body: bytes) -> list[TrackingEvent]:
        envelope = inbound.load_object(body)
        event = envelope.get("event")
        if event == "track_updated":
            return self._track_events(envelope)
        if event == "transaction_updated":
            return self._transaction_events(envelope)
        return []

    def _track_events(self, envelope: dict[str, Any]) -> list[TrackingEvent]:
        track = inbound.required_object(envelope, "data", "track_updated")
        scan = track.get("tracking_status")
        if scan is None:
            # Registered, but the carrier has reported nothing yet.
            return []
        if not isinstance(scan, dict):
            raise WebhookPayloadError("data.tracking_status is not an object.")
        status = inbound.required_str(scan, "status", "data.tracking_status")
        substatus = scan.get("substatus") if isinstance(scan.get("substatus"), dict) else {}
        code = substatus.get("code") if isinstance(substatus.get("code"), str) else None
        mapped = map_status(status, code, substatus.get("action_required") is True)
        # §2.4: order by the carrier's scan time, then by when Shippo recorded it.
        occurred_at = inbound.parse_datetime(scan.get("status_date")) or inbound.parse_datetime(
            scan.get("object_updated")
        )
        if occurred_at is None:
            raise WebhookPayloadError("data.tracking_status has no time.")
        carrier = inbound.required_str(track, "carrier", "data")
        tracking_number = inbound.required_str(track, "tracking_number", "data")
        return [
            TrackingEvent(
                provider=PROVIDER,
                event_id=f"track_updated:{inbound.required_str(scan, 'object_id', 'data.tracking_status')}",
                tracking_number=tracking_number,
                carrier=carrier,
                status=mapped.status,
                provider_status=status,
                occurred_at=occurred_at,
                detail_code=code,
                action_required=mapped.action_required,
                message=inbound.optional_str(scan, "status_details"),
                location=inbound.location(scan.get("location"), postal_code="zip"),
                estimated_delivery=inbound.parse_datetime(track.get("eta")),
                tracker_id=f"{carrier}/{tracking_number}",
                label_id=track.get("transaction") if isinstance(track.get("transaction"), str) else None,
                raw=envelope,
            )
        ]

    def _transaction_events(self, envelope: dict[str, Any]) -> list[TrackingEvent]:
        transaction = inbound.required_object(envelope, "data", "transaction_updated")
        if transaction.get("status") != "REFUNDED":
            return []
        object_id = inbound.required_str(transaction, "object_id", "data")
        occurred_at = inbound.parse_datetime(transaction.get("object_updated"))
        if occurred_at is None:
            raise WebhookPayloadError("data.object_updated is missing.")
        rate = transaction.get("rate") if isinstance(transaction.get("rate"), dict) else {}
        return [
            TrackingEvent(
                provider=PROVIDER,
                event_id=f"transaction_updated:{object_id}:REFUNDED",
                tracking_number=inbound.required_str(transaction, "tracking_number", "data"),
                # A Transaction names no carrier token; the rate's provider when expanded.
                carrier=inbound.optional_str(rate, "provider"),
                status=TrackingStatus.CANCELLED,
                provider_status="REFUNDED",
                occurred_at=occurred_at,
                message="Label refunded.",
                label_id=object_id,
                raw=envelope,
            )
        ]


def _label_format(label_file_type: str) -> LabelFormat:
    if label_file_type.startswith("PNG"):
        return LabelFormat.PNG
    if label_file_type.startswith("ZPL"):
        return LabelFormat.ZPL
    return LabelFormat.PDF


def _messages(data: Mapping[str, Any]) -> str:
    texts = []
    for message in data.get("messages") or []:
        if isinstance(message, dict) and isinstance(message.get("text"), str):
            texts.append(message["text"])
        elif isinstance(message, str):
            texts.append(message)
    return "; ".join(texts)
