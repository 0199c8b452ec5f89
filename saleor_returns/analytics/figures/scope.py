"""What a figure covers: the shop's days `first` to `last` (both included) and optionally one channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from saleor_returns.analytics.days import day_bounds, shop_time_zone
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

    def channel_sql(self, column: str) -> tuple[str, list]:
        """A condition on `column` keeping the scope's channel (none without one), and its parameters."""
        return (f" AND {column} = %s", [self.channel_slug]) if self.channel_slug else ("", [])


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
