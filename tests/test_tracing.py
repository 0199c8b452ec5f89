"""OpenTelemetry traces: a request continues the caller's trace, through the Celery task it queues and
into the app's calls back to Saleor; log lines name the trace."""

import io
import json
import logging
from datetime import datetime, timezone

import pytest
from django.core.exceptions import ImproperlyConfigured
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from saleor_returns.carriers.registry import get_carrier
from saleor_returns.fakes.carriers.easypost import FakeEasyPost
from saleor_returns.fakes.otlp import FakeOtlpCollector
from saleor_returns.logging import JsonFormatter
from saleor_returns.models import ApiKey, SaleorWebhookDelivery
from saleor_returns.observability.tracing import build_exporters, exporter_names, service_resource
from saleor_returns.saleor.client import SaleorClient
from tests.conftest import post_raw
from tests.test_worker import wait_for, worker_process

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"


class _RecordingWhileHeld(SpanProcessor):
    """Hands finished spans to the in-memory exporter only while a test holds `spans`."""

    def __init__(self, exporter: InMemorySpanExporter):
        self.delegate = SimpleSpanProcessor(exporter)
        self.recording = False

    def on_end(self, span) -> None:
        if self.recording:
            self.delegate.on_end(span)


@pytest.fixture(scope="session")
def _in_memory_tracing():
    # A process has one tracer provider for good: this one, for the rest of the session.
    exporter = InMemorySpanExporter()
    processor = _RecordingWhileHeld(exporter)
    provider = TracerProvider()
    provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return exporter, processor


@pytest.fixture
def spans(_in_memory_tracing):
    """The in-memory exporter, empty, recording the spans this process finishes during the test."""
    exporter, processor = _in_memory_tracing
    exporter.clear()
    processor.recording = True
    yield exporter
    processor.recording = False
    exporter.clear()


def hex_ids(span) -> tuple[str, str, str]:
    """(trace id, span id, parent span id or "") of a finished SDK span, in hex."""
    context = span.get_span_context()
    parent = trace.format_span_id(span.parent.span_id) if span.parent else ""
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id), parent


def traceparent_ids(header: str) -> tuple[str, str, bool]:
    """(trace id, parent span id, sampled) of a W3C `traceparent` header."""
    version, trace_id, parent_id, flags = header.split("-")
    assert version == "00"
    return trace_id, parent_id, bool(int(flags, 16) & 1)


def finished(exporter, name: str):
    (span,) = [span for span in exporter.get_finished_spans() if span.name == name]
    return span


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("_case", "environ", "expected"),
    [
        ("nothing set: off", {}, []),
        ("an OTLP endpoint alone", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, ["otlp"]),
        ("a traces endpoint alone", {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, ["otlp"]),
        ("exporters named", {"OTEL_TRACES_EXPORTER": "otlp, console"}, ["otlp", "console"]),
        ("none wins over an endpoint", {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c"}, []),
        ("the SDK disabled", {"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, []),
    ],
)
def test_tracing_is_off_unless_the_environment_asks(_case, environ, expected):
    assert exporter_names(environ) == expected


def test_an_exporter_the_app_does_not_have_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="zipkin"):
        build_exporters({"OTEL_TRACES_EXPORTER": "zipkin"})


def test_otlp_over_grpc_is_refused():
    with pytest.raises(ImproperlyConfigured, match="http/protobuf"):
        build_exporters({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"})


def test_the_service_is_named_by_otel_service_name_else_saleor_returns(monkeypatch):
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    assert service_resource().attributes["service.name"] == "saleor-returns"

    monkeypatch.setenv("OTEL_SERVICE_NAME", "returns-web")
    assert service_resource().attributes["service.name"] == "returns-web"


# --------------------------------------------------------------------------- in this process


def test_a_request_continues_the_callers_trace(client, db, spans):
    response = client.get("/healthz", headers={"traceparent": TRACEPARENT})

    assert response.status_code == 200
    span = finished(spans, "GET healthz")
    assert span.kind == SpanKind.SERVER
    assert hex_ids(span)[0] == TRACE_ID
    assert hex_ids(span)[2] == PARENT_ID
    assert span.attributes["http.route"] == "healthz"
    assert span.attributes["http.response.status_code"] == 200


def test_a_request_without_traceparent_starts_its_own_trace(client, db, spans):
    client.get("/healthz")

    span = finished(spans, "GET healthz")
    assert span.parent is None
    assert hex_ids(span)[0] != TRACE_ID


def test_a_call_to_saleor_is_a_client_span_whose_traceparent_saleor_receives(installation, fake_saleor, spans):
    # given
    tracer = trace.get_tracer("tests")

    # when
    with tracer.start_as_current_span("work"):
        SaleorClient.for_installation(installation).query("AppSelf")

    # then
    work, operation, call = finished(spans, "work"), finished(spans, "Saleor AppSelf"), finished(spans, "POST")
    trace_id, operation_id, _ = hex_ids(operation)
    assert hex_ids(operation)[2] == hex_ids(work)[1]
    assert call.kind == SpanKind.CLIENT
    assert hex_ids(call)[2] == operation_id
    assert call.attributes["http.response.status_code"] == 200
    assert call.attributes["server.address"] == "127.0.0.1"
    (request,) = [r for r in fake_saleor.requests if r["operation_name"] == "AppSelf"]
    assert traceparent_ids(request["traceparent"]) == (trace_id, hex_ids(call)[1], True)


def staff_updated(fake_saleor, fake_app, installation) -> tuple[dict, bytes]:
    """A signed STAFF_UPDATED for a staff member with a live API key (so the app asks Saleor about them)."""
    staff = fake_saleor.add_staff("owner@example.com", ["MANAGE_ORDERS"])
    ApiKey.objects.create(installation=installation, name="ERP", prefix="rk_trace", key_hash="0" * 64,
                          scopes=["MANAGE_ORDERS"], created_by_user_id=staff["id"])
    body = fake_saleor.webhook_body({
        "__typename": "StaffUpdated", "issuedAt": datetime.now(tz=timezone.utc).isoformat(), "version": "3.23.28",
        "recipient": {"id": fake_app["id"]}, "user": {"id": staff["id"]},
    })
    headers = {**fake_saleor.webhook_headers("staff_updated", body), "traceparent": TRACEPARENT}
    return headers, body


@pytest.mark.django_db(transaction=True)
def test_a_saleor_webhook_run_in_place_keeps_one_trace_into_saleor(client, installation, fake_saleor, fake_app, spans):
    # given
    headers, body = staff_updated(fake_saleor, fake_app, installation)

    # when: the view's commit runs the task in place, still inside the request
    response = post_raw(client, "/webhooks/saleor/staff-updated/", headers, body)

    # then
    assert response.json() == {"status": "accepted"}
    assert SaleorWebhookDelivery.objects.get().status == "applied"
    request_span = finished(spans, "POST saleor-webhook")
    run = finished(spans, "run saleor_returns.apply_saleor_webhook")
    call = finished(spans, "POST")
    assert {hex_ids(span)[0] for span in spans.get_finished_spans()} == {TRACE_ID}
    assert hex_ids(request_span)[2] == PARENT_ID
    assert hex_ids(run)[2] == hex_ids(request_span)[1]
    assert run.kind == SpanKind.CONSUMER
    (request,) = [r for r in fake_saleor.requests if r["operation_name"] == "StaffUser"]
    assert traceparent_ids(request["traceparent"]) == (TRACE_ID, hex_ids(call)[1], True)


def test_a_call_to_a_carrier_is_a_client_span_whose_traceparent_the_carrier_receives(spans):
    # given
    with FakeEasyPost() as easypost:
        carrier = get_carrier("easypost", {"api_key": easypost.api_key, "base_url": easypost.base_url})

        # when: a tracker is registered within a task's span
        with trace.get_tracer("tests").start_as_current_span("run saleor_returns.register_tracker") as run:
            carrier.register_tracker(tracking_number="EZ1000000001", carrier="USPS")

    # then
    call = finished(spans, "POST")
    assert call.kind == SpanKind.CLIENT
    assert call.parent.span_id == run.get_span_context().span_id
    assert call.attributes["carrier.provider"] == "easypost"
    assert call.attributes["server.address"] == "127.0.0.1"
    assert call.attributes["http.response.status_code"] == 201
    (request,) = easypost.requests
    assert request.path == "/v2/trackers"
    assert traceparent_ids(request.headers["traceparent"]) == (*hex_ids(call)[:2], True)


# --------------------------------------------------------------------------- through a real worker


@pytest.fixture
def collector():
    with FakeOtlpCollector() as fake:
        yield fake


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_saleor_webhook_trace_continues_in_the_worker_and_into_saleor(
    client, installation, fake_saleor, fake_app, spans, collector
):
    # given: a worker exporting its spans over OTLP, as configured by the usual variables
    headers, body = staff_updated(fake_saleor, fake_app, installation)
    exporting = {
        "OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
        "OTEL_SERVICE_NAME": "returns-worker", "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    with worker_process(**exporting) as worker:
        # when: Saleor's delivery, with its traceparent, is stored and queued for the worker
        response = post_raw(client, "/webhooks/saleor/staff-updated/", headers, body)
        assert response.json() == {"status": "accepted"}
        wait_for(lambda: SaleorWebhookDelivery.objects.get().status != "pending", seconds=60, worker=worker)
        exported = collector.wait_for(lambda found: any(span["name"] == "run saleor_returns.apply_saleor_webhook"
                                                        for span in found))

    # then: the request here, the task run there and its call to Saleor are one trace
    request_span = finished(spans, "POST saleor-webhook")
    assert hex_ids(request_span)[:3:2] == (TRACE_ID, PARENT_ID)
    by_name = {span["name"]: span for span in exported}
    run, operation, call = by_name["run saleor_returns.apply_saleor_webhook"], by_name["Saleor StaffUser"], by_name["POST"]
    assert {span["trace_id"] for span in (run, operation, call)} == {TRACE_ID}
    assert run["parent_span_id"] == hex_ids(request_span)[1]
    assert operation["parent_span_id"] == run["span_id"]
    assert call["parent_span_id"] == operation["span_id"]
    assert run["service_name"] == "returns-worker"
    assert run["attributes"]["celery.state"] == "SUCCESS"
    (request,) = [r for r in fake_saleor.requests if r["operation_name"] == "StaffUser"]
    assert traceparent_ids(request["traceparent"]) == (TRACE_ID, call["span_id"], True)


# --------------------------------------------------------------------------- logs


def json_lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_log_line_names_the_span_in_progress(spans):
    record = logging.LogRecord("saleor_returns.test", logging.INFO, __file__, 1, "Return request approved", (), None)
    outside = json.loads(JsonFormatter().format(record))

    with trace.get_tracer("tests").start_as_current_span("work") as span:
        inside = json.loads(JsonFormatter().format(record))

    assert "trace_id" not in outside and "span_id" not in outside
    assert inside["trace_id"] == trace.format_trace_id(span.get_span_context().trace_id)
    assert inside["span_id"] == trace.format_span_id(span.get_span_context().span_id)


def test_a_request_logs_with_the_trace_saleor_sent(client, installation, fake_saleor, spans):
    # given: the app's log lines as JSON
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    views_logger = logging.getLogger("saleor_returns.webhooks.saleor.views")
    views_logger.addHandler(handler)
    body = fake_saleor.webhook_body({"__typename": "StaffUpdated", "recipient": {"id": installation.app_id}})
    headers = {**fake_saleor.webhook_headers("staff_updated", body), "traceparent": TRACEPARENT}
    headers["Saleor-Signature"] = headers["Saleor-Signature"][:-4] + "AAAA"

    # when: a delivery is refused (a warning is logged)
    try:
        response = post_raw(client, "/webhooks/saleor/staff-updated/", headers, body)
    finally:
        views_logger.removeHandler(handler)

    # then
    assert response.status_code == 401
    (line,) = json_lines(stream)
    assert line["message"] == "Webhook refused: bad signature"
    assert line["trace_id"] == TRACE_ID
    assert line["span_id"] == hex_ids(finished(spans, "POST saleor-webhook"))[1]
