"""Fixtures for the API: a shop in the fake Saleor, its customers and staff, and shipped orders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_returns.api.lookup_tokens import issue_lookup_token
from saleor_returns.installations import actions as installation_actions

# Every Saleor permission an operation of the app can need (DESIGN.md §Permissions).
ALL_STAFF_PERMISSIONS = ("HANDLE_PAYMENTS", "MANAGE_APPS", "MANAGE_GIFT_CARD", "MANAGE_ORDERS", "MANAGE_PRODUCTS",
                         "MANAGE_SETTINGS")


class Caller:
    """Posts GraphQL to the app as one requestor."""

    def __init__(self, client, api_url: str | None, token: str | None):
        self.client = client
        self.api_url = api_url
        self.token = token

    def post(self, query: str, variables: dict | None = None, **headers):
        if self.api_url:
            headers["Saleor-Api-Url"] = self.api_url
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.client.post(
            "/graphql/", {"query": query, "variables": variables or {}}, content_type="application/json", headers=headers
        )

    def __call__(self, query: str, variables: dict | None = None, **headers) -> dict:
        response = self.post(query, variables, **headers)
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def shop(installation):
    installation_actions.seed_default_reasons(installation=installation)
    installation_actions.current_policy(installation=installation, channel_slug="")
    return installation


@pytest.fixture
def alice(fake_saleor):
    return fake_saleor.add_customer("alice@example.com")


@pytest.fixture
def bob(fake_saleor):
    return fake_saleor.add_customer("bob@example.com")


@pytest.fixture
def staff_user(fake_saleor):
    """A staff member holding every permission the desk's operations need (a shop owner)."""
    return fake_saleor.add_staff("staff@example.com", list(ALL_STAFF_PERMISSIONS))


@pytest.fixture
def viewer_user(fake_saleor):
    return fake_saleor.add_staff("viewer@example.com", ["MANAGE_PRODUCTS"])


@pytest.fixture
def as_anonymous(client, shop):
    return Caller(client, shop.saleor_api_url, None)


@pytest.fixture
def as_alice(client, shop, fake_saleor, alice):
    return Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(alice))


@pytest.fixture
def as_bob(client, shop, fake_saleor, bob):
    return Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(bob))


@pytest.fixture
def as_staff(client, shop, fake_saleor, fake_app, staff_user):
    return Caller(client, shop.saleor_api_url, fake_saleor.issue_staff_app_token(staff_user, fake_app))


@pytest.fixture
def as_viewer(client, shop, fake_saleor, fake_app, viewer_user):
    """Staff without MANAGE_ORDERS."""
    return Caller(client, shop.saleor_api_url, fake_saleor.issue_staff_app_token(viewer_user, fake_app))


def guest_caller(client, shop, order) -> Caller:
    token, _ = issue_lookup_token(installation=shop, order_id=order["id"], email=order["userEmail"], ttl_seconds=600)
    return Caller(client, shop.saleor_api_url, token)


def shipped_order(fake_saleor, user=None, *, email=None, currency="USD", lines=None, days_ago=3, shipping="10.00"):
    """An order delivered `days_ago` days ago: sneakers (2 × 25.00) and a jacket (1 × 40.00) by default."""
    lines = lines or [
        {"sku": "SNEAKER-42", "quantity": 2, "unit_price": Decimal("25.00"), "product_name": "Sneaker", "variant_name": "42"},
        {"sku": "JACKET-M", "quantity": 1, "unit_price": Decimal("40.00"), "product_name": "Jacket", "variant_name": "M"},
    ]
    created = timezone.now() - timedelta(days=days_ago + 2)
    order = fake_saleor.add_order(
        user=user, user_email=email or (user or {}).get("email"), currency=currency, lines=lines,
        shipping=Decimal(shipping), created=created,
    )
    fake_saleor.fulfill(order, created=timezone.now() - timedelta(days=days_ago))
    return order


@pytest.fixture
def alices_order(fake_saleor, alice):
    return shipped_order(fake_saleor, alice)


CREATE = """
mutation Create($input: ReturnRequestCreateInput!) {
  returnRequestCreate(input: $input) {
    returnRequest {
      id number status kind resolution orderId orderNumber customerEmail currency policyVersion isAutoApproved
      requestedValue { amount currency }
      lines { id orderLineId sku productName requestedQuantity approvedQuantity unitPrice { amount currency } reason { code } comment }
      timeline { type fromStatus toStatus note actor { kind email } }
    }
    errors { field code message lines }
  }
}
"""


def create_input(order, quantities=None, *, reason="CHANGED_MIND", **extra):
    """returnRequestCreate input for `order`: {line index: quantity} (default: one unit of the first line)."""
    quantities = quantities or {0: 1}
    return {
        "orderId": order["id"],
        "lines": [
            {"orderLineId": order["lines"][index]["id"], "quantity": quantity, "reason": reason}
            for index, quantity in quantities.items()
        ],
        **extra,
    }


def create_request(caller, order, quantities=None, **extra) -> dict:
    result = caller(CREATE, {"input": create_input(order, quantities, **extra)})
    payload = result["data"]["returnRequestCreate"]
    assert payload["errors"] == [], payload["errors"]
    return payload["returnRequest"]
