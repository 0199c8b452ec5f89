"""GET /metrics: Prometheus figures behind a bearer token, from every process and from the database."""

import time
import urllib.request
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from saleor_returns.counters import delete_expired_counters_task
from saleor_returns.models import CarrierAccount, CarrierWebhookEvent, Message, Refund, SaleorWebhookDelivery
from saleor_returns.webhooks.saleor.deliveries import apply_saleor_webhook_task
from tests.factories import InstallationFactory, ReturnRequestFactory
from tests.test_runner import free_port
from tests.test_worker import web_processes, worker_process

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def samples(text: str) -> dict[tuple, float]:
    """(sample name, sorted label pairs) -> value, from a text exposition."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client) -> dict[tuple, float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    return samples(response.content.decode())


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


# --------------------------------------------------------------------------- who may scrape


@pytest.mark.parametrize(
    ("_case", "authorization"),
    [
        ("no header", None),
        ("wrong token", "Bearer not-the-token"),
        ("token of another scheme", f"Basic {TOKEN}"),
        ("token as a prefix", f"Bearer {TOKEN}x"),
    ],
)
def test_metrics_are_not_found_without_the_token(client, metrics_token, _case, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    response = client.get("/metrics", headers=headers)

    assert response.status_code == 404
    assert b"saleor_returns" not in response.content


def test_metrics_are_not_found_while_no_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics", headers={"Authorization": "Bearer "})

    assert response.status_code == 404


def test_metrics_answer_with_the_token(client, db, metrics_token):
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert {
        "saleor_returns_http_request_duration_seconds",
        "saleor_returns_refunds",
        "saleor_returns_webhook_events_pending",
        "saleor_returns_webhook_ingest_lag_seconds",
        "saleor_returns_outbox_messages",
        "saleor_returns_outbox_oldest_pending_age_seconds",
    } <= names


# --------------------------------------------------------------------------- requests and tasks


def test_requests_are_timed_by_route_name_never_by_path(client, db, metrics_token):
    # given
    before = scrape(client)

    # when: a known route twice, a route with a token in its path, and an unknown path
    client.get("/healthz")
    client.get("/healthz")
    client.get("/evidence/not-a-valid-token/")
    client.get("/no/such/page/12345")

    # then
    after = scrape(client)
    count = "saleor_returns_http_request_duration_seconds_count"
    assert value(after, count, route="healthz", method="GET", status="2xx") - value(
        before, count, route="healthz", method="GET", status="2xx") == 2
    assert value(after, count, route="evidence", method="GET", status="4xx") - value(
        before, count, route="evidence", method="GET", status="4xx") == 1
    assert value(after, count, route="unmatched", method="GET", status="4xx") - value(
        before, count, route="unmatched", method="GET", status="4xx") == 1
    assert not any("not-a-valid-token" in str(labels) or "12345" in str(labels) for _, labels in after)
    seconds = "saleor_returns_http_request_duration_seconds_sum"
    assert value(after, seconds, route="healthz", method="GET", status="2xx") > value(
        before, seconds, route="healthz", method="GET", status="2xx")


def test_an_unknown_method_is_counted_as_other(client, db, metrics_token):
    before = scrape(client)

    client.generic("BREW", "/healthz")

    after = scrape(client)
    count = "saleor_returns_http_request_duration_seconds_count"
    assert value(after, count, route="healthz", method="other", status="4xx") - value(
        before, count, route="healthz", method="other", status="4xx") == 1


def test_task_runs_are_counted_and_timed_by_name_and_outcome(client, db, metrics_token):
    # given
    before = scrape(client)

    # when: one task succeeds, one fails (run in place, as the tests run tasks)
    delete_expired_counters_task.delay()
    with pytest.raises(ValidationError):
        apply_saleor_webhook_task.delay("not-a-uuid")

    # then
    after = scrape(client)
    runs = "saleor_returns_celery_tasks_total"
    assert value(after, runs, task="saleor_returns.delete_expired_counters", outcome="succeeded") - value(
        before, runs, task="saleor_returns.delete_expired_counters", outcome="succeeded") == 1
    assert value(after, runs, task="saleor_returns.apply_saleor_webhook", outcome="failed") - value(
        before, runs, task="saleor_returns.apply_saleor_webhook", outcome="failed") == 1
    timed = "saleor_returns_celery_task_duration_seconds_count"
    assert value(after, timed, task="saleor_returns.delete_expired_counters") - value(
        before, timed, task="saleor_returns.delete_expired_counters") == 1


# --------------------------------------------------------------------------- figures from the database


def make_message(installation, status: str, *, queued_minutes_ago: int = 0) -> Message:
    return Message.objects.create(
        installation=installation, event="approved", channel="email", status=status,
        queued_at=timezone.now() - timedelta(minutes=queued_minutes_ago),
    )


def make_refund(status: str) -> Refund:
    return Refund.objects.create(
        return_request=ReturnRequestFactory(), kind=Refund.Kind.ORIGINAL_PAYMENT, status=status, currency="USD",
        amount=Decimal("10.00"), preview={}, fingerprint="f",
    )


def make_deliveries(installation, minutes_ago: list[int], status: str = "pending") -> None:
    for index, minutes in enumerate(minutes_ago):
        delivery = SaleorWebhookDelivery.objects.create(
            installation=installation, event="order_updated", body_sha256=f"{status}{index}", payload={}, status=status
        )
        SaleorWebhookDelivery.objects.filter(pk=delivery.pk).update(
            received_at=timezone.now() - timedelta(minutes=minutes)
        )


def make_carrier_events(installation, minutes_ago: list[int], status: str = "pending") -> None:
    account = CarrierAccount.objects.create(
        installation=installation, provider="generic", name="Tracking", encrypted_credentials="",
        webhook_key=f"key-{status}",
    )
    for index, minutes in enumerate(minutes_ago):
        event = CarrierWebhookEvent.objects.create(
            carrier_account=account, provider="generic", event_id=f"{status}-{index}", tracking_number="JJD1",
            tracking_status="in_transit", occurred_at=timezone.now(), status=status,
        )
        CarrierWebhookEvent.objects.filter(pk=event.pk).update(received_at=timezone.now() - timedelta(minutes=minutes))


def test_the_outbox_backlog_is_the_rows_waiting(client, db, metrics_token):
    # given: three pending messages (the oldest queued 90 minutes ago), two failed, sent and skipped ones
    installation = InstallationFactory()
    for minutes in (90, 30, 0):
        make_message(installation, "pending", queued_minutes_ago=minutes)
    for _ in range(2):
        make_message(installation, "failed", queued_minutes_ago=600)
    make_message(installation, "sending")
    make_message(installation, "sent", queued_minutes_ago=900)
    make_message(installation, "skipped", queued_minutes_ago=900)

    # when
    found = scrape(client)

    # then
    assert value(found, "saleor_returns_outbox_messages", status="pending") == 3
    assert value(found, "saleor_returns_outbox_messages", status="failed") == 2
    assert value(found, "saleor_returns_outbox_messages", status="sending") == 1
    assert ("saleor_returns_outbox_messages", (("status", "sent"),)) not in found
    assert 90 * 60 <= value(found, "saleor_returns_outbox_oldest_pending_age_seconds") < 95 * 60


def test_an_empty_outbox_and_no_waiting_webhooks_read_zero(client, db, metrics_token):
    found = scrape(client)

    assert value(found, "saleor_returns_outbox_messages", status="pending") == 0
    assert value(found, "saleor_returns_outbox_oldest_pending_age_seconds") == 0
    for source in ("saleor", "carrier"):
        assert value(found, "saleor_returns_webhook_events_pending", source=source) == 0
        assert value(found, "saleor_returns_webhook_ingest_lag_seconds", source=source) == 0


def test_refunds_are_counted_by_outcome(client, db, metrics_token):
    for status in ("succeeded", "succeeded", "succeeded", "failed", "processing"):
        make_refund(status)

    found = scrape(client)

    assert value(found, "saleor_returns_refunds", status="succeeded") == 3
    assert value(found, "saleor_returns_refunds", status="failed") == 1
    assert value(found, "saleor_returns_refunds", status="processing") == 1
    assert value(found, "saleor_returns_refunds", status="pending") == 0


def test_webhooks_waiting_and_the_oldest_ones_age_by_source(client, db, metrics_token):
    # given: Saleor deliveries waiting for 10 and 2 minutes, carrier events for 45, 5 and 1; applied ones
    installation = InstallationFactory()
    make_deliveries(installation, [10, 2])
    make_deliveries(installation, [300], status="applied")
    make_carrier_events(installation, [45, 5, 1])
    make_carrier_events(installation, [500], status="applied")

    # when
    found = scrape(client)

    # then
    assert value(found, "saleor_returns_webhook_events_pending", source="saleor") == 2
    assert value(found, "saleor_returns_webhook_events_pending", source="carrier") == 3
    assert 10 * 60 <= value(found, "saleor_returns_webhook_ingest_lag_seconds", source="saleor") < 11 * 60
    assert 45 * 60 <= value(found, "saleor_returns_webhook_ingest_lag_seconds", source="carrier") < 46 * 60


# --------------------------------------------------------------------------- several processes


def scrape_url(base_url: str) -> dict[tuple, float]:
    request = urllib.request.Request(f"{base_url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return samples(response.read().decode())


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_web_workers_and_a_celery_worker_add_up_in_one_scrape(tmp_path):
    # given: gunicorn with two workers and a Celery worker sharing one metrics directory, and the outbox's rows
    shared = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "METRICS_TOKEN": TOKEN}
    worker_port = free_port()
    installation = InstallationFactory()
    for _ in range(4):
        make_message(installation, "pending", queued_minutes_ago=5)
    with worker_process(**shared, METRICS_WORKER_PORT=str(worker_port)) as worker, \
            web_processes(1, workers=2, env=shared) as (web,):
        # when: requests spread over the web workers, a task that succeeds and one that fails in the worker
        for _ in range(6):
            with urllib.request.urlopen(f"{web}/privacy/", timeout=10):  # noqa: S310 - loopback
                pass
        delete_expired_counters_task.delay()
        apply_saleor_webhook_task.delay("not-a-uuid")

        # then
        runs = "saleor_returns_celery_tasks_total"
        deadline = time.monotonic() + 60
        while True:
            found = scrape_url(web)
            succeeded = value(found, runs, task="saleor_returns.delete_expired_counters", outcome="succeeded")
            failed = value(found, runs, task="saleor_returns.apply_saleor_webhook", outcome="failed")
            if (succeeded, failed) == (1, 1):
                break
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, f"the worker's runs never showed: {succeeded=}, {failed=}"
            time.sleep(0.3)
        # and the worker shows its own runs on its internal port
        own = scrape_url(f"http://127.0.0.1:{worker_port}")
        assert value(own, runs, task="saleor_returns.apply_saleor_webhook", outcome="failed") == 1
    count = "saleor_returns_http_request_duration_seconds_count"
    assert value(found, count, route="privacy", method="GET", status="2xx") == 6
    assert value(found, "saleor_returns_celery_task_duration_seconds_count",
                 task="saleor_returns.apply_saleor_webhook") == 1
    assert value(found, "saleor_returns_outbox_messages", status="pending") == 4
    assert {path.name.split("_")[0] for path in tmp_path.iterdir()} >= {"counter", "histogram"}
