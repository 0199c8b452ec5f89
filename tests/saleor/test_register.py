"""POST /api/register: Saleor's install call, confirmed with Saleor before anything is stored."""

import json

import pytest

from saleor_returns.fakes.saleor import GRAPHQL_PATH

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
        "error": {"code": "SALEOR_NOT_ALLOWED", "message": "The Saleor API URL is not on the app's allow-list."}
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
        ([], "https://any.example.com/graphql/", False),
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


UNREACHABLE = {
    "error": {"code": "SALEOR_UNAVAILABLE", "message": "Saleor could not be reached to confirm the app token."}
}


@pytest.mark.django_db
def test_an_empty_allow_list_refuses_every_install(client, fake_saleor, fake_app, settings):
    # given: no SALEOR_API_URL_ALLOWLIST (outside `make run`)
    settings.SALEOR_API_URL_ALLOWLIST = []

    # when
    response = register(client, fake_saleor, fake_app["token"])

    # then
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "SALEOR_NOT_ALLOWED",
            "message": "The app's allow-list of Saleor API URLs is empty; its operator must set SALEOR_API_URL_ALLOWLIST.",
        }
    }
    assert Installation.objects.count() == 0
    assert fake_saleor.requests == []


@pytest.mark.django_db
def test_a_star_allow_list_lets_any_saleor_install(client, fake_saleor, fake_app, settings):
    settings.SALEOR_API_URL_ALLOWLIST = ["*"]
    response = register(client, fake_saleor, fake_app["token"])
    assert response.status_code == 200
    assert Installation.objects.get().saleor_api_url == fake_saleor.api_url


@pytest.mark.django_db
def test_a_saleor_on_loopback_installs_only_when_loopback_is_allowed(
    client, fake_saleor, fake_app, settings, django_capture_on_commit_callbacks
):
    # given
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = register(client, fake_saleor, fake_app["token"])

    # then: refused, with why, and Saleor was never called
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "SALEOR_ADDRESS_FORBIDDEN",
            "message": "The Saleor API URL resolves to an address that is loopback.",
        }
    }
    assert Installation.objects.count() == 0
    assert callbacks == []
    assert fake_saleor.requests == []
    assert fake_saleor.jwks_fetches == 0

    # when: loopback is allowed
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
    response = register(client, fake_saleor, fake_app["token"])

    # then
    assert response.status_code == 200
    assert Installation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("_case", "api_url", "names", "reason"),
    [
        ("a private address", "http://10.0.0.5/graphql/", {}, "private"),
        ("a private address, RFC 1918", "http://192.168.1.20:8000/graphql/", {}, "private"),
        ("a unique local IPv6 address", "http://[fd12:3456::1]/graphql/", {}, "private"),
        ("cloud metadata", "http://169.254.169.254/graphql/", {}, "link-local"),
        ("a link-local IPv6 address", "http://[fe80::1]/graphql/", {}, "link-local"),
        ("the unspecified address", "http://0.0.0.0:8000/graphql/", {}, "unspecified"),
        ("a multicast address", "http://224.0.0.1/graphql/", {}, "multicast"),
        ("a reserved address", "http://240.0.0.1/graphql/", {}, "reserved"),
        (
            "a name resolving to loopback",
            "https://shop.example.com/graphql/",
            {"shop.example.com": ["127.0.0.1"]},
            "loopback",
        ),
        (
            "a name resolving to a private address",
            "https://shop.example.com/graphql/",
            {"shop.example.com": ["10.1.1.1"]},
            "private",
        ),
        (
            "a name resolving to a public and a private address",
            "https://shop.example.com/graphql/",
            {"shop.example.com": ["93.184.216.34", "172.16.5.4"]},
            "private",
        ),
    ],
)
def test_a_saleor_on_an_inward_address_is_refused(
    client, fake_saleor, fake_app, settings, fake_dns, _case, api_url, names, reason
):
    # given
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False
    fake_dns.names.update(names)

    # when
    response = register(client, fake_saleor, fake_app["token"], **{"Saleor-Api-Url": api_url})

    # then
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "SALEOR_ADDRESS_FORBIDDEN",
            "message": f"The Saleor API URL resolves to an address that is {reason}.",
        }
    }
    assert Installation.objects.count() == 0


@pytest.mark.django_db
def test_localhost_is_loopback(client, fake_saleor, fake_app, settings):
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False
    api_url = f"http://localhost:{fake_saleor.port}{GRAPHQL_PATH}"
    response = register(client, fake_saleor, fake_app["token"], **{"Saleor-Api-Url": api_url})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "SALEOR_ADDRESS_FORBIDDEN"
    assert fake_saleor.requests == []


@pytest.mark.django_db
def test_a_redirect_from_saleor_is_refused_and_not_followed(client, fake_saleor, fake_app, canned_server):
    # given: the "Saleor" redirects to the real one, with a body that would confirm the token
    canned_server.answer(
        302,
        {"data": {"app": {"id": fake_app["id"], "identifier": "saleor.returns", "permissions": []}}},
        {"Location": fake_saleor.api_url},
    )

    # when
    response = register(client, fake_saleor, fake_app["token"], **{"Saleor-Api-Url": canned_server.url()})

    # then
    assert response.status_code == 502
    assert response.json() == {
        "error": {
            "code": "SALEOR_REDIRECTED",
            "message": "Saleor answered with a redirect, which the app does not follow.",
        }
    }
    assert Installation.objects.count() == 0
    assert len(canned_server.requests) == 1
    assert fake_saleor.requests == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("_case", "status", "body"),
    [
        ("an internal page", 200, "<html>Jenkins admin, secret-marker-7d1e</html>"),
        ("a GraphQL error", 200, {"errors": [{"message": "secret-marker-7d1e: relation app does not exist"}]}),
        ("a 4xx page", 404, "Not found: secret-marker-7d1e"),
        ("a 4xx GraphQL error", 400, {"errors": [{"message": "secret-marker-7d1e"}]}),
        ("a 5xx page", 500, "Traceback: secret-marker-7d1e"),
    ],
)
def test_a_refusal_never_repeats_what_the_target_answered(
    client, fake_saleor, fake_app, canned_server, _case, status, body
):
    # given
    canned_server.answer(status, body)

    # when
    response = register(client, fake_saleor, fake_app["token"], **{"Saleor-Api-Url": canned_server.url()})

    # then
    assert response.status_code in (403, 502)
    assert "secret-marker-7d1e" not in response.content.decode()
    assert Installation.objects.count() == 0


@pytest.mark.django_db
def test_refused_connections_timeouts_and_unknown_hosts_read_the_same(
    client, fake_saleor, fake_app, canned_server, settings, fake_dns
):
    # given: a port nobody listens on, a Saleor that answers too late, a name that does not resolve
    settings.SALEOR_HTTP_TIMEOUT = 0.2
    canned_server.answer(200, "late", delay=1)
    targets = ["http://127.0.0.1:9/graphql/", canned_server.url(), "https://nowhere.example.com/graphql/"]

    # when
    responses = [register(client, fake_saleor, fake_app["token"], **{"Saleor-Api-Url": url}) for url in targets]

    # then
    assert [(response.status_code, response.json()) for response in responses] == [(502, UNREACHABLE)] * 3
    assert Installation.objects.count() == 0
