"""Frequent returners: the score and its components against values computed by hand, minimum volumes,
and the merchant's status read by the automatic review."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from graphql_relay import to_global_id

from saleor_returns.analytics.returners import frequent_returners
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import CustomerStatus, SoldOrder
from saleor_returns.requestors import SYSTEM
from saleor_returns.requests import review as request_review
from tests.analytics.conftest import at
from tests.api.conftest import alice, as_alice, as_staff, as_viewer, staff_user, viewer_user  # noqa: F401 - callers
from tests.factories import ReturnLineFactory, ReturnRequestFactory, reason_for

MARCH = {"first": date(2026, 3, 1), "last": date(2026, 3, 31)}
SOCK = {"sku": "SOCK", "unit_price": Decimal("10.00"), "product_name": "Sock"}


def bought(order_webhooks, fake_saleor, *, units: int, created: str, user=None, email=None) -> dict:
    order = fake_saleor.add_order(user=user, user_email=email, lines=[{**SOCK, "quantity": units}], created=at(created))
    order_webhooks.deliver("ORDER_CREATED", order)
    return order


def asked(shop, moment: str, *, user_id="", email, lines=(), status="approved", kind="return"):
    """A request made at `moment`; lines are (reason, requested, approved, unit net)."""
    with time_machine.travel(datetime.fromisoformat(moment), tick=False):
        return_request = ReturnRequestFactory(
            installation=shop, status=status, kind=kind, customer_user_id=user_id, customer_email=email
        )
        for reason, requested, approved, net in lines:
            ReturnLineFactory(
                return_request=return_request, variant_id="V1", reason=reason_for(shop, reason), reason_code=reason,
                requested_quantity=requested, approved_quantity=approved, unit_price_net_amount=Decimal(net),
                unit_price_gross_amount=Decimal(net),
            )
    return return_request


def test_the_ledger_keeps_whose_order_it_is(order_webhooks, shop, fake_saleor):
    # given
    alice = fake_saleor.add_customer("alice@example.com")

    # when
    account = bought(order_webhooks, fake_saleor, units=1, created="2026-03-02T10:00:00+00:00", user=alice)
    guest = bought(order_webhooks, fake_saleor, units=1, created="2026-03-02T10:00:00+00:00", email="Guest@Example.com")

    # then
    assert SoldOrder.objects.values_list("order_id", "customer_user_id", "customer_email").get(
        order_id=account["id"]) == (account["id"], alice["id"], "alice@example.com")
    assert SoldOrder.objects.values_list("customer_user_id", "customer_email").get(order_id=guest["id"]) == (
        "", "guest@example.com")


def test_customers_are_ranked_by_a_score_whose_components_explain_it(order_webhooks, shop, fake_saleor):
    # given: alice bought 9 socks at 10.00 in March and returned 7 (4 changed mind, 3 defective), had one
    # request refused and claimed one lost parcel; carol bought 2 and returned both; bob asked once
    alice = fake_saleor.add_customer("alice@example.com")
    bought(order_webhooks, fake_saleor, units=5, created="2026-03-02T10:00:00+00:00", user=alice)
    bought(order_webhooks, fake_saleor, units=4, created="2026-03-09T10:00:00+00:00", user=alice)
    bought(order_webhooks, fake_saleor, units=20, created="2026-02-09T10:00:00+00:00", user=alice)
    bought(order_webhooks, fake_saleor, units=2, created="2026-03-03T10:00:00+00:00", email="carol@example.com")
    user = {"user_id": alice["id"], "email": "alice@example.com"}
    asked(shop, "2026-03-05T10:00:00+00:00", **user, lines=[("CHANGED_MIND", 4, 4, "10.00")])
    asked(shop, "2026-03-12T10:00:00+00:00", **user, lines=[("DEFECT", 3, 3, "10.00")], status="resolved")
    asked(shop, "2026-03-13T10:00:00+00:00", **user, lines=[("CHANGED_MIND", 2, None, "10.00")], status="rejected")
    asked(shop, "2026-03-14T10:00:00+00:00", **user, lines=[("DAMAGED_IN_TRANSIT", 1, 1, "10.00")], kind="parcel_lost")
    asked(shop, "2026-02-14T10:00:00+00:00", **user, lines=[("CHANGED_MIND", 9, 9, "10.00")])
    asked(shop, "2026-03-06T10:00:00+00:00", email="Carol@Example.com", lines=[("CHANGED_MIND", 1, 1, "10.00")])
    asked(shop, "2026-03-07T10:00:00+00:00", email="carol@example.com", lines=[("CHANGED_MIND", 1, 1, "10.00")])
    asked(shop, "2026-03-08T10:00:00+00:00", email="bob@example.com", lines=[("CHANGED_MIND", 3, 3, "10.00")])

    # when
    ranking = frequent_returners(shop, **MARCH)

    # then: 40·7/9 + 20·70/90 + 15·4/7 + 15·1/3 + 10·1/3 = 63.57; carol's 2 units are too few to rate
    assert [(row.customer_key, row.score) for row in ranking] == [
        (f"user:{alice['id']}", Decimal("63.57")),
        ("email:carol@example.com", Decimal("15.00")),
    ]
    first = ranking[0]
    assert (first.requests, first.bought_units, first.returned_units, first.bought_value, first.returned_value) == (
        4, 9, 7, Decimal("90.00"), Decimal("70.00"))
    assert [(c.name, c.weight, c.points, c.reason) for c in first.components] == [
        ("return_rate", Decimal(40), Decimal("31.11"), "returned 7 of 9 units bought"),
        ("value_rate", Decimal(20), Decimal("15.56"), "returned 70.00 USD of 90.00 USD bought"),
        ("not_shop_fault", Decimal(15), Decimal("8.57"), "4 of 7 units returned for a reason not the shop's fault"),
        ("claims", Decimal(15), Decimal("5.00"), "1 claim, 1 of a lost parcel"),
        ("rejected", Decimal(10), Decimal("3.33"), "1 request refused"),
    ]
    assert [(c.name, c.points, c.reason) for c in ranking[1].components[:2]] == [
        ("return_rate", Decimal("0.00"), "too few purchases to rate: 2 units bought"),
        ("value_rate", Decimal("0.00"), "too few purchases to rate: 2 units bought"),
    ]


def test_one_request_never_makes_a_frequent_returner(shop):
    # given
    asked(shop, "2026-03-08T10:00:00+00:00", email="bob@example.com", lines=[("CHANGED_MIND", 3, 3, "10.00")])

    # when / then
    assert frequent_returners(shop, **MARCH) == []


# --------------------------------------------------------------------------- the automatic review

AUTO = {"auto_approval": {"enabled": True, "max_value": "60", "reason_codes": ["CHANGED_MIND"]}}


def set_status(shop, status: str, email="alice@example.com") -> None:
    CustomerStatus.objects.create(
        installation=shop, customer_key=CustomerStatus.key_for(customer_user_id="", customer_email=email),
        status=status, note="", set_by="staff@example.com", set_at=at("2026-03-01T00:00:00+00:00"),
    )


def reviewed(shop, *, rules, value="10.00", status_of=None):
    installation_actions.update_return_policy(installation=shop, channel_slug="", rules=rules, preset=None, actor=SYSTEM)
    if status_of:
        set_status(shop, status_of)
    return_request = asked(shop, "2026-03-08T10:00:00+00:00", user_id="", email="Alice@Example.com",
                           lines=[("CHANGED_MIND", 1, None, value)], status="requested")
    return request_review.review_return_request(return_request_id=return_request.pk)


@pytest.mark.parametrize("_case, status, note", [
    ("blocked", "block", "Left for staff: the shop blocked this customer."),
    ("watched", "watch", "Left for staff: the shop watches this customer."),
])
def test_a_blocked_or_watched_customer_waits_for_staff_with_a_note_saying_why(shop, _case, status, note):
    # when: a request every rule would approve
    return_request = reviewed(shop, rules=AUTO, status_of=status)

    # then
    assert return_request.status == "pending_review"
    assert return_request.is_auto_approved is False
    notes = return_request.events.filter(type="note_added")
    assert [(event.note, event.is_visible_to_customer) for event in notes] == [(note, False)]


def test_a_customer_without_status_is_approved_by_the_rules(shop):
    return_request = reviewed(shop, rules=AUTO)
    assert return_request.status == "approved"
    assert not return_request.events.filter(type="note_added").exists()


@pytest.mark.parametrize("_case, switch, expected", [("switch on", True, "approved"), ("switch off", False, "pending_review")])
def test_a_vip_is_approved_beyond_the_rules_only_where_the_policy_says(shop, _case, switch, expected):
    # given: a request over the value limit
    rules = {"auto_approval": {**AUTO["auto_approval"], "approve_vip_beyond_rules": switch}}

    # when
    return_request = reviewed(shop, rules=rules, value="90.00", status_of="vip")

    # then
    assert return_request.status == expected
    notes = list(return_request.events.filter(type="note_added").values_list("note", flat=True))
    assert notes == (["Approved automatically: the shop marked this customer VIP."] if switch else [])


# --------------------------------------------------------------------------- the API

RANKING = """query($after: String) { returnFrequentReturners(from: "2026-03-01", to: "2026-03-31", first: 1, after: $after) {
  edges { cursor node { customer requests returnedUnits returnedValue { amount currency } score
    components { name weight points reason } status { status note } } }
  pageInfo { hasNextPage endCursor } } }"""
SET = """mutation($customer: String!, $status: ReturnCustomerStatusEnum, $note: String) {
  returnCustomerStatusSet(customer: $customer, status: $status, note: $note) {
    customerStatus { customer status note setBy } errors { field code message } } }"""


def test_staff_page_through_the_ranking_and_set_a_customers_status(as_staff, shop):
    # given: carol and dave each asked twice
    for email in ("carol@example.com", "dave@example.com"):
        for day in (6, 7):
            asked(shop, f"2026-03-0{day}T10:00:00+00:00", email=email, lines=[("CHANGED_MIND", 1, 1, "10.00")])

    # when
    first = as_staff(RANKING, {"after": None})["data"]["returnFrequentReturners"]
    second = as_staff(RANKING, {"after": first["pageInfo"]["endCursor"]})["data"]["returnFrequentReturners"]
    marked = as_staff(SET, {"customer": "email:Dave@Example.com", "status": "BLOCK", "note": "Wears and returns"})

    # then
    assert [edge["node"]["customer"] for edge in first["edges"] + second["edges"]] == [
        "email:carol@example.com", "email:dave@example.com"]
    assert (first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]) == (True, False)
    assert first["edges"][0]["node"]["returnedValue"] == {"amount": "20.00", "currency": "USD"}
    assert marked["data"]["returnCustomerStatusSet"] == {
        "customerStatus": {"customer": "email:dave@example.com", "status": "BLOCK", "note": "Wears and returns",
                           "setBy": marked["data"]["returnCustomerStatusSet"]["customerStatus"]["setBy"]},
        "errors": [],
    }
    assert marked["data"]["returnCustomerStatusSet"]["customerStatus"]["setBy"]
    again = as_staff(RANKING, {"after": first["pageInfo"]["endCursor"]})["data"]["returnFrequentReturners"]
    assert again["edges"][0]["node"]["status"] == {"status": "BLOCK", "note": "Wears and returns"}


@pytest.mark.parametrize("_case, customer, field, message", [
    ("no kind", "dave@example.com", "customer", 'Name the customer as "user:<id>" or "email:<address>".'),
    ("not an e-mail", "email:dave", "customer", "This is not an e-mail address."),
])
def test_a_status_for_a_customer_named_wrongly_is_refused(as_staff, shop, _case, customer, field, message):
    # when
    result = as_staff(SET, {"customer": customer, "status": "WATCH"})["data"]["returnCustomerStatusSet"]

    # then
    assert result == {"customerStatus": None, "errors": [{"field": field, "code": "INVALID", "message": message}]}
    assert not CustomerStatus.objects.exists()


def test_clearing_a_status_lets_the_rules_decide_again(as_staff, shop):
    # given
    set_status(shop, "block")

    # when
    result = as_staff(SET, {"customer": "email:alice@example.com", "status": None})["data"]["returnCustomerStatusSet"]

    # then
    assert result == {"customerStatus": None, "errors": []}
    assert reviewed(shop, rules=AUTO).status == "approved"


def download(caller, query: str):
    headers = {"Saleor-Api-Url": caller.api_url, "Authorization": f"Bearer {caller.token}"}
    return caller.client.get(f"/analytics/frequent-returners.csv?{query}", headers=headers)


def test_staff_download_the_ranking_as_streamed_csv(as_staff, shop):
    # given
    for day in (6, 7):
        asked(shop, f"2026-03-0{day}T10:00:00+00:00", email="carol@example.com", lines=[("CHANGED_MIND", 1, 1, "10.00")])
    set_status(shop, "watch", email="carol@example.com")

    # when
    response = download(as_staff, "from=2026-03-01&to=2026-03-31")

    # then
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="frequent-returners-2026-03-01-2026-03-31.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["customer"], row["score"], row["returned_value"], row["status"], row["rejected_reason"])
            for row in rows] == [("email:carol@example.com", "15.00", "20.00", "watch", "0 requests refused")]


@pytest.mark.parametrize("_case, caller, query, status", [
    ("a customer", "as_alice", "from=2026-03-01&to=2026-03-31", 403),
    ("staff without MANAGE_ORDERS", "as_viewer", "from=2026-03-01&to=2026-03-31", 403),
    ("no period", "as_staff", "from=2026-03-01", 400),
    ("a period ending before it starts", "as_staff", "from=2026-03-31&to=2026-03-01", 400),
])
def test_the_download_is_refused_to_others_and_without_a_period(request, shop, _case, caller, query, status):
    assert download(request.getfixturevalue(caller), query).status_code == status


@pytest.mark.parametrize("query, error", [
    ("from=2026-03-31&to=2026-03-01", {"field": "to", "code": "INVALID", "message": "The period ends before it starts."}),
    ("from=2026-03-01&to=March", {"field": "to", "code": "INVALID", "message": "Give a day as YYYY-MM-DD."}),
])
def test_a_refused_download_says_which_field_as_the_api_does(as_staff, shop, query, error):
    response = download(as_staff, query)

    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json() == {"errors": [error]}


def test_staff_see_the_customers_status_on_the_return(as_staff, shop, alice):
    # given: alice is watched
    set_status(shop, "watch", email=alice["email"])
    return_request = asked(shop, "2026-03-08T10:00:00+00:00", email=alice["email"], user_id="",
                           lines=[("CHANGED_MIND", 1, 1, "10.00")])
    query = "query($id: ID!) { returnRequest(id: $id) { customerStatus { status setBy } } }"

    # when
    seen = as_staff(query, {"id": to_global_id("ReturnRequest", str(return_request.pk))})

    # then
    assert seen["data"]["returnRequest"] == {"customerStatus": {"status": "WATCH", "setBy": "staff@example.com"}}
