"""Guest lookup limits hold across processes: two gunicorn servers (two workers each) on one database."""

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from saleor_returns import actions
from saleor_returns.paths import BASE_DIR
from tests.api.conftest import shipped_order
from tests.test_runner import free_port
from tests.test_worker import app_process_env

LOOKUP = """
mutation($number: String!, $email: String!) {
  returnLookupTokenCreate(orderNumber: $number, email: $email) { token errors { code } }
}
"""


def start_web(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "saleor_returns.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=BASE_DIR, env=app_process_env(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )


@pytest.fixture
def two_servers():
    ports = [free_port(), free_port()]
    processes = [start_web(port) for port in ports]
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


def lookup(base_url: str, api_url: str, number, email: str) -> dict:
    body = json.dumps({"query": LOOKUP, "variables": {"number": str(number), "email": email}}).encode()
    request = urllib.request.Request(
        f"{base_url}/graphql/", data=body, method="POST",
        headers={"Content-Type": "application/json", "Saleor-Api-Url": api_url},
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
        return json.loads(response.read())["data"]["returnLookupTokenCreate"]


@pytest.mark.django_db(transaction=True)
def test_failed_lookups_are_counted_once_for_every_process(installation, fake_saleor, two_servers):
    # given
    actions.seed_default_reasons(installation=installation)
    order = shipped_order(fake_saleor, email="guest@example.com")
    api_url = installation.saleor_api_url

    # when: ten wrong guesses spread over both servers (and their workers)
    for attempt in range(10):
        failed = lookup(two_servers[attempt % 2], api_url, order["number"], f"guess{attempt}@example.com")
        assert failed["errors"] == [{"code": "NOT_FOUND"}]

    # then: the eleventh try is refused, whichever server takes it
    for base_url in two_servers:
        refused = lookup(base_url, api_url, order["number"], "guest@example.com")
        assert refused == {"token": None, "errors": [{"code": "TOO_MANY_ATTEMPTS"}]}
