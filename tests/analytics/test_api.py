"""Staff start, follow and cancel the sales backfill through the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_returns.models import SalesBackfill
from tests.analytics.conftest import at
from tests.api.conftest import as_staff, staff_user  # noqa: F401 - the API tests' staff member

BACKFILL = "backfill { status periodFrom periodTo startedBy pagesDone ordersDone linesDone estimatedTotalOrders lastError }"
START = f"""
mutation($from: Date!, $to: Date!) {{
  returnSalesBackfillStart(from: $from, to: $to) {{ {BACKFILL} errors {{ field code message }} }}
}}"""
CANCEL = f"mutation {{ returnSalesBackfillCancel {{ {BACKFILL} errors {{ field code message }} }} }}"
LATEST = """{ returnSalesBackfill { id status periodFrom periodTo pagesDone ordersDone linesDone estimatedTotalOrders
  lastError nextAttemptAt createdAt startedAt finishedAt } }"""


def data(caller, query, variables=None) -> dict:
    result = caller(query, variables)
    assert "errors" not in result, result
    return result["data"]


@pytest.fixture
def orders(fake_saleor):
    for day in (3, 4, 5):
        fake_saleor.add_order(lines=[{"sku": "CAP", "quantity": 1, "unit_price": Decimal("9.00")}],
                              created=at(f"2026-05-{day:02d}T12:00:00+00:00"))


def test_staff_start_a_backfill_and_follow_it_to_the_end(as_staff, shop, orders, settings,
                                                         django_capture_on_commit_callbacks):
    # given
    settings.SALES_BACKFILL_PAGE_SIZE = 2
    settings.SALES_BACKFILL_PAGE_PAUSE_SECONDS = 0
    assert data(as_staff, LATEST)["returnSalesBackfill"] is None

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = data(as_staff, START, {"from": "2026-05-01", "to": "2026-05-31"})["returnSalesBackfillStart"]

    # then: running, nothing read until the worker runs
    assert started == {
        "backfill": {"status": "RUNNING", "periodFrom": "2026-05-01", "periodTo": "2026-05-31",
                     "startedBy": "staff@example.com", "pagesDone": 0, "ordersDone": 0, "linesDone": 0,
                     "estimatedTotalOrders": None, "lastError": None},
        "errors": [],
    }
    assert len(callbacks) == 1

    # when: the worker runs it
    callbacks[0]()

    # then
    latest = data(as_staff, LATEST)["returnSalesBackfill"]
    assert {key: latest[key] for key in ("status", "pagesDone", "ordersDone", "linesDone", "estimatedTotalOrders")} == {
        "status": "DONE", "pagesDone": 2, "ordersDone": 3, "linesDone": 3, "estimatedTotalOrders": 3,
    }
    assert latest["id"] == to_global(SalesBackfill.objects.get().pk)
    assert latest["startedAt"] and latest["finishedAt"] and latest["nextAttemptAt"] is None


def to_global(pk) -> str:
    return to_global_id("ReturnSalesBackfill", str(pk))


@pytest.mark.parametrize(
    ("_case", "period", "error"),
    [
        ("ends before it starts", ("2026-05-31", "2026-05-01"),
         {"field": "to", "code": "INVALID", "message": "The period ends before it starts."}),
        ("starts in the future", ("tomorrow", "tomorrow"),
         {"field": "from", "code": "INVALID", "message": "The period starts in the future."}),
        ("starts before any shop sold", ("0001-01-01", "2026-05-31"),
         {"field": "from", "code": "INVALID", "message": "Choose a day from 2000-01-01 on."}),
    ],
)
def test_a_period_that_cannot_be_read_is_refused(as_staff, shop, _case, period, error, django_capture_on_commit_callbacks):
    # given
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    first, last = (tomorrow if day == "tomorrow" else day for day in period)

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        payload = data(as_staff, START, {"from": first, "to": last})["returnSalesBackfillStart"]

    # then
    assert payload == {"backfill": None, "errors": [error]}
    assert SalesBackfill.objects.count() == 0
    assert callbacks == []


def test_a_period_ending_after_today_is_read_up_to_today(as_staff, shop, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=False):
        payload = data(as_staff, START, {"from": "2026-05-01", "to": "9999-12-31"})["returnSalesBackfillStart"]

    # then
    assert (payload["backfill"]["periodTo"], payload["errors"]) == (timezone.now().date().isoformat(), [])
    assert SalesBackfill.objects.get().created_to < timezone.now() + timedelta(days=1)


def test_a_second_backfill_waits_for_the_first(as_staff, shop, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        data(as_staff, START, {"from": "2026-05-01", "to": "2026-05-31"})

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        payload = data(as_staff, START, {"from": "2026-04-01", "to": "2026-04-30"})["returnSalesBackfillStart"]

    # then
    assert payload == {"backfill": None, "errors": [{
        "field": None, "code": "ALREADY_RUNNING", "message": "A backfill is already running; cancel it to start another."}]}
    assert list(SalesBackfill.objects.values_list("period_from", flat=True)) == [at("2026-05-01T00:00:00").date()]
    assert callbacks == []


def test_staff_cancel_the_running_backfill(as_staff, shop, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        data(as_staff, START, {"from": "2026-05-01", "to": "2026-05-31"})

    # when
    payload = data(as_staff, CANCEL)["returnSalesBackfillCancel"]

    # then
    assert (payload["backfill"]["status"], payload["errors"]) == ("CANCELED", [])
    backfill = SalesBackfill.objects.get()
    assert (backfill.status, backfill.finished_at is not None) == ("canceled", True)


def test_canceling_when_nothing_runs_is_refused(as_staff, shop):
    # when
    payload = data(as_staff, CANCEL)["returnSalesBackfillCancel"]

    # then
    assert payload == {"backfill": None, "errors": [{"field": None, "code": "NOT_FOUND", "message": "No backfill is running."}]}
    assert SalesBackfill.objects.count() == 0
