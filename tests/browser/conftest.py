"""Fixtures for browser tests: Debian's Chromium driven by Playwright, the app on pytest-django's
live server, framed by the Dashboard double that FakeSaleor serves.

Playwright never downloads a browser here: Chromium comes from the system
(`apt-get install chromium`, or `CHROMIUM=/path`); without it these tests skip.
"""

import json
import os
import re
import shutil
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Frame, FrameLocator, Page, sync_playwright

from saleor_returns.fakes.dashboard.pages import install_dashboard_double
from saleor_returns.fakes.dashboard.routes import DOUBLE_ROOT, TOKEN_PATH, dashboard_double_url, order_route
from saleor_returns.fakes.dashboard.urls import view_manifest_extension_path
from tests.api.conftest import shop, staff_user  # noqa: F401 - the API tests' shop and staff member
from tests.browser import screenshot

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so `page` knows at teardown whether it failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    message = "Browser tests need Chromium: apt-get install chromium (or set CHROMIUM=/path)"
    if os.environ.get("CI"):
        pytest.fail(message + "; .ci/run installs it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(chromium_path):
    # Playwright's sync API keeps an asyncio loop running in this thread, which makes
    # Django refuse ORM calls from test code ("async context"); nothing here is async.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, browser) -> Page:
    """A fresh browser context per test; a failed test leaves a screenshot in test-artifacts/."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        try:
            screenshot(page, "failed-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid))
        except Exception:  # noqa: BLE001 - a screenshot must not hide the test's own failure
            pass
    context.close()




class Dashboard:
    """The Saleor Dashboard (the double of fakes/dashboard.py) as a staff user sees it.

    `open()` loads a Dashboard route that shows one app frame and returns the app's Frame
    once the double has posted the handshake; `frame_locator` finds elements inside it.
    The Dashboard's theme and language are its own (the double's localStorage, set by a
    URL fragment), never the app's URL.
    """

    def __init__(self, *, page: Page, fake, app: dict, staff: dict, app_base_url: str):
        self.page = page
        self.fake = fake
        self.app = app
        self.staff = staff
        self.app_base_url = app_base_url.rstrip("/")
        # (URL, status) of every document loaded into a frame of the Dashboard, redirects included.
        self.frame_loads: list[tuple[str, int]] = []
        page.on("response", self._record_frame_load)

    def _record_frame_load(self, response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame.parent_frame is not None:
            self.frame_loads.append((response.url, response.status))

    def app_route(self, path: str = "/") -> str:
        """The Dashboard route of the desk page at `path` (a path inside appUrl, query allowed)."""
        return view_manifest_extension_path(self.app["id"]) + path

    def url(self, route: str) -> str:
        return dashboard_double_url(self.fake, route)

    def goto(self, route: str, *, theme: str = "light", locale: str = "en", wait: bool = True) -> Frame | None:
        """Loads a Dashboard route, its theme and language set as a staff member set them before;
        with an app frame on it, returns the frame after the handshake."""
        target = self.url(route) + "#" + urlencode({"theme": theme, "locale": locale})
        if self.page.url == target:
            self.page.reload()  # (the same address with a fragment would only scroll)
        else:
            self.page.goto(target)
        if not wait:
            return None
        self.wait_for_handshake()
        return self.frame

    def wait_for_handshake(self) -> None:
        self.page.wait_for_function("() => window.dashboardDouble && window.dashboardDouble.handshakes > 0")

    def open(self, path: str = "/dashboard/", theme: str = "light", locale: str = "en",
             order_id: str | None = None, mode: str = "page") -> Frame:
        """The desk page `path` (under /dashboard/) as an app page, or (mode="widget") the order page's widget.

        An app page with `order_id` is what "More actions" on that order opens (?orderId=).
        """
        if mode == "widget":
            return self.goto(order_route(order_id), theme=theme, locale=locale)
        assert path.startswith("/dashboard/"), path
        route = self.app_route(path[len("/dashboard"):])
        if order_id:
            route += ("&" if "?" in route else "?") + urlencode({"orderId": order_id})
        return self.goto(route, theme=theme, locale=locale)

    @property
    def frame(self) -> Frame:
        return self.page.frame(name="app")

    @property
    def frame_locator(self) -> FrameLocator:
        return self.page.frame_locator("#app-frame")

    def messages(self, type_: str | None = None) -> list[dict]:
        """What the app posted to the Dashboard, oldest first (optionally of one type)."""
        messages = self.page.evaluate("() => window.dashboardDouble.messages")
        return [m for m in messages if type_ is None or (isinstance(m, dict) and m.get("type") == type_)]

    def wait_for_message(self, type_: str, timeout: float = 5000) -> dict:
        self.page.wait_for_function(
            "type => window.dashboardDouble.messages.some(m => m && m.type === type)", arg=type_, timeout=timeout
        )
        return self.messages(type_)[-1]

    def reported_heights(self) -> list[int]:
        return [m["payload"]["height"] for m in self.messages("widgetResize")]

    def settled_widget_height(self, timeout: float = 10) -> int:
        """The widget's content height once its last report has said so for a while and the box has taken it.

        The widget reports again whenever its content changes (fonts, data, language), so
        one report alone may be an earlier size.
        """
        frame = self.frame
        deadline = time.monotonic() + timeout
        # the report must match the content for a while: a match between two changes is not settled
        matched_since, stable_for = None, 0.4
        while True:
            heights = self.reported_heights()
            content = frame.evaluate("() => Math.ceil(document.body.getBoundingClientRect().height)")
            if heights and heights[-1] == content:
                if matched_since is None or matched_since[1] != content:
                    matched_since = (time.monotonic(), content)
                elif time.monotonic() - matched_since[0] >= stable_for:
                    break
            else:
                matched_since = None
            assert time.monotonic() < deadline, f"last report {heights[-1:]}, content {content}px"
            self.page.wait_for_timeout(50)
        self.page.wait_for_function(
            "height => document.getElementById('app-frame').style.height === height + 'px'", arg=content
        )
        return content

    def notifications(self) -> list[tuple[str, str]]:
        """Toasts shown: (status, "title — text")."""
        items = self.page.locator("#dashboard-notifications li")
        return [(items.nth(i).get_attribute("data-status"), items.nth(i).inner_text()) for i in range(items.count())]

    def route(self) -> str:
        """The Dashboard's current route, as a path (and query) inside the app page: "/?tab=approved"."""
        parts = urlsplit(self.page.url)
        prefix = DOUBLE_ROOT + self.app_route("")
        assert parts.path.startswith(prefix), parts.path
        return (parts.path[len(prefix):] or "/") + (f"?{parts.query}" if parts.query else "")

    def redirect_requests(self) -> list[dict]:
        """Every redirect the app asked for in this tab, oldest first: {"to", "newContext"}."""
        log = self.page.evaluate("() => sessionStorage.getItem('dashboard-double.redirects')")
        return json.loads(log or "[]")

    def redirects(self) -> list[str]:
        """The `to` of every redirect the app asked for in this tab, oldest first."""
        return [entry["to"] for entry in self.redirect_requests()]

    def wait_for_url(self, route: str, timeout: float = 5000) -> None:
        """Waits until the Dashboard has gone to `route` (a Dashboard route, query included)."""
        self.page.wait_for_url(self.url(route), timeout=timeout)

    def post(self, type_: str, payload: dict) -> None:
        """Post a Dashboard event to the app, e.g. `post("theme", {"theme": "dark"})`."""
        self.page.evaluate("([type, payload]) => window.dashboardDouble.post(type, payload)", [type_, payload])

    def new_token(self) -> str:
        """A fresh staff token from the double's token endpoint."""
        query = urlencode({"appId": self.app["id"], "staff": self.staff["email"]})
        url = f"http://{self.fake.domain}{TOKEN_PATH}?{query}"
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - the fake on loopback
            return json.load(response)["token"]


@pytest.fixture
def dashboard(page, live_server, settings, fake_saleor, fake_app, shop, staff_user) -> Dashboard:
    """The Dashboard double around our live app, for the staff user staff@example.com.

    The app's manifest, served from the live server's address, gives the fake Saleor
    the app's appUrl and extensions, as an installation from the manifest would.
    """
    from saleor_returns.saleor.manifest import build_manifest  # noqa: PLC0415 - imports the app's tasks

    settings.APP_PUBLIC_URL = live_server.url
    manifest = build_manifest()
    fake_saleor.set_app_extensions(fake_app, manifest["extensions"], app_url=manifest["appUrl"])
    install_dashboard_double(fake_saleor, staff_email=staff_user["email"])
    return Dashboard(page=page, fake=fake_saleor, app=fake_app, staff=staff_user, app_base_url=live_server.url)
