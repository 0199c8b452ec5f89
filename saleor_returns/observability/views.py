"""GET /metrics for Prometheus, behind a bearer token; without the token the address does not exist."""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from saleor_returns.observability.database import database_metrics
from saleor_returns.observability.metrics import process_metrics


def _authorized(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@require_GET
def metrics(request):
    # A 404 like any unknown address, whether the token is missing, wrong or not configured.
    if not _authorized(request):
        raise Http404
    response = HttpResponse(process_metrics() + database_metrics(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
