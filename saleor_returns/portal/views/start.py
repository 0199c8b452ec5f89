"""The way in: the policy, looking an order up, signing in, opening a link; the language switch and theme."""

import logging
from datetime import datetime, timedelta

from graphql_relay import to_global_id

from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saleor_returns.portal import limits, sessions
from saleor_returns.portal.forms import Form, place_errors
from saleor_returns.portal.language import COOKIE as LANGUAGE_COOKIE
from saleor_returns.portal.language import LANGUAGES, from_saleor
from saleor_returns.return_links import InvalidPortalLink, LinkPurpose, read_link_token
from saleor_returns.models.portal import PortalSession
from saleor_returns.portal.views.base import Visit, page, portal_view, redirect
from saleor_returns.saleor import customers
from saleor_returns.saleor.client import SaleorUnavailable

logger = logging.getLogger(__name__)

LOOKUP_FIELDS = ("orderNumber", "email")
SIGN_IN_FIELDS = ("email", "password")


def _home(visit: Visit, lookup: Form | None = None, sign_in: Form | None = None, status: int = 200):
    notice = visit.call("policy_notice").data.get("returnPolicyNotice") or {}
    return page(visit, "portal/home.html", {
        "policy": notice,
        "lookup": lookup or Form("lookup", LOOKUP_FIELDS),
        "sign_in": sign_in or Form("signin", SIGN_IN_FIELDS),
    }, status=status)


@portal_view()
def home(visit: Visit):
    if visit.session is not None:
        # Already in: straight to what they came for.
        if visit.session.kind == PortalSession.Kind.LINK:
            return redirect(visit, linked_path(visit))
        return redirect(visit, "orders")
    return _home(visit)


@portal_view(methods=("POST",))
def lookup(visit: Visit):
    form = Form("lookup", LOOKUP_FIELDS, visit.request.POST)
    if not form["orderNumber"].value:
        form.add_error("orderNumber", _("Enter the order number from your confirmation e-mail."))
    if not form["email"].value:
        form.add_error("email", _("Enter the e-mail address you ordered with."))
    if form.has_errors:
        return _home(visit, lookup=form, status=400)
    visit.session = None  # a new lookup is made as nobody
    result = visit.call("lookup", {"orderNumber": form["orderNumber"].value, "email": form["email"].value})
    payload = result.payload("returnLookupTokenCreate")
    if payload["errors"]:
        place_errors(form, payload["errors"])
        return _home(visit, lookup=form, status=400)
    response = redirect(visit, "orders")
    session = sessions.start(
        response, visit.request, visit.settings, kind=PortalSession.Kind.GUEST, token=payload["token"],
        expires_at=datetime.fromisoformat(payload["expiresAt"]), email=form["email"].value,
        order_id=payload["orderId"],
    )
    _remember_order_language(visit, session)
    return response


def _remember_order_language(visit: Visit, session: PortalSession) -> None:
    """The order's language, as Saleor has it, for a visitor who has not picked one."""
    visit.session = session
    orders = visit.call("my_orders").data.get("myOrders") or []
    language = from_saleor(orders[0].get("languageCode")) if orders else ""
    if language:
        session.language = language
        session.save(update_fields=["language"])


@portal_view(methods=("POST",))
def sign_in(visit: Visit):
    form = Form("signin", SIGN_IN_FIELDS, visit.request.POST)
    password = visit.request.POST.get("signin-password") or ""
    form["password"].value = ""  # never sent back to the page
    if not form["email"].value:
        form.add_error("email", _("Enter the e-mail address of your account."))
    if not password:
        form.add_error("password", _("Enter your password."))
    if form.has_errors:
        return _home(visit, sign_in=form, status=400)
    wait = limits.minutes_blocked(visit.request, visit.installation, form["email"].value)
    if wait:
        form.add_error(None, ngettext("Too many attempts; try again in %(minutes)d minute.",
                                      "Too many attempts; try again in %(minutes)d minutes.", wait) % {"minutes": wait})
        return _home(visit, sign_in=form, status=429)
    try:
        signed_in = customers.sign_in(visit.installation, form["email"].value, password)
    except customers.SignInRefused:
        limits.count_failure(visit.request, visit.installation, form["email"].value)
        form.add_error("password", _("The e-mail or password is not right."))
        return _home(visit, sign_in=form, status=400)
    except SaleorUnavailable:
        form.add_error(None, _("The shop did not answer; try again in a moment."))
        return _home(visit, sign_in=form, status=503)
    response = redirect(visit, "orders")
    sessions.start(
        response, visit.request, visit.settings, kind=PortalSession.Kind.CUSTOMER, token=signed_in.token,
        refresh_token=signed_in.refresh_token, token_expires_at=sessions.access_token_expiry(signed_in.token),
        expires_at=timezone.now() + sessions.CUSTOMER_SESSION_TTL, email=signed_in.email,
        language=from_saleor(signed_in.language_code),
    )
    logger.info("Customer signed in to the portal", extra={"installation_id": str(visit.installation.pk)})
    return response


@portal_view(methods=("POST",))
def sign_out(visit: Visit):
    response = redirect(visit)
    sessions.end(response, visit.request, visit.settings)
    return response


@portal_view()
def open_link(visit: Visit):
    """A link from a message (`?link=rpl_…`): that one return, then the address without the token."""
    token = visit.request.GET.get("link", "")
    try:
        link = read_link_token(token, installation_id=visit.installation.pk, purpose=LinkPurpose.STATUS)
    except InvalidPortalLink as problem:
        return page(visit, "portal/problem.html", {
            "title": _("This link cannot be opened"), "message": _(str(problem)), "start_again": True,
        }, status=400)
    response = redirect(visit, linked_return_path(link.return_request_id))
    sessions.start(
        response, visit.request, visit.settings, kind=PortalSession.Kind.LINK, token=token,
        expires_at=min(link.expires_at, timezone.now() + timedelta(days=1)), return_request_id=link.return_request_id,
    )
    return response


def linked_path(visit: Visit) -> str:
    """Where a visitor who came with a link belongs: the survey it opens, or the page of its return."""
    return "survey" if visit.survey_link else linked_return_path(visit.session.return_request_id)


def linked_return_path(return_request_id: str) -> str:
    """The page of the one return a link opens (the API names returns by their global id)."""
    return "return/" + to_global_id("ReturnRequest", return_request_id)


@portal_view(when_disabled=True)
def switch_language(visit: Visit):
    """The language switcher: remembered for this shop's portal, then back to the page it was used on."""
    wanted = visit.request.GET.get("to", "")
    target = visit.request.GET.get("next", "")
    if not target.startswith(visit.base) or "//" in target or "\\" in target:
        target = visit.base
    response = HttpResponseRedirect(target)
    if wanted in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, wanted, max_age=365 * 86400,
                            **sessions.cookie_options(visit.request, visit.settings))
    return response


@portal_view(when_disabled=True)
def theme(visit: Visit):
    """The shop's colours as CSS variables (a stylesheet, so the pages need no inline style)."""
    return HttpResponse(page(visit, "portal/theme.css").content, content_type="text/css; charset=utf-8")
