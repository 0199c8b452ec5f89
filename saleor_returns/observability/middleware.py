"""Every request timed for Prometheus and traced as a span that continues the caller's trace."""

import time

from opentelemetry.trace import StatusCode

from saleor_returns.observability.metrics import UNMATCHED_ROUTE, observe_request
from saleor_returns.observability.tracing import LOG_IDS_ENVIRON_KEY, request_log_ids, server_span


def route_name(request) -> str:
    """The URL pattern's name (`saleor-webhook`), never the path with its ids and tokens."""
    match = getattr(request, "resolver_match", None)
    return (match.view_name or match.route) if match is not None else UNMATCHED_ROUTE


class RequestObservationMiddleware:
    """First in MIDDLEWARE, so the span and the time cover every other middleware too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        method = request.method
        with server_span(request.headers, method, {"http.request.method": method}) as span, \
                request_log_ids(request.headers) as ids:
            # META is the WSGI environ gunicorn hands to its access log.
            request.META[LOG_IDS_ENVIRON_KEY] = ids
            response = self.get_response(request)
            route = route_name(request)
            span.update_name(f"{method} {route}")
            span.set_attribute("http.route", route)
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 500:
                span.set_status(StatusCode.ERROR)
        observe_request(route=route, method=method, status_code=response.status_code,
                        seconds=time.perf_counter() - started)
        return response
