"""When tasks run: retried on Saleor outages, and queued once across every process.

Outside calls fail in two ways: SaleorUnavailable (timeouts, 5xx, network) is
retried with exponential backoff; anything else (4xx, bad data) is not.
"""

from django.db import connection

from saleor_returns.models import TaskSchedule
from saleor_returns.saleor.client import SaleorUnavailable

RETRY_OPTIONS = {
    "autoretry_for": (SaleorUnavailable,),
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}

# A mark older than this is taken for a task that was lost (a broker restart), not one still queued.
SCHEDULE_HOLD_SECONDS = 30


def claim_task_schedule(name: str, *, hold_seconds: int = SCHEDULE_HOLD_SECONDS) -> bool:
    """True for the one caller, across every process, that should queue task `name` now.

    One atomic upsert on the shared database: the mark is taken when absent or
    older than `hold_seconds`. The task releases it when it starts, before it
    reads its work, so anything stored meanwhile queues the next run.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"WITH work AS (SELECT 1) {claim_task_schedule_sql('work')}",
                       claim_task_schedule_params(name, hold_seconds))
        return cursor.fetchone() is not None


def claim_task_schedule_sql(source: str) -> str:
    """The claim of `claim_task_schedule`, as the body of a CTE in the statement that stores the work.

    It claims when the CTE `source` returned rows; its parameters are `claim_task_schedule_params`.
    Taken in the same statement as the write, the claim costs no round trip of its own and stays
    correct: a mark still held is locked FOR KEY SHARE, so a task releasing it (a DELETE) waits
    until the stored work is committed, and then reads it; the shared lock does not make
    concurrent writers wait for one another, as the upsert's exclusive lock would. Only an absent
    or expired mark goes to the upsert, whose ON CONFLICT DO UPDATE locks it even when its WHERE
    keeps it (another writer took it meanwhile).
    """
    table = TaskSchedule._meta.db_table
    return f"""
        INSERT INTO {table} (name, scheduled_at)
        SELECT mark.name, now() FROM (SELECT %s::varchar AS name, make_interval(secs => %s) AS hold) AS mark
        WHERE EXISTS (SELECT 1 FROM {source}) AND NOT EXISTS (
            SELECT 1 FROM {table} held WHERE held.name = mark.name AND held.scheduled_at >= now() - mark.hold
            FOR KEY SHARE
        )
        ON CONFLICT (name) DO UPDATE SET scheduled_at = now()
        WHERE {table}.scheduled_at < now() - make_interval(secs => %s)
        RETURNING name
    """


def claim_task_schedule_params(name: str, hold_seconds: int = SCHEDULE_HOLD_SECONDS) -> list:
    """The parameters of `claim_task_schedule_sql`, in order."""
    return [name, hold_seconds, hold_seconds]


def release_task_schedule(name: str) -> None:
    TaskSchedule.objects.filter(name=name).delete()
