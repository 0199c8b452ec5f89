"""The desk's page and assets as Django serves them (the browser tests drive them)."""

import json
import re

import pytest

from saleor_returns.dashboard.views import ASSETS_DIR

DESK_ROUTES = [
    "/dashboard/",
    "/dashboard/overview/",
    "/dashboard/settings/",
    "/dashboard/returns/new/?orderId=T3JkZXI6MQ==",
    "/dashboard/returns/UmV0dXJuUmVxdWVzdDox/",
    "/dashboard/widgets/order/?orderId=T3JkZXI6MQ==",
    # as the Dashboard asks: url-join drops the trailing slash
    "/dashboard",
    "/dashboard/overview",
    "/dashboard/returns/new?orderId=T3JkZXI6MQ==",
    "/dashboard/widgets/order?orderId=T3JkZXI6MQ==",
    # as shops that installed the first manifest still ask
    "/dashboard/dashboard",
    "/dashboard/dashboard/returns/new?orderId=T3JkZXI6MQ==",
    "/dashboard//dashboard/widgets/order?orderId=T3JkZXI6MQ==",
]
# The iframe context as the Dashboard 3.23 sends it: some keys twice (a widget's are joined twice).
DASHBOARD_QUERY = (
    "domain=shop.example.com&saleorApiUrl=https%3A%2F%2Fshop.example.com%2Fgraphql%2F&id=QXBwOjE%3D&theme=dark"
    "&domain=shop.example.com&saleorApiUrl=https%3A%2F%2Fshop.example.com%2Fgraphql%2F&id=QXBwOjE%3D&theme=dark"
)


def _config(response) -> dict:
    found = re.search(rb'<script id="desk-config" type="application/json">(.*?)</script>', response.content, re.S)
    assert found, "the page carries its configuration"
    return json.loads(found.group(1))


@pytest.mark.parametrize("path", DESK_ROUTES)
def test_every_desk_route_serves_the_desk_page_framable_without_cookies(client, path):
    response = client.get(path + ("&" if "?" in path else "?") + DASHBOARD_QUERY)

    assert response.status_code == 200  # never a redirect: it would lose the Dashboard's origin
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not response.cookies  # the desk lives in a third-party iframe: no cookies at all
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    config = _config(response)
    assert config["basePath"] == "/dashboard/"
    assert config["apiUrl"] == "/graphql/"
    assert config["accessToken"] is None
    assert b'type="module"' in response.content


def test_the_message_preview_frame_is_a_blank_page_where_nothing_runs(client):
    # when
    response = client.get("/dashboard/frames/message-preview")

    # then: the e-mail's inline styles may apply in it; scripts, forms and other loads may not
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors *"
    )
    assert response["Referrer-Policy"] == "no-referrer"
    assert "X-Frame-Options" not in response
    assert b"<script" not in response.content
    assert not response.cookies


def test_the_page_escapes_what_it_echoes(client):
    response = client.get("/dashboard/?saleorApiUrl=%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E")

    assert b"<script>alert(1)" not in response.content


@pytest.mark.parametrize("path", DESK_ROUTES)
def test_a_page_mounted_with_post_hands_its_token_to_the_page(client, path):
    response = client.post(
        path,
        {"saleorApiUrl": "https://shop.example.com/graphql/", "appId": "QXBwOjE=", "accessToken": "header.payload.sig",
         "orderId": "T3JkZXI6MQ=="},
    )

    assert response.status_code == 200
    config = _config(response)
    assert config["accessToken"] == "header.payload.sig"
    assert config["context"] == {"orderId": "T3JkZXI6MQ=="}
    assert config["saleorApiUrl"] == "https://shop.example.com/graphql/"
    assert config["appId"] == "QXBwOjE="
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_desk_pages_answer_get_and_post_only(client, method):
    assert getattr(client, method)("/dashboard/").status_code == 405


def test_the_page_names_no_referrer_policy_of_its_own(client):
    # (a <meta name="referrer"> would override the header for everything the desk sends)
    assert b'name="referrer"' not in client.get("/dashboard").content


@pytest.mark.parametrize("name", ["app.js", "bridge.js", "api.js", "i18n.js", "ui.js"])
def test_scripts_are_served_as_javascript_modules(client, name):
    response = client.get(f"/dashboard/assets/{name}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == (ASSETS_DIR / name).read_bytes()


def test_every_page_module_the_router_names_exists(client):
    router = (ASSETS_DIR / "app.js").read_text()
    modules = set(re.findall(r'module: "(\w+)"', router))
    assert modules == {"list", "overview", "returners", "analytics", "review", "settings", "create", "detail", "widget"}
    for module in modules:
        assert client.get(f"/dashboard/assets/pages/{module}.js").status_code == 200, module


def test_stylesheet_is_served_as_css(client):
    response = client.get("/dashboard/assets/desk.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


@pytest.mark.parametrize("path", ["../views.py", "..%2Fviews.py", "pages/../../views.py", "missing.js", "pages/"])
def test_nothing_outside_the_assets_is_served(client, path):
    assert client.get(f"/dashboard/assets/{path}").status_code == 404


def test_the_demo_shop_is_labelled_only_for_its_own_api_url(client, settings):
    settings.DEMO_SHOP_API_URL = "http://127.0.0.1:8011/graphql/"

    demo = _config(client.get("/dashboard/?saleorApiUrl=http%3A%2F%2F127.0.0.1%3A8011%2Fgraphql%2F"))
    real = _config(client.get("/dashboard/?saleorApiUrl=https%3A%2F%2Fshop.example.com%2Fgraphql%2F"))

    assert demo["demo"] is True
    assert real["demo"] is False
