"""returnLookupTokenCreate: guests prove an order with its number and e-mail."""

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from tests.api.conftest import Caller, shipped_order

LOOKUP = """
mutation($number: String!, $email: String!) {
  returnLookupTokenCreate(orderNumber: $number, email: $email) { token expiresAt errors { field code message } }
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
    assert payload["errors"][0]["message"] == "Too many attempts; try again in a few minutes."


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
