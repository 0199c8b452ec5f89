"""An OpenTelemetry collector double: receives OTLP/HTTP (protobuf) span exports over loopback.

Processes of the app (a Celery worker, gunicorn) started with
`OTEL_EXPORTER_OTLP_ENDPOINT=<collector.endpoint>` export their spans here; the test
reads them back from `spans`, each as a plain dict.
"""

from __future__ import annotations

import gzip
import threading
import time

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from .saleor.loopback import LoopbackHandler, LoopbackServer

TRACES_PATH = "/v1/traces"


def _attribute_value(value):
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind else None


class _Handler(LoopbackHandler):
    fake: FakeOtlpCollector

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != TRACES_PATH:
            self.send_plain(404, b"Not Found")
            return
        if (self.headers.get("Content-Encoding") or "").lower() == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        self.fake.receive(request)
        self.send_plain(200, ExportTraceServiceResponse().SerializeToString(), content_type="application/x-protobuf")


class FakeOtlpCollector(LoopbackServer):
    handler_class = _Handler
    thread_name = "fake-otlp-collector"

    def __init__(self):
        self.spans: list[dict] = []
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        """`OTEL_EXPORTER_OTLP_ENDPOINT`: the exporter adds `/v1/traces`."""
        return f"http://127.0.0.1:{self.port}"

    def receive(self, request: ExportTraceServiceRequest) -> None:
        received = []
        for resource_spans in request.resource_spans:
            resource = {item.key: _attribute_value(item.value) for item in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    received.append({
                        "service_name": resource.get("service.name"),
                        "name": span.name,
                        "kind": span.kind,
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                        "attributes": {item.key: _attribute_value(item.value) for item in span.attributes},
                        "status_code": span.status.code,
                    })
        with self.lock:
            self.spans.extend(received)

    def wait_for(self, predicate, *, seconds: float = 20.0) -> list[dict]:
        """The spans received once `predicate(spans)` holds; raises TimeoutError after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            with self.lock:
                spans = list(self.spans)
            if predicate(spans):
                return spans
            if time.monotonic() > deadline:
                raise TimeoutError(f"the collector received {len(spans)} spans, not the ones awaited")
            time.sleep(0.1)
