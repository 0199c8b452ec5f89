"""Staff accounts as Saleor knows them now: token revocation, and the account an API key answers to.

A staff token is verified offline (signature, expiry, claims), which cannot see
a revocation in Saleor (tokensDeactivateAll, a password change, a deactivated
account): Saleor checks the token's `jwt_token_key` only on its own requests
(saleor/core/jwt.py `get_user_from_payload`). Before the app moves money or
changes settings for a staff member it asks Saleor (`tokenVerify`), and reuses
the answer for at most STAFF_TOKEN_CONFIRMATION_SECONDS.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from saleor_returns.saleor.client import SaleorClient, SaleorGraphQLError

logger = logging.getLogger(__name__)


def _confirmation_key(installation, token: str) -> str:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return f"staff-token-confirmed:{installation.pk}:{digest}"


def staff_token_is_live(installation, token: str) -> bool:
    """True when Saleor still accepts `token` (cached for a few seconds); raises SaleorUnavailable."""
    key = _confirmation_key(installation, token)
    if cache.get(key):
        return True
    # tokenVerify is public: the staff token is the argument, no app token is sent.
    data = SaleorClient(installation.saleor_api_url).query("TokenVerify", {"token": token})
    answer = data.get("tokenVerify") or {}
    user = answer.get("user") or {}
    live = bool(answer.get("isValid")) and bool(user.get("isActive", True))
    if live and settings.STAFF_TOKEN_CONFIRMATION_SECONDS > 0:
        cache.set(key, True, settings.STAFF_TOKEN_CONFIRMATION_SECONDS)
    if not live:
        logger.info("Staff token refused by Saleor", extra={"installation_id": str(installation.pk)})
    return live


def fetch_staff_user(installation, user_id: str) -> dict | None:
    """Saleor's `user(id)` with the app's token: None when deleted or hidden from the app."""
    try:
        data = SaleorClient.for_installation(installation).query("StaffUser", {"id": user_id})
    except SaleorGraphQLError as error:
        if error.is_permission_denied:
            return None
        raise
    user = data.get("user")
    return user if isinstance(user, dict) and user.get("isStaff") else None

