"""returnLookupTokenCreate: guests prove an order with its number and e-mail."""

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from tests.api.conftest import Caller, shipped_order

LOOKUP = """
mutation($number: String!, $email: String!) {
  returnLookupTokenCreate(orderNumber: $number, email: $email) {
    token expiresAt orderId
    order { id number createdAt total { amount currency } lines { productName variantName quantity } }
    errors { field code message }
  }
}
"""
MINE = "{ myReturnRequests { totalCount } viewer { kind } }"


@pytest.fixture(autouse=True)
def fresh_attempt_counter():
    cache.clear()


@pytest.fixture
def guest_order(fake_saleor):
    return shipped_order(fake_saleor, email="Guest@Example.com")


def test_number_and_email_give_a_token_for_that_order(client, as_anonymous, guest_order, shop):
    # when
    payload = as_anonymous(LOOKUP, {"number": guest_order["number"], "email": "guest@example.com"})["data"]["returnLookupTokenCreate"]

    # then
    assert payload["errors"] == []
    assert payload["token"].startswith("rlt_")
    assert payload["orderId"] == guest_order["id"]
    assert payload["order"]["id"] == guest_order["id"]
    assert payload["order"]["number"] == str(guest_order["number"])
    assert payload["order"]["total"] == {"amount": "100.00", "currency": "USD"}
    assert payload["order"]["lines"] == [
        {"productName": "Sneaker", "variantName": "42", "quantity": 2},
        {"productName": "Jacket", "variantName": "M", "quantity": 1},
    ]
    guest = Caller(client, shop.saleor_api_url, payload["token"])
    assert guest(MINE)["data"]["viewer"] == {"kind": "GUEST"}


@pytest.mark.parametrize(("_case", "number", "email"), [
    ("wrong email", None, "other@example.com"),
    ("unknown number", "99999", "guest@example.com"),
    ("not a number", "abc", "guest@example.com"),
])
def test_a_wrong_pair_answers_the_same_without_a_token(as_anonymous, guest_order, _case, number, email):
    payload = as_anonymous(LOOKUP, {"number": number or guest_order["number"], "email": email})["data"]["returnLookupTokenCreate"]
    assert payload["token"] is None
    assert payload["errors"] == [{"field": None, "code": "NOT_FOUND", "message": "No order matches this number and e-mail."}]


def test_guessing_is_slowed_down(as_anonymous, guest_order):
    for _ in range(10):
        as_anonymous(LOOKUP, {"number": "1", "email": "x@example.com"})
    payload = as_anonymous(LOOKUP, {"number": guest_order["number"], "email": "guest@example.com"})["data"]["returnLookupTokenCreate"]
    assert payload["token"] is None
    assert payload["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    assert payload["errors"][0]["message"].startswith("Too many attempts; try again in ")


def test_an_expired_token_is_refused(client, as_anonymous, guest_order, shop):
    token = as_anonymous(LOOKUP, {"number": guest_order["number"], "email": "guest@example.com"})["data"]["returnLookupTokenCreate"]["token"]
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=2)):
        response = Caller(client, shop.saleor_api_url, token).post(MINE)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The lookup token has expired; look the order up again."


def test_a_tampered_token_is_refused(client, as_anonymous, guest_order, shop):
    token = as_anonymous(LOOKUP, {"number": guest_order["number"], "email": "guest@example.com"})["data"]["returnLookupTokenCreate"]["token"]
    response = Caller(client, shop.saleor_api_url, token[:-3] + "abc").post(MINE)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The lookup token is not valid."


STOREFRONT_LOOKUP = """
mutation($number: String!, $email: String!, $address: String) {
  returnLookupTokenCreate(orderNumber: $number, email: $email, clientAddress: $address) {
    token errors { field code message }
  }
}
"""


def lookup(caller, number, email, **environ):
    """As `caller`, from the network address (REMOTE_ADDR, X-Forwarded-For) given in `environ`."""
    response = caller.client.post(
        "/graphql/", {"query": LOOKUP, "variables": {"number": str(number), "email": email}},
        content_type="application/json", headers={"Saleor-Api-Url": caller.api_url}, **environ,
    )
    assert response.status_code == 200, response.content
    return response.json()["data"]["returnLookupTokenCreate"]


def test_successful_lookups_do_not_spend_the_budget(as_anonymous, guest_order):
    # a storefront's guests behind one address look their orders up, again and again
    results = [lookup(as_anonymous, guest_order["number"], "guest@example.com") for _ in range(15)]

    assert all(result["token"] for result in results)


def test_failures_count_per_order_number_whatever_the_address(client, as_anonymous, guest_order):
    # given: someone guessing this order's e-mail from 20 addresses, 1 try each
    for index in range(20):
        lookup(as_anonymous, guest_order["number"], f"guess{index}@example.com", REMOTE_ADDR=f"203.0.113.{index + 1}")

    # when: the real guest, from a fresh address
    payload = lookup(as_anonymous, guest_order["number"], "guest@example.com", REMOTE_ADDR="198.51.100.7")

    # then
    assert payload["token"] is None
    assert payload["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(as_anonymous, guest_order, settings):
    # given: 10 failures from one client behind the proxy, each claiming another forwarded address
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for index in range(10):
        lookup(as_anonymous, "99999", "x@example.com", REMOTE_ADDR="192.0.2.50",
               HTTP_X_FORWARDED_FOR=f"198.51.100.{index}")
    # when: not through a trusted proxy, a forged X-Forwarded-For is ignored
    untrusted = lookup(as_anonymous, guest_order["number"], "guest@example.com", REMOTE_ADDR="192.0.2.50",
                       HTTP_X_FORWARDED_FOR="198.51.100.200")
    # and through the trusted proxy, the client's own address (the last one it appended) is used
    for _ in range(10):
        lookup(as_anonymous, "99999", "x@example.com", REMOTE_ADDR="10.0.0.2",
               HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.77")
    behind_proxy_same_client = lookup(as_anonymous, guest_order["number"], "guest@example.com", REMOTE_ADDR="10.0.0.2",
                                      HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.77")
    behind_proxy_other_client = lookup(as_anonymous, guest_order["number"], "guest@example.com", REMOTE_ADDR="10.0.0.2",
                                       HTTP_X_FORWARDED_FOR="198.51.100.78")

    # then
    assert untrusted["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    assert behind_proxy_same_client["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    assert behind_proxy_other_client["token"], behind_proxy_other_client


@pytest.fixture
def storefront(client, shop, fake_saleor):
    from saleor_returns.installations import api_keys

    owner = fake_saleor.add_staff("owner@example.com", ["MANAGE_ORDERS", "MANAGE_APPS"])
    _, key = api_keys.create_api_key(
        installation=shop, name="Storefront", scopes=["GUEST_LOOKUP"], creator_permissions=[],
        creator_user_id=owner["id"],
    )
    return Caller(client, shop.saleor_api_url, key)


def test_a_storefront_server_has_its_own_budget_and_names_each_guest(storefront, as_anonymous, guest_order):
    # given: the storefront's server address already spent a guest's budget
    for _ in range(10):
        lookup(as_anonymous, "99999", "x@example.com")

    # when: its key looks up for two guests, one of whom keeps failing
    for _ in range(10):
        storefront(STOREFRONT_LOOKUP, {"number": "99999", "email": "x@example.com", "address": "198.51.100.1"})
    failing_guest = storefront(STOREFRONT_LOOKUP, {"number": guest_order["number"], "email": "guest@example.com",
                                                   "address": "198.51.100.1"})["data"]["returnLookupTokenCreate"]
    other_guest = storefront(STOREFRONT_LOOKUP, {"number": guest_order["number"], "email": "guest@example.com",
                                                 "address": "198.51.100.2"})["data"]["returnLookupTokenCreate"]

    # then
    assert failing_guest["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    assert other_guest["token"]


def test_only_a_storefront_key_may_name_the_guests_address(as_anonymous, guest_order):
    payload = as_anonymous(STOREFRONT_LOOKUP, {"number": guest_order["number"], "email": "guest@example.com",
                                               "address": "198.51.100.1"})["data"]["returnLookupTokenCreate"]

    assert payload["token"] is None
    assert payload["errors"][0]["field"] == "clientAddress"


def test_a_storefront_key_budget_is_spent_too(storefront, guest_order, settings):
    settings.LOOKUP_FAILURES_PER_KEY = "3/h"
    for index in range(3):
        storefront(STOREFRONT_LOOKUP, {"number": "99999", "email": "x@example.com", "address": f"198.51.100.{index}"})

    payload = storefront(STOREFRONT_LOOKUP, {"number": guest_order["number"], "email": "guest@example.com",
                                             "address": "198.51.100.9"})["data"]["returnLookupTokenCreate"]

    assert payload["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
