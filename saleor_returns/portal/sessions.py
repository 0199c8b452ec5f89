"""The portal's visitor sessions: a signed, HttpOnly cookie holding a random key; the token stays in the database.

A session is bound to one shop (the cookie's path is the shop's portal) and to one way
in: a guest's lookup token, a customer's Saleor tokens, or a link to one return (its page,
or its survey: that link opens nothing but the survey, so its calls name it instead). Forms
carry a token derived from a second random cookie (double submit), checked on every POST
together with the Origin header, so another site cannot post for the visitor.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from saleor_returns.return_links import InvalidPortalLink, LinkPurpose, portal_path, read_link_token
from saleor_returns.models.portal import PortalSession
from saleor_returns.saleor import customers

SESSION_COOKIE = "portal_session"
FORM_COOKIE = "portal_form"
SALT = "saleor_returns.portal-session"
# A customer stays signed in this long at most (Saleor's refresh token lives 30 days).
CUSTOMER_SESSION_TTL = timedelta(days=7)
# Saleor's access tokens live minutes: refreshed this long before they expire.
REFRESH_MARGIN = timedelta(seconds=30)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def cookie_options(request, portal_settings) -> dict:
    """A cookie for the shop's portal path only; third-party (SameSite=None) when embedded elsewhere over HTTPS."""
    embedded = bool(portal_settings.frame_ancestors) and request.is_secure()
    return {
        "path": portal_path(portal_settings.installation_id),
        "httponly": True,
        "secure": request.is_secure(),
        "samesite": "None" if embedded else "Lax",
    }


def current(request, installation) -> PortalSession | None:
    key = request.get_signed_cookie(SESSION_COOKIE, default=None, salt=SALT)
    if not key:
        return None
    session = PortalSession.objects.filter(key_hash=_hash(key), installation=installation).first()
    if session is None or session.expires_at <= timezone.now():
        return None
    return session


def start(response, request, portal_settings, *, kind: str, token: str, expires_at, email: str = "",
          order_id: str = "", return_request_id: str = "", language: str = "", refresh_token: str = "",
          token_expires_at=None) -> PortalSession:
    """A new session (the visitor's earlier one in this shop ends), its key set as the cookie on `response`."""
    end(response, request, portal_settings)
    PortalSession.objects.filter(expires_at__lte=timezone.now()).delete()
    key = secrets.token_urlsafe(32)
    session = PortalSession(
        installation=portal_settings.installation, key_hash=_hash(key), kind=kind, email=email, order_id=order_id,
        return_request_id=return_request_id, language=language, expires_at=expires_at,
        token_expires_at=token_expires_at,
    )
    session.token = token
    session.refresh_token = refresh_token
    session.save()
    max_age = max(int((expires_at - timezone.now()).total_seconds()), 0)
    response.set_signed_cookie(SESSION_COOKIE, key, salt=SALT, max_age=max_age,
                               **cookie_options(request, portal_settings))
    return session


def end(response, request, portal_settings) -> None:
    key = request.get_signed_cookie(SESSION_COOKIE, default=None, salt=SALT)
    if key:
        PortalSession.objects.filter(key_hash=_hash(key)).delete()
    options = cookie_options(request, portal_settings)
    response.delete_cookie(SESSION_COOKIE, path=options["path"], samesite=options["samesite"])


def api_token(session: PortalSession) -> str | None:
    """The token to call the API with; a customer's access token is refreshed when it is about to expire.

    None when Saleor no longer accepts the customer's refresh token (the session is over).
    """
    if session.kind != PortalSession.Kind.CUSTOMER or session.token_expires_at is None:
        return session.token
    if session.token_expires_at - REFRESH_MARGIN > timezone.now():
        return session.token
    token = customers.refresh_access_token(session.installation, session.refresh_token)
    if token is None:
        session.delete()
        return None
    session.token = token
    session.token_expires_at = access_token_expiry(token)
    session.save(update_fields=["encrypted_token", "token_expires_at"])
    return token


def survey_link(session: PortalSession | None) -> str:
    """The survey link a session was opened with; "" for any other session."""
    if session is None or session.kind != PortalSession.Kind.LINK:
        return ""
    token = session.token
    try:
        read_link_token(token, installation_id=session.installation_id, purpose=LinkPurpose.SURVEY)
    except InvalidPortalLink:
        return ""
    return token


def access_token_expiry(token: str):
    """When a Saleor access token expires, read from its claims (the API verifies the token itself)."""
    try:
        expiry = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.InvalidTokenError:
        expiry = None
    if not isinstance(expiry, (int, float)):
        return timezone.now()
    return datetime.fromtimestamp(expiry, tz=UTC)


# ------------------------------------------------------------------------------ forms


def form_token(request) -> str:
    """The value every portal form posts back; the visitor's form cookie is set by `keep_form_cookie`."""
    secret = getattr(request, "_portal_form_secret", None) or request.COOKIES.get(FORM_COOKIE) or ""
    if not secret:
        secret = secrets.token_urlsafe(32)
        request._portal_form_secret = secret
    return salted_hmac(SALT, secret, algorithm="sha256").hexdigest()


def keep_form_cookie(response, request, portal_settings) -> None:
    secret = getattr(request, "_portal_form_secret", None)
    if secret:
        response.set_cookie(FORM_COOKIE, secret, max_age=CUSTOMER_SESSION_TTL.days * 86400,
                            **cookie_options(request, portal_settings))


def form_is_genuine(request) -> bool:
    """The POST came from a portal page: its form token matches the visitor's cookie and its Origin is ours."""
    origin = request.headers.get("Origin")
    if origin and origin != settings.APP_PUBLIC_URL and origin != f"{request.scheme}://{request.get_host()}":
        return False
    secret = request.COOKIES.get(FORM_COOKIE)
    if not secret:
        return False
    expected = salted_hmac(SALT, secret, algorithm="sha256").hexdigest()
    return constant_time_compare(expected, request.POST.get("form_token", ""))
