"""Daily rollups of what came of returns: the resolution mix, dispositions, and requests with auto-approval.

Recomputed by SQL one shop day at a time, with DailyReturns (the returns sweep, a rebuild), and
for the days whose request count a figure finds changed since (`stale_days`), so a request made
since the last sweep counts at once. Callers hold the shop's returns-rollup lock.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from saleor_returns.events import EventType
from saleor_returns.models import (
    DailyDispositions,
    DailyRequests,
    DailyResolutions,
    Installation,
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
        if days is None:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE installation_id = %s", [installation.pk])
        else:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE installation_id = %s AND day = ANY(%s)",
                           [installation.pk, sorted(days)])
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
