"""Monthly rollups: MonthlySales follows the ledger's writes, MonthlyReturns the returns sweep, each month
counted in the shop's time zone; both equal a rebuild, and figures over months read them."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from saleor_returns.analytics.figures import outcomes, rates
from saleor_returns.analytics.figures.scope import scope_for
from saleor_returns.analytics.rollups import rebuild_rollups, roll_up_returns
from saleor_returns.models import MonthlyReturns, MonthlySales
from tests.analytics.conftest import at, daily_returns, daily_sales, set_time_zone, variant_of
from tests.analytics.figures_shop import returned, sold

SHOE = {"sku": "SHOE", "unit_price": Decimal("50.00"), "product_name": "Shoe"}
HAT = {"sku": "HAT", "unit_price": Decimal("15.00"), "product_name": "Hat"}


def monthly_sales(shop) -> dict:
    """MonthlySales as {(channel, currency, month, variant id): (units, net amount)}."""
    return {
        (row.channel_slug, row.currency, row.month, row.variant_id): (row.units, row.net_amount)
        for row in MonthlySales.objects.filter(installation=shop)
    }


def monthly_returns(shop) -> dict:
    """MonthlyReturns as {(channel, currency, month, variant id): (units, net amount)}."""
    return {
        (row.channel_slug, row.currency, row.month, row.variant_id): (row.units, row.net_amount)
        for row in MonthlyReturns.objects.filter(installation=shop)
    }


def by_month(daily: dict) -> dict:
    """Daily buckets summed per month (over every reason), as the monthly rollups should hold them."""
    months: dict = defaultdict(lambda: (0, Decimal(0)))
    for (channel, currency, day, variant_id, *_reason), (units, net_amount) in daily.items():
        key = (channel, currency, day.replace(day=1), variant_id)
        months[key] = (months[key][0] + units, months[key][1] + net_amount)
    return {key: value for key, value in months.items() if value != (0, Decimal(0))}


def test_monthly_sales_follow_the_ledger_by_the_shops_month(order_webhooks, shop, fake_saleor):
    # given: a Shanghai shop; an order at 17:30 UTC on 31 March (1 April in Shanghai), one at 15:30 UTC (31 March)
    set_time_zone(shop, "Asia/Shanghai")
    april = fake_saleor.add_order(lines=[{**SHOE, "quantity": 2}], created=at("2026-03-31T17:30:00+00:00"))
    march = fake_saleor.add_order(lines=[{**SHOE, "quantity": 1}, {**HAT, "quantity": 1}],
                                  created=at("2026-03-31T15:30:00+00:00"))

    # when: both are recorded, the April one edited and the March one canceled
    for order in (april, march):
        order_webhooks.deliver("ORDER_CREATED", order)
    fake_saleor.edit_order_line(april, april["lines"][0]["id"], quantity=3)
    order_webhooks.deliver("ORDER_UPDATED", april)
    recorded = monthly_sales(shop)
    fake_saleor.cancel_order(march)
    order_webhooks.deliver("ORDER_UPDATED", march)

    # then: each month holds its days' sum; a canceled month's buckets are gone
    shoe, hat = variant_of(march, 0), variant_of(march, 1)
    assert recorded == {
        ("default-channel", "USD", date(2026, 4, 1), variant_of(april)): (3, Decimal("150.00")),
        ("default-channel", "USD", date(2026, 3, 1), shoe): (1, Decimal("50.00")),
        ("default-channel", "USD", date(2026, 3, 1), hat): (1, Decimal("15.00")),
    }
    assert monthly_sales(shop) == {("default-channel", "USD", date(2026, 4, 1), variant_of(april)): (3, Decimal("150.00"))}
    assert monthly_sales(shop) == by_month(daily_sales(shop))


def test_monthly_returns_follow_the_sweep_by_the_shops_month(shop):
    # given: a Shanghai shop; returns requested late on 31 March UTC (1 April there) and earlier that day
    set_time_zone(shop, "Asia/Shanghai")
    april = returned(shop, at("2026-03-31T17:30:00+00:00"), [("V-RED", "DEFECT", 2, "50.00")])
    returned(shop, at("2026-03-31T15:30:00+00:00"), [("V-RED", "DEFECT", 1, "50.00"), ("V-CAP", "DEFECT", 1, "15.00")])
    returned(shop, at("2026-03-02T09:00:00+00:00"), [("V-RED", "CHANGED_MIND", 1, "50.00")])
    roll_up_returns(shop)
    assert monthly_returns(shop) == {
        ("default-channel", "USD", date(2026, 4, 1), "V-RED"): (2, Decimal("100.00")),
        ("default-channel", "USD", date(2026, 3, 1), "V-RED"): (2, Decimal("100.00")),
        ("default-channel", "USD", date(2026, 3, 1), "V-CAP"): (1, Decimal("15.00")),
    }

    # when: the April request is canceled and the sweep runs twice
    april.status = "canceled"
    april.save(update_fields=["status", "updated_at"])
    roll_up_returns(shop)
    roll_up_returns(shop)

    # then: April is empty, March untouched
    assert monthly_returns(shop) == by_month(daily_returns(shop))
    assert monthly_returns(shop) == {
        ("default-channel", "USD", date(2026, 3, 1), "V-RED"): (2, Decimal("100.00")),
        ("default-channel", "USD", date(2026, 3, 1), "V-CAP"): (1, Decimal("15.00")),
    }


def test_monthly_rollups_equal_rebuilt_ones_and_move_with_the_time_zone(shop):
    # given: sales and returns at a month's edge in a UTC shop, rolled up
    sold(shop, "O1", "2026-03-31T20:00:00+00:00", [("V-RED", 2, "100.00")])
    sold(shop, "O2", "2026-04-02T10:00:00+00:00", [("V-CAP", 1, "15.00")], channel="europe", currency="EUR")
    returned(shop, at("2026-03-31T20:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")])
    roll_up_returns(shop)
    incremental = (monthly_sales(shop), monthly_returns(shop))

    # when: the rollups are thrown off and rebuilt, then the shop moves to Shanghai's time and rebuilds again
    MonthlySales.objects.filter(installation=shop).update(units=999)
    MonthlyReturns.objects.filter(installation=shop).delete()
    rebuild_rollups([shop])
    rebuilt = (monthly_sales(shop), monthly_returns(shop))
    set_time_zone(shop, "Asia/Shanghai")
    rebuild_rollups([shop])

    # then
    assert rebuilt == incremental
    assert monthly_sales(shop) == {
        ("default-channel", "USD", date(2026, 4, 1), "V-RED"): (2, Decimal("100.00")),
        ("europe", "EUR", date(2026, 4, 1), "V-CAP"): (1, Decimal("15.00")),
    }
    assert monthly_returns(shop) == {
        ("default-channel", "USD", date(2026, 4, 1), "V-RED"): (1, Decimal("50.00")),
    }


def test_figures_over_months_add_whole_months_to_the_days_at_either_end(shop):
    # given: sales and returns on 14 and 20 February, in March, on 10 and 11 April
    for order_id, created, variant in (("O1", "2026-02-14T10:00:00+00:00", "V-RED"), ("O2", "2026-02-20T10:00:00+00:00", "V-RED"),
                                       ("O3", "2026-03-15T10:00:00+00:00", "V-CAP"), ("O4", "2026-04-10T10:00:00+00:00", "V-BLUE"),
                                       ("O5", "2026-04-11T10:00:00+00:00", "V-BLUE")):
        sold(shop, order_id, created, [(variant, 4, "100.00")])
        returned(shop, at(created), [(variant, "DEFECT", 1, "25.00")])
    roll_up_returns(shop)

    # when: the figures cover 15 February to 10 April (two edges and March whole)
    scope = scope_for(shop, date(2026, 2, 15), date(2026, 4, 10))
    page = rates.return_rates(scope, "variant")
    reasons = rates.reasons(scope)
    refunds = outcomes.refunds_against_sales(scope)

    # then: 20 February, March and 10 April count; 14 February and 11 April do not
    assert {(row.key, row.sold_units, row.returned_units, row.returned_value) for row in page.rows} == {
        ("V-RED", 4, 1, Decimal("25.00")), ("V-CAP", 4, 1, Decimal("25.00")), ("V-BLUE", 4, 1, Decimal("25.00")),
    }
    assert [(row.currency, row.sold_units, row.sold_value) for row in page.totals] == [("USD", 12, Decimal("300.00"))]
    assert [(row.reason_code, row.units) for row in reasons] == [("DEFECT", 3)]
    assert [(row.currency, row.sold_value) for row in refunds] == [("USD", Decimal("300.00"))]
    # a period of whole months only, and one inside a month
    whole = rates.return_rates(scope_for(shop, date(2026, 3, 1), date(2026, 4, 30)), "variant")
    assert {(row.key, row.sold_units) for row in whole.rows} == {("V-CAP", 4), ("V-BLUE", 8)}
    inside = rates.return_rates(scope_for(shop, date(2026, 4, 11), date(2026, 4, 11)), "variant")
    assert {(row.key, row.sold_units) for row in inside.rows} == {("V-BLUE", 4)}
