"""Daily and monthly rollups of what was sold and what came back, kept in PostgreSQL.

`DailySales` follows the ledger incrementally: every ledger write adds its difference to its
day's bucket and to its month's `MonthlySales` bucket in the same transaction (an upsert adding
the delta), so a bucket always equals the sum of its counted ledger lines. `DailyReturns` is
computed from return lines by SQL, one shop day at a time: a sweep recomputes the days of the
return requests that changed since it last ran, then their months (`MonthlyReturns`) from those
days, their outcomes (`outcome_rollup`), and the stage times of their requests and of the requests
that changed (`stage_rollup`). A figure first rolls up the recent days whose requests changed in
number since (`refresh_stale_days`). Figures over long periods read whole months from the monthly
tables and the days at the ends from the daily ones; rows are written in day order, so a period's
rows lie together on disk.
`rebuild_rollups()` recomputes them all from their source rows (`python -m saleor_returns
rebuild-rollups`), after re-reading each ledger row's day in the shop's current time zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models.functions import TruncDate
from django.utils import timezone

from saleor_returns.analytics.days import day_bounds, delete_periods, next_month, shop_time_zone
from saleor_returns.analytics.outcome_rollup import refresh_outcome_days, refresh_refund_days, refunded_days, stale_days
from saleor_returns.analytics.stage_rollup import refresh_stage_days, refresh_stage_times
from saleor_returns.locks import advisory_lock
from saleor_returns.models import (
    CLAIM_KINDS,
    DailyReturns,
    DailySales,
    Installation,
    MonthlyReturns,
    MonthlySales,
    ReturnLine,
    ReturnRequest,
    ReturnsRollupMark,
    SoldLine,
    SoldOrder,
    SoldVariant,
)
from saleor_returns.states import ReturnStatus

# (channel slug, currency, day, variant id) -> (units, net amount)
SalesDeltas = dict[tuple[str, str, date, str], tuple[int, Decimal]]

# Requests that count as returns: neither refused nor withdrawn, and goods sent back (not a claim).
NOT_RETURNED_STATUSES = (ReturnStatus.REJECTED.value, ReturnStatus.CANCELED.value)
CLAIMS = tuple(sorted(kind.value for kind in CLAIM_KINDS))
# Return requests are rolled up from this long before the last sweep: a transaction that saved a
# request before the sweep began but committed after it is still seen by the next one.
RETURNS_SWEEP_OVERLAP = timedelta(minutes=10)
# How many of a period's last days a figure checks for requests the sweep has not seen yet.
STALE_CHECK_DAYS = 92


def add_sales_deltas(installation_id, deltas: SalesDeltas) -> None:
    """Add each bucket's (units, net amount) to DailySales and its month's MonthlySales; the caller is inside
    the ledger write's transaction.

    Buckets are written in key order, daily ones before monthly ones, so concurrent writers meet them
    in the same order, and a bucket that comes back to nothing is removed (as a rebuild would not make it).
    """
    monthly: dict = defaultdict(lambda: (0, Decimal(0)))
    for (channel_slug, currency, day, variant_id), (units, net_amount) in deltas.items():
        key = (channel_slug, currency, day.replace(day=1), variant_id)
        monthly[key] = (monthly[key][0] + units, monthly[key][1] + net_amount)
    _add_to_buckets(DailySales._meta.db_table, "day", installation_id, deltas)
    _add_to_buckets(MonthlySales._meta.db_table, "month", installation_id, monthly)


def _add_to_buckets(table: str, period: str, installation_id, deltas: SalesDeltas) -> None:
    rows = [(key, change) for key, change in sorted(deltas.items()) if change[0] or change[1]]
    if not rows:
        return
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = []
    for (channel_slug, currency, day, variant_id), (units, net_amount) in rows:
        params.extend([installation_id, channel_slug, currency, day, variant_id, units, net_amount])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} AS bucket (installation_id, channel_slug, currency, {period}, variant_id, units, net_amount)
            VALUES {values}
            ON CONFLICT (installation_id, channel_slug, currency, {period}, variant_id) DO UPDATE
            SET units = bucket.units + EXCLUDED.units, net_amount = bucket.net_amount + EXCLUDED.net_amount
            RETURNING id, units, net_amount
            """,
            params,
        )
        empty = [row_id for row_id, units, net_amount in cursor.fetchall() if units == 0 and net_amount == 0]
        if empty:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [empty])


def sales_deltas(removed: Iterable[tuple], added: Iterable[tuple]) -> SalesDeltas:
    """What moving contributions does to the buckets: each item is (bucket key, units, net amount)."""
    deltas: dict = defaultdict(lambda: (0, Decimal(0)))
    for sign, items in ((-1, removed), (1, added)):
        for key, units, net_amount in items:
            old_units, old_net = deltas[key]
            deltas[key] = (old_units + sign * units, old_net + sign * net_amount)
    return dict(deltas)


def note_variants(installation_id, lines: Iterable) -> None:
    """Record where the ledger lines' variants belong (SoldVariant), the latest write winning."""
    found = {line.variant_id: line for line in lines}
    if not found:
        return
    fields = ("sku", "product_id", "product_name", "product_type_id", "product_type_name", "category_id", "category_name")
    rows = [found[variant_id] for variant_id in sorted(found)]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = []
    for line in rows:
        params.extend([installation_id, line.variant_id, *(getattr(line, name) for name in fields)])
    columns = ", ".join(fields)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {SoldVariant._meta.db_table} (installation_id, variant_id, {columns})
            VALUES {values}
            ON CONFLICT (installation_id, variant_id) DO UPDATE SET {updates}
            """,
            params,
        )


# --------------------------------------------------------------------------- returns


def _refresh_return_days(installation: Installation, zone: ZoneInfo, days: set[date] | None) -> None:
    """Recompute DailyReturns for `days` of the shop (every day when None); caller holds the shop's rollup lock."""
    table = DailyReturns._meta.db_table
    requests = ReturnRequest._meta.db_table
    lines = ReturnLine._meta.db_table
    where = ["request.installation_id = %s"]
    params: list = [zone.key, installation.pk]
    delete = [f"DELETE FROM {table} WHERE installation_id = %s"]
    delete_params: list = [installation.pk]
    if days is not None:
        if not days:
            return
        start, end = day_bounds(min(days), max(days), zone)
        where += ["request.created_at BETWEEN %s AND %s", "(request.created_at AT TIME ZONE %s)::date = ANY(%s)"]
        params += [start, end, zone.key, sorted(days)]
        delete.append("day = ANY(%s)")
        delete_params.append(sorted(days))
    units = "COALESCE(line.approved_quantity, line.requested_quantity)"
    with connection.cursor() as cursor:
        cursor.execute(" AND ".join(delete), delete_params)
        cursor.execute(
            f"""
            INSERT INTO {table}
                (installation_id, channel_slug, currency, day, variant_id, reason_code, units, net_amount)
            SELECT request.installation_id, request.channel_slug, line.currency,
                   (request.created_at AT TIME ZONE %s)::date, line.variant_id, line.reason_code,
                   SUM({units}), SUM({units} * line.unit_price_net_amount)
            FROM {lines} AS line JOIN {requests} AS request ON request.id = line.return_request_id
            WHERE {" AND ".join(where)}
              AND request.status <> ALL(%s) AND request.kind <> ALL(%s)
            GROUP BY 1, 2, 3, 4, 5, 6
            HAVING SUM({units}) > 0
            ORDER BY 4
            """,
            [*params, list(NOT_RETURNED_STATUSES), list(CLAIMS)],
        )
        _refresh_return_months(cursor, installation, None if days is None else {day.replace(day=1) for day in days})
        refresh_outcome_days(cursor, installation, zone, " AND ".join(where), params[1:], days,
                             (list(NOT_RETURNED_STATUSES), list(CLAIMS)))
        if days is not None:
            refresh_stage_days(cursor, installation, zone, days)
        # Returned variants the ledger never sold still get their product, type and category.
        cursor.execute(
            f"""
            INSERT INTO {SoldVariant._meta.db_table}
                (installation_id, variant_id, sku, product_id, product_name, product_type_id, product_type_name,
                 category_id, category_name)
            SELECT DISTINCT ON (line.variant_id) request.installation_id, line.variant_id, line.sku, line.product_id,
                   line.product_name, line.product_type_id, '', line.category_id, ''
            FROM {lines} AS line JOIN {requests} AS request ON request.id = line.return_request_id
            WHERE {" AND ".join(where)}
            ORDER BY line.variant_id, line.created_at DESC
            ON CONFLICT (installation_id, variant_id) DO NOTHING
            """,
            params[1:],
        )


def _refresh_return_months(cursor, installation: Installation, months: set[date] | None) -> None:
    """Recompute MonthlyReturns of `months` (every month when None) from DailyReturns."""
    table = MonthlyReturns._meta.db_table
    where, params = "installation_id = %s", [installation.pk]
    delete_periods(cursor, table, installation.pk, "month", months)
    if months is not None:
        where += " AND day >= %s AND day < %s AND date_trunc('month', day)::date = ANY(%s)"
        params += [min(months), next_month(max(months)), sorted(months)]
    _sum_into_months(cursor, DailyReturns._meta.db_table, table, where, params)


def _sum_into_months(cursor, daily: str, monthly: str, where: str, params: list) -> None:
    """Insert the `daily` rollup's rows matching `where`, summed per month, into `monthly` (its twin by month)."""
    cursor.execute(
        f"""
        INSERT INTO {monthly} (installation_id, channel_slug, currency, month, variant_id, units, net_amount)
        SELECT installation_id, channel_slug, currency, date_trunc('month', day)::date, variant_id, SUM(units),
               SUM(net_amount)
        FROM {daily}
        WHERE {where}
        GROUP BY 1, 2, 3, 4, 5
        HAVING SUM(units) <> 0 OR SUM(net_amount) <> 0
        ORDER BY 4
        """,
        params,
    )


def refresh_stale_days(installation_id, zone: ZoneInfo, first: date, last: date) -> None:
    """Roll up the shop's days from `first` to `last` whose requests changed in number since the sweep saw them
    (a request made or removed since), so figures read from the rollups count it at once.

    Only the period's last STALE_CHECK_DAYS are counted: requests are made today, and counting a long
    period's requests would cost what the rollups save; older days wait for the sweep.
    """
    first = max(first, last - timedelta(days=STALE_CHECK_DAYS - 1))
    start, end = day_bounds(first, last, zone)
    with connection.cursor() as cursor:
        days = stale_days(cursor, installation_id, zone, first, last, start, end)
    if not days:
        return
    with transaction.atomic():
        advisory_lock(f"returns-rollup:{installation_id}")
        _refresh_return_days(Installation.objects.get(pk=installation_id), zone, days)


def _roll_up_refunds(installation: Installation, zone: ZoneInfo, since: datetime | None) -> None:
    """Recompute DailyRefunds of the days of the refunds changed at `since` or after (every day when None)."""
    with connection.cursor() as cursor:
        if since is None:
            refresh_refund_days(cursor, installation, zone, None)
        else:
            refresh_refund_days(cursor, installation, zone, refunded_days(cursor, installation, zone, since))


def refresh_recent_refunds(installation_id, zone: ZoneInfo) -> None:
    """Roll up the days of the refunds changed since the sweep last ran (all of them before its first run), so
    figures read from DailyRefunds count a refund confirmed since at once."""
    mark = ReturnsRollupMark.objects.filter(installation_id=installation_id).first()
    installation = Installation.objects.get(pk=installation_id)
    days = None
    if mark is not None:
        with connection.cursor() as cursor:
            days = refunded_days(cursor, installation, zone, mark.rolled_up_until - RETURNS_SWEEP_OVERLAP)
        if not days:
            return
    with transaction.atomic():
        advisory_lock(f"returns-rollup:{installation_id}")
        with connection.cursor() as cursor:
            refresh_refund_days(cursor, installation, zone, days)


def roll_up_returns(installation: Installation) -> None:
    """Bring DailyReturns up to date with the shop's return requests.

    Idempotent: the days of requests changed since the last sweep (less the overlap) are
    recomputed whole from the return lines.
    """
    zone = shop_time_zone(installation)
    with transaction.atomic():
        advisory_lock(f"returns-rollup:{installation.pk}")
        now = timezone.now()
        mark = ReturnsRollupMark.objects.filter(installation=installation).first()
        if mark is None:
            _refresh_return_days(installation, zone, None)
        else:
            changed = ReturnRequest.objects.filter(
                installation=installation, updated_at__gte=mark.rolled_up_until - RETURNS_SWEEP_OVERLAP
            )
            days = set(
                changed.annotate(day=TruncDate("created_at", tzinfo=zone)).order_by().values_list("day", flat=True)
            )
            _refresh_return_days(installation, zone, days)
        since = None if mark is None else mark.rolled_up_until - RETURNS_SWEEP_OVERLAP
        refresh_stage_times(installation, zone, since)
        _roll_up_refunds(installation, zone, since)
        ReturnsRollupMark.objects.update_or_create(installation=installation, defaults={"rolled_up_until": now})


# --------------------------------------------------------------------------- rebuild


def _rebuild_sales(installation: Installation, zone: ZoneInfo) -> None:
    table = DailySales._meta.db_table
    with connection.cursor() as cursor:
        # Ledger rows are re-dated first (a ledger write locks its order's rows before reading them,
        # so it waits for these and reads them re-dated); then ledger writes wait for the rebuild to
        # commit before adding their differences to it.
        for model in (SoldOrder, SoldLine):
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET day = (created_at AT TIME ZONE %s)::date "
                "WHERE installation_id = %s AND day <> (created_at AT TIME ZONE %s)::date",
                [zone.key, installation.pk, zone.key],
            )
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table} WHERE installation_id = %s", [installation.pk])
        cursor.execute(
            f"""
            INSERT INTO {table} (installation_id, channel_slug, currency, day, variant_id, units, net_amount)
            SELECT installation_id, channel_slug, currency, day, variant_id, SUM(quantity), SUM(net_amount)
            FROM {SoldLine._meta.db_table}
            WHERE installation_id = %s AND is_counted
            GROUP BY 1, 2, 3, 4, 5
            HAVING SUM(quantity) <> 0 OR SUM(net_amount) <> 0
            ORDER BY 4
            """,
            [installation.pk],
        )
        monthly = MonthlySales._meta.db_table
        cursor.execute(f"LOCK TABLE {monthly} IN SHARE ROW EXCLUSIVE MODE")
        delete_periods(cursor, monthly, installation.pk, "month", None)
        _sum_into_months(cursor, table, monthly, "installation_id = %s", [installation.pk])


def rebuild_rollups(installations: Iterable[Installation] | None = None) -> int:
    """Recompute the sales rollups from the ledger and the returns rollups (stage times included) from the
    return rows; returns the shops done."""
    done = 0
    for installation in installations if installations is not None else Installation.objects.order_by("pk"):
        zone = shop_time_zone(installation)
        with transaction.atomic():
            _rebuild_sales(installation, zone)
        with transaction.atomic():
            advisory_lock(f"returns-rollup:{installation.pk}")
            _refresh_return_days(installation, zone, None)
            refresh_stage_times(installation, zone, None)
            _roll_up_refunds(installation, zone, None)
            ReturnsRollupMark.objects.update_or_create(
                installation=installation, defaults={"rolled_up_until": timezone.now()}
            )
        done += 1
    return done
