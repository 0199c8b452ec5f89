"""Analytics tables as CSV downloads, for the shop's staff (the same authentication as the GraphQL API)."""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from saleor_returns.access import MANAGE_ORDERS
from saleor_returns.analytics.figures.exports import TABLES, csv_lines
from saleor_returns.analytics.figures.rates import SORTS, WITHIN
from saleor_returns.analytics.figures.scope import scope_for
from saleor_returns.analytics.figures.stages import stage_targets
from saleor_returns.api.authentication import AuthenticationFailed, authenticate
from saleor_returns.api.errors import errors_from_validation
from saleor_returns.api.views import unauthenticated


def _refused(status: int, field: str | None, message: str, code: str = "INVALID") -> HttpResponse:
    body = {"errors": [{"field": field, "code": code, "message": message}]}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _day(value: str | None):
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@require_GET
def analytics_csv(request, table: str):
    """GET /analytics/<table>.csv?from=YYYY-MM-DD&to=YYYY-MM-DD[&channel=][&sort=][&product_id=][&category_id=]
    [&product_type_id=], streamed: a return-rate table narrowed to those variants, reasons to the product's."""
    try:
        requestor = authenticate(request)
    except AuthenticationFailed as error:
        return unauthenticated(str(error))
    if requestor.installation is None or not requestor.is_staff:
        return _refused(403, None, "Staff only.", "PERMISSION_DENIED")
    if not requestor.has_permission(MANAGE_ORDERS):
        return _refused(403, None, f"Needs {MANAGE_ORDERS}.", "PERMISSION_DENIED")
    if table not in TABLES:
        return _refused(404, "table", f"Choose from {', '.join(sorted(TABLES))}.", "NOT_FOUND")
    first, last = _day(request.GET.get("from")), _day(request.GET.get("to"))
    for field, value in (("from", first), ("to", last)):
        if value is None:
            return _refused(400, field, "Give a day as YYYY-MM-DD.")
    sort = request.GET.get("sort") or "returned_units"
    if sort not in SORTS:
        return _refused(400, "sort", f"Choose from {', '.join(SORTS)}.")
    try:
        scope = scope_for(requestor.installation, first, last, request.GET.get("channel"))
    except ValidationError as refused:
        error = errors_from_validation(refused)[0]
        return _refused(400, error.field, error.message, error.code.upper())
    options = {
        "sort": sort,
        "product_id": request.GET.get("product_id"),
        "within": {column: request.GET.get(column) for column in WITHIN if request.GET.get(column)},
        "rules": stage_targets(requestor.installation, scope.channel_slug),
    }
    response = StreamingHttpResponse(csv_lines(table, scope, options), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}-{first.isoformat()}-{last.isoformat()}.csv"'
    response["Cache-Control"] = "no-store"
    return response
