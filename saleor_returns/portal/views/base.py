"""What every portal page shares: the shop, its branding and embedding, the visitor's session and language."""

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from saleor_returns.api.authentication import AuthenticationFailed
from saleor_returns.models import Installation
from saleor_returns.portal import api, sessions
from saleor_returns.portal.language import HTML_LANG, LANGUAGES, choose
from saleor_returns.return_links import portal_path
from saleor_returns.models.portal import PortalSession, PortalSettings
from saleor_returns.portal.settings import palette, settings_for
from saleor_returns.saleor.client import SaleorError
from saleor_returns.static_assets import serve_asset

logger = logging.getLogger(__name__)

ASSETS_DIR = Path(__file__).resolve().parent.parent / "static" / "portal"


def content_security_policy(portal_settings: PortalSettings) -> str:
    """Only the portal's own scripts and styles; framed by the app itself and the origins the shop listed."""
    ancestors = " ".join(["'self'", *portal_settings.frame_ancestors])
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # the shop's logo, and carriers' QR codes for the drop-off point
        "img-src 'self' data: https:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ])


@dataclass
class Visit:
    """One request to a shop's portal."""

    request: object
    installation: Installation
    settings: PortalSettings
    session: PortalSession | None
    language: str

    @property
    def base(self) -> str:
        return portal_path(self.installation.pk)

    @property
    def shop_name(self) -> str:
        return self.settings.shop_name or self.installation.saleor_domain or _("Returns")

    @property
    def survey_link(self) -> str:
        """The survey link the visitor came in with ("" for any other way in): it opens the survey only."""
        return sessions.survey_link(self.session)

    def call(self, name: str, variables: dict | None = None) -> api.ApiResult:
        """Run a portal document as the visitor (nobody, before they prove an order or when they came with
        a survey link, which the survey's documents carry); raises SessionOver."""
        token = None
        if self.session is not None and not self.survey_link:
            token = sessions.api_token(self.session)
            if token is None:
                raise SessionOver()
        try:
            return api.call(self.request, installation=self.installation, token=token, name=name,
                            variables=variables, language=self.language)
        except AuthenticationFailed:
            raise SessionOver() from None


class SessionOver(Exception):
    """The visitor's token no longer opens anything (expired, revoked): they start again."""


def page(visit: Visit, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    request = visit.request
    return render(request, template, {
        "visit": visit,
        "base": visit.base,
        "shop_name": visit.shop_name,
        "portal": visit.settings,
        "colors": palette(visit.settings),
        "html_lang": HTML_LANG[visit.language],
        "language": visit.language,
        "languages": [(code, HTML_LANG[code]) for code in LANGUAGES],
        "form_token": sessions.form_token(request),
        "path": request.path,
        **(context or {}),
    }, status=status)


def redirect(visit: Visit, path: str = "") -> HttpResponse:
    return HttpResponseRedirect(visit.base + path)


def _finish(response: HttpResponse, request, portal_settings: PortalSettings, language: str) -> HttpResponse:
    response["Content-Security-Policy"] = content_security_policy(portal_settings)
    # A link carries a token in its query: it must not leave for another site in a Referer
    # (the portal's own forms still send their Origin, which their check needs).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = HTML_LANG.get(language, "en")
    sessions.keep_form_cookie(response, request, portal_settings)
    return response


def portal_view(methods=("GET",), *, when_disabled: bool = False):
    """A page of a shop's portal: 404 for an unknown shop, a notice when the shop turned its portal off
    (unless `when_disabled`: what that notice itself needs)."""

    def decorate(view):
        @functools.wraps(view)
        @xframe_options_exempt  # framing is governed by the shop's frame-ancestors instead
        def wrapper(request, installation_id, *args, **kwargs):
            installation = Installation.objects.filter(pk=installation_id, is_active=True).first()
            if installation is None:
                raise Http404("No returns portal here.")
            portal_settings = settings_for(installation)
            session = sessions.current(request, installation)
            language = choose(request, session.language if session else "")
            visit = Visit(request=request, installation=installation, settings=portal_settings, session=session,
                          language=language)
            with translation.override(language):
                if not portal_settings.is_enabled and not when_disabled:
                    response = page(visit, "portal/disabled.html", status=404)
                elif request.method not in methods:
                    response = HttpResponseNotAllowed(methods)
                elif request.method == "POST" and not sessions.form_is_genuine(request):
                    response = page(visit, "portal/problem.html", {
                        "title": _("This form has expired"),
                        "message": _("Reload the page and send the form again."),
                    }, status=403)
                else:
                    response = _run(view, visit, args, kwargs)
            return _finish(response, request, portal_settings, language)

        return wrapper

    return decorate


def _run(view, visit: Visit, args, kwargs) -> HttpResponse:
    try:
        return view(visit, *args, **kwargs)
    except SessionOver:
        response = page(visit, "portal/problem.html", {
            "title": _("Your session has ended"),
            "message": _("Look your order up again or sign in again to go on."),
            "start_again": True,
        }, status=401)
        sessions.end(response, visit.request, visit.settings)
        return response
    except SaleorError:
        logger.warning("The shop did not answer a portal page", extra={"installation_id": str(visit.installation.pk)})
        return page(visit, "portal/problem.html", {
            "title": _("The shop did not answer"),
            "message": _("Try again in a moment."),
        }, status=503)


@require_GET
def asset(request, path: str):
    """The portal's CSS and JavaScript, straight from the package (no build step)."""
    return serve_asset(request, ASSETS_DIR, path)
