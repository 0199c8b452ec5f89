"""Every analytics table as CSV rows, read from a server-side cursor a chunk at a time (never all rows at once)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator

from django.db import connection

from saleor_returns.analytics.figures import outcomes, rates, stages
from saleor_returns.analytics.figures.scope import Scope
from saleor_returns.money import quantize

# Rows fetched from the database at a time.
CHUNK_SIZE = 2000


def _rates(dimension: str) -> Callable:
    return lambda scope, options: rates.return_rate_sql(
        scope, dimension, options.get("sort") or "returned_units", within=options.get("within")
    )


# table name -> (its columns, how to make its SQL from the scope and the options given)
TABLES: dict[str, tuple[tuple[str, ...], Callable]] = {
    **{f"return_rate_{dimension}": (rates.RATE_COLUMNS, _rates(dimension)) for dimension in rates.DIMENSIONS},
    "reasons": (
        ("reason_code", "units", "share", "cumulative_share"),
        lambda scope, options: rates.reasons_sql(scope, options.get("product_id") or None),
    ),
    "refunds_against_sales": (
        ("currency", "sold_value", "refunded_value", "store_credit_value", "refund_rate"),
        lambda scope, options: outcomes.refunds_against_sales_sql(scope),
    ),
    "resolution_mix": (
        ("resolution", "currency", "requests", "units", "value"),
        lambda scope, options: outcomes.resolution_mix_sql(scope),
    ),
    "dispositions": (
        ("disposition", "currency", "units", "value"),
        lambda scope, options: outcomes.dispositions_sql(scope),
    ),
    "carrier_claims": (
        ("currency", "filed", "filed_value", "recovered", "recovered_value", "rejected"),
        lambda scope, options: outcomes.carrier_claims_sql(scope),
    ),
    "stage_times": (
        ("stage", "count", "median_hours", "p90_hours", "target_hours", "within_target"),
        lambda scope, options: stages.stage_times_sql(scope, options["rules"]),
    ),
    "auto_approval": (
        ("requests", "auto_approved", "overturned"),
        lambda scope, options: stages.auto_approval_sql(scope),
    ),
}


# Columns holding money, shown with their row's currency's precision.
MONEY_COLUMNS = frozenset({
    "sold_value", "returned_value", "refunded_value", "store_credit_value", "value", "filed_value", "recovered_value",
})


class _Line:
    """A file-like target for csv.writer that hands back the line just written."""

    def write(self, value: str) -> str:
        return value


def csv_lines(table: str, scope: Scope, options: dict) -> Iterator[str]:
    """The table's header and rows as CSV lines, streamed from a server-side cursor."""
    columns, make_sql = TABLES[table]
    outcomes.up_to_date(scope)
    if table == "refunds_against_sales":
        outcomes.refunds_up_to_date(scope)
    sql, params = make_sql(scope, options)
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    money = [index for index, name in enumerate(columns) if name in MONEY_COLUMNS]
    currency = columns.index("currency") if money else None
    with connection.chunked_cursor() as cursor:
        cursor.itersize = CHUNK_SIZE
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_SIZE):
            for row in rows:
                values = ["" if value is None else value for value in row]
                for index in money:
                    values[index] = quantize(values[index], row[currency])
                yield writer.writerow(values)
