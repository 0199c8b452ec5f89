"""The demo shop: seeded through the real actions, a return in every status, replaced on restart.

Each seed takes seconds (about ninety calls to the Saleor double), so one test checks
what a single seed made.
"""

from collections import Counter

import pytest

from saleor_returns.demo import DEMO_STAFF_EMAIL
from saleor_returns.demo.seed import SEEDED_STATUSES, seed_demo_shop
from saleor_returns.models import Installation, Refund, ReplacementOrder, ReturnRequest
from saleor_returns.states import ReturnStatus


@pytest.fixture
def seeded(transactional_db, fake_saleor):
    return seed_demo_shop(fake_saleor)


def test_the_demo_has_a_return_in_every_status_made_through_saleor(seeded, fake_saleor):
    # then: every status but the instant "requested"
    statuses = Counter(ReturnRequest.objects.values_list("status", flat=True))
    assert SEEDED_STATUSES == set(ReturnStatus.values) - {ReturnStatus.REQUESTED}
    assert set(statuses) == SEEDED_STATUSES
    assert statuses[ReturnStatus.PENDING_REVIEW] == 3
    claim = ReturnRequest.objects.get(kind="damaged_on_arrival")
    assert (claim.status, claim.evidence.count(), claim.risk_reasons) == (ReturnStatus.PENDING_REVIEW, 1, [])

    # then: the refund was granted and paid in Saleor, store credit is a gift card, the exchange an order
    refunds = {refund.kind: refund for refund in Refund.objects.all()}
    assert {kind: refund.status for kind, refund in refunds.items()} == {
        "original_payment": "succeeded", "store_credit": "succeeded"
    }
    order = fake_saleor.lookup(refunds["original_payment"].return_request.order_id)
    assert [grant["status"] for grant in order["grantedRefunds"]] == ["SUCCESS"]
    assert len(fake_saleor.gift_cards) == 1
    exchange = ReturnRequest.objects.get(kind="exchange")
    assert (exchange.status, ReplacementOrder.objects.get().return_request) == (ReturnStatus.RESOLVED, exchange)

    # then: the installation is the one Saleor's register call would have made
    installation = Installation.objects.get()
    assert (installation.saleor_api_url, installation.app_id) == (fake_saleor.api_url, seeded.app["id"])
    assert installation.jwks == fake_saleor.jwks()
    assert seeded.staff["email"] == DEMO_STAFF_EMAIL
    assert len(seeded.orders) == 15


def test_seeding_again_replaces_the_previous_demo(seeded, fake_saleor):
    # given
    first_ids = set(ReturnRequest.objects.values_list("pk", flat=True))

    # when
    seed_demo_shop(fake_saleor)

    # then
    assert Installation.objects.count() == 1
    assert ReturnRequest.objects.count() == len(first_ids)
    assert not ReturnRequest.objects.filter(pk__in=first_ids).exists()


def test_the_running_demo_lets_the_readme_examples_be_tried(transactional_db, client, settings):
    """Its address leads to the framed desk; customers log in with tokenCreate; staff get a token."""
    import json
    import urllib.error
    import urllib.request

    from saleor_returns.demo import ACCOUNTS_PATH, DEMO_PASSWORD, STAFF_TOKEN_PATH
    from saleor_returns.demo.seed import CUSTOMERS
    from saleor_returns.demo.server import start_demo_shop

    settings.APP_PUBLIC_URL = "http://127.0.0.1:8010"
    demo = start_demo_shop(port=0)
    try:
        root = f"http://{demo.shop.fake.domain}"

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        # the demo's own address leads to the framed desk
        try:
            urllib.request.build_opener(NoRedirect).open(root + "/", timeout=5)  # noqa: S310 - loopback
            raise AssertionError("no redirect")
        except urllib.error.HTTPError as answer:
            assert answer.code == 302
            assert answer.headers["Location"] == demo.dashboard_url

        def saleor(query, variables=None):
            body = json.dumps({"query": query, "variables": variables or {}}).encode()
            request = urllib.request.Request(demo.api_url, data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
                return json.load(response)["data"]

        login = "mutation($e: String!, $p: String!) { tokenCreate(email: $e, password: $p) { token errors { field code } } }"
        email = next(iter(CUSTOMERS))
        customer = saleor(login, {"e": email, "p": DEMO_PASSWORD})["tokenCreate"]
        wrong = saleor(login, {"e": email, "p": "nope"})["tokenCreate"]
        with urllib.request.urlopen(root + STAFF_TOKEN_PATH, timeout=5) as response:  # noqa: S310 - loopback
            staff = json.load(response)
        with urllib.request.urlopen(root + ACCOUNTS_PATH, timeout=5) as response:  # noqa: S310 - loopback
            accounts = json.load(response)

        def app(token, query):
            return client.post("/graphql/", {"query": query}, content_type="application/json",
                               headers={"Saleor-Api-Url": demo.api_url, "Authorization": f"Bearer {token}"}).json()

        # then
        assert customer["errors"] == [] and customer["token"]
        assert wrong == {"token": None, "errors": [{"field": "email", "code": "INVALID_CREDENTIALS"}]}
        mine = app(customer["token"], "{ viewer { kind email } myReturnRequests { totalCount } }")["data"]
        assert mine["viewer"] == {"kind": "CUSTOMER", "email": email}
        assert mine["myReturnRequests"]["totalCount"] > 0
        assert staff["saleorApiUrl"] == demo.api_url
        listed = {customer["email"]: customer for customer in accounts["customers"]}
        assert set(listed) == set(CUSTOMERS)
        assert listed[email]["password"] == DEMO_PASSWORD and listed[email]["orders"]
        assert {order["id"] for c in listed.values() for order in c["orders"]} == {o["id"] for o in demo.shop.orders}
        desk = app(staff["token"], "{ viewer { kind } returnRequests { totalCount } }")["data"]
        assert desk["viewer"] == {"kind": "STAFF"}
        assert desk["returnRequests"]["totalCount"] == ReturnRequest.objects.count()
    finally:
        demo.stop()
