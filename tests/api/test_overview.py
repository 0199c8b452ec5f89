"""The desk's staff queries: returnOverview, returnStatusCounts, returnChannels, returnWarehouses,
and returnRequests narrowed to one order."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from graphql_relay import from_global_id

from saleor_returns.inspection import actions as inspection_actions
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import Refund, ReturnRequest
from saleor_returns.requestors import SYSTEM, Actor
from saleor_returns.requests import actions as request_actions
from saleor_returns.shipping import actions as shipping_actions
from tests.api.conftest import create_request, shipped_order
from tests.factories import InstallationFactory, ReturnRequestFactory

MISTAKE = "ORDERED_BY_MISTAKE"  # needs no photo, unlike DEFECT
STAFF = Actor(kind="staff", id="VXNlcjox", email="staff@example.com")
OVERVIEW = """query($channel: String, $days: Int) { returnOverview(channelSlug: $channel, days: $days) {
  timeZone statusCounts { status count } openCount
  reviewQueue { count oldestCreatedAt medianAgeHours buckets { label count } }
  medianHoursToRefund refundsThisMonth { count amount { amount currency } }
  requestsByDay { date count } topReasons { code count } } }"""
STATUS_COUNTS = "query($filter: ReturnRequestFilterInput) { returnStatusCounts(filter: $filter) { status count } }"
CHANNELS = "{ returnChannels }"
WAREHOUSES = "{ returnWarehouses { id name } }"
LIST = "query($filter: ReturnRequestFilterInput) { returnRequests(filter: $filter) { totalCount edges { node { number orderId } } } }"
APPROVE = "mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }"
RESOLVE = """mutation($id: ID!) { returnRequestResolve(id: $id, resolution: REFUND) {
  refund { status amount { amount currency } } errors { field code message } } }"""
ALL_STATUSES = [
    "REQUESTED", "PENDING_REVIEW", "APPROVED", "REJECTED", "CANCELED", "AWAITING_SHIPMENT", "IN_TRANSIT",
    "RECEIVED", "INSPECTED", "RESOLVED", "CLOSED",
]


def order_in(fake_saleor, user, channel_slug, currency="USD"):
    """A shipped order of `user` in a channel: two sneakers (25.00 each) and a jacket (40.00)."""
    order = fake_saleor.add_order(
        user=user, user_email=user["email"], channel_slug=channel_slug, currency=currency, shipping=Decimal("10.00"),
        created=timezone.now() - timedelta(days=5),
        lines=[
            {"sku": "SNEAKER-42", "quantity": 2, "unit_price": Decimal("25.00"), "product_name": "Sneaker"},
            {"sku": "JACKET-M", "quantity": 1, "unit_price": Decimal("40.00"), "product_name": "Jacket"},
        ],
    )
    fake_saleor.fulfill(order, created=timezone.now() - timedelta(days=3))
    return order


def statuses(pairs) -> dict:
    return {pair["status"]: pair["count"] for pair in pairs}


def zeros(**counts) -> dict:
    return {status: counts.get(status, 0) for status in ALL_STATUSES}


def refunded(as_staff, fake_saleor, request_id, order, capture):
    """Approve, receive, accept and refund one request end to end, through the domain and the API."""
    return_request = ReturnRequest.objects.get(pk=from_global_id(request_id)[1])
    fake_saleor.add_transaction(order, charged=Decimal("100.00"))
    request_actions.approve_return_request(return_request=return_request, actor=STAFF)
    shipping_actions.add_customer_tracking(return_request=return_request, actor=STAFF, carrier="UPS", tracking_number="1Z1")
    line = return_request.lines.get()
    inspection_actions.receive_return_lines(return_request=return_request, actor=STAFF, quantities={str(line.pk): line.requested_quantity})
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[
        inspection_actions.InspectionInput(line_id=str(line.pk), accepted_quantity=line.requested_quantity, condition="as_new",
                                disposition="scrap")
    ])
    with capture(execute=True):
        payload = as_staff(RESOLVE, {"id": request_id})
    assert payload["data"]["returnRequestResolve"]["errors"] == []
    return Refund.objects.get(return_request=return_request)


def test_overview_figures(as_staff, as_alice, fake_saleor, alice, django_capture_on_commit_callbacks):
    # given: two requests waiting for review, one approved, one refunded; another shop's request
    orders = [order_in(fake_saleor, alice, "default-channel") for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        requests = [create_request(as_alice, order, {0: 1}, reason=reason)
                    for order, reason in zip(orders, [MISTAKE, MISTAKE, "CHANGED_MIND", MISTAKE])]
    as_staff(APPROVE, {"id": requests[2]["id"]})
    refund = refunded(as_staff, fake_saleor, requests[3]["id"], orders[3], django_capture_on_commit_callbacks)
    ReturnRequestFactory(installation=InstallationFactory())

    # when
    figures = as_staff(OVERVIEW)["data"]["returnOverview"]

    # then
    assert figures["timeZone"] == "UTC"
    assert statuses(figures["statusCounts"]) == zeros(PENDING_REVIEW=2, APPROVED=1, RESOLVED=1)
    assert [pair["status"] for pair in figures["statusCounts"]] == ALL_STATUSES
    assert figures["openCount"] == 3
    queue = figures["reviewQueue"]
    assert queue["count"] == 2
    assert queue["oldestCreatedAt"] is not None
    assert 0 <= queue["medianAgeHours"] < 1
    assert queue["buckets"] == [{"label": "<1d", "count": 2}, {"label": "1-3d", "count": 0},
                                {"label": "3-7d", "count": 0}, {"label": ">7d", "count": 0}]
    assert figures["medianHoursToRefund"] is not None
    assert refund.status == "succeeded"
    assert figures["refundsThisMonth"] == [{"count": 1, "amount": {"amount": "25.00", "currency": "USD"}}]
    assert len(figures["requestsByDay"]) == 30
    assert figures["requestsByDay"][-1] == {"date": timezone.now().date().isoformat(), "count": 4}
    assert figures["topReasons"] == [{"code": MISTAKE, "count": 3}, {"code": "CHANGED_MIND", "count": 1}]


def test_overview_for_one_channel(as_staff, as_alice, fake_saleor, alice, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        create_request(as_alice, order_in(fake_saleor, alice, "eu"), reason=MISTAKE)
        create_request(as_alice, order_in(fake_saleor, alice, "us"), reason="CHANGED_MIND")

    # when
    figures = as_staff(OVERVIEW, {"channel": "eu"})["data"]["returnOverview"]

    # then
    assert statuses(figures["statusCounts"]) == zeros(PENDING_REVIEW=1)
    assert figures["reviewQueue"]["count"] == 1
    assert figures["topReasons"] == [{"code": MISTAKE, "count": 1}]


@pytest.mark.parametrize(("_case", "days", "expected"), [
    ("one day at least", 0, 1),
    ("a week", 7, 7),
    ("a leap year at most", 1000, 366),
])
def test_overview_days_are_bounded(as_staff, _case, days, expected):
    # when
    by_day = as_staff(OVERVIEW, {"days": days})["data"]["returnOverview"]["requestsByDay"]

    # then
    assert len(by_day) == expected
    assert by_day[-1]["date"] == timezone.now().date().isoformat()
    assert date.fromisoformat(by_day[0]["date"]) == timezone.now().date() - timedelta(days=expected - 1)


def test_overview_follows_the_shop_time_zone(as_staff, shop):
    # given
    installation_actions.update_return_policy(installation=shop, channel_slug="", rules={"time_zone": "Asia/Shanghai"}, preset=None,
                                 actor=SYSTEM)

    # when
    figures = as_staff(OVERVIEW, {"days": 1})["data"]["returnOverview"]

    # then
    assert figures["timeZone"] == "Asia/Shanghai"
    assert figures["requestsByDay"][0]["date"] == timezone.localtime(timezone=timezone.get_fixed_timezone(8 * 60)).date().isoformat()


def test_status_counts_ignore_the_status_filter_and_honour_the_others(as_staff, as_alice, fake_saleor, alice,
                                                                         django_capture_on_commit_callbacks):
    # given: in "eu" one pending and one approved request; in "us" one pending
    with django_capture_on_commit_callbacks(execute=True):
        eu_pending = create_request(as_alice, order_in(fake_saleor, alice, "eu"), reason=MISTAKE)
        eu_approved = create_request(as_alice, order_in(fake_saleor, alice, "eu"), reason="CHANGED_MIND")
        create_request(as_alice, order_in(fake_saleor, alice, "us"), reason=MISTAKE)
    as_staff(APPROVE, {"id": eu_approved["id"]})

    # when
    def run(filter_):
        return statuses(as_staff(STATUS_COUNTS, {"filter": filter_})["data"]["returnStatusCounts"])

    # then
    assert run(None) == zeros(PENDING_REVIEW=2, APPROVED=1)
    assert run({"status": ["APPROVED"]}) == zeros(PENDING_REVIEW=2, APPROVED=1)
    assert run({"status": ["APPROVED"], "channel": ["eu"]}) == zeros(PENDING_REVIEW=1, APPROVED=1)
    assert run({"reason": [MISTAKE]}) == zeros(PENDING_REVIEW=2)
    assert run({"search": eu_pending["number"]}) == zeros(PENDING_REVIEW=1)
    assert run({"orderId": eu_approved["orderId"]}) == zeros(APPROVED=1)


def test_status_counts_count_a_request_once_when_several_lines_match_a_reason(as_staff, as_alice, alices_order,
                                                                               django_capture_on_commit_callbacks):
    # given: one request, two lines, two matching reasons
    with django_capture_on_commit_callbacks(execute=True):
        created = as_alice(
            "mutation($input: ReturnRequestCreateInput!) { returnRequestCreate(input: $input) { errors { code } } }",
            {"input": {"orderId": alices_order["id"], "lines": [
                {"orderLineId": alices_order["lines"][0]["id"], "quantity": 1, "reason": MISTAKE},
                {"orderLineId": alices_order["lines"][1]["id"], "quantity": 1, "reason": "CHANGED_MIND"},
            ]}},
        )
    assert created["data"]["returnRequestCreate"]["errors"] == []

    # when
    counts = as_staff(STATUS_COUNTS, {"filter": {"reason": [MISTAKE, "CHANGED_MIND"]}})["data"]["returnStatusCounts"]
    listed = as_staff(LIST, {"filter": {"reason": [MISTAKE, "CHANGED_MIND"]}})["data"]["returnRequests"]

    # then: the tab count agrees with the list
    assert statuses(counts) == zeros(PENDING_REVIEW=1)
    assert listed["totalCount"] == 1


def test_channels_come_from_requests_and_policies(as_staff, as_alice, fake_saleor, alice, shop,
                                                  django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        create_request(as_alice, order_in(fake_saleor, alice, "us"))
        create_request(as_alice, order_in(fake_saleor, alice, "eu"))
        create_request(as_alice, order_in(fake_saleor, alice, "eu"))
    installation_actions.update_return_policy(installation=shop, channel_slug="cn", rules={}, preset=None, actor=SYSTEM)
    other = InstallationFactory()
    ReturnRequestFactory(installation=other, channel_slug="elsewhere")

    # when
    channels = as_staff(CHANNELS)["data"]["returnChannels"]

    # then: sorted, once each, without the shop-wide policy's empty slug or another shop's channel
    assert channels == ["cn", "eu", "us"]


def test_warehouses_are_read_from_saleor(as_staff, fake_saleor):
    # given
    berlin = fake_saleor.add_warehouse("Berlin")
    shanghai = fake_saleor.add_warehouse("Shanghai")

    # when
    result = as_staff(WAREHOUSES)

    # then
    assert result.get("errors") is None, result["errors"]
    assert result["data"]["returnWarehouses"] == [
        {"id": berlin["id"], "name": "Berlin"},
        {"id": shanghai["id"], "name": "Shanghai"},
    ]


def test_return_requests_filtered_by_order_id(as_staff, as_alice, fake_saleor, alice, django_capture_on_commit_callbacks):
    # given: two requests for one order, one for another
    order = shipped_order(fake_saleor, alice)
    other_order = shipped_order(fake_saleor, alice)
    with django_capture_on_commit_callbacks(execute=True):
        first = create_request(as_alice, order, {0: 1})
        second = create_request(as_alice, order, {1: 1})
        create_request(as_alice, other_order)

    # when
    result = as_staff(LIST, {"filter": {"orderId": order["id"]}})["data"]["returnRequests"]

    # then
    assert result["totalCount"] == 2
    assert sorted(edge["node"]["number"] for edge in result["edges"]) == sorted([first["number"], second["number"]])
    assert {edge["node"]["orderId"] for edge in result["edges"]} == {order["id"]}
    assert as_staff(LIST, {"filter": {"orderId": "T3JkZXI6bm9uZQ=="}})["data"]["returnRequests"]["totalCount"] == 0


QUERIES = {
    "returnOverview": OVERVIEW,
    "returnStatusCounts": STATUS_COUNTS,
    "returnChannels": CHANNELS,
    "returnWarehouses": WAREHOUSES,
    "returnAttentionCount": "{ returnAttentionCount }",
}
DENIED_CALLERS = ["as_anonymous", "as_alice", "as_viewer"]


@pytest.mark.parametrize("who", DENIED_CALLERS)
@pytest.mark.parametrize("name", list(QUERIES))
def test_only_staff_who_manage_orders_may_ask(request, fake_saleor, name, who):
    # given
    fake_saleor.add_warehouse("Berlin")
    caller = request.getfixturevalue(who)

    # when
    result = caller(QUERIES[name])

    # then
    assert result["data"] is None
    assert len(result["errors"]) == 1
    error = result["errors"][0]
    assert error["extensions"]["exception"]["code"] == "PermissionDenied"
    assert error["path"] == [name]
    assert not [r for r in fake_saleor.requests if r["operation_name"] == "Warehouses"]


ATTENTION = """query($filter: ReturnRequestFilterInput) {
  returnAttentionCount(filter: $filter)
  returnStatusCounts(filter: $filter) { status count }
  returnRequests(filter: $filter, first: 20, sortBy: {field: NUMBER, direction: ASC}) { edges { node { number } } }
}"""


def test_returns_needing_attention_are_a_filter_and_a_count(as_staff, shop):
    from saleor_returns.models import ReplacementOrder, ReturnShipment
    from saleor_returns.states import ReturnStatus

    # given: what staff must act on, and what they need not
    def make(number, status, channel="default-channel"):
        return ReturnRequestFactory(installation=shop, number=number, status=status, channel_slug=channel)

    failed_refund = make(1, ReturnStatus.INSPECTED)
    Refund.objects.create(return_request=failed_refund, kind="original_payment", status="failed", currency="USD",
                          amount=Decimal("10.00"), preview={}, fingerprint="f1", failure_reason="Card expired.")
    failed_replacement = make(2, ReturnStatus.APPROVED)
    ReplacementOrder.objects.create(return_request=failed_replacement, variant_id="UHJvZHVjdFZhcmlhbnQ6MQ==", quantity=1,
                                    status="failed", failure_reason="Out of stock.")
    lost_parcel = make(3, ReturnStatus.IN_TRANSIT, channel="eu")
    ReturnShipment.objects.create(return_request=lost_parcel, method="label", flagged_reason="lost", flagged_at=timezone.now())
    failed_label = make(4, ReturnStatus.APPROVED)
    ReturnShipment.objects.create(return_request=failed_label, method="label", label_status="failed")
    flagged_but_arrived = make(5, ReturnStatus.RECEIVED)
    ReturnShipment.objects.create(return_request=flagged_but_arrived, method="label", flagged_reason="exception",
                                  flagged_at=timezone.now())
    refund_fine = make(6, ReturnStatus.RESOLVED)
    Refund.objects.create(return_request=refund_fine, kind="original_payment", status="succeeded", currency="USD",
                          amount=Decimal("10.00"), preview={}, fingerprint="f6")
    make(7, ReturnStatus.PENDING_REVIEW)
    ReturnRequestFactory(number=8, status=ReturnStatus.IN_TRANSIT)  # another shop's

    # when
    needing = as_staff(ATTENTION, {"filter": {"needsAttention": True}})["data"]
    not_needing = as_staff(ATTENTION, {"filter": {"needsAttention": False}})["data"]
    in_eu = as_staff(ATTENTION, {"filter": {"needsAttention": True, "channel": ["eu"]}})["data"]

    # then
    numbers = [edge["node"]["number"] for edge in needing["returnRequests"]["edges"]]
    assert numbers == ["RMA-000001", "RMA-000002", "RMA-000003", "RMA-000004"]
    assert [edge["node"]["number"] for edge in not_needing["returnRequests"]["edges"]] == [
        "RMA-000005", "RMA-000006", "RMA-000007"]
    assert needing["returnAttentionCount"] == not_needing["returnAttentionCount"] == 4
    assert in_eu["returnAttentionCount"] == 1
    # the tabs' status counts are the whole shop's, whatever the attention filter
    assert sum(item["count"] for item in needing["returnStatusCounts"]) == 7
