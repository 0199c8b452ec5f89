"""Starts the demo shop for `make run`: a FakeSaleor on loopback with the Dashboard double and
the seeded sample data, kept up in the runner's process while the app runs.

The double needs Saleor's schema: `$SALEOR_SCHEMA` or ../shared/saleor/schema.graphql,
else a copy of Saleor 3.23's downloaded once into the data folder. When none can be
had, or the port is taken, `start_demo_shop` raises `DemoShopUnavailable` with the
reason, and the app runs without the demo.
"""

import functools
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from saleor_returns.demo import ACCOUNTS_PATH, DEMO_BANNER, DEMO_PASSWORD, DEMO_STAFF_EMAIL, STAFF_TOKEN_PATH
from saleor_returns.demo.seed import DemoShop, remove_demo_data, seed_demo_shop
from saleor_returns.fakes.dashboard.pages import install_dashboard_double
from saleor_returns.fakes.dashboard.routes import dashboard_double_url
from saleor_returns.fakes.dashboard.urls import app_deep_url
from saleor_returns.fakes.saleor import ACCESS_TOKEN_TTL, FakeSaleor, get_schema, schema_path
from saleor_returns.notifications.mail_catcher import PAGE_PATH as MAIL_PAGE_PATH
from saleor_returns.notifications.mail_catcher import MailCatcher, mail_page
from saleor_returns.paths import data_dir
from saleor_returns.return_links import portal_url
from saleor_returns.saleor.manifest import build_manifest

SCHEMA_URL = "https://raw.githubusercontent.com/saleor/saleor/3.23/saleor/graphql/schema.graphql"
DOWNLOADED_SCHEMA = "saleor-3.23-schema.graphql"
# The API URL of the last demo shop, so a demo on another port replaces it too.
LAST_DEMO_FILE = "demo-shop-api-url"
DOWNLOAD_TIMEOUT_SECONDS = 30


class DemoShopUnavailable(Exception):
    """The demo shop cannot start; the message says why, in one line."""


@dataclass
class RunningDemoShop:
    shop: DemoShop
    dashboard_url: str

    @property
    def api_url(self) -> str:
        return self.shop.fake.api_url

    @property
    def portal_url(self) -> str:
        """The demo shop's hosted returns portal (a customer's order number and e-mail, or their sign-in)."""
        return portal_url(self.shop.installation.pk)

    def stop(self) -> None:
        self.shop.fake.stop()


def start_demo_shop(*, port: int, mail_catcher: MailCatcher | None = None) -> RunningDemoShop:
    """Serve the demo shop on 127.0.0.1:`port` (0: any free port), seeded afresh.

    The Dashboard double frames the desk at the app's public address (APP_PUBLIC_URL); with
    a `mail_catcher`, the e-mail it caught is shown at /demo/mail/.
    Raises DemoShopUnavailable without a schema or a free port; a failed seed
    raises its own error, with the demo stopped.
    """
    schema = get_schema(saleor_schema_file())
    fake = FakeSaleor(schema=schema)
    try:
        fake.start(port=port)
    except OSError as error:
        raise DemoShopUnavailable(
            f"port {port} is not free ({error.strerror}); set DEMO_SALEOR_PORT to another one"
        ) from None
    try:
        install_dashboard_double(fake, staff_email=DEMO_STAFF_EMAIL, banner=DEMO_BANNER)
        _forget_last_demo(keep=fake.api_url)
        shop = seed_demo_shop(fake)
        # What installing from the manifest tells Saleor: the desk's appUrl and extensions.
        manifest = build_manifest()
        fake.set_app_extensions(shop.app, manifest["extensions"], app_url=manifest["appUrl"])
        for hook in manifest["webhooks"]:
            fake.add_webhook(shop.app, hook["targetUrl"], query=hook["query"], async_events=hook["asyncEvents"],
                             name=hook["name"])
        _remember_demo(fake.api_url)
    except BaseException:
        fake.stop()
        raise
    # Orders → Returns, as a shop owner reaches the desk.
    navigation = next(e for e in manifest["extensions"] if e["mount"] == "NAVIGATION_ORDERS")
    url = dashboard_double_url(fake, app_deep_url(shop.app["id"], navigation["url"]))
    # The demo's own address leads there too; a staff token for trying the staff API is one GET away.
    fake.add_page("/", lambda request: (302, "text/plain", b"", {"Location": url}))
    fake.add_page(STAFF_TOKEN_PATH, functools.partial(_staff_token, fake, shop))
    fake.add_page(ACCOUNTS_PATH, functools.partial(_accounts, fake, shop))
    if mail_catcher is not None:
        fake.add_page(MAIL_PAGE_PATH, functools.partial(_caught_mail, mail_catcher))
    return RunningDemoShop(shop=shop, dashboard_url=url)


def _caught_mail(mail_catcher: MailCatcher, request) -> tuple[int, str, bytes, dict]:
    return 200, "text/html; charset=utf-8", mail_page(mail_catcher), {
        "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'",
    }


def _accounts(fake: FakeSaleor, shop: DemoShop, request) -> tuple[int, str, bytes, dict]:
    """The demo's customers (password DEMO_PASSWORD) with their orders, and the staff member, as JSON."""
    with fake.lock:
        customers = [
            {
                "email": order_owner["email"],
                "password": DEMO_PASSWORD,
                "orders": [
                    {"id": order["id"], "number": str(order["number"]), "status": order.get("status")}
                    for order in shop.orders if order.get("userEmail") == order_owner["email"]
                ],
            }
            for order_owner in fake.users if not order_owner.get("isStaff")
        ]
    body = {
        "saleorApiUrl": fake.api_url,
        "customers": customers,
        "staff": {"email": shop.staff["email"], "password": DEMO_PASSWORD, "token": STAFF_TOKEN_PATH},
    }
    return 200, "application/json", json.dumps(body, indent=2).encode(), {"Cache-Control": "no-store"}


def _staff_token(fake: FakeSaleor, shop: DemoShop, request) -> tuple[int, str, bytes, dict]:
    """`{"token", "saleorApiUrl", "expiresIn"}`: the Dashboard's token for the app, for the demo staff member."""
    token = fake.issue_staff_app_token(shop.staff, shop.app)
    body = {"token": token, "saleorApiUrl": fake.api_url, "staff": shop.staff["email"], "expiresIn": ACCESS_TOKEN_TTL}
    return 200, "application/json", json.dumps(body).encode(), {"Cache-Control": "no-store"}


def saleor_schema_file() -> Path:
    """Saleor's SDL for the double: the configured file, else a copy downloaded once."""
    configured = schema_path()
    if configured.is_file():
        return configured
    downloaded = data_dir() / DOWNLOADED_SCHEMA
    if downloaded.is_file():
        return downloaded
    try:
        with urllib.request.urlopen(SCHEMA_URL, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:  # noqa: S310 - https
            body = response.read()
    except OSError as error:
        raise DemoShopUnavailable(
            f"Saleor's schema is not at {configured} and could not be downloaded ({error})"
        ) from None
    if b"type Query" not in body:
        raise DemoShopUnavailable(f"the download from {SCHEMA_URL} is not a GraphQL schema")
    downloaded.parent.mkdir(parents=True, exist_ok=True)
    partial = downloaded.with_suffix(".partial")
    partial.write_bytes(body)
    partial.replace(downloaded)
    return downloaded


def _forget_last_demo(*, keep: str) -> None:
    marker = data_dir() / LAST_DEMO_FILE
    if marker.is_file():
        last = marker.read_text().strip()
        if last and last != keep:
            remove_demo_data(saleor_api_url=last)


def _remember_demo(saleor_api_url: str) -> None:
    marker = data_dir() / LAST_DEMO_FILE
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(saleor_api_url)
