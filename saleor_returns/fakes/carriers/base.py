"""What the carrier fakes share: the request log, injected faults, routing and the provider's error bodies."""

from __future__ import annotations

import itertools
import json
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from saleor_returns.fakes.saleor.loopback import LoopbackHandler, LoopbackServer


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
class RouteMatch:
    """A request that matched a route, with the route's named groups."""

    request: RecordedRequest
    params: dict[str, str]


_INVALID_JSON = object()

Route = tuple[str, re.Pattern[str], Callable[[RouteMatch], tuple[int, Any]]]


class _Handler(LoopbackHandler):
    fake: ProviderFake

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.fake._serve(self, "GET")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        self.fake._serve(self, "POST")


class ProviderFake(LoopbackServer):
    """Lifecycle, request log, faults and routing shared by the provider fakes."""

    handler_class = _Handler
    thread_name = "fake-carrier"
    # Signs the webhooks the fake builds; empty: they go unsigned.
    webhook_secret = ""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self._faults: deque[_Fault] = deque()
        self._numbers = itertools.count(1)

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
        handler.send_plain(status, json.dumps(body).encode(), content_type="application/json")

    def _dispatch(self, method: str, request: RecordedRequest, payload: Any) -> tuple[int, Any]:
        if not self._authorized(request.headers):
            return 401, self._error(401, "Authentication failed.")
        if payload is _INVALID_JSON:
            return 400, self._error(400, "The request body is not valid JSON.")
        for route_method, pattern, action in self._routes():
            match = pattern.fullmatch(request.path)
            if match and route_method == method:
                with self.lock:
                    return action(RouteMatch(request, match.groupdict()))
        return 404, self._error(404, "Not found.")

    def _send_fault(self, handler: _Handler, fault: _Fault) -> None:
        extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        if fault.message is None and fault.status >= 500:
            handler.send_fault_page(fault.status, extra)
            return
        message = fault.message or handler.responses.get(fault.status, ("Error",))[0]
        body = json.dumps(self._error(fault.status, message)).encode()
        handler.send_plain(fault.status, body, content_type="application/json", extra=extra)

    # ------------------------------------------------------------------ helpers

    def _number(self) -> int:
        return next(self._numbers)

    def _find(self, records: Iterable[dict], key: str, value: Any, **optional: Any) -> dict | None:
        """The first record whose `key` is `value` and whose `optional` fields match where given (not None)."""
        with self.lock:
            return next(
                (
                    record
                    for record in records
                    if record[key] == value
                    and all(wanted is None or record[name] == wanted for name, wanted in optional.items())
                ),
                None,
            )

    def _signed(
        self, event: Mapping[str, Any] | bytes, secret: str | None, header: str, sign: Callable[[str, bytes], str]
    ) -> tuple[dict[str, str], bytes]:
        """Headers and raw body of a webhook POST, with `header` = `sign(secret, body)` when there is a secret.

        `secret` None means the fake's own `webhook_secret`; an empty one sends the webhook unsigned.
        """
        body = json_body(event)
        headers = {"Content-Type": "application/json"}
        secret = self.webhook_secret if secret is None else secret
        if secret:
            headers[header] = sign(secret, body)
        return headers, body


def json_body(event: Mapping[str, Any] | bytes) -> bytes:
    """A webhook's raw body: bytes as given, else compact JSON."""
    if isinstance(event, bytes):
        return event
    return json.dumps(event, separators=(",", ":")).encode("utf-8")


def utc_now() -> datetime:
    return datetime.now(tz=timezone.utc).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def hex_id(prefix: str = "") -> str:
    return prefix + secrets.token_hex(16)
