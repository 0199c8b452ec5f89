"""OpenTelemetry traces, off unless the usual OTEL_* variables ask for them.

The app speaks W3C trace context (`traceparent`): a request continues the trace its
caller sent (Saleor sends one with every webhook), a queued task continues the trace
that queued it (the context rides in the task message's headers), and every outbound
call carries it on. With no exporter configured the API records nothing, but the
incoming context still flows through, so log lines name the caller's trace.

Configuration (read once per process, in `SaleorReturnsConfig.ready`):

* `OTEL_SDK_DISABLED=true` turns everything off.
* `OTEL_TRACES_EXPORTER`: `otlp` (OTLP over HTTP/protobuf) and/or `console`,
  comma-separated; `none` or unset means off, unless an OTLP endpoint is set
  (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), which
  means `otlp`.
* The exporter, resource and sampler read their own variables: the endpoint,
  `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SERVICE_NAME` (default `saleor-returns`),
  `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`, `OTEL_BSP_*`.
"""

import os
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ImproperlyConfigured
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.propagate import extract, inject
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import Span, SpanKind, StatusCode

DEFAULT_SERVICE_NAME = "saleor-returns"
OTLP_PROTOCOL = "http/protobuf"
EXPORTERS = {"otlp": OTLPSpanExporter, "console": ConsoleSpanExporter}

# Where a request's `log_ids()` wait in its WSGI environ for the access log line, which
# gunicorn writes after the request's span has ended.
LOG_IDS_ENVIRON_KEY = "saleor_returns.log_ids"
# Names a request that has no trace (tracing off and no `traceparent` sent) in its log lines.
_request_id: ContextVar[str | None] = ContextVar("saleor_returns_request_id", default=None)
# An X-Request-ID sent by a proxy is kept when it looks like one; anything else is replaced.
_SENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

# A proxy: spans go to whichever provider is installed, now or later.
tracer = trace.get_tracer("saleor_returns")

_configured = False


def exporter_names(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The span exporters the environment asks for; empty when tracing is off."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    names = [name.strip().lower() for name in environ.get("OTEL_TRACES_EXPORTER", "").split(",") if name.strip()]
    if not names and (environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")):
        names = ["otlp"]
    return [name for name in names if name != "none"]


def build_exporters(environ: Mapping[str, str] = os.environ) -> list[SpanExporter]:
    names = exporter_names(environ)
    unknown = sorted(set(names) - set(EXPORTERS))
    if unknown:
        raise ImproperlyConfigured(
            f"OTEL_TRACES_EXPORTER names {', '.join(unknown)}; the app exports to {', '.join(sorted(EXPORTERS))}."
        )
    protocol = environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
    if "otlp" in names and protocol and protocol != OTLP_PROTOCOL:
        raise ImproperlyConfigured(f"OTLP protocol {protocol!r}: the app exports traces over {OTLP_PROTOCOL} only.")
    return [EXPORTERS[name]() for name in names]


def service_resource() -> Resource:
    """OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, with the app's own name when neither names the service."""
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    return resource


def configure_tracing() -> bool:
    """Install a tracer provider exporting as the environment asks, once per process; False when tracing is off."""
    global _configured
    if _configured:
        return True
    exporters = build_exporters()
    if not exporters:
        return False
    provider = TracerProvider(resource=service_resource())
    for exporter in exporters:
        # The batch processor restarts its export thread in forked children (prefork workers).
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _configured = True
    return True


def flush_spans() -> None:
    """Export what is buffered now: a process that exits without atexit (a prefork child) loses nothing."""
    provider = trace.get_tracer_provider()
    if hasattr(provider, "force_flush"):
        provider.force_flush()


def current_trace_ids() -> tuple[str, str] | None:
    """(trace id, span id) in hex of the span in progress, or None outside one."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)


def log_ids() -> dict[str, str]:
    """What ties a log line to its request or task run: the trace and span ids, else the request id."""
    trace_ids = current_trace_ids()
    if trace_ids is not None:
        return {"trace_id": trace_ids[0], "span_id": trace_ids[1]}
    request_id = _request_id.get()
    return {"request_id": request_id} if request_id else {}


@contextmanager
def request_log_ids(headers: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """Inside a request's span: yields its `log_ids()`. A request with no trace is given a request id
    (the proxy's `X-Request-ID` when it looks like one) for the lines logged meanwhile."""
    token = None
    if current_trace_ids() is None:
        sent = headers.get("X-Request-ID", "")
        token = _request_id.set(sent if _SENT_REQUEST_ID.fullmatch(sent) else secrets.token_hex(16))
    try:
        yield log_ids()
    finally:
        if token is not None:
            _request_id.reset(token)


@contextmanager
def server_span(headers: Mapping[str, str], name: str, attributes: dict) -> Iterator[Span]:
    """The span of one incoming request, continuing the caller's `traceparent` if it sent one."""
    with tracer.start_as_current_span(
        name, context=extract(headers), kind=SpanKind.SERVER, attributes=attributes
    ) as span:
        yield span


@contextmanager
def client_span(name: str, headers, attributes: dict) -> Iterator[Span]:
    """The span of one outbound call; `headers` (a mutable mapping) gets its `traceparent`."""
    with tracer.start_as_current_span(name, kind=SpanKind.CLIENT, attributes=attributes) as span:
        inject(headers)
        yield span


@contextmanager
def http_client_span(method: str, url, headers, attributes: dict | None = None) -> Iterator[Span]:
    """`client_span` of one HTTP request to `url` (an httpx.URL): it names the host, never the
    path or query, which may hold secrets. Record the answer with `record_http_status`."""
    attributes = {
        "http.request.method": method,
        "server.address": url.host,
        "server.port": url.port or (443 if url.scheme == "https" else 80),
        **(attributes or {}),
    }
    with client_span(method, headers, attributes) as span:
        yield span


def record_http_status(span: Span, status_code: int) -> None:
    span.set_attribute("http.response.status_code", status_code)
    if status_code >= 400:
        span.set_status(StatusCode.ERROR)
