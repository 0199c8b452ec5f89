"""How long each stage of a return takes against the policy's targets, and how auto-approval fared.

Over the return requests of the scope (requested on its days, in its channel). A stage counts for
the requests that went through it; its times are elapsed hours, read from histograms kept by the
returns rollup (`stage_rollup`): a duration counts as its bucket's upper bound, in tenths of an hour
up to a day and whole hours beyond, rounded up, so the median and the 90th percentile are within a
tenth of an hour (an hour past a day) and the share within a target of whole hours is exact:

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

from saleor_returns.analytics.figures.outcomes import up_to_date
from saleor_returns.analytics.figures.scope import Scope, fetch, ratio
from saleor_returns.analytics.stage_rollup import STAGE_SPANS, bucket_sql, durations_sql
from saleor_returns.models import DailyRequests, Installation, MonthlyStageTimes, ReturnPolicy
from saleor_returns.policy_rules import PolicyRules

# The policy's target field of each stage.
TARGETS = {
    "decision": "target_hours_decision",
    "approval_to_first_scan": "target_hours_approval_to_scan",
    "scan_to_received": "target_hours_scan_to_received",
    "received_to_resolved": "target_hours_received_to_resolved",
    "request_to_money": "target_hours_request_to_money",
}
# Each stage: (its name, the policy's target field, the marks it starts and ends at).
STAGES = tuple((stage, TARGETS[stage], start, end) for stage, start, end in STAGE_SPANS)


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
    """Per stage: requests through it, median and 90th percentile hours, the target, and those within it.

    Read from the stage-time histograms (whole months from MonthlyStageTimes, the days at either end
    bucketed from ReturnStageTimes); the percentiles interpolate between buckets' upper bounds as
    percentile_cont does between values.
    """
    edges = (
        f"(SELECT installation_id, channel_slug, day, stage, {bucket_sql('hours')} AS up_to_hours, 1 AS requests"
        f" FROM ({durations_sql('true')}) AS durations)"
    )
    source, source_params = scope.rollup_sql(
        edges, MonthlyStageTimes._meta.db_table, "rows.channel_slug, rows.stage, rows.up_to_hours, rows.requests"
    )
    channel, channel_params = scope.channel_sql("bucket.channel_slug")
    targets = ", ".join(["(%s, %s, %s)"] * len(STAGES))
    target_params = []
    for order, (stage, target, _start, _end) in enumerate(STAGES):
        target_params += [stage, getattr(rules, target), order]
    sql = f"""
        WITH histogram AS (
            SELECT bucket.stage, bucket.up_to_hours, SUM(bucket.requests) AS requests
            FROM {source} AS bucket
            WHERE true{channel}
            GROUP BY 1, 2
        ), ranked AS (
            SELECT stage, up_to_hours, requests,
                   SUM(requests) OVER (PARTITION BY stage ORDER BY up_to_hours) - requests AS before,
                   SUM(requests) OVER (PARTITION BY stage) AS total
            FROM histogram
        ), points AS (
            SELECT DISTINCT ranked.stage, fraction.p, fraction.p * (ranked.total - 1) AS position
            FROM ranked CROSS JOIN (VALUES (0.5), (0.9)) AS fraction (p)
        ), percentiles AS (
            SELECT points.stage, points.p,
                   low.up_to_hours + (points.position - FLOOR(points.position)) * (high.up_to_hours - low.up_to_hours)
                   AS hours
            FROM points
            JOIN ranked AS low ON low.stage = points.stage
                 AND low.before <= FLOOR(points.position) AND FLOOR(points.position) < low.before + low.requests
            JOIN ranked AS high ON high.stage = points.stage
                 AND high.before <= CEIL(points.position) AND CEIL(points.position) < high.before + high.requests
        )
        SELECT target.stage,
               COALESCE((SELECT SUM(requests) FROM histogram WHERE histogram.stage = target.stage), 0)::bigint,
               median.hours, p90.hours, target.hours,
               COALESCE((SELECT SUM(requests) FROM histogram
                         WHERE histogram.stage = target.stage AND histogram.up_to_hours <= target.hours), 0)::bigint
        FROM (VALUES {targets}) AS target (stage, hours, position)
        LEFT JOIN percentiles AS median ON median.stage = target.stage AND median.p = 0.5
        LEFT JOIN percentiles AS p90 ON p90.stage = target.stage AND p90.p = 0.9
        ORDER BY target.position
    """
    return sql, [*source_params, *channel_params, *target_params]


def stage_times(scope: Scope, rules: PolicyRules) -> list[StageTime]:
    up_to_date(scope)
    sql, params = stage_times_sql(scope, rules)
    return [
        StageTime(
            stage=stage, count=count, median_hours=None if median is None else round(float(median), 1),
            p90_hours=None if p90 is None else round(float(p90), 1), target_hours=target, within_target=within,
        )
        for stage, count, median, p90, target, within in fetch(sql, params)
    ]


def auto_approval_sql(scope: Scope) -> tuple[str, list]:
    channel, channel_params = scope.channel_sql("bucket.channel_slug")
    sql = f"""
        SELECT COALESCE(SUM(bucket.requests), 0)::bigint, COALESCE(SUM(bucket.auto_approved), 0)::bigint,
               COALESCE(SUM(bucket.overturned), 0)::bigint
        FROM {DailyRequests._meta.db_table} AS bucket
        WHERE bucket.installation_id = %s AND bucket.day BETWEEN %s AND %s{channel}
    """
    return sql, [scope.installation_id, scope.first, scope.last, *channel_params]


def auto_approval(scope: Scope) -> AutoApproval:
    """Requests, those approved automatically, and those of them staff rejected, canceled or changed the quantities of."""
    up_to_date(scope)
    sql, params = auto_approval_sql(scope)
    requests, auto, overturned = fetch(sql, params)[0]
    return AutoApproval(requests=requests, auto_approved=auto, overturned=overturned)
