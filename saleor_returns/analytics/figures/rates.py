"""Return rates beside what was sold, by variant, product, product type, category or channel, and reasons ranked.

Rates come from the rollups of the scope's days, whole months from the monthly ones (MonthlySales,
MonthlyReturns) and the days at either end from the daily ones (DailySales, DailyReturns), summed
per variant and joined to SoldVariant for a variant's product, type and category; reasons from
DailyReturns. A return counts on the day it was requested, a sale on
the day its order was created (DailyReturns and the ledger define them). Rows are per currency:
values of different currencies are never added together.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from saleor_returns.analytics.figures.scope import Scope, fetch, ratio
from saleor_returns.models import DailyReturns, DailySales, MonthlyReturns, MonthlySales, SoldVariant
from saleor_returns.money import quantize

# A dimension: (the key, its label), as SQL over the rollup `bucket` and SoldVariant `variant`.
DIMENSIONS = {
    "variant": ("bucket.variant_id", "CONCAT_WS(' / ', NULLIF(variant.product_name, ''), NULLIF(variant.sku, ''))"),
    "product": ("COALESCE(variant.product_id, '')", "variant.product_name"),
    "product_type": ("COALESCE(variant.product_type_id, '')", "variant.product_type_name"),
    "category": ("COALESCE(variant.category_id, '')", "variant.category_name"),
    "channel": ("bucket.channel_slug", "bucket.channel_slug"),
}
SORTS = {
    "return_rate_units": "return_rate_units",
    "return_rate_value": "return_rate_value",
    "returned_units": "returned_units",
    "returned_value": "returned_value",
    "sold_units": "sold_units",
    "sold_value": "sold_value",
}
# A drill-down: only the variants of one category, product type or product (SoldVariant's column).
WITHIN = ("category_id", "product_type_id", "product_id")
RATE_COLUMNS = (
    "key", "label", "currency", "sold_units", "sold_value", "returned_units", "returned_value",
    "return_rate_units", "return_rate_value",
)


@dataclass(frozen=True)
class RateRow:
    key: str
    label: str
    currency: str
    sold_units: int
    sold_value: Decimal
    returned_units: int
    returned_value: Decimal

    @property
    def return_rate_units(self) -> Decimal | None:
        return ratio(self.returned_units, self.sold_units)

    @property
    def return_rate_value(self) -> Decimal | None:
        return ratio(self.returned_value, self.sold_value)


@dataclass(frozen=True)
class RatePage:
    rows: list[RateRow]
    total_count: int
    totals: list[RateRow]


@dataclass(frozen=True)
class ReasonRow:
    reason_code: str
    units: int
    share: Decimal | None
    cumulative_share: Decimal | None


def _within_sql(scope: Scope, within: dict[str, str] | None) -> tuple[str, list]:
    """`AND rows.variant_id IN (…)` keeping the variants of each drill-down given (a column of WITHIN), and its
    parameters; nothing without one."""
    given = sorted((column, value) for column, value in (within or {}).items() if value)
    for column, _ in given:
        if column not in WITHIN:
            raise ValueError(f"No drill-down by {column}.")
    if not given:
        return "", []
    conditions = "".join(f" AND {column} = %s" for column, _ in given)
    return (
        f" AND rows.variant_id IN (SELECT variant_id FROM {SoldVariant._meta.db_table}"
        f" WHERE installation_id = %s{conditions})",
        [scope.installation_id, *(value for _, value in given)],
    )


def _buckets(
    daily: str, monthly: str, scope: Scope, key: str, label: str, within: dict[str, str] | None = None
) -> tuple[str, list]:
    """Units and value per dimension key and currency: the rollup's rows summed per variant first, then
    joined to SoldVariant (a few thousand rows rather than every day's or month's)."""
    source, source_params = scope.rollup_sql(
        daily, monthly, "rows.channel_slug, rows.currency, rows.variant_id, rows.units, rows.net_amount"
    )
    channel, channel_params = scope.channel_sql("rows.channel_slug")
    narrowed, narrowed_params = _within_sql(scope, within)
    sql = f"""
        SELECT {key} AS key, MAX({label}) AS label, bucket.currency, SUM(bucket.units) AS units,
               SUM(bucket.net_amount) AS value
        FROM (
            SELECT rows.channel_slug, rows.currency, rows.variant_id, SUM(rows.units) AS units,
                   SUM(rows.net_amount) AS net_amount
            FROM {source} AS rows
            WHERE true{channel}{narrowed}
            GROUP BY 1, 2, 3
        ) AS bucket
        LEFT JOIN {SoldVariant._meta.db_table} AS variant
               ON variant.installation_id = %s AND variant.variant_id = bucket.variant_id
        GROUP BY 1, 3
    """
    return sql, [*source_params, *channel_params, *narrowed_params, scope.installation_id]


def _rated_sql(scope: Scope, dimension: str, within: dict[str, str] | None) -> tuple[str, list]:
    """The whole table of one dimension, unsorted, with its rates."""
    key, label = DIMENSIONS[dimension]
    sold, sold_params = _buckets(DailySales._meta.db_table, MonthlySales._meta.db_table, scope, key, label, within)
    returned, returned_params = _buckets(
        DailyReturns._meta.db_table, MonthlyReturns._meta.db_table, scope, key, label, within
    )
    sql = f"""
        WITH sold AS ({sold}), returned AS ({returned}), joined AS (
            SELECT COALESCE(sold.key, returned.key) AS key,
                   COALESCE(NULLIF(sold.label, ''), returned.label, '') AS label,
                   COALESCE(sold.currency, returned.currency) AS currency,
                   COALESCE(sold.units, 0) AS sold_units, COALESCE(sold.value, 0) AS sold_value,
                   COALESCE(returned.units, 0) AS returned_units, COALESCE(returned.value, 0) AS returned_value
            FROM sold FULL JOIN returned ON returned.key = sold.key AND returned.currency = sold.currency
        )
        SELECT key, label, currency, sold_units, sold_value, returned_units, returned_value,
               ROUND(returned_units::numeric / NULLIF(sold_units, 0), 4) AS return_rate_units,
               ROUND(returned_value / NULLIF(sold_value, 0), 4) AS return_rate_value
        FROM joined
    """
    return sql, [*sold_params, *returned_params]


def return_rate_sql(
    scope: Scope, dimension: str, sort: str = "returned_units", *, page: bool = False, within: dict[str, str] | None = None
) -> tuple[str, list]:
    """The whole table of one dimension, sorted (highest first), as SQL and its parameters.

    With `page`, each row also has the table's row count, and the SQL takes a limit and an offset.
    With `within` ({"category_id": …} or "product_type_id" / "product_id"), only those variants' rows.
    """
    rated, params = _rated_sql(scope, dimension, within)
    sql = f"""
        SELECT key, label, currency, sold_units, sold_value, returned_units, returned_value, return_rate_units,
               return_rate_value{", COUNT(*) OVER () AS total_count" if page else ""}
        FROM ({rated}) AS rated
        ORDER BY {SORTS[sort]} DESC NULLS LAST, key, currency
        {"LIMIT %s OFFSET %s" if page else ""}
    """
    return sql, params


def _row(key, label, currency, sold_units, sold_value, returned_units, returned_value) -> RateRow:
    return RateRow(
        key=key, label=label or "", currency=currency, sold_units=int(sold_units),
        sold_value=quantize(Decimal(sold_value), currency), returned_units=int(returned_units),
        returned_value=quantize(Decimal(returned_value), currency),
    )


def rate_totals(scope: Scope, within: dict[str, str] | None = None) -> list[RateRow]:
    """Sold and returned over the whole scope (or the drill-down's variants), one row per currency."""
    sql, params = return_rate_sql(scope, "channel", within=within)
    return [
        _row("", "", currency, sold_units, sold_value, returned_units, returned_value)
        for currency, sold_units, sold_value, returned_units, returned_value in fetch(
            f"""
            SELECT currency, SUM(sold_units), SUM(sold_value), SUM(returned_units), SUM(returned_value)
            FROM ({sql}) AS rows GROUP BY currency ORDER BY currency
            """,
            params,
        )
    ]


def return_rates(
    scope: Scope, dimension: str, *, sort: str = "returned_units", first: int = 20, offset: int = 0,
    within: dict[str, str] | None = None,
) -> RatePage:
    """One page (the top `first` after `offset`) of a dimension's rows, their count, and the totals per currency.

    One statement: the table is computed once, for the page and for the totals.
    """
    rated, params = _rated_sql(scope, dimension, within)
    found = fetch(
        f"""
        WITH rated AS MATERIALIZED ({rated}), page AS (
            SELECT rated.*, ROW_NUMBER() OVER (ORDER BY {SORTS[sort]} DESC NULLS LAST, key, currency) AS position
            FROM rated
            ORDER BY position
            LIMIT %s OFFSET %s
        ), totals AS (
            SELECT currency, SUM(sold_units) AS sold_units, SUM(sold_value) AS sold_value,
                   SUM(returned_units) AS returned_units, SUM(returned_value) AS returned_value
            FROM rated GROUP BY currency
        )
        SELECT 1 AS part, position, key, label, currency, sold_units, sold_value, returned_units, returned_value
        FROM page
        UNION ALL
        SELECT 2, (SELECT COUNT(*) FROM rated), '', '', currency, sold_units, sold_value, returned_units, returned_value
        FROM totals
        ORDER BY 1, 2, 5
        """,
        [*params, first, offset],
    )
    rows = [_row(*row[2:]) for row in found if row[0] == 1]
    totals = [_row(*row[2:]) for row in found if row[0] == 2]
    total = next((row[1] for row in found if row[0] == 2), 0)
    return RatePage(rows=rows, total_count=total, totals=totals)


def reasons_sql(scope: Scope, product_id: str | None = None) -> tuple[str, list]:
    """Reasons by units returned (most first), each with its share and the cumulative share (Pareto)."""
    channel, channel_params = scope.channel_sql("bucket.channel_slug")
    product, product_params = "", []
    if product_id is not None:
        product = (
            f" AND bucket.variant_id IN (SELECT variant_id FROM {SoldVariant._meta.db_table}"
            " WHERE installation_id = %s AND product_id = %s)"
        )
        product_params = [scope.installation_id, product_id]
    sql = f"""
        WITH reasons AS (
            SELECT bucket.reason_code, SUM(bucket.units) AS units
            FROM {DailyReturns._meta.db_table} AS bucket
            WHERE bucket.installation_id = %s AND bucket.day BETWEEN %s AND %s{channel}{product}
            GROUP BY 1
        )
        SELECT reason_code, units,
               ROUND(units::numeric / NULLIF(SUM(units) OVER (), 0), 4) AS share,
               ROUND(SUM(units) OVER (ORDER BY units DESC, reason_code ROWS UNBOUNDED PRECEDING)::numeric
                     / NULLIF(SUM(units) OVER (), 0), 4) AS cumulative_share
        FROM reasons
        ORDER BY units DESC, reason_code
    """
    return sql, [scope.installation_id, scope.first, scope.last, *channel_params, *product_params]


def reasons(scope: Scope, product_id: str | None = None) -> list[ReasonRow]:
    sql, params = reasons_sql(scope, product_id)
    return [
        ReasonRow(reason_code=code, units=int(units), share=share, cumulative_share=cumulative)
        for code, units, share, cumulative in fetch(sql, params)
    ]
