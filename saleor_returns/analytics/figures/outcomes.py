"""What returns cost and what came of them: refunds against sales, the resolution mix, dispositions and carrier claims.

Money is per currency, never added across currencies. Returns are those requested in the scope's
days (the shop's time zone); refunds count on the day their money was confirmed; claims on the day
they were filed. Sales, refunds, the resolution mix and dispositions are read from their rollups.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from saleor_returns.analytics.figures.scope import Scope, fetch, ratio
from saleor_returns.analytics.rollups import refresh_recent_refunds, refresh_stale_days
from saleor_returns.models import (
    CarrierClaim,
    DailyDispositions,
    DailyRefunds,
    DailyResolutions,
    DailySales,
    Disposition,
    MonthlySales,
    Resolution,
    ReturnLine,
    ReturnRequest,
)
from saleor_returns.money import quantize

REQUESTS = ReturnRequest._meta.db_table
LINES = ReturnLine._meta.db_table
# Resolutions that keep the sale's revenue in the shop.
REVENUE_KEPT = (Resolution.STORE_CREDIT.value, Resolution.EXCHANGE.value)
# Dispositions whose units are not recovered.
NOT_RECOVERED = (Disposition.SCRAP.value,)


@dataclass(frozen=True)
class RefundsAgainstSales:
    currency: str
    sold_value: Decimal
    refunded_value: Decimal
    store_credit_value: Decimal

    @property
    def refund_rate(self) -> Decimal | None:
        return ratio(self.refunded_value, self.sold_value)


@dataclass(frozen=True)
class ResolutionRow:
    resolution: str
    currency: str
    requests: int
    units: int
    value: Decimal


@dataclass(frozen=True)
class DispositionRow:
    disposition: str
    currency: str
    units: int
    value: Decimal


@dataclass(frozen=True)
class ClaimsRow:
    currency: str
    filed: int
    filed_value: Decimal
    recovered: int
    recovered_value: Decimal
    rejected: int


def up_to_date(scope: Scope) -> None:
    """Roll up the scope's days the returns sweep has not seen as they are (requests made or removed since);
    once per scope, however many of its figures ask."""
    if "returns" not in scope.refreshed:
        refresh_stale_days(scope.installation_id, scope.time_zone, scope.first, scope.last)
        scope.refreshed.add("returns")


def refunds_up_to_date(scope: Scope) -> None:
    """Roll up the days of the refunds confirmed or changed since the returns sweep last ran; once per scope."""
    if "refunds" not in scope.refreshed:
        refresh_recent_refunds(scope.installation_id, scope.time_zone)
        scope.refreshed.add("refunds")


def requests_sql(scope: Scope) -> tuple[str, list]:
    """The scope's return requests (requested on its days, in its channel), as a WHERE on `request`."""
    channel, channel_params = scope.channel_sql("request.channel_slug")
    return (
        f"request.installation_id = %s AND request.created_at BETWEEN %s AND %s{channel}",
        [scope.installation_id, scope.start, scope.end, *channel_params],
    )


def refunds_against_sales_sql(scope: Scope) -> tuple[str, list]:
    channel, channel_params = scope.channel_sql("bucket.channel_slug")
    sold, sold_params = scope.rollup_sql(
        DailySales._meta.db_table, MonthlySales._meta.db_table, "rows.channel_slug, rows.currency, rows.net_amount"
    )
    sql = f"""
        WITH sold AS (
            SELECT bucket.currency, SUM(bucket.net_amount) AS value FROM {sold} AS bucket
            WHERE true{channel}
            GROUP BY 1
        ), refunded AS (
            SELECT bucket.currency, SUM(bucket.refunded_amount) AS refunded, SUM(bucket.store_credit_amount) AS credited
            FROM {DailyRefunds._meta.db_table} AS bucket
            WHERE bucket.installation_id = %s AND bucket.day BETWEEN %s AND %s{channel}
            GROUP BY 1
        )
        SELECT COALESCE(sold.currency, refunded.currency) AS currency, COALESCE(sold.value, 0) AS sold_value,
               COALESCE(refunded.refunded, 0) AS refunded_value, COALESCE(refunded.credited, 0) AS store_credit_value,
               ROUND(COALESCE(refunded.refunded, 0) / NULLIF(sold.value, 0), 4) AS refund_rate
        FROM sold FULL JOIN refunded ON refunded.currency = sold.currency
        ORDER BY 1
    """
    return sql, [
        *sold_params, *channel_params, scope.installation_id, scope.first, scope.last, *channel_params,
    ]


def refunds_against_sales(scope: Scope) -> list[RefundsAgainstSales]:
    refunds_up_to_date(scope)
    sql, params = refunds_against_sales_sql(scope)
    return [
        RefundsAgainstSales(
            currency=currency, sold_value=quantize(sold, currency), refunded_value=quantize(refunded, currency),
            store_credit_value=quantize(credited, currency),
        )
        for currency, sold, refunded, credited, _rate in fetch(sql, params)
    ]


def resolution_mix_sql(scope: Scope) -> tuple[str, list]:
    channel, channel_params = scope.channel_sql("bucket.channel_slug")
    sql = f"""
        SELECT bucket.resolution, bucket.currency, SUM(bucket.requests)::bigint AS requests,
               SUM(bucket.units)::bigint AS units, SUM(bucket.net_amount) AS value
        FROM {DailyResolutions._meta.db_table} AS bucket
        WHERE bucket.installation_id = %s AND bucket.day BETWEEN %s AND %s{channel}
        GROUP BY 1, 2
        HAVING SUM(bucket.units) > 0
        ORDER BY 2, 5 DESC, 1
    """
    return sql, [scope.installation_id, scope.first, scope.last, *channel_params]


def resolution_mix(scope: Scope) -> list[ResolutionRow]:
    up_to_date(scope)
    sql, params = resolution_mix_sql(scope)
    return [
        ResolutionRow(resolution=resolution, currency=currency, requests=requests, units=int(units),
                      value=quantize(value, currency))
        for resolution, currency, requests, units, value in fetch(sql, params)
    ]


def revenue_kept(rows: list[ResolutionRow]) -> dict[str, Decimal]:
    """Store credit and exchanges' value, per currency (every currency of the mix, zero included)."""
    kept: dict[str, Decimal] = {}
    for row in rows:
        kept[row.currency] = kept.get(row.currency, Decimal(0)) + (row.value if row.resolution in REVENUE_KEPT else 0)
    return {currency: quantize(value, currency) for currency, value in sorted(kept.items())}


def dispositions_sql(scope: Scope) -> tuple[str, list]:
    channel, channel_params = scope.channel_sql("bucket.channel_slug")
    sql = f"""
        SELECT bucket.disposition, bucket.currency, SUM(bucket.units)::bigint AS units, SUM(bucket.net_amount) AS value
        FROM {DailyDispositions._meta.db_table} AS bucket
        WHERE bucket.installation_id = %s AND bucket.day BETWEEN %s AND %s{channel}
        GROUP BY 1, 2
        ORDER BY 2, 1
    """
    return sql, [scope.installation_id, scope.first, scope.last, *channel_params]


def dispositions(scope: Scope) -> list[DispositionRow]:
    up_to_date(scope)
    sql, params = dispositions_sql(scope)
    return [
        DispositionRow(disposition=disposition, currency=currency, units=int(units), value=quantize(value, currency))
        for disposition, currency, units, value in fetch(sql, params)
    ]


def value_recovered(rows: list[DispositionRow]) -> dict[str, Decimal]:
    """The value of the units not scrapped (restocked, resold, refurbished, back to the vendor), per currency."""
    recovered: dict[str, Decimal] = {}
    for row in rows:
        add = row.value if row.disposition not in NOT_RECOVERED else Decimal(0)
        recovered[row.currency] = recovered.get(row.currency, Decimal(0)) + add
    return {currency: quantize(value, currency) for currency, value in sorted(recovered.items())}


def carrier_claims_sql(scope: Scope) -> tuple[str, list]:
    channel, channel_params = scope.channel_sql("request.channel_slug")
    paid = CarrierClaim.Status.PAID.value
    sql = f"""
        SELECT claim.currency, COUNT(*) AS filed, SUM(claim.amount) AS filed_value,
               COUNT(*) FILTER (WHERE claim.status = %s) AS recovered,
               COALESCE(SUM(claim.amount) FILTER (WHERE claim.status = %s), 0) AS recovered_value,
               COUNT(*) FILTER (WHERE claim.status = %s) AS rejected
        FROM {CarrierClaim._meta.db_table} AS claim JOIN {REQUESTS} AS request ON request.id = claim.return_request_id
        WHERE request.installation_id = %s AND claim.created_at BETWEEN %s AND %s{channel}
        GROUP BY 1
        ORDER BY 1
    """
    return sql, [paid, paid, CarrierClaim.Status.REJECTED.value, scope.installation_id, scope.start, scope.end,
                 *channel_params]


def carrier_claims(scope: Scope) -> list[ClaimsRow]:
    sql, params = carrier_claims_sql(scope)
    return [
        ClaimsRow(currency=currency, filed=filed, filed_value=quantize(filed_value, currency), recovered=recovered,
                  recovered_value=quantize(recovered_value, currency), rejected=rejected)
        for currency, filed, filed_value, recovered, recovered_value, rejected in fetch(sql, params)
    ]
