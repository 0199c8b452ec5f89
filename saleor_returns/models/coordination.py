"""Rows every process shares: rate-limit counters and queued one-at-a-time tasks."""

from django.db import models


class RateCounter(models.Model):
    """A shared counter with an expiry: the store behind rate limits when there is no Redis.

    Read and written only through `saleor_returns.counters.CounterCache`, whose
    increments are single atomic statements.
    """

    key = models.CharField(max_length=255, primary_key=True)
    value = models.BigIntegerField()
    expires_at = models.DateTimeField(db_index=True)


class TaskSchedule(models.Model):
    """A task one process has queued for every process (web and workers): "one at a time" across them.

    A row means the task is queued and not started yet; see `claim_task_schedule`.
    """

    name = models.CharField(max_length=64, primary_key=True)
    scheduled_at = models.DateTimeField()
