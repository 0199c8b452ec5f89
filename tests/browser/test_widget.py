"""The order page's widget: the order's returns in a narrow box that follows its content."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from django.utils import timezone

from tests.browser import screenshot

pytestmark = pytest.mark.browser

CREATE = """
mutation($input: ReturnRequestCreateInput!) {
  returnRequestCreate(input: $input) { returnRequest { id number } errors { field code message } }
}"""
REJECT = """
mutation($id: ID!) {
  returnRequestReject(id: $id, message: "Worn outside.") { errors { field code message } }
}"""
LINES = [
    {
        "sku": "SNEAKER-42", "quantity": 2, "unit_price": Decimal("25.00"), "product_name": "Sneaker",
        "variant_name": "42",
    },
    {"sku": "JACKET-M", "quantity": 1, "unit_price": Decimal("40.00"), "product_name": "Jacket", "variant_name": "M"},
]


def shipped_order(fake_saleor):
    order = fake_saleor.add_order(
        user_email="alice@example.com", lines=LINES, shipping=Decimal("10.00"),
        created=timezone.now() - timedelta(days=5),
    )
    fake_saleor.fulfill(order, created=timezone.now() - timedelta(days=3))
    return order


@pytest.fixture
def api(client, shop, fake_saleor, fake_app, staff_user):
    """Posts GraphQL to the app as the staff user."""
    token = fake_saleor.issue_staff_app_token(staff_user, fake_app)

    def call(query, variables, field):
        response = client.post(
            "/graphql/", {"query": query, "variables": variables}, content_type="application/json",
            headers={"Saleor-Api-Url": shop.saleor_api_url, "Authorization": f"Bearer {token}"},
        )
        payload = response.json()["data"][field]
        assert payload["errors"] == [], payload["errors"]
        return payload

    return call


def create_request(api, order, index, quantity, reason="CHANGED_MIND"):
    lines = [{"orderLineId": order["lines"][index]["id"], "quantity": quantity, "reason": reason}]
    return api(CREATE, {"input": {"orderId": order["id"], "lines": lines}}, "returnRequestCreate")["returnRequest"]


def open_widget(dashboard, order, **kwargs):
    frame = dashboard.open(mode="widget", order_id=order["id"], **kwargs)
    frame.wait_for_selector(".widget-list, .widget-empty")
    return frame


def wait_for_frame_height(dashboard, frame):
    """The double sized the frame to what the widget reported last, and that is its content's height."""
    assert frame == dashboard.frame
    return dashboard.settled_widget_height()


def test_the_widget_lists_the_orders_returns_with_their_status(dashboard, fake_saleor, api):
    # given: two returns of this order (one rejected) and one of another order
    order, other = shipped_order(fake_saleor), shipped_order(fake_saleor)
    first = create_request(api, order, 0, 1)
    api(REJECT, {"id": first["id"]}, "returnRequestReject")
    second = create_request(api, order, 1, 1, reason="ORDERED_BY_MISTAKE")
    create_request(api, other, 0, 2)

    # when
    frame = open_widget(dashboard, order)

    # then: newest first, each with its status, value and date
    items = frame.locator(".widget-item")
    assert items.count() == 2
    assert [items.nth(i).get_attribute("data-return") for i in range(2)] == [second["id"], first["id"]]
    assert items.nth(0).locator(".btn-link").inner_text() == second["number"]
    assert [items.nth(i).locator(".badge").get_attribute("data-status") for i in range(2)] == [
        "PENDING_REVIEW", "REJECTED",
    ]
    assert items.nth(0).locator(".badge").inner_text() == "Needs review"
    assert items.nth(1).locator(".badge").inner_text() == "Rejected"
    assert items.nth(0).locator(".money").inner_text() == "$40.00"
    assert items.nth(1).locator(".money").inner_text() == "$25.00"
    assert frame.locator(".widget-count").inner_text() == "2 returns"
    # no desk chrome in a widget, and it fits the Dashboard's narrow column
    assert frame.locator(".desk-header").count() == 0
    assert dashboard.page.locator("#app-frame").bounding_box()["width"] <= 360
    wait_for_frame_height(dashboard, frame)
    screenshot(dashboard.page, "widget-light-en")


def test_an_order_without_returns_says_so(dashboard, fake_saleor):
    # given
    order = shipped_order(fake_saleor)

    # when
    frame = open_widget(dashboard, order)

    # then
    assert frame.locator(".widget-empty").inner_text() == "No returns for this order"
    assert frame.locator('button[data-action="create"]').inner_text() == "Create return"


def test_links_ask_the_dashboard_to_open_the_desk_page(dashboard, fake_saleor, fake_app, api):
    # given
    order = shipped_order(fake_saleor)
    created = create_request(api, order, 0, 1)
    frame = open_widget(dashboard, order)
    app_page = f"/extensions/app/{quote(fake_app['id'], safe='')}"

    # when: a return of the order
    frame.click(f'.widget-item[data-return="{created["id"]}"] .btn-link')

    # then: the Dashboard shows the desk's page of that return as an app page
    dashboard.wait_for_url(f"{app_page}/returns/{created['id']}/")
    detail = dashboard.frame
    detail.wait_for_selector("h1")
    assert created["number"] in detail.locator("h1").inner_text()
    assert urlsplit(detail.url).path.rstrip("/") == f"/dashboard/returns/{created['id']}"

    # when: back on the order, "Create return"
    dashboard.open(mode="widget", order_id=order["id"]).wait_for_selector(".widget-list")
    dashboard.frame.click('button[data-action="create"]')

    # then: the create page, for this order
    dashboard.wait_for_url(f"{app_page}/returns/new/?{urlencode({'orderId': order['id']})}")
    create = dashboard.frame
    create.wait_for_selector("h1")
    assert parse_qs(urlsplit(create.url).query)["orderId"] == [order["id"]]
    assert dashboard.redirects() == [
        f"{app_page}/returns/{created['id']}/",
        f"{app_page}/returns/new/?{urlencode({'orderId': order['id']})}",
    ]


def test_the_widget_reports_its_height_and_follows_its_content(dashboard, fake_saleor):
    # given
    order = shipped_order(fake_saleor)
    frame = open_widget(dashboard, order)
    first = wait_for_frame_height(dashboard, frame)
    assert first < 200  # an empty widget is smaller than the Dashboard's starting box

    # when: the content grows (as after a language change or a longer list)
    frame.evaluate(
        "() => { const tall = document.createElement('div'); tall.style.height = '400px';"
        " document.getElementById('main').append(tall); }"
    )

    # then: reported again, and the Dashboard resized the box
    dashboard.page.wait_for_function(
        "first => { const m = window.dashboardDouble.messages.filter(m => m.type === 'widgetResize');"
        " return m.length && m[m.length - 1].payload.height >= first + 400; }",
        arg=first,
    )
    assert wait_for_frame_height(dashboard, frame) >= first + 400


def test_the_widget_in_chinese_and_dark(dashboard, fake_saleor, api):
    # given
    order = shipped_order(fake_saleor)
    create_request(api, order, 0, 1)

    # when
    frame = open_widget(dashboard, order, theme="dark", locale="zh-Hans")

    # then
    assert frame.locator(".widget-item .badge").inner_text() == "待审核"
    assert frame.locator('button[data-action="create"]').inner_text() == "创建退货"
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    wait_for_frame_height(dashboard, frame)
    screenshot(dashboard.page, "widget-dark-zh-Hans")
