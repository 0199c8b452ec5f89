"""Serves the returns desk: one HTML page for every desk route, and its assets.

The page carries no data and no secret of its own: the browser code waits for
the Dashboard's app-bridge handshake and calls the app's GraphQL API with the
staff token it receives. An extension mounted with POST sends the token as form
data instead; the page then hands it to the code the same way.

Every desk route answers where the Dashboard asks, never with a redirect: the
Dashboard joins iframe URLs with url-join, which drops the trailing slash
(`/dashboard?domain=…`), and a redirect would lose the framed page's referrer,
the only way the page learns the Dashboard's origin (shared/specs/saleor.md §j).
"""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from saleor_returns import __version__
from saleor_returns.static_assets import serve_asset

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "returns-desk"
BASE_PATH = "/dashboard/"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# What the desk may load: only its own assets and API; photos may come from the
# evidence storage (signed links, possibly another host); the Dashboard frames it.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob: https:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors *",
    ]
)

# The blank page the desk writes an e-mail's preview, or the KPI review's printable page, into
# (a same-origin frame sandboxed without scripts): its own policy lets their inline styles
# apply, which the desk's policy refuses, and lets nothing else run or load but images.
MESSAGE_PREVIEW_PAGE = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title></title></head><body></body></html>\n'
MESSAGE_PREVIEW_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src https: data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors *",
    ]
)

# The mount's context a POST carries as form fields (a GET has it in the query string).
POST_CONTEXT_FIELDS = ("orderId",)


def _desk_config(
    request, *, access_token: str | None = None, saleor_api_url: str | None = None, app_id: str | None = None,
    context: dict | None = None,
) -> dict:
    return {
        "basePath": BASE_PATH,
        "apiUrl": "/graphql/",
        "demo": bool(settings.DEMO_SHOP_API_URL) and saleor_api_url_param(request) == settings.DEMO_SHOP_API_URL,
        "accessToken": access_token,
        "saleorApiUrl": saleor_api_url,
        "appId": app_id,
        "context": context or {},
    }


def saleor_api_url_param(request) -> str:
    return request.POST.get("saleorApiUrl") or request.GET.get("saleorApiUrl") or ""


def _page(request, config: dict) -> HttpResponse:
    response = render(
        request,
        "returns_desk/desk.html",
        {
            # json_script escapes the JSON for an HTML <script> element.
            "config": config,
            "assets": BASE_PATH + "assets/",
            "version": __version__,
        },
    )
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    # The desk's own requests keep the origin across origins (the browser's default);
    # Django's "same-origin" would strip it from anything the page sends elsewhere.
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


@never_cache
@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def desk(request, subpage: str | None = None):
    """Every desk route renders the same page; the browser code picks the view.

    GET: the Dashboard's app-bridge handshake brings the token. POST: an extension
    mounted with `method: POST` sends it as form data (with saleorApiUrl and appId).
    """
    if request.method == "POST":
        token = (request.POST.get("accessToken") or "").strip() or None
        api_url = (request.POST.get("saleorApiUrl") or "").strip() or None
        app_id = (request.POST.get("appId") or "").strip() or None
        context = {name: request.POST[name].strip() for name in POST_CONTEXT_FIELDS if request.POST.get(name)}
        return _page(request, _desk_config(
            request, access_token=token, saleor_api_url=api_url, app_id=app_id, context=context,
        ))
    return _page(request, _desk_config(request))


@require_GET
def asset(request, path: str):
    """The desk's own JavaScript and CSS, straight from the package (no build step)."""
    return serve_asset(request, ASSETS_DIR, path)


@never_cache
@xframe_options_exempt
@require_GET
def message_preview_frame(request):
    """An empty page for the desk's HTML previews: message templates, the KPI review (see MESSAGE_PREVIEW_POLICY)."""
    response = HttpResponse(MESSAGE_PREVIEW_PAGE)
    response["Content-Security-Policy"] = MESSAGE_PREVIEW_POLICY
    response["Referrer-Policy"] = "no-referrer"
    return response
