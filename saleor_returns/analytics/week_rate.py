"""This week's return rate: units returned against units sold in the shop's ISO week, beside last week's.

Two aggregates over the ledger's daily rollups (DailySales, DailyReturns), per channel; a
return counts on the day it was requested, a sale on the day the order was placed, both in the
shop's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from saleor_returns.analytics.days import shop_time_zone
from saleor_returns.models import DailyReturns, DailySales, Installation

RATE_DIGITS = 4


def rate(returned: int, sold: int) -> float | None:
    """Returned units per sold unit, or None when nothing was sold."""
    return round(returned / sold, RATE_DIGITS) if sold else None


@dataclass(frozen=True)
class UnitsRate:
    channel_slug: str
    returned_units: int
    sold_units: int
    previous_returned_units: int
    previous_sold_units: int

    @property
    def rate(self) -> float | None:
        return rate(self.returned_units, self.sold_units)

    @property
    def previous_rate(self) -> float | None:
        return rate(self.previous_returned_units, self.previous_sold_units)


@dataclass(frozen=True)
class WeekRate:
    time_zone: str
    week_start: date
    previous_week_start: date
    has_sales: bool
    total: UnitsRate
    channels: list[UnitsRate]


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def _units_by_channel(model, installation: Installation, *, previous: date, start: date, end: date, channel_slug):
    rows = model.objects.filter(installation=installation, day__gte=previous, day__lt=end)
    if channel_slug:
        rows = rows.filter(channel_slug=channel_slug)
    return {
        row["channel_slug"]: (row["this_week"] or 0, row["last_week"] or 0)
        for row in rows.order_by()
        .values("channel_slug")
        .annotate(this_week=Sum("units", filter=Q(day__gte=start)), last_week=Sum("units", filter=Q(day__lt=start)))
    }


def week_return_rate(installation: Installation, *, channel_slug: str | None = None, now: datetime | None = None) -> WeekRate:
    zone = shop_time_zone(installation)
    start = week_start((now or timezone.now()).astimezone(zone).date())
    previous, end = start - timedelta(days=7), start + timedelta(days=7)
    window = {"previous": previous, "start": start, "end": end, "channel_slug": channel_slug}
    sold = _units_by_channel(DailySales, installation, **window)
    returned = _units_by_channel(DailyReturns, installation, **window)
    channels = [
        UnitsRate(
            channel_slug=slug,
            returned_units=returned.get(slug, (0, 0))[0],
            sold_units=sold.get(slug, (0, 0))[0],
            previous_returned_units=returned.get(slug, (0, 0))[1],
            previous_sold_units=sold.get(slug, (0, 0))[1],
        )
        for slug in sorted(set(sold) | set(returned))
    ]
    total = UnitsRate(
        channel_slug=channel_slug or "",
        returned_units=sum(item.returned_units for item in channels),
        sold_units=sum(item.sold_units for item in channels),
        previous_returned_units=sum(item.previous_returned_units for item in channels),
        previous_sold_units=sum(item.previous_sold_units for item in channels),
    )
    ledger = DailySales.objects.filter(installation=installation)
    return WeekRate(
        time_zone=str(zone.key),
        week_start=start,
        previous_week_start=previous,
        has_sales=(ledger.filter(channel_slug=channel_slug) if channel_slug else ledger).exists(),
        total=total,
        channels=channels,
    )
