"""A task queued once for every process: the mark lives in PostgreSQL, not in one process's memory."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from saleor_returns import task_schedule
from saleor_returns.models import TaskSchedule


def in_another_connection(function):
    """Runs `function` on its own thread, so on its own database connection (another process's view)."""
    result = []

    def run():
        try:
            result.append(function())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_one_claim_across_connections_until_the_task_releases_it():
    # given: one web process queued the task
    assert task_schedule.claim_task_schedule("apply-carrier-events") is True

    # when: another web process asks while it is queued
    second = in_another_connection(lambda: task_schedule.claim_task_schedule("apply-carrier-events"))

    # then: no second task
    assert second is False

    # when: the worker (another process again) starts the task
    in_another_connection(lambda: task_schedule.release_task_schedule("apply-carrier-events"))

    # then: the next event queues the next run at once, from any process
    assert in_another_connection(lambda: task_schedule.claim_task_schedule("apply-carrier-events")) is True
    assert task_schedule.claim_task_schedule("apply-carrier-events") is False


@pytest.mark.django_db
def test_a_mark_left_by_a_lost_task_is_taken_again_after_the_hold():
    # given: a task queued long ago and never started (lost with a broker)
    TaskSchedule.objects.create(name="apply-carrier-events", scheduled_at=timezone.now() - timedelta(seconds=31))

    # when / then
    assert task_schedule.claim_task_schedule("apply-carrier-events") is True
    assert task_schedule.claim_task_schedule("apply-carrier-events") is False


@pytest.mark.django_db
def test_marks_are_per_task():
    assert task_schedule.claim_task_schedule("apply-carrier-events") is True
    assert task_schedule.claim_task_schedule("another-task") is True
