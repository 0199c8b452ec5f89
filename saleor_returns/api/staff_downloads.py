"""What every staff download of the analytics shares: the API's authentication, MANAGE_ORDERS and the period asked for.

A download is a plain GET with the GraphQL API's headers (`Saleor-Api-Url` and the Dashboard's staff
token or an API key); its refusals are JSON bodies shaped like the API's errors.
"""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from saleor_returns.access import MANAGE_ORDERS
from saleor_returns.analytics.figures.scope import Scope, scope_for
from saleor_returns.api.authentication import AuthenticationFailed, authenticate
from saleor_returns.api.errors import errors_from_validation
from saleor_returns.api.views import unauthenticated
from saleor_returns.models import Installation
from saleor_returns.requestors import Requestor


class Refused(Exception):
    """A download refused; `response` says why."""

    def __init__(self, response: HttpResponse):
        super().__init__(response.status_code)
        self.response = response


def refusal(status: int, field: str | None, message: str, code: str = "INVALID") -> HttpResponse:
    body = {"errors": [{"field": field, "code": code, "message": message}]}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def staff_requestor(request: HttpRequest) -> Requestor:
    """The shop's staff member (or API key) with MANAGE_ORDERS asking; raises Refused for anyone else."""
    try:
        requestor = authenticate(request)
    except AuthenticationFailed as error:
        raise Refused(unauthenticated(str(error))) from None
    if requestor.installation is None or not requestor.is_staff:
        raise Refused(refusal(403, None, "Staff only.", "PERMISSION_DENIED"))
    if not requestor.has_permission(MANAGE_ORDERS):
        raise Refused(refusal(403, None, f"Needs {MANAGE_ORDERS}.", "PERMISSION_DENIED"))
    return requestor


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def period_scope(request: HttpRequest, requestor: Requestor) -> Scope:
    """The scope of ?from=YYYY-MM-DD&to=YYYY-MM-DD[&channel=], validated as the API validates a period."""
    return shop_period_scope(request, requestor.installation)


def period_days(request: HttpRequest) -> tuple[date, date]:
    """The days of ?from=YYYY-MM-DD&to=YYYY-MM-DD; raises Refused naming the one missing or malformed."""
    first, last = _day(request.GET.get("from")), _day(request.GET.get("to"))
    for field, value in (("from", first), ("to", last)):
        if value is None:
            raise Refused(refusal(400, field, "Give a day as YYYY-MM-DD."))
    return first, last


def shop_period_scope(request: HttpRequest, installation: Installation) -> Scope:
    """`period_scope` in a shop named otherwise than by the API's headers (a signed link)."""
    first, last = period_days(request)
    try:
        return scope_for(installation, first, last, request.GET.get("channel"))
    except ValidationError as refused:
        error = errors_from_validation(refused)[0]
        raise Refused(refusal(400, error.field, error.message, error.code.upper())) from None
