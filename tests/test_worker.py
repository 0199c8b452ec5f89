"""A real Celery worker process, a real broker (PostgreSQL) and a fake Saleor over loopback."""

import os
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from saleor_returns.celery import app as celery_app
from saleor_returns.models import Installation
from saleor_returns.paths import BASE_DIR
from tests.saleor.test_register import register


def test_database_url() -> str:
    """DATABASE_URL of the test database (the worker must use the same rows)."""
    parts = urlsplit(settings.DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


test_database_url.__test__ = False


@pytest.fixture
def worker():
    """Starts `celery worker` as a separate process, and routes tasks to it."""
    env = dict(
        os.environ,
        DATABASE_URL=test_database_url(),
        CELERY_BROKER_URL=celery_app.conf.broker_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        DJANGO_SETTINGS_MODULE="saleor_returns.test_settings",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "saleor_returns", "worker", "--pool", "solo", "--loglevel", "INFO"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(predicate, *, seconds: float, worker):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            pytest.fail("The worker exited:\n" + worker.stdout.read())
        time.sleep(0.2)
    worker.terminate()
    pytest.fail("Timed out; worker output:\n" + worker.stdout.read())


@pytest.mark.django_db(transaction=True)
def test_install_task_runs_in_a_real_worker_after_commit(client, fake_saleor, fake_app, worker):
    # when: the install commits and queues the task through the broker
    response = register(client, fake_saleor, fake_app["token"])
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert installation.jwks == {}

    # then: the worker fetched the shop's JWKS from Saleor and stored it
    wait_for(lambda: Installation.objects.get().jwks.get("keys"), seconds=60, worker=worker)
    installation.refresh_from_db()
    assert installation.jwks == fake_saleor.jwks()
    assert installation.jwks_fetched_at is not None
