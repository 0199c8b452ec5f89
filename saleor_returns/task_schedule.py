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
        cursor.execute(
            f"""
            INSERT INTO {TaskSchedule._meta.db_table} (name, scheduled_at) VALUES (%s, now())
            ON CONFLICT (name) DO UPDATE SET scheduled_at = now()
            WHERE {TaskSchedule._meta.db_table}.scheduled_at < now() - make_interval(secs => %s)
            RETURNING name
            """,
            [name, hold_seconds],
        )
        return cursor.fetchone() is not None


def release_task_schedule(name: str) -> None:
    TaskSchedule.objects.filter(name=name).delete()
