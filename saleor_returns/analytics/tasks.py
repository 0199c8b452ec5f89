"""The ledger's outside calls: backfills paging through Saleor's orders; the sweeps keeping rollups and backfills going.

A backfill run reads up to PAGES_PER_RUN pages, pausing SALES_BACKFILL_PAGE_PAUSE_SECONDS
between two pages (Saleor's API is the shop's own; the backfill must not crowd out its
storefront), then queues its next run that much later. Each page is recorded with the cursor after it, so a
run that dies is picked up from the last recorded page by the resume sweep once its lease ends.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.utils.module_loading import import_string

from saleor_returns.analytics import actions
from saleor_returns.analytics.ledger import UnreadableOrder
from saleor_returns.analytics.rollups import roll_up_returns
from saleor_returns.analytics.spikes import last_full_week, record_spike_alerts
from saleor_returns.models import Installation, SalesBackfill
from saleor_returns.saleor.client import SaleorClient, SaleorError, SaleorUnavailable

logger = logging.getLogger(__name__)

PAGES_PER_RUN = 20


def _page_size() -> int:
    """Saleor serves at most 100 orders a page."""
    return min(max(settings.SALES_BACKFILL_PAGE_SIZE, 1), 100)


def _pause() -> None:
    import_string(settings.SALES_BACKFILL_SLEEP)(settings.SALES_BACKFILL_PAGE_PAUSE_SECONDS)


@shared_task(name="saleor_returns.run_sales_backfill")
def run_sales_backfill_task(backfill_id: str) -> None:
    """Read the backfill's next pages from Saleor into the ledger; safe to run twice (one run holds it at a time)."""
    claimed = actions.claim_sales_backfill(backfill_id=backfill_id)
    if claimed is None:
        return
    backfill, token = claimed
    installation = backfill.installation
    if not installation.is_active:
        actions.record_backfill_failure(backfill_id=backfill_id, token=token, retryable=False,
                                        error="The app is not installed in this shop any more.")
        return
    client = SaleorClient.for_installation(installation)
    cursor = backfill.cursor or None
    for page in range(PAGES_PER_RUN):
        if page:
            _pause()
        variables = {
            "from": backfill.created_from.isoformat(), "to": backfill.created_to.isoformat(),
            "first": _page_size(), "after": cursor,
        }
        try:
            orders = client.query("SalesOrders", variables)["orders"]
            backfill = actions.record_backfill_page(
                backfill_id=backfill_id, token=token, orders=[edge["node"] for edge in orders["edges"]],
                end_cursor=orders["pageInfo"]["endCursor"], has_next_page=orders["pageInfo"]["hasNextPage"],
                total_count=orders.get("totalCount"),
            )
        except SaleorUnavailable as error:
            actions.record_backfill_failure(backfill_id=backfill_id, token=token, error=str(error), retryable=True)
            return
        except (SaleorError, UnreadableOrder, KeyError, TypeError) as error:
            logger.exception("Sales backfill stopped", extra={"backfill_id": backfill_id})
            actions.record_backfill_failure(backfill_id=backfill_id, token=token, error=str(error), retryable=False)
            return
        if backfill is None or backfill.status != SalesBackfill.Status.RUNNING:
            return
        cursor = backfill.cursor
    actions.release_sales_backfill(backfill_id=backfill_id, token=token)
    run_sales_backfill_task.apply_async((backfill_id,), countdown=settings.SALES_BACKFILL_PAGE_PAUSE_SECONDS)


@shared_task(name="saleor_returns.resume_sales_backfills")
def resume_sales_backfills_task() -> None:
    """Beat: start backfills made at install, retry failed pages when due, and pick up those a lost worker left."""
    for backfill_id in actions.due_sales_backfills():
        run_sales_backfill_task.delay(backfill_id)


@shared_task(name="saleor_returns.roll_up_returns")
def roll_up_returns_task() -> None:
    """Beat: DailyReturns follows the return requests that changed since the last sweep, shop by shop."""
    for installation in Installation.objects.filter(is_active=True).order_by("pk"):
        roll_up_returns(installation)


@shared_task(name="saleor_returns.report_spike_alerts")
def report_spike_alerts_task() -> None:
    """Beat: each shop's spikes of its last complete week, reported once per variant and week.

    It runs hourly rather than weekly so every shop's week closes at its own midnight; a run
    finding the week already reported does nothing.
    """
    for installation in Installation.objects.filter(is_active=True).order_by("pk"):
        for alert in record_spike_alerts(installation, week_start=last_full_week(installation)):
            logger.info(
                "Return spike reported",
                extra={"saleor_api_url": installation.saleor_api_url, "variant_id": alert.variant_id,
                       "week_start": alert.week_start.isoformat()},
            )
