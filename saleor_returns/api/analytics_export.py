"""Analytics tables as CSV downloads, for the shop's staff (the same authentication as the GraphQL API)."""

from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET

from saleor_returns.analytics.figures.exports import TABLES, csv_lines
from saleor_returns.analytics.figures.rates import SORTS, WITHIN
from saleor_returns.analytics.figures.stages import stage_targets
from saleor_returns.api.staff_downloads import Refused, period_scope, refusal, staff_requestor


@require_GET
def analytics_csv(request, table: str):
    """GET /analytics/<table>.csv?from=YYYY-MM-DD&to=YYYY-MM-DD[&channel=][&sort=][&product_id=][&category_id=]
    [&product_type_id=], streamed: a return-rate table narrowed to those variants, reasons to the product's."""
    try:
        requestor = staff_requestor(request)
        if table not in TABLES:
            return refusal(404, "table", f"Choose from {', '.join(sorted(TABLES))}.", "NOT_FOUND")
        sort = request.GET.get("sort") or "returned_units"
        scope = period_scope(request, requestor)
    except Refused as refused:
        return refused.response
    if sort not in SORTS:
        return refusal(400, "sort", f"Choose from {', '.join(SORTS)}.")
    options = {
        "sort": sort,
        "product_id": request.GET.get("product_id"),
        "within": {column: request.GET.get(column) for column in WITHIN if request.GET.get(column)},
        "rules": stage_targets(requestor.installation, scope.channel_slug),
    }
    response = StreamingHttpResponse(csv_lines(table, scope, options), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{table}-{scope.first.isoformat()}-{scope.last.isoformat()}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
