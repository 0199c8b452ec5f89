"""Fixtures of the sales ledger: a shop in the fake Saleor, its order webhooks as Saleor builds them, and
what the ledger and its rollups hold."""

from datetime import datetime
from decimal import Decimal

import pytest

from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import DailyReturns, DailySales, SoldLine
from saleor_returns.requestors import SYSTEM
from saleor_returns.saleor.manifest import build_manifest
from tests.conftest import post_raw

# Deliveries are posted to the app by the test; Saleor's own attempt goes nowhere (nothing listens there).
NOWHERE = "http://127.0.0.1:9/webhooks/"
ORDER_EVENTS = ("ORDER_CREATED", "ORDER_UPDATED")

# The backfill's pauses, as SALES_BACKFILL_SLEEP records them (see the `pauses` fixture).
PAUSES: list[float] = []


def record_pause(seconds: float) -> None:
    PAUSES.append(seconds)


@pytest.fixture
def pauses(settings):
    """The backfill pauses through `record_pause` instead of sleeping; the list of pauses it asked for."""
    PAUSES.clear()
    settings.SALES_BACKFILL_SLEEP = "tests.analytics.conftest.record_pause"
    yield PAUSES
    PAUSES.clear()


@pytest.fixture
def shop(installation):
    installation_actions.seed_default_reasons(installation=installation)
    installation_actions.current_policy(installation=installation, channel_slug="")
    return installation


def set_time_zone(shop, name: str) -> None:
    installation_actions.update_return_policy(
        installation=shop, channel_slug="", rules={"time_zone": name}, preset=None, actor=SYSTEM
    )


class OrderWebhooks:
    """Saleor's ORDER_CREATED and ORDER_UPDATED for the shop: the fake Saleor runs the manifest's own
    subscription documents over its orders and signs the bodies, which are posted to the app."""

    def __init__(self, client, fake_saleor, fake_app, capture_on_commit):
        self.client = client
        self.fake = fake_saleor
        self.capture_on_commit = capture_on_commit
        for webhook in build_manifest()["webhooks"]:
            if set(webhook["asyncEvents"]) & set(ORDER_EVENTS):
                fake_saleor.add_webhook(fake_app, NOWHERE, query=webhook["query"], async_events=webhook["asyncEvents"],
                                        name=webhook["name"])

    def body(self, event: str, order: dict) -> tuple[str, bytes]:
        """The delivery Saleor makes of `event` for `order` as it is now: (event, signed body)."""
        (record,) = self.fake.emit_event(event, {"order": order})
        assert record["body"] is not None, record["error"]
        return event, record["body"]

    def post(self, event: str, body: bytes):
        slug = event.lower()
        headers = self.fake.webhook_headers(slug, body)
        with self.capture_on_commit(execute=True):
            response = post_raw(self.client, f"/webhooks/saleor/{slug.replace('_', '-')}/", headers, body)
        assert response.status_code == 200, response.content
        return response

    def deliver(self, event: str, order: dict):
        return self.post(*self.body(event, order))


@pytest.fixture
def order_webhooks(client, shop, fake_saleor, fake_app, django_capture_on_commit_callbacks):
    return OrderWebhooks(client, fake_saleor, fake_app, django_capture_on_commit_callbacks)


def variant_of(order: dict, index: int = 0) -> str:
    return order["lines"][index]["variant"]["id"]


def daily_sales(shop) -> dict:
    """DailySales as {(channel, currency, day, variant id): (units, net amount)}."""
    return {
        (row.channel_slug, row.currency, row.day, row.variant_id): (row.units, row.net_amount)
        for row in DailySales.objects.filter(installation=shop)
    }


def daily_returns(shop) -> dict:
    """DailyReturns as {(channel, currency, day, variant id, reason): (units, net amount)}."""
    return {
        (row.channel_slug, row.currency, row.day, row.variant_id, row.reason_code): (row.units, row.net_amount)
        for row in DailyReturns.objects.filter(installation=shop)
    }


def ledger(shop) -> dict:
    """The ledger's rows as {order line id: (quantity, net amount, counted)}."""
    return {
        line.order_line_id: (line.quantity, line.net_amount, line.is_counted)
        for line in SoldLine.objects.filter(installation=shop)
    }


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def money(text: str) -> Decimal:
    return Decimal(text)
