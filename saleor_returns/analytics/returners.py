"""Customers who return often, ranked by an explainable score computed in PostgreSQL.

A customer is their Saleor user id when the order or request has one, else their e-mail
lower-cased (a guest): `CustomerStatus.key_for()` names them "user:<id>" or "email:<address>". A
customer buying in two currencies is ranked once per currency, so money is never mixed.

The score (0 to 100) is the sum of its components, each a share between 0 and 1 times its
weight: the return rate in units (returned / bought, from the sales ledger), the same in value,
the share of returned units whose reason is not the shop's fault, claims (damaged, missing,
wrong item, lost parcel: 3 or more count fully) and refused requests (3 or more count fully).
A customer with fewer than MIN_REQUESTS requests in the period is not ranked, and the rates
need MIN_BOUGHT_UNITS units bought: one return is never "frequent".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from saleor_returns.analytics.days import day_bounds, shop_time_zone
from saleor_returns.analytics.rollups import CLAIMS, NOT_RETURNED_STATUSES
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.models import (
    CustomerStatus,
    Installation,
    ReturnKind,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    SoldLine,
    SoldOrder,
)
from saleor_returns.money import quantize
from saleor_returns.requestors import Actor
from saleor_returns.states import ReturnStatus

MAX_NOTE_LENGTH = 2000
MAX_PERIOD_DAYS = 366 * 2
MIN_REQUESTS = 2
MIN_BOUGHT_UNITS = 3
# Claims or refusals from this many on count in full.
FULL_COUNT = 3
WEIGHTS = {
    "return_rate": Decimal(40),
    "value_rate": Decimal(20),
    "not_shop_fault": Decimal(15),
    "claims": Decimal(15),
    "rejected": Decimal(10),
}

CUSTOMER_KEY_SQL = (
    "CASE WHEN {t}.customer_user_id <> '' THEN 'user:' || {t}.customer_user_id "
    "ELSE 'email:' || lower({t}.customer_email) END"
)


@dataclass(frozen=True)
class Component:
    name: str
    weight: Decimal
    points: Decimal
    reason: str


@dataclass(frozen=True)
class Returner:
    customer_key: str
    customer_user_id: str
    customer_email: str
    currency: str
    requests: int
    bought_units: int
    returned_units: int
    bought_value: Decimal
    returned_value: Decimal
    not_shop_fault_units: int
    claims: int
    lost_parcel_claims: int
    rejected: int
    score: Decimal
    components: tuple[Component, ...]
    status: CustomerStatus | None


def _share(part, whole) -> str:
    return f"LEAST(COALESCE({part}::numeric / NULLIF({whole}, 0), 0), 1)"


def _ranking_sql() -> str:
    requests = ReturnRequest._meta.db_table
    lines = ReturnLine._meta.db_table
    reasons = ReturnReason._meta.db_table
    sold_lines = SoldLine._meta.db_table
    sold_orders = SoldOrder._meta.db_table
    units = "COALESCE(line.approved_quantity, line.requested_quantity)"
    returned = "request.status <> ALL(%(not_returned)s) AND request.kind <> ALL(%(claims)s)"
    rated = f"bought.units >= {MIN_BOUGHT_UNITS}"
    w = {name: str(weight) for name, weight in WEIGHTS.items()}
    return f"""
    WITH asked AS (
        SELECT {CUSTOMER_KEY_SQL.format(t="request")} AS customer_key, request.currency,
               MAX(request.customer_user_id) AS customer_user_id, MAX(lower(request.customer_email)) AS customer_email,
               COUNT(*) AS requests,
               COUNT(*) FILTER (WHERE request.kind = ANY(%(claims)s)) AS claims,
               COUNT(*) FILTER (WHERE request.kind = %(lost)s) AS lost_parcel_claims,
               COUNT(*) FILTER (WHERE request.status = %(rejected)s) AS rejected
        FROM {requests} AS request
        WHERE request.installation_id = %(shop)s AND request.created_at BETWEEN %(start)s AND %(end)s
        GROUP BY 1, 2
        HAVING COUNT(*) >= {MIN_REQUESTS}
    ),
    returned AS (
        SELECT {CUSTOMER_KEY_SQL.format(t="request")} AS customer_key, request.currency,
               SUM({units}) AS units, SUM({units} * line.unit_price_net_amount) AS value,
               COALESCE(SUM({units}) FILTER (WHERE NOT COALESCE(reason.is_merchant_fault, FALSE)), 0) AS not_shop_fault
        FROM {lines} AS line
        JOIN {requests} AS request ON request.id = line.return_request_id
        LEFT JOIN {reasons} AS reason ON reason.id = line.reason_id
        WHERE request.installation_id = %(shop)s AND request.created_at BETWEEN %(start)s AND %(end)s AND {returned}
        GROUP BY 1, 2
    ),
    bought AS (
        SELECT {CUSTOMER_KEY_SQL.format(t="sold")} AS customer_key, sold.currency,
               SUM(line.quantity) AS units, SUM(line.net_amount) AS value
        FROM {sold_orders} AS sold
        JOIN {sold_lines} AS line ON line.installation_id = sold.installation_id AND line.order_id = sold.order_id
        WHERE sold.installation_id = %(shop)s AND sold.is_counted AND sold.day BETWEEN %(first)s AND %(last)s
          AND (sold.customer_user_id <> '' OR sold.customer_email <> '')
          AND {CUSTOMER_KEY_SQL.format(t="sold")} IN (SELECT customer_key FROM asked)
        GROUP BY 1, 2
    ),
    scored AS (
        SELECT asked.*, COALESCE(bought.units, 0) AS bought_units, COALESCE(bought.value, 0) AS bought_value,
               COALESCE(returned.units, 0) AS returned_units, COALESCE(returned.value, 0) AS returned_value,
               COALESCE(returned.not_shop_fault, 0) AS not_shop_fault_units,
               CASE WHEN {rated} THEN {w["return_rate"]} * {_share("returned.units", "bought.units")} ELSE 0 END
                   AS return_rate_points,
               CASE WHEN {rated} THEN {w["value_rate"]} * {_share("returned.value", "bought.value")} ELSE 0 END
                   AS value_rate_points,
               {w["not_shop_fault"]} * {_share("returned.not_shop_fault", "returned.units")} AS not_shop_fault_points,
               {w["claims"]} * LEAST(asked.claims::numeric / {FULL_COUNT}, 1) AS claims_points,
               {w["rejected"]} * LEAST(asked.rejected::numeric / {FULL_COUNT}, 1) AS rejected_points
        FROM asked
        LEFT JOIN returned ON returned.customer_key = asked.customer_key AND returned.currency = asked.currency
        LEFT JOIN bought ON bought.customer_key = asked.customer_key AND bought.currency = asked.currency
    )
    SELECT *, ROUND(return_rate_points + value_rate_points + not_shop_fault_points + claims_points
                    + rejected_points, 2) AS score
    FROM scored
    ORDER BY score DESC, customer_key, currency
    LIMIT %(limit)s OFFSET %(offset)s
    """


def _components(row: dict) -> tuple[Component, ...]:
    bought, returned = row["bought_units"], row["returned_units"]
    currency = row["currency"]
    if bought >= MIN_BOUGHT_UNITS:
        rate_reason = ngettext(
            "returned {returned} of {bought} unit bought", "returned {returned} of {bought} units bought", bought
        ).format(returned=returned, bought=bought)
        value_reason = gettext("returned {returned} {currency} of {bought} {currency} bought").format(
            returned=quantize(row["returned_value"], currency), bought=quantize(row["bought_value"], currency),
            currency=currency,
        )
    else:
        rate_reason = value_reason = ngettext(
            "too few purchases to rate: {bought} unit bought", "too few purchases to rate: {bought} units bought", bought
        ).format(bought=bought)
    claims = ngettext("{count} claim", "{count} claims", row["claims"]).format(count=row["claims"])
    if row["lost_parcel_claims"]:
        claims += ", " + ngettext(
            "{count} of a lost parcel", "{count} of lost parcels", row["lost_parcel_claims"]
        ).format(count=row["lost_parcel_claims"])
    texts = {
        "return_rate": rate_reason,
        "value_rate": value_reason,
        "not_shop_fault": ngettext(
            "{count} of {returned} unit returned for a reason not the shop's fault",
            "{count} of {returned} units returned for a reason not the shop's fault",
            returned,
        ).format(count=row["not_shop_fault_units"], returned=returned),
        "claims": claims,
        "rejected": ngettext("{count} request refused", "{count} requests refused", row["rejected"]).format(
            count=row["rejected"]
        ),
    }
    return tuple(
        Component(name=name, weight=weight, points=Decimal(row[f"{name}_points"]).quantize(Decimal("0.01")),
                  reason=texts[name])
        for name, weight in WEIGHTS.items()
    )


def frequent_returners(
    installation: Installation, *, first: date, last: date, limit: int = 50, offset: int = 0
) -> list[Returner]:
    """The shop's customers ranked by score over the shop's days `first` to `last` (both included)."""
    start, end = day_bounds(first, last, shop_time_zone(installation))
    params = {
        "shop": installation.pk, "start": start, "end": end, "first": first, "last": last,
        "not_returned": list(NOT_RETURNED_STATUSES), "claims": list(CLAIMS), "lost": ReturnKind.PARCEL_LOST.value,
        "rejected": ReturnStatus.REJECTED.value, "limit": limit, "offset": offset,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ranking_sql(), params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor.fetchall()]
    statuses = {
        status.customer_key: status
        for status in CustomerStatus.objects.filter(
            installation=installation, customer_key__in=[row["customer_key"] for row in rows]
        )
    }
    return [
        Returner(
            customer_key=row["customer_key"], customer_user_id=row["customer_user_id"] or "",
            customer_email=row["customer_email"] or "", currency=row["currency"], requests=row["requests"],
            bought_units=int(row["bought_units"]), returned_units=int(row["returned_units"]),
            bought_value=quantize(row["bought_value"], row["currency"]),
            returned_value=quantize(row["returned_value"], row["currency"]),
            not_shop_fault_units=int(row["not_shop_fault_units"]), claims=row["claims"],
            lost_parcel_claims=row["lost_parcel_claims"], rejected=row["rejected"], score=row["score"],
            components=_components(row), status=statuses.get(row["customer_key"]),
        )
        for row in rows
    ]


def check_period(first: date, last: date) -> None:
    if first > last:
        raise invalid("to", "The period ends before it starts.", ReturnErrorCode.INVALID)
    if (last - first).days > MAX_PERIOD_DAYS:
        raise invalid("from", "The period is longer than two years.", ReturnErrorCode.INVALID)


def set_customer_status(
    *, installation: Installation, customer_key: str, status: str | None, note: str, actor: Actor
) -> CustomerStatus | None:
    """Set (or, with no status, clear) the shop's status of a customer; the automatic review reads it next.

    `customer_key` is "user:<Saleor user id>" or "email:<address>", as the ranking names customers.
    """
    kind, _, value = customer_key.partition(":")
    if kind not in ("user", "email") or not value.strip():
        raise invalid("customer", 'Name the customer as "user:<id>" or "email:<address>".', ReturnErrorCode.INVALID)
    if kind == "email" and "@" not in value:
        raise invalid("customer", "This is not an e-mail address.", ReturnErrorCode.INVALID)
    if len(note) > MAX_NOTE_LENGTH:
        raise invalid("note", f"At most {MAX_NOTE_LENGTH} characters.", ReturnErrorCode.INVALID)
    key = CustomerStatus.key_for(customer_user_id=value.strip() if kind == "user" else "",
                                 customer_email=value if kind == "email" else "")
    with transaction.atomic():
        if status is None:
            CustomerStatus.objects.filter(installation=installation, customer_key=key).delete()
            return None
        customer_status, _ = CustomerStatus.objects.update_or_create(
            installation=installation, customer_key=key,
            defaults={"status": status, "note": note.strip(), "set_by": actor.email or actor.id or actor.kind,
                      "set_at": timezone.now()},
        )
    return customer_status
