"""`make run`: the whole app from one command, stopped cleanly by Ctrl-C."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil

from saleor_returns.paths import BASE_DIR

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
}


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


def test_make_run_serves_the_manifest_and_stops_on_ctrl_c(tmp_path):
    # given
    port = free_port()
    data_dir = tmp_path / "data"
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    env.update(PORT=str(port), DATA_DIR=str(data_dir), LOG_FORMAT="text")
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
            if "Manifest URL" in line:
                break
        assert any(f"http://127.0.0.1:{port}/api/manifest" in line for line in output), "".join(output)

        # then: the real app answers
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/manifest", timeout=10) as response:
            manifest = json.load(response)
        assert manifest["tokenTargetUrl"] == f"http://127.0.0.1:{port}/api/register"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert json.load(response) == {"status": "ok", "database": "ok", "broker": "ok"}
        assert len(descendants_and_servers(runner.pid, str(data_dir))) >= 4

        # when: Ctrl-C
        runner.send_signal(signal.SIGINT)
        runner.wait(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
        remaining_output = runner.stdout.read()
        output.append(remaining_output)

    # then: nothing is left running
    assert runner.returncode == 0, "".join(output)
    assert "Stopped." in "".join(output)
    time.sleep(0.5)
    assert descendants_and_servers(runner.pid, str(data_dir)) == []
