"""The desk's side of the app bridge: token handling, origin check, theme, language, routing."""

import time

import pytest

from saleor_returns.dashboard.views import ASSETS_DIR
from tests.browser import screenshot

pytestmark = pytest.mark.browser


def api_calls(page, into: list) -> None:
    """Collect every call the desk makes to the app's GraphQL API."""

    def record(request):
        if request.url.endswith("/graphql/") and request.method == "POST":
            into.append(request.headers)

    page.on("request", record)


def test_every_api_call_carries_the_dashboard_token_and_nothing_is_stored(dashboard, fake_saleor):
    # given
    calls = []
    api_calls(dashboard.page, calls)

    # when
    frame = dashboard.open("/dashboard/")
    frame.wait_for_selector("h1")
    frame.wait_for_load_state("networkidle")

    # then: the handshake token on every call, the shop named, no cookies or storage used
    token = dashboard.page.evaluate("() => window.dashboardDouble.token")
    assert calls
    for headers in calls:
        assert headers["authorization"] == f"Bearer {token}"
        assert headers["saleor-api-url"] == fake_saleor.api_url
        assert "cookie" not in headers
    assert dashboard.page.context.cookies() == []
    assert frame.evaluate("() => document.cookie") == ""
    # a third-party frame may not even have storage: the desk never touches it
    for source in ASSETS_DIR.rglob("*.js"):
        text = source.read_text()
        assert "localStorage" not in text and "sessionStorage" not in text and "document.cookie" not in text, source


def test_a_refreshed_token_is_used_from_then_on(dashboard):
    # given
    calls = []
    api_calls(dashboard.page, calls)
    frame = dashboard.open("/dashboard/")
    frame.wait_for_selector("h1")
    # issued a few seconds earlier than the handshake's, so it differs from it
    fresh = dashboard.fake.issue_staff_app_token(dashboard.staff, dashboard.app, iat=int(time.time()) - 5)
    assert fresh != dashboard.page.evaluate("() => window.dashboardDouble.token")

    # when: the Dashboard refreshes the token, then staff move to another page
    dashboard.post("tokenRefresh", {"token": fresh})
    calls.clear()
    frame.click('a[data-nav="overview"]')
    frame.wait_for_selector(".overview-figures, .figure")
    frame.wait_for_load_state("networkidle")

    # then
    assert calls and all(headers["authorization"] == f"Bearer {fresh}" for headers in calls)


def test_messages_from_anyone_but_the_dashboard_are_ignored(dashboard):
    # given
    calls = []
    api_calls(dashboard.page, calls)
    frame = dashboard.open("/dashboard/")
    frame.wait_for_selector("h1")

    # when: a message from another origin (the app's own, here) claims to be a handshake and a theme change
    frame.evaluate(
        """() => {
          window.postMessage({type: "handshake", payload: {token: "forged", version: 1}}, "*");
          window.postMessage({type: "tokenRefresh", payload: {token: "forged"}}, "*");
          window.postMessage({type: "theme", payload: {theme: "dark"}}, "*");
        }"""
    )
    calls.clear()
    frame.click('a[data-nav="settings"]')
    frame.wait_for_selector("h1")
    frame.wait_for_load_state("networkidle")

    # then
    assert calls and all(headers["authorization"] != "Bearer forged" for headers in calls)
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "light"


def test_outside_the_dashboard_the_desk_says_where_to_open_it(page, live_server):
    # when: the desk opened directly, with no Dashboard around it
    page.goto(f"{live_server.url}/dashboard/?saleorApiUrl=http%3A%2F%2F127.0.0.1%3A1%2Fgraphql%2F")

    # then
    page.wait_for_selector(".banner")
    assert page.locator(".banner").inner_text() == "Open the returns desk from the Saleor Dashboard: Orders → Returns."


def test_the_desk_follows_the_dashboards_theme_and_language_as_they_change(dashboard):
    # given
    frame = dashboard.open("/dashboard/overview/")
    frame.wait_for_selector("h1")
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "light"
    english = frame.locator('a[data-nav="settings"]').inner_text()

    # when
    dashboard.post("theme", {"theme": "dark"})
    dashboard.post("localeChanged", {"locale": "zh-Hans"})

    # then
    frame.wait_for_function("() => document.documentElement.lang === 'zh-Hans'")
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert english == "Settings"
    assert frame.locator('a[data-nav="settings"]').inner_text() == "设置"
    background = frame.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(38, 40, 54)"  # the Dashboard's own dark page
    screenshot(dashboard.page, "bridge-switched-dark-zh-Hans")


def test_moving_inside_the_desk_updates_the_dashboards_route(dashboard):
    # given
    frame = dashboard.open("/dashboard/")
    frame.wait_for_selector("h1")

    # when
    frame.click('a[data-nav="settings"]')
    frame.wait_for_selector("h1")

    # then: the route relative to the app, without the Dashboard's own parameters
    message = dashboard.wait_for_message("updateRouting")
    assert message["payload"]["newRoute"] == "/settings/"


def test_the_dashboards_redirect_event_leaves_the_desk_where_its_frame_is(dashboard):
    # given: an app page; after the handshake the Dashboard 3.23 posts its own whole path
    frame = dashboard.open("/dashboard/settings/")
    frame.wait_for_selector("h1")
    event = dashboard.page.evaluate("() => location.pathname")
    assert event.startswith("/dashboard-double/extensions/app/")

    # when: the event again, and one naming another desk page
    dashboard.post("redirect", {"path": event})
    dashboard.post("redirect", {"path": "/dashboard/overview/"})
    frame.wait_for_timeout(300)

    # then: the frame's URL named the page, and stays the page shown
    assert frame.evaluate("() => location.pathname").rstrip("/") == "/dashboard/settings"
    assert frame.locator('a[data-nav="settings"]').get_attribute("aria-current") == "page"


def test_an_expired_token_is_explained_not_hidden(dashboard, fake_saleor, fake_app, staff_user):
    # given: the Dashboard hands over a token that has already expired
    expired = fake_saleor.issue_staff_app_token(staff_user, fake_app, iat=1_600_000_000, ttl=300)
    frame = dashboard.open("/dashboard/")
    frame.wait_for_selector("h1")

    # when
    dashboard.post("tokenRefresh", {"token": expired})
    frame.click('a[data-nav="overview"]')

    # then
    banner = frame.locator(".banner-error")
    banner.wait_for()
    assert "Your Dashboard session could not be verified" in banner.inner_text()


def test_every_message_exists_in_both_languages(dashboard):
    # given: every page module loaded once
    frame = dashboard.open("/dashboard/")
    frame.wait_for_selector("h1")

    # when
    missing = frame.evaluate(
        """async () => {
          for (const name of ["list", "overview", "returners", "settings", "create", "detail", "widget"]) {
            await import(`/dashboard/assets/pages/${name}.js`);
          }
          const i18n = await import("/dashboard/assets/i18n.js");
          return i18n.missing("zh-Hans");
        }"""
    )

    # then
    assert missing == []
