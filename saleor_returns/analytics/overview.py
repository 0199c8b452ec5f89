"""Figures for the returns desk's overview: counts, queue age, time to refund, money refunded.

Everything is computed in PostgreSQL over one shop's rows; months and days follow
the shop's time zone (the default policy's ``time_zone``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from saleor_returns.analytics.days import shop_time_zone
from saleor_returns.models import Installation, Refund, ReturnLine, ReturnRequest
from saleor_returns.money import quantize
from saleor_returns.states import ReturnStatus

# Statuses waiting for a person: the desk's "needs review" queue.
NEEDS_REVIEW = (ReturnStatus.REQUESTED, ReturnStatus.PENDING_REVIEW)
# Statuses still moving; the rest are final.
OPEN_STATUSES = (
    ReturnStatus.REQUESTED,
    ReturnStatus.PENDING_REVIEW,
    ReturnStatus.APPROVED,
    ReturnStatus.AWAITING_SHIPMENT,
    ReturnStatus.IN_TRANSIT,
    ReturnStatus.RECEIVED,
    ReturnStatus.INSPECTED,
)
# Queue-age buckets, in hours: (label, lower bound inclusive, upper bound exclusive).
AGE_BUCKETS = (("<1d", 0, 24), ("1-3d", 24, 72), ("3-7d", 72, 168), (">7d", 168, None))
# Window over which the median time to refund is taken.
REFUND_TIME_WINDOW_DAYS = 90


@dataclass(frozen=True)
class QueueAge:
    count: int
    oldest_created_at: datetime | None
    median_age_hours: float | None
    buckets: list[tuple[str, int]]


@dataclass(frozen=True)
class MoneyTotal:
    currency: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class Overview:
    time_zone: str
    status_counts: list[tuple[str, int]]
    open_count: int
    review_queue: QueueAge
    median_hours_to_refund: float | None
    refunds_this_month: list[MoneyTotal]
    requests_by_day: list[tuple[date, int]]
    top_reasons: list[tuple[str, int]] = field(default_factory=list)


def status_counts(queryset) -> list[tuple[str, int]]:
    """Every status with its count (zero included), in lifecycle order.

    Distinct ids: a filter on lines (reason) joins each request once per matching line.
    """
    found = dict(queryset.order_by().values_list("status").annotate(n=Count("id", distinct=True)))
    return [(status.value, found.get(status.value, 0)) for status in ReturnStatus]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def review_queue(installation: Installation, *, now: datetime, channel_slug: str | None = None) -> QueueAge:
    queryset = ReturnRequest.objects.filter(installation=installation, status__in=NEEDS_REVIEW)
    if channel_slug:
        queryset = queryset.filter(channel_slug=channel_slug)
    created = sorted(queryset.values_list("created_at", flat=True))
    ages = [(now - moment).total_seconds() / 3600 for moment in created]
    buckets = []
    for label, low, high in AGE_BUCKETS:
        buckets.append((label, sum(1 for age in ages if age >= low and (high is None or age < high))))
    return QueueAge(
        count=len(created),
        oldest_created_at=created[0] if created else None,
        median_age_hours=_median(ages),
        buckets=buckets,
    )


def overview(installation: Installation, *, channel_slug: str | None = None, days: int = 30, now=None) -> Overview:
    now = now or timezone.now()
    zone = shop_time_zone(installation)
    requests = ReturnRequest.objects.filter(installation=installation)
    refunds = Refund.objects.filter(return_request__installation=installation)
    if channel_slug:
        requests = requests.filter(channel_slug=channel_slug)
        refunds = refunds.filter(return_request__channel_slug=channel_slug)

    counts = status_counts(requests)
    open_count = sum(count for status, count in counts if status in OPEN_STATUSES)

    since = now - timedelta(days=REFUND_TIME_WINDOW_DAYS)
    durations = [
        (succeeded - created).total_seconds() / 3600
        for created, succeeded in refunds.filter(status=Refund.Status.SUCCEEDED, succeeded_at__gte=since).values_list(
            "return_request__created_at", "succeeded_at"
        )
    ]

    local_now = now.astimezone(zone)
    month_start = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month_rows = (
        refunds.filter(status=Refund.Status.SUCCEEDED, succeeded_at__gte=month_start)
        .order_by()
        .values("currency")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by("currency")
    )
    this_month = [
        MoneyTotal(currency=row["currency"], count=row["n"], amount=quantize(row["total"] or Decimal(0), row["currency"]))
        for row in month_rows
    ]

    first_day = local_now.date() - timedelta(days=days - 1)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    per_day = dict(
        requests.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
    )
    by_day = [(first_day + timedelta(days=offset), per_day.get(first_day + timedelta(days=offset), 0)) for offset in range(days)]

    reasons = (
        ReturnLine.objects.filter(return_request__in=requests.filter(created_at__gte=start))
        .order_by()
        .values_list("reason_code")
        .annotate(n=Count("id"))
        .order_by("-n", "reason_code")[:5]
    )

    return Overview(
        time_zone=str(zone.key),
        status_counts=counts,
        open_count=open_count,
        review_queue=review_queue(installation, now=now, channel_slug=channel_slug),
        median_hours_to_refund=_median(durations),
        refunds_this_month=this_month,
        requests_by_day=by_day,
        top_reasons=list(reasons),
    )
