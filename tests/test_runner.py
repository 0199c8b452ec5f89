"""`make run`: the whole app and its demo shop from one command, stopped cleanly by Ctrl-C."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import unquote, urlencode, urlsplit

import psutil

from saleor_returns.demo import DEMO_BANNER, DEMO_STAFF_EMAIL
from saleor_returns.paths import BASE_DIR
from saleor_returns.states import ReturnStatus

# Variables the test process itself set (test settings, its own database).
TEST_ONLY = {
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "SALEOR_RETURNS_TESTING",
    "CELERY_TASK_ALWAYS_EAGER",
    "DATA_DIR",
    "APP_PUBLIC_URL",
    "SALEOR_HTTP_BACKOFF",
    "SALEOR_HTTP_TIMEOUT",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "SALEOR_API_URL_ALLOWLIST",
    "HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS",
}
STATUS_COUNTS = "{ returnStatusCounts { status count } }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants_and_servers(runner_pid: int, data_dir: str) -> list[psutil.Process]:
    """The runner's children, and any PostgreSQL serving the run's data folder."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        try:
            cmdline = " ".join(process.info["cmdline"] or [])
            if data_dir in cmdline or process.ppid() == runner_pid:
                found.append(process)
        except psutil.Error:
            continue
    return found


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, response.read()


def demo_status_counts(app_url: str, dashboard_url: str) -> dict[str, int]:
    """Ask the app, as the demo's staff user, how many returns each status holds."""
    demo_shop = urlsplit(dashboard_url)
    app_id = unquote(demo_shop.path.split("/extensions/app/", 1)[1].split("/", 1)[0])
    token_url = f"{demo_shop.scheme}://{demo_shop.netloc}/dashboard-double/token?" + urlencode(
        {"appId": app_id, "staff": DEMO_STAFF_EMAIL}
    )
    token = json.loads(get(token_url)[1])["token"]
    request = urllib.request.Request(
        f"{app_url}/graphql/", data=json.dumps({"query": STATUS_COUNTS}).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                 "Saleor-Api-Url": f"{demo_shop.scheme}://{demo_shop.netloc}/graphql/"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        result = json.load(response)
    assert "errors" not in result, result
    return {row["status"].lower(): row["count"] for row in result["data"]["returnStatusCounts"]}


def test_make_run_serves_the_manifest_and_the_demo_shop_and_stops_on_ctrl_c(tmp_path):
    # given
    port = free_port()
    demo_port = free_port()
    data_dir = tmp_path / "data"
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    env.update(PORT=str(port), DATA_DIR=str(data_dir), LOG_FORMAT="text", DEMO_SALEOR_PORT=str(demo_port))
    runner = subprocess.Popen(
        [sys.executable, "-m", "saleor_returns", "run"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        # when: it says it is ready (within 60 s)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = runner.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Demo shop (sample data, not a real Saleor), open: " in line:
                break
        assert any(f"http://127.0.0.1:{port}/api/manifest" in line for line in output), "".join(output)
        # then: a short start, its two addresses last
        assert len(output) <= 12, "".join(output)
        assert "Manifest URL" in output[-2] and "Demo shop" in output[-1], "".join(output)
        (demo_line,) = [line for line in output if "Demo shop (sample data, not a real Saleor), open: " in line]
        dashboard_url = demo_line.split("open: ", 1)[1].strip()

        # then: the real app answers
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/manifest", timeout=10) as response:
            manifest = json.load(response)
        assert manifest["tokenTargetUrl"] == f"http://127.0.0.1:{port}/api/register"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?token=not-for-the-log", timeout=10) as response:
            assert json.load(response) == {"status": "ok", "database": "ok", "broker": "ok"}
        assert len(descendants_and_servers(runner.pid, str(data_dir))) >= 4

        # then: the demo shop's Dashboard frames the app, and the app serves its returns in every status
        # (Orders → Returns: the desk's list as an app page, framed at the app's own address)
        assert dashboard_url.startswith(f"http://127.0.0.1:{demo_port}/dashboard-double/extensions/app/")
        status, page = get(dashboard_url)
        assert status == 200
        assert DEMO_BANNER in page.decode()
        assert f'"frameUrl": "http://127.0.0.1:{port}/dashboard?domain=' in page.decode()
        counts = demo_status_counts(f"http://127.0.0.1:{port}", dashboard_url)
        assert {name for name, count in counts.items() if count} == set(ReturnStatus.values) - {ReturnStatus.REQUESTED}

        # when: Ctrl-C
        runner.send_signal(signal.SIGINT)
        runner.wait(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
        remaining_output = runner.stdout.read()
        output.append(remaining_output)

    # then: the access log names the request, not its query string
    assert any("gunicorn.access GET /healthz 200" in line for line in output), "".join(output)
    assert "not-for-the-log" not in "".join(output)

    # then: nothing is left running
    assert runner.returncode == 0, "".join(output)
    assert "Stopped." in "".join(output)
    # (a busy machine may need a moment to reap the last process)
    deadline = time.monotonic() + 5
    while descendants_and_servers(runner.pid, str(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert descendants_and_servers(runner.pid, str(data_dir)) == []
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", demo_port)) != 0, "the demo shop still answers"
