"""Signing keys and JWKS, JWTs, ``tokenCreate``/``tokenVerify``, and the users they are issued to."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .common import (
    ACCESS_TOKEN_TTL,
    OMIT,
    REFRESH_TOKEN_TTL,
    _from_global_id_or_error,
    _now_iso,
    _random_string,
    _timestamp,
)
from .errors import _MISSING_NODE, _invalid, _parse_node_id
from .schema import RequestContext, _permission_codes, _permission_objects


# ------------------------------------------------------------------------------ keys


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_to_b64url(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of an RSA JWK: what Saleor uses as ``kid``."""
    canonical = json.dumps(
        {"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
    )
    return _b64url(hashlib.sha256(canonical.encode()).digest())


class _SigningKey:
    """One RSA-2048 key with its public JWK in the exact shape Saleor serves."""

    def __init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self.private_key.public_key().public_numbers()
        # Key order as in captures/jwks.json (PyJWT's to_jwk, then use/kid/alg).
        self.jwk: dict[str, Any] = {
            "kty": "RSA",
            "key_ops": ["verify"],
            "n": _int_to_b64url(numbers.n),
            "e": _int_to_b64url(numbers.e),
        }
        self.kid = jwk_thumbprint(self.jwk)
        self.jwk.update({"use": "sig", "kid": self.kid, "alg": "RS256"})


def _apply_overrides(claims: dict, overrides: Mapping[str, Any]) -> dict:
    for name, value in overrides.items():
        if value is OMIT:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


class TokensMixin:
    def add_customer(
        self,
        email: str,
        *,
        first_name: str = "",
        last_name: str = "",
        is_active: bool = True,
        password: str | None = None,
        **fields: Any,
    ) -> dict:
        """Create a customer; returns its dict (``id`` is ``User:<n>``). A ``password`` enables ``tokenCreate``."""
        return self._add_user(email, first_name, last_name, is_active, False, (), dict(fields, _password=password))

    def add_staff(
        self,
        email: str,
        permissions: Iterable[str] = (),
        *,
        first_name: str = "",
        last_name: str = "",
        is_active: bool = True,
        password: str | None = None,
        **fields: Any,
    ) -> dict:
        """Create a staff user holding ``permissions`` (PermissionEnum names); a ``password`` enables ``tokenCreate``."""
        return self._add_user(email, first_name, last_name, is_active, True, permissions, dict(fields, _password=password))

    def _add_user(
        self,
        email: str,
        first_name: str,
        last_name: str,
        is_active: bool,
        is_staff: bool,
        permissions: Iterable[str],
        fields: Mapping[str, Any],
    ) -> dict:
        now = _now_iso()
        user = {
            "__typename": "User",
            "id": self.new_id("User"),
            "email": email,
            "firstName": first_name,
            "lastName": last_name,
            "isStaff": is_staff,
            "isActive": is_active,
            "isConfirmed": True,
            "languageCode": "EN_US",
            "dateJoined": now,
            "updatedAt": now,
            "metadata": [],
            "privateMetadata": [],
            "assignedAttributes": [],
            "addresses": [],
            "restrictedAccessToChannels": False,
            "userPermissions": _permission_objects(permissions),
            # Saleor's User.jwt_token_key: embedded in tokens, rotated on revocation.
            "_jwt_token_key": _random_string(12),
        }
        user.update(fields)
        with self.lock:
            self.users.append(user)
        return user

    def deactivate_all_tokens(self, user: dict) -> None:
        """Revoke every token of ``user`` (``tokensDeactivateAll``).

        Tokens still verify offline against the JWKS, but the fake (like Saleor)
        rejects them from then on.
        """
        with self.lock:
            user["_jwt_token_key"] = _random_string(12)

    def _user_by_email(self, email: Any) -> dict | None:
        with self.lock:
            for user in self.users:
                if user["email"] == email and user.get("isActive"):
                    return user
        return None

    # ------------------------------------------------------------------ keys & tokens

    @property
    def kid(self) -> str:
        return self._key.kid

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        return self._key.private_key

    def jwks(self) -> dict:
        """The JWKS document (one key, captured shape), as a fresh dict."""
        return {"keys": [dict(self._key.jwk)]}

    def jwks_bytes(self) -> bytes:
        """The exact bytes served at /.well-known/jwks.json (Django's JsonResponse)."""
        return json.dumps(self.jwks()).encode()

    def rotate_key(self) -> str:
        """Replace the signing key; the JWKS then lists only the new key. Returns its kid.

        Tokens signed with the old key stop working against the fake, as they would
        against a Saleor restarted with a new RSA_PRIVATE_KEY.
        """
        key = _SigningKey()
        with self.lock:
            self._key = key
        return key.kid

    def _decode_jwt(self, token: str) -> dict:
        """Saleor's ``jwt_decode``: RS256 with the current key, ``aud`` not checked."""
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "RS256":
            # Saleor falls back to HS256 with its SECRET_KEY, which the fake never signs with.
            raise jwt.InvalidSignatureError("Signature verification failed")
        return jwt.decode(
            token,
            self._key.private_key.public_key(),
            algorithms=["RS256"],
            options={"verify_aud": False},
        )

    def _encode_jwt(self, claims: dict) -> str:
        key = self._key
        return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})

    def _user_claims(self, user: Mapping, token_type: str, iat: Any, ttl: int | None) -> dict:
        issued = _timestamp(iat)
        claims: dict[str, Any] = {"iat": issued, "owner": "saleor", "iss": self.api_url}
        if ttl is not None:
            claims["exp"] = issued + int(ttl)
        claims.update(
            {
                "token": user["_jwt_token_key"],
                "email": user["email"],
                "type": token_type,
                "user_id": user["id"],
                "is_staff": bool(user.get("isStaff")),
            }
        )
        return claims

    def issue_customer_token(
        self,
        user: Mapping,
        *,
        iat: Any = None,
        ttl: int | None = ACCESS_TOKEN_TTL,
        **claim_overrides: Any,
    ) -> str:
        """An access token as ``tokenCreate`` returns it (works for staff users too).

        ``iat`` is a Unix time or datetime (default: now); ``claim_overrides`` replace
        claims, and ``OMIT`` removes one.
        """
        claims = self._user_claims(user, "access", iat, ttl)
        return self._encode_jwt(_apply_overrides(claims, claim_overrides))

    issue_access_token = issue_customer_token

    def issue_refresh_token(
        self,
        user: Mapping,
        *,
        iat: Any = None,
        ttl: int | None = REFRESH_TOKEN_TTL,
        csrf_token: str | None = None,
        **claim_overrides: Any,
    ) -> str:
        """A refresh token (30 days, with ``csrfToken``) as ``tokenCreate`` returns it."""
        claims = self._user_claims(user, "refresh", iat, ttl)
        claims["csrfToken"] = csrf_token or _random_string(64)
        return self._encode_jwt(_apply_overrides(claims, claim_overrides))

    def issue_staff_app_token(
        self,
        user: Mapping,
        app: Mapping,
        *,
        permissions: Iterable[str] | None = None,
        user_permissions: Iterable[str] | None = None,
        audience: str | None = None,
        iat: Any = None,
        ttl: int | None = ACCESS_TOKEN_TTL,
        **claim_overrides: Any,
    ) -> str:
        """The Dashboard's ``thirdparty`` token for ``app`` (``App.accessToken``).

        ``permissions`` defaults to app ∩ user permissions and ``user_permissions`` to
        all of the user's; ``aud`` is added only when there is an ``audience`` (given,
        or the app's manifest ``audience``).
        """
        held = _permission_codes(user.get("userPermissions"))
        if audience is None:
            audience = app.get("audience")
        if user_permissions is None:
            user_permissions = held
        if permissions is None:
            app_codes = set(_permission_codes(app.get("permissions")))
            permissions = [code for code in held if code in app_codes]
        claims = self._user_claims(user, "thirdparty", iat, ttl)
        claims["app"] = app["id"]
        claims["permissions"] = list(permissions)
        claims["user_permissions"] = list(user_permissions)
        if audience:
            claims["aud"] = audience
        return self._encode_jwt(_apply_overrides(claims, claim_overrides))

    @staticmethod
    def _resolve_me(info: Any) -> dict | None:
        return info.context.user

    def _resolve_user(
        self, info: Any, id: str | None = None, email: str | None = None,
        externalReference: str | None = None,  # noqa: N803
    ) -> dict | None:
        """Saleor 3.23's `user`: PermissionsField(MANAGE_STAFF, MANAGE_USERS, MANAGE_ORDERS).

        saleor/graphql/account/resolvers.py `resolve_user`: MANAGE_STAFF and
        MANAGE_USERS together see every user, MANAGE_STAFF alone staff only,
        MANAGE_USERS or MANAGE_ORDERS customers only; anyone else gets null.
        """
        context: RequestContext = info.context
        context.require("MANAGE_STAFF", "MANAGE_USERS", "MANAGE_ORDERS")
        if id:
            _from_global_id_or_error(id, "User")
        held = context.permissions
        if {"MANAGE_STAFF", "MANAGE_USERS"} <= held:
            visible = lambda user: True  # noqa: E731
        elif "MANAGE_STAFF" in held:
            visible = lambda user: bool(user.get("isStaff"))  # noqa: E731
        else:
            visible = lambda user: not user.get("isStaff")  # noqa: E731
        with self.lock:
            for user in self.users:
                if id and user["id"] != id:
                    continue
                if email and user["email"].lower() != email.lower():
                    continue
                if externalReference and user.get("externalReference") != externalReference:
                    continue
                return user if visible(user) else None
        return None

    def delete_staff(self, user: dict) -> None:
        """`staffDelete`: the account is gone (STAFF_DELETED carries its last state)."""
        with self.lock:
            self.users = [other for other in self.users if other is not user]
        self.emit_event("STAFF_DELETED", {"user": user})

    def update_staff(self, user: dict, *, permissions: Iterable[str] | None = None, is_active: bool | None = None):
        """`staffUpdate` (or a group change): new permissions or activity, then STAFF_UPDATED."""
        with self.lock:
            if permissions is not None:
                user["userPermissions"] = _permission_objects(permissions)
            if is_active is not None:
                user["isActive"] = is_active
        self.emit_event("STAFF_UPDATED", {"user": user})

    def _resolve_token_verify(self, info: Any, token: str) -> dict:
        error = None
        payload = None
        user = None
        try:
            payload = self._decode_jwt(token)
        except jwt.ExpiredSignatureError:
            error = ("Signature has expired", "JWT_SIGNATURE_EXPIRED")
        except jwt.DecodeError:
            error = ("Error decoding signature", "JWT_DECODE_ERROR")
        except jwt.InvalidTokenError:
            error = ("Invalid token", "JWT_INVALID_TOKEN")
        if error is None:
            user = self._user_by_email(payload.get("email"))
            if (
                user is None
                or not payload.get("token")
                or user["_jwt_token_key"] != payload["token"]
            ):
                error = ("Invalid token", "JWT_INVALID_TOKEN")
        if error is not None:
            errors = [
                {"field": "token", "message": error[0], "code": error[1], "addressType": None}
            ]
            return {
                "isValid": False,
                "payload": None,
                "user": None,
                "errors": errors,
                "accountErrors": errors,
            }
        # saleor/graphql/account/mutations/authentication/utils.py `get_user`: a token's
        # `permissions` claim (thirdparty tokens) becomes the returned user's
        # effective permissions, so `user.userPermissions` shows the token's, not the account's.
        if payload.get("permissions") is not None:
            user = {**user, "userPermissions": _permission_objects(payload["permissions"])}
        return {
            "isValid": True,
            "payload": payload,
            "user": user,
            "errors": [],
            "accountErrors": [],
        }

    def _resolve_token_create(
        self, info: Any, email: str, password: str, audience: str | None = None
    ) -> dict:
        """Saleor 3.23's `tokenCreate` for users given a password (add_customer/add_staff).

        saleor/graphql/account/mutations/authentication/create_token.py: wrong
        credentials and unknown e-mails answer the same INVALID_CREDENTIALS error on
        `email`; an inactive account INACTIVE. A success returns an access token, a
        refresh token carrying the new CSRF token, the CSRF token and the user.
        """
        with self.lock:
            user = next((u for u in self.users if u["email"].lower() == str(email).strip().lower()), None)
        stored = (user or {}).get("_password")
        error = None
        if user is None or not stored or not secrets.compare_digest(str(stored), str(password)):
            error = ("Please, enter valid credentials", "INVALID_CREDENTIALS")
        elif not user.get("isActive"):
            error = ("Account inactive.", "INACTIVE")
        if error is not None:
            errors = [{"field": "email", "message": error[0], "code": error[1], "addressType": None}]
            return {"token": None, "refreshToken": None, "csrfToken": None, "user": None,
                    "errors": errors, "accountErrors": errors}
        extra = {"aud": f"custom:{audience}"} if audience else {}
        csrf_token = _random_string(64)
        return {
            "token": self.issue_customer_token(user, **extra),
            "refreshToken": self.issue_refresh_token(user, csrf_token=csrf_token, **extra),
            "csrfToken": csrf_token,
            "user": user,
            "errors": [],
            "accountErrors": [],
        }

    def _resolve_token_refresh(
        self, info: Any, refreshToken: str | None = None, csrfToken: str | None = None  # noqa: N803
    ) -> dict:
        """Saleor 3.23's `tokenRefresh` with the refresh token as the argument (no cookie, so no CSRF token).

        saleor/graphql/account/mutations/authentication/refresh_token.py: a token that is
        not a live refresh token of an active user answers JWT_INVALID_TOKEN on `refreshToken`.
        """
        user = None
        try:
            payload = self._decode_jwt(refreshToken or "")
        except jwt.InvalidTokenError:
            payload = None
        if payload is not None and payload.get("type") == "refresh":
            candidate = self._user_by_email(payload.get("email"))
            if candidate is not None and candidate["_jwt_token_key"] == payload.get("token"):
                user = candidate
        if user is None:
            errors = [{"field": "refreshToken", "message": "Invalid token", "code": "JWT_INVALID_TOKEN",
                       "addressType": None}]
            return {"token": None, "user": None, "errors": errors, "accountErrors": errors}
        extra = {"aud": payload["aud"]} if payload.get("aud") else {}
        return {"token": self.issue_customer_token(user, **extra), "user": user, "errors": [], "accountErrors": []}

    def _user_or_error(self, value: str, field: str) -> dict:
        _parse_node_id(value, "User", field)
        user = next((u for u in self.users if u["id"] == value), None)
        if user is None:
            raise _invalid(field, f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return user
