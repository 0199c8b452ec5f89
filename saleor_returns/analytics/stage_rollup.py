"""How long each return's stages took (ReturnStageTimes) and their monthly histograms (MonthlyStageTimes).

A request's stage times are recomputed whole from its events, shipments, lines and refunds when
the request, one of its refunds or one of its shipments changed since the returns sweep last ran
(every stage's end moves one of them); then the months of the requests recomputed are summed
again into their histograms. Callers hold the shop's returns-rollup lock.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection

from saleor_returns.analytics.days import day_bounds, delete_periods, next_month
from saleor_returns.models import (
    Installation,
    MonthlyStageTimes,
    Refund,
    ReturnEvent,
    ReturnLine,
    ReturnRequest,
    ReturnShipment,
    ReturnStageTimes,
)
from saleor_returns.states import ReturnStatus

# Each stage: (its name, the mark it starts at, the mark it ends at); its hours are ReturnStageTimes' `<name>_hours`.
STAGE_SPANS = (
    ("decision", "created_at", "decided_at"),
    ("approval_to_first_scan", "approved_at", "scanned_at"),
    ("scan_to_received", "scanned_at", "received_at"),
    ("received_to_resolved", "received_at", "resolved_at"),
    ("request_to_money", "created_at", "paid_at"),
)
STAGE_TIMES = ReturnStageTimes._meta.db_table
REQUESTS = ReturnRequest._meta.db_table


def bucket_sql(hours: str) -> str:
    """The histogram bucket of a duration: its upper bound, in tenths of an hour up to a day, whole hours beyond.

    Rounded up, so a duration is within a target of N whole hours exactly when its bucket is.
    """
    return f"(CASE WHEN {hours} <= 24 THEN CEIL({hours} * 10) / 10 ELSE CEIL({hours}) END)::numeric(12, 1)"


def durations_sql(where: str) -> str:
    """Each stage time of the ReturnStageTimes rows `times` matching `where`: (channel_slug, day, stage, hours)."""
    stages = ", ".join(f"('{stage}', times.{stage}_hours)" for stage, _start, _end in STAGE_SPANS)
    return f"""
        SELECT times.installation_id, times.channel_slug, times.day, span.stage, span.hours
        FROM {STAGE_TIMES} AS times CROSS JOIN LATERAL (VALUES {stages}) AS span (stage, hours)
        WHERE {where} AND span.hours IS NOT NULL
    """


def _insert_stage_times(cursor, installation: Installation, zone: ZoneInfo, only: str, only_params: list) -> set[date]:
    """Compute the stage times of the shop's requests (those matching `only`, a condition on `request`); returns
    their days."""
    hours = ", ".join(
        f"EXTRACT(EPOCH FROM marks.{end} - marks.{start}) / 3600" for _stage, start, end in STAGE_SPANS
    )
    columns = ", ".join(f"{stage}_hours" for stage, _start, _end in STAGE_SPANS)
    updates = ", ".join(
        f"{column} = EXCLUDED.{column}" for column in ("channel_slug", "day", *columns.split(", "))
    )
    approved, rejected, resolved = (ReturnStatus.APPROVED.value, ReturnStatus.REJECTED.value,
                                    ReturnStatus.RESOLVED.value)
    cursor.execute(
        f"""
        WITH requested AS (
            SELECT request.id, request.installation_id, request.channel_slug, request.created_at
            FROM {REQUESTS} AS request WHERE request.installation_id = %s{only}
        ), moves AS (
            SELECT event.return_request_id AS id,
                   MIN(event.created_at) FILTER (WHERE event.to_status IN (%s, %s)) AS decided_at,
                   MIN(event.created_at) FILTER (WHERE event.to_status = %s) AS approved_at,
                   MIN(event.created_at) FILTER (WHERE event.to_status = %s) AS resolved_at
            FROM {ReturnEvent._meta.db_table} AS event JOIN requested ON requested.id = event.return_request_id
            WHERE event.to_status IN (%s, %s, %s)
            GROUP BY 1
        ), scans AS (
            SELECT shipment.return_request_id AS id, MIN(shipment.first_scan_at) AS scanned_at
            FROM {ReturnShipment._meta.db_table} AS shipment JOIN requested ON requested.id = shipment.return_request_id
            GROUP BY 1
        ), receipts AS (
            SELECT line.return_request_id AS id, MIN(line.received_at) AS received_at
            FROM {ReturnLine._meta.db_table} AS line JOIN requested ON requested.id = line.return_request_id
            GROUP BY 1
        ), payments AS (
            SELECT refund.return_request_id AS id, MIN(refund.succeeded_at) AS paid_at
            FROM {Refund._meta.db_table} AS refund JOIN requested ON requested.id = refund.return_request_id
            WHERE refund.status = %s
            GROUP BY 1
        ), marks AS (
            SELECT requested.id, requested.installation_id, requested.channel_slug, requested.created_at,
                   moves.decided_at, moves.approved_at, scans.scanned_at, receipts.received_at, moves.resolved_at,
                   payments.paid_at
            FROM requested
            LEFT JOIN moves USING (id) LEFT JOIN scans USING (id) LEFT JOIN receipts USING (id)
            LEFT JOIN payments USING (id)
        )
        INSERT INTO {STAGE_TIMES} (return_request_id, installation_id, channel_slug, day, {columns})
        SELECT marks.id, marks.installation_id, marks.channel_slug, (marks.created_at AT TIME ZONE %s)::date, {hours}
        FROM marks
        ORDER BY 4
        ON CONFLICT (return_request_id) DO UPDATE SET {updates}
        RETURNING day
        """,
        [
            installation.pk, *only_params, approved, rejected, approved, resolved, approved, rejected, resolved,
            Refund.Status.SUCCEEDED.value, zone.key,
        ],
    )
    return {day for (day,) in cursor.fetchall()}


def _changed_requests(cursor, installation: Installation, since: datetime) -> list:
    """The shop's requests that changed, or whose refunds or shipments changed, at `since` or after."""
    cursor.execute(
        f"""
        SELECT request.id FROM {REQUESTS} AS request WHERE request.installation_id = %s AND request.updated_at >= %s
        UNION
        SELECT request.id FROM {Refund._meta.db_table} AS refund JOIN {REQUESTS} AS request
               ON request.id = refund.return_request_id
        WHERE request.installation_id = %s AND refund.updated_at >= %s
        UNION
        SELECT request.id FROM {ReturnShipment._meta.db_table} AS shipment JOIN {REQUESTS} AS request
               ON request.id = shipment.return_request_id
        WHERE request.installation_id = %s AND shipment.updated_at >= %s
        """,
        [installation.pk, since] * 3,
    )
    return [request_id for (request_id,) in cursor.fetchall()]


def _refresh_months(cursor, installation: Installation, months: set[date] | None) -> None:
    """Sum the stage times of `months` (every month when None) into MonthlyStageTimes again."""
    table = MonthlyStageTimes._meta.db_table
    where, params = "times.installation_id = %s", [installation.pk]
    if months is not None and not months:
        return
    delete_periods(cursor, table, installation.pk, "month", months)
    if months is not None:
        where += " AND times.day >= %s AND times.day < %s AND date_trunc('month', times.day)::date = ANY(%s)"
        params += [min(months), next_month(max(months)), sorted(months)]
    cursor.execute(
        f"""
        INSERT INTO {table} (installation_id, channel_slug, month, stage, up_to_hours, requests)
        SELECT installation_id, channel_slug, date_trunc('month', day)::date, stage, {bucket_sql("hours")}, COUNT(*)
        FROM ({durations_sql(where)}) AS durations
        GROUP BY 1, 2, 3, 4, 5
        """,
        params,
    )


def refresh_stage_times(installation: Installation, zone: ZoneInfo, since: datetime | None) -> None:
    """Recompute the stage times of the requests changed at `since` or after (all the shop's when None),
    and the histograms of their months; the caller holds the shop's returns-rollup lock. Idempotent."""
    with connection.cursor() as cursor:
        if since is None:
            delete_periods(cursor, STAGE_TIMES, installation.pk, "day", None)
            _insert_stage_times(cursor, installation, zone, "", [])
            _refresh_months(cursor, installation, None)
            return
        changed = _changed_requests(cursor, installation, since)
        if not changed:
            return
        cursor.execute(f"DELETE FROM {STAGE_TIMES} WHERE return_request_id = ANY(%s) RETURNING day", [changed])
        days = {day for (day,) in cursor.fetchall()}
        days |= _insert_stage_times(cursor, installation, zone, " AND request.id = ANY(%s)", [changed])
        _refresh_months(cursor, installation, {day.replace(day=1) for day in days})


def refresh_stage_days(cursor, installation: Installation, zone: ZoneInfo, days: set[date]) -> None:
    """Recompute the stage times of the requests of the shop's `days`, and their months' histograms."""
    if not days:
        return
    start, end = day_bounds(min(days), max(days), zone)
    delete_periods(cursor, STAGE_TIMES, installation.pk, "day", days)
    _insert_stage_times(
        cursor, installation, zone,
        " AND request.created_at BETWEEN %s AND %s AND (request.created_at AT TIME ZONE %s)::date = ANY(%s)",
        [start, end, zone.key, sorted(days)],
    )
    _refresh_months(cursor, installation, {day.replace(day=1) for day in days})
