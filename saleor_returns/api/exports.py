"""CSV downloads for staff, streamed page by page (a large export never holds all its rows in memory)."""

import csv
from datetime import date

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET

from saleor_returns.analytics.returners import WEIGHTS, check_period, frequent_returners
from saleor_returns.api.errors import errors_from_validation
from saleor_returns.api.staff_downloads import Refused, period_days, refusal, staff_requestor

PAGE = 500


class _Echo:
    def write(self, value):
        return value


def _returner_rows(installation, first: date, last: date):
    writer = csv.writer(_Echo())
    yield writer.writerow([
        "customer", "customer_user_id", "customer_email", "currency", "score", "requests", "bought_units",
        "returned_units", "bought_value", "returned_value", "claims", "rejected", "status",
        *(f"{name}_points" for name in WEIGHTS), *(f"{name}_reason" for name in WEIGHTS),
    ])
    offset = 0
    while True:
        rows = frequent_returners(installation, first=first, last=last, limit=PAGE, offset=offset)
        for row in rows:
            yield writer.writerow([
                row.customer_key, row.customer_user_id, row.customer_email, row.currency, row.score, row.requests,
                row.bought_units, row.returned_units, row.bought_value, row.returned_value, row.claims,
                row.rejected, row.status.status if row.status else "",
                *(component.points for component in row.components),
                *(component.reason for component in row.components),
            ])
        if len(rows) < PAGE:
            return
        offset += PAGE


@require_GET
def frequent_returners_csv(request):
    """Staff with MANAGE_ORDERS, authenticated as for the GraphQL API: ?from=YYYY-MM-DD&to=YYYY-MM-DD.

    Refusals are JSON, shaped like the API's errors (`staff_downloads`)."""
    try:
        requestor = staff_requestor(request)
        first, last = period_days(request)
    except Refused as refused:
        return refused.response
    try:
        check_period(first, last)
    except ValidationError as refused:
        error = errors_from_validation(refused)[0]
        return refusal(400, error.field, error.message, error.code.upper())
    response = StreamingHttpResponse(
        _returner_rows(requestor.installation, first, last), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="frequent-returners-{first}-{last}.csv"'
    return response
