"""The double's HTTP side: serving GraphQL, JWKS and added pages, faults, and outgoing requests."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import socket
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from .common import (
    GRAPHQL_PATH,
    JWKS_PATH,
    USER_AGENT,
    PageHandler,
    PageRequest,
)
from .errors import _format_error
from .loopback import LoopbackHandler, LoopbackServer

if TYPE_CHECKING:
    from . import FakeSaleor


# ---------------------------------------------------------------------------- faults


@dataclass
class _Fault:
    kind: str  # "fail" | "delay" | "fail_after_execute"
    status: int = 502
    seconds: float = 0.0
    drop: bool = False
    # Only requests running this operation (by name) meet the fault; None: any request.
    operation: str | None = None

    def describe(self) -> str:
        if self.kind == "delay":
            return f"delay {self.seconds}s"
        if self.drop:
            return f"{self.kind}: dropped connection"
        return f"{self.kind}: HTTP {self.status}"


# ------------------------------------------------------------------------ HTTP handler


class _Handler(LoopbackHandler):
    """Routes of the fake: POST /graphql/, GET /.well-known/jwks.json and added pages."""

    fake: FakeSaleor
    server_version = "uvicorn"  # what Saleor's ASGI server calls itself

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        if path == JWKS_PATH:
            self.send_json(*self.fake.serve_jwks())
        elif path == GRAPHQL_PATH:
            self.send_plain(405, b"", extra={"Allow": "OPTIONS, POST"})
        elif (handler := self.fake.page_for(path)) is not None:
            self.send_page(handler)
        else:
            self.send_plain(404, b"Not Found")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if urlsplit(self.path).path != GRAPHQL_PATH:
            self.send_plain(404, b"Not Found")
            return
        self.fake._serve_graphql(self, body)

    def send_page(self, handler: PageHandler) -> None:
        parts = urlsplit(self.path)
        request = PageRequest(
            path=parts.path,
            query_string=parts.query,
            query={name: values[0] for name, values in parse_qs(parts.query).items()},
            headers={name: value for name, value in self.headers.items()},
        )
        try:
            status, content_type, body, headers = handler(request)
        except Exception as error:  # noqa: BLE001 - a broken page answers 500, not a dropped socket
            self.send_plain(500, f"{type(error).__name__}: {error}".encode())
            return
        self.send_plain(status, body, content_type=content_type, extra=headers)

    def send_json(self, status: int, body: bytes) -> None:
        self.send_plain(status, body, content_type="application/json")

    def send_fault_page(self, status: int, extra: Mapping[str, str] | None = None) -> None:
        self.close_connection = True
        super().send_fault_page(status, {**(extra or {}), "Connection": "close"})

    def drop_connection(self) -> None:
        """Close the socket without answering, like a proxy losing the upstream."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _token_from_headers(headers: Any) -> str | None:
    """Saleor's ``get_token_from_request``: ``Authorization-Bearer``, else ``Authorization``."""
    token = headers.get("Authorization-Bearer")
    if token:
        return token
    parts = (headers.get("Authorization") or "").split(maxsplit=1)
    if len(parts) == 2 and parts[0].upper() in ("JWT", "BEARER"):
        return parts[1]
    return None


def _operation_name(data: Any) -> str | None:
    if not isinstance(data, Mapping):
        return None
    if data.get("operationName"):
        return data["operationName"]
    query = data.get("query")
    if isinstance(query, str):
        match = re.search(r"\b(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)", query)
        if match:
            return match.group(2)
    return None


# --------------------------------------------------------------------- outgoing HTTP


def _http_request(
    method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
) -> tuple[int, bytes]:
    """Send one request the way Saleor's ``requests`` client puts it on the wire.

    http.client keeps header names exactly as given and in order (urllib would
    re-case them), so the receiver sees the captured sequence: User-Agent,
    Accept-Encoding, Accept, Connection, <Saleor headers>, Content-Length, Host.
    ``Host`` carries no port, as Saleor pins the resolved IP and rewrites it.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"Unsupported URL: {url}")
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    ordered = [("User-Agent", headers.get("User-Agent", USER_AGENT))]
    ordered += [
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", "*/*"),
        ("Connection", "keep-alive"),
    ]
    ordered += [(name, value) for name, value in headers.items() if name != "User-Agent"]
    if body is not None:
        ordered.append(("Content-Length", str(len(body))))
    ordered.append(("Host", parts.hostname))
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in ordered:
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        content = response.read()
        encoding = (response.getheader("Content-Encoding") or "").lower()
        if encoding == "gzip":
            content = gzip.decompress(content)
        elif encoding == "deflate":
            content = zlib.decompress(content)
        return response.status, content
    finally:
        connection.close()


class ServerMixin(LoopbackServer):
    handler_class = _Handler
    thread_name = "fake-saleor"

    @property
    def domain(self) -> str:
        """``Saleor-Domain``: host and port, as Saleor sends it."""
        return f"127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """``Saleor-Api-Url`` and the ``iss`` of every token."""
        return f"http://{self.domain}{GRAPHQL_PATH}"

    @property
    def jwks_url(self) -> str:
        return f"http://{self.domain}{JWKS_PATH}"

    def add_page(self, path: str, handler: PageHandler) -> None:
        """Serve ``GET <path>`` with ``handler(request)``, e.g. a page around an app's iframe.

        A ``path`` ending in ``/*`` serves that folder and everything under it. The
        handler gets a ``PageRequest`` and returns ``(status, content type, body bytes,
        extra headers)``. It runs on a server thread, so it takes ``lock`` to read the
        fake's data.
        """
        self.pages[path] = handler

    def page_for(self, path: str) -> PageHandler | None:
        if path in self.pages:
            return self.pages[path]
        for pattern, handler in self.pages.items():
            if pattern.endswith("/*") and (path + "/").startswith(pattern[:-1]):
                return handler
        return None

    # ------------------------------------------------------------------ HTTP side

    def _serve_graphql(self, handler: _Handler, body: bytes) -> None:
        """Answer one POST /graphql/, applying the next injected fault if any."""
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        with self.lock:
            fault = self._take_fault(_operation_name(data))
        entry = {
            "operation_name": _operation_name(data),
            "query": data.get("query") if isinstance(data, Mapping) else None,
            "variables": data.get("variables") if isinstance(data, Mapping) else None,
            "has_authorization": bool(
                handler.headers.get("Authorization") or handler.headers.get("Authorization-Bearer")
            ),
            "user_agent": handler.headers.get("User-Agent"),
            # W3C trace context, which Saleor continues in its own traces.
            "traceparent": handler.headers.get("traceparent"),
            "fault": fault.describe() if fault else None,
            "status": None,
        }
        with self.lock:
            self.requests.append(entry)

        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
        if fault is not None and fault.kind == "fail":
            entry["status"] = fault.status
            handler.send_fault_page(fault.status)
            return

        if data is None:
            status = 400
            result: Any = {"errors": [_format_error("Unable to parse query.")]}
        else:
            status, result = self._run_request(data, _token_from_headers(handler.headers))

        if fault is not None and fault.kind == "fail_after_execute":
            # Saleor did the work; the app sees a failure and must not assume either way.
            if fault.drop:
                handler.drop_connection()
                return
            entry["status"] = fault.status
            handler.send_fault_page(fault.status)
            return
        entry["status"] = status
        handler.send_json(status, json.dumps(result).encode())

    # ------------------------------------------------------------------ faults

    def _take_fault(self, operation_name: str | None) -> _Fault | None:
        """The first pending fault meant for this operation (caller holds the lock)."""
        for fault in self._faults:
            if fault.operation is None or fault.operation == operation_name:
                self._faults.remove(fault)
                return fault
        return None

    def fail_next(self, count: int = 1, status: int = 502, *, operation: str | None = None) -> None:
        """Answer the next ``count`` GraphQL requests (of ``operation``, if named) with ``status`` without running them."""
        with self.lock:
            self._faults.extend(_Fault("fail", status=status, operation=operation) for _ in range(count))

    def delay_next(self, count: int = 1, seconds: float = 1.0, *, operation: str | None = None) -> None:
        """Sleep ``seconds`` before handling each of the next ``count`` GraphQL requests.

        The operation still runs after the sleep (a slow Saleor finishes its work even
        if the client gave up), so state may change after a client-side timeout.
        """
        with self.lock:
            self._faults.extend(_Fault("delay", seconds=seconds, operation=operation) for _ in range(count))

    def fail_after_execute_next(
        self, count: int = 1, status: int = 502, *, drop: bool = False, operation: str | None = None
    ) -> None:
        """Run the next ``count`` operations (of ``operation``, if named), then answer ``status`` (or drop the connection)."""
        with self.lock:
            self._faults.extend(
                _Fault("fail_after_execute", status=status, drop=drop, operation=operation) for _ in range(count)
            )

    def fail_jwks_next(self, count: int = 1, status: int = 503) -> None:
        """Answer the next ``count`` JWKS fetches with ``status``."""
        with self.lock:
            self._jwks_faults.extend([status] * count)

    def serve_jwks(self) -> tuple[int, bytes]:
        """One JWKS fetch: ``(status, body)``, counting it and honouring faults."""
        with self.lock:
            self.jwks_fetches += 1
            status = self._jwks_faults.popleft() if self._jwks_faults else None
        if status is not None:
            return status, b'{"error": "unavailable"}'
        return 200, self.jwks_bytes()

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()
            self._jwks_faults.clear()
