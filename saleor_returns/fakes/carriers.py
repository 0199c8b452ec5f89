"""Loopback fakes of the carrier aggregators' APIs and webhook senders (EasyPost, Shippo, AfterShip).

`FakeEasyPost`, `FakeShippo` and `FakeAfterShip` each serve, over a
ThreadingHTTPServer on 127.0.0.1 with a random port, the endpoints the adapters in
`saleor_returns.carriers` call, and answer JSON shaped as in
specs/carriers-and-payments.md §1–3 (field names real, values invented). Each one:

* checks the provider's authentication header and answers the provider's 401;
* validates requests the way the provider would refuse them (missing addresses,
  unknown rate, buying twice) with the provider's error body shape;
* keeps a request log (`requests`: method, path, query, lower-cased headers, JSON);
* injects faults: `fail_next(count, status, message)` answers the next requests
  with an error instead of handling them (5xx without a message is an HTML proxy
  page, as a load balancer sends), `delay_next(count, seconds)` sleeps first and
  then handles the request, so work may be done after the client gave up;
* builds webhook deliveries from its own state (`tracker_event`, `track_event`,
  `tracking_event`) and signs them exactly as the provider does
  (`signed_webhook(event) -> (headers, body)`).

`GenericWebhookSender` builds and signs deliveries of the app's own generic scheme
(`saleor_returns.carriers.generic`).

The signing functions below are written from the spec, independently of the
adapters, and match the spec's test vectors; a test that passes therefore shows
the adapter agrees with the vendor's formula, not merely with itself.

Known differences from the real services: error codes beyond the spec are
illustrative, rates and tracking numbers are invented, label URLs point at the
fake (nothing is served there), and asynchronous work (USPS refunds, Shippo label
queues) completes at once.

Typical use::

    with FakeEasyPost(webhook_secret="sekret") as easypost:
        carrier = get_carrier(
            "easypost",
            {"api_key": easypost.api_key, "webhook_secret": "sekret", "base_url": easypost.base_url},
        )
        label = carrier.create_return_label(...)
        headers, body = easypost.signed_webhook(
            easypost.tracker_event(label.tracking_number, status="delivered", status_detail="arrived_at_destination")
        )
        carrier.verify_webhook(headers, body)
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
import unicodedata
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "FakeAfterShip",
    "FakeEasyPost",
    "FakeShippo",
    "GenericWebhookSender",
    "RecordedRequest",
    "aftership_signature",
    "easypost_signature",
    "generic_signature",
    "shippo_signature",
]


# --------------------------------------------------------------------------- signing


def easypost_signature(secret: str, body: bytes) -> str:
    """`X-Hmac-Signature` (§1.2): HMAC-SHA256 of the body, key NFKD-normalized, lowercase hex."""
    key = unicodedata.normalize("NFKD", secret).encode("utf-8")
    return "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def shippo_signature(secret: str, body: bytes, timestamp: int) -> str:
    """`Shippo-Auth-Signature` (§2.2): `t=<unix>,v1=<hex of HMAC-SHA256 over "<t>.<body>">`."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def aftership_signature(secret: str, body: bytes) -> str:
    """`aftership-hmac-sha256` (§3.2): base64 of HMAC-SHA256 over the body."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode()


def generic_signature(secret: str, body: bytes, timestamp: int) -> str:
    """`X-Returns-Signature` of the generic scheme: `sha256=<hex of HMAC-SHA256 over "<t>.<body>">`."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _json_bytes(event: Mapping[str, Any] | bytes) -> bytes:
    if isinstance(event, bytes):
        return event
    return json.dumps(event, separators=(",", ":")).encode("utf-8")


# ------------------------------------------------------------------------ plumbing


@dataclass
class RecordedRequest:
    """One request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    json: Any
    status: int | None = None
    fault: str | None = None


@dataclass
class _Fault:
    kind: str  # "fail" | "delay"
    status: int = 503
    message: str | None = None
    seconds: float = 0.0
    retry_after: int | None = None

    def describe(self) -> str:
        return f"delay {self.seconds}s" if self.kind == "delay" else f"fail: HTTP {self.status}"


@dataclass
class _Match:
    request: RecordedRequest
    params: dict[str, str]


_INVALID_JSON = object()
_FAULT_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
)

Route = tuple[str, "re.Pattern[str]", Callable[[_Match], tuple[int, Any]]]


class _Handler(BaseHTTPRequestHandler):
    fake: _ProviderFake
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output clean; fake.requests is the log

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.fake._serve(self, "GET")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        self.fake._serve(self, "POST")

    def send(self, status: int, body: bytes, content_type: str, extra: Mapping[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its timeout fired during delay_next).
            self.close_connection = True


class _ProviderFake:
    """Lifecycle, request log, faults and routing shared by the provider fakes."""

    thread_name = "fake-carrier"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self._faults: deque[_Fault] = deque()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._numbers = itertools.count(1)

    # ---------------------------------------------------------------- lifecycle

    def start(self):
        """Serve on 127.0.0.1 with a random port, in a daemon thread."""
        if self._server is not None:
            return self
        handler = type(f"{type(self).__name__}Handler", (_Handler,), {"fake": self})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name=self.thread_name, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started; call start() first")
        return self._server.server_address[1]

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------- faults

    def fail_next(
        self, count: int = 1, status: int = 503, message: str | None = None, *, retry_after: int | None = None
    ) -> None:
        """Answer the next `count` requests with `status` without handling them.

        With a `message` the body is the provider's error JSON; without one a 4xx
        still is, and a 5xx is an HTML page from a proxy.
        """
        with self.lock:
            self._faults.extend(
                _Fault("fail", status=status, message=message, retry_after=retry_after) for _ in range(count)
            )

    def delay_next(self, count: int = 1, seconds: float = 1.0) -> None:
        """Sleep `seconds` before handling each of the next `count` requests (which then succeed)."""
        with self.lock:
            self._faults.extend(_Fault("delay", seconds=seconds) for _ in range(count))

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def reset(self) -> None:
        """Forget the request log and pending faults (provider state is kept)."""
        with self.lock:
            self._faults.clear()
            self.requests.clear()

    # ---------------------------------------------------------- provider hooks

    def _routes(self) -> Iterable[Route]:
        raise NotImplementedError

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        raise NotImplementedError

    def _error(self, status: int, message: str, code: str | None = None) -> Any:
        """The provider's error body."""
        raise NotImplementedError

    # ------------------------------------------------------------------ serving

    def _serve(self, handler: _Handler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = _INVALID_JSON
        request = RecordedRequest(
            method=method,
            path=parts.path,
            query=dict(parse_qsl(parts.query)),
            headers={name.lower(): value for name, value in handler.headers.items()},
            json=None if payload is _INVALID_JSON else payload,
        )
        with self.lock:
            fault = self._faults.popleft() if self._faults else None
            self.requests.append(request)
        if fault is not None:
            request.fault = fault.describe()
            if fault.kind == "delay":
                time.sleep(fault.seconds)
            else:
                request.status = fault.status
                self._send_fault(handler, fault)
                return
        status, body = self._dispatch(method, request, payload)
        request.status = status
        handler.send(status, json.dumps(body).encode(), "application/json")

    def _dispatch(self, method: str, request: RecordedRequest, payload: Any) -> tuple[int, Any]:
        if not self._authorized(request.headers):
            return 401, self._error(401, "Authentication failed.")
        if payload is _INVALID_JSON:
            return 400, self._error(400, "The request body is not valid JSON.")
        for route_method, pattern, action in self._routes():
            match = pattern.fullmatch(request.path)
            if match and route_method == method:
                with self.lock:
                    return action(_Match(request, match.groupdict()))
        return 404, self._error(404, "Not found.")

    def _send_fault(self, handler: _Handler, fault: _Fault) -> None:
        extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        if fault.message is None and fault.status >= 500:
            reason = handler.responses.get(fault.status, ("Error",))[0]
            page = _FAULT_PAGE.format(status=fault.status, reason=reason).encode()
            handler.send(fault.status, page, "text/html", extra)
            return
        message = fault.message or handler.responses.get(fault.status, ("Error",))[0]
        handler.send(fault.status, json.dumps(self._error(fault.status, message)).encode(), "application/json", extra)

    # ------------------------------------------------------------------ helpers

    def _number(self) -> int:
        return next(self._numbers)


def _now() -> datetime:
    return datetime.now(tz=timezone.utc).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hex_id(prefix: str = "") -> str:
    return prefix + secrets.token_hex(16)


# ------------------------------------------------------------------------- EasyPost

EASYPOST_RATES = (
    {"carrier": "USPS", "service": "Priority", "rate": "7.58", "currency": "USD", "delivery_days": 2},
    {"carrier": "USPS", "service": "GroundAdvantage", "rate": "5.93", "currency": "USD", "delivery_days": 4},
    {"carrier": "UPS", "service": "Ground", "rate": "9.10", "currency": "USD", "delivery_days": 3},
)
EASYPOST_PICKUP_RATES = (
    {"carrier": "USPS", "service": "NextDay", "rate": "0.00", "currency": "USD"},
    {"carrier": "UPS", "service": "Same-day Pickup", "rate": "6.50", "currency": "USD"},
)


class FakeEasyPost(_ProviderFake):
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

    def _create_shipment(self, match: _Match) -> tuple[int, Any]:
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
        now = _iso(_now())
        shipment_id = _hex_id("shp_")
        rates = [
            {
                "id": _hex_id("rate_"),
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
            "parcel": {"id": _hex_id("prcl_"), "object": "Parcel", "mode": "test", **data["parcel"]},
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
        return {"id": _hex_id("adr_"), "object": "Address", "mode": "test", **data}

    def _get_shipment(self, match: _Match) -> tuple[int, Any]:
        shipment = self.shipments.get(match.params["id"])
        if shipment is None:
            return 404, self._error(404, "The requested resource could not be found.")
        return 200, shipment

    def _buy_shipment(self, match: _Match) -> tuple[int, Any]:
        shipment = self.shipments.get(match.params["id"])
        if shipment is None:
            return 404, self._error(404, "The requested resource could not be found.")
        if shipment["postage_label"] is not None:
            return 422, self._error(422, "Shipment already purchased.", "SHIPMENT.POSTAGE.EXISTS")
        rate_id = ((match.request.json or {}).get("rate") or {}).get("id")
        rate = next((rate for rate in shipment["rates"] if rate["id"] == rate_id), None)
        if rate is None:
            return 422, self._error(422, "Rate not found for this shipment.", "SHIPMENT.RATE.INVALID")
        now = _iso(_now())
        label_format = str(shipment["options"].get("label_format") or "PNG").upper()
        label_id = _hex_id("pl_")
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

    def _refund_shipment(self, match: _Match) -> tuple[int, Any]:
        shipment = self.shipments.get(match.params["id"])
        if shipment is None:
            return 404, self._error(404, "The requested resource could not be found.")
        if shipment["postage_label"] is None:
            return 422, self._error(422, "Shipment has no postage to refund.", "SHIPMENT.REFUND.UNAVAILABLE")
        shipment["refund_status"] = self.refund_status
        shipment["updated_at"] = _iso(_now())
        return 200, shipment

    # -------------------------------------------------------------- trackers

    def _new_tracker(
        self, tracking_code: str, carrier: str, *, shipment_id: str | None = None, is_return: bool = False
    ) -> dict:
        now = _iso(_now())
        tracker = {
            "id": _hex_id("trk_"),
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
        with self.lock:
            return next(
                (
                    tracker
                    for tracker in self.trackers.values()
                    if tracker["tracking_code"] == tracking_code and (carrier is None or tracker["carrier"] == carrier)
                ),
                None,
            )

    def _create_tracker(self, match: _Match) -> tuple[int, Any]:
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

    def _create_pickup(self, match: _Match) -> tuple[int, Any]:
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
        now = _iso(_now())
        pickup_id = _hex_id("pickup_")
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
                {"id": _hex_id("pickuprate_"), "object": "PickupRate", "mode": "test", "pickup_id": pickup_id, **rate}
                for rate in self.pickup_rates
            ],
            "created_at": now,
            "updated_at": now,
        }
        self.pickups[pickup_id] = pickup
        return 201, pickup

    def _buy_pickup(self, match: _Match) -> tuple[int, Any]:
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
        pickup.update({"status": "scheduled", "confirmation": f"WTC{self._number():08d}", "updated_at": _iso(_now())})
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
            scan_time = at or _now()
            detail = {
                "object": "TrackingDetail",
                "message": message,
                "description": message,
                "status": status,
                "status_detail": status_detail,
                "datetime": _iso(scan_time),
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
                    "est_delivery_date": _iso(est_delivery_date) if est_delivery_date else tracker["est_delivery_date"],
                    "updated_at": _iso(max(_now(), scan_time)),
                }
            )
            sent_at = _iso(created_at or _now())
            event = {
                "id": _hex_id("evt_"),
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
        body = _json_bytes(event)
        headers = {"Content-Type": "application/json"}
        secret = self.webhook_secret if secret is None else secret
        if secret:
            headers["X-Hmac-Signature"] = easypost_signature(secret, body)
        return headers, body


# --------------------------------------------------------------------------- Shippo

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


class FakeShippo(_ProviderFake):
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

    def _create_shipment(self, match: _Match) -> tuple[int, Any]:
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
        now = _iso(_now())
        shipment_id = _hex_id()
        rates = [
            {
                "object_id": _hex_id(),
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
            "address_from": {"object_id": _hex_id(), **data["address_from"]},
            "address_to": {"object_id": _hex_id(), **data["address_to"]},
            "address_return": None,
            "parcels": [{"object_id": _hex_id(), **parcel} for parcel in parcels],
            "extra": dict(data.get("extra") or {}),
            "rates": rates,
            "messages": [] if rates else list(self.shipment_messages),
            "metadata": data.get("metadata", ""),
            "shipment_date": now,
            "test": True,
        }
        self.shipments[shipment_id] = shipment
        return 201, shipment

    def _get_shipment(self, match: _Match) -> tuple[int, Any]:
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

    def _create_transaction(self, match: _Match) -> tuple[int, Any]:
        data = match.request.json if isinstance(match.request.json, dict) else {}
        found = self._rate(data.get("rate"))
        if found is None:
            return 400, {"rate": ["Rate not found."]}
        label_file_type = data.get("label_file_type") or "PDF"
        if label_file_type not in SHIPPO_LABEL_FILE_TYPES:
            return 400, {"label_file_type": [f'"{label_file_type}" is not a valid choice.']}
        shipment, rate = found
        now = _iso(_now())
        transaction_id = _hex_id()
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

    def _list_transactions(self, match: _Match) -> tuple[int, Any]:
        rate_id = match.request.query.get("rate")
        results = [t for t in self.transactions.values() if rate_id is None or t["rate"] == rate_id]
        return 200, {"next": None, "previous": None, "results": results}

    def transaction_for(self, tracking_number: str) -> dict | None:
        with self.lock:
            return next((t for t in self.transactions.values() if t["tracking_number"] == tracking_number), None)

    # --------------------------------------------------------------- refunds

    def _create_refund(self, match: _Match) -> tuple[int, Any]:
        data = match.request.json if isinstance(match.request.json, dict) else {}
        transaction = self.transactions.get(data.get("transaction"))
        if transaction is None:
            return 400, {"transaction": ["Transaction with supplied object_id not found."]}
        now = _iso(_now())
        refund = {
            "object_id": _hex_id(),
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

    def _create_track(self, match: _Match) -> tuple[int, Any]:
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
            now = _iso(_now())
            scan = {
                "object_id": object_id or _hex_id(),
                "object_created": now,
                "object_updated": now,
                "status": status,
                "status_details": status_details,
                "status_date": _iso(at or _now()),
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
                eta=_iso(eta) if eta else None,
                original_eta=_iso(eta) if eta else None,
                tracking_status=scan,
                tracking_history=copy.deepcopy(history),
            )
            return {"event": "track_updated", "test": True, "data": data}

    def transaction_event(self, transaction_id: str, *, status: str = "REFUNDED") -> dict:
        """A `transaction_updated` envelope for a fake label, e.g. once its refund went through."""
        with self.lock:
            transaction = self.transactions[transaction_id]
            transaction.update({"status": status, "object_updated": _iso(_now())})
            return {"event": "transaction_updated", "test": True, "data": copy.deepcopy(transaction)}

    def signed_webhook(
        self, event: Mapping[str, Any] | bytes, *, timestamp: int | None = None, secret: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        """Headers and raw body of Shippo's POST; signed only when an HMAC secret is set."""
        body = _json_bytes(event)
        headers = {"Content-Type": "application/json"}
        secret = self.webhook_secret if secret is None else secret
        if secret:
            headers["Shippo-Auth-Signature"] = shippo_signature(
                secret, body, int(time.time()) if timestamp is None else timestamp
            )
        return headers, body

    def webhook_query(self) -> dict[str, str]:
        """The query string of the webhook URL registered with Shippo: `?token=…`."""
        return {"token": self.webhook_token} if self.webhook_token else {}


# ------------------------------------------------------------------------ AfterShip


class FakeAfterShip(_ProviderFake):
    """AfterShip Tracking (dated API): create and list trackings, `tracking_update` webhooks.

    `base_url` goes into the adapter's credentials (the adapter appends
    `/tracking/<version>`). Authenticates the `as-api-key` header.
    """

    thread_name = "fake-aftership"

    def __init__(self, *, api_key: str = "asat_test_key", webhook_secret: str = "") -> None:
        super().__init__()
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.trackings: dict[str, dict] = {}

    @property
    def base_url(self) -> str:
        return self.root_url

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        return headers.get("as-api-key") == self.api_key

    def _error(self, status: int, message: str, code: str | None = None) -> Any:
        types = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound", 429: "TooManyRequests"}
        meta_code = int(code) if code else status
        return {"meta": {"code": meta_code, "message": message, "type": types.get(status, "InternalError")}, "data": {}}

    def _routes(self) -> Iterable[Route]:
        return (
            ("POST", re.compile(r"/tracking/(?P<version>[^/]+)/trackings"), self._create_tracking),
            ("GET", re.compile(r"/tracking/(?P<version>[^/]+)/trackings"), self._list_trackings),
        )

    def _create_tracking(self, match: _Match) -> tuple[int, Any]:
        data = match.request.json if isinstance(match.request.json, dict) else {}
        tracking_number = data.get("tracking_number")
        if not tracking_number:
            return 400, self._error(400, "tracking_number is required.", "4007")
        slug = data.get("slug") or "ups"
        if self.tracking_for(tracking_number, slug) is not None:
            return 400, self._error(400, "Tracking already exists.", "4003")
        tracking = self._new_tracking(tracking_number, slug, title=data.get("title"), order_id=data.get("order_id"))
        return 201, {"meta": {"code": 201, "message": "", "type": "Created"}, "data": tracking}

    def _new_tracking(
        self, tracking_number: str, slug: str, *, title: str | None = None, order_id: str | None = None
    ) -> dict:
        now = _iso(_now())
        tracking = {
            "id": secrets.token_hex(12),
            "tracking_number": tracking_number,
            "slug": slug,
            "title": title or tracking_number,
            "order_id": order_id,
            "tag": "Pending",
            "subtag": "Pending_001",
            "subtag_message": "Pending",
            "active": True,
            "return_to_sender": False,
            "checkpoints": [],
            "created_at": now,
            "updated_at": now,
        }
        self.trackings[tracking["id"]] = tracking
        return tracking

    def _list_trackings(self, match: _Match) -> tuple[int, Any]:
        numbers = set(filter(None, (match.request.query.get("tracking_numbers") or "").split(",")))
        slug = match.request.query.get("slug")
        found = [
            tracking
            for tracking in self.trackings.values()
            if (not numbers or tracking["tracking_number"] in numbers) and (not slug or tracking["slug"] == slug)
        ]
        return 200, {
            "meta": {"code": 200, "message": "", "type": "OK"},
            "data": {
                "pagination": {"total": len(found), "next_cursor": None, "has_next_page": False},
                "trackings": found,
            },
        }

    def tracking_for(self, tracking_number: str, slug: str | None = None) -> dict | None:
        with self.lock:
            return next(
                (
                    tracking
                    for tracking in self.trackings.values()
                    if tracking["tracking_number"] == tracking_number and (slug is None or tracking["slug"] == slug)
                ),
                None,
            )

    def tracking_event(
        self,
        tracking_number: str,
        *,
        tag: str,
        subtag: str | None = None,
        slug: str = "ups",
        checkpoint_time: datetime | None = None,
        message: str = "",
        location: Mapping[str, str] | None = None,
        event: str = "tracking_update",
        event_id: str | None = None,
        ts: int | None = None,
        return_to_sender: bool | None = None,
    ) -> dict:
        """A webhook envelope (§3.3) for the tracking of `tracking_number` (created if unknown).

        The tracking takes `tag`/`subtag`; for a `tracking_update` it also gains a
        checkpoint at `checkpoint_time` (default now), as AfterShip accumulates them.
        """
        with self.lock:
            tracking = self.tracking_for(tracking_number, slug) or self._new_tracking(tracking_number, slug)
            first_tag = tracking["tag"] != tag
            subtag = subtag or f"{tag}_001"
            subtag_message = message or subtag
            if event == "tracking_update":
                tracking["checkpoints"].append(
                    {
                        "slug": slug,
                        "checkpoint_time": (checkpoint_time or _now()).isoformat(),
                        "tag": tag,
                        "subtag": subtag,
                        "subtag_message": subtag_message,
                        "message": message,
                        "city": None,
                        "state": None,
                        "postal_code": None,
                        "country_region": None,
                        "location": None,
                        "created_at": _iso(_now()),
                        **(location or {}),
                    }
                )
            tracking.update(
                {
                    "tag": tag,
                    "subtag": subtag,
                    "subtag_message": subtag_message,
                    "return_to_sender": bool(return_to_sender)
                    if return_to_sender is not None
                    else subtag in ("Exception_010", "Exception_011"),
                    "updated_at": _iso(_now()),
                }
            )
            return {
                "ts": int(time.time()) if ts is None else ts,
                "event": event,
                "event_id": event_id or str(uuid.uuid4()),
                "is_tracking_first_tag": first_tag,
                "msg": copy.deepcopy(tracking),
            }

    def signed_webhook(
        self, event: Mapping[str, Any] | bytes, *, secret: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        """Headers and raw body of AfterShip's POST; unsigned when no secret is set."""
        body = _json_bytes(event)
        headers = {"Content-Type": "application/json"}
        secret = self.webhook_secret if secret is None else secret
        if secret:
            headers["aftership-hmac-sha256"] = aftership_signature(secret, body)
        return headers, body


# -------------------------------------------------------------------------- generic


class GenericWebhookSender:
    """A sender of the generic signed JSON webhook (`saleor_returns.carriers.generic`)."""

    def __init__(self, secret: str = "generic_secret") -> None:
        self.secret = secret

    @staticmethod
    def event(
        tracking_number: str,
        *,
        status: str,
        occurred_at: datetime,
        carrier: str = "dhl_de",
        event_id: str | None = None,
        event_type: str = "tracking.updated",
        **optional: Any,
    ) -> dict:
        """An event body; `optional` adds documented optional fields (message, location, …)."""
        return {
            "id": event_id or _hex_id("evt_"),
            "type": event_type,
            "occurred_at": occurred_at.isoformat(),
            "tracking_number": tracking_number,
            "carrier": carrier,
            "status": status,
            **optional,
        }

    def signed_webhook(
        self, event: Mapping[str, Any] | bytes, *, timestamp: int | None = None, secret: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        body = _json_bytes(event)
        timestamp = int(time.time()) if timestamp is None else timestamp
        return (
            {
                "Content-Type": "application/json",
                "X-Returns-Timestamp": str(timestamp),
                "X-Returns-Signature": generic_signature(self.secret if secret is None else secret, body, timestamp),
            },
            body,
        )
