"""The eligibility engine: per line, what can be returned until when, or every reason why not."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_returns import policies
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.policies import FULFILLMENT_RMA_KEY
from saleor_returns.policy_rules import PolicyRules
from tests.orders import fulfillment, order_line, order_snapshot

SHIPPED = datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc)


def check(order, *, rules=None, requested=None, now=None):
    results = policies.check_eligibility(
        order=order, rules=rules or PolicyRules(), already_requested=requested or {}, now=now or SHIPPED + timedelta(days=5)
    )
    return {result.order_line_id: result for result in results}


def codes(result):
    return [problem.code for problem in result.ineligible]


def test_a_shipped_line_in_the_window_is_returnable():
    order = order_snapshot(lines=[order_line("L1", quantity=2)], fulfillments=[fulfillment({"L1": 2}, created=SHIPPED)])
    result = check(order)["L1"]
    assert result.is_returnable
    assert result.returnable_quantity == 2
    assert result.shipped_quantity == 2
    assert result.deadline == datetime(2026, 12, 1, 23, 59, 59, 999999, tzinfo=ZoneInfo("UTC"))
    assert codes(result) == []


def test_an_unshipped_line_is_not_fulfilled():
    order = order_snapshot(lines=[order_line("L1", quantity=2)], fulfillments=[])
    result = check(order)["L1"]
    assert (result.returnable_quantity, codes(result)) == (0, [ReturnErrorCode.NOT_FULFILLED])
    assert result.deadline is None


def test_every_reason_is_reported_at_once():
    # given: a final-sale item, shipped long ago, in a non-returnable product type
    order = order_snapshot(
        lines=[order_line("L1", metadata={"final_sale": "true"}, product_type_id="PT-1")],
        fulfillments=[fulfillment({"L1": 1}, created=SHIPPED)],
    )
    rules = PolicyRules.from_json({"overrides": [{"kind": "product_type", "id": "PT-1", "is_returnable": False}]})

    # when
    result = check(order, rules=rules, now=SHIPPED + timedelta(days=90))["L1"]

    # then
    assert codes(result) == [ReturnErrorCode.FINAL_SALE, ReturnErrorCode.NOT_RETURNABLE, ReturnErrorCode.WINDOW_EXPIRED]
    assert result.returnable_quantity == 0


def test_already_requested_units_are_not_returnable_again():
    order = order_snapshot(lines=[order_line("L1", quantity=3)], fulfillments=[fulfillment({"L1": 3}, created=SHIPPED)])
    assert check(order, requested={"L1": 2})["L1"].returnable_quantity == 1
    result = check(order, requested={"L1": 3})["L1"]
    assert (result.returnable_quantity, codes(result)) == (0, [ReturnErrorCode.ALREADY_RETURNED])


def test_units_returned_in_saleor_outside_the_app_are_not_returnable():
    # given: Saleor moved one unit to a RETURNED fulfillment (the Dashboard's own return)
    order = order_snapshot(
        lines=[order_line("L1", quantity=2)],
        fulfillments=[fulfillment({"L1": 1}, created=SHIPPED), fulfillment({"L1": 1}, status="RETURNED", created=SHIPPED)],
    )
    result = check(order)["L1"]
    assert (result.shipped_quantity, result.returnable_quantity) == (2, 1)


def test_units_the_app_returned_in_saleor_count_once():
    # given: the app's own return of one unit shows in Saleor and in its requests
    order = order_snapshot(
        lines=[order_line("L1", quantity=2)],
        fulfillments=[
            fulfillment({"L1": 1}, created=SHIPPED),
            fulfillment({"L1": 1}, status="RETURNED", created=SHIPPED, metadata={FULFILLMENT_RMA_KEY: "RMA-000001"}),
        ],
    )
    assert check(order, requested={"L1": 1})["L1"].returnable_quantity == 1


def test_the_window_counts_from_delivery_when_known():
    delivered = SHIPPED + timedelta(days=6)
    order = order_snapshot(
        lines=[order_line("L1")],
        fulfillments=[fulfillment({"L1": 1}, created=SHIPPED, metadata={"delivered_at": delivered.isoformat()})],
    )
    result = check(order, rules=PolicyRules(window_days=7), now=SHIPPED + timedelta(days=10))["L1"]
    assert result.window_starts_at == delivered
    assert result.is_returnable


def test_an_override_gives_a_category_a_longer_window():
    order = order_snapshot(
        lines=[order_line("L1", category_id="CAT-1"), order_line("L2")],
        fulfillments=[fulfillment({"L1": 1, "L2": 1}, created=SHIPPED)],
    )
    rules = PolicyRules.from_json({"window_days": 14, "overrides": [{"kind": "category", "id": "CAT-1", "window_days": 60}]})
    results = check(order, rules=rules, now=SHIPPED + timedelta(days=30))
    assert results["L1"].is_returnable
    assert codes(results["L2"]) == [ReturnErrorCode.WINDOW_EXPIRED]


@pytest.mark.parametrize("status", ["DRAFT", "UNCONFIRMED", "CANCELED", "EXPIRED"])
def test_orders_never_placed_or_called_off_are_not_returnable(status):
    order = order_snapshot(status=status, lines=[order_line("L1")], fulfillments=[fulfillment({"L1": 1}, created=SHIPPED)])
    assert codes(check(order)["L1"])[0] == ReturnErrorCode.ORDER_NOT_RETURNABLE


@pytest.mark.parametrize(
    ("_case", "zone", "shipped_at", "now", "returnable"),
    [
        # Shipped 2026-11-01 20:00 UTC = 2026-11-02 04:00 in Shanghai: the 7 days end 2026-11-09 23:59:59 Shanghai.
        ("Shanghai, last minute", "Asia/Shanghai", datetime(2026, 11, 1, 20, 0, tzinfo=timezone.utc), datetime(2026, 11, 9, 15, 59, tzinfo=timezone.utc), True),
        ("Shanghai, a minute late", "Asia/Shanghai", datetime(2026, 11, 1, 20, 0, tzinfo=timezone.utc), datetime(2026, 11, 9, 16, 0, 1, tzinfo=timezone.utc), False),
        # The same moment is still 2026-11-01 in New York: the window ends 2026-11-08 23:59:59 EST.
        ("New York, last minute", "America/New_York", datetime(2026, 11, 1, 20, 0, tzinfo=timezone.utc), datetime(2026, 11, 9, 4, 59, tzinfo=timezone.utc), True),
        ("New York, a minute late", "America/New_York", datetime(2026, 11, 1, 20, 0, tzinfo=timezone.utc), datetime(2026, 11, 9, 5, 0, 1, tzinfo=timezone.utc), False),
        ("UTC", "UTC", datetime(2026, 11, 1, 20, 0, tzinfo=timezone.utc), datetime(2026, 11, 8, 23, 59, tzinfo=timezone.utc), True),
    ],
)
def test_deadlines_end_at_midnight_in_the_shops_time_zone(_case, zone, shipped_at, now, returnable):
    order = order_snapshot(lines=[order_line("L1")], fulfillments=[fulfillment({"L1": 1}, created=shipped_at)])
    result = check(order, rules=PolicyRules(window_days=7, time_zone=zone), now=now)["L1"]
    assert result.is_returnable is returnable


def test_deadline_across_a_daylight_saving_change():
    # Berlin leaves summer time on 2026-10-25: the deadline is still local midnight.
    start = datetime(2026, 10, 20, 12, 0, tzinfo=timezone.utc)
    deadline = policies.deadline_for(start, 7, "Europe/Berlin")
    assert deadline.astimezone(timezone.utc) == datetime(2026, 10, 27, 22, 59, 59, 999999, tzinfo=timezone.utc)


@settings(max_examples=200, deadline=None)
@given(
    ordered=st.integers(min_value=1, max_value=8),
    data=st.data(),
)
def test_returnable_never_exceeds_shipped_minus_already_requested(ordered, data):
    shipped_open = data.draw(st.integers(min_value=0, max_value=ordered))
    returned_outside = data.draw(st.integers(min_value=0, max_value=ordered - shipped_open))
    returned_by_app = data.draw(st.integers(min_value=0, max_value=ordered - shipped_open - returned_outside))
    requested = data.draw(st.integers(min_value=0, max_value=10))
    fulfillments = []
    if shipped_open:
        fulfillments.append(fulfillment({"L1": shipped_open}, created=SHIPPED))
    if returned_outside:
        fulfillments.append(fulfillment({"L1": returned_outside}, status="RETURNED", created=SHIPPED))
    if returned_by_app:
        fulfillments.append(
            fulfillment({"L1": returned_by_app}, status="REFUNDED_AND_RETURNED", created=SHIPPED, metadata={FULFILLMENT_RMA_KEY: "RMA-1"})
        )
    order = order_snapshot(lines=[order_line("L1", quantity=ordered)], fulfillments=fulfillments)

    result = check(order, requested={"L1": requested})["L1"]

    shipped = shipped_open + returned_outside + returned_by_app
    assert 0 <= result.returnable_quantity <= max(0, shipped - returned_outside - requested)
    assert result.returnable_quantity <= max(0, shipped_open + returned_by_app - requested)
    assert result.shipped_quantity == shipped
    if result.returnable_quantity == 0:
        assert result.ineligible
