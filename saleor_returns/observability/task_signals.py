"""Celery's own signals, wherever tasks are queued or run: trace context in the message, a span and metrics per run.

Queuing (`before_task_publish`) writes the current trace context into the message's
headers; the worker sees them on `task.request`, and the run's span continues that trace.
Each run is counted and timed by task name and outcome.
"""

import time

from celery.signals import (
    before_task_publish,
    task_failure,
    task_postrun,
    task_prerun,
    worker_process_shutdown,
    worker_ready,
)
from celery.states import FAILURE
from django.conf import settings
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagate import extract, inject
from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import SpanKind, StatusCode

from saleor_returns.observability.metrics import observe_task, serve_worker_metrics
from saleor_returns.observability.tracing import flush_spans, tracer


def connect_task_signals() -> None:
    """Called once per process when Django is ready (web, worker, beat): queued and run tasks are observed."""
    before_task_publish.connect(carry_trace_context, weak=False, dispatch_uid="saleor_returns.trace_context")
    task_prerun.connect(start_run, weak=False, dispatch_uid="saleor_returns.start_run")
    task_failure.connect(note_failure, weak=False, dispatch_uid="saleor_returns.note_failure")
    task_postrun.connect(finish_run, weak=False, dispatch_uid="saleor_returns.finish_run")
    worker_process_shutdown.connect(flush_on_exit, weak=False, dispatch_uid="saleor_returns.flush_spans")
    worker_ready.connect(serve_metrics, weak=False, dispatch_uid="saleor_returns.worker_metrics")


class _RequestGetter(Getter):
    """Reads trace headers from a task's request, where Celery puts the message's own headers."""

    def get(self, carrier, key):
        value = getattr(carrier, key, None)
        return [value] if isinstance(value, str) else None

    def keys(self, carrier):
        return []


_getter = _RequestGetter()
# task id -> (start time, span, context token) of the runs in progress in this process.
_runs: dict[str, tuple[float, trace.Span, object]] = {}


def carry_trace_context(headers=None, **_kwargs) -> None:
    if headers is not None:
        inject(headers)


def start_run(task_id=None, task=None, **_kwargs) -> None:
    # A task run in place (eager) has no message: it continues the caller's context as it is.
    parent = extract(task.request, context=otel_context.get_current(), getter=_getter)
    span = tracer.start_span(
        f"run {task.name}", context=parent, kind=SpanKind.CONSUMER,
        attributes={"celery.task_name": task.name, "messaging.message.id": task_id or ""},
    )
    token = otel_context.attach(trace.set_span_in_context(span, parent))
    _runs[task_id] = (time.perf_counter(), span, token)


def note_failure(task_id=None, exception=None, **_kwargs) -> None:
    run = _runs.get(task_id)
    if run is not None and exception is not None:
        run[1].record_exception(exception)
        run[1].set_status(StatusCode.ERROR, type(exception).__name__)


def finish_run(task_id=None, task=None, state=None, **_kwargs) -> None:
    run = _runs.pop(task_id, None)
    if run is None:
        return
    started, span, token = run
    if state is None:
        # A run in place (eager) whose error goes up to its caller ends with no state and no failure signal.
        state = FAILURE
        span.set_status(StatusCode.ERROR)
    span.set_attribute("celery.state", state)
    span.end()
    otel_context.detach(token)
    observe_task(task=task.name, state=state, seconds=time.perf_counter() - started)


def flush_on_exit(**_kwargs) -> None:
    flush_spans()


def serve_metrics(**_kwargs) -> None:
    if settings.METRICS_WORKER_PORT:
        serve_worker_metrics(port=settings.METRICS_WORKER_PORT, address=settings.METRICS_WORKER_ADDRESS)
