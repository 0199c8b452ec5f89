"""Structured logs never carry secrets."""

import json
import logging
import os

from saleor_returns.logging import JsonFormatter, RedactSecretsFilter


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
