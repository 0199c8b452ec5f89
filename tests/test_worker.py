"""A real Celery worker process, a real broker (PostgreSQL) and a fake Saleor over loopback."""

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from saleor_returns.celery import app as celery_app
from saleor_returns.fakes.carriers.generic import GenericWebhookSender
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import Installation, ReturnRequest, ReturnShipment
from saleor_returns.paths import BASE_DIR
from tests.factories import ReturnLineFactory, ReturnRequestFactory
from tests.saleor.test_register import register
from tests.test_runner import free_port


def test_database_url() -> str:
    """DATABASE_URL of the test database (the worker must use the same rows)."""
    parts = urlsplit(settings.DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


test_database_url.__test__ = False


def app_process_env(**extra: str) -> dict:
    """The environment of another process of the app: the test database and broker, tasks queued; plus `extra`."""
    return dict(
        os.environ,
        DATABASE_URL=test_database_url(),
        CELERY_BROKER_URL=celery_app.conf.broker_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        DJANGO_SETTINGS_MODULE="saleor_returns.test_settings",
        **extra,
    )


@contextmanager
def worker_process(**extra_env: str):
    """`celery worker` as a separate process (with `extra_env`), tasks routed to it while it runs."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "saleor_returns", "worker", "--pool", "solo", "--loglevel", "INFO"],
        cwd=BASE_DIR,
        env=app_process_env(**extra_env),
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


@pytest.fixture
def worker():
    """Starts `celery worker` as a separate process, and routes tasks to it."""
    with worker_process() as process:
        yield process


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


def start_web(port: int, workers: int = 1, env: dict | None = None) -> subprocess.Popen:
    """The app under gunicorn on `port`, on the test database and broker (plus `env`), as a separate process."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "saleor_returns.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers)],
        cwd=BASE_DIR, env=app_process_env(**(env or {})), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )


@contextmanager
def web_processes(count: int, *, workers: int = 1, env: dict | None = None):
    """`count` gunicorn servers of the app (each with `workers` workers); yields their base URLs."""
    ports = [free_port() for _ in range(count)]
    processes = [start_web(port, workers, env) for port in ports]
    try:
        deadline = time.monotonic() + 60
        for port in ports:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310 - loopback
                        break
                except OSError:
                    assert time.monotonic() < deadline, "the web processes did not start"
                    time.sleep(0.2)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def two_web_processes():
    with web_processes(2) as urls:
        yield urls


def post_tracking(base_url: str, account, tracking_number: str, status: str, at) -> int:
    sender = GenericWebhookSender(TRACKING_SECRET)
    headers, body = sender.signed_webhook(sender.event(tracking_number, status=status, occurred_at=at))
    request = urllib.request.Request(
        f"{base_url}/webhooks/carriers/generic/{account.webhook_key}/", data=body, headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return response.status


TRACKING_SECRET = "generic_secret"


@pytest.mark.django_db(transaction=True)
def test_tracking_events_posted_to_two_web_processes_are_applied_without_the_periodic_sweep(
    installation, fake_saleor, worker, two_web_processes
):
    # given: three returns on their way, a carrier account, and no beat running
    installation_actions.seed_default_reasons(installation=installation)
    account = installation_actions.set_carrier_account(
        installation=installation, provider="generic", name="Tracking", credentials={"webhook_secret": TRACKING_SECRET},
        is_default=True,
    )
    shipments = []
    for index in range(3):
        order = fake_saleor.add_order(lines=[{"sku": "SNEAKER-42", "quantity": 1, "unit_price": "25.00"}])
        request = ReturnRequestFactory(installation=installation, status="awaiting_shipment", order_id=order["id"],
                                       order_number=str(order["number"]))
        ReturnLineFactory(return_request=request)
        shipments.append(ReturnShipment.objects.create(
            return_request=request, carrier_account=account, method="self_ship", carrier="DHL",
            tracking_number=f"JJD00000000{index}",
        ))
    first_web, second_web = two_web_processes
    now = timezone.now()

    def in_transit(shipment):
        return lambda: ReturnRequest.objects.get(pk=shipment.return_request_id).status == "in_transit"

    # when / then: each event is applied by the worker, whichever web process stored it and
    # however soon after the one before (the "already queued" mark is shared, not per process)
    assert post_tracking(first_web, account, shipments[0].tracking_number, "in_transit", now) == 200
    wait_for(in_transit(shipments[0]), seconds=20, worker=worker)
    assert post_tracking(first_web, account, shipments[1].tracking_number, "in_transit", now) == 200
    wait_for(in_transit(shipments[1]), seconds=20, worker=worker)
    assert post_tracking(second_web, account, shipments[2].tracking_number, "in_transit", now) == 200
    wait_for(in_transit(shipments[2]), seconds=20, worker=worker)
