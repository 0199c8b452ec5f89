"""The shop's days: figures are counted by the calendar day of the shop's time zone (the default policy's)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from saleor_returns.models import Installation, ReturnPolicy
from saleor_returns.policy_rules import PolicyRules


def shop_time_zone(installation: Installation) -> ZoneInfo:
    policy = (
        ReturnPolicy.objects.filter(installation=installation, is_current=True, channel_slug="")
        .only("rules")
        .first()
    )
    name = (policy.rules or {}).get("time_zone") if policy else None
    try:
        return ZoneInfo(name or PolicyRules().time_zone)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def day_of(moment: datetime, zone: ZoneInfo) -> date:
    """The shop's calendar day of an instant."""
    return moment.astimezone(zone).date()


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The first and the last instant of the shop's days `first` to `last`, both included."""
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone) - timedelta(microseconds=1)
    return start, end


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def delete_periods(cursor, table: str, installation_id, column: str, periods: set[date] | None) -> None:
    """Delete a rollup's rows of the shop whose `column` (its day or month) is one of `periods`, or all when None."""
    if periods is None:
        cursor.execute(f"DELETE FROM {table} WHERE installation_id = %s", [installation_id])
    else:
        cursor.execute(f"DELETE FROM {table} WHERE installation_id = %s AND {column} = ANY(%s)",
                       [installation_id, sorted(periods)])
