"""The app protocol endpoints Saleor calls: manifest and install (register)."""

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from saleor_returns.http import error_response
from saleor_returns.installations import actions as installation_actions
from saleor_returns.saleor.client import (
    SaleorAddressForbidden,
    SaleorClient,
    SaleorError,
    SaleorGraphQLError,
    SaleorRedirect,
    SaleorUnavailable,
)
from saleor_returns.saleor.manifest import APP_IDENTIFIER, build_manifest
from saleor_returns.saleor.urls import InvalidSaleorApiUrl, normalize_api_url

logger = logging.getLogger(__name__)


@require_GET
def manifest(request):
    return JsonResponse(build_manifest())


def is_allowed_saleor(api_url: str) -> bool:
    """Whether SALEOR_API_URL_ALLOWLIST lets this shop install the app.

    An empty list allows no one: an app that any Saleor may install can be made to call
    any address. Allowing every shop takes an explicit `*` (`make run` sets it).
    """
    return any(allowlist_matches(pattern, api_url) for pattern in settings.SALEOR_API_URL_ALLOWLIST)


def allowlist_matches(pattern: str, api_url: str) -> bool:
    """One allow-list entry against a (normalized) API URL, both parsed, never as text.

    The scheme, port and path must be equal; in the host a `*` stands for exactly one
    whole label (`https://*.saleor.cloud/graphql/`), so it can never reach across a
    dot, a port or a slash the way a shell pattern's `*` does. `*` alone allows all.
    """
    if pattern.strip() == "*":
        return True
    try:
        wanted, actual = urlsplit(normalize_api_url(pattern)), urlsplit(normalize_api_url(api_url))
        wanted_port, actual_port = wanted.port, actual.port
    except (InvalidSaleorApiUrl, ValueError):
        return False
    if (wanted.scheme, wanted_port, wanted.path) != (actual.scheme, actual_port, actual.path):
        return False
    wanted_labels, actual_labels = wanted.hostname.split("."), actual.hostname.split(".")
    return len(wanted_labels) == len(actual_labels) and all(
        want in ("*", have) and have for want, have in zip(wanted_labels, actual_labels)
    )


@csrf_exempt
@require_POST
def register(request):
    """Saleor's install call: `{"auth_token": ...}` with `Saleor-Api-Url`.

    The call is not signed, so the shop must be allowed and Saleor itself must
    confirm the token (and that it belongs to this app) before anything is
    stored. Any refusal answers `{"error": {"message"}}`, which the Dashboard
    shows the installer; Saleor then deletes the half-installed app. The message
    says why in the app's own words and never repeats what the target answered;
    a refused connection, a timeout, an unknown host and a 5xx all read the same,
    so the endpoint tells nobody which ports are open where.
    """
    try:
        api_url = normalize_api_url(request.headers.get("Saleor-Api-Url"))
    except InvalidSaleorApiUrl as error:
        return error_response(400, "INVALID_SALEOR_API_URL", str(error))
    if not settings.SALEOR_API_URL_ALLOWLIST:
        logger.warning("Install refused: the allow-list is empty", extra={"saleor_api_url": api_url})
        return error_response(
            403,
            "SALEOR_NOT_ALLOWED",
            "The app's allow-list of Saleor API URLs is empty; its operator must set SALEOR_API_URL_ALLOWLIST.",
        )
    if not is_allowed_saleor(api_url):
        logger.warning("Install refused: shop not allowed", extra={"saleor_api_url": api_url})
        return error_response(403, "SALEOR_NOT_ALLOWED", "The Saleor API URL is not on the app's allow-list.")
    try:
        body = json.loads(request.body)
    except ValueError:
        return error_response(400, "INVALID_BODY", "The install call must send JSON.")
    token = body.get("auth_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token.strip():
        return error_response(400, "MISSING_AUTH_TOKEN", "The install call must send auth_token.")

    try:
        app = SaleorClient(api_url, token.strip(), retries=1).query("AppSelf")["app"]
    except SaleorGraphQLError:
        app = None
    except SaleorAddressForbidden as error:
        logger.warning("Install refused: forbidden address", extra={"saleor_api_url": api_url, "reason": error.reason})
        return error_response(
            403, "SALEOR_ADDRESS_FORBIDDEN", f"The Saleor API URL resolves to an address that is {error.reason}."
        )
    except SaleorRedirect:
        logger.warning("Install refused: Saleor answered a redirect", extra={"saleor_api_url": api_url})
        return error_response(
            502, "SALEOR_REDIRECTED", "Saleor answered with a redirect, which the app does not follow."
        )
    except SaleorUnavailable:
        logger.warning("Install refused: Saleor unreachable", extra={"saleor_api_url": api_url})
        return error_response(502, "SALEOR_UNAVAILABLE", "Saleor could not be reached to confirm the app token.")
    except SaleorError:
        app = None
    if not app or not app.get("id"):
        logger.warning("Install refused: token not confirmed", extra={"saleor_api_url": api_url})
        return error_response(403, "INVALID_APP_TOKEN", "Saleor did not confirm the app token.")
    if app.get("identifier") not in (None, APP_IDENTIFIER):
        logger.warning("Install refused: token of another app", extra={"saleor_api_url": api_url})
        return error_response(403, "INVALID_APP_TOKEN", "The app token belongs to another app.")

    installation_actions.install_app(
        saleor_api_url=api_url,
        saleor_domain=request.headers.get("Saleor-Domain", ""),
        app_token=token.strip(),
        app_id=app["id"],
        permissions=[permission["code"] for permission in app.get("permissions") or []],
    )
    return JsonResponse({"success": True})
