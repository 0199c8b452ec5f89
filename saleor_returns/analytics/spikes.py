"""Spike alerts: variants whose return rate in a week stands significantly above their own baseline.

The week is an ISO week (Monday to Sunday) of the shop's days; the baseline is the BASELINE_WEEKS
weeks before it. Units sold and returned are summed in PostgreSQL over the daily rollups (every
channel and currency together: units do not mix money). The test is a comparison of Wilson score
intervals at 95 %: the week is a spike when the lower bound of its rate is above the upper bound
of the baseline's. A baseline with no return at all still has an upper bound above zero, so a
single return never flags a variant; minimum volumes keep small counts out whatever the bounds.
Units returned beyond those sold in the same span (returns of earlier sales) count as the units
sold, so a rate never exceeds 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote, urlsplit

from django.db import connection, transaction
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_returns.analytics.days import shop_time_zone
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.models import DailyReturns, DailySales, Installation, ReturnReason, SoldVariant, SpikeAlert
from saleor_returns.notifications.shop_messages import record_spike_alert_messages
from saleor_returns.requestors import Actor

BASELINE_WEEKS = 8
Z_95 = 1.959964
MIN_WEEK_SOLD = 20
MIN_WEEK_RETURNED = 3
MIN_BASELINE_SOLD = 50
BOUND = Decimal("0.000001")
RATE = Decimal("0.0001")
MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class Spike:
    variant_id: str
    week_start: date
    sold_units: int
    returned_units: int
    baseline_sold_units: int
    baseline_returned_units: int
    rate_lower_bound: Decimal
    baseline_upper_bound: Decimal
    dominant_reason_code: str


def wilson_bounds(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (0, 1) when there were no trials."""
    if trials <= 0:
        return 0.0, 1.0
    successes = min(max(successes, 0), trials)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def is_spike(*, sold: int, returned: int, baseline_sold: int, baseline_returned: int) -> bool:
    """The week's rate is significantly above the baseline's, with enough units on both sides."""
    if sold < MIN_WEEK_SOLD or returned < MIN_WEEK_RETURNED or baseline_sold < MIN_BASELINE_SOLD:
        return False
    low, _ = wilson_bounds(returned, sold)
    _, high = wilson_bounds(baseline_returned, baseline_sold)
    return low > high


def week_start_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def last_full_week(installation: Installation, now=None) -> date:
    """The Monday of the shop's last complete week."""
    today = (now or timezone.now()).astimezone(shop_time_zone(installation)).date()
    return week_start_of(today) - timedelta(days=7)


def _weekly_counts(installation: Installation, week_start: date) -> list[dict]:
    sales = DailySales._meta.db_table
    returns = DailyReturns._meta.db_table
    baseline_start = week_start - timedelta(weeks=BASELINE_WEEKS)
    week_end = week_start + timedelta(days=6)
    params = {"shop": installation.pk, "start": baseline_start, "week": week_start, "end": week_end}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH sold AS (
                SELECT variant_id,
                       COALESCE(SUM(units) FILTER (WHERE day >= %(week)s), 0) AS week,
                       COALESCE(SUM(units) FILTER (WHERE day < %(week)s), 0) AS baseline
                FROM {sales}
                WHERE installation_id = %(shop)s AND day BETWEEN %(start)s AND %(end)s AND variant_id <> ''
                GROUP BY variant_id
            ),
            returned AS (
                SELECT variant_id,
                       COALESCE(SUM(units) FILTER (WHERE day >= %(week)s), 0) AS week,
                       COALESCE(SUM(units) FILTER (WHERE day < %(week)s), 0) AS baseline
                FROM {returns}
                WHERE installation_id = %(shop)s AND day BETWEEN %(start)s AND %(end)s AND variant_id <> ''
                GROUP BY variant_id
            ),
            reasons AS (
                SELECT DISTINCT ON (variant_id) variant_id, reason_code
                FROM {returns}
                WHERE installation_id = %(shop)s AND day BETWEEN %(week)s AND %(end)s
                GROUP BY variant_id, reason_code
                ORDER BY variant_id, SUM(units) DESC, reason_code
            )
            SELECT sold.variant_id, sold.week AS sold, returned.week AS returned,
                   sold.baseline AS baseline_sold, returned.baseline AS baseline_returned,
                   COALESCE(reasons.reason_code, '') AS reason_code
            FROM sold
            JOIN returned ON returned.variant_id = sold.variant_id
            LEFT JOIN reasons ON reasons.variant_id = sold.variant_id
            WHERE sold.week >= %(min_sold)s AND returned.week >= %(min_returned)s
              AND sold.baseline >= %(min_baseline)s
            ORDER BY sold.variant_id
            """,
            {**params, "min_sold": MIN_WEEK_SOLD, "min_returned": MIN_WEEK_RETURNED,
             "min_baseline": MIN_BASELINE_SOLD},
        )
        names = [column.name for column in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]


def find_spikes(installation: Installation, *, week_start: date) -> list[Spike]:
    """The variants whose return rate in the week from `week_start` (a Monday) is a spike; highest first."""
    spikes = []
    for row in _weekly_counts(installation, week_start):
        sold, returned = int(row["sold"]), int(row["returned"])
        baseline_sold, baseline_returned = int(row["baseline_sold"]), int(row["baseline_returned"])
        if not is_spike(sold=sold, returned=returned, baseline_sold=baseline_sold, baseline_returned=baseline_returned):
            continue
        spikes.append(Spike(
            variant_id=row["variant_id"], week_start=week_start, sold_units=sold, returned_units=returned,
            baseline_sold_units=baseline_sold, baseline_returned_units=baseline_returned,
            rate_lower_bound=Decimal(wilson_bounds(returned, sold)[0]).quantize(BOUND),
            baseline_upper_bound=Decimal(wilson_bounds(baseline_returned, baseline_sold)[1]).quantize(BOUND),
            dominant_reason_code=row["reason_code"],
        ))
    return sorted(spikes, key=lambda spike: (-spike.rate_lower_bound, spike.variant_id))


def record_spike_alerts(installation: Installation, *, week_start: date) -> list[SpikeAlert]:
    """Store the week's spikes and return those not reported before, now marked reported.

    Reporting an alert writes its messages to the shop (an e-mail to its staff, its webhooks) in
    the same transaction. Idempotent per variant and week: a second run, or one running at the
    same time, finds every alert of the week already stored and reported, and returns nothing,
    so the shop hears of a variant at most once a week.
    """
    spikes = find_spikes(installation, week_start=week_start)
    with transaction.atomic():
        SpikeAlert.objects.bulk_create(
            [SpikeAlert(installation=installation, **spike.__dict__) for spike in spikes], ignore_conflicts=True
        )
        fresh = list(
            SpikeAlert.objects.select_for_update()
            .filter(installation=installation, week_start=week_start, reported_at__isnull=True)
            .order_by("pk")
        )
        now = timezone.now()
        SpikeAlert.objects.filter(pk__in=[alert.pk for alert in fresh]).update(reported_at=now)
        for alert in fresh:
            record_spike_alert_messages(alert, data=spike_alert_data(installation, alert))
    for alert in fresh:
        alert.reported_at = now
    return fresh


def _rate(returned: int, sold: int) -> str:
    return str((Decimal(min(returned, sold)) / Decimal(sold)).quantize(RATE)) if sold > 0 else "0"


def _interval(returned: int, sold: int) -> dict:
    low, high = wilson_bounds(returned, sold)
    return {"lower": str(Decimal(low).quantize(RATE)), "upper": str(Decimal(high).quantize(RATE))}


def desk_url(installation: Installation, path: str) -> str:
    """A desk page inside the shop's Saleor Dashboard (served at /dashboard/ of the shop's domain)."""
    domain = installation.saleor_domain or urlsplit(installation.saleor_api_url).netloc
    return f"https://{domain}/dashboard/extensions/app/{quote(installation.app_id, safe='')}/{path}"


def spike_alert_data(installation: Installation, alert: SpikeAlert) -> dict:
    """What the shop is told of an alert (e-mail placeholders and the webhook's data): the variant by
    name and SKU, the week's and the baseline's rates with their 95 % intervals, units, main reason."""
    variant = SoldVariant.objects.filter(installation=installation, variant_id=alert.variant_id).first()
    reason = (
        ReturnReason.objects.filter(installation=installation, code=alert.dominant_reason_code).first()
        if alert.dominant_reason_code else None
    )
    return {
        "spike_alert_id": to_global_id("ReturnSpikeAlert", str(alert.pk)),
        "variant_id": alert.variant_id,
        "sku": variant.sku if variant else "",
        "product_name": variant.product_name if variant else "",
        "week_start": alert.week_start,
        "week_end": alert.week_start + timedelta(days=6),
        "sold_units": alert.sold_units,
        "returned_units": alert.returned_units,
        "return_rate": _rate(alert.returned_units, alert.sold_units),
        "rate_interval": _interval(alert.returned_units, alert.sold_units),
        "baseline_weeks": BASELINE_WEEKS,
        "baseline_sold_units": alert.baseline_sold_units,
        "baseline_returned_units": alert.baseline_returned_units,
        "baseline_rate": _rate(alert.baseline_returned_units, alert.baseline_sold_units),
        "baseline_interval": _interval(alert.baseline_returned_units, alert.baseline_sold_units),
        "dominant_reason_code": alert.dominant_reason_code,
        "dominant_reason_labels": (
            {"en": reason.label_en, "zh-hans": reason.label_zh_hans or reason.label_en} if reason else {}
        ),
        "desk_url": desk_url(installation, "returners"),
    }


def note_spike_alert(*, installation: Installation, alert_id, note: str, actor: Actor) -> SpikeAlert:
    """Record what staff did about an alert; the latest note replaces the one before."""
    if len(note) > MAX_NOTE_LENGTH:
        raise invalid("note", f"At most {MAX_NOTE_LENGTH} characters.", ReturnErrorCode.INVALID)
    with transaction.atomic():
        alert = SpikeAlert.objects.select_for_update().filter(installation=installation, pk=alert_id).first()
        if alert is None:
            raise invalid("id", "No spike alert has this id.", ReturnErrorCode.NOT_FOUND)
        alert.note, alert.noted_by, alert.noted_at = note.strip(), actor.email or actor.id or actor.kind, timezone.now()
        alert.save(update_fields=["note", "noted_by", "noted_at"])
    return alert
