"""Spike alerts: the statistics on constructed weekly series, and one report per variant and week."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from saleor_returns.analytics.spikes import find_spikes, is_spike, record_spike_alerts, wilson_bounds
from saleor_returns.analytics.tasks import report_spike_alerts_task
from graphql_relay import to_global_id

from saleor_returns.models import DailyReturns, DailySales, SpikeAlert
from tests.api.conftest import as_staff, staff_user  # noqa: F401 - the API tests' staff member

WEEK = date(2026, 3, 9)  # a Monday


def series(shop, variant_id: str, *, baseline: tuple[int, int], week: tuple[int, int], reasons=None) -> None:
    """Rollups of a variant: (sold, returned) units spread over the 8 baseline weeks and in WEEK."""
    sold, returned = baseline
    for index in range(8):
        day = WEEK - timedelta(weeks=8 - index)
        DailySales.objects.create(installation=shop, channel_slug="default-channel", currency="USD", day=day,
                                  variant_id=variant_id, units=sold // 8 + (index < sold % 8), net_amount=0)
        units = returned // 8 + (index < returned % 8)
        if units:
            DailyReturns.objects.create(installation=shop, channel_slug="default-channel", currency="USD", day=day,
                                        variant_id=variant_id, reason_code="TOO_SMALL", units=units, net_amount=0)
    DailySales.objects.create(installation=shop, channel_slug="default-channel", currency="USD",
                              day=WEEK + timedelta(days=2), variant_id=variant_id, units=week[0], net_amount=0)
    for reason, units in (reasons or {"DEFECT": week[1]}).items():
        DailyReturns.objects.create(installation=shop, channel_slug="default-channel", currency="USD",
                                    day=WEEK + timedelta(days=3), variant_id=variant_id, reason_code=reason,
                                    units=units, net_amount=0)


def test_wilson_bounds_match_values_computed_by_hand():
    # 10 of 100 at 95 %: centre 0.1172, margin 0.0620 (Wilson, 1927)
    low, high = wilson_bounds(10, 100)
    assert (round(low, 4), round(high, 4)) == (0.0552, 0.1744)
    # no return at all: the upper bound stays above zero, z²/(n + z²)
    assert wilson_bounds(0, 200) == (0.0, pytest.approx(3.8415 / 203.8415, abs=1e-4))
    assert wilson_bounds(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize("_case, sold, returned, baseline_sold, baseline_returned, expected", [
    ("a clear spike", 100, 30, 800, 40, True),
    ("noise around the baseline", 100, 7, 800, 40, False),
    ("too few sold this week", 15, 10, 800, 40, False),
    ("too few returned this week", 400, 2, 8000, 0, False),
    ("too short a baseline", 100, 30, 40, 2, False),
    ("a baseline of zero and a real rise", 100, 8, 1000, 0, True),
    ("a baseline of zero and a few returns", 40, 3, 100, 0, False),
])
def test_a_spike_needs_a_significant_rise_and_enough_units(_case, sold, returned, baseline_sold, baseline_returned,
                                                           expected):
    assert is_spike(sold=sold, returned=returned, baseline_sold=baseline_sold,
                    baseline_returned=baseline_returned) is expected


def test_spikes_are_found_in_the_rollups_with_their_dominant_reason(shop):
    # given: a shoe returned 30 of 100 this week against 5 % before; a hat at its usual rate; a sock rarely sold
    series(shop, "SHOE", baseline=(800, 40), week=(100, 30), reasons={"TOO_SMALL": 18, "DEFECT": 12})
    series(shop, "HAT", baseline=(800, 40), week=(100, 6))
    series(shop, "SOCK", baseline=(40, 2), week=(10, 5))

    # when
    spikes = find_spikes(shop, week_start=WEEK)

    # then
    assert [(s.variant_id, s.sold_units, s.returned_units, s.baseline_sold_units, s.baseline_returned_units,
             s.dominant_reason_code) for s in spikes] == [("SHOE", 100, 30, 800, 40, "TOO_SMALL")]
    low, _ = wilson_bounds(30, 100)
    _, high = wilson_bounds(40, 800)
    assert (spikes[0].rate_lower_bound, spikes[0].baseline_upper_bound) == (
        Decimal(low).quantize(Decimal("0.000001")), Decimal(high).quantize(Decimal("0.000001")))


def test_a_spike_is_reported_once_a_week_per_variant_even_when_the_task_runs_twice(shop):
    # given
    series(shop, "SHOE", baseline=(800, 40), week=(100, 30))

    # when: the beat task runs twice in the week after
    with time_machine.travel("2026-03-17T08:00:00+00:00", tick=False):
        report_spike_alerts_task()
        first = SpikeAlert.objects.get(installation=shop)
        report_spike_alerts_task()

    # then
    alert = SpikeAlert.objects.get(installation=shop)
    assert (alert.variant_id, alert.week_start, alert.reported_at) == ("SHOE", WEEK, first.reported_at)
    assert alert.reported_at is not None
    assert record_spike_alerts(shop, week_start=WEEK) == []


def test_staff_list_the_alerts_and_note_what_they_did(as_staff, shop):
    # given
    series(shop, "SHOE", baseline=(800, 40), week=(100, 30), reasons={"TOO_SMALL": 18, "DEFECT": 12})
    (alert,) = record_spike_alerts(shop, week_start=WEEK)
    alert_id = to_global_id("ReturnSpikeAlert", str(alert.pk))

    # when
    noted = as_staff(
        'mutation($id: ID!) { returnSpikeAlertNote(id: $id, note: " Size chart corrected ") '
        "{ alert { id note } errors { field code } } }", {"id": alert_id},
    )["data"]["returnSpikeAlertNote"]
    listed = as_staff("{ returnSpikeAlerts { id variantId weekStart soldUnits returnedUnits baselineWeeks "
                      "dominantReasonCode note notedBy } }")["data"]["returnSpikeAlerts"]

    # then
    assert noted == {"alert": {"id": alert_id, "note": "Size chart corrected"}, "errors": []}
    assert listed == [{
        "id": alert_id, "variantId": "SHOE", "weekStart": "2026-03-09", "soldUnits": 100, "returnedUnits": 30,
        "baselineWeeks": 8, "dominantReasonCode": "TOO_SMALL", "note": "Size chart corrected",
        "notedBy": listed[0]["notedBy"],
    }]
    assert listed[0]["notedBy"]
