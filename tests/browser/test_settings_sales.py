"""Settings → Sales history: the backfill's progress bar, starting one for a period, canceling it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_returns.analytics import actions as analytics_actions
from saleor_returns.models import SalesBackfill, SoldLine
from tests.browser import screenshot

pytestmark = pytest.mark.browser


def open_sales(dashboard, **kwargs):
    frame = dashboard.open("/dashboard/settings/?tab=sales", **kwargs)
    frame.wait_for_selector("form.sales-form")
    frame.wait_for_selector(".sales-state [data-backfill]")
    return frame


def running_backfill(shop, **progress) -> SalesBackfill:
    """A backfill a worker is on: 10 of 40 orders read, the last page failed and waits for its retry."""
    backfill = analytics_actions.start_install_backfill(installation=shop)
    fields = {"pages_done": 1, "orders_done": 10, "lines_done": 25, "total_orders": 40,
              "last_error": "Saleor answered HTTP 503.", "failures": 1,
              "next_attempt_at": timezone.now() + timedelta(minutes=1), "started_at": timezone.now(), **progress}
    SalesBackfill.objects.filter(pk=backfill.pk).update(**fields)
    return backfill


def test_staff_see_a_running_backfill_as_a_progress_bar_and_cancel_it(dashboard, shop):
    # given
    running_backfill(shop)
    frame = open_sales(dashboard)

    # then: an accessible bar, 10 of 40, with what failed and when it is tried again
    assert frame.locator('[role="tab"][aria-selected="true"]').inner_text() == "Sales history"
    bar = frame.locator("progress.sales-progress")
    assert (bar.get_attribute("value"), bar.get_attribute("max"), bar.get_attribute("aria-label")) == (
        "10", "40", "Backfill progress")
    counts = frame.locator(".sales-counts")
    assert bar.get_attribute("aria-describedby") == counts.get_attribute("id")
    assert counts.inner_text() == "10 of 40 orders read, 25 order lines; pages read: 1"
    assert frame.locator('.sales-backfill [data-status="RUNNING"]').inner_text() == "Running"
    assert "Saleor answered HTTP 503. It is tried again" in frame.locator(".sales-backfill .banner").inner_text()
    screenshot(dashboard.page, "settings-sales-running-light-en")

    # when
    frame.click('button[data-action="cancel-backfill"]')

    # then
    frame.wait_for_selector('.sales-backfill[data-backfill="CANCELED"]')
    assert SalesBackfill.objects.get().status == "canceled"
    assert frame.locator('button[data-action="cancel-backfill"]').count() == 0
    assert dashboard.notifications() == [("success", "Backfill canceled")]


def test_staff_start_a_backfill_for_a_period_and_see_it_done(dashboard, shop, fake_saleor):
    # given: orders of last week in Saleor
    for days_ago in (2, 3, 4):
        fake_saleor.add_order(lines=[{"sku": "CAP", "quantity": 2, "unit_price": Decimal("9.00")}],
                              created=timezone.now() - timedelta(days=days_ago))
    frame = open_sales(dashboard)
    assert frame.locator('[data-backfill="none"]').inner_text() == "No backfill yet."

    # when: the last week is read (the worker runs it right after the call)
    week_ago = (timezone.now() - timedelta(days=7)).date().isoformat()
    frame.fill('[data-field="from"] input', week_ago)
    frame.click('button[data-action="start-backfill"]')

    # then: a full bar
    frame.wait_for_selector('.sales-backfill[data-backfill="DONE"]')
    bar = frame.locator("progress.sales-progress")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("3", "3")
    assert frame.locator(".sales-counts").inner_text() == "3 of 3 orders read, 3 order lines; pages read: 1"
    assert SoldLine.objects.count() == 3
    assert SalesBackfill.objects.get().started_by == "staff@example.com"


def test_a_period_ending_before_it_starts_is_refused_at_the_field(dashboard, shop):
    # given
    frame = open_sales(dashboard)

    # when
    frame.fill('[data-field="from"] input', "2026-05-31")
    frame.fill('[data-field="to"] input', "2026-05-01")
    frame.click('button[data-action="start-backfill"]')

    # then
    error = frame.locator('[data-field="to"] .field-error')
    error.wait_for()
    assert error.inner_text() == "The period ends before it starts."
    assert SalesBackfill.objects.count() == 0


def test_the_tab_speaks_chinese_in_the_dark_theme(dashboard, shop):
    # given: Saleor's total not known yet (before the first page)
    running_backfill(shop, total_orders=None, orders_done=0, pages_done=0, lines_done=0, last_error="", failures=0,
                     next_attempt_at=None)

    # when
    frame = open_sales(dashboard, theme="dark", locale="zh-Hans")

    # then: an indeterminate bar
    assert frame.locator('[role="tab"][aria-selected="true"]').inner_text() == "销售记录"
    bar = frame.locator("progress.sales-progress")
    assert (bar.get_attribute("value"), bar.get_attribute("aria-label")) == (None, "回填进度")
    assert frame.locator(".sales-counts").inner_text() == "已读取 0 笔订单，0 个订单行；已读 0 页"
    assert frame.locator('button[data-action="start-backfill"]').inner_text() == "开始回填"
    screenshot(dashboard.page, "settings-sales-dark-zh-Hans")
