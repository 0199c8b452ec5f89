"""The Analytics page in the desk: a seeded March's figures, the drill-down category → product → variant
and back, CSV downloads of the shown table, the channel filter, Chinese, the dark theme and a refused period."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from saleor_returns.analytics.rollups import roll_up_returns
from saleor_returns.models import CarrierClaim, Refund, ReturnEvent, ReturnShipment
from saleor_returns.models.surveys import SurveyResponse
from tests.analytics.conftest import at
from tests.analytics.figures_shop import returned
from tests.analytics.test_figures import seeded  # noqa: F401 - March 2026's sales and returns
from tests.browser import screenshot
from tests.browser.test_layout import BLANK_BELOW, OVERFLOW, TABLET, UNLABELLED

pytestmark = pytest.mark.browser

MARCH = "/dashboard/analytics/?period=custom&from=2026-03-01&to=2026-03-31"
AXE = Axe()


def open_analytics(dashboard, path=MARCH, **kwargs):
    frame = dashboard.open(path, **kwargs)
    wait_for_figures(frame)
    return frame


def wait_for_figures(frame):
    frame.wait_for_selector('[data-section="rates"] .section-body:not([aria-busy]) :is(table, .empty)')
    frame.wait_for_selector('[data-section="satisfaction"] .section-body:not([aria-busy]) :is(table, .empty)')


def table_rows(frame, key):
    return frame.locator(f'table[data-table="{key}"] tbody tr').evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent.trim()))")


def test_the_period_figures_by_category(dashboard, seeded):
    # when
    frame = open_analytics(dashboard)

    # then: categories per currency, rate in units then value, sold beside returned
    expect(frame.locator("h1")).to_have_text("Analytics")
    expect(frame.locator('a[data-nav="analytics"]')).to_have_attribute("aria-current", "page")
    assert table_rows(frame, "rates") == [
        ["C-Shoes", "USD", "10", "4", "40%", "$500.00", "$200.00", "40%"],
        ["C-Hats", "EUR", "5", "1", "20%", "€100.00", "€20.00", "20%"],
        ["C-Hats", "USD", "10", "2", "20%", "$150.00", "$30.00", "20%"],
    ]
    totals = frame.locator('table[data-table="rates"] tfoot tr')
    expect(totals.nth(0)).to_have_attribute("data-total", "EUR")
    expect(frame.locator('tr[data-total="USD"]')).to_contain_text("$650.00")
    expect(frame.locator('tr[data-total="USD"]')).to_contain_text("$230.00")
    expect(frame.locator('tr[data-total="USD"]')).to_contain_text("35.4%")
    bars = frame.locator('[data-section="rates"] svg[role="img"] rect.viz-bar')
    expect(bars).to_have_count(3)
    assert frame.locator('[data-section="rates"] svg title').first.text_content() == "Return rate in units"
    # reasons ranked with the cumulative share; the rejected request's reason is not counted
    reasons = frame.locator('table[data-table="reasons"] tbody tr')
    expect(reasons.first).to_have_attribute("data-reason", "DEFECT")
    expect(reasons.first).to_contain_text("71.4%")
    expect(frame.locator('[data-section="reasons"] polyline.viz-line')).to_have_count(1)
    # money per currency, never added
    assert [row[0] for row in table_rows(frame, "refunds")] == ["EUR", "USD"]
    expect(frame.locator('[data-figure="revenue-kept"]').last).to_have_text("€20.00 · $150.00")
    expect(frame.locator('[data-section="stages"] .empty')).to_have_text("Nothing in this period.")
    expect(frame.locator('tr[data-figure="requests"]')).to_contain_text("4")
    expect(frame.locator('[data-section="satisfaction"] .empty')).to_have_text("No survey answers in this period.")
    # the KPI review carries the period and channel
    assert re.search(r"/dashboard/review/\?.*from=2026-03-01&to=2026-03-31",
                     frame.locator('a[data-link="review"]').get_attribute("href"))
    screenshot(dashboard.page, "analytics-light-en")
    violations = AXE.run(frame).response["violations"]
    serious = [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_drill_down_to_a_products_variants_and_back(dashboard, seeded):
    # given
    frame = open_analytics(dashboard)

    # when: a category, then its product
    frame.get_by_role("button", name="Open C-Shoes").click()
    expect(frame.locator('table[data-table="rates"] tbody tr')).to_have_count(1)
    assert table_rows(frame, "rates") == [["P-Shoe", "USD", "10", "4", "40%", "$500.00", "$200.00", "40%"]]
    frame.get_by_role("button", name="Open P-Shoe").click()

    # then: the product's variants, and its own reasons
    expect(frame.locator('table[data-table="rates"] tbody tr')).to_have_count(2)
    assert table_rows(frame, "rates") == [
        ["P-Shoe / SKU-V-BLUE", "USD", "6", "3", "50%", "$300.00", "$150.00", "50%"],
        ["P-Shoe / SKU-V-RED", "USD", "4", "1", "25%", "$200.00", "$50.00", "25%"],
    ]
    expect(frame.locator('[data-section="reasons"] tbody tr')).to_have_count(1)
    expect(frame.locator('[data-section="reasons"] h2')).to_have_text("Reasons: P-Shoe")
    assert table_rows(frame, "reasons")[0][1:] == ["4", "100%", "100%"]
    crumbs = frame.locator(".breadcrumb li")
    expect(crumbs).to_have_text(["All categories", "C-Shoes", "P-Shoe"])
    assert "product=P-SHOE" in dashboard.route() and "category=C-SHOES" in dashboard.route()

    # when: a reload keeps the drill-down
    frame = open_analytics(dashboard, path="/dashboard" + dashboard.route())
    expect(frame.locator(".breadcrumb li")).to_have_text(["All categories", "C-Shoes", "P-Shoe"])

    # when: back up to the category, then to every category
    frame.locator('.breadcrumb button[data-crumb="1"]').click()
    expect(frame.locator('table[data-table="rates"] tbody tr')).to_have_count(1)
    frame.locator('.breadcrumb button[data-crumb="0"]').click()

    # then
    expect(frame.locator('table[data-table="rates"] tbody tr')).to_have_count(3)
    expect(frame.locator(".breadcrumb li")).to_have_text(["All categories"])


def test_the_csv_link_downloads_the_shown_table(dashboard, seeded):
    # given: a product's variants
    frame = open_analytics(dashboard)
    frame.get_by_role("button", name="Open C-Shoes").click()
    frame.get_by_role("button", name="Open P-Shoe").click()
    expect(frame.locator('table[data-table="rates"] tbody tr')).to_have_count(2)
    link = frame.locator('[data-section="rates"] a[data-csv="return_rate_variant"]')
    assert "product_id=P-SHOE" in link.get_attribute("href") and "sort=return_rate_units" in link.get_attribute("href")

    # when
    with dashboard.page.expect_download() as download:
        link.click()

    # then
    with open(download.value.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows == [
        ["key", "label", "currency", "sold_units", "sold_value", "returned_units", "returned_value",
         "return_rate_units", "return_rate_value"],
        ["V-BLUE", "P-Shoe / SKU-V-BLUE", "USD", "6", "300.00", "3", "150.00", "0.5000", "0.5000"],
        ["V-RED", "P-Shoe / SKU-V-RED", "USD", "4", "200.00", "1", "50.00", "0.2500", "0.2500"],
    ]
    with dashboard.page.expect_download() as download:
        frame.locator('a[data-csv="reasons"]').click()
    with open(download.value.path(), encoding="utf-8") as handle:
        assert handle.read().splitlines() == ["reason_code,units,share,cumulative_share", "DEFECT,4,1.0000,1.0000"]


def test_one_channel(dashboard, seeded):
    # given
    frame = open_analytics(dashboard)

    # when
    frame.get_by_label("Channel", exact=True).select_option("europe")

    # then
    expect(frame.locator('table[data-table="rates"] tbody tr')).to_have_count(1)
    assert table_rows(frame, "rates") == [["C-Hats", "EUR", "5", "1", "20%", "€100.00", "€20.00", "20%"]]
    assert "channel=europe" in dashboard.route()
    assert "channel=europe" in frame.locator('a[data-csv="return_rate_category"]').get_attribute("href")
    assert "channel=europe" in frame.locator('a[data-link="review"]').get_attribute("href")

    # when: every channel, grouped by channel and then by product type
    frame.get_by_label("Channel", exact=True).select_option("")
    frame.locator('button[data-dimension="CHANNEL"]').click()

    # then
    expect(frame.locator('table[data-table="rates"] tbody tr')).to_have_count(2)
    assert [row[:2] for row in table_rows(frame, "rates")] == [["default-channel", "USD"], ["europe", "EUR"]]
    expect(frame.locator('button[data-dimension="CHANNEL"]')).to_have_attribute("aria-pressed", "true")
    assert frame.locator('a[data-csv="return_rate_channel"]').count() == 1
    frame.locator('button[data-dimension="PRODUCT_TYPE"]').click()
    frame.get_by_role("button", name="Open T-Headwear").first.click()
    expect(frame.locator(".breadcrumb li")).to_have_text(["All product types", "T-Headwear"])
    expect(frame.locator('table[data-table="rates"] tbody tr')).to_have_count(2)
    assert "product_type_id=T-HEADWEAR" in frame.locator('a[data-csv="return_rate_variant"]').get_attribute("href")


def test_the_page_speaks_chinese(dashboard, seeded):
    frame = open_analytics(dashboard, locale="zh-Hans")

    expect(frame.locator("h1")).to_have_text("数据分析")
    expect(frame.locator('a[data-nav="analytics"]')).to_have_text("数据分析")
    expect(frame.locator('[data-section="rates"] h2')).to_have_text("退货率")
    assert table_rows(frame, "rates")[0][2:5] == ["10", "4", "40%"]
    expect(frame.locator('a[data-csv="reasons"]')).to_have_text("下载 CSV")
    screenshot(dashboard.page, "analytics-light-zh")


def relative_luminance(rgb: str) -> float:
    channels = [int(value) / 255 for value in re.findall(r"\d+", rgb)[:3]]
    linear = [value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS = """() => {
  const bar = document.querySelector('[data-section="rates"] rect.viz-bar');
  const label = document.querySelector('[data-section="rates"] text.viz-label');
  return {bar: getComputedStyle(bar).fill, label: getComputedStyle(label).fill,
          background: getComputedStyle(document.body).backgroundColor};
}"""


def test_the_charts_follow_the_dark_theme(dashboard, seeded):
    # given
    light = open_analytics(dashboard).evaluate(COLOURS)

    # when
    frame = open_analytics(dashboard, theme="dark")
    dark = frame.evaluate(COLOURS)

    # then
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert dark["bar"] != light["bar"]
    assert contrast(dark["label"], dark["background"]) >= 4.5
    assert contrast(dark["bar"], dark["background"]) >= 3
    assert contrast(light["bar"], light["background"]) >= 3
    screenshot(dashboard.page, "analytics-dark-en")

    # when: the Dashboard turns light again while the page is open
    dashboard.post("theme", {"theme": "light"})

    # then: the same charts take the light colours, without drawing again
    frame.wait_for_function("() => document.documentElement.dataset.theme === 'light'")
    assert frame.evaluate(COLOURS)["bar"] == light["bar"]


def test_a_bad_custom_period_shows_the_field_error(dashboard, seeded):
    # given
    frame = open_analytics(dashboard)

    # when
    frame.get_by_label("From", exact=True).fill("2026-03-31")
    frame.get_by_label("To", exact=True).fill("2026-03-01")
    frame.get_by_role("button", name="Show").click()

    # then
    error = frame.locator('[data-field="to"] .field-error')
    expect(error).to_have_text("The period ends before it starts.")
    expect(frame.get_by_label("To", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(frame.locator(".analytics-sections")).to_be_hidden()
    expect(frame.get_by_label("Period")).to_have_value("custom")


@pytest.fixture
def served(shop):
    """Three resolved returns of March 10th: decided after 1, 3 and 10 hours, scanned a day later, two paid
    after 100 and 200 hours; one line restocked, a claim the carrier paid, two survey answers (5 and 4)."""
    start = at("2026-03-10T00:00:00+00:00")
    requests = []
    for decided_after, paid_after in ((1, 100), (3, 200), (10, None)):
        request = returned(shop, start, [("V-RED", "DEFECT", 1, "50.00")], status="resolved")
        for hours, to_status in ((decided_after, "approved"), (decided_after + 50, "resolved")):
            with time_machine.travel(start + timedelta(hours=hours), tick=False):
                ReturnEvent.objects.create(return_request=request, type="status_changed", actor_kind="staff",
                                           from_status="x", to_status=to_status)
        ReturnShipment.objects.create(return_request=request, method="label",
                                      first_scan_at=start + timedelta(hours=decided_after + 24))
        if paid_after:
            Refund.objects.create(return_request=request, kind="original_payment", status="succeeded", currency="USD",
                                  amount=Decimal(50), preview={}, fingerprint="f",
                                  succeeded_at=start + timedelta(hours=paid_after))
        requests.append(request)
    line = requests[0].lines.get()
    line.disposition, line.accepted_quantity, line.received_quantity = "restock", 1, 1
    line.save()
    with time_machine.travel(at("2026-03-15T09:00:00+00:00"), tick=False):
        CarrierClaim.objects.create(return_request=requests[0], carrier="dhl", currency="USD", amount=Decimal("80.00"),
                                    status="paid")
    for request, rating in zip(requests, (5, 4)):
        SurveyResponse.objects.create(installation=shop, return_request=request, rating=rating,
                                      submitted_at=start, updated_at=start)
    roll_up_returns(shop)
    return shop


def test_stages_dispositions_claims_and_satisfaction(dashboard, served):
    # when
    frame = open_analytics(dashboard)

    # then: medians and 90th percentiles against the policy's targets
    decision = frame.locator('tr[data-stage="decision"]')
    assert [cell.strip() for cell in decision.locator("th, td").all_text_contents()] == [
        "Request → decision", "3", "3 h", "8.6 h", "2 days", "100%"]
    money = frame.locator('tr[data-stage="request_to_money"]')
    assert [cell.strip() for cell in money.locator("td").all_text_contents()] == ["2", "6.3 days", "7.9 days", "14 days", "100%"]
    expect(frame.locator('[data-section="stages"] line.viz-target')).to_have_count(5)
    expect(frame.locator('tr[data-disposition="restock"]')).to_contain_text("$50.00")
    expect(frame.locator('[data-figure="value-recovered"]').last).to_have_text("$50.00")
    assert table_rows(frame, "claims") == [["USD", "1", "$80.00", "1", "$80.00", "0"]]
    expect(frame.locator('[data-figure="satisfaction"]')).to_have_text(
        "Average 4.5 of 5 from 2 answers; response rate 66.7%.")
    assert table_rows(frame, "satisfaction") == [["1 ★", "0"], ["2 ★", "0"], ["3 ★", "0"], ["4 ★", "1"], ["5 ★", "1"]]
    with dashboard.page.expect_download() as download:
        frame.locator('a[data-csv="satisfaction"]').click()
    with open(download.value.path(), encoding="utf-8") as handle:
        assert handle.read().splitlines() == ["rating,count", "1,0", "2,0", "3,0", "4,1", "5,1"]
    screenshot(dashboard.page, "analytics-service-light-en")


def test_the_kpi_review_link_carries_the_period_and_the_way_back_keeps_it(dashboard, seeded):
    # given
    frame = open_analytics(dashboard, path="/dashboard/analytics/?period=custom&from=2026-03-01&to=2026-03-31&channel=europe")

    # when
    frame.locator('a[data-link="review"]').click()

    # then
    frame.wait_for_function("() => location.pathname === '/dashboard/review/'")
    query = frame.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")
    assert (query["from"], query["to"], query["channel"]) == ("2026-03-01", "2026-03-31", "europe")

    # when: the browser's way back, through the Dashboard's entry and then the frame's
    dashboard.page.go_back()
    dashboard.page.go_back()
    frame = dashboard.frame

    # then
    wait_for_figures(frame)
    expect(frame.get_by_label("From", exact=True)).to_have_value("2026-03-01")
    expect(frame.get_by_label("Channel", exact=True)).to_have_value("europe")
    assert table_rows(frame, "rates") == [["C-Hats", "EUR", "5", "1", "20%", "€100.00", "€20.00", "20%"]]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_page_fits_a_tablet_with_labelled_controls(dashboard, seeded, theme):
    # given
    dashboard.page.set_viewport_size(TABLET)

    # when
    frame = open_analytics(dashboard, theme=theme)

    # then
    assert frame.evaluate(OVERFLOW) <= 0
    assert frame.evaluate(BLANK_BELOW) <= 32
    assert frame.evaluate(UNLABELLED) == []
    screenshot(dashboard.page, f"tablet-analytics-{theme}")


def test_a_shop_without_sales_or_returns(dashboard, shop):
    # when
    frame = open_analytics(dashboard)

    # then: every section says so, and still offers its (empty) CSV
    for key in ("rates", "reasons", "refunds", "mix", "stages", "dispositions", "claims", "auto-approval"):
        expect(frame.locator(f'[data-section="{key}"] .empty')).to_have_text("Nothing in this period.")
        expect(frame.locator(f'[data-section="{key}"] a[data-csv]')).to_have_count(1)
    expect(frame.locator('[data-section="satisfaction"] .empty')).to_have_text("No survey answers in this period.")
    expect(frame.locator(".breadcrumb li")).to_have_text(["All categories"])
