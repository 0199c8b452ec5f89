"""Fixtures shared by the whole suite.

Saleor is replaced only at its boundary: by the captures of a real Saleor
3.23.28 (../shared/saleor/captures) and by FakeSaleor, a loopback HTTP server
that executes the app's operations against Saleor's real schema.
"""

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

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
