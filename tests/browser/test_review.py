"""The desk's KPI review page: the printable page in its frame, Print, Download PDF, quarter presets, Chinese."""

import urllib.request
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from tests.analytics.test_figures import seeded  # noqa: F401 - the seeded shop
from tests.analytics.test_review import reviewed  # noqa: F401 - the seeded shop with February
from tests.browser import screenshot
from tests.browser.test_layout import OVERFLOW, TABLET, UNLABELLED

pytestmark = pytest.mark.browser

MARCH = "/dashboard/review/?from=2026-03-01&to=2026-03-31"


def open_review(dashboard, path=MARCH, **kwargs):
    frame = dashboard.open(path, **kwargs)
    frame.wait_for_selector("iframe[data-review]:not([aria-busy]), .review-status .banner")
    return frame


def quarter_of(today: date, offset: int) -> tuple[str, str]:
    index = today.year * 4 + (today.month - 1) // 3 + offset
    year, first_month = index // 4, index % 4 * 3 + 1
    last = date(year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return date(year, first_month, 1).isoformat(), date.fromordinal(last.toordinal() - 1).isoformat()


def test_staff_read_print_and_download_the_review(dashboard, reviewed):
    # when: Analytics links to the review of March
    frame = open_review(dashboard)

    # then: the printable page in its frame, the period kept in the controls
    review = frame.frame_locator("iframe[data-review]")
    expect(review.locator("h1")).to_have_text("Return KPI review")
    expect(review.locator("[data-compared]")).to_have_text(
        "Compared with Feb 1, 2026 – Feb 28, 2026 (the period before)")
    expect(review.locator('h3[data-currency="USD"] + table tr').nth(3)).to_contain_text("45.0 %")
    expect(frame.get_by_label("From")).to_have_value("2026-03-01")
    expect(frame.get_by_label("Period")).to_have_value("custom")
    screenshot(dashboard.page, "review-light-en")

    # when: Print (the Dashboard's sandbox ignores print() in the desk: the desk has the Dashboard open a link)
    dashboard.page.context.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    with dashboard.page.expect_popup() as opening:
        frame.get_by_role("button", name="Print").click()
    printable = opening.value
    printable.wait_for_load_state("load")

    # then: the desk asked for a new tab on a short-lived link to the printable page of March
    [asked] = dashboard.redirect_requests()
    assert asked["newContext"] is True
    link = urlsplit(asked["to"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == f"{dashboard.app_base_url}/analytics/review.html"
    query = dict(parse_qsl(link.query))
    assert (query["from"], query["to"], query["compare"], query["lang"], query["print"]) == (
        "2026-03-01", "2026-03-31", "previous_period", "en", "1")
    assert query["link"]
    # and: the Dashboard's window opened it, the page showed without credentials and printed itself
    assert printable.url == asked["to"]
    assert printable.opener() == dashboard.page
    expect(printable.locator("h1")).to_have_text("Return KPI review")
    expect(printable.locator("[data-compared]")).to_have_text(
        "Compared with Feb 1, 2026 – Feb 28, 2026 (the period before)")
    printable.wait_for_function("() => window.printed === 1")
    with urllib.request.urlopen(asked["to"], timeout=5) as response:  # noqa: S310 - the live server on loopback
        assert response.status == 200
    printable.close()

    # when: Download PDF
    with dashboard.page.expect_download() as downloading:
        frame.get_by_role("button", name="Download PDF").click()

    # then
    download = downloading.value
    assert download.suggested_filename == "return-kpi-review-2026-03-01-2026-03-31.pdf"
    assert open(download.path(), "rb").read(5) == b"%PDF-"


def test_a_quarter_preset_and_the_year_before(dashboard, reviewed):
    frame = open_review(dashboard)
    review = frame.frame_locator("iframe[data-review]")

    # when: last quarter
    frame.get_by_label("Period").select_option("last")

    # then
    first, last = quarter_of(date.today(), -1)
    expect(frame.get_by_label("From")).to_have_value(first)
    expect(frame.get_by_label("To")).to_have_value(last)

    # when: March against March a year before
    frame.get_by_label("From").fill("2026-03-01")
    frame.get_by_label("To").fill("2026-03-31")
    frame.get_by_label("Compare with").select_option("previous_year")
    frame.get_by_role("button", name="Show").click()

    # then
    expect(review.locator("[data-compared]")).to_contain_text("(the same period a year before)")


def test_a_bad_period_says_why(dashboard, shop):
    frame = open_review(dashboard, "/dashboard/review/?from=2026-03-31&to=2026-03-01")

    expect(frame.locator(".review-status")).to_contain_text("The period ends before it starts.")
    expect(frame.locator("iframe[data-review]")).to_be_hidden()


def test_the_page_speaks_chinese(dashboard, reviewed):
    frame = open_review(dashboard, locale="zh-Hans", theme="dark")

    expect(frame.locator("h1")).to_have_text("KPI 回顾")
    expect(frame.frame_locator("iframe[data-review]").locator("h1")).to_have_text("退货 KPI 回顾")
    expect(frame.get_by_role("button", name="下载 PDF")).to_be_visible()
    missing = frame.evaluate("""async () => {
      await import("/dashboard/assets/pages/review.js");
      return (await import("/dashboard/assets/i18n.js")).missing("zh-Hans");
    }""")
    assert missing == []
    screenshot(dashboard.page, "review-dark-zh")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_page_fits_a_tablet_with_labelled_controls(dashboard, reviewed, theme):
    dashboard.page.set_viewport_size(TABLET)

    frame = open_review(dashboard, theme=theme)

    assert frame.evaluate(OVERFLOW) <= 0
    assert frame.evaluate(UNLABELLED) == []
    screenshot(dashboard.page, f"tablet-review-{theme}")
