"""Fixtures for the portal: a shop in the fake Saleor, a customer with a password, and a visitor's browser."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saleor_returns.models import ReturnRequest
from tests.evidence import png
from tests.api.conftest import ALL_STAFF_PERMISSIONS, Caller, alice, alices_order, bob, shipped_order, shop  # noqa: F401

PASSWORD = "returns-demo"
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


class Visitor:
    """A browser on the portal: keeps cookies, and posts forms with the token of the last page it read."""

    def __init__(self, client, base: str):
        self.client = client
        self.base = base
        self.form_token = ""

    def get(self, path: str = "", **extra):
        response = self.client.get(self.base + path, **extra)
        self._remember(response)
        return response

    def post(self, path: str, data: dict | None = None, **extra):
        if not self.form_token:
            self.get()
        response = self.client.post(self.base + path, {"form_token": self.form_token, **(data or {})}, **extra)
        self._remember(response)
        return response

    def follow(self, response):
        assert response.status_code == 302, response.status_code
        location = response["Location"]
        assert location.startswith(self.base), location
        return self.get(location[len(self.base):])

    def _remember(self, response) -> None:
        found = FORM_TOKEN.search(response.content.decode(errors="replace")) if response.get("Content-Type", "").startswith("text/html") else None
        if found:
            self.form_token = found.group(1)


@pytest.fixture
def portal_base(shop) -> str:
    return f"/portal/{shop.pk}/"


@pytest.fixture
def visitor(client, portal_base) -> Visitor:
    return Visitor(client, portal_base)


@pytest.fixture
def carol(fake_saleor):
    """A customer who signs in with a password."""
    return fake_saleor.add_customer("carol@example.com", first_name="Carol", password=PASSWORD)


@pytest.fixture
def carols_order(fake_saleor, carol):
    return shipped_order(fake_saleor, carol)


def look_up(visitor: Visitor, order) -> None:
    response = visitor.post("lookup", {"lookup-orderNumber": str(order["number"]), "lookup-email": order["userEmail"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == visitor.base + "orders"


def sign_in(visitor: Visitor, email: str, password: str = PASSWORD) -> None:
    response = visitor.post("signin", {"signin-email": email, "signin-password": password})
    assert response.status_code == 302, response.content.decode()[:2000]


def text(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def photo(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), "image/png")


def return_form_data(**extra) -> dict:
    """The return form with one unit of the first line, changed mind, refund."""
    return {
        "idempotencyKey": "form-1", "line0-selected": "1", "line0-quantity": "1", "line0-reason": "CHANGED_MIND",
        "request-resolution": "REFUND", **extra,
    }


@pytest.fixture
def guest_return(visitor, alices_order):
    """A guest's return of one sneaker, in review, and its page's path."""
    look_up(visitor, alices_order)
    response = visitor.post(f"orders/{alices_order['id']}/return", return_form_data())
    assert response.status_code == 302
    return ReturnRequest.objects.get(), response["Location"][len(visitor.base):]


@pytest.fixture
def staff_api(client, shop, fake_saleor, fake_app):
    """The shop's staff, through the API (to move a return along)."""
    member = fake_saleor.add_staff("owner@example.com", list(ALL_STAFF_PERMISSIONS))
    return Caller(client, shop.saleor_api_url, fake_saleor.issue_staff_app_token(member, fake_app))
