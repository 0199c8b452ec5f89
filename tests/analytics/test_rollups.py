"""Daily rollups: DailySales follows the ledger incrementally, DailyReturns follows return lines, and
both equal what a rebuild from the source rows makes."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import time_machine

from saleor_returns.__main__ import main
from saleor_returns.analytics.rollups import rebuild_rollups, roll_up_returns
from saleor_returns.models import DailySales, ReturnRequest, SoldLine
from tests.analytics.conftest import at, daily_returns, daily_sales, set_time_zone, variant_of
from tests.factories import ReturnLineFactory, ReturnRequestFactory, reason_for

SHOE = {"sku": "SHOE", "unit_price": Decimal("50.00"), "product_name": "Shoe"}
HAT = {"sku": "HAT", "unit_price": Decimal("15.00"), "product_name": "Hat"}


def request_at(shop, moment: datetime, lines, *, status="approved", kind="return") -> ReturnRequest:
    """A return request made at `moment`; lines are (variant id, reason, requested, approved, unit net)."""
    with time_machine.travel(moment, tick=False):
        return_request = ReturnRequestFactory(installation=shop, status=status, kind=kind)
        for variant_id, reason, requested, approved, net in lines:
            ReturnLineFactory(
                return_request=return_request, variant_id=variant_id, reason=reason_for(shop, reason),
                reason_code=reason, requested_quantity=requested, approved_quantity=approved,
                unit_price_net_amount=Decimal(net),
            )
    return return_request


def test_returns_count_on_the_request_day_in_the_shops_time_zone_with_the_approved_quantity(shop):
    # given: a Shanghai shop; requests late on 10 March UTC (11 March in Shanghai) and on 12 March
    set_time_zone(shop, "Asia/Shanghai")
    late = at("2026-03-10T23:30:00+00:00")
    request_at(shop, late, [("V1", "CHANGED_MIND", 2, 1, "40.00"), ("V2", "DEFECT", 1, 1, "15.50")])
    request_at(shop, late, [("V1", "CHANGED_MIND", 3, None, "40.00")], status="pending_review")
    request_at(shop, late, [("V1", "CHANGED_MIND", 5, None, "40.00")], status="rejected")
    request_at(shop, late, [("V1", "CHANGED_MIND", 5, None, "40.00")], status="canceled")
    request_at(shop, late, [("V1", "DAMAGED_IN_TRANSIT", 1, 1, "40.00")], kind="damaged_on_arrival")
    request_at(shop, at("2026-03-12T02:00:00+00:00"), [("V1", "DEFECT", 1, 1, "40.00")], status="resolved")

    # when
    roll_up_returns(shop)

    # then: approved units once decided, requested ones while waiting; refusals, withdrawals and claims left out
    assert daily_returns(shop) == {
        ("default-channel", "USD", date(2026, 3, 11), "V1", "CHANGED_MIND"): (4, Decimal("160.00")),
        ("default-channel", "USD", date(2026, 3, 11), "V2", "DEFECT"): (1, Decimal("15.50")),
        ("default-channel", "USD", date(2026, 3, 12), "V1", "DEFECT"): (1, Decimal("40.00")),
    }


def test_the_returns_sweep_follows_a_later_decision(shop):
    # given: a request waiting for review, rolled up
    waiting = request_at(shop, at("2026-03-10T09:00:00+00:00"), [("V1", "CHANGED_MIND", 2, None, "40.00")],
                         status="pending_review")
    roll_up_returns(shop)
    assert daily_returns(shop) == {("default-channel", "USD", date(2026, 3, 10), "V1", "CHANGED_MIND"): (2, Decimal("80.00"))}

    # when: staff reject it, and the sweep runs again
    waiting.status = "rejected"
    waiting.save(update_fields=["status", "updated_at"])
    roll_up_returns(shop)

    # then
    assert daily_returns(shop) == {}


def test_incremental_rollups_equal_rebuilt_ones(order_webhooks, shop, fake_saleor):
    # given: sales in two currencies and on several days, edited and canceled, and returns
    set_time_zone(shop, "Asia/Shanghai")
    first = fake_saleor.add_order(lines=[{**SHOE, "quantity": 2}, {**HAT, "quantity": 1}],
                                  created=at("2026-03-10T23:30:00+00:00"))
    second = fake_saleor.add_order(lines=[{**SHOE, "quantity": 1}], created=at("2026-03-11T03:00:00+00:00"))
    yen = fake_saleor.add_order(channel_slug="japan", currency="JPY", lines=[{**HAT, "unit_price": "2000"}],
                                created=at("2026-03-11T03:00:00+00:00"))
    gone = fake_saleor.add_order(lines=[{**HAT, "quantity": 3}], created=at("2026-03-12T03:00:00+00:00"))
    for order in (first, second, yen, gone):
        order_webhooks.deliver("ORDER_CREATED", order)
    fake_saleor.edit_order_line(first, first["lines"][0]["id"], quantity=4)
    order_webhooks.deliver("ORDER_UPDATED", first)
    fake_saleor.cancel_order(gone)
    order_webhooks.deliver("ORDER_UPDATED", gone)
    request_at(shop, at("2026-03-13T01:00:00+00:00"), [(variant_of(first), "CHANGED_MIND", 1, 1, "50.00")])
    roll_up_returns(shop)
    incremental = (daily_sales(shop), daily_returns(shop))

    # when: the rollups are thrown off, then rebuilt from the ledger and the return lines
    DailySales.objects.filter(installation=shop).update(units=999)
    rebuild_rollups([shop])

    # then
    assert (daily_sales(shop), daily_returns(shop)) == incremental
    shoe, hat = variant_of(first, 0), variant_of(first, 1)
    assert incremental[0] == {
        ("default-channel", "USD", date(2026, 3, 11), shoe): (5, Decimal("250.00")),
        ("default-channel", "USD", date(2026, 3, 11), hat): (1, Decimal("15.00")),
        ("japan", "JPY", date(2026, 3, 11), hat): (1, Decimal("2000")),
    }


def test_a_rebuild_counts_each_sale_on_its_day_in_the_shops_time_zone_of_now(order_webhooks, shop, fake_saleor):
    # given: an order of 23:30 UTC recorded while the shop's time zone was UTC
    order = fake_saleor.add_order(lines=[HAT], created=at("2026-03-10T23:30:00+00:00"))
    order_webhooks.deliver("ORDER_CREATED", order)

    # when: the shop moves to Shanghai's time and the rollups are rebuilt
    set_time_zone(shop, "Asia/Shanghai")
    rebuild_rollups([shop])

    # then
    assert SoldLine.objects.get().day == date(2026, 3, 11)
    assert list(daily_sales(shop)) == [("default-channel", "USD", date(2026, 3, 11), variant_of(order))]


@pytest.mark.parametrize("_case", ["no shop", "a shop"])
def test_the_rebuild_command_rebuilds_every_shop(request, db, capsys, _case):
    if _case == "a shop":
        request.getfixturevalue("shop")

    assert main(["rebuild-rollups"]) == 0

    assert capsys.readouterr().out == f"rebuilt the rollups of {0 if _case == 'no shop' else 1} shop(s)\n"


def test_nothing_returned_leaves_no_rows(shop):
    request_at(shop, datetime(2026, 3, 10, tzinfo=timezone.utc), [("V1", "CHANGED_MIND", 1, 0, "40.00")])
    roll_up_returns(shop)
    assert daily_returns(shop) == {}
