"""Daily rollups of what came of returns: the resolution mix, dispositions, requests with auto-approval, and
the money confirmed.

Recomputed by SQL one shop day at a time: the first three with DailyReturns (the returns sweep, a
rebuild) and for the days whose request count a figure finds changed since (`stale_days`), so a
request made since the last sweep counts at once; DailyRefunds for the days of the refunds changed
since the sweep last ran (`refunded_days`). Callers hold the shop's returns-rollup lock.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from saleor_returns.analytics.days import day_bounds, delete_periods
from saleor_returns.events import EventType
from saleor_returns.models import (
    DailyDispositions,
    DailyRefunds,
    DailyRequests,
    DailyResolutions,
    Installation,
    Refund,
    ReturnEvent,
    ReturnLine,
    ReturnRequest,
)
from saleor_returns.states import ReturnStatus

REQUESTS = ReturnRequest._meta.db_table
LINES = ReturnLine._meta.db_table
# Who overturns an automatic approval: a person, or an integration acting for one.
STAFF_ACTORS = ("staff", "app")
OVERTURNING = (ReturnStatus.REJECTED.value, ReturnStatus.CANCELED.value)


def refresh_outcome_days(
    cursor, installation: Installation, zone: ZoneInfo, where: str, params: list, days: set[date] | None,
    counted: tuple[list, list],
) -> None:
    """Recompute the outcome rollups of `days` (every day when None) from the requests matching `where` (on
    `request`, with `params`); `counted` are the statuses and kinds that are not returns of goods."""
    for model in (DailyResolutions, DailyDispositions, DailyRequests):
        delete_periods(cursor, model._meta.db_table, installation.pk, "day", days)
    day = "(request.created_at AT TIME ZONE %s)::date"
    units = "COALESCE(line.approved_quantity, line.requested_quantity)"
    cursor.execute(
        f"""
        INSERT INTO {DailyResolutions._meta.db_table}
            (installation_id, channel_slug, currency, day, resolution, requests, units, net_amount)
        SELECT request.installation_id, request.channel_slug, line.currency, {day}, request.resolution,
               COUNT(DISTINCT request.id), SUM({units}), SUM({units} * line.unit_price_net_amount)
        FROM {LINES} AS line JOIN {REQUESTS} AS request ON request.id = line.return_request_id
        WHERE {where} AND request.status <> ALL(%s) AND request.kind <> ALL(%s)
        GROUP BY 1, 2, 3, 4, 5
        """,
        [zone.key, *params, *counted],
    )
    inspected = "COALESCE(line.accepted_quantity, line.received_quantity)"
    cursor.execute(
        f"""
        INSERT INTO {DailyDispositions._meta.db_table}
            (installation_id, channel_slug, currency, day, disposition, units, net_amount)
        SELECT request.installation_id, request.channel_slug, line.currency, {day}, line.disposition,
               SUM({inspected}), SUM({inspected} * line.unit_price_net_amount)
        FROM {LINES} AS line JOIN {REQUESTS} AS request ON request.id = line.return_request_id
        WHERE {where} AND line.disposition <> ''
        GROUP BY 1, 2, 3, 4, 5
        """,
        [zone.key, *params],
    )
    cursor.execute(
        f"""
        INSERT INTO {DailyRequests._meta.db_table}
            (installation_id, channel_slug, day, requests, auto_approved, overturned)
        SELECT request.installation_id, request.channel_slug, {day}, COUNT(*),
               COUNT(*) FILTER (WHERE request.is_auto_approved),
               COUNT(*) FILTER (WHERE request.is_auto_approved AND EXISTS (
                   SELECT 1 FROM {ReturnEvent._meta.db_table} AS event
                   WHERE event.return_request_id = request.id AND event.actor_kind = ANY(%s)
                     AND (event.to_status = ANY(%s) OR event.type = %s)))
        FROM {REQUESTS} AS request
        WHERE {where}
        GROUP BY 1, 2, 3
        """,
        [zone.key, list(STAFF_ACTORS), list(OVERTURNING), EventType.LINES_APPROVED.value, *params],
    )


def stale_days(cursor, installation_id, zone: ZoneInfo, first: date, last: date, start, end) -> set[date]:
    """The shop's days from `first` to `last` (instants `start` to `end`) whose requests DailyRequests does not
    count as many as there are: requests made, or removed, since the sweep last saw the day."""
    cursor.execute(
        f"""
        WITH made AS (
            SELECT (request.created_at AT TIME ZONE %s)::date AS day, COUNT(*) AS requests
            FROM {REQUESTS} AS request
            WHERE request.installation_id = %s AND request.created_at BETWEEN %s AND %s
            GROUP BY 1
        ), counted AS (
            SELECT day, SUM(requests) AS requests FROM {DailyRequests._meta.db_table}
            WHERE installation_id = %s AND day BETWEEN %s AND %s
            GROUP BY 1
        )
        SELECT COALESCE(made.day, counted.day) FROM made FULL JOIN counted ON counted.day = made.day
        WHERE made.requests IS DISTINCT FROM counted.requests
        """,
        [zone.key, installation_id, start, end, installation_id, first, last],
    )
    return {day for (day,) in cursor.fetchall()}


def refunded_days(cursor, installation: Installation, zone: ZoneInfo, since: datetime | None) -> set[date]:
    """The shop's days (of `succeeded_at`) of the confirmed refunds changed at `since` or after (all when None)."""
    changed, params = ("", []) if since is None else (" AND refund.updated_at >= %s", [since])
    cursor.execute(
        f"""
        SELECT DISTINCT (refund.succeeded_at AT TIME ZONE %s)::date
        FROM {Refund._meta.db_table} AS refund JOIN {REQUESTS} AS request ON request.id = refund.return_request_id
        WHERE request.installation_id = %s AND refund.status = %s AND refund.succeeded_at IS NOT NULL{changed}
        """,
        [zone.key, installation.pk, Refund.Status.SUCCEEDED.value, *params],
    )
    return {day for (day,) in cursor.fetchall()}


def refresh_refund_days(cursor, installation: Installation, zone: ZoneInfo, days: set[date] | None) -> None:
    """Recompute DailyRefunds of `days` (every day when None) from the confirmed refunds."""
    table = DailyRefunds._meta.db_table
    where, params = "", []
    if days is not None:
        if not days:
            return
        start, end = day_bounds(min(days), max(days), zone)
        where = " AND refund.succeeded_at BETWEEN %s AND %s AND (refund.succeeded_at AT TIME ZONE %s)::date = ANY(%s)"
        params = [start, end, zone.key, sorted(days)]
    delete_periods(cursor, table, installation.pk, "day", days)
    credit = Refund.Kind.STORE_CREDIT.value
    cursor.execute(
        f"""
        INSERT INTO {table} (installation_id, channel_slug, currency, day, refunded_amount, store_credit_amount)
        SELECT request.installation_id, request.channel_slug, refund.currency,
               (refund.succeeded_at AT TIME ZONE %s)::date,
               COALESCE(SUM(refund.amount) FILTER (WHERE refund.kind <> %s), 0),
               COALESCE(SUM(refund.amount) FILTER (WHERE refund.kind = %s), 0)
        FROM {Refund._meta.db_table} AS refund JOIN {REQUESTS} AS request ON request.id = refund.return_request_id
        WHERE request.installation_id = %s AND refund.status = %s AND refund.succeeded_at IS NOT NULL{where}
        GROUP BY 1, 2, 3, 4
        """,
        [zone.key, credit, credit, installation.pk, Refund.Status.SUCCEEDED.value, *params],
    )
