"""The backfill: a period's orders read from Saleor page by page into the ledger, resumable, rate-limited,
retried with backoff, one at a time per shop, started at install."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from saleor_returns.analytics import actions as analytics_actions
from saleor_returns.analytics import tasks as analytics_tasks
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import DailySales, SalesBackfill, SoldLine, SoldOrder
from saleor_returns.requestors import SYSTEM
from tests.analytics.conftest import at, daily_sales, ledger, variant_of

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
MUG = {"sku": "MUG", "unit_price": Decimal("12.00"), "product_name": "Mug"}
TEE = {"sku": "TEE", "unit_price": Decimal("20.00"), "product_name": "Tee"}


@pytest.fixture
def march_orders(fake_saleor):
    """Six orders created in March (one canceled), and what Saleor must leave out: February, April, a draft."""
    inside = [
        fake_saleor.add_order(lines=[{**MUG, "quantity": day % 3 + 1}, {**TEE, "quantity": 1}],
                              created=at(f"2026-03-{day:02d}T10:00:00+00:00"))
        for day in (1, 5, 9, 17, 31)
    ]
    canceled = fake_saleor.add_order(lines=[{**TEE, "quantity": 4}], created=at("2026-03-12T10:00:00+00:00"))
    fake_saleor.cancel_order(canceled)
    fake_saleor.add_order(lines=[{**MUG, "quantity": 9}], created=at("2026-02-28T23:59:59+00:00"))
    fake_saleor.add_order(lines=[{**MUG, "quantity": 9}], created=at("2026-04-01T00:00:00+00:00"))
    fake_saleor.add_order(lines=[{**MUG, "quantity": 9}], created=at("2026-03-20T10:00:00+00:00"), status="DRAFT")
    return inside + [canceled]


@pytest.fixture
def small_pages(settings):
    settings.SALES_BACKFILL_PAGE_SIZE = 2
    settings.SALES_BACKFILL_PAGE_PAUSE_SECONDS = 0


def start(shop, capture_on_commit, period=MARCH) -> SalesBackfill:
    with capture_on_commit(execute=True):
        backfill = analytics_actions.start_sales_backfill(
            installation=shop, period_from=period[0], period_to=period[1], actor=SYSTEM
        )
    backfill.refresh_from_db()
    return backfill


def sales_calls(fake_saleor) -> list[dict]:
    return [request for request in fake_saleor.requests if request["operation_name"] == "SalesOrders"]


def expected_march_sales(orders) -> dict:
    """What the five counted March orders sold, by hand: mugs 2, 3, 1, 3, 2 units at 12.00; a tee each at 20.00."""
    mug, tee = variant_of(orders[0], 0), variant_of(orders[0], 1)
    figures = {}
    for order, day in zip(orders[:5], (1, 5, 9, 17, 31)):
        units = day % 3 + 1
        figures[("default-channel", "USD", date(2026, 3, day), mug)] = (units, Decimal("12.00") * units)
        figures[("default-channel", "USD", date(2026, 3, day), tee)] = (1, Decimal("20.00"))
    return figures


def test_a_backfill_pages_through_the_period_and_records_each_order_once(
    shop, fake_saleor, march_orders, small_pages, django_capture_on_commit_callbacks
):
    # when
    backfill = start(shop, django_capture_on_commit_callbacks)

    # then: three pages of two orders, newest first, each after the cursor of the one before
    calls = sales_calls(fake_saleor)
    assert [call["variables"]["first"] for call in calls] == [2, 2, 2]
    assert calls[0]["variables"]["after"] is None
    assert all(call["variables"]["after"] for call in calls[1:])
    assert (calls[0]["variables"]["from"], calls[0]["variables"]["to"]) == (
        "2026-03-01T00:00:00+00:00", "2026-03-31T23:59:59.999999+00:00")
    assert backfill.status == SalesBackfill.Status.DONE
    assert (backfill.pages_done, backfill.orders_done, backfill.lines_done, backfill.total_orders) == (3, 6, 11, 6)
    assert backfill.started_at is not None and backfill.finished_at is not None
    assert (backfill.last_error, backfill.failures, backfill.leased_until) == ("", 0, None)
    assert sorted(SoldOrder.objects.values_list("order_id", flat=True)) == sorted(o["id"] for o in march_orders)
    assert daily_sales(shop) == expected_march_sales(march_orders)


def test_a_backfill_pauses_between_pages_as_configured(
    shop, fake_saleor, march_orders, small_pages, settings, pauses, django_capture_on_commit_callbacks
):
    # given
    settings.SALES_BACKFILL_PAGE_PAUSE_SECONDS = 2.5

    # when
    start(shop, django_capture_on_commit_callbacks)

    # then: a pause before each page but the first, none after the last
    assert len(sales_calls(fake_saleor)) == 3
    assert pauses == [2.5, 2.5]


def fail_third_page(fake_saleor):
    """The double answers 503 to the third page: the second page's request arms the fault for the next one."""
    original = fake_saleor.query_resolvers["orders"]
    served = []

    def orders(info, **args):
        served.append(args.get("after"))
        if len(served) == 2:
            fake_saleor.fail_next(1, 503, operation="SalesOrders")
        return original(info, **args)

    fake_saleor.query("orders")(orders)


def test_a_backfill_interrupted_on_page_three_resumes_where_it_stopped_and_equals_a_straight_run(
    shop, fake_saleor, march_orders, small_pages, settings, django_capture_on_commit_callbacks
):
    # given: a straight run's figures, then the ledger emptied
    start(shop, django_capture_on_commit_callbacks)
    straight = (ledger(shop), daily_sales(shop))
    for model in (SoldLine, SoldOrder, DailySales):
        model.objects.all().delete()
    settings.SALEOR_HTTP_RETRIES = 0
    fake_saleor.requests.clear()
    fail_third_page(fake_saleor)

    # when: Saleor fails on page 3
    try:
        interrupted = start(shop, django_capture_on_commit_callbacks, period=MARCH)
    finally:
        fake_saleor.register_order_resolvers()

    # then: two pages recorded with their cursor; the failure shown and its retry planned
    assert interrupted.status == SalesBackfill.Status.RUNNING
    assert (interrupted.pages_done, interrupted.orders_done, interrupted.failures) == (2, 4, 1)
    assert interrupted.last_error == "Saleor answered HTTP 503."
    assert interrupted.next_attempt_at > timezone.now()
    assert interrupted.leased_until is None
    assert len(SoldOrder.objects.all()) == 4
    second_page_cursor = interrupted.cursor

    # when: the worker runs it again (the resume sweep queues it once the retry is due)
    analytics_tasks.run_sales_backfill_task(str(interrupted.pk))

    # then: it went on from the third page, and the figures are the straight run's
    interrupted.refresh_from_db()
    calls = sales_calls(fake_saleor)
    assert [call["variables"]["after"] for call in calls][2:] == [second_page_cursor, second_page_cursor]
    assert interrupted.status == SalesBackfill.Status.DONE
    assert (interrupted.pages_done, interrupted.orders_done, interrupted.failures) == (3, 6, 0)
    assert interrupted.last_error == "Saleor answered HTTP 503."
    assert (ledger(shop), daily_sales(shop)) == straight


def test_a_failed_page_is_retried_with_exponential_backoff_by_the_sweep(
    shop, fake_saleor, march_orders, small_pages, settings, django_capture_on_commit_callbacks
):
    # given: Saleor is down
    settings.SALEOR_HTTP_RETRIES = 0
    fake_saleor.fail_next(2, 502, operation="SalesOrders")
    backfill = start(shop, django_capture_on_commit_callbacks)
    first_delay = backfill.next_attempt_at - timezone.now()

    # when: the sweep runs before the retry is due
    analytics_tasks.resume_sales_backfills_task()

    # then: nothing is asked of Saleor
    assert len(sales_calls(fake_saleor)) == 1
    assert timedelta(seconds=25) < first_delay <= timedelta(seconds=30)

    # when: it runs once the retry is due (Saleor still down), then once the next one is
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        analytics_tasks.resume_sales_backfills_task()
        backfill.refresh_from_db()
        second_delay = backfill.next_attempt_at - timezone.now()
    with time_machine.travel(timezone.now() + timedelta(seconds=95)):
        analytics_tasks.resume_sales_backfills_task()

    # then: the second wait doubled, and the third attempt read every page
    assert backfill.failures == 2 and backfill.last_error == "Saleor answered HTTP 502."
    assert timedelta(seconds=55) < second_delay <= timedelta(seconds=60)
    backfill.refresh_from_db()
    assert (backfill.status, backfill.pages_done, backfill.failures) == (SalesBackfill.Status.DONE, 3, 0)
    assert daily_sales(shop) == expected_march_sales(march_orders)


def test_a_backfill_gives_up_after_failing_again_and_again(shop, fake_saleor, small_pages, settings,
                                                           django_capture_on_commit_callbacks):
    # given
    settings.SALEOR_HTTP_RETRIES = 0
    fake_saleor.fail_next(20, 503, operation="SalesOrders")
    backfill = start(shop, django_capture_on_commit_callbacks)

    # when: every attempt fails
    for _ in range(analytics_actions.BACKFILL_MAX_FAILURES - 1):
        analytics_tasks.run_sales_backfill_task(str(backfill.pk))

    # then
    backfill.refresh_from_db()
    assert len(sales_calls(fake_saleor)) == analytics_actions.BACKFILL_MAX_FAILURES
    assert (backfill.status, backfill.failures) == (SalesBackfill.Status.FAILED, analytics_actions.BACKFILL_MAX_FAILURES)
    assert (backfill.last_error, backfill.next_attempt_at) == ("Saleor answered HTTP 503.", None)
    assert backfill.finished_at is not None


def test_a_refusal_from_saleor_fails_the_backfill_at_once(shop, fake_saleor, small_pages,
                                                         django_capture_on_commit_callbacks):
    # given: Saleor refuses the app (a 4xx is not retried)
    fake_saleor.fail_next(1, 403, operation="SalesOrders")

    # when
    backfill = start(shop, django_capture_on_commit_callbacks)

    # then
    assert (backfill.status, backfill.failures, backfill.last_error) == (
        SalesBackfill.Status.FAILED, 1, "Saleor answered HTTP 403.")
    assert SoldLine.objects.count() == 0


def test_webhooks_and_a_backfill_over_the_same_orders_count_each_line_once(
    shop, fake_saleor, march_orders, small_pages, order_webhooks, django_capture_on_commit_callbacks
):
    # given: two of the orders came by webhook, one of them was edited since
    order_webhooks.deliver("ORDER_CREATED", march_orders[0])
    order_webhooks.deliver("ORDER_CREATED", march_orders[1])
    fake_saleor.edit_order_line(march_orders[1], march_orders[1]["lines"][0]["id"], quantity=7)

    # when: the backfill reads the period, then the edit's webhook arrives late
    start(shop, django_capture_on_commit_callbacks)
    order_webhooks.deliver("ORDER_UPDATED", march_orders[1])

    # then
    expected = expected_march_sales(march_orders)
    expected[("default-channel", "USD", date(2026, 3, 5), variant_of(march_orders[0], 0))] = (7, Decimal("84.00"))
    assert SoldLine.objects.count() == 11
    assert daily_sales(shop) == expected


def test_one_backfill_runs_at_a_time(shop, fake_saleor, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        running = analytics_actions.start_sales_backfill(
            installation=shop, period_from=MARCH[0], period_to=MARCH[1], actor=SYSTEM)

    # when / then
    with pytest.raises(ValidationError) as refused:
        analytics_actions.start_sales_backfill(installation=shop, period_from=MARCH[0], period_to=MARCH[1], actor=SYSTEM)
    assert refused.value.message_dict == {"__all__": ["A backfill is already running; cancel it to start another."]}
    assert list(SalesBackfill.objects.values_list("pk", flat=True)) == [running.pk]


@pytest.mark.django_db(transaction=True)
def test_a_canceled_backfill_drops_the_page_being_read(shop, fake_saleor, march_orders, small_pages,
                                                       django_capture_on_commit_callbacks):
    # given: staff cancel while the first page is on its way (from the double's thread: its own connection)
    original = fake_saleor.query_resolvers["orders"]

    def orders(info, **args):
        try:
            analytics_actions.cancel_sales_backfill(installation=shop)
        finally:
            connection.close()
        return original(info, **args)

    fake_saleor.query("orders")(orders)

    # when
    try:
        backfill = start(shop, django_capture_on_commit_callbacks)
    finally:
        fake_saleor.register_order_resolvers()

    # then
    assert (backfill.status, backfill.pages_done) == (SalesBackfill.Status.CANCELED, 0)
    assert SoldLine.objects.count() == 0
    assert len(sales_calls(fake_saleor)) == 1


def test_a_backfill_a_lost_worker_left_is_picked_up_when_its_lease_ends(
    shop, fake_saleor, march_orders, small_pages, django_capture_on_commit_callbacks
):
    # given: a worker took the backfill and died
    with django_capture_on_commit_callbacks(execute=False):
        backfill = analytics_actions.start_sales_backfill(
            installation=shop, period_from=MARCH[0], period_to=MARCH[1], actor=SYSTEM)
    assert analytics_actions.claim_sales_backfill(backfill_id=backfill.pk) is not None

    # when: the sweep runs while the lease holds, then after it
    analytics_tasks.resume_sales_backfills_task()
    assert sales_calls(fake_saleor) == []
    with time_machine.travel(timezone.now() + analytics_actions.BACKFILL_LEASE + timedelta(seconds=1)):
        analytics_tasks.resume_sales_backfills_task()

    # then
    backfill.refresh_from_db()
    assert (backfill.status, backfill.orders_done) == (SalesBackfill.Status.DONE, 6)


def test_installing_the_app_starts_a_backfill_of_the_last_year(fake_saleor, fake_app, small_pages, db,
                                                              django_capture_on_commit_callbacks):
    # given: an order of last month and one of two years ago
    now = timezone.now()
    recent = fake_saleor.add_order(lines=[{**MUG, "quantity": 1}], created=now - timedelta(days=30))
    fake_saleor.add_order(lines=[{**MUG, "quantity": 1}], created=now - timedelta(days=730))

    # when: the app is installed; later the resume sweep runs
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shop = installation_actions.install_app(
            saleor_api_url=fake_saleor.api_url, saleor_domain=fake_saleor.domain, app_token=fake_app["token"],
            app_id=fake_app["id"], permissions=["MANAGE_ORDERS"],
        )
    backfill = SalesBackfill.objects.get()
    analytics_tasks.resume_sales_backfills_task()

    # then: nothing queued at install but the JWKS; the sweep read the last 365 days
    assert len(callbacks) == 1
    today = now.date()
    assert (backfill.period_from, backfill.period_to, backfill.started_by) == (
        today - timedelta(days=365), today, "install")
    backfill.refresh_from_db()
    assert (backfill.status, backfill.orders_done) == (SalesBackfill.Status.DONE, 1)
    assert list(SoldOrder.objects.filter(installation=shop).values_list("order_id", flat=True)) == [recent["id"]]


def test_reinstalling_while_a_backfill_runs_starts_no_second_one(installation, settings):
    # given
    running = analytics_actions.start_install_backfill(installation=installation)

    # when
    installation_actions.install_app(
        saleor_api_url=installation.saleor_api_url, saleor_domain=installation.saleor_domain, app_token="t" * 30,
        app_id=installation.app_id, permissions=["MANAGE_ORDERS"],
    )

    # then
    assert list(SalesBackfill.objects.values_list("pk", flat=True)) == [running.pk]


def test_no_backfill_at_install_when_the_setting_says_none(installation, settings):
    settings.SALES_BACKFILL_DAYS_AT_INSTALL = 0
    assert analytics_actions.start_install_backfill(installation=installation) is None
    assert SalesBackfill.objects.count() == 0
