"""What a figure covers: the shop's days `first` to `last` (both included) and optionally one channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from saleor_returns.analytics.days import day_bounds, next_month, shop_time_zone
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.models import Installation

# The longest period a figure covers, in days (three years).
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class Scope:
    installation_id: int
    first: date
    last: date
    channel_slug: str
    time_zone: ZoneInfo
    start: datetime
    end: datetime
    # The rollups already brought up to date for this scope ("returns", "refunds"): once per request's scope.
    refreshed: set[str] = field(default_factory=set, compare=False, repr=False)

    def channel_sql(self, column: str) -> tuple[str, list]:
        """A condition on `column` keeping the scope's channel (none without one), and its parameters."""
        return (f" AND {column} = %s", [self.channel_slug]) if self.channel_slug else ("", [])

    def whole_months(self) -> tuple[date, date] | None:
        """The first days of the first and the last calendar month wholly inside the scope, if any."""
        first = self.first if self.first.day == 1 else next_month(self.first)
        after = next_month(self.last)
        if self.last + timedelta(days=1) != after:
            after = self.last.replace(day=1)
        if first >= after:
            return None
        return first, (after - timedelta(days=1)).replace(day=1)

    def rollup_sql(self, daily: str, monthly: str, columns: str) -> tuple[str, list]:
        """The scope's rows of a rollup kept by day (`daily`, with a `day` column) and by month (`monthly`, with
        `month`), as a parenthesized subquery of `columns`: whole months from the monthly one, the days
        at either end from the daily one, so a long period reads few rows."""
        months = self.whole_months()
        if months is None:
            days = [(self.first, self.last)]
        else:
            days = [(start, end) for start, end in (
                (self.first, months[0] - timedelta(days=1)), (next_month(months[1]), self.last),
            ) if start <= end]
        parts, params = [], []
        if months is not None:
            parts.append(f"SELECT {columns} FROM {monthly} AS rows WHERE rows.installation_id = %s"
                         " AND rows.month BETWEEN %s AND %s")
            params += [self.installation_id, *months]
        for start, end in days:
            parts.append(f"SELECT {columns} FROM {daily} AS rows WHERE rows.installation_id = %s"
                         " AND rows.day BETWEEN %s AND %s")
            params += [self.installation_id, start, end]
        return "(" + " UNION ALL ".join(parts) + ")", params


def scope_for(installation: Installation, first: date, last: date, channel_slug: str | None = None) -> Scope:
    """The scope of a figure; raises a field error when the period ends before it starts or is too long."""
    if last < first:
        raise invalid("to", "The period ends before it starts.", ReturnErrorCode.INVALID)
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise invalid("to", "A period covers at most three years.", ReturnErrorCode.INVALID)
    zone = shop_time_zone(installation)
    start, end = day_bounds(first, last, zone)
    return Scope(
        installation_id=installation.pk, first=first, last=last, channel_slug=(channel_slug or "").strip(),
        time_zone=zone, start=start, end=end,
    )


def fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def ratio(part, whole) -> Decimal | None:
    """part / whole to four places (a share), or None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))
