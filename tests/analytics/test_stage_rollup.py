"""Stage times kept per return by the returns sweep, their monthly histograms, and the figure read from them."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import time_machine

from saleor_returns.analytics.figures import stages
from saleor_returns.analytics.figures.scope import scope_for
from saleor_returns.analytics.rollups import rebuild_rollups, roll_up_returns
from saleor_returns.models import MonthlyStageTimes, Refund, ReturnEvent, ReturnRequest, ReturnShipment, ReturnStageTimes
from saleor_returns.policy_rules import PolicyRules
from tests.analytics.conftest import at, set_time_zone
from tests.analytics.figures_shop import returned


def event(return_request: ReturnRequest, moment: datetime, to_status: str) -> None:
    with time_machine.travel(moment, tick=False):
        ReturnEvent.objects.create(return_request=return_request, type="status_changed", actor_kind="staff",
                                   from_status="x", to_status=to_status)


def paid(return_request: ReturnRequest, moment: datetime) -> Refund:
    return Refund.objects.create(return_request=return_request, kind="original_payment", status="succeeded",
                                 currency="USD", amount=Decimal(50), preview={}, fingerprint="f", succeeded_at=moment)


def stage_times_of(return_request: ReturnRequest) -> tuple:
    times = ReturnStageTimes.objects.get(return_request=return_request)
    return (times.day, times.decision_hours, times.approval_to_first_scan_hours, times.scan_to_received_hours,
            times.received_to_resolved_hours, times.request_to_money_hours)


def histogram(shop) -> dict:
    """MonthlyStageTimes as {(channel, month, stage, up to hours): requests}."""
    return {
        (row.channel_slug, row.month, row.stage, row.up_to_hours): row.requests
        for row in MonthlyStageTimes.objects.filter(installation=shop)
    }


def test_the_sweep_keeps_each_returns_stage_times_by_the_shops_day(shop):
    # given: a Shanghai shop; a request at 20:00 UTC on 31 March (1 April there), approved twice, then scanned
    set_time_zone(shop, "Asia/Shanghai")
    start = at("2026-03-31T20:00:00+00:00")
    request = returned(shop, start, [("V-RED", "DEFECT", 1, "50.00")])
    event(request, start + timedelta(minutes=90), "approved")
    event(request, start + timedelta(hours=5), "approved")
    ReturnShipment.objects.create(return_request=request, method="label", first_scan_at=start + timedelta(hours=30))

    # when
    roll_up_returns(shop)

    # then: the first approval decides; the stages not gone through yet are empty
    assert stage_times_of(request) == (date(2026, 4, 1), 1.5, 28.5, None, None, None)
    assert histogram(shop) == {
        ("default-channel", date(2026, 4, 1), "decision", Decimal("1.5")): 1,
        ("default-channel", date(2026, 4, 1), "approval_to_first_scan", Decimal("29.0")): 1,
    }


def test_the_sweep_follows_a_refund_confirmed_without_a_change_of_the_request(shop):
    # given: a request rolled up
    start = at("2026-03-10T00:00:00+00:00")
    request = returned(shop, start, [("V-RED", "DEFECT", 1, "50.00")])
    roll_up_returns(shop)
    assert stage_times_of(request)[5] is None

    # when: its refund is confirmed (the request itself is not saved), and the sweep runs twice
    paid(request, start + timedelta(hours=100, minutes=6))
    roll_up_returns(shop)
    roll_up_returns(shop)

    # then
    assert stage_times_of(request)[5] == 100.1
    assert histogram(shop) == {("default-channel", date(2026, 3, 1), "request_to_money", Decimal("101.0")): 1}


def test_a_deleted_request_leaves_the_histogram(shop):
    # given: two requests of March, rolled up
    start = at("2026-03-10T00:00:00+00:00")
    first = returned(shop, start, [("V-RED", "DEFECT", 1, "50.00")])
    second = returned(shop, start, [("V-RED", "DEFECT", 1, "50.00")])
    for request in (first, second):
        event(request, start + timedelta(hours=2), "approved")
    roll_up_returns(shop)
    assert histogram(shop) == {("default-channel", date(2026, 3, 1), "decision", Decimal("2.0")): 2}

    # when: one is rejected after all (a second decision) and the other removed; a rebuild follows
    event(first, start + timedelta(hours=3), "rejected")
    first.status = "rejected"
    first.save(update_fields=["status", "updated_at"])
    second.delete()
    rebuild_rollups([shop])

    # then: the first decision still counts, the removed request no longer does
    assert histogram(shop) == {("default-channel", date(2026, 3, 1), "decision", Decimal("2.0")): 1}


def test_incremental_stage_times_equal_rebuilt_ones(shop):
    # given: requests over three months, rolled up as they change
    start = at("2026-02-20T00:00:00+00:00")
    for index in range(6):
        moment = start + timedelta(days=15 * index)
        request = returned(shop, moment, [("V-RED", "DEFECT", 1, "50.00")], channel=("a", "b")[index % 2])
        event(request, moment + timedelta(hours=index + 0.25), "approved")
        roll_up_returns(shop)
        paid(request, moment + timedelta(hours=30 + 7 * index))
        roll_up_returns(shop)
    incremental = (histogram(shop), sorted(stage_times_of(request) for request in ReturnRequest.objects.all()))

    # when
    MonthlyStageTimes.objects.filter(installation=shop).delete()
    ReturnStageTimes.objects.filter(installation=shop).update(decision_hours=999)
    rebuild_rollups([shop])

    # then
    assert (histogram(shop), sorted(stage_times_of(request) for request in ReturnRequest.objects.all())) == incremental


def test_stage_times_over_months_read_the_histograms_and_the_days_at_either_end(shop):
    # given: decisions after 1, 2, 3, 4 and 30 hours, requested on 14 and 20 February, in March, on 10 and 11 April
    hours = {"2026-02-14": 30, "2026-02-20": 1, "2026-03-15": 2, "2026-03-16": 3, "2026-04-10": 4, "2026-04-11": 30}
    for day, after in hours.items():
        moment = at(f"{day}T10:00:00+00:00")
        request = returned(shop, moment, [("V-RED", "DEFECT", 1, "50.00")])
        event(request, moment + timedelta(hours=after), "approved")
    roll_up_returns(shop)
    rules = PolicyRules(target_hours_decision=3)

    # when: 15 February to 10 April (March whole), and within March
    (decision, *_rest) = stages.stage_times(scope_for(shop, date(2026, 2, 15), date(2026, 4, 10)), rules)
    (march, *_rest) = stages.stage_times(scope_for(shop, date(2026, 3, 1), date(2026, 3, 15)), rules)

    # then: hours 1, 2, 3, 4: median 2.5, p90 = 3 + 0.7 * (4 - 3)
    assert (decision.count, decision.median_hours, decision.p90_hours, decision.within_target) == (4, 2.5, 3.7, 3)
    assert (march.count, march.median_hours, march.p90_hours, march.within_target) == (1, 2.0, 2.0, 1)
