"""Structured logs never carry secrets."""

import json
import logging
import os
import re

import pytest

from saleor_returns.logging import JsonFormatter, RedactSecretsFilter
from saleor_returns.observability.tracing import request_log_ids


def format_record(**extra) -> dict:
    record = logging.LogRecord("saleor_returns.test", logging.INFO, __file__, 1, "Return request approved", (), None)
    for name, value in extra.items():
        setattr(record, name, value)
    RedactSecretsFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_log_lines_are_json_with_extra_fields():
    entry = format_record(return_request_id="abc", saleor_api_url="https://shop.example.com/graphql/")
    assert entry["message"] == "Return request approved"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "saleor_returns.test"
    assert entry["return_request_id"] == "abc"
    assert entry["saleor_api_url"] == "https://shop.example.com/graphql/"


def test_secret_and_personal_fields_are_redacted():
    entry = format_record(
        app_token="abcdefghijklmnopqrstuvwxyz1234",
        authorization="Bearer x",
        signature="eyJ..sig",
        customer_email="someone@example.com",
        shipping_address="1 Main St",
    )
    for name in ["app_token", "authorization", "signature", "customer_email", "shipping_address"]:
        assert entry[name] == "[redacted]"
    assert "someone@example.com" not in json.dumps(entry)


def _json_lines(text: str) -> list[dict]:
    lines = [line for line in text.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON line: {line!r}\n--- all output:\n{text}") from None
    return parsed


def test_gunicorn_logs_json_lines_and_no_query_strings(tmp_path):
    import subprocess
    import sys
    import time
    import urllib.request

    from saleor_returns.paths import BASE_DIR
    from tests.test_runner import free_port
    from tests.test_worker import app_process_env

    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = dict(app_process_env(), LOG_FORMAT="json", LOG_LEVEL="INFO", CELERY_LOG_LEVEL="INFO",
               GUNICORN_LOG_LEVEL="INFO")
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "saleor_returns.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--logger-class", "saleor_returns.gunicorn_logging.AppLogger", "--access-logfile", "-"],
            cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?token=not-for-the-log", timeout=2):
                        break
                except OSError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=20)

    entries = _json_lines(log.read_text())
    access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
    assert access and access[-1]["path"] == "/healthz" and access[-1]["status"] == 200
    assert any(entry["logger"] == "gunicorn.error" for entry in entries)
    assert "not-for-the-log" not in log.read_text()


def test_celery_logs_json_lines(tmp_path):
    import subprocess
    import sys
    import time

    from saleor_returns.paths import BASE_DIR
    from tests.test_worker import app_process_env

    log = tmp_path / "worker.log"
    env = dict(app_process_env(), LOG_FORMAT="json", LOG_LEVEL="INFO", CELERY_LOG_LEVEL="INFO",
               GUNICORN_LOG_LEVEL="INFO")
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "saleor_returns", "-q", "worker", "--pool", "solo", "--loglevel", "INFO"],
            cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while "ready" not in log.read_text():
                assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=20)

    # Celery's SIGTERM handler writes "worker: Warm shutdown" straight to stderr (signal-safe, not
    # through logging); everything it logs while running is JSON.
    text = "\n".join(line for line in log.read_text().splitlines() if not line.startswith("worker: Warm shutdown"))
    entries = _json_lines(text)
    assert any(entry["logger"].startswith("celery") and "ready" in entry["message"] for entry in entries)
    assert any(entry["logger"] == "py.warnings" for entry in entries) or os.geteuid() != 0


TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


def gunicorn_access_lines(tmp_path, env: dict, headers: dict) -> list[dict]:
    """gunicorn's JSON access log lines (with the app's logger) up to the first GET /healthz with `headers` answered 200."""
    import subprocess
    import sys
    import time
    import urllib.request

    from saleor_returns.paths import BASE_DIR
    from tests.test_runner import free_port
    from tests.test_worker import app_process_env

    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "saleor_returns.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--logger-class", "saleor_returns.gunicorn_logging.AppLogger", "--access-logfile", "-"],
            cwd=BASE_DIR, env=dict(app_process_env(), LOG_FORMAT="json", **env), stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers=headers)
                    with urllib.request.urlopen(request, timeout=2):  # noqa: S310 - loopback
                        break
                except OSError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
            while not any(entry["logger"] == "gunicorn.access" for entry in _json_lines(log.read_text())):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(timeout=20)
    return [entry for entry in _json_lines(log.read_text()) if entry["logger"] == "gunicorn.access"]


def test_an_access_log_line_names_the_requests_span_when_tracing_is_on(tmp_path):
    from saleor_returns.fakes.otlp import FakeOtlpCollector

    # given: gunicorn exporting its spans to a collector
    with FakeOtlpCollector() as collector:
        exporting = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
                     "OTEL_BSP_SCHEDULE_DELAY": "100"}

        # when: a request continues its caller's trace
        line = gunicorn_access_lines(tmp_path, exporting, {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"})[-1]
        exported = collector.wait_for(lambda found: any(
            span["parent_span_id"] == PARENT_ID and span["attributes"].get("http.response.status_code") == 200
            for span in found))

    # then: its access line names the request's own span
    (request_span,) = [span for span in exported
                       if span["parent_span_id"] == PARENT_ID and span["attributes"]["http.response.status_code"] == 200]
    assert (line["path"], line["status"]) == ("/healthz", 200)
    assert (line["trace_id"], line["span_id"]) == (TRACE_ID, request_span["span_id"])
    assert request_span["trace_id"] == TRACE_ID


def test_an_access_log_line_names_the_callers_trace_when_tracing_is_off(tmp_path):
    # given: tracing off (no OTEL_* variables)

    # when: one request sends a traceparent
    line = gunicorn_access_lines(tmp_path, {}, {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"})[-1]

    # then: the line names the caller's trace and span
    assert (line["path"], line["status"]) == ("/healthz", 200)
    assert (line["trace_id"], line["span_id"]) == (TRACE_ID, PARENT_ID)


@pytest.mark.parametrize(("_case", "headers", "expected"), [
    ("a proxy's X-Request-ID", {"X-Request-ID": "lb-7f3a2c91"}, "lb-7f3a2c91"),
    ("none sent: one made up", {}, None),
])
def test_an_access_log_line_without_a_trace_names_the_request_id(tmp_path, _case, headers, expected):
    # given: tracing off, and no traceparent sent

    # when
    line = gunicorn_access_lines(tmp_path, {}, headers)[-1]

    # then
    assert (line["path"], line["status"]) == ("/healthz", 200)
    assert "trace_id" not in line and "span_id" not in line
    assert line["request_id"] == expected if expected else re.fullmatch(r"[0-9a-f]{32}", line["request_id"])


@pytest.mark.parametrize(("_case", "sent", "kept"), [
    ("a proxy's id", "lb-7f3a2c91", True),
    ("too short", "x", False),
    ("not an id", "a b c d e f g h", False),
])
def test_lines_logged_during_a_request_without_a_trace_name_its_request_id(_case, sent, kept):
    # given
    record = logging.LogRecord("saleor_returns.test", logging.INFO, __file__, 1, "Return request approved", (), None)

    # when
    with request_log_ids({"X-Request-ID": sent}) as ids:
        inside = json.loads(JsonFormatter().format(record))
    outside = json.loads(JsonFormatter().format(record))

    # then
    assert inside["request_id"] == ids["request_id"]
    assert (ids["request_id"] == sent) is kept
    assert re.fullmatch(r"[A-Za-z0-9._-]{8,64}", ids["request_id"])
    assert "request_id" not in outside
