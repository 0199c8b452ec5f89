"""This week's return rate on returnOverview: units returned against units sold in the shop's ISO week
(Monday to Sunday in its time zone), beside last week's, overall and per channel."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from saleor_returns.analytics.rollups import roll_up_returns
from saleor_returns.analytics.week_rate import week_return_rate
from tests.analytics.conftest import at, set_time_zone, variant_of
from tests.api.conftest import as_staff, staff_user  # noqa: F401 - the API tests' staff member
from tests.factories import ReturnLineFactory, ReturnRequestFactory, reason_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHOE = {"sku": "SHOE", "unit_price": Decimal("50.00"), "product_name": "Shoe"}
HAT = {"sku": "HAT", "unit_price": Decimal("15.00"), "product_name": "Hat"}
WEEK_RATE = """query($channel: String) { returnOverview(channelSlug: $channel) { weekReturnRate {
  timeZone weekStart previousWeekStart hasSales returnedUnits soldUnits rate
  previousReturnedUnits previousSoldUnits previousRate
  channels { channelSlug returnedUnits soldUnits rate previousReturnedUnits previousSoldUnits previousRate } } } }"""


def returned_at(shop, moment: datetime, variant_id: str, units: int, *, channel_slug="default-channel", currency="USD"):
    with time_machine.travel(moment, tick=False):
        request = ReturnRequestFactory(installation=shop, status="approved", channel_slug=channel_slug, currency=currency)
        ReturnLineFactory(return_request=request, variant_id=variant_id, reason=reason_for(shop, "CHANGED_MIND"),
                          reason_code="CHANGED_MIND", requested_quantity=units, approved_quantity=units,
                          unit_price_net_amount=Decimal("10.00"))


def this_monday_in_shanghai() -> datetime:
    today = timezone.now().astimezone(SHANGHAI).date()
    return datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time(), tzinfo=SHANGHAI)


def week_rate(caller, channel=None) -> dict:
    result = caller(WEEK_RATE, {"channel": channel})
    assert "errors" not in result, result
    return result["data"]["returnOverview"]["weekReturnRate"]


@pytest.fixture
def two_weeks(order_webhooks, shop, fake_saleor):
    """A Shanghai shop with sales and returns on both sides of this week's Monday midnight (Shanghai)."""
    set_time_zone(shop, "Asia/Shanghai")
    monday = this_monday_in_shanghai()
    this_week = fake_saleor.add_order(lines=[{**SHOE, "quantity": 4}], created=monday + timedelta(minutes=30))
    last_week = fake_saleor.add_order(lines=[{**SHOE, "quantity": 5}], created=monday - timedelta(minutes=30))
    japan = fake_saleor.add_order(channel_slug="japan", currency="JPY", lines=[{**HAT, "unit_price": "2000", "quantity": 2}],
                                  created=monday + timedelta(hours=1))
    older = fake_saleor.add_order(lines=[{**SHOE, "quantity": 7}], created=monday - timedelta(days=7, minutes=1))
    for order in (this_week, last_week, japan, older):
        order_webhooks.deliver("ORDER_CREATED", order)
    shoe = variant_of(this_week)
    returned_at(shop, monday + timedelta(minutes=10), shoe, 1)
    returned_at(shop, monday - timedelta(minutes=10), shoe, 2)
    returned_at(shop, monday + timedelta(hours=2), variant_of(japan), 1, channel_slug="japan", currency="JPY")
    returned_at(shop, monday - timedelta(days=7, minutes=5), shoe, 3)
    roll_up_returns(shop)
    return monday


def test_this_weeks_rate_beside_last_weeks_per_channel_and_overall(as_staff, two_weeks):
    # when
    figures = week_rate(as_staff)

    # then: this week 1 of 4 shoes and 1 of 2 hats; last week 2 of 5 shoes; the week before left out
    monday = two_weeks.date()
    assert figures == {
        "timeZone": "Asia/Shanghai", "weekStart": monday.isoformat(),
        "previousWeekStart": (monday - timedelta(days=7)).isoformat(), "hasSales": True,
        "returnedUnits": 2, "soldUnits": 6, "rate": 0.3333,
        "previousReturnedUnits": 2, "previousSoldUnits": 5, "previousRate": 0.4,
        "channels": [
            {"channelSlug": "default-channel", "returnedUnits": 1, "soldUnits": 4, "rate": 0.25,
             "previousReturnedUnits": 2, "previousSoldUnits": 5, "previousRate": 0.4},
            {"channelSlug": "japan", "returnedUnits": 1, "soldUnits": 2, "rate": 0.5,
             "previousReturnedUnits": 0, "previousSoldUnits": 0, "previousRate": None},
        ],
    }


def test_one_channels_rate(as_staff, two_weeks):
    # when
    figures = week_rate(as_staff, "japan")

    # then
    assert {key: figures[key] for key in ("hasSales", "returnedUnits", "soldUnits", "rate", "previousRate")} == {
        "hasSales": True, "returnedUnits": 1, "soldUnits": 2, "rate": 0.5, "previousRate": None,
    }
    assert [channel["channelSlug"] for channel in figures["channels"]] == ["japan"]


def test_an_empty_ledger_has_no_sales_and_no_rate(as_staff, shop):
    # when
    figures = week_rate(as_staff)

    # then
    assert {key: figures[key] for key in ("hasSales", "returnedUnits", "soldUnits", "rate", "previousRate", "channels")} == {
        "hasSales": False, "returnedUnits": 0, "soldUnits": 0, "rate": None, "previousRate": None, "channels": [],
    }


@pytest.mark.parametrize(
    ("now", "week_start"),
    [
        ("2026-03-15T15:59:59+00:00", "2026-03-09"),  # Sunday 23:59:59 in Shanghai
        ("2026-03-15T16:00:00+00:00", "2026-03-16"),  # Monday 00:00 in Shanghai, still Sunday in UTC
    ],
)
def test_the_week_turns_at_monday_midnight_in_the_shops_time_zone(shop, now, week_start):
    # given
    set_time_zone(shop, "Asia/Shanghai")

    # when
    figures = week_return_rate(shop, now=at(now))

    # then
    assert figures.week_start.isoformat() == week_start
