"""POST /api/register: Saleor's install call, confirmed with Saleor before anything is stored."""

import json

import pytest

from saleor_returns.models import Installation
from saleor_returns.saleor.views import is_allowed_saleor


def register(client, fake_saleor, token, **header_overrides):
    headers = {
        "Saleor-Domain": fake_saleor.domain,
        "X-Saleor-Domain": fake_saleor.domain,
        "Saleor-Api-Url": fake_saleor.api_url,
        "Saleor-Schema-Version": "3.23",
    }
    headers.update(header_overrides)
    headers = {name: value for name, value in headers.items() if value is not None}
    body = token if isinstance(token, bytes) else json.dumps({"auth_token": token}).encode()
    return client.generic("POST", "/api/register", data=body, content_type="application/json", headers=headers)


def app_self_calls(fake_saleor):
    return [request for request in fake_saleor.requests if request.get("operation_name") == "AppSelf"]


@pytest.mark.django_db(transaction=True)
def test_installing_from_the_dashboard_stores_the_shop_and_uninstalling_stops_it(live_server, settings, fake_saleor):
    # given: the app is served for real; Saleor reaches it at its public URL
    settings.APP_PUBLIC_URL = live_server.url

    # when: a staff user installs it from the manifest URL
    app = fake_saleor.install_from_manifest(f"{live_server.url}/api/manifest")

    # then: the shop is stored with the token Saleor confirmed, encrypted
    installation = Installation.objects.get()
    assert installation.saleor_api_url == fake_saleor.api_url
    assert installation.saleor_domain == fake_saleor.domain
    assert installation.app_id == app["id"]
    assert installation.app_token == app["token"]
    assert app["token"] not in installation.encrypted_app_token
    assert installation.permissions == ["HANDLE_PAYMENTS", "MANAGE_GIFT_CARD", "MANAGE_ORDERS", "MANAGE_PRODUCTS", "MANAGE_STAFF"]
    assert installation.is_active is True
    assert len(app_self_calls(fake_saleor)) == 1
    # and the JWKS was fetched after commit by the task
    assert installation.jwks == fake_saleor.jwks()

    # when: the shop deletes the app; Saleor sends APP_DELETED to it
    deliveries = fake_saleor.delete_app(app)

    # then
    assert [delivery["status"] for delivery in deliveries if delivery.get("event") == "APP_DELETED"] == [200]
    installation.refresh_from_db()
    assert installation.is_active is False


@pytest.mark.django_db
def test_register_confirms_the_token_with_saleor(client, fake_saleor, fake_app, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = register(client, fake_saleor, fake_app["token"])

    # then
    assert response.status_code == 200
    assert response.json() == {"success": True}
    installation = Installation.objects.get()
    assert installation.app_token == fake_app["token"]
    assert len(callbacks) == 1
    call = app_self_calls(fake_saleor)[0]
    assert call["has_authorization"] is True
    assert call["user_agent"].startswith("saleor-returns/")


@pytest.mark.django_db
def test_reinstalling_replaces_token_and_app_id_and_keeps_the_shop(client, fake_saleor, fake_app):
    # given
    register(client, fake_saleor, fake_app["token"])
    first = Installation.objects.get()
    fake_saleor.delete_app(fake_app, notify=False)
    second_app = fake_saleor.add_app(identifier="saleor.returns", permissions=["MANAGE_ORDERS"])

    # when
    response = register(client, fake_saleor, second_app["token"])

    # then
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert installation.pk == first.pk
    assert installation.app_id == second_app["id"]
    assert installation.app_token == second_app["token"]
    assert installation.permissions == ["MANAGE_ORDERS"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("_case", "token", "headers", "status", "code", "message"),
    [
        ("token Saleor does not know", "x" * 30, {}, 403, "INVALID_APP_TOKEN", "Saleor did not confirm the app token."),
        ("no token", "", {}, 400, "MISSING_AUTH_TOKEN", "The install call must send auth_token."),
        ("not JSON", b"auth_token=abc", {}, 400, "INVALID_BODY", "The install call must send JSON."),
        (
            "no Saleor-Api-Url",
            "x" * 30,
            {"Saleor-Api-Url": None},
            400,
            "INVALID_SALEOR_API_URL",
            "Saleor-Api-Url must be the shop's full http(s) GraphQL URL.",
        ),
    ],
)
def test_refused_installs_store_nothing(
    client, fake_saleor, django_capture_on_commit_callbacks, _case, token, headers, status, code, message
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = register(client, fake_saleor, token, **headers)
    assert response.status_code == status
    assert response.json() == {"error": {"code": code, "message": message}}
    assert Installation.objects.count() == 0
    assert callbacks == []


@pytest.mark.django_db
def test_a_deleted_apps_token_is_refused(client, fake_saleor, fake_app):
    # given: Saleor answers a dead token with HTTP 200 and PermissionDenied
    fake_saleor.delete_app(fake_app, notify=False)

    # when
    response = register(client, fake_saleor, fake_app["token"])

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "INVALID_APP_TOKEN"
    assert Installation.objects.count() == 0


@pytest.mark.django_db
def test_a_token_of_another_app_is_refused(client, fake_saleor):
    other = fake_saleor.add_app(identifier="acme.loyalty", permissions=["MANAGE_ORDERS"])
    response = register(client, fake_saleor, other["token"])
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "INVALID_APP_TOKEN", "message": "The app token belongs to another app."}}
    assert Installation.objects.count() == 0


@pytest.mark.django_db
def test_a_shop_outside_the_allow_list_is_refused_without_calling_it(client, fake_saleor, fake_app, settings):
    # given
    settings.SALEOR_API_URL_ALLOWLIST = ["https://shop.example.com/graphql/"]

    # when
    response = register(client, fake_saleor, fake_app["token"])

    # then
    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "SALEOR_NOT_ALLOWED", "message": "This Saleor is not allowed to install the app."}
    }
    assert Installation.objects.count() == 0
    assert fake_saleor.requests == []


@pytest.mark.django_db
def test_saleor_unreachable_answers_502_and_stores_nothing(client, fake_saleor, fake_app):
    # given: every attempt fails (the first try and its retry)
    fake_saleor.fail_next(count=2, status=503)

    # when
    response = register(client, fake_saleor, fake_app["token"])

    # then
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "SALEOR_UNAVAILABLE"
    assert Installation.objects.count() == 0


@pytest.mark.parametrize(
    ("allowlist", "api_url", "allowed"),
    [
        ([], "https://any.example.com/graphql/", True),
        (["https://shop.example.com/graphql/"], "https://shop.example.com/graphql/", True),
        (["https://shop.example.com/graphql"], "https://shop.example.com/graphql/", True),
        (["https://shop.example.com/graphql/"], "https://evil.example.com/graphql/", False),
        (["https://*.saleor.cloud/graphql/"], "https://my-shop.saleor.cloud/graphql/", True),
        (["https://*.saleor.cloud/graphql/"], "https://my-shop.saleor.cloud.evil.com/graphql/", False),
        # a `*` is one whole host label: it never reaches across a port, a slash or a dot
        (["https://*.saleor.cloud/graphql/"], "http://127.0.0.1:8000/x.saleor.cloud/graphql/", False),
        (["https://*.saleor.cloud/graphql/"], "https://127.0.0.1:8000/x.saleor.cloud/graphql/", False),
        (["https://*.saleor.cloud/graphql/"], "https://a.b.saleor.cloud/graphql/", False),
        (["https://*.saleor.cloud/graphql/"], "https://shop.saleor.cloud:8443/graphql/", False),
        (["https://*.saleor.cloud/graphql/"], "https://shop.saleor.cloud/graphql/other/", False),
        (["https://*.saleor.cloud/graphql/"], "http://shop.saleor.cloud/graphql/", False),
        (["https://*.saleor.cloud/graphql/"], "https://SHOP.Saleor.Cloud/graphql/", True),
        (["https://shop.example.com:8443/graphql/"], "https://shop.example.com:8443/graphql/", True),
        (["https://shop.example.com/graphql/"], "https://shop.example.com:8443/graphql/", False),
        (["*"], "https://any.example.com/graphql/", True),
        (["not a url"], "https://any.example.com/graphql/", False),
    ],
)
def test_allow_list(settings, allowlist, api_url, allowed):
    settings.SALEOR_API_URL_ALLOWLIST = allowlist
    assert is_allowed_saleor(api_url) is allowed
