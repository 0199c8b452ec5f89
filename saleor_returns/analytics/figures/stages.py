"""How long each stage of a return takes against the policy's targets, and how auto-approval fared.

Over the return requests of the scope (requested on its days, in its channel). A stage counts for
the requests that went through it; its times are elapsed hours:

- decision: from the request to its first approval or rejection;
- approval to first scan: from the first approval to the first carrier scan of a parcel;
- scan to received: from the first carrier scan to the first line received;
- received to resolved: from the first line received to the first move to resolved;
- request to money: from the request to the refund or store credit confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from saleor_returns.analytics.figures.outcomes import LINES, REQUESTS, requests_sql
from saleor_returns.analytics.figures.scope import Scope, fetch, ratio
from saleor_returns.events import EventType
from saleor_returns.models import Installation, Refund, ReturnEvent, ReturnPolicy, ReturnShipment
from saleor_returns.policy_rules import PolicyRules
from saleor_returns.states import ReturnStatus

EVENTS = ReturnEvent._meta.db_table
# Each stage: (its name, the policy's target field, its start and end columns of the `marks` below).
STAGES = (
    ("decision", "target_hours_decision", "created_at", "decided_at"),
    ("approval_to_first_scan", "target_hours_approval_to_scan", "approved_at", "scanned_at"),
    ("scan_to_received", "target_hours_scan_to_received", "scanned_at", "received_at"),
    ("received_to_resolved", "target_hours_received_to_resolved", "received_at", "resolved_at"),
    ("request_to_money", "target_hours_request_to_money", "created_at", "paid_at"),
)
# Who overturns an automatic approval: a person, or an integration acting for one.
STAFF_ACTORS = ("staff", "app")


@dataclass(frozen=True)
class StageTime:
    stage: str
    count: int
    median_hours: float | None
    p90_hours: float | None
    target_hours: int
    within_target: int

    @property
    def within_target_share(self) -> Decimal | None:
        return ratio(self.within_target, self.count)


@dataclass(frozen=True)
class AutoApproval:
    requests: int
    auto_approved: int
    overturned: int

    @property
    def auto_approval_rate(self) -> Decimal | None:
        return ratio(self.auto_approved, self.requests)

    @property
    def overturn_rate(self) -> Decimal | None:
        return ratio(self.overturned, self.auto_approved)


def stage_targets(installation: Installation, channel_slug: str) -> PolicyRules:
    """The rules whose targets apply: the channel's current policy, else the shop's default one."""
    policies = ReturnPolicy.objects.filter(installation=installation, is_current=True, channel_slug__in={channel_slug, ""})
    policy = policies.order_by("-channel_slug").only("rules").first()
    try:
        return PolicyRules.from_json(policy.rules if policy else None)
    except ValidationError:
        return PolicyRules()


def stage_times_sql(scope: Scope, rules: PolicyRules) -> tuple[str, list]:
    where, params = requests_sql(scope)
    durations = " UNION ALL ".join(
        f"SELECT '{stage}' AS stage, EXTRACT(EPOCH FROM {end} - {start}) / 3600 AS hours FROM marks"
        f" WHERE {end} IS NOT NULL AND {start} IS NOT NULL"
        for stage, _target, start, end in STAGES
    )
    targets = ", ".join(["(%s, %s, %s)"] * len(STAGES))
    target_params = []
    for order, (stage, target, _start, _end) in enumerate(STAGES):
        target_params += [stage, getattr(rules, target), order]
    approved, rejected, resolved = (ReturnStatus.APPROVED.value, ReturnStatus.REJECTED.value,
                                    ReturnStatus.RESOLVED.value)
    sql = f"""
        WITH requested AS (
            SELECT request.id, request.created_at FROM {REQUESTS} AS request WHERE {where}
        ), moves AS (
            SELECT event.return_request_id AS id,
                   MIN(event.created_at) FILTER (WHERE event.to_status IN (%s, %s)) AS decided_at,
                   MIN(event.created_at) FILTER (WHERE event.to_status = %s) AS approved_at,
                   MIN(event.created_at) FILTER (WHERE event.to_status = %s) AS resolved_at
            FROM {EVENTS} AS event JOIN requested ON requested.id = event.return_request_id
            WHERE event.to_status IN (%s, %s, %s)
            GROUP BY 1
        ), scans AS (
            SELECT shipment.return_request_id AS id, MIN(shipment.first_scan_at) AS scanned_at
            FROM {ReturnShipment._meta.db_table} AS shipment JOIN requested ON requested.id = shipment.return_request_id
            GROUP BY 1
        ), receipts AS (
            SELECT line.return_request_id AS id, MIN(line.received_at) AS received_at
            FROM {LINES} AS line JOIN requested ON requested.id = line.return_request_id
            GROUP BY 1
        ), payments AS (
            SELECT refund.return_request_id AS id, refund.succeeded_at AS paid_at
            FROM {Refund._meta.db_table} AS refund JOIN requested ON requested.id = refund.return_request_id
            WHERE refund.status = %s
        ), marks AS (
            SELECT requested.created_at, moves.decided_at, moves.approved_at, scans.scanned_at, receipts.received_at,
                   moves.resolved_at, payments.paid_at
            FROM requested
            LEFT JOIN moves USING (id) LEFT JOIN scans USING (id) LEFT JOIN receipts USING (id)
            LEFT JOIN payments USING (id)
        ), durations AS ({durations})
        SELECT target.stage, COUNT(durations.hours),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY durations.hours),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY durations.hours),
               target.hours, COUNT(durations.hours) FILTER (WHERE durations.hours <= target.hours)
        FROM (VALUES {targets}) AS target (stage, hours, position)
        LEFT JOIN durations ON durations.stage = target.stage
        GROUP BY target.stage, target.hours, target.position
        ORDER BY target.position
    """
    return sql, [
        *params, approved, rejected, approved, resolved, approved, rejected, resolved, Refund.Status.SUCCEEDED.value,
        *target_params,
    ]


def stage_times(scope: Scope, rules: PolicyRules) -> list[StageTime]:
    sql, params = stage_times_sql(scope, rules)
    return [
        StageTime(
            stage=stage, count=count, median_hours=None if median is None else round(float(median), 1),
            p90_hours=None if p90 is None else round(float(p90), 1), target_hours=target, within_target=within,
        )
        for stage, count, median, p90, target, within in fetch(sql, params)
    ]


def auto_approval_sql(scope: Scope) -> tuple[str, list]:
    where, params = requests_sql(scope)
    sql = f"""
        SELECT COUNT(*), COUNT(*) FILTER (WHERE request.is_auto_approved),
               COUNT(*) FILTER (WHERE request.is_auto_approved AND EXISTS (
                   SELECT 1 FROM {EVENTS} AS event
                   WHERE event.return_request_id = request.id AND event.actor_kind = ANY(%s)
                     AND (event.to_status = ANY(%s) OR event.type = %s)))
        FROM {REQUESTS} AS request
        WHERE {where}
    """
    overturning = [ReturnStatus.REJECTED.value, ReturnStatus.CANCELED.value]
    return sql, [list(STAFF_ACTORS), overturning, EventType.LINES_APPROVED.value, *params]


def auto_approval(scope: Scope) -> AutoApproval:
    """Requests, those approved automatically, and those of them staff rejected, canceled or changed the quantities of."""
    sql, params = auto_approval_sql(scope)
    requests, auto, overturned = fetch(sql, params)[0]
    return AutoApproval(requests=requests, auto_approved=auto, overturned=overturned)
