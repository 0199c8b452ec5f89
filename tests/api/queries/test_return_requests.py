"""returnRequests (staff), myReturnRequests and returnRequest."""

from datetime import datetime, timezone

import pytest
from django.db import connection
from graphene import relay
from django.test.utils import CaptureQueriesContext

from saleor_returns.models import CustomerStatus, ReturnEvent, ReturnRequest, ReturnShipment
from tests.factories import InstallationFactory, ReturnLineFactory, ReturnRequestFactory, reason_for

LIST = """
query($filter: ReturnRequestFilterInput, $sortBy: ReturnRequestSortingInput, $first: Int, $after: String) {
  returnRequests(filter: $filter, sortBy: $sortBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { number status kind orderNumber customerEmail channelSlug shipments { trackingNumber events { status } }
                   lines { sku requestedQuantity reason { code label } unitPrice { amount } }
                   timeline { type } requestedValue { amount currency } } }
  }
}
"""


def numbers(result):
    return [edge["node"]["number"] for edge in result["data"]["returnRequests"]["edges"]]


def seed(shop, count, **fields):
    requests = []
    for index in range(count):
        request = ReturnRequestFactory(installation=shop, number=index + 1, **fields)
        ReturnLineFactory(return_request=request, reason=reason_for(shop, "DEFECT"), reason_code="DEFECT")
        ReturnLineFactory(return_request=request, reason=reason_for(shop, "CHANGED_MIND"), reason_code="CHANGED_MIND")
        ReturnEvent.objects.create(return_request=request, type="created", actor_kind="customer")
        ReturnShipment.objects.create(return_request=request, method="self_ship", carrier="UPS", tracking_number=f"1Z{index}")
        requests.append(request)
    return requests


@pytest.mark.parametrize("rows", [10, 100])
def test_the_list_runs_a_constant_number_of_queries(as_staff, shop, rows):
    # given
    seed(shop, rows)

    # when
    with CaptureQueriesContext(connection) as queries:
        result = as_staff(LIST, {"first": 100})

    # then: the same count for 10 and 100 rows
    assert len(numbers(result)) == rows
    # installation, count, page, lines (with reasons), events, shipments, tracking events:
    # nothing for what the query does not ask (evidence, carrier claims)
    assert len(queries) == 7, [q["sql"] for q in queries]


EVERYTHING = """
fragment Line on ReturnLine { sku reason { code } evidence { filename } }
query($first: Int) {
  returnRequests(first: $first) {
    edges { node { number policyVersion refund { status } replacementOrder { status } carrierClaims { reference }
                   ... on ReturnRequest { lines { ...Line } timeline { type } }
                   shipments { events { status } } requestedValue { amount } } }
  }
}
"""


@pytest.mark.parametrize("rows", [10, 100])
def test_asking_for_every_relation_still_runs_a_constant_number_of_queries(as_staff, shop, rows):
    # given
    seed(shop, rows)

    # when: every prefetched relation asked, some through fragments
    with CaptureQueriesContext(connection) as queries:
        result = as_staff(EVERYTHING, {"first": 100})

    # then
    nodes = [edge["node"] for edge in result["data"]["returnRequests"]["edges"]]
    assert len(nodes) == rows
    assert all(len(node["lines"]) == 2 and node["lines"][0]["evidence"] == [] for node in nodes)
    assert all(node["timeline"] == [{"type": "CREATED"}] and node["carrierClaims"] == [] for node in nodes)
    assert all(node["policyVersion"] >= 1 and node["refund"] is None for node in nodes)
    # installation, count, page (with policy, refund and replacement order), lines (with reasons),
    # evidence, events, carrier claims, shipments, tracking events
    assert len(queries) == 9, [q["sql"] for q in queries]


STATUSES = "{ returnRequests(first: 100) { edges { node { number customerStatus { customer status } } } } }"


def count_status_queries(as_staff, shop, rows):
    for index in range(rows):
        ReturnRequestFactory(installation=shop, number=index + 1, customer_user_id=f"user-{index}",
                             customer_email=f"buyer{index}@example.com")
    for index in range(0, rows, 2):
        CustomerStatus.objects.create(installation=shop, customer_key=f"user:user-{index}", status="watch",
                                      set_by="staff@example.com", set_at=datetime(2026, 1, 5, tzinfo=timezone.utc))
    with CaptureQueriesContext(connection) as queries:
        result = as_staff(STATUSES)
    statuses = {edge["node"]["number"]: edge["node"]["customerStatus"] for edge in result["data"]["returnRequests"]["edges"]}
    return len(queries), statuses


def test_customer_statuses_are_read_in_one_query_for_the_whole_page(as_staff, shop):
    # given / when: 2 returns, then 10 more in another run of the same list
    two, statuses_of_two = count_status_queries(as_staff, shop, 2)
    ReturnRequest.objects.filter(installation=shop).delete()
    CustomerStatus.objects.filter(installation=shop).delete()
    ten, statuses_of_ten = count_status_queries(as_staff, shop, 10)

    # then: the same number of queries, and each return shows its own customer's status
    assert two == ten
    assert statuses_of_two == {"RMA-000001": {"customer": "user:user-0", "status": "WATCH"}, "RMA-000002": None}
    assert len(statuses_of_ten) == 10
    assert statuses_of_ten["RMA-000009"] == {"customer": "user:user-8", "status": "WATCH"}
    assert statuses_of_ten["RMA-000010"] is None


def test_a_list_of_plain_fields_reads_only_the_page(as_staff, shop):
    # given
    seed(shop, 3)

    # when
    with CaptureQueriesContext(connection) as queries:
        result = as_staff("{ returnRequests(first: 10) { totalCount edges { node { number status createdAt } } } }")

    # then: installation, count, page
    assert result["data"]["returnRequests"]["totalCount"] == 3
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_filters(as_staff, shop):
    # given
    requests = seed(shop, 4)
    ReturnRequestFactory(installation=InstallationFactory())  # another shop's
    requests[0].status = "approved"
    requests[0].customer_email = "alice@example.com"
    requests[0].save()
    requests[1].kind = "damaged_on_arrival"
    requests[1].channel_slug = "eu"
    requests[1].order_number = "777"
    requests[1].save()
    requests[2].created_at = datetime(2026, 1, 5, tzinfo=timezone.utc)
    requests[2].save()

    # then
    def run(filter_):
        return numbers(as_staff(LIST, {"filter": filter_}))

    assert run({"status": ["APPROVED"]}) == ["RMA-000001"]
    assert run({"kind": ["DAMAGED_ON_ARRIVAL"]}) == ["RMA-000002"]
    assert run({"channel": ["eu"]}) == ["RMA-000002"]
    assert run({"orderNumber": "#777"}) == ["RMA-000002"]
    assert run({"customerEmail": "ALICE@example.com"}) == ["RMA-000001"]
    assert run({"createdAt": {"lte": "2026-02-01T00:00:00+00:00"}}) == ["RMA-000003"]
    assert run({"search": "RMA-000004"}) == ["RMA-000004"]
    assert run({"search": "alice@"}) == ["RMA-000001"]
    assert sorted(run({"reason": ["DEFECT"]})) == ["RMA-000001", "RMA-000002", "RMA-000003", "RMA-000004"]
    assert run({"reason": ["EXPIRED"]}) == []


def test_sorting_and_cursor_pagination(as_staff, shop):
    seed(shop, 5)
    ascending = {"field": "NUMBER", "direction": "ASC"}
    first = as_staff(LIST, {"sortBy": ascending, "first": 2})["data"]["returnRequests"]
    assert [e["node"]["number"] for e in first["edges"]] == ["RMA-000001", "RMA-000002"]
    assert first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"] is True
    second = as_staff(LIST, {"sortBy": ascending, "first": 2, "after": first["pageInfo"]["endCursor"]})
    assert numbers(second) == ["RMA-000003", "RMA-000004"]
    descending = numbers(as_staff(LIST, {"sortBy": {"field": "NUMBER", "direction": "DESC"}, "first": 2}))
    assert descending == ["RMA-000005", "RMA-000004"]


@pytest.mark.parametrize(("_case", "variables", "message"), [
    ("page too large", {"first": 101}, "first must be between 1 and 100."),
    ("bad cursor", {"after": "garbage"}, "The cursor is not valid."),
])
def test_bad_pagination_is_a_clear_error(as_staff, shop, _case, variables, message):
    result = as_staff(LIST, variables)
    assert result["data"]["returnRequests"] is None
    assert result["errors"][0]["message"] == message


MINE = "{ myReturnRequests(first: 10) { totalCount edges { node { number customerEmail } } } }"


def test_customers_list_their_own_requests_only(as_alice, as_bob, shop):
    ReturnRequestFactory(installation=shop, number=1, customer_user_id="alice-id")
    alice_id = as_alice("{ viewer { userId } }")["data"]["viewer"]["userId"]
    ReturnRequestFactory(installation=shop, number=2, customer_user_id=alice_id)
    mine = as_alice(MINE)["data"]["myReturnRequests"]
    assert [e["node"]["number"] for e in mine["edges"]] == ["RMA-000002"]
    assert as_bob(MINE)["data"]["myReturnRequests"]["totalCount"] == 0


def test_staff_have_no_own_requests(as_staff, shop):
    result = as_staff(MINE)
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_staff_of_another_shop_do_not_see_this_shops_requests(client, shop, fake_saleor, as_staff):
    # given: a request in another shop, and this shop's staff asking for it by id
    other = ReturnRequestFactory(installation=InstallationFactory())
    other_id = relay.Node.to_global_id("ReturnRequest", str(other.pk))

    # then
    result = as_staff("query($id: ID!) { returnRequest(id: $id) { number } }", {"id": other_id})
    assert result["data"]["returnRequest"] is None
    assert numbers(as_staff(LIST)) == []
