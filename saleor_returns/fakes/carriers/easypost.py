"""A loopback fake of EasyPost v2: shipments, labels, refunds, trackers, pickups and signed Events (§1)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from saleor_returns.fakes.carriers.base import ProviderFake, Route, RouteMatch, hex_id, iso, utc_now


def easypost_signature(secret: str, body: bytes) -> str:
    """`X-Hmac-Signature` (§1.2): HMAC-SHA256 of the body, key NFKD-normalized, lowercase hex."""
    key = unicodedata.normalize("NFKD", secret).encode("utf-8")
    return "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()


EASYPOST_RATES = (
    {"carrier": "USPS", "service": "Priority", "rate": "7.58", "currency": "USD", "delivery_days": 2},
    {"carrier": "USPS", "service": "GroundAdvantage", "rate": "5.93", "currency": "USD", "delivery_days": 4},
    {"carrier": "UPS", "service": "Ground", "rate": "9.10", "currency": "USD", "delivery_days": 3},
)
EASYPOST_PICKUP_RATES = (
    {"carrier": "USPS", "service": "NextDay", "rate": "0.00", "currency": "USD"},
    {"carrier": "UPS", "service": "Same-day Pickup", "rate": "6.50", "currency": "USD"},
)


class FakeEasyPost(ProviderFake):
    """EasyPost v2: shipments (with is_return), buy, refund (void), trackers, pickups, Events.

    `base_url` (…/v2) goes into the adapter's credentials. Accepts the API key as
    HTTP Basic user (empty password) or as a Bearer token, as EasyPost does.
    """

    thread_name = "fake-easypost"

    def __init__(
        self,
        *,
        api_key: str = "EZTK_test_key",
        webhook_secret: str = "",
        rates: Iterable[Mapping[str, Any]] = EASYPOST_RATES,
        pickup_rates: Iterable[Mapping[str, Any]] = EASYPOST_PICKUP_RATES,
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.rates = [dict(rate) for rate in rates]
        self.pickup_rates = [dict(rate) for rate in pickup_rates]
        # Shipment messages sent along when no rate can be offered.
        self.rate_messages: list[dict[str, str]] = []
        # What POST /shipments/{id}/refund sets (§1.6.4): submitted, refunded, rejected, not_applicable.
        self.refund_status = "submitted"
        self.shipments: dict[str, dict] = {}
        self.trackers: dict[str, dict] = {}
        self.pickups: dict[str, dict] = {}
        self.events: list[dict] = []

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v2"

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        basic = "Basic " + base64.b64encode(f"{self.api_key}:".encode()).decode()
        return headers.get("authorization") in (basic, f"Bearer {self.api_key}")

    def _error(self, status: int, message: str, code: str | None = None) -> Any:
        codes = {401: "APIKEY.INACTIVE", 404: "NOT_FOUND", 429: "RATE_LIMITED"}
        return {
            "error": {
                "code": code or codes.get(status, "INTERNAL_SERVER_ERROR" if status >= 500 else "BAD_REQUEST"),
                "message": message,
                "errors": [],
            }
        }

    def _routes(self) -> Iterable[Route]:
        return (
            ("POST", re.compile(r"/v2/shipments"), self._create_shipment),
            ("GET", re.compile(r"/v2/shipments/(?P<id>[^/]+)"), self._get_shipment),
            ("POST", re.compile(r"/v2/shipments/(?P<id>[^/]+)/buy"), self._buy_shipment),
            ("POST", re.compile(r"/v2/shipments/(?P<id>[^/]+)/refund"), self._refund_shipment),
            ("POST", re.compile(r"/v2/trackers"), self._create_tracker),
            ("POST", re.compile(r"/v2/pickups"), self._create_pickup),
            ("POST", re.compile(r"/v2/pickups/(?P<id>[^/]+)/buy"), self._buy_pickup),
        )

    def _invalid(self, message: str, field_errors: list[tuple[str, str]], code: str) -> tuple[int, Any]:
        body = self._error(422, message, code)
        body["error"]["errors"] = [{"field": name, "message": text, "suggestion": None} for name, text in field_errors]
        return 422, body

    # ------------------------------------------------------------- shipments

    def _create_shipment(self, match: RouteMatch) -> tuple[int, Any]:
        data = (match.request.json or {}).get("shipment") if isinstance(match.request.json, dict) else None
        if not isinstance(data, dict):
            return self._invalid(
                "Missing required parameter: shipment.", [("shipment", "is required")], "PARAMETER.REQUIRED"
            )
        missing = [name for name in ("to_address", "from_address", "parcel") if not isinstance(data.get(name), dict)]
        if not missing and not data["parcel"].get("weight"):
            missing = ["parcel.weight"]
        if missing:
            return self._invalid(
                "Unable to create shipment, one or more parameters were invalid.",
                [(name, "is required") for name in missing],
                "SHIPMENT.INVALID_PARAMS",
            )
        now = iso(utc_now())
        shipment_id = hex_id("shp_")
        rates = [
            {
                "id": hex_id("rate_"),
                "object": "Rate",
                "mode": "test",
                "shipment_id": shipment_id,
                "carrier_account_id": "ca_" + hashlib.sha256(rate["carrier"].encode()).hexdigest()[:32],
                "created_at": now,
                "updated_at": now,
                **rate,
            }
            for rate in self.rates
        ]
        shipment = {
            "id": shipment_id,
            "object": "Shipment",
            "mode": "test",
            "reference": data.get("reference"),
            "is_return": bool(data.get("is_return")),
            "to_address": self._address(data["to_address"]),
            "from_address": self._address(data["from_address"]),
            "return_address": self._address(data["from_address"]),
            "parcel": {"id": hex_id("prcl_"), "object": "Parcel", "mode": "test", **data["parcel"]},
            "options": dict(data.get("options") or {}),
            "carrier_accounts": list(data.get("carrier_accounts") or []),
            "rates": rates,
            "messages": [] if rates else list(self.rate_messages),
            "selected_rate": None,
            "postage_label": None,
            "tracking_code": None,
            "tracker": None,
            "refund_status": None,
            "status": "unknown",
            "created_at": now,
            "updated_at": now,
        }
        self.shipments[shipment_id] = shipment
        return 201, shipment

    @staticmethod
    def _address(data: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": hex_id("adr_"), "object": "Address", "mode": "test", **data}

    def _get_shipment(self, match: RouteMatch) -> tuple[int, Any]:
        shipment = self.shipments.get(match.params["id"])
        if shipment is None:
            return 404, self._error(404, "The requested resource could not be found.")
        return 200, shipment

    def _buy_shipment(self, match: RouteMatch) -> tuple[int, Any]:
        shipment = self.shipments.get(match.params["id"])
        if shipment is None:
            return 404, self._error(404, "The requested resource could not be found.")
        if shipment["postage_label"] is not None:
            return 422, self._error(422, "Shipment already purchased.", "SHIPMENT.POSTAGE.EXISTS")
        rate_id = ((match.request.json or {}).get("rate") or {}).get("id")
        rate = next((rate for rate in shipment["rates"] if rate["id"] == rate_id), None)
        if rate is None:
            return 422, self._error(422, "Rate not found for this shipment.", "SHIPMENT.RATE.INVALID")
        now = iso(utc_now())
        label_format = str(shipment["options"].get("label_format") or "PNG").upper()
        label_id = hex_id("pl_")
        files = f"{self.root_url}/files/postage_label/{label_id}"
        # label_url is always the PNG; a requested PDF or ZPL comes as an extra URL.
        postage_label = {
            "id": label_id,
            "object": "PostageLabel",
            "label_file_type": "image/png",
            "label_size": "4x6",
            "label_resolution": 300,
            "label_date": now,
            "label_url": f"{files}.png",
            "label_pdf_url": f"{files}.pdf" if label_format == "PDF" else None,
            "label_zpl_url": f"{files}.zpl" if label_format == "ZPL" else None,
            "label_epl2_url": None,
            "created_at": now,
            "updated_at": now,
        }
        tracking_code = f"9400{self._number():018d}"
        tracker = self._new_tracker(
            tracking_code, rate["carrier"], shipment_id=shipment["id"], is_return=shipment["is_return"]
        )
        shipment.update(
            {
                "postage_label": postage_label,
                "selected_rate": rate,
                "tracking_code": tracking_code,
                "tracker": tracker,
                "status": "unknown",
                "updated_at": now,
            }
        )
        return 200, shipment

    def _refund_shipment(self, match: RouteMatch) -> tuple[int, Any]:
        shipment = self.shipments.get(match.params["id"])
        if shipment is None:
            return 404, self._error(404, "The requested resource could not be found.")
        if shipment["postage_label"] is None:
            return 422, self._error(422, "Shipment has no postage to refund.", "SHIPMENT.REFUND.UNAVAILABLE")
        shipment["refund_status"] = self.refund_status
        shipment["updated_at"] = iso(utc_now())
        return 200, shipment

    # -------------------------------------------------------------- trackers

    def _new_tracker(
        self, tracking_code: str, carrier: str, *, shipment_id: str | None = None, is_return: bool = False
    ) -> dict:
        now = iso(utc_now())
        tracker = {
            "id": hex_id("trk_"),
            "object": "Tracker",
            "mode": "test",
            "tracking_code": tracking_code,
            "carrier": carrier,
            "status": "unknown",
            "status_detail": "unknown",
            "is_return": is_return,
            "finalized": False,
            "shipment_id": shipment_id,
            "est_delivery_date": None,
            "signed_by": None,
            "weight": None,
            "public_url": f"{self.root_url}/track/{tracking_code}",
            "tracking_details": [],
            "carrier_detail": None,
            "created_at": now,
            "updated_at": now,
        }
        self.trackers[tracker["id"]] = tracker
        return tracker

    def tracker_for(self, tracking_code: str, carrier: str | None = None) -> dict | None:
        return self._find(self.trackers.values(), "tracking_code", tracking_code, carrier=carrier)

    def _create_tracker(self, match: RouteMatch) -> tuple[int, Any]:
        data = (match.request.json or {}).get("tracker") if isinstance(match.request.json, dict) else None
        if not isinstance(data, dict) or not data.get("tracking_code"):
            return self._invalid(
                "Missing required parameter: tracker.tracking_code.",
                [("tracking_code", "is required")],
                "TRACKER.TRACKING_CODE.REQUIRED",
            )
        carrier = data.get("carrier") or "USPS"
        # §1.4: the same (tracking_code, carrier) gives back the original tracker.
        existing = self.tracker_for(data["tracking_code"], carrier)
        if existing is not None:
            return 200, existing
        return 201, self._new_tracker(data["tracking_code"], carrier)

    # --------------------------------------------------------------- pickups

    def _create_pickup(self, match: RouteMatch) -> tuple[int, Any]:
        data = (match.request.json or {}).get("pickup") if isinstance(match.request.json, dict) else None
        if not isinstance(data, dict):
            return self._invalid(
                "Missing required parameter: pickup.", [("pickup", "is required")], "PARAMETER.REQUIRED"
            )
        missing = [name for name in ("address", "min_datetime", "max_datetime") if not data.get(name)]
        shipment_id = (data.get("shipment") or {}).get("id")
        if shipment_id not in self.shipments:
            missing.append("shipment")
        if missing:
            return self._invalid(
                "Unable to create pickup, one or more parameters were invalid.",
                [(name, "is required") for name in missing],
                "PICKUP.INVALID_PARAMS",
            )
        if datetime.fromisoformat(data["max_datetime"]) <= datetime.fromisoformat(data["min_datetime"]):
            return self._invalid(
                "max_datetime must be later than min_datetime.",
                [("max_datetime", "is invalid")],
                "PICKUP.INVALID_PARAMS",
            )
        now = iso(utc_now())
        pickup_id = hex_id("pickup_")
        pickup = {
            "id": pickup_id,
            "object": "Pickup",
            "mode": "test",
            "status": "unknown",
            "reference": data.get("reference"),
            "min_datetime": data["min_datetime"],
            "max_datetime": data["max_datetime"],
            "is_account_address": bool(data.get("is_account_address")),
            "instructions": data.get("instructions"),
            "messages": [],
            "confirmation": None,
            "shipment": {"id": shipment_id},
            "address": self._address(data["address"]),
            "pickup_rates": [
                {"id": hex_id("pickuprate_"), "object": "PickupRate", "mode": "test", "pickup_id": pickup_id, **rate}
                for rate in self.pickup_rates
            ],
            "created_at": now,
            "updated_at": now,
        }
        self.pickups[pickup_id] = pickup
        return 201, pickup

    def _buy_pickup(self, match: RouteMatch) -> tuple[int, Any]:
        pickup = self.pickups.get(match.params["id"])
        if pickup is None:
            return 404, self._error(404, "The requested resource could not be found.")
        data = match.request.json if isinstance(match.request.json, dict) else {}
        rate = next(
            (
                rate
                for rate in pickup["pickup_rates"]
                if rate["carrier"] == data.get("carrier") and rate["service"] == data.get("service")
            ),
            None,
        )
        if rate is None:
            return 422, self._error(422, "No pickup rate for that carrier and service.", "PICKUP.RATE.INVALID")
        pickup.update({"status": "scheduled", "confirmation": f"WTC{self._number():08d}", "updated_at": iso(utc_now())})
        return 200, pickup

    # -------------------------------------------------------------- webhooks

    def tracker_event(
        self,
        tracking_code: str,
        *,
        status: str,
        status_detail: str | None = None,
        at: datetime | None = None,
        message: str = "",
        location: Mapping[str, str] | None = None,
        description: str = "tracker.updated",
        finalized: bool = False,
        est_delivery_date: datetime | None = None,
        carrier: str = "USPS",
        created_at: datetime | None = None,
    ) -> dict:
        """An Event envelope (§1.3) for the tracker of `tracking_code`, with a new `evt_` id.

        The tracker (created if unknown) takes the new status and gains one
        TrackingDetail at `at` (default now), as EasyPost's trackers accumulate scans.
        """
        with self.lock:
            tracker = self.tracker_for(tracking_code) or self._new_tracker(tracking_code, carrier)
            previous = tracker["status"]
            scan_time = at or utc_now()
            detail = {
                "object": "TrackingDetail",
                "message": message,
                "description": message,
                "status": status,
                "status_detail": status_detail,
                "datetime": iso(scan_time),
                "source": tracker["carrier"],
                "carrier_code": "",
                "tracking_location": {
                    "object": "TrackingLocation",
                    "city": None,
                    "state": None,
                    "country": None,
                    "zip": None,
                    **(location or {}),
                },
            }
            tracker["tracking_details"].append(detail)
            tracker.update(
                {
                    "status": status,
                    "status_detail": status_detail,
                    "finalized": finalized,
                    "est_delivery_date": iso(est_delivery_date) if est_delivery_date else tracker["est_delivery_date"],
                    "updated_at": iso(max(utc_now(), scan_time)),
                }
            )
            sent_at = iso(created_at or utc_now())
            event = {
                "id": hex_id("evt_"),
                "object": "Event",
                "mode": "test",
                "description": description,
                "previous_attributes": {"status": previous} if previous != status else {},
                "status": "pending",
                "pending_urls": ["https://returns.example/webhooks/carriers/easypost/"],
                "completed_urls": [],
                "user_id": "user_fake",
                "created_at": sent_at,
                "updated_at": sent_at,
                "result": copy.deepcopy(tracker),
            }
            self.events.append(event)
            return event

    def signed_webhook(
        self, event: Mapping[str, Any] | bytes, *, secret: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        """Headers and raw body of the POST EasyPost makes; unsigned when no secret is set."""
        return self._signed(event, secret, "X-Hmac-Signature", easypost_signature)
