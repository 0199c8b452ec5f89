"""API keys: scoped, answerable to a staff member, and dead with that member's rights.

A key holds scopes chosen at creation from the Saleor permissions its creator
held then (plus GUEST_LOOKUP, a storefront server's scope). The creator is
followed in Saleor: STAFF_UPDATED and STAFF_DELETED webhooks, permission group
changes and a periodic check revoke every key whose creator left, was
deactivated or lost a permission the key holds. A key may mint keys only with
MANAGE_APPS and only within its own scopes; those keys answer to the same
staff member and die with the key that made them.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models import ApiKey
from saleor_returns.saleor.staff import fetch_staff_user

logger = logging.getLogger(__name__)

PREFIX = "rk_"
SCOPES = tuple(ApiKey.Scope.values)
# Scopes that are Saleor permissions: a creator must hold each one they grant.
PERMISSION_SCOPES = frozenset(SCOPES) - {ApiKey.Scope.GUEST_LOOKUP}
MAX_LIFETIME = timedelta(days=366 * 2)
# last_used_at is written at most this often per key, not on every request.
LAST_USE_RESOLUTION = timedelta(minutes=1)


class ApiKeyError(Exception):
    """A refused key operation: (field, code, message), nothing changed."""

    def __init__(self, field: str | None, code: ReturnErrorCode, message: str):
        super().__init__(message)
        self.field, self.code, self.message = field, code, message


class ScopesNotHeld(Exception):
    """The creator asked for scopes they do not hold themselves."""

    def __init__(self, missing: list[str]):
        super().__init__(", ".join(missing))
        self.missing = missing


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def clean_scopes(scopes) -> list[str]:
    chosen = sorted({str(getattr(scope, "value", scope)) for scope in scopes or []})
    if not chosen:
        raise ApiKeyError("scopes", ReturnErrorCode.REQUIRED, "Choose what the key may do.")
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if unknown:
        raise ApiKeyError("scopes", ReturnErrorCode.INVALID, f"Unknown scopes: {', '.join(unknown)}.")
    return chosen


def create_api_key(
    *,
    installation,
    name: str,
    scopes,
    creator_permissions,
    creator_user_id: str,
    creator_email: str = "",
    creator_key: ApiKey | None = None,
    expires_at: datetime | None = None,
    creator_visible=None,
) -> tuple[ApiKey, str]:
    """A new key; the plain key is returned once and only its hash is kept.

    `creator_permissions` is what the caller holds (a staff token's
    user_permissions, or the minting key's scopes); `creator_visible` is called
    to confirm the app can follow the creator in Saleor before the key exists.
    """
    name = (name or "").strip()
    if not name:
        raise ApiKeyError("name", ReturnErrorCode.REQUIRED, "Name the key after what uses it.")
    if len(name) > 100:
        raise ApiKeyError("name", ReturnErrorCode.INVALID, "Keep the name within 100 characters.")
    chosen = clean_scopes(scopes)
    held = set(creator_permissions)
    if creator_key is None:
        held |= {ApiKey.Scope.GUEST_LOOKUP.value}
    missing = [scope for scope in chosen if scope not in held]
    if missing:
        raise ScopesNotHeld(missing)
    now = timezone.now()
    if expires_at is not None:
        if expires_at <= now:
            raise ApiKeyError("expiresAt", ReturnErrorCode.INVALID, "The expiry must be in the future.")
        if expires_at > now + MAX_LIFETIME:
            raise ApiKeyError("expiresAt", ReturnErrorCode.INVALID, "A key lives at most two years.")
    if creator_key is not None and creator_key.expires_at is not None:
        if expires_at is None or expires_at > creator_key.expires_at:
            expires_at = creator_key.expires_at
    if not creator_user_id:
        raise ApiKeyError(None, ReturnErrorCode.INVALID, "The key's creator is unknown.")
    if creator_visible is not None and not creator_visible(creator_user_id):
        raise ApiKeyError(
            None,
            ReturnErrorCode.INVALID,
            "The app cannot follow your staff account in Saleor, so it cannot make a key answerable to you: "
            "grant the app MANAGE_STAFF (Extensions → Returns → permissions) and try again.",
        )
    prefix = secrets.token_hex(4)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        installation=installation,
        name=name,
        prefix=prefix,
        key_hash=hash_key(key),
        scopes=chosen,
        created_by_user_id=creator_user_id,
        created_by_email=(creator_email or "")[:254],
        created_by_key=creator_key,
        expires_at=expires_at,
        creator_checked_at=now,
    )
    logger.info(
        "API key created",
        extra={"installation_id": str(installation.pk), "key_prefix": prefix, "scopes": chosen},
    )
    return api_key, key


def is_live(api_key: ApiKey, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return api_key.revoked_at is None and (api_key.expires_at is None or api_key.expires_at > now)


def status(api_key: ApiKey) -> str:
    if api_key.revoked_at is not None:
        return "REVOKED"
    if api_key.expires_at is not None and api_key.expires_at <= timezone.now():
        return "EXPIRED"
    return "ACTIVE"


def key_for_request(installation, key: str) -> ApiKey | None:
    """The live key for `key` in this shop (its minting keys live too), last use noted; else None."""
    api_key = (
        ApiKey.objects.filter(installation=installation, key_hash=hash_key(key)).select_related("created_by_key").first()
    )
    now = timezone.now()
    if api_key is None or not is_live(api_key, now):
        return None
    parent, depth = api_key.created_by_key, 0
    while parent is not None and depth < 10:
        if not is_live(parent, now):
            return None
        parent, depth = parent.created_by_key, depth + 1
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USE_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key


def revoke(api_keys, reason: str) -> int:
    """Revoke these keys and every key they minted, directly or not; returns how many died."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        pending = [key.pk for key in api_keys]
        seen: set = set()
        while pending:
            batch = [pk for pk in pending if pk not in seen]
            if not batch:
                break
            seen.update(batch)
            count += ApiKey.objects.filter(pk__in=batch, revoked_at__isnull=True).update(
                revoked_at=now, revoked_reason=reason
            )
            pending = list(ApiKey.objects.filter(created_by_key__in=batch).values_list("pk", flat=True))
            reason = ApiKey.RevokedReason.PARENT_REVOKED
    return count


def revoke_api_key(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        revoke([api_key], ApiKey.RevokedReason.REVOKED)
        logger.info("API key revoked", extra={"installation_id": str(api_key.installation_id), "key_prefix": api_key.prefix})
    api_key.refresh_from_db()
    return api_key


def live_keys_of(installation, user_id: str):
    return ApiKey.objects.filter(installation=installation, created_by_user_id=user_id, revoked_at__isnull=True)


def apply_creator_state(installation, user_id: str, user: dict | None, *, deleted: bool = False) -> int:
    """Revoke the keys `user_id` answers for that their Saleor account no longer backs.

    `user` is Saleor's `User {isActive userPermissions{code}}` as seen now, None
    when Saleor does not show it (deleted, or the app cannot see staff).
    """
    keys = list(live_keys_of(installation, user_id))
    if not keys:
        return 0
    if deleted:
        revoked = revoke(keys, ApiKey.RevokedReason.CREATOR_DELETED)
    elif user is None:
        revoked = revoke(keys, ApiKey.RevokedReason.CREATOR_NOT_FOUND)
    elif not user.get("isActive"):
        revoked = revoke(keys, ApiKey.RevokedReason.CREATOR_DEACTIVATED)
    else:
        held = {item.get("code") for item in user.get("userPermissions") or [] if isinstance(item, dict)}
        lost = [key for key in keys if any(scope in PERMISSION_SCOPES and scope not in held for scope in key.scopes)]
        revoked = revoke(lost, ApiKey.RevokedReason.CREATOR_LOST_PERMISSIONS) if lost else 0
    ApiKey.objects.filter(pk__in=[key.pk for key in keys], revoked_at__isnull=True).update(
        creator_checked_at=timezone.now()
    )
    if revoked:
        logger.info(
            "API keys revoked with their creator",
            extra={"installation_id": str(installation.pk), "user_id": user_id, "revoked": revoked},
        )
    return revoked


def creators_to_check(installation) -> list[str]:
    return sorted(
        set(
            ApiKey.objects.filter(installation=installation, revoked_at__isnull=True)
            .exclude(created_by_user_id="")
            .values_list("created_by_user_id", flat=True)
        )
    )


def check_key_creator(installation, user_id: str) -> int:
    """Revoke `user_id`'s keys that Saleor no longer backs; how many died."""
    return apply_creator_state(installation, user_id, fetch_staff_user(installation, user_id))


def check_key_creators(installation) -> int:
    return sum(check_key_creator(installation, user_id) for user_id in creators_to_check(installation))
