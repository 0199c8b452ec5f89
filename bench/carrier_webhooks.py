"""Carrier webhook intake under load: the app against a bare Django view.

Starts the app under gunicorn on loopback, then posts signed tracking events
(the generic signed JSON webhook, each with a new event id) at full speed from
a second process for a fixed time; does the same against a bare Django view
that only inserts the raw body. Both use the same PostgreSQL.

    .venv/bin/python bench/carrier_webhooks.py [--seconds 10] [--rounds 5] [--connections 8]

The two are measured in turns (`--rounds`), each for its share of `--seconds`.
Prints both mean rates and, last, `ratio=<app/bare>`.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from _setup import prepare  # bench/ is on the path: run as a script

ROOT = prepare("bench", "WARNING")

SECRET = "bench-generic-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare() -> str:
    """Database, migrations, one shop with a generic carrier account; returns the webhook path."""
    from saleor_returns import embedded_db
    from saleor_returns.paths import data_dir

    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded_db.ensure_database_url(data_dir() / "postgres", stop_on_exit=False)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone as dj_timezone

    from saleor_returns.installations import actions as installation_actions
    from saleor_returns.models import Installation

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_raw_webhook (id bigserial PRIMARY KEY, body bytea NOT NULL)")
    installation, _ = Installation.objects.get_or_create(
        saleor_api_url="https://bench.example.com/graphql/",
        defaults={"app_id": "QXBwOjE=", "encrypted_app_token": "", "installed_at": dj_timezone.now()},
    )
    account = installation.carrier_accounts.filter(provider="generic").first() or installation_actions.set_carrier_account(
        installation=installation, provider="generic", name="Bench", credentials={"webhook_secret": SECRET}, is_default=False
    )
    return f"/webhooks/carriers/generic/{account.webhook_key}/"


def serve(wsgi: str, port: int, extra: list[str]) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"), wsgi, "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
        "--workers", "2", "--threads", "8", "--log-level", "warning", *extra,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP answer, even 404, means it is up
                return process
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def load(port: int, path: str, seconds: float, connections: int, queue) -> None:
    """Runs in a second process: posts signed events until time is up; reports the count."""
    from saleor_returns.fakes.carriers.generic import GenericWebhookSender

    sender = GenericWebhookSender(SECRET)
    counts = [0] * connections
    failures = [0] * connections
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        number = 0
        while time.monotonic() < deadline:
            number += 1
            event = sender.event(f"BENCH{index:02d}{number:08d}", status="in_transit", occurred_at=datetime.now(timezone.utc))
            headers, body = sender.signed_webhook(event)
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[index] += 1
            else:
                failures[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((sum(counts), sum(failures)))


def measure(port: int, path: str, seconds: float, connections: int) -> tuple[float, int]:
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=load, args=(port, path, seconds, connections, queue))
    started = time.monotonic()
    process.start()
    done, failed = queue.get()
    process.join()
    return done / (time.monotonic() - started), failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time on each side, split into the rounds")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5, help="turns of app then bare view, splitting --seconds")
    args = parser.parse_args()
    webhook_path = prepare()
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"

    app_port, bare_port = free_port(), free_port()
    app = serve("saleor_returns.wsgi:application", app_port, [])
    bare = serve("bare_wsgi:application", bare_port, ["--pythonpath", str(ROOT / "bench")])
    # Both serve throughout and are measured in turns, so a load that comes and goes on a
    # shared machine weighs on both alike.
    app_rates, bare_rates, app_failed, bare_failed = [], [], 0, 0
    try:
        for _ in range(args.rounds):
            rate, failed = measure(app_port, webhook_path, args.seconds / args.rounds, args.connections)
            app_rates.append(rate)
            app_failed += failed
            rate, failed = measure(bare_port, "/hook/", args.seconds / args.rounds, args.connections)
            bare_rates.append(rate)
            bare_failed += failed
    finally:
        stop(app)
        stop(bare)
    app_rate, bare_rate = sum(app_rates) / len(app_rates), sum(bare_rates) / len(bare_rates)
    from saleor_returns import embedded_db
    from saleor_returns.paths import data_dir

    embedded_db.stop(data_dir() / "postgres")
    print(json.dumps({"app_failed": app_failed, "bare_failed": bare_failed}))
    print(f"app_events_per_second={app_rate:.0f}")
    print(f"bare_inserts_per_second={bare_rate:.0f}")
    print(f"ratio={app_rate / bare_rate:.2f}")


if __name__ == "__main__":
    main()
