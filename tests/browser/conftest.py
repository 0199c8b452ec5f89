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
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Frame, FrameLocator, Page, sync_playwright

from saleor_returns.fakes.dashboard import TOKEN_PATH, dashboard_double_url, install_dashboard_double
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
    """The Saleor Dashboard as a staff user sees it, showing one app page in its iframe.

    `open()` loads the double page and returns the app's Frame once the double has
    posted the handshake; `frame_locator` finds elements inside the app.
    """

    def __init__(self, *, page: Page, fake, app: dict, staff: dict, app_base_url: str):
        self.page = page
        self.fake = fake
        self.app = app
        self.staff = staff
        self.app_base_url = app_base_url.rstrip("/")

    def url(self, path: str = "/dashboard/", *, theme: str = "light", locale: str = "en",
            order_id: str | None = None, mode: str = "page") -> str:
        """The double page framing the app page at `path` (relative to the live server)."""
        return dashboard_double_url(
            self.fake, app_url=self.app_base_url + path, app_id=self.app["id"], staff_email=self.staff["email"],
            theme=theme, locale=locale, mode=mode, order_id=order_id,
        )

    def open(self, path: str = "/dashboard/", theme: str = "light", locale: str = "en",
             order_id: str | None = None, mode: str = "page") -> Frame:
        self.page.goto(self.url(path, theme=theme, locale=locale, order_id=order_id, mode=mode))
        self.page.wait_for_function("() => window.dashboardDouble && window.dashboardDouble.handshakes > 0")
        return self.frame

    @property
    def frame(self) -> Frame:
        return self.page.frame(name="app")

    @property
    def frame_locator(self) -> FrameLocator:
        return self.page.frame_locator("#app-frame")

    def messages(self, type_: str | None = None) -> list[dict]:
        """What the app posted to the Dashboard, oldest first (optionally of one type)."""
        messages = self.page.evaluate("() => window.dashboardDouble.messages")
        return [m for m in messages if type_ is None or m.get("type") == type_]

    def wait_for_message(self, type_: str, timeout: float = 5000) -> dict:
        self.page.wait_for_function(
            "type => window.dashboardDouble.messages.some(m => m.type === type)", arg=type_, timeout=timeout
        )
        return self.messages(type_)[-1]

    def settled_widget_height(self, timeout: float = 10) -> int:
        """The widget's content height once its last report says so and the box has taken it.

        The widget reports again whenever its content changes (fonts, data, language), so
        one report alone may be an earlier size.
        """
        frame = self.frame
        deadline = time.monotonic() + timeout
        while True:
            heights = [m["height"] for m in self.messages("saleor:widget:resize")]
            content = frame.evaluate("() => Math.ceil(document.body.getBoundingClientRect().height)")
            if heights and heights[-1] == content:
                break
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

    def redirects(self) -> list[str]:
        return self.page.locator("#dashboard-redirects li").all_inner_texts()

    def route(self) -> str:
        return self.page.locator("#dashboard-route").inner_text()

    def post(self, type_: str, payload: dict) -> None:
        """Post a Dashboard event to the app, e.g. `post("redirect", {"path": "/returns/"})`."""
        self.page.evaluate("([type, payload]) => window.dashboardDouble.post(type, payload)", [type_, payload])

    def new_token(self) -> str:
        """A fresh staff token from the double's token endpoint."""
        query = urlencode({"appId": self.app["id"], "staff": self.staff["email"]})
        url = f"http://{self.fake.domain}{TOKEN_PATH}?{query}"
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - the fake on loopback
            return json.load(response)["token"]


@pytest.fixture
def dashboard(page, live_server, fake_saleor, fake_app, shop, staff_user) -> Dashboard:
    """The Dashboard double around our live app, for the staff user staff@example.com."""
    install_dashboard_double(fake_saleor)
    return Dashboard(page=page, fake=fake_saleor, app=fake_app, staff=staff_user, app_base_url=live_server.url)
