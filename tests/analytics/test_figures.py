"""Return analytics figures against values computed by hand on a seeded shop."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from saleor_returns.analytics.figures import outcomes, rates, stages
from saleor_returns.analytics.figures.scope import scope_for
from saleor_returns.analytics.rollups import roll_up_returns
from saleor_returns.models import CarrierClaim, Refund, ReturnEvent, ReturnShipment, SoldVariant
from saleor_returns.policy_rules import PolicyRules
from tests.analytics.conftest import at, set_time_zone
from tests.analytics.figures_shop import returned, sold

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def seeded(shop):
    """March 2026 in a UTC shop: shoes (two variants) and caps in USD, caps in EUR on another channel."""
    sold(shop, "O1", "2026-03-02T10:00:00+00:00", [("V-RED", 4, "200.00"), ("V-CAP", 10, "150.00")])
    sold(shop, "O2", "2026-03-05T10:00:00+00:00", [("V-BLUE", 6, "300.00")])
    sold(shop, "O3", "2026-03-06T10:00:00+00:00", [("V-CAP", 5, "100.00")], channel="europe", currency="EUR")
    # Outside the period, and canceled: neither counts.
    sold(shop, "O4", "2026-04-01T00:30:00+00:00", [("V-RED", 9, "450.00")])
    sold(shop, "O5", "2026-03-07T10:00:00+00:00", [("V-RED", 9, "450.00")], status="CANCELED")
    returned(shop, at("2026-03-10T09:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00"), ("V-CAP", "NOT_AS_DESCRIBED", 2, "15.00")])
    returned(shop, at("2026-03-11T09:00:00+00:00"), [("V-BLUE", "DEFECT", 3, "50.00")], resolution="store_credit")
    returned(shop, at("2026-03-12T09:00:00+00:00"), [("V-CAP", "DEFECT", 1, "20.00")], channel="europe", currency="EUR",
             resolution="exchange")
    returned(shop, at("2026-03-13T09:00:00+00:00"), [("V-RED", "CHANGED_MIND", 2, "50.00")], status="rejected")
    roll_up_returns(shop)
    return shop


def rows_by_key(page):
    return {(row.key, row.currency): (row.sold_units, row.sold_value, row.returned_units, row.returned_value)
            for row in page.rows}


def test_return_rate_by_variant_product_category_and_channel_per_currency(seeded):
    scope = scope_for(seeded, *MARCH)

    by_variant = rates.return_rates(scope, "variant")
    assert rows_by_key(by_variant) == {
        ("V-RED", "USD"): (4, Decimal("200.00"), 1, Decimal("50.00")),
        ("V-BLUE", "USD"): (6, Decimal("300.00"), 3, Decimal("150.00")),
        ("V-CAP", "USD"): (10, Decimal("150.00"), 2, Decimal("30.00")),
        ("V-CAP", "EUR"): (5, Decimal("100.00"), 1, Decimal("20.00")),
    }
    assert [row.key for row in by_variant.rows] == ["V-BLUE", "V-CAP", "V-CAP", "V-RED"]
    assert by_variant.total_count == 4
    assert rows_by_key(rates.return_rates(scope, "product")) == {
        ("P-SHOE", "USD"): (10, Decimal("500.00"), 4, Decimal("200.00")),
        ("P-CAP", "USD"): (10, Decimal("150.00"), 2, Decimal("30.00")),
        ("P-CAP", "EUR"): (5, Decimal("100.00"), 1, Decimal("20.00")),
    }
    by_category = rates.return_rates(scope, "category", sort="return_rate_units")
    assert [(row.key, row.currency, row.return_rate_units) for row in by_category.rows] == [
        ("C-SHOES", "USD", Decimal("0.4000")),
        ("C-HATS", "EUR", Decimal("0.2000")),
        ("C-HATS", "USD", Decimal("0.2000")),
    ]
    assert rows_by_key(rates.return_rates(scope, "channel")) == {
        ("default-channel", "USD"): (20, Decimal("650.00"), 6, Decimal("230.00")),
        ("europe", "EUR"): (5, Decimal("100.00"), 1, Decimal("20.00")),
    }
    # totals: one row per currency, never added across currencies
    assert [(row.currency, row.sold_value, row.returned_value, row.return_rate_value) for row in by_variant.totals] == [
        ("EUR", Decimal("100.00"), Decimal("20.00"), Decimal("0.2000")),
        ("USD", Decimal("650.00"), Decimal("230.00"), Decimal("0.3538")),
    ]


def test_return_rate_pages_and_channel(seeded):
    scope = scope_for(seeded, *MARCH)

    page = rates.return_rates(scope, "variant", sort="sold_units", first=2, offset=1)

    assert [(row.key, row.currency) for row in page.rows] == [("V-BLUE", "USD"), ("V-CAP", "EUR")]
    assert page.total_count == 4
    europe = rates.return_rates(scope_for(seeded, *MARCH, "europe"), "variant")
    assert rows_by_key(europe) == {("V-CAP", "EUR"): (5, Decimal("100.00"), 1, Decimal("20.00"))}
    nowhere = rates.return_rates(scope_for(seeded, *MARCH, "no-such-channel"), "variant")
    assert (nowhere.rows, nowhere.total_count, nowhere.totals) == ([], 0, [])


def test_the_ledger_keeps_the_variant_dimension(seeded):
    assert set(SoldVariant.objects.filter(installation=seeded).values_list("variant_id", "product_id", "category_id")) == {
        ("V-RED", "P-SHOE", "C-SHOES"), ("V-BLUE", "P-SHOE", "C-SHOES"), ("V-CAP", "P-CAP", "C-HATS"),
    }


def test_reasons_ranked_overall_and_for_one_product(seeded):
    scope = scope_for(seeded, *MARCH)

    assert [(row.reason_code, row.units, row.share, row.cumulative_share) for row in rates.reasons(scope)] == [
        ("DEFECT", 5, Decimal("0.7143"), Decimal("0.7143")),
        ("NOT_AS_DESCRIBED", 2, Decimal("0.2857"), Decimal("1.0000")),
    ]
    assert [(row.reason_code, row.units) for row in rates.reasons(scope, "P-CAP")] == [("NOT_AS_DESCRIBED", 2), ("DEFECT", 1)]


def test_days_follow_the_shops_time_zone(shop):
    # given: a Shanghai shop; a sale and a return at 23:30 UTC on 31 March, which is 1 April in Shanghai
    set_time_zone(shop, "Asia/Shanghai")
    sold(shop, "O1", "2026-03-31T23:30:00+00:00", [("V-RED", 1, "50.00")])
    sold(shop, "O2", "2026-03-31T15:59:00+00:00", [("V-RED", 2, "100.00")])
    returned(shop, at("2026-03-31T23:30:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")])
    roll_up_returns(shop)

    march = rates.return_rates(scope_for(shop, *MARCH), "variant")
    april = rates.return_rates(scope_for(shop, date(2026, 4, 1), date(2026, 4, 1)), "variant")

    assert rows_by_key(march) == {("V-RED", "USD"): (2, Decimal("100.00"), 0, Decimal("0.00"))}
    assert rows_by_key(april) == {("V-RED", "USD"): (1, Decimal("50.00"), 1, Decimal("50.00"))}


def test_refunds_against_sales_and_the_resolution_mix(seeded):
    refunded = returned(seeded, at("2026-03-14T09:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")], status="resolved")
    credited = returned(seeded, at("2026-03-14T10:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")], status="resolved",
                        resolution="store_credit")
    for request, kind, amount, when in (
        (refunded, Refund.Kind.ORIGINAL_PAYMENT, "65.00", "2026-03-20T09:00:00+00:00"),
        (credited, Refund.Kind.STORE_CREDIT, "50.00", "2026-03-21T09:00:00+00:00"),
    ):
        Refund.objects.create(return_request=request, kind=kind, status=Refund.Status.SUCCEEDED, currency="USD",
                              amount=Decimal(amount), preview={}, fingerprint="f", succeeded_at=at(when))
    scope = scope_for(seeded, *MARCH)

    figures = outcomes.refunds_against_sales(scope)
    mix = outcomes.resolution_mix(scope)

    assert [(row.currency, row.sold_value, row.refunded_value, row.store_credit_value, row.refund_rate)
            for row in figures] == [
        ("EUR", Decimal("100.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.0000")),
        ("USD", Decimal("650.00"), Decimal("65.00"), Decimal("50.00"), Decimal("0.1000")),
    ]
    assert [(row.resolution, row.currency, row.requests, row.units, row.value) for row in mix] == [
        ("exchange", "EUR", 1, 1, Decimal("20.00")),
        ("store_credit", "USD", 2, 4, Decimal("200.00")),
        ("refund", "USD", 2, 4, Decimal("130.00")),
    ]
    assert outcomes.revenue_kept(mix) == {"EUR": Decimal("20.00"), "USD": Decimal("200.00")}


def test_time_per_stage_against_the_policys_targets(shop):
    start = at("2026-03-10T00:00:00+00:00")
    for decided_after, paid_after in ((1, 100), (3, 200), (10, None)):
        request = returned(shop, start, [("V-RED", "DEFECT", 1, "50.00")])
        for hours, to_status in ((decided_after, "approved"), (decided_after + 50, "resolved")):
            with time_machine.travel(start + timedelta(hours=hours), tick=False):
                ReturnEvent.objects.create(return_request=request, type="status_changed", actor_kind="staff",
                                           from_status="x", to_status=to_status)
        ReturnShipment.objects.create(return_request=request, method="label",
                                      first_scan_at=start + timedelta(hours=decided_after + 24))
        if paid_after:
            Refund.objects.create(return_request=request, kind="original_payment", status="succeeded", currency="USD",
                                  amount=Decimal(50), preview={}, fingerprint="f",
                                  succeeded_at=start + timedelta(hours=paid_after))
    rules = PolicyRules(target_hours_decision=4, target_hours_request_to_money=150)

    times = {row.stage: row for row in stages.stage_times(scope_for(shop, *MARCH), rules)}

    decision = times["decision"]
    # hours 1, 3, 10: median 3, p90 = 3 + 0.8 * (10 - 3)
    assert (decision.count, decision.median_hours, decision.p90_hours) == (3, 3.0, 8.6)
    assert (decision.target_hours, decision.within_target, decision.within_target_share) == (4, 2, Decimal("0.6667"))
    assert (times["approval_to_first_scan"].median_hours, times["approval_to_first_scan"].count) == (24.0, 3)
    assert times["received_to_resolved"].count == 0 and times["received_to_resolved"].median_hours is None
    money = times["request_to_money"]
    assert (money.count, money.median_hours, money.p90_hours, money.within_target) == (2, 150.0, 190.0, 1)
    assert list(times) == [stage for stage, *_ in stages.STAGES]


def test_dispositions_claims_and_auto_approval(shop):
    first = returned(shop, at("2026-03-10T09:00:00+00:00"), [("V-RED", "DEFECT", 2, "50.00"), ("V-CAP", "DEFECT", 1, "15.00")],
                     status="inspected", is_auto_approved=True)
    restocked, scrapped = first.lines.get(variant_id="V-RED"), first.lines.get(variant_id="V-CAP")
    for line, disposition, accepted in ((restocked, "restock", 2), (scrapped, "scrap", 1)):
        line.disposition, line.accepted_quantity, line.received_quantity = disposition, accepted, accepted
        line.save()
    overturned = returned(shop, at("2026-03-11T09:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")], status="canceled",
                          is_auto_approved=True)
    ReturnEvent.objects.create(return_request=overturned, type="status_changed", actor_kind="staff",
                               from_status="approved", to_status="canceled")
    returned(shop, at("2026-03-12T09:00:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")], status="pending_review")
    with time_machine.travel(at("2026-03-15T09:00:00+00:00"), tick=False):
        CarrierClaim.objects.create(return_request=first, carrier="dhl", currency="USD", amount=Decimal("80.00"),
                                    status="paid")
        CarrierClaim.objects.create(return_request=first, carrier="dhl", currency="USD", amount=Decimal("20.00"))
    scope = scope_for(shop, *MARCH)

    rows = outcomes.dispositions(scope)
    claims = outcomes.carrier_claims(scope)
    auto = stages.auto_approval(scope)

    assert [(row.disposition, row.currency, row.units, row.value) for row in rows] == [
        ("restock", "USD", 2, Decimal("100.00")), ("scrap", "USD", 1, Decimal("15.00")),
    ]
    assert outcomes.value_recovered(rows) == {"USD": Decimal("100.00")}
    assert [(c.currency, c.filed, c.filed_value, c.recovered, c.recovered_value, c.rejected) for c in claims] == [
        ("USD", 2, Decimal("100.00"), 1, Decimal("80.00"), 0),
    ]
    assert (auto.requests, auto.auto_approved, auto.overturned) == (3, 2, 1)
    assert (auto.auto_approval_rate, auto.overturn_rate) == (Decimal("0.6667"), Decimal("0.5000"))


@pytest.mark.parametrize(("first", "last", "message"), [
    (date(2026, 3, 2), date(2026, 3, 1), "The period ends before it starts."),
    (date(2023, 1, 1), date(2026, 3, 1), "A period covers at most three years."),
])
def test_bad_periods_are_refused(shop, first, last, message):
    with pytest.raises(Exception) as refused:
        scope_for(shop, first, last)
    assert refused.value.message_dict == {"to": [message]}


def test_targets_are_part_of_the_policy():
    assert PolicyRules.from_json({"target_hours_decision": 12}).target_hours_decision == 12
    assert PolicyRules().to_json()["target_hours_request_to_money"] == 336
    with pytest.raises(Exception) as refused:
        PolicyRules.from_json({"target_hours_decision": 0})
    assert refused.value.message_dict == {"target_hours_decision": ["Must be between 1 and 8760."]}


def test_return_rate_drills_down_category_to_product_to_variant(seeded):
    scope = scope_for(seeded, *MARCH)

    shoes = rates.return_rates(scope, "product", within={"category_id": "C-SHOES"})
    assert rows_by_key(shoes) == {("P-SHOE", "USD"): (10, Decimal("500.00"), 4, Decimal("200.00"))}
    assert [(row.currency, row.sold_units, row.returned_units) for row in shoes.totals] == [("USD", 10, 4)]
    caps = rates.return_rates(scope, "variant", within={"product_id": "P-CAP"})
    assert rows_by_key(caps) == {
        ("V-CAP", "USD"): (10, Decimal("150.00"), 2, Decimal("30.00")),
        ("V-CAP", "EUR"): (5, Decimal("100.00"), 1, Decimal("20.00")),
    }
    assert rates.return_rates(scope, "variant", within={"product_type_id": "T-HEADWEAR"}).total_count == 2
    # an unknown category narrows to nothing; an empty one narrows nothing
    assert rates.return_rates(scope, "product", within={"category_id": "C-NONE"}).total_count == 0
    assert rates.return_rates(scope, "product", within={"category_id": ""}).total_count == 3
