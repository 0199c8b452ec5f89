"""Every way into the desk from the Dashboard lands on the right page, under the real Dashboard's rules.

The Dashboard double builds iframe addresses as saleor-dashboard 3.23 does (url-join drops
the trailing slash; an APP_PAGE `url` is a path inside appUrl; a relative WIDGET `url` is
glued to appUrl), so these fail wherever the manifest or the desk guessed otherwise.
"""

from decimal import Decimal
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from saleor_returns.fakes.dashboard.routes import order_route
from saleor_returns.fakes.dashboard.urls import INSTALLED_EXTENSIONS_PATH
from tests.browser import screenshot

pytestmark = pytest.mark.browser

NOT_FOUND = "This page does not exist."
NOT_FRAMED = "Open the returns desk from the Saleor Dashboard: Orders → Returns."


@pytest.fixture
def order(fake_saleor):
    order = fake_saleor.add_order(
        user_email="alice@example.com",
        lines=[{"sku": "SNEAKER-42", "quantity": 2, "unit_price": Decimal("25.00"), "product_name": "Sneaker",
                "variant_name": "42"}],
        shipping=Decimal("10.00"),
    )
    fake_saleor.fulfill(order)
    return order


def desk_text(frame) -> str:
    frame.wait_for_selector("h1, .banner")
    return frame.locator("body").inner_text()


def test_orders_returns_opens_the_desks_list(dashboard, live_server):
    # given: the order list
    dashboard.goto("/orders/", wait=False)

    # when: Orders → Returns in the sidebar
    dashboard.page.click('a[data-extension="returns-list"]')
    dashboard.wait_for_handshake()

    # then: the app page at the app's root, and the desk's list in it
    assert dashboard.route() == "/"
    frame = dashboard.frame
    expect(frame.locator("h1")).to_have_text("Returns")
    assert NOT_FOUND not in desk_text(frame)
    ((url, status),) = dashboard.frame_loads
    assert (urlsplit(url).path, status) == ("/dashboard", 200)


def test_the_apps_main_page_loads_without_a_redirect_and_keeps_the_dashboards_origin(
    dashboard, live_server, fake_saleor
):
    # given: Extensions → Installed
    dashboard.goto(INSTALLED_EXTENSIONS_PATH, wait=False)

    # when: the app is opened
    dashboard.page.click(f'a[data-app="{dashboard.app["id"]}"]')
    dashboard.wait_for_handshake()

    # then: asked for /dashboard without the slash, answered there (no redirect), and the
    # handshake is believed: the list, not "Loading…"
    frame = dashboard.frame
    expect(frame.locator("h1")).to_have_text("Returns")
    assert [(urlsplit(url).path, status) for url, status in dashboard.frame_loads] == [("/dashboard", 200)]
    assert frame.evaluate("() => document.referrer") == f"http://{fake_saleor.domain}/"
    screenshot(dashboard.page, "entry-extensions-app-page")


def test_the_order_page_widget_shows_the_returns_and_takes_its_contents_height(dashboard, order):
    # when: the order page
    frame = dashboard.open(mode="widget", order_id=order["id"])

    # then: the widget, not "This page does not exist."
    expect(frame.locator(".widget-empty")).to_have_text("No returns for this order")
    assert NOT_FOUND not in desk_text(frame)
    ((url, status),) = dashboard.frame_loads
    assert (urlsplit(url).path, status) == ("/dashboard/widgets/order", 200)
    # the box starts at the Dashboard's 200 px and follows app-sdk's widgetResize only
    height = dashboard.settled_widget_height()
    assert height != 200
    box = dashboard.page.locator("#app-frame").bounding_box()
    assert box["height"] == pytest.approx(height, abs=1)
    resizes = dashboard.messages("widgetResize")
    assert all(isinstance(m["payload"]["actionId"], str) and m["payload"]["actionId"] for m in resizes)
    # sent when the height changes, and only then
    heights = [m["payload"]["height"] for m in resizes]
    assert all(a != b for a, b in zip(heights, heights[1:]))
    screenshot(dashboard.page, "entry-order-widget")


def test_more_actions_create_return_opens_the_create_form_for_the_order(dashboard, order, fake_app):
    # given: the order page
    dashboard.open(mode="widget", order_id=order["id"])

    # when: More actions → Create return
    dashboard.page.click(".more-actions summary")
    dashboard.page.get_by_role("menuitem", name="Create return").click()
    dashboard.wait_for_handshake()

    # then: the create form for this order, at the app page the Dashboard routed to
    frame = dashboard.frame
    expect(frame.locator("h1")).to_have_text(f"Create return for order #{order['number']}")
    assert dashboard.route() == f"/returns/new/?orderId={quote(order['id'], safe='')}"
    url, status = dashboard.frame_loads[-1]  # (after the order page's widget)
    assert (urlsplit(url).path, status) == ("/dashboard/returns/new", 200)


def test_an_older_installation_still_lands_on_the_right_pages(dashboard, order, fake_saleor, fake_app, live_server):
    # given: the shop installed the app from the first manifest (URLs that repeat /dashboard/)
    extensions = [
        {"identifier": "returns-list", "label": "Returns", "mount": "NAVIGATION_ORDERS", "target": "APP_PAGE",
         "url": "/dashboard/", "permissions": ["MANAGE_ORDERS"]},
        {"identifier": "order-create-return", "label": "Create return", "mount": "ORDER_DETAILS_MORE_ACTIONS",
         "target": "APP_PAGE", "url": "/dashboard/returns/new/", "permissions": ["MANAGE_ORDERS"]},
        {"identifier": "order-returns-widget", "label": "Returns", "mount": "ORDER_DETAILS_WIDGETS",
         "target": "WIDGET", "url": "/dashboard/widgets/order/", "permissions": ["MANAGE_ORDERS"],
         "options": {"widgetTarget": {"method": "GET"}}},
    ]
    fake_saleor.set_app_extensions(fake_app, extensions)

    # when / then: the widget (at /dashboard//dashboard/widgets/order)
    frame = dashboard.open(mode="widget", order_id=order["id"])
    expect(frame.locator(".widget-empty")).to_have_text("No returns for this order")

    # when / then: Create return (at /dashboard/dashboard/returns/new)
    dashboard.page.click(".more-actions summary")
    dashboard.page.get_by_role("menuitem", name="Create return").click()
    dashboard.wait_for_handshake()
    expect(dashboard.frame.locator("h1")).to_have_text(f"Create return for order #{order['number']}")

    # when / then: Orders → Returns (at /dashboard/dashboard)
    dashboard.page.click('a[data-extension="returns-list"]')
    dashboard.wait_for_handshake()
    expect(dashboard.frame.locator("h1")).to_have_text("Returns")
    assert [urlsplit(url).path for url, _ in dashboard.frame_loads] == [
        "/dashboard//dashboard/widgets/order", "/dashboard/dashboard/returns/new", "/dashboard/dashboard",
    ]


def test_a_widget_mounted_with_post_gets_its_token_from_the_form(dashboard, order, fake_saleor, fake_app):
    # given: the widget mounted with POST
    extensions = [dict(e) for e in fake_app["extensions"]]
    widget = next(e for e in extensions if e["mountName"] == "ORDER_DETAILS_WIDGETS")
    widget["settings"] = {"widgetTarget": {"method": "POST"}}
    fake_app["extensions"] = extensions

    # when
    dashboard.goto(order_route(order["id"]), wait=False)
    frame = dashboard.page.frame(name="app")
    frame.wait_for_selector(".widget-empty")

    # then: no handshake needed; the height still follows the content
    assert dashboard.page.evaluate("() => window.dashboardDouble.handshakes") == 0
    height = dashboard.settled_widget_height()
    assert dashboard.page.locator("#app-frame").bounding_box()["height"] == pytest.approx(height, abs=1)


def test_widget_links_open_the_desk_as_an_app_page_not_the_extensions_list(dashboard, order, fake_app):
    # given
    frame = dashboard.open(mode="widget", order_id=order["id"])
    frame.wait_for_selector(".widget-empty")

    # when
    frame.click('button[data-action="create"]')

    # then: the app page, not the Extensions list the legacy /apps/<id>/app/ path leads to
    dashboard.wait_for_handshake()
    assert dashboard.redirects()[0].startswith(f"/extensions/app/{quote(fake_app['id'], safe='')}/returns/new/")
    expect(dashboard.frame.locator("h1")).to_have_text(f"Create return for order #{order['number']}")

    # and the legacy path would have gone to the Extensions list
    dashboard.goto(f"/apps/{quote(fake_app['id'], safe='')}/app/returns/new/", wait=False)
    assert urlsplit(dashboard.page.url).path == f"/dashboard-double{INSTALLED_EXTENSIONS_PATH}"


# The desk's own bridge, loaded in the app frame with another referrer than the Dashboard's.
FOREIGN_BRIDGE = """async (referrer) => {
  const { Bridge } = await import("/dashboard/assets/bridge.js");
  const bridge = new Bridge({ referrer });
  return bridge.notify("info", "From a foreign bridge");
}"""


def test_the_bridge_posts_only_to_the_dashboards_origin(dashboard, fake_saleor):
    # given
    frame = dashboard.open("/dashboard/")
    frame.wait_for_selector("h1")

    # when: a bridge that believes another origin is the Dashboard speaks
    answered = frame.evaluate(FOREIGN_BRIDGE, "https://elsewhere.example/")

    # then: the Dashboard never receives it
    assert answered is False
    assert "From a foreign bridge" not in [m.get("payload", {}).get("title") for m in dashboard.messages()]

    # and the same bridge with the Dashboard's origin is heard and answered
    assert frame.evaluate(FOREIGN_BRIDGE, f"http://{fake_saleor.domain}/") is True
    assert ("info", "From a foreign bridge") in dashboard.notifications()


FRAMED_WITHOUT_REFERRER = """([src]) => new Promise((resolve) => {
  const frame = document.createElement("iframe");
  frame.name = "no-referrer";
  frame.referrerPolicy = "no-referrer";
  frame.src = src;
  frame.onload = () => resolve(true);
  document.body.append(frame);
})"""


def test_a_desk_framed_without_the_dashboards_origin_says_so_and_believes_nothing(
    dashboard, live_server, fake_saleor, fake_app, staff_user
):
    # given: the desk framed by a page whose origin it cannot learn
    dashboard.goto("/orders/", wait=False)
    dashboard.page.evaluate(FRAMED_WITHOUT_REFERRER, [f"{live_server.url}/dashboard?id=x"])
    frame = dashboard.page.frame(name="no-referrer")

    # when: a handshake with a valid token arrives from the framing page
    token = fake_saleor.issue_staff_app_token(staff_user, fake_app)
    dashboard.page.evaluate(
        "(token) => document.querySelector('iframe[name=no-referrer]').contentWindow.postMessage("
        "{type: 'handshake', payload: {token, version: 1}}, '*')",
        token,
    )

    # then: a plain sentence instead of waiting forever, and no data shown
    expect(frame.locator(".banner")).to_have_text(NOT_FRAMED)
    assert frame.evaluate("() => document.referrer") == ""
    assert frame.locator("h1").count() == 0
