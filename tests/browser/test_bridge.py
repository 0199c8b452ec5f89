"""The app inside the Dashboard double: the frame's URL, the handshake, and the bridge both ways."""

import json
import urllib.request
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from saleor_returns.fakes.dashboard.routes import order_route
from tests.api.conftest import ALL_STAFF_PERMISSIONS
from tests.browser import screenshot

pytestmark = pytest.mark.browser

VIEWER = "{ viewer { kind permissions } }"
# Posts an action from inside the app frame and resolves with the Dashboard's response.
DISPATCH = """([type, payload]) => new Promise((resolve) => {
  const actionId = "test-" + Math.random().toString(16).slice(2);
  window.addEventListener("message", function listen(event) {
    if (event.data && event.data.type === "response" && event.data.payload.actionId === actionId) {
      window.removeEventListener("message", listen);
      resolve(event.data.payload);
    }
  });
  window.parent.postMessage({ type, payload: { ...payload, actionId } }, "*");
})"""
DISPATCH_NO_WAIT = """([type, payload]) => {
  window.parent.postMessage({ type, payload: { ...payload, actionId: "test-redirect" } }, "*");
}"""
# Records the Dashboard's events inside the app frame.
# (Answers to the desk's own actions, "response", are left out.)
LISTEN = """() => { window.received = [];
  window.addEventListener("message", (event) => {
    if (event.data && event.data.type !== "response") window.received.push(event.data);
  }); }"""


def post_graphql(live_server, fake_saleor, token: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{live_server.url}/graphql/",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json", "Saleor-Api-Url": fake_saleor.api_url,
                 "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the live server on loopback
        return json.load(response)


def test_the_app_is_framed_where_the_dashboard_puts_it_and_shaken_hands_with_twice(
    dashboard, fake_saleor, fake_app, live_server
):
    # when
    frame = dashboard.open("/dashboard/", theme="dark", locale="zh-Hans")

    # then: the Dashboard's chrome, and the desk at the address the real Dashboard builds:
    # url-join drops appUrl's trailing slash, and the language is never in it
    page = dashboard.page
    assert page.locator("#dashboard-banner").is_visible()
    assert page.locator("body").get_attribute("class").split() == ["theme-dark"]
    assert dashboard.frame_loads == [(
        f"{live_server.url}/dashboard?domain={quote(fake_saleor.domain, safe='')}"
        f"&saleorApiUrl={quote(fake_saleor.api_url, safe='')}&id={quote(fake_app['id'], safe='')}&theme=dark",
        200,
    )]
    # (the desk then names its page canonically, without reloading)
    assert urlsplit(frame.url).path == "/dashboard/"
    # the app sees the Dashboard's origin as its referrer, the only origin it believes
    assert frame.evaluate("() => document.referrer") == f"http://{fake_saleor.domain}/"
    # a handshake on the frame's load and one after the desk's notifyReady; the language after it
    page.wait_for_function("() => window.dashboardDouble.handshakes === 2")
    frame.wait_for_function("() => document.documentElement.lang === 'zh-Hans'")
    frame.wait_for_selector("h1")
    assert [m["type"] for m in dashboard.messages()][0] == "notifyReady"
    assert page.evaluate("() => window.dashboardDouble.token").count(".") == 2
    screenshot(page, "dashboard-double-page")


def test_the_double_token_is_accepted_by_our_api(dashboard, fake_saleor, live_server):
    # given
    token = dashboard.new_token()

    # when
    result = post_graphql(live_server, fake_saleor, token, VIEWER)

    # then
    assert result == {"data": {"viewer": {"kind": "STAFF", "permissions": sorted(ALL_STAFF_PERMISSIONS)}}}


def test_actions_are_answered_and_carried_out(dashboard, fake_saleor):
    # given
    order = fake_saleor.add_order(lines=[{"sku": "SNEAKER-42", "quantity": 1, "unit_price": "25.00"}])
    frame = dashboard.open("/dashboard/")

    # when
    answers = [
        frame.evaluate(DISPATCH, ["notification",
                                  {"status": "success", "title": "Refund issued", "text": "RMA-000001"}]),
        frame.evaluate(DISPATCH, ["updateRouting", {"newRoute": "/returns/42"}]),
    ]

    # then
    assert [answer["ok"] for answer in answers] == [True, True]
    assert dashboard.notifications() == [("success", "Refund issued — RMA-000001")]
    assert dashboard.route() == "/returns/42"

    # when: a redirect to a Dashboard page
    frame.evaluate(DISPATCH_NO_WAIT, ["redirect", {"to": f"/orders/{order['id']}", "newContext": False}])

    # then: the Dashboard goes there
    dashboard.wait_for_url(order_route(order["id"]))
    assert dashboard.redirects() == [f"/orders/{order['id']}"]


def test_messages_the_dashboard_does_not_know_are_ignored(dashboard):
    # given
    frame = dashboard.open("/dashboard/")
    frame.wait_for_selector("h1")

    # when: an action without an actionId, and a made-up resize
    frame.evaluate(
        """(origin) => {
          window.parent.postMessage({ type: "notification", payload: { title: "No id" } }, origin);
          window.parent.postMessage({ type: "saleor:widget:resize", height: 900 }, origin);
          window.parent.postMessage({ type: "widgetResize", payload: { height: 900 } }, origin);
        }""",
        f"http://{dashboard.fake.domain}",
    )
    answer = frame.evaluate(DISPATCH, ["notification", {"status": "info", "title": "With id"}])

    # then: only the well-formed action is carried out
    assert answer["ok"] is True
    assert dashboard.notifications() == [("info", "With id")]
    assert dashboard.page.evaluate("() => document.getElementById('app-frame').style.height") == ""


def test_dashboard_controls_post_their_events(dashboard):
    # given
    frame = dashboard.open("/dashboard/")
    frame.evaluate(LISTEN)
    first_token = dashboard.page.evaluate("() => window.dashboardDouble.token")

    # when
    dashboard.page.click("#dashboard-theme")
    dashboard.page.select_option("#dashboard-locale", "zh-Hans")
    # tokens carry whole seconds: a refresh in the handshake's second would be the same token
    dashboard.page.wait_for_timeout(1100)
    dashboard.page.click("#dashboard-refresh-token")
    frame.wait_for_function("() => window.received.length === 3")

    # then
    theme, locale, refresh = frame.evaluate("() => window.received")
    assert theme == {"type": "theme", "payload": {"theme": "dark"}}
    assert locale == {"type": "localeChanged", "payload": {"locale": "zh-Hans"}}
    assert refresh["type"] == "tokenRefresh"
    assert refresh["payload"]["token"] != first_token
    assert "theme-dark" in dashboard.page.locator("body").get_attribute("class")


def test_a_widget_is_a_narrow_box_that_follows_its_content(dashboard, fake_saleor, fake_app, live_server):
    # given
    order = fake_saleor.add_order(lines=[{"sku": "SNEAKER-42", "quantity": 1, "unit_price": "25.00"}])

    # when
    frame = dashboard.open(mode="widget", order_id=order["id"])
    frame.wait_for_selector(".widget-list, .widget-empty")

    # then: at the widget's absolute URL, with the query the real Dashboard builds (keys twice)
    ((url, status),) = dashboard.frame_loads
    assert status == 200
    assert url.startswith(f"{live_server.url}/dashboard/widgets/order?domain=")
    query = parse_qs(urlsplit(url).query)
    assert query == {
        "domain": [fake_saleor.domain] * 2, "saleorApiUrl": [fake_saleor.api_url] * 2, "id": [fake_app["id"]] * 2,
        "theme": ["light"] * 2, "orderId": [order["id"]],
    }
    # the box takes the height the widget's content reports (never a fixed size)
    box = dashboard.page.locator("#app-frame")
    content = dashboard.settled_widget_height()
    assert box.bounding_box()["height"] == pytest.approx(content, abs=1)
    width = box.bounding_box()["width"]
    assert 300 <= width <= 360
    assert dashboard.page.locator("h1").inner_text() == f"Order #{order['number']}"
    # saleorVersion is empty inside a widget, as the real Dashboard sends it
    assert dashboard.page.evaluate("() => window.dashboardDouble.handshakes") == 2
    screenshot(dashboard.page, "dashboard-double-widget")
