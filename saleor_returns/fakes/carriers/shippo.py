"""A loopback fake of Shippo: shipments, transactions (labels), refunds, tracks and webhooks (§2)."""

from __future__ import annotations

import copy
import hashlib
import hmac
import re
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from saleor_returns.fakes.carriers.base import ProviderFake, Route, RouteMatch, hex_id, iso, utc_now


def shippo_signature(secret: str, body: bytes, timestamp: int) -> str:
    """`Shippo-Auth-Signature` (§2.2): `t=<unix>,v1=<hex of HMAC-SHA256 over "<t>.<body>">`."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


SHIPPO_RATES = (
    {
        "provider": "USPS",
        "servicelevel": {"name": "Priority Mail", "token": "usps_priority"},
        "amount": "7.58",
        "currency": "USD",
        "estimated_days": 2,
    },
    {
        "provider": "USPS",
        "servicelevel": {"name": "Ground Advantage", "token": "usps_ground_advantage"},
        "amount": "5.93",
        "currency": "USD",
        "estimated_days": 4,
    },
    {
        "provider": "UPS",
        "servicelevel": {"name": "Ground", "token": "ups_ground"},
        "amount": "9.10",
        "currency": "USD",
        "estimated_days": 3,
    },
)
SHIPPO_LABEL_FILE_TYPES = frozenset(
    {"PNG", "PNG_2.3x7.5", "PDF", "PDF_2.3x7.5", "PDF_4x6", "PDF_4x8", "PDF_A4", "PDF_A5", "PDF_A6", "ZPLII"}
)


class FakeShippo(ProviderFake):
    """Shippo: shipments (extra.is_return), transactions (labels), refunds, tracks, webhooks.

    `base_url` goes into the adapter's credentials. Authenticates
    `Authorization: ShippoToken <api_key>`. Webhooks carry the URL token (see
    `webhook_query`) and, when `webhook_secret` is set (Shippo's opt-in HMAC),
    a `Shippo-Auth-Signature` header.
    """

    thread_name = "fake-shippo"

    def __init__(
        self,
        *,
        api_key: str = "shippo_test_key",
        webhook_token: str = "",
        webhook_secret: str = "",
        rates: Iterable[Mapping[str, Any]] = SHIPPO_RATES,
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.webhook_token = webhook_token
        self.webhook_secret = webhook_secret
        self.rates = [copy.deepcopy(dict(rate)) for rate in rates]
        self.shipment_messages: list[dict[str, str]] = []
        # What POST /transactions answers (§2.5.3): SUCCESS, or ERROR with transaction_messages.
        self.transaction_status = "SUCCESS"
        self.transaction_messages: list[dict[str, str]] = []
        self.qr_codes = False
        # What POST /refunds answers (§2.5.4): QUEUED, PENDING, SUCCESS or ERROR.
        self.refund_status = "QUEUED"
        self.shipments: dict[str, dict] = {}
        self.transactions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.tracks: list[dict] = []
        self._history: dict[tuple[str, str], list[dict]] = {}

    @property
    def base_url(self) -> str:
        return self.root_url

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        return headers.get("authorization") == f"ShippoToken {self.api_key}"

    def _error(self, status: int, message: str, code: str | None = None) -> Any:
        return {"detail": message}

    def _routes(self) -> Iterable[Route]:
        return (
            ("POST", re.compile(r"/shipments/?"), self._create_shipment),
            ("GET", re.compile(r"/shipments/(?P<id>[^/]+)/?"), self._get_shipment),
            ("POST", re.compile(r"/transactions/?"), self._create_transaction),
            ("GET", re.compile(r"/transactions/?"), self._list_transactions),
            ("POST", re.compile(r"/refunds/?"), self._create_refund),
            ("POST", re.compile(r"/tracks/?"), self._create_track),
        )

    # ------------------------------------------------------------- shipments

    def _create_shipment(self, match: RouteMatch) -> tuple[int, Any]:
        data = match.request.json if isinstance(match.request.json, dict) else {}
        errors = {
            name: ["This field is required."]
            for name in ("address_from", "address_to")
            if not isinstance(data.get(name), dict)
        }
        parcels = data.get("parcels")
        if not isinstance(parcels, list) or not parcels:
            errors["parcels"] = ["This field is required."]
        else:
            for parcel in parcels:
                missing = [
                    name
                    for name in ("length", "width", "height", "distance_unit", "weight", "mass_unit")
                    if not parcel.get(name)
                ]
                if missing:
                    errors["parcels"] = [f"{name}: This field is required." for name in missing]
        if errors:
            return 400, errors
        now = iso(utc_now())
        shipment_id = hex_id()
        rates = [
            {
                "object_id": hex_id(),
                "object_created": now,
                "object_owner": "fake@shippo.example",
                "shipment": shipment_id,
                "attributes": [],
                "amount_local": rate["amount"],
                "currency_local": rate["currency"],
                "carrier_account": hashlib.sha256(rate["provider"].encode()).hexdigest()[:32],
                "duration_terms": "",
                "messages": [],
                "test": True,
                **copy.deepcopy(rate),
            }
            for rate in self.rates
        ]
        shipment = {
            "object_id": shipment_id,
            "object_created": now,
            "object_updated": now,
            "object_owner": "fake@shippo.example",
            "status": "SUCCESS",
            "address_from": {"object_id": hex_id(), **data["address_from"]},
            "address_to": {"object_id": hex_id(), **data["address_to"]},
            "address_return": None,
            "parcels": [{"object_id": hex_id(), **parcel} for parcel in parcels],
            "extra": dict(data.get("extra") or {}),
            "rates": rates,
            "messages": [] if rates else list(self.shipment_messages),
            "metadata": data.get("metadata", ""),
            "shipment_date": now,
            "test": True,
        }
        self.shipments[shipment_id] = shipment
        return 201, shipment

    def _get_shipment(self, match: RouteMatch) -> tuple[int, Any]:
        shipment = self.shipments.get(match.params["id"])
        if shipment is None:
            return 404, self._error(404, "Not found.")
        return 200, shipment

    def _rate(self, rate_id: Any) -> tuple[dict, dict] | None:
        for shipment in self.shipments.values():
            for rate in shipment["rates"]:
                if rate["object_id"] == rate_id:
                    return shipment, rate
        return None

    # ---------------------------------------------------------- transactions

    def _create_transaction(self, match: RouteMatch) -> tuple[int, Any]:
        data = match.request.json if isinstance(match.request.json, dict) else {}
        found = self._rate(data.get("rate"))
        if found is None:
            return 400, {"rate": ["Rate not found."]}
        label_file_type = data.get("label_file_type") or "PDF"
        if label_file_type not in SHIPPO_LABEL_FILE_TYPES:
            return 400, {"label_file_type": [f'"{label_file_type}" is not a valid choice.']}
        shipment, rate = found
        now = iso(utc_now())
        transaction_id = hex_id()
        succeeded = self.transaction_status == "SUCCESS"
        extension = "png" if label_file_type.startswith("PNG") else "zpl" if label_file_type == "ZPLII" else "pdf"
        transaction = {
            "object_id": transaction_id,
            "object_state": "VALID" if succeeded else "INVALID",
            "status": self.transaction_status,
            "object_created": now,
            "object_updated": now,
            "object_owner": "fake@shippo.example",
            "test": True,
            "rate": rate["object_id"],
            "parcel": shipment["parcels"][0]["object_id"],
            "tracking_number": f"9205{self._number():018d}" if succeeded else "",
            "tracking_status": "UNKNOWN",
            "tracking_history": [],
            "tracking_url_provider": f"{self.root_url}/track/{transaction_id}" if succeeded else "",
            "eta": None,
            "label_url": f"{self.root_url}/files/labels/{transaction_id}.{extension}" if succeeded else "",
            "label_file_type": label_file_type,
            "commercial_invoice_url": None,
            "qr_code_url": f"{self.root_url}/files/qr/{transaction_id}.png" if succeeded and self.qr_codes else None,
            "messages": [] if succeeded else list(self.transaction_messages),
            "metadata": data.get("metadata", ""),
            "order": None,
        }
        self.transactions[transaction_id] = transaction
        return 201, transaction

    def _list_transactions(self, match: RouteMatch) -> tuple[int, Any]:
        rate_id = match.request.query.get("rate")
        results = [t for t in self.transactions.values() if rate_id is None or t["rate"] == rate_id]
        return 200, {"next": None, "previous": None, "results": results}

    def transaction_for(self, tracking_number: str) -> dict | None:
        return self._find(self.transactions.values(), "tracking_number", tracking_number)

    # --------------------------------------------------------------- refunds

    def _create_refund(self, match: RouteMatch) -> tuple[int, Any]:
        data = match.request.json if isinstance(match.request.json, dict) else {}
        transaction = self.transactions.get(data.get("transaction"))
        if transaction is None:
            return 400, {"transaction": ["Transaction with supplied object_id not found."]}
        now = iso(utc_now())
        refund = {
            "object_id": hex_id(),
            "object_created": now,
            "object_updated": now,
            "object_owner": "fake@shippo.example",
            "status": self.refund_status,
            "transaction": transaction["object_id"],
            "test": True,
        }
        if self.refund_status != "ERROR":
            transaction.update({"status": "REFUNDPENDING", "object_updated": now})
        self.refunds[refund["object_id"]] = refund
        return 201, refund

    # ---------------------------------------------------------------- tracks

    def _create_track(self, match: RouteMatch) -> tuple[int, Any]:
        data = match.request.json if isinstance(match.request.json, dict) else {}
        errors = {name: ["This field is required."] for name in ("carrier", "tracking_number") if not data.get(name)}
        if errors:
            return 400, errors
        # Not idempotent (§2.1): every registration is kept, duplicates included.
        track = self._track(data["carrier"], data["tracking_number"], metadata=data.get("metadata") or "")
        self.tracks.append(track)
        return 201, track

    def _track(self, carrier: str, tracking_number: str, **fields: Any) -> dict:
        return {
            "carrier": carrier,
            "tracking_number": tracking_number,
            "transaction": None,
            "metadata": "",
            "address_from": None,
            "address_to": None,
            "eta": None,
            "original_eta": None,
            "servicelevel": {"token": None, "name": None},
            "messages": [],
            "tracking_status": None,
            "tracking_history": [],
            "test": True,
            **fields,
        }

    # -------------------------------------------------------------- webhooks

    def track_event(
        self,
        tracking_number: str,
        *,
        status: str,
        substatus: str | None = None,
        action_required: bool = False,
        carrier: str = "usps",
        at: datetime | None = None,
        object_id: str | None = None,
        status_details: str = "",
        location: Mapping[str, str] | None = None,
        eta: datetime | None = None,
    ) -> dict:
        """A `track_updated` envelope (§2.3): no event id; the scan's `object_id` is new
        unless given (pass the same one to replay a scan)."""
        with self.lock:
            now = iso(utc_now())
            scan = {
                "object_id": object_id or hex_id(),
                "object_created": now,
                "object_updated": now,
                "status": status,
                "status_details": status_details,
                "status_date": iso(at or utc_now()),
                "substatus": (
                    {
                        "code": substatus,
                        "text": substatus.replace("_", " ").capitalize(),
                        "action_required": action_required,
                    }
                    if substatus
                    else None
                ),
                "location": dict(location) if location else None,
            }
            history = self._history.setdefault((carrier, tracking_number), [])
            history.append(scan)
            transaction = self.transaction_for(tracking_number)
            data = self._track(
                carrier,
                tracking_number,
                transaction=transaction["object_id"] if transaction else None,
                metadata=transaction["metadata"] if transaction else "",
                eta=iso(eta) if eta else None,
                original_eta=iso(eta) if eta else None,
                tracking_status=scan,
                tracking_history=copy.deepcopy(history),
            )
            return {"event": "track_updated", "test": True, "data": data}

    def transaction_event(self, transaction_id: str, *, status: str = "REFUNDED") -> dict:
        """A `transaction_updated` envelope for a fake label, e.g. once its refund went through."""
        with self.lock:
            transaction = self.transactions[transaction_id]
            transaction.update({"status": status, "object_updated": iso(utc_now())})
            return {"event": "transaction_updated", "test": True, "data": copy.deepcopy(transaction)}

    def signed_webhook(
        self, event: Mapping[str, Any] | bytes, *, timestamp: int | None = None, secret: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        """Headers and raw body of Shippo's POST; signed only when an HMAC secret is set."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        return self._signed(
            event, secret, "Shippo-Auth-Signature", lambda key, body: shippo_signature(key, body, timestamp)
        )

    def webhook_query(self) -> dict[str, str]:
        """The query string of the webhook URL registered with Shippo: `?token=…`."""
        return {"token": self.webhook_token} if self.webhook_token else {}


# ------------------------------------------------------------------------ AfterShip
