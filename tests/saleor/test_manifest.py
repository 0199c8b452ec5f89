"""GET /api/manifest."""

from urllib.parse import parse_qs, urlsplit

import pytest
from graphql import build_schema, parse, validate

from saleor_returns.fakes.dashboard.urls import (
    app_complete_url,
    app_deep_url,
    app_iframe_url,
    view_manifest_extension_path,
    widget_iframe_url,
)

from tests.conftest import SALEOR_SCHEMA, capture_json, require_shared



def saleor_permissions() -> set[str]:
    """Saleor 3.23's PermissionEnum (specs/saleor.md §f), which the manifest must use."""
    schema = build_schema(require_shared(SALEOR_SCHEMA).read_text())
    return set(schema.type_map["PermissionEnum"].values)


@pytest.fixture
def manifest(client):
    response = client.get("/api/manifest", headers={"Saleor-Schema-Version": "3.23"})
    assert response.status_code == 200
    return response.json()


def test_manifest_has_what_saleor_requires(manifest):
    assert manifest["id"] == "saleor.returns"
    assert manifest["name"] == "Returns"
    assert manifest["version"] == "0.1.0"
    assert manifest["about"]
    assert manifest["author"]
    assert set(manifest["permissions"]) == {"MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_GIFT_CARD", "MANAGE_PRODUCTS", "MANAGE_STAFF"}
    assert set(manifest["permissions"]) <= saleor_permissions()


def test_manifest_has_the_keys_of_the_manifest_saleor_accepted():
    # The capture app's manifest was installed by a real Saleor 3.23.28.
    accepted = capture_json("app-install", "manifest.json")
    assert {"id", "name", "version", "about", "permissions", "appUrl", "tokenTargetUrl", "webhooks"} <= set(accepted)


def test_manifest_urls_come_from_the_public_url_not_the_host(client, settings):
    # given: Saleor sends Host without the port
    settings.APP_PUBLIC_URL = "https://returns.example.com"

    # when
    manifest = client.get("/api/manifest", headers={"Host": "127.0.0.1"}, SERVER_NAME="127.0.0.1").json()

    # then
    assert manifest["appUrl"] == "https://returns.example.com/dashboard/"
    assert manifest["tokenTargetUrl"] == "https://returns.example.com/api/register"
    assert manifest["dataPrivacyUrl"] == "https://returns.example.com/privacy/"
    assert manifest["homepageUrl"] == "https://returns.example.com/"
    assert manifest["supportUrl"] == "https://returns.example.com/support/"
    assert [hook["targetUrl"] for hook in manifest["webhooks"]] == [
        "https://returns.example.com/webhooks/saleor/app-deleted/",
        "https://returns.example.com/webhooks/saleor/order-created/",
        "https://returns.example.com/webhooks/saleor/order-refunded/",
        "https://returns.example.com/webhooks/saleor/order-updated/",
        "https://returns.example.com/webhooks/saleor/order-fully-paid/",
        "https://returns.example.com/webhooks/saleor/staff-updated/",
        "https://returns.example.com/webhooks/saleor/staff-deleted/",
        "https://returns.example.com/webhooks/saleor/permission-group-updated/",
        "https://returns.example.com/webhooks/saleor/permission-group-deleted/",
    ]


def test_manifest_webhooks_are_valid_subscriptions(manifest):
    schema = build_schema(require_shared(SALEOR_SCHEMA).read_text())
    assert [webhook["asyncEvents"] for webhook in manifest["webhooks"]] == [
        ["APP_DELETED"], ["ORDER_CREATED"], ["ORDER_REFUNDED"], ["ORDER_UPDATED"], ["ORDER_FULLY_PAID"],
        ["STAFF_UPDATED"], ["STAFF_DELETED"], ["PERMISSION_GROUP_UPDATED"], ["PERMISSION_GROUP_DELETED"],
    ]
    for webhook in manifest["webhooks"]:
        assert webhook["isActive"] is True
        assert validate(schema, parse(webhook["query"])) == []
        assert parse(webhook["query"]).definitions[0].operation.value == "subscription"


def test_manifest_mounts_the_app_under_orders_and_on_the_order_page(manifest):
    mounts = {(ext["mount"], ext["target"]): ext for ext in manifest["extensions"]}
    assert set(mounts) == {
        ("NAVIGATION_ORDERS", "APP_PAGE"),
        ("ORDER_DETAILS_MORE_ACTIONS", "APP_PAGE"),
        ("ORDER_DETAILS_WIDGETS", "WIDGET"),
        ("HOMEPAGE_WIDGETS", "WIDGET"),
    }
    for extension in manifest["extensions"]:
        if extension["target"] == "APP_PAGE":
            assert extension["url"].startswith("/")  # Saleor and the Dashboard demand it
        else:
            assert extension["url"].startswith(manifest["appUrl"])  # used as it is
        assert set(extension["permissions"]) <= set(manifest["permissions"])
        assert extension["label"]


def test_manifest_answers_get_only(client):
    assert client.post("/api/manifest").status_code == 405



APP_ID = "QXBwOjE="
SALEOR_API_URL = "https://shop.example.com/graphql/"


def iframe_address(manifest: dict, extension: dict | None) -> str:
    """Where the Dashboard 3.23 points the app's iframe for `extension` (None: the app's own page)."""
    if extension is not None and extension["target"] == "WIDGET":
        return widget_iframe_url(
            app_id=APP_ID, extension_url=extension["url"], app_url=manifest["appUrl"], saleor_api_url=SALEOR_API_URL,
            location_search="", theme="light", params=[("orderId", "T3JkZXI6MQ==")],
        )
    params = {"orderId": "T3JkZXI6MQ=="} if extension and extension["mount"].startswith("ORDER_DETAILS") else {}
    route = app_deep_url(APP_ID, extension["url"], params) if extension else view_manifest_extension_path(APP_ID)
    path, _, search = route.partition("?")
    complete = app_complete_url(path, manifest["appUrl"], APP_ID)
    return app_iframe_url(APP_ID, complete, saleor_api_url=SALEOR_API_URL,
                          location_search=f"?{search}" if search else "", params=[("theme", "light")])


@pytest.mark.parametrize(
    ("_case", "identifier", "desk_path"),
    [
        ("the app's page (Extensions → Installed)", None, "/dashboard"),
        ("Orders → Returns", "returns-list", "/dashboard"),
        ("More actions → Create return", "order-create-return", "/dashboard/returns/new"),
        ("the order page's widget", "order-returns-widget", "/dashboard/widgets/order"),
    ],
)
def test_every_entry_point_lands_on_its_desk_page_as_the_dashboard_builds_it(
    client, manifest, _case, identifier, desk_path
):
    # given
    extension = next((e for e in manifest["extensions"] if e["identifier"] == identifier), None)

    # when
    address = urlsplit(iframe_address(manifest, extension))
    response = client.get(f"{address.path}?{address.query}")

    # then: the desk page itself, at once (no redirect), framable
    assert f"{address.scheme}://{address.netloc}" == "https://returns.example.com"
    assert address.path == desk_path
    assert response.status_code == 200
    assert "X-Frame-Options" not in response  # the Dashboard shows it in an iframe
    if identifier == "order-create-return":
        assert parse_qs(address.query)["orderId"] == ["T3JkZXI6MQ=="]


def test_the_home_widget_is_a_get_widget_on_the_dashboards_home_page(manifest):
    (extension,) = [e for e in manifest["extensions"] if e["mount"] == "HOMEPAGE_WIDGETS"]
    assert extension == {
        "identifier": "home-returns-widget",
        "label": "Returns",
        "mount": "HOMEPAGE_WIDGETS",
        "target": "WIDGET",
        "url": manifest["appUrl"] + "widgets/home/",
        "permissions": ["MANAGE_ORDERS"],  # staff who may not see returns see no widget
        "options": {"homeWidgetTarget": {"method": "GET"}},  # the handshake brings the theme and the language
    }


def test_the_home_widget_lands_on_its_desk_page_as_the_dashboard_builds_it(client, manifest):
    # given: ExtensionIframe.tsx (GET): the url as is, then AppIFrame's context, no mount params
    (extension,) = [e for e in manifest["extensions"] if e["mount"] == "HOMEPAGE_WIDGETS"]

    # when
    address = urlsplit(app_iframe_url(APP_ID, extension["url"], saleor_api_url=SALEOR_API_URL, location_search="",
                                      params=[("theme", "dark")]))
    response = client.get(f"{address.path}?{address.query}")

    # then
    assert f"{address.scheme}://{address.netloc}" == "https://returns.example.com"
    assert address.path == "/dashboard/widgets/home"
    assert parse_qs(address.query) == {"domain": ["shop.example.com"], "saleorApiUrl": [SALEOR_API_URL],
                                       "id": [APP_ID], "theme": ["dark"]}
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
