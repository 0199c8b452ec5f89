"""The KPI review as a printable page and as a PDF, for the shop's staff (the same authentication as the CSV downloads).

GET /analytics/review.html and /analytics/review.pdf ?from=YYYY-MM-DD&to=YYYY-MM-DD[&channel=][&compare=]
[&lang=en|zh-Hans]: `compare` is previous_period (the default) or previous_year; the page speaks `lang`,
else the language the request accepts (the desk sends its own).
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from saleor_returns.analytics.review import PREVIOUS_PERIOD, kpi_review
from saleor_returns.analytics.review_page import PdfUnavailable, review_html, review_pdf
from saleor_returns.api.errors import errors_from_validation
from saleor_returns.api.staff_downloads import Refused, period_scope, refusal, staff_requestor
from saleor_returns.models.notifications import SenderSettings
from saleor_returns.notifications.email import shop_name

FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def _page(request):
    """The review's HTML and the scope it covers, or Refused."""
    requestor = staff_requestor(request)
    scope = period_scope(request, requestor)
    try:
        review = kpi_review(requestor.installation, scope.first, scope.last, scope.channel_slug,
                            request.GET.get("compare") or PREVIOUS_PERIOD)
    except ValidationError as refused:
        error = errors_from_validation(refused)[0]
        raise Refused(refusal(400, error.field, error.message, error.code.upper())) from None
    installation = requestor.installation
    shop = shop_name(installation, SenderSettings.objects.filter(installation=installation).first())
    language = request.GET.get("lang") or translation.get_language_from_request(request)
    return review_html(review, shop=shop, language=language, now=timezone.now()), scope


@require_GET
def kpi_review_page(request, extension: str):
    try:
        html, scope = _page(request)
    except Refused as refused:
        return refused.response
    try:
        body = html.encode() if extension == "html" else review_pdf(html)
    except PdfUnavailable:
        return refusal(503, None, "PDFs cannot be made on this server: it lacks the Pango libraries WeasyPrint needs. "
                       "The printable page works.", "UNAVAILABLE")
    response = HttpResponse(body, content_type=FORMATS[extension])
    name = f"return-kpi-review-{scope.first.isoformat()}-{scope.last.isoformat()}.{extension}"
    disposition = "inline" if extension == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
