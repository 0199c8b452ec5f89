"""The app's own Prometheus metrics, kept by every process that serves requests or runs tasks.

Several processes (gunicorn workers, Celery's pool) each count their own share: with
`PROMETHEUS_MULTIPROC_DIR` set (an empty directory, shared by the processes of one host
and emptied before they start) prometheus_client writes every process's figures there and
a scrape adds them up. Without it a scrape sees the answering process only.

Labels are few and bounded: a route is its URL pattern's name (never a path, which holds
ids and tokens), a status its class, a task its registered name.
"""

import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Outside the URL patterns (a 404 for an unknown path).
UNMATCHED_ROUTE = "unmatched"

REQUEST_DURATION = Histogram(
    "saleor_returns_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
TASKS = Counter(
    "saleor_returns_celery_tasks",
    "Celery task runs finished, by task name and outcome (succeeded, failed, retried, ...).",
    ["task", "outcome"],
)
TASK_DURATION = Histogram(
    "saleor_returns_celery_task_duration_seconds",
    "Time a Celery task run took, by task name.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
)


def observe_request(*, route: str, method: str, status_code: int, seconds: float) -> None:
    REQUEST_DURATION.labels(
        route=route, method=method if method in HTTP_METHODS else "other", status=f"{status_code // 100}xx"
    ).observe(seconds)


def observe_task(*, task: str, state: str, seconds: float) -> None:
    """One finished run; `state` as Celery reports it (SUCCESS, FAILURE, RETRY, ...)."""
    outcome = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}.get(state, (state or "unknown").lower())
    TASKS.labels(task=task, outcome=outcome).inc()
    TASK_DURATION.labels(task=task).observe(seconds)


def prepare_shared_folder() -> None:
    """Create PROMETHEUS_MULTIPROC_DIR if it is named and missing: counting into a missing folder fails every request."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)


def process_registry() -> CollectorRegistry:
    """Every process's counters and histograms (this one's alone without a shared directory)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


def process_metrics() -> bytes:
    return generate_latest(process_registry())


def serve_worker_metrics(*, port: int, address: str) -> None:
    """A Celery worker's own /metrics on an internal address, for a worker with no web process beside it.

    No token: it shows task names and counts only, and is meant for an address only Prometheus reaches.
    """
    start_http_server(port, addr=address, registry=process_registry())
