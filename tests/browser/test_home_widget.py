"""The Dashboard home page's widget: this week's return rate beside last week's, and the review queue."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.utils import timezone

from saleor_returns.analytics.rollups import roll_up_returns
from saleor_returns.saleor.manifest import build_manifest
from tests.analytics.conftest import OrderWebhooks, set_time_zone
from tests.browser import screenshot
from tests.browser.test_widget import LINES, api, create_request  # noqa: F401 - the staff API caller

pytestmark = pytest.mark.browser

HOME = "/home"


@pytest.fixture
def order_webhooks(client, shop, fake_saleor, fake_app, django_capture_on_commit_callbacks):
    return OrderWebhooks(client, fake_saleor, fake_app, django_capture_on_commit_callbacks)


@pytest.fixture
def this_week(shop, fake_saleor, order_webhooks, api):
    """A Shanghai shop: 3 units sold this week (1 asked back, waiting for review), 5 sold 8 days ago."""
    set_time_zone(shop, "Asia/Shanghai")
    order = fake_saleor.add_order(user_email="alice@example.com", lines=LINES, shipping=Decimal("10.00"),
                                  created=timezone.now())
    fake_saleor.fulfill(order, created=timezone.now())
    earlier = fake_saleor.add_order(user_email="bob@example.com", lines=[{**LINES[0], "quantity": 5}],
                                    created=timezone.now() - timedelta(days=8))
    for placed in (order, earlier):
        order_webhooks.deliver("ORDER_CREATED", placed)
    create_request(api, order, 0, 1)
    roll_up_returns(shop)
    return order


def open_home(dashboard, **kwargs):
    frame = dashboard.goto(HOME, **kwargs)
    frame.wait_for_selector(".home-widget")
    return frame


def test_the_home_widget_shows_this_weeks_rate_and_the_review_queue(dashboard, this_week, fake_app):
    # when
    frame = open_home(dashboard)

    # then: the home page's widgets tab, the widget loaded with the Dashboard's context and no order
    assert urlsplit(dashboard.page.url).path.endswith("/home/widgets")
    loaded, status = dashboard.frame_loads[-1]
    address = urlsplit(loaded)
    assert (address.path, status) == ("/dashboard/widgets/home", 200)  # url-join drops the slash; no redirect
    assert "orderId" not in parse_qs(address.query)
    assert frame.locator('[data-value="rate"]').inner_text() == "33.3 %"
    assert frame.locator('[data-value="previous"]').inner_text() == "Last week: 0 %"
    assert frame.locator('[data-figure="rate"] .home-widget-detail').inner_text() == "1 of 3 units returned"
    assert frame.locator('[data-value="queue"]').inner_text() == "1"
    assert frame.locator('[data-value="oldest"]').inner_text().startswith("Oldest requested ")
    assert frame.locator(".home-widget-channels").count() == 0  # one channel
    # it reported its height, and the Dashboard sized the frame to it
    dashboard.settled_widget_height()
    screenshot(dashboard.page, "home-widget-light-en")

    # when: the review queue
    frame.click('button[data-action="queue"]')

    # then: the desk's list on its "Needs review" tab, as an app page
    app_page = f"/extensions/app/{quote(fake_app['id'], safe='')}"
    dashboard.wait_for_url(f"{app_page}/?tab=review")
    dashboard.frame_locator.locator('[data-tab="review"][aria-selected="true"]').wait_for()

    # when: back home, the rate
    open_home(dashboard).click('button[data-action="overview"]')

    # then: the desk's overview
    dashboard.wait_for_url(f"{app_page}/overview/")
    assert dashboard.redirects() == [f"{app_page}/?tab=review", f"{app_page}/overview/"]


def test_without_sales_the_widget_leads_to_the_sales_history(dashboard, fake_app):
    # given: an empty ledger
    frame = open_home(dashboard)

    # then
    assert frame.locator('[data-figure="rate"] .home-widget-empty').inner_text() == "No sales recorded yet."
    assert frame.locator('[data-value="queue"]').inner_text() == "0"

    # when
    frame.click('button[data-action="backfill"]')

    # then: Settings, on its sales history
    dashboard.wait_for_url(f"/extensions/app/{quote(fake_app['id'], safe='')}/settings/?tab=sales")
    dashboard.frame_locator.locator("#settings-panel-sales").wait_for()


def test_the_home_widget_in_chinese_and_dark(dashboard, this_week):
    # when
    frame = open_home(dashboard, theme="dark", locale="zh-Hans")

    # then
    frame.wait_for_function("() => document.querySelector('[data-figure=\"rate\"] h2').textContent === '本周退货率'")
    assert frame.locator('[data-value="previous"]').inner_text() == "上周：0 %"
    assert frame.locator('[data-figure="rate"] .home-widget-detail').inner_text() == "已售 3 件，退货 1 件"
    assert frame.locator('button[data-action="queue"]').inner_text() == "打开待审核列表"
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    screenshot(dashboard.page, "home-widget-dark-zh-Hans")


def test_a_post_home_widget_gets_the_token_as_a_form_and_keeps_its_card_height(dashboard, fake_saleor, fake_app):
    # given: the extension mounted as the Dashboard's default, POST (ExtensionIframe.tsx)
    extensions = build_manifest()["extensions"]
    for extension in extensions:
        if extension["mount"] == "HOMEPAGE_WIDGETS":
            extension["options"] = {"homeWidgetTarget": {"method": "POST"}}
    fake_saleor.set_app_extensions(fake_app, extensions)

    # when
    dashboard.goto(HOME, wait=False)
    dashboard.page.wait_for_function("() => window.dashboardDouble && window.dashboardDouble.messages.some("
                                     "m => m && m.type === 'widgetResize')")
    frame = dashboard.frame
    frame.wait_for_selector(".home-widget")

    # then: no handshake, no context in the address; its widgetResize goes unheard, the card keeps its height
    assert dashboard.page.evaluate("() => window.dashboardDouble.handshakes") == 0
    assert urlsplit(frame.url).query == ""
    assert dashboard.page.evaluate("() => document.getElementById('app-frame').style.height") == ""
    assert dashboard.page.locator(".home-cell").bounding_box()["height"] >= 320  # HomeWidgetCell's MIN_CELL_HEIGHT
    assert dashboard.page.locator("#app-frame").bounding_box()["height"] > 200


def test_a_shop_with_several_channels_sees_each_channels_rate(dashboard, this_week, fake_saleor, order_webhooks, shop):
    # given: 4 hats sold this week in a second channel, none returned
    hats = fake_saleor.add_order(user_email="carol@example.com", channel_slug="japan", currency="JPY",
                                 lines=[{**LINES[1], "unit_price": Decimal("2000"), "quantity": 4}], created=timezone.now())
    order_webhooks.deliver("ORDER_CREATED", hats)

    # when
    frame = open_home(dashboard)

    # then: 1 of 7 units overall; per channel, 1 of 3 and 0 of 4
    assert frame.locator('[data-value="rate"]').inner_text() == "14.3 %"
    rows = frame.locator(".home-widget-channels li")
    assert [rows.nth(i).inner_text().split("\n") for i in range(rows.count())] == [
        ["default-channel", "33.3 %", "Last week: 0 %"],
        ["japan", "0 %", "Last week: —"],
    ]
    dashboard.settled_widget_height()
