"""The overview in the desk: figures, charts with their values, one channel at a time."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from saleor_returns.models import Refund, ReturnRequest
from tests.browser import screenshot
from tests.factories import ReturnLineFactory, ReturnRequestFactory, reason_for

pytestmark = pytest.mark.browser


def request(shop, status, *, hours_ago=0, reasons=(), channel_slug="default-channel"):
    created = timezone.now() - timedelta(hours=hours_ago)
    return_request = ReturnRequestFactory(installation=shop, status=status, channel_slug=channel_slug)
    for code in reasons:
        ReturnLineFactory(return_request=return_request, reason=reason_for(shop, code), reason_code=code)
    ReturnRequest.objects.filter(pk=return_request.pk).update(created_at=created)
    return_request.created_at = created
    return return_request


def refunded(shop, *, hours_to_refund, amount):
    """A resolved request whose refund was confirmed a minute ago, `hours_to_refund` after the request."""
    succeeded = timezone.now() - timedelta(minutes=1)
    return_request = request(shop, "resolved")
    ReturnRequest.objects.filter(pk=return_request.pk).update(created_at=succeeded - timedelta(hours=hours_to_refund))
    Refund.objects.create(
        return_request=return_request, kind=Refund.Kind.ORIGINAL_PAYMENT, status=Refund.Status.SUCCEEDED, currency="USD",
        amount=Decimal(amount), preview={}, fingerprint="0" * 64, succeeded_at=succeeded,
    )


@pytest.fixture
def seeded(shop):
    """Three waiting for review (2 h, 30 h and 100 h), two on their way, two refunded, one rejected in "eu"."""
    request(shop, "pending_review", hours_ago=2, reasons=["DEFECT"])
    request(shop, "pending_review", hours_ago=30, reasons=["DEFECT"])
    request(shop, "requested", hours_ago=100, reasons=["CHANGED_MIND"])
    request(shop, "approved")
    request(shop, "in_transit")
    refunded(shop, hours_to_refund=10, amount="12.50")
    refunded(shop, hours_to_refund=20, amount="7.25")
    request(shop, "rejected", channel_slug="eu", reasons=["LATE_DELIVERY"])
    return shop


def open_overview(dashboard, **kwargs):
    frame = dashboard.open("/dashboard/overview/", **kwargs)
    frame.wait_for_selector(".overview-body:not([aria-busy]) .overview-grid")
    return frame


def value(frame, key):
    return frame.locator(f'[data-value="{key}"]').inner_text()


def chart_values(frame, key) -> dict[str, str]:
    cells = frame.locator(f'[data-chart-values="{key}"] tbody tr')
    return {cells.nth(i).locator("th").text_content(): cells.nth(i).locator("td").text_content() for i in range(cells.count())}


def test_figures_match_the_data(dashboard, seeded):
    # when
    frame = open_overview(dashboard)

    # then: the four figures
    assert value(frame, "open") == "5"
    assert value(frame, "queue") == "3"
    queue = frame.locator('[data-figure="queue"]')
    expect(queue.locator(".figure-detail").nth(0)).to_have_text("Oldest: 4 days ago")
    expect(queue.locator(".figure-detail").nth(1)).to_have_text("Median wait: 30 h")
    assert value(frame, "to-refund") == "15 h"
    assert value(frame, "refunds") == "$19.75"
    expect(frame.locator('[data-figure="refunds"] .figure-detail')).to_have_text("2 refunds")
    # each figure is a region named by its label
    expect(frame.get_by_role("region", name="Open returns")).to_be_visible()

    # then: the charts and their values
    statuses = chart_values(frame, "status")
    assert (statuses["Needs review"], statuses["Requested"], statuses["Resolved"], statuses["Closed"]) == ("2", "1", "2", "0")
    assert chart_values(frame, "queue-age") == {"Under 1 day": "1", "1–3 days": "1", "3–7 days": "1", "Over 7 days": "0"}
    assert len(chart_values(frame, "per-day")) == 30
    expect(frame.locator('[data-chart="per-day"] .chart-caption')).to_contain_text("8 requests in 30 days")
    expect(frame.locator('[data-chart="status"] svg[role="img"]')).to_have_attribute("aria-label", "Returns by status")
    reasons = frame.locator('[data-chart="reasons"] li')
    assert reasons.nth(0).locator(".reason-label").inner_text() == "Defective or faulty"
    assert reasons.nth(0).locator(".reason-count").inner_text() == "2"
    assert reasons.count() == 3
    expect(frame.locator(".overview-zone")).to_have_text("Days and months follow the shop's time zone (UTC).")
    screenshot(dashboard.page, "overview-light-en")


def test_one_channel(dashboard, seeded):
    # given
    frame = open_overview(dashboard)

    # when
    frame.get_by_label("Channel").select_option("eu")
    frame.wait_for_selector(".overview-body:not([aria-busy]) .overview-grid")

    # then
    assert value(frame, "open") == "0"
    assert value(frame, "queue") == "0"
    assert value(frame, "refunds") == "—"
    assert chart_values(frame, "status")["Rejected"] == "1"
    assert frame.locator('[data-chart="reasons"] .reason-label').all_inner_texts() == ["Arrived too late"]
    assert "channel=eu" in frame.url
    # (the Dashboard url-joins the route: no slash before the query)
    assert dashboard.route() == "/overview?channel=eu"


def test_an_empty_shop(dashboard, shop):
    # when
    frame = open_overview(dashboard)

    # then
    assert value(frame, "open") == "0"
    assert value(frame, "to-refund") == "—"
    expect(frame.locator('[data-figure="queue"] .figure-detail')).to_have_text("Nothing is waiting")
    expect(frame.locator('[data-chart="reasons"] .empty')).to_have_text("No requests in the last 30 days.")


def test_in_dark_theme_and_chinese(dashboard, seeded):
    # when
    frame = open_overview(dashboard, theme="dark", locale="zh-Hans")

    # then
    expect(frame.locator('[data-figure="open"] .figure-label')).to_have_text("处理中的退货")
    expect(frame.locator('[data-chart="reasons"] .reason-label').first).to_have_text("商品有缺陷或故障")
    assert chart_values(frame, "queue-age")["不到 1 天"] == "1"
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    screenshot(dashboard.page, "overview-dark-zh-Hans")


def test_satisfaction_shows_the_answers_and_the_follow_ups(dashboard, shop):
    # given: three closed returns, two answered (5 and 1), one open return
    from saleor_returns.models.surveys import SurveyResponse

    now = timezone.now()
    for rating in (5, 1, None):
        return_request = request(shop, "resolved")
        if rating:
            SurveyResponse.objects.create(installation=shop, return_request=return_request, rating=rating,
                                          submitted_at=now, updated_at=now)
    request(shop, "approved")

    # when
    frame = open_overview(dashboard)

    # then
    assert chart_values(frame, "satisfaction") == {
        "1 of 5": "1", "2 of 5": "0", "3 of 5": "0", "4 of 5": "0", "5 of 5": "1",
    }
    expect(frame.locator('[data-chart="satisfaction"] .chart-caption')).to_have_text(
        "Average 3 · 67 % of closed returns answered (2) · 1 low scores to follow up"
    )
