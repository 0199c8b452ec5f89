"""The sales ledger's writes: an order recorded once per line, and the backfills that read a period from Saleor.

Orders come from Saleor's ORDER_CREATED and ORDER_UPDATED webhooks and from backfill pages,
through the same `record_sold_order`: whichever arrives first, twice or out of order, each
order line is one ledger row, and DailySales moves by the difference in the same transaction.
"""

import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from saleor_returns.analytics import tasks
from saleor_returns.analytics.days import day_bounds, day_of, shop_time_zone
from saleor_returns.analytics.ledger import SoldOrderData, read_order
from saleor_returns.analytics.rollups import add_sales_deltas, note_variants, sales_deltas
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.locks import advisory_lock
from saleor_returns.models import Installation, SalesBackfill, SoldLine, SoldOrder
from saleor_returns.requestors import Actor

logger = logging.getLogger(__name__)

# A worker holds a backfill this long per page; one that died lets it go when the time is up.
BACKFILL_LEASE = timedelta(minutes=5)
# Failed attempts in a row (Saleor unreachable) before a backfill gives up.
BACKFILL_MAX_FAILURES = 8
BACKFILL_MAX_RETRY_SECONDS = 3600
# Saleor's first release is younger: no shop has orders before this day.
EARLIEST_DAY = date(2000, 1, 1)
LINE_FIELDS = (
    "order_id", "channel_slug", "currency", "created_at", "day", "variant_id", "sku", "product_id", "product_name",
    "product_type_id", "product_type_name", "category_id", "category_name", "quantity", "net_amount", "is_counted",
)


# --------------------------------------------------------------------------- the ledger


def _bucket(row) -> tuple:
    return (row.channel_slug, row.currency, row.day, row.variant_id)


def _record(installation: Installation, order: SoldOrderData) -> bool:
    """Write `order` over what the ledger holds of it; the caller is inside a transaction."""
    advisory_lock(f"sold-order:{installation.pk}:{order.order_id}")
    header = SoldOrder.objects.filter(installation=installation, order_id=order.order_id).first()
    if header is not None and header.saleor_updated_at > order.updated_at:
        return False
    existing = {
        line.order_line_id: line
        for line in SoldLine.objects.select_for_update().filter(installation=installation, order_id=order.order_id)
    }
    rows = [
        SoldLine(
            installation=installation, order_line_id=line.order_line_id, order_id=order.order_id,
            channel_slug=order.channel_slug, currency=order.currency, created_at=order.created_at, day=order.day,
            variant_id=line.variant_id, sku=line.sku, product_id=line.product_id, product_name=line.product_name,
            product_type_id=line.product_type_id, product_type_name=line.product_type_name,
            category_id=line.category_id, category_name=line.category_name, quantity=line.quantity,
            net_amount=line.net_amount, is_counted=order.is_counted,
        )
        for line in order.lines
    ]
    # A line that left the order (an edit before fulfillment) stays in the ledger with nothing sold.
    kept = {row.order_line_id for row in rows}
    gone = [line.pk for line_id, line in existing.items() if line_id not in kept]
    deltas = sales_deltas(
        removed=[(_bucket(line), line.quantity, line.net_amount) for line in existing.values() if line.is_counted],
        added=[(_bucket(row), row.quantity, row.net_amount) for row in rows if row.is_counted],
    )
    if rows:
        SoldLine.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["installation", "order_line_id"], update_fields=LINE_FIELDS
        )
    if gone:
        SoldLine.objects.filter(pk__in=gone).update(quantity=0, net_amount=0)
    header = header or SoldOrder(installation=installation, order_id=order.order_id)
    header.number, header.channel_slug, header.currency = order.number, order.channel_slug, order.currency
    header.created_at, header.day, header.status = order.created_at, order.day, order.status
    header.is_counted, header.saleor_updated_at = order.is_counted, order.updated_at
    header.customer_user_id, header.customer_email = order.customer_user_id, order.customer_email
    header.save()
    add_sales_deltas(installation.pk, deltas)
    note_variants(installation.pk, rows)
    return True


def record_sold_order(*, installation: Installation, data: dict) -> bool:
    """Record a Saleor order (the SoldOrder fragment); False when the ledger already holds a newer version of it.

    Idempotent and safe in any order: the order's `updatedAt` is its version, an older one
    changes nothing and the same one writes the same rows. Raises UnreadableOrder when the
    payload lacks what the ledger needs.
    """
    order = read_order(data, shop_time_zone(installation))
    with transaction.atomic():
        return _record(installation, order)


# --------------------------------------------------------------------------- backfills


def _log_extra(backfill: SalesBackfill) -> dict:
    return {"installation_id": str(backfill.installation_id), "backfill_id": str(backfill.pk)}


def running_backfill(installation: Installation) -> SalesBackfill | None:
    return SalesBackfill.objects.filter(installation=installation, status=SalesBackfill.Status.RUNNING).first()


def _new_backfill(installation: Installation, first: date, last: date, started_by: str) -> SalesBackfill:
    """A running backfill of the shop's days `first` to `last`; the caller holds the installation's lock."""
    if running_backfill(installation) is not None:
        raise invalid(
            None, "A backfill is already running; cancel it to start another.", ReturnErrorCode.ALREADY_RUNNING
        )
    created_from, created_to = day_bounds(first, last, shop_time_zone(installation))
    return SalesBackfill.objects.create(
        installation=installation, period_from=first, period_to=last, created_from=created_from,
        created_to=created_to, started_by=started_by,
    )


def start_sales_backfill(
    *, installation: Installation, period_from: date, period_to: date, actor: Actor
) -> SalesBackfill:
    """Read the orders Saleor created on the shop's days `period_from` to `period_to` into the ledger.

    One backfill runs at a time per shop; a period ending after today is read up to today. The
    first page is read right after the commit.
    """
    today = day_of(timezone.now(), shop_time_zone(installation))
    if period_from > period_to:
        raise invalid("to", "The period ends before it starts.", ReturnErrorCode.INVALID)
    if period_from > today:
        raise invalid("from", "The period starts in the future.", ReturnErrorCode.INVALID)
    if period_from < EARLIEST_DAY:
        raise invalid("from", f"Choose a day from {EARLIEST_DAY.isoformat()} on.", ReturnErrorCode.INVALID)
    period_to = min(period_to, today)
    with transaction.atomic():
        Installation.objects.select_for_update().get(pk=installation.pk)
        backfill = _new_backfill(installation, period_from, period_to, actor.email or actor.id or actor.kind)
        transaction.on_commit(lambda: tasks.run_sales_backfill_task.delay(str(backfill.pk)))
    logger.info("Sales backfill started", extra=_log_extra(backfill))
    return backfill


def start_install_backfill(*, installation: Installation) -> SalesBackfill | None:
    """At install: the last SALES_BACKFILL_DAYS_AT_INSTALL days, unless one is running (or the setting is 0).

    The caller holds the installation's lock. Nothing is queued: the resume sweep reads the
    first page within a minute, once Saleor has finished installing the app (it does only
    after the register call answered).
    """
    days = settings.SALES_BACKFILL_DAYS_AT_INSTALL
    if days <= 0 or running_backfill(installation) is not None:
        return None
    today = day_of(timezone.now(), shop_time_zone(installation))
    return _new_backfill(installation, today - timedelta(days=days), today, "install")


def cancel_sales_backfill(*, installation: Installation) -> SalesBackfill:
    """Stop the shop's running backfill; a page being read is dropped, what was recorded stays."""
    with transaction.atomic():
        backfill = (
            SalesBackfill.objects.select_for_update()
            .filter(installation=installation, status=SalesBackfill.Status.RUNNING)
            .first()
        )
        if backfill is None:
            raise invalid(None, "No backfill is running.", ReturnErrorCode.NOT_FOUND)
        backfill.status = SalesBackfill.Status.CANCELED
        backfill.finished_at = timezone.now()
        backfill.leased_until = backfill.lease_token = None
        backfill.save(update_fields=["status", "finished_at", "leased_until", "lease_token", "updated_at"])
    logger.info("Sales backfill canceled", extra=_log_extra(backfill))
    return backfill


def claim_sales_backfill(*, backfill_id) -> tuple[SalesBackfill, uuid.UUID] | None:
    """Take a running backfill no worker holds; None when it is finished or held. Returns it with the lease's token."""
    now = timezone.now()
    token = uuid.uuid4()
    claimed = SalesBackfill.objects.filter(pk=backfill_id, status=SalesBackfill.Status.RUNNING).filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    ).update(lease_token=token, leased_until=now + BACKFILL_LEASE, started_at=Coalesce("started_at", Value(now)),
             updated_at=now)
    if not claimed:
        return None
    return SalesBackfill.objects.select_related("installation").get(pk=backfill_id), token


def _held(backfill_id, token) -> SalesBackfill | None:
    """The backfill under its row lock, if it still runs under this lease."""
    backfill = SalesBackfill.objects.select_for_update().select_related("installation").filter(pk=backfill_id).first()
    if backfill is None or backfill.status != SalesBackfill.Status.RUNNING or backfill.lease_token != token:
        return None
    return backfill


def record_backfill_page(*, backfill_id, token, orders: list[dict], end_cursor: str | None, has_next_page: bool,
                         total_count: int | None) -> SalesBackfill | None:
    """One page of orders into the ledger, with the backfill's cursor and counts, in one transaction.

    None when the backfill was canceled or another worker took it over: the page is dropped.
    A crash before the commit leaves the cursor at the previous page, which is read again.
    """
    with transaction.atomic():
        backfill = _held(backfill_id, token)
        if backfill is None:
            return None
        installation = backfill.installation
        zone = shop_time_zone(installation)
        read = [read_order(data, zone) for data in orders]
        for order in read:
            _record(installation, order)
        now = timezone.now()
        backfill.cursor = end_cursor or backfill.cursor
        backfill.pages_done += 1
        backfill.orders_done += len(read)
        backfill.lines_done += sum(len(order.lines) for order in read)
        backfill.total_orders = total_count if total_count is not None else backfill.total_orders
        backfill.failures = 0
        backfill.next_attempt_at = None
        backfill.leased_until = now + BACKFILL_LEASE
        if not has_next_page:
            backfill.status = SalesBackfill.Status.DONE
            backfill.finished_at = now
            backfill.leased_until = backfill.lease_token = None
        backfill.save()
    if backfill.status == SalesBackfill.Status.DONE:
        logger.info("Sales backfill done", extra={**_log_extra(backfill), "orders": backfill.orders_done})
    return backfill


def release_sales_backfill(*, backfill_id, token) -> None:
    """Let the backfill go between two runs of its task (the next run claims it again)."""
    SalesBackfill.objects.filter(pk=backfill_id, lease_token=token).update(leased_until=None, lease_token=None)


def record_backfill_failure(*, backfill_id, token, error: str, retryable: bool) -> SalesBackfill | None:
    """A page could not be read: shown as the last error; retried with exponential backoff, or failed for good."""
    with transaction.atomic():
        backfill = _held(backfill_id, token)
        if backfill is None:
            return None
        now = timezone.now()
        backfill.failures += 1
        backfill.last_error = error[:2000]
        backfill.leased_until = backfill.lease_token = None
        if retryable and backfill.failures < BACKFILL_MAX_FAILURES:
            delay = min(
                settings.SALES_BACKFILL_RETRY_SECONDS * 2 ** (backfill.failures - 1), BACKFILL_MAX_RETRY_SECONDS
            )
            backfill.next_attempt_at = now + timedelta(seconds=delay)
        else:
            backfill.status = SalesBackfill.Status.FAILED
            backfill.finished_at = now
            backfill.next_attempt_at = None
        backfill.save()
    logger.warning("Sales backfill page failed", extra={**_log_extra(backfill), "failures": backfill.failures})
    return backfill


def due_sales_backfills() -> list[str]:
    """Running backfills no worker holds whose next attempt is due: new ones, retries, and those a lost worker left."""
    now = timezone.now()
    return [
        str(pk)
        for pk in SalesBackfill.objects.filter(status=SalesBackfill.Status.RUNNING, installation__is_active=True)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values_list("pk", flat=True)
    ]
