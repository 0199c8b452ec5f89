"""Fixtures shared by the whole suite.

Saleor is replaced only at its boundary: by the captures of a real Saleor
3.23.28 (../shared/saleor/captures) and by FakeSaleor, a loopback HTTP server
that executes the app's operations against Saleor's real schema.
"""

import json
import os
import socket
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from saleor_returns.analytics.review_page import PdfUnavailable, load_weasyprint
from saleor_returns.paths import BASE_DIR

SHARED_DIR = BASE_DIR.parent / "shared"
CAPTURES_DIR = Path(os.environ.get("SALEOR_CAPTURES", SHARED_DIR / "saleor" / "captures"))
SALEOR_SCHEMA = Path(os.environ.get("SALEOR_SCHEMA", SHARED_DIR / "saleor" / "schema.graphql"))
CAPTURED_API_URL = "http://127.0.0.1:8000/graphql/"


def require_shared(path: Path) -> Path:
    """Reference files from ../shared: missing in CI is a failure, locally a skip."""
    if not path.exists():
        message = f"{path} is missing: ../shared must sit beside the project."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def pango():
    """WeasyPrint with the system's Pango, for the PDF tests: missing in CI is a failure, locally a skip."""
    try:
        load_weasyprint()
    except PdfUnavailable as missing:
        message = f"WeasyPrint cannot load ({missing}): install libpango-1.0-0 and libpangoft2-1.0-0."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def capture(*parts: str) -> Path:
    return require_shared(CAPTURES_DIR.joinpath(*parts))


def capture_json(*parts: str):
    return json.loads(capture(*parts).read_text())


def captured_webhook(name: str) -> tuple[dict, bytes]:
    """Headers (as sent) and raw body bytes of a captured webhook delivery."""
    headers = capture_json("webhooks", f"{name}.headers.json")
    body = capture("webhooks", f"{name}.body").read_bytes()
    return headers, body


def at_token_time(token_file: str, seconds_after_iat: int = 10) -> datetime:
    """A moment when the captured token was valid (they live 300 s)."""
    iat = capture_json("tokens", token_file)["issued_at"]["iat"]
    return datetime.fromtimestamp(iat + seconds_after_iat, tz=timezone.utc)


# Headers a WSGI server sets itself; the Django test client must not get them.
_TRANSPORT_HEADERS = {"content-length", "host", "connection", "accept-encoding", "content-type"}


def post_raw(client, path: str, headers: dict, body: bytes):
    """POST exact bytes with the given headers through Django's test client."""
    forwarded = {name: value for name, value in headers.items() if name.lower() not in _TRANSPORT_HEADERS}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "application/json")
    return client.generic("POST", path, data=body, content_type=content_type, headers=forwarded)


@pytest.fixture
def captured_installation(db):
    """The shop of the captures (http://127.0.0.1:8000/graphql/) with its real JWKS.

    The JWKS counts as just fetched, so no test tries to reach that address.
    """
    from tests.factories import InstallationFactory

    run = capture_json("capture-run.json")
    return InstallationFactory(
        saleor_api_url=CAPTURED_API_URL,
        saleor_domain="127.0.0.1:8000",
        app_id=run["app_id"],
        jwks=capture_json("jwks.json"),
        jwks_fetched_at=datetime.now(tz=timezone.utc),
    )


@pytest.fixture(scope="session")
def fake_saleor_server():
    require_shared(SALEOR_SCHEMA)
    from saleor_returns.fakes.saleor import FakeSaleor

    fake = FakeSaleor().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_saleor(fake_saleor_server):
    """The running fake, emptied of data, requests and pending faults."""
    fake_saleor_server.reset(data=True)
    return fake_saleor_server


@pytest.fixture
def fake_app(fake_saleor):
    """This app, as installed in the fake Saleor (with its own token)."""
    return fake_saleor.add_app(
        identifier="saleor.returns",
        name="Returns",
        permissions=["MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_GIFT_CARD", "MANAGE_PRODUCTS", "MANAGE_STAFF"],
    )


@pytest.fixture
def installation(db, fake_saleor, fake_app):
    """An active installation in the fake Saleor, with its JWKS already known."""
    from tests.factories import InstallationFactory

    return InstallationFactory(
        saleor_api_url=fake_saleor.api_url,
        saleor_domain=fake_saleor.domain,
        app_id=fake_app["id"],
        app_token=fake_app["token"],
        jwks=fake_saleor.jwks(),
        jwks_fetched_at=datetime.now(tz=timezone.utc),
    )


class CannedServer:
    """Any HTTP server on 127.0.0.1 (a redirecting Saleor, an internal admin page): one canned answer.

    Every request, whatever its method and path, gets the answer last given to `answer()`
    and is recorded in `requests` (method, path, Host header).
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.answer(200, b"")
        canned = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - stdlib signature
                pass

            def handle_request(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                canned.requests.append({"method": self.command, "path": self.path, "host": self.headers.get("Host")})
                status, body, headers, delay = canned._answer
                time.sleep(delay)
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = handle_request  # noqa: N815 - stdlib naming

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/graphql/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def answer(self, status: int, body: bytes | str | dict, headers: dict | None = None, *, delay: float = 0) -> None:
        if isinstance(body, dict):
            body, headers = json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})}
        self._answer = (status, body.encode() if isinstance(body, str) else body, headers or {}, delay)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def canned_server():
    server = CannedServer()
    yield server
    server.stop()


class FakeDns:
    """`socket.getaddrinfo`, the boundary where host names become addresses, answering from `names`.

    IP literals still go to the real function (no lookup happens for them); a name in
    `names` resolves to its list of addresses, or from its second lookup on to its list
    in `rebound` if it has one (DNS rebinding); any other name does not resolve.
    `lookups` counts the lookups of each faked name.
    """

    def __init__(self, real_getaddrinfo):
        self.real_getaddrinfo = real_getaddrinfo
        self.names: dict[str, list[str]] = {}
        self.rebound: dict[str, list[str]] = {}
        self.lookups: dict[str, int] = {}

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - stdlib signature
        host = host.decode() if isinstance(host, bytes) else host
        if host not in self.names:
            try:
                return self.real_getaddrinfo(host, port, family, type, proto, socket.AI_NUMERICHOST)
            except socket.gaierror:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        self.lookups[host] = self.lookups.get(host, 0) + 1
        addresses = self.rebound.get(host, self.names[host]) if self.lookups[host] > 1 else self.names[host]
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, int(port), 0, 0) if ":" in address else (address, int(port)),
            )
            for address in addresses
        ]


@pytest.fixture
def fake_dns(monkeypatch):
    """Host names resolved by the test (`fake_dns.names["shop.example"] = ["10.0.0.5"]`), never by DNS."""
    dns = FakeDns(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    return dns
