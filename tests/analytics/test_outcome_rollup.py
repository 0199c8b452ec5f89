"""Daily rollups of the resolution mix, dispositions and requests: kept by the returns sweep, equal to a
rebuild, and brought up to date by a figure for a day whose requests changed in number since."""

from datetime import date
from decimal import Decimal

import time_machine

from saleor_returns.analytics.figures import outcomes, stages
from saleor_returns.analytics.figures.scope import scope_for
from saleor_returns.analytics.rollups import rebuild_rollups, roll_up_returns
from saleor_returns.models import DailyDispositions, DailyRefunds, DailyRequests, DailyResolutions, Refund, ReturnEvent
from tests.analytics.conftest import at, set_time_zone
from tests.analytics.figures_shop import returned

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def rollups(shop) -> tuple[dict, dict, dict]:
    return (
        {(row.channel_slug, row.currency, row.day, row.resolution): (row.requests, row.units, row.net_amount)
         for row in DailyResolutions.objects.filter(installation=shop)},
        {(row.channel_slug, row.currency, row.day, row.disposition): (row.units, row.net_amount)
         for row in DailyDispositions.objects.filter(installation=shop)},
        {(row.channel_slug, row.day): (row.requests, row.auto_approved, row.overturned)
         for row in DailyRequests.objects.filter(installation=shop)},
    )


def inspected(return_request, disposition: str) -> None:
    for line in return_request.lines.all():
        line.disposition, line.received_quantity, line.accepted_quantity = disposition, 1, 1
        line.save()
    return_request.save(update_fields=["updated_at"])


def test_the_sweep_keeps_the_outcomes_by_the_shops_day(shop):
    # given: a Shanghai shop; a request late on 31 March UTC (1 April there), approved automatically then
    # canceled by staff, and one earlier that day
    set_time_zone(shop, "Asia/Shanghai")
    late = returned(shop, at("2026-03-31T17:30:00+00:00"), [("V-RED", "DEFECT", 2, "50.00")], is_auto_approved=True)
    early = returned(shop, at("2026-03-31T15:30:00+00:00"), [("V-CAP", "DEFECT", 1, "15.00")], resolution="store_credit")
    roll_up_returns(shop)
    before = rollups(shop)

    # when: the early one is inspected and the late one canceled by staff; the sweep runs twice
    inspected(early, "restock")
    ReturnEvent.objects.create(return_request=late, type="status_changed", actor_kind="staff", from_status="approved",
                               to_status="canceled")
    late.status = "canceled"
    late.save(update_fields=["status", "updated_at"])
    roll_up_returns(shop)
    roll_up_returns(shop)

    # then
    april, march = date(2026, 4, 1), date(2026, 3, 31)
    assert before == (
        {("default-channel", "USD", april, "refund"): (1, 2, Decimal("100.000")),
         ("default-channel", "USD", march, "store_credit"): (1, 1, Decimal("15.000"))},
        {},
        {("default-channel", april): (1, 1, 0), ("default-channel", march): (1, 0, 0)},
    )
    assert rollups(shop) == (
        {("default-channel", "USD", march, "store_credit"): (1, 1, Decimal("15.000"))},
        {("default-channel", "USD", march, "restock"): (1, Decimal("15.000"))},
        {("default-channel", april): (1, 1, 1), ("default-channel", march): (1, 0, 0)},
    )


def test_outcome_rollups_equal_rebuilt_ones(shop):
    # given: requests over several days and channels, rolled up as they come
    for day, channel in (("2026-03-02", "a"), ("2026-03-02", "b"), ("2026-03-09", "a"), ("2026-04-01", "b")):
        request = returned(shop, at(f"{day}T10:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")], channel=channel,
                           is_auto_approved=channel == "a")
        roll_up_returns(shop)
        inspected(request, "scrap")
        roll_up_returns(shop)
    incremental = rollups(shop)

    # when
    DailyResolutions.objects.filter(installation=shop).update(units=999)
    DailyRequests.objects.filter(installation=shop).delete()
    rebuild_rollups([shop])

    # then
    assert rollups(shop) == incremental
    assert sum(requests for requests, _auto, _overturned in incremental[2].values()) == 4


def test_a_figure_counts_a_request_made_since_the_sweep_at_once(shop):
    # given: a request of 10 March rolled up
    returned(shop, at("2026-03-10T09:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")], is_auto_approved=True)
    roll_up_returns(shop)

    # when: another is made on that day and one on a new day, without a sweep
    returned(shop, at("2026-03-10T11:00:00+00:00"), [("V-RED", "DEFECT", 2, "50.00")])
    with time_machine.travel(at("2026-03-12T09:00:00+00:00"), tick=False):
        returned(shop, at("2026-03-12T09:00:00+00:00"), [("V-CAP", "DEFECT", 1, "15.00")], resolution="exchange")
    scope = scope_for(shop, *MARCH)

    # then: every figure counts them
    assert [(row.resolution, row.requests, row.units) for row in outcomes.resolution_mix(scope)] == [
        ("refund", 2, 3), ("exchange", 1, 1),
    ]
    auto = stages.auto_approval(scope)
    assert (auto.requests, auto.auto_approved) == (3, 1)
    assert sum(1 for _ in DailyRequests.objects.filter(installation=shop)) == 2


def test_a_long_periods_older_days_wait_for_the_sweep(shop):
    # given: a sweep, then requests of 2 January (saved since the sweep) and of 30 June, without one
    roll_up_returns(shop)
    january = returned(shop, at("2026-01-02T09:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")])
    january.save(update_fields=["updated_at"])
    returned(shop, at("2026-06-30T09:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")])
    scope = scope_for(shop, date(2026, 1, 1), date(2026, 6, 30))

    # when / then: only the period's last 92 days are checked; the sweep brings the rest
    assert stages.auto_approval(scope).requests == 1
    roll_up_returns(shop)
    assert stages.auto_approval(scope).requests == 2


def refunds(shop) -> dict:
    return {
        (row.channel_slug, row.currency, row.day): (row.refunded_amount, row.store_credit_amount)
        for row in DailyRefunds.objects.filter(installation=shop)
    }


def test_refunds_count_on_the_shops_day_confirmed_once_swept_or_read(shop):
    # given: a Shanghai shop, swept; a refund confirmed at 17:00 UTC on 31 March (1 April there), a store credit
    # at 15:00 UTC, and a refund still pending
    set_time_zone(shop, "Asia/Shanghai")
    roll_up_returns(shop)
    for kind, status, amount, when in (
        (Refund.Kind.ORIGINAL_PAYMENT, Refund.Status.SUCCEEDED, "65.00", "2026-03-31T17:00:00+00:00"),
        (Refund.Kind.STORE_CREDIT, Refund.Status.SUCCEEDED, "20.00", "2026-03-31T15:00:00+00:00"),
        (Refund.Kind.ORIGINAL_PAYMENT, Refund.Status.PENDING, "10.00", None),
    ):
        request = returned(shop, at("2026-03-20T09:00:00+00:00"), [("V-RED", "DEFECT", 2, "50.00")])
        Refund.objects.create(return_request=request, kind=kind, status=status, currency="USD", amount=Decimal(amount),
                              preview={}, fingerprint="f", succeeded_at=at(when) if when else None)

    # when: the figure reads March, before any sweep
    (march,) = outcomes.refunds_against_sales(scope_for(shop, *MARCH))

    # then: the refunds changed since the sweep were rolled up by their day; the sweep keeps them so
    assert (march.refunded_value, march.store_credit_value) == (Decimal("0.00"), Decimal("20.00"))
    expected = {
        ("default-channel", "USD", date(2026, 4, 1)): (Decimal("65.000"), Decimal("0.000")),
        ("default-channel", "USD", date(2026, 3, 31)): (Decimal("0.000"), Decimal("20.000")),
    }
    assert refunds(shop) == expected
    roll_up_returns(shop)
    swept = refunds(shop)
    rebuild_rollups([shop])
    assert swept == refunds(shop) == expected
