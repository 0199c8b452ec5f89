"""The frequent returners page in the desk: the ranking with its reasons, the status editor, spike alerts."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from saleor_returns.models import CustomerStatus, Message, ReturnRequest, SpikeAlert
from saleor_returns.models.notifications import WebhookEndpoint
from tests.browser import screenshot
from tests.factories import ReturnLineFactory, ReturnRequestFactory, reason_for

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(shop):
    """carol@example.com asked twice this month, one unit each, changed her mind; one spike alert."""
    for days_ago in (3, 4):
        return_request = ReturnRequestFactory(installation=shop, status="approved", customer_user_id="",
                                              customer_email="carol@example.com")
        ReturnLineFactory(return_request=return_request, reason=reason_for(shop, "CHANGED_MIND"),
                          reason_code="CHANGED_MIND", requested_quantity=1, approved_quantity=1)
        ReturnRequest.objects.filter(pk=return_request.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    SpikeAlert.objects.create(
        installation=shop, variant_id="SHOE-42", week_start=date(2026, 3, 9), sold_units=100, returned_units=30,
        baseline_sold_units=800, baseline_returned_units=40, rate_lower_bound="0.2", baseline_upper_bound="0.1",
        dominant_reason_code="TOO_SMALL",
    )
    return shop


def open_returners(dashboard, **kwargs):
    frame = dashboard.open("/dashboard/returners/", **kwargs)
    frame.wait_for_selector(".returners-body:not([aria-busy]) table, .returners-body:not([aria-busy]) .empty")
    frame.wait_for_selector(".spikes-body table, .spikes-body .empty")
    return frame


def test_staff_see_why_a_customer_ranks_and_block_them(dashboard, seeded):
    # when
    frame = open_returners(dashboard)

    # then: the ranking, each part of the score with its reason
    row = frame.locator('tr[data-customer="email:carol@example.com"]')
    expect(row.locator('[data-value="score"]')).to_have_text("15")
    expect(row.locator('[data-component="not_shop_fault"]')).to_have_text(
        "Not the shop's fault 15 of 15 — 2 of 2 units returned for a reason not the shop's fault")
    expect(frame.locator('tr[data-alert="SHOE-42"]')).to_contain_text("30 of 100 returned; before: 40 of 800 in 8 weeks")
    screenshot(dashboard.page, "returners-light-en")

    # when: staff block her with a note, and note what was done about the alert
    row.get_by_label("Status").select_option("BLOCK")
    row.get_by_label("Note").fill("Wears and returns")
    row.get_by_role("button", name="Save").click()
    alert = frame.locator('tr[data-alert="SHOE-42"]')
    alert.get_by_label("What was done").fill("Size chart corrected")
    alert.get_by_role("button", name="Save").click()

    # then
    expect(row.get_by_role("button", name="Save")).to_be_enabled()
    expect(alert.get_by_role("button", name="Save")).to_be_enabled()
    frame.wait_for_function("() => !document.querySelector('[aria-busy]')")
    status = CustomerStatus.objects.get(installation=seeded)
    assert (status.customer_key, status.status, status.note) == ("email:carol@example.com", "block", "Wears and returns")
    assert SpikeAlert.objects.get().note == "Size chart corrected"


def test_each_alert_says_how_the_shop_was_told(dashboard, seeded):
    # given: the alert's e-mail skipped for want of an address, its webhook delivered
    alert = SpikeAlert.objects.get()
    endpoint = WebhookEndpoint(installation=seeded, url="https://erp.example.com/hooks", event_types=["spike_alert"])
    endpoint.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    endpoint.save()
    Message.objects.create(installation=seeded, spike_alert=alert, event="spike_alert", channel="email",
                           status="skipped", last_error="No alerts address is set in the e-mail sender settings.")
    Message.objects.create(installation=seeded, spike_alert=alert, event="spike_alert", channel="webhook",
                           endpoint=endpoint, status="sent", attempts=1)

    # when
    frame = open_returners(dashboard)

    # then
    told = frame.locator('tr[data-alert="SHOE-42"] ul.told li')
    expect(told).to_have_text([
        "E-mail: Skipped — No alerts address is set in the e-mail sender settings.",
        "Webhook: Sent",
    ])


def test_the_page_speaks_chinese(dashboard, seeded):
    frame = open_returners(dashboard, locale="zh-Hans", theme="dark")
    expect(frame.locator("h1")).to_have_text("频繁退货顾客")
    expect(frame.locator('a[data-nav="returners"]')).to_have_text("频繁退货顾客")
    screenshot(dashboard.page, "returners-dark-zh")
