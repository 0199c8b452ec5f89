"""A long schemathesis campaign against the GraphQL API: no 5xx, no database text in any error.

Starts a Saleor double on loopback and the app under gunicorn on the bench database, installs the
app in the double with a customer, her delivered order, staff and an API key, then posts generated
queries and mutations (valid and invalid) as each caller kind in turn: anonymous, customer, guest,
staff and API key, sharing the requests evenly. tests/test_fuzz.py runs the same campaign briefly.

    .venv/bin/python bench/fuzz.py [--requests 10000] [--seed 1]

Prints the figures per caller kind, the first server errors and leaks found (the app's own log is
in .data/bench/fuzz-web.log), and, last,
`requests=<n> server_errors=<n>`; exits nonzero on any server error or leak.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from _setup import prepare  # bench/ is on the path: run as a script

ROOT = prepare("bench", "ERROR")
# Tasks run inside the web process, against the double, as they would in a worker.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
os.environ.setdefault("SALEOR_HTTP_BACKOFF", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from saleor_returns.fakes.saleor import FakeSaleor  # noqa: E402
from tests.fuzzing import CALLER_KINDS, CampaignResult, fill_id_pool, load_schema, open_shop, run_campaign  # noqa: E402

# A caller's tokens must outlive the whole campaign.
TOKEN_SECONDS = 6 * 3600


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int, log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "saleor_returns.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread", "--workers", "2", "--threads", "4", "--log-level", "warning",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), start_new_session=True,
                                   stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310 - loopback
            return process
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP answer, even an error, means it is up
                return process
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def fuzz_caller(schema, kind: str, graphql_url: str, headers: dict, requests: int, seed: int) -> CampaignResult:
    """At least `requests` calls as one caller: Hypothesis may end a run early, so runs repeat with new seeds."""
    total = CampaignResult(caller=kind)
    round_ = 0
    while total.requests < requests:
        result = run_campaign(schema, caller=kind, graphql_url=graphql_url, headers=headers,
                              max_examples=requests - total.requests, seconds=float("inf"), seed=seed + round_)
        if result.requests == 0:
            break
        total.requests += result.requests
        total.server_errors += result.server_errors
        total.leaks += result.leaks
        total.messages |= result.messages
        for status, count in result.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + count
        round_ += 1
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10000, help="in total, shared evenly by the caller kinds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)

    per_caller = -(-args.requests // len(CALLER_KINDS))
    results = []
    with FakeSaleor() as saleor:
        shop = open_shop(saleor, token_seconds=TOKEN_SECONDS)
        port = free_port()
        log = Path(os.environ["DATA_DIR"]) / "fuzz-web.log"
        web = serve(port, log)
        try:
            graphql_url = f"http://127.0.0.1:{port}/graphql/"
            fill_id_pool(shop, graphql_url)
            schema = load_schema()
            for index, kind in enumerate(CALLER_KINDS):
                started = time.monotonic()
                result = fuzz_caller(schema, kind, graphql_url, shop.headers[kind], per_caller, args.seed + 1000 * index)
                results.append(result)
                statuses = " ".join(f"{status}:{count}" for status, count in sorted(result.statuses.items()))
                print(f"{kind}: requests={result.requests} statuses={statuses} messages={len(result.messages)} "
                      f"server_errors={len(result.server_errors)} leaks={len(result.leaks)} "
                      f"seconds={time.monotonic() - started:.0f}", flush=True)
        finally:
            stop(web)
            shop.installation.__class__.objects.filter(pk=shop.installation.pk).update(is_active=False)

    for result in results:
        for answer in result.server_errors[:10]:
            print(f"server error ({result.caller}) {answer.operation} {answer.status}: {answer.body[:500]}")
        for word, message, query in result.leaks[:10]:
            print(f"leak ({result.caller}) {word!r} in {message!r}\n  query: {' '.join(query.split())[:500]}")
    requests = sum(result.requests for result in results)
    server_errors = sum(len(result.server_errors) for result in results)
    leaks = sum(len(result.leaks) for result in results)
    print(f"web log: {log}")
    print(f"leaks={leaks}")
    print(f"requests={requests} server_errors={server_errors}")
    sys.exit(1 if server_errors or leaks else 0)


if __name__ == "__main__":
    main()
