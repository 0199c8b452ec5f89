"""The KPI review as a printable page and as a PDF, for the shop's staff (the same authentication as the CSV downloads).

GET /analytics/review.html and /analytics/review.pdf ?from=YYYY-MM-DD&to=YYYY-MM-DD[&channel=][&compare=]
[&lang=en|zh-Hans]: `compare` is previous_period (the default) or previous_year; the page speaks `lang`,
else the language the request accepts (the desk sends its own).

The page also opens without the API's headers from a link `returnKpiReviewLinkCreate` signed (`&shop=…&link=…`,
see kpi_review_links); with `print=1` it prints itself once loaded, by the one script its policy lets run.
"""

import logging
import secrets

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from saleor_returns.analytics.review import PREVIOUS_PERIOD, kpi_review
from saleor_returns.analytics.review_page import PdfUnavailable, review_html, review_pdf
from saleor_returns.api.errors import errors_from_validation
from saleor_returns.api.kpi_review_links import InvalidReviewLink, read_review_link
from saleor_returns.api.staff_downloads import Refused, refusal, shop_period_scope, staff_requestor
from saleor_returns.models import Installation
from saleor_returns.models.notifications import SenderSettings
from saleor_returns.notifications.email import shop_name
from saleor_returns.translations import language_code

logger = logging.getLogger(__name__)

FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def page_policy(script_nonce: str | None = None) -> str:
    """The page's Content-Security-Policy: its own inline styles and SVG, and no script but the one printing it."""
    script = f"script-src 'nonce-{script_nonce}'" if script_nonce else "script-src 'none'"
    return "; ".join([
        "default-src 'none'", "style-src 'unsafe-inline'", "img-src data:", script, "base-uri 'none'",
        "form-action 'none'", "frame-ancestors 'none'",
    ])


def _html(request, installation, scope, print_nonce: str | None = None) -> str:
    try:
        review = kpi_review(installation, scope.first, scope.last, scope.channel_slug,
                            request.GET.get("compare") or PREVIOUS_PERIOD)
    except ValidationError as refused:
        error = errors_from_validation(refused)[0]
        raise Refused(refusal(400, error.field, error.message, error.code.upper())) from None
    shop = shop_name(installation, SenderSettings.objects.filter(installation=installation).first())
    language = request.GET.get("lang") or translation.get_language_from_request(request)
    return review_html(review, shop=shop, language=language, now=timezone.now(), print_nonce=print_nonce)


def _linked_page(request):
    """The page a signed link opens: its review only, for whoever holds the link until it expires."""
    try:
        with translation.override(language_code(request.GET.get("lang"))):
            link = read_review_link(request.GET)
    except InvalidReviewLink as refused:
        logger.warning("KPI review link refused", extra={"reason": refused.args[0]})
        raise Refused(refusal(403, "link", str(refused), "PERMISSION_DENIED")) from None
    installation = Installation.objects.filter(pk=link.installation_id, is_active=True).first()
    if installation is None:
        with translation.override(link.language):
            message = gettext("This link to the KPI review is for a shop that no longer uses the app.")
        raise Refused(refusal(403, "link", message, "PERMISSION_DENIED"))
    scope = shop_period_scope(request, installation)
    nonce = secrets.token_urlsafe(16) if request.GET.get("print") == "1" else None
    response = HttpResponse(_html(request, installation, scope, nonce), content_type=FORMATS["html"])
    response["Content-Security-Policy"] = page_policy(nonce)
    response["Referrer-Policy"] = "no-referrer"
    return response, scope


def _staff_page(request, extension: str):
    requestor = staff_requestor(request)
    scope = shop_period_scope(request, requestor.installation)
    html = _html(request, requestor.installation, scope)
    try:
        body = html.encode() if extension == "html" else review_pdf(html)
    except PdfUnavailable:
        raise Refused(refusal(
            503, None, "PDFs cannot be made on this server: it lacks the Pango libraries WeasyPrint needs. "
            "The printable page works.", "UNAVAILABLE")) from None
    response = HttpResponse(body, content_type=FORMATS[extension])
    if extension == "html":
        response["Content-Security-Policy"] = page_policy()
    return response, scope


@require_GET
def kpi_review_page(request, extension: str):
    try:
        if extension == "html" and "link" in request.GET:
            response, scope = _linked_page(request)
        else:
            response, scope = _staff_page(request, extension)
    except Refused as refused:
        return refused.response
    name = f"return-kpi-review-{scope.first.isoformat()}-{scope.last.isoformat()}.{extension}"
    disposition = "inline" if extension == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
