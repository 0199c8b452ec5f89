"""The portal's first page, looking an order up, signing in, links and the language."""

import pytest

from saleor_returns.models import PortalSession
from tests.portal.conftest import look_up, sign_in, text

pytestmark = pytest.mark.django_db


def test_the_first_page_shows_the_policy_and_both_ways_in(visitor):
    # when
    response = visitor.get()

    # then
    assert response.status_code == 200
    body = text(response)
    assert "Items can be returned within 30 days of delivery" in body
    assert "Find your order" in body and "Or sign in to your account" in body
    assert '<html lang="en">' in response.content.decode()


def test_a_guest_finds_their_order_and_its_token_stays_on_the_server(visitor, alices_order):
    # when
    look_up(visitor, alices_order)
    page = visitor.get("orders")

    # then
    assert page.status_code == 200
    assert f"Order {alices_order['number']}" in text(page)
    session = PortalSession.objects.get()
    assert session.kind == "guest" and session.token.startswith("rlt_")
    cookie = visitor.client.cookies["portal_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == visitor.base
    assert "rlt_" not in page.content.decode() and "rlt_" not in cookie.value


@pytest.mark.parametrize(("_case", "number", "email"), [
    ("wrong_email", None, "someone@example.com"),
    ("wrong_number", "99999", None),
])
def test_a_wrong_order_number_or_email_is_refused_at_the_form(visitor, alices_order, _case, number, email):
    # when
    response = visitor.post("lookup", {
        "lookup-orderNumber": number or str(alices_order["number"]), "lookup-email": email or alices_order["userEmail"],
    })

    # then
    assert response.status_code == 400
    body = text(response)
    assert "No order matches this number and e-mail." in body
    assert 'href="#lookup"' in response.content.decode()
    assert PortalSession.objects.count() == 0


def test_empty_fields_are_named(visitor):
    # when
    response = visitor.post("lookup", {"lookup-orderNumber": "", "lookup-email": ""})

    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="lookup-orderNumber-error"' in html and 'href="#lookup-orderNumber"' in html
    assert 'id="lookup-email-error"' in html


def test_a_customer_signs_in_and_sees_their_orders(visitor, carol, carols_order):
    # when
    sign_in(visitor, carol["email"])
    page = visitor.get("orders")

    # then
    assert page.status_code == 200
    assert "Signed in as carol@example.com" in text(page)
    assert f"Order {carols_order['number']}" in text(page)
    session = PortalSession.objects.get()
    assert session.kind == "customer" and session.refresh_token


def test_a_wrong_password_is_refused_next_to_the_password(visitor, carol):
    # when
    response = visitor.post("signin", {"signin-email": carol["email"], "signin-password": "nope"})

    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="signin-password-error"' in html and "The e-mail or password is not right." in html
    assert "nope" not in html
    assert PortalSession.objects.count() == 0


def test_a_post_without_the_form_token_is_refused(client, portal_base, alices_order):
    # when
    response = client.post(portal_base + "lookup", {
        "lookup-orderNumber": str(alices_order["number"]), "lookup-email": alices_order["userEmail"],
    })

    # then
    assert response.status_code == 403
    assert PortalSession.objects.count() == 0


def test_the_language_follows_the_browser_and_the_switcher(visitor):
    # when
    chinese = visitor.get(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    # then
    assert '<html lang="zh-Hans">' in chinese.content.decode()
    assert "查找您的订单" in text(chinese)

    # when
    switched = visitor.get("language?to=en&next=" + visitor.base)
    english = visitor.get(HTTP_ACCEPT_LANGUAGE="zh-CN")

    # then
    assert switched.status_code == 302 and switched["Location"] == visitor.base
    assert '<html lang="en">' in english.content.decode()


def test_an_unknown_shop_has_no_portal(client):
    assert client.get("/portal/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_a_disabled_portal_says_so(visitor, shop):
    # given
    from saleor_returns.portal.settings import update_portal_settings

    update_portal_settings(installation=shop, changes={"is_enabled": False, "support_email": "help@shop.example.com"})

    # when
    response = visitor.get()

    # then
    assert response.status_code == 404
    assert "Returns are not handled here" in text(response)
    assert "help@shop.example.com" in text(response)
    theme = visitor.get("theme.css")
    assert theme.status_code == 200 and "--primary: #1F4FD1;" in theme.content.decode()
    assert visitor.post("lookup", {"lookup-orderNumber": "1", "lookup-email": "a@example.com"}).status_code == 404


def test_pages_may_be_framed_only_by_the_shops_origins(visitor, shop):
    # given
    from saleor_returns.portal.settings import update_portal_settings

    assert "frame-ancestors 'self'" in visitor.get()["Content-Security-Policy"]
    update_portal_settings(installation=shop, changes={"frame_ancestors": ["https://shop.example.com/"]})

    # when
    response = visitor.get()

    # then
    assert "frame-ancestors 'self' https://shop.example.com;" in response["Content-Security-Policy"] + ";"
    assert "X-Frame-Options" not in response


def test_lookups_are_limited_as_the_api_limits_them(visitor, alices_order, settings):
    # given
    settings.LOOKUP_FAILURES_PER_ADDRESS = "2/m"
    wrong = {"lookup-orderNumber": str(alices_order["number"]), "lookup-email": "someone@example.com"}
    for _ in range(2):
        assert visitor.post("lookup", wrong).status_code == 400

    # when
    response = visitor.post("lookup", {**wrong, "lookup-email": alices_order["userEmail"]})

    # then
    assert response.status_code == 400
    assert "Too many attempts; try again in 1 minutes." in text(response)
    assert PortalSession.objects.count() == 0


def test_a_guest_is_spoken_to_in_the_orders_language(visitor, alices_order):
    # given
    alices_order["languageCodeEnum"] = "ZH_HANS"

    # when
    look_up(visitor, alices_order)
    page = visitor.get("orders", HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert '<html lang="zh-Hans">' in page.content.decode()
    assert f"订单 {alices_order['number']}" in text(page)


def test_a_customers_expired_access_token_is_refreshed_on_the_server(visitor, carol, carols_order, fake_saleor):
    # given
    from django.utils import timezone

    sign_in(visitor, carol["email"])
    session = PortalSession.objects.get()
    session.token_expires_at = timezone.now()
    session.save()

    # when
    page = visitor.get("orders")

    # then
    assert page.status_code == 200
    refreshes = [entry for entry in fake_saleor.requests if entry["operation_name"] == "TokenRefresh"]
    assert len(refreshes) == 1 and not refreshes[0]["has_authorization"]
    session.refresh_from_db()
    assert session.token_expires_at > timezone.now()


def test_a_revoked_customer_session_ends(visitor, carol, carols_order, fake_saleor):
    # given
    from django.utils import timezone

    sign_in(visitor, carol["email"])
    fake_saleor.deactivate_all_tokens(carol)
    PortalSession.objects.update(token_expires_at=timezone.now())

    # when
    page = visitor.get("orders")

    # then
    assert page.status_code == 401
    assert "Your session has ended" in text(page)
    assert PortalSession.objects.count() == 0


def test_an_embedded_portal_over_https_sets_third_party_cookies(client, shop, portal_base, alices_order, settings):
    # given
    from saleor_returns.portal.settings import update_portal_settings

    update_portal_settings(installation=shop, changes={"frame_ancestors": ["https://shop.example.com"]})

    # when
    response = client.get(portal_base, secure=True)

    # then
    cookie = response.cookies["portal_form"]
    assert cookie["samesite"] == "None" and cookie["secure"] and cookie["httponly"]


def test_failed_sign_ins_are_limited(visitor, carol, settings, fake_saleor):
    # given
    settings.LOOKUP_FAILURES_PER_ADDRESS = "2/m"
    for _ in range(2):
        assert visitor.post("signin", {"signin-email": carol["email"], "signin-password": "guess"}).status_code == 400
    calls = len(fake_saleor.requests)

    # when
    response = visitor.post("signin", {"signin-email": carol["email"], "signin-password": "returns-demo"})

    # then
    assert response.status_code == 429
    assert "Too many attempts; try again in 1 minute." in text(response)
    assert len(fake_saleor.requests) == calls
    assert PortalSession.objects.count() == 0
