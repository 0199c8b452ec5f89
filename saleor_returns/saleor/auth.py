"""Who is talking to us: Saleor's JWKS, webhook signatures and user tokens.

Saleor signs webhooks with a detached JWS (RS256, RFC 7797 unencoded payload)
and issues RS256 JWTs for customers and staff; both are checked against the
shop's JWKS at `<scheme>://<host>/.well-known/jwks.json`. The JWKS is kept on
the installation and fetched again once when a key id is unknown or a
signature fails (key rotation), at most every SALEOR_JWKS_MIN_REFRESH_SECONDS.
The JWKS is fetched like every Saleor call: checked addresses only, no redirects
(saleor_returns.outbound).
"""

import base64
import binascii
import json
import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import httpx
import jwt
from django.conf import settings
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from saleor_returns.outbound import ForbiddenAddress, outbound_client
from saleor_returns.saleor.client import USER_AGENT, SaleorAddressForbidden, SaleorError, SaleorUnavailable

logger = logging.getLogger(__name__)

# Saleor's JWT clock and ours may drift a little.
TOKEN_LEEWAY_SECONDS = 10


class VerificationError(Exception):
    """A signature or token that must be refused. The message is safe to show."""


class UnknownKeyId(VerificationError):
    pass


class InvalidSignature(VerificationError):
    pass


class InvalidToken(VerificationError):
    pass


def jwks_url(saleor_api_url: str) -> str:
    parts = urlsplit(saleor_api_url)
    return urlunsplit((parts.scheme, parts.netloc, "/.well-known/jwks.json", "", ""))


def fetch_jwks(saleor_api_url: str) -> dict:
    """GET the shop's JWKS.

    Raises SaleorAddressForbidden when the shop's host resolves to an address the app
    does not call, SaleorUnavailable when the JWKS cannot be had (a redirect included).
    """
    url = jwks_url(saleor_api_url)
    timeout = httpx.Timeout(settings.SALEOR_HTTP_TIMEOUT, connect=settings.SALEOR_HTTP_CONNECT_TIMEOUT)
    try:
        with outbound_client(timeout=timeout) as client:
            response = client.get(url, headers={"User-Agent": USER_AGENT})
    except ForbiddenAddress as error:
        raise SaleorAddressForbidden(error.reason) from error
    except httpx.HTTPError as error:
        raise SaleorUnavailable(f"Cannot fetch the JWKS: {error.__class__.__name__}") from error
    if response.status_code != 200:
        raise SaleorUnavailable(f"The JWKS answered HTTP {response.status_code}.")
    try:
        jwks = response.json()
    except ValueError as error:
        raise SaleorUnavailable("The JWKS is not JSON.") from error
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise SaleorUnavailable("The JWKS has no keys.")
    return jwks


def _public_key(jwks: dict, kid: str | None):
    for key in jwks.get("keys", []):
        if key.get("kid") == kid and key.get("kty") == "RSA":
            return RSAAlgorithm.from_jwk(json.dumps(key))
    raise UnknownKeyId("The signing key is not in the shop's JWKS.")


def _b64url_json(segment: str) -> dict:
    try:
        padded = segment + "=" * (-len(segment) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise InvalidSignature("The signature is malformed.") from error
    if not isinstance(value, dict):
        raise InvalidSignature("The signature is malformed.")
    return value


def verify_webhook_signature(signature: str, body: bytes, jwks: dict) -> None:
    """Check Saleor's `Saleor-Signature` over the raw body bytes.

    The value is `<b64url protected header>..<b64url signature>`; the signing
    input is the header segment, a dot and the raw body (b64=false), so only
    the exact bytes received verify.
    """
    if not signature:
        raise InvalidSignature("The webhook is not signed.")
    parts = signature.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise InvalidSignature("The signature is not a detached JWS.")
    header = _b64url_json(parts[0])
    if header.get("alg") != "RS256":
        raise InvalidSignature("The signature must use RS256.")
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise InvalidSignature("The signature must be over the unencoded payload.")
    key = _public_key(jwks, header.get("kid"))
    try:
        jwt.PyJWS().decode_complete(signature, key, algorithms=["RS256"], detached_payload=body)
    except jwt.InvalidTokenError as error:
        raise InvalidSignature("The signature does not match the body.") from error


def decode_token(token: str, jwks: dict, *, issuer: str, now: datetime | None = None) -> dict:
    """Verify a Saleor-issued JWT (signature, issuer, expiry, owner) and return its claims."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise InvalidToken("The token is malformed.") from error
    if header.get("alg") != "RS256":
        raise InvalidToken("The token must be signed with RS256.")
    key = _public_key(jwks, header.get("kid"))
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            # Expiry is checked below against our clock, with a small leeway.
            options={"require": ["exp", "iat", "iss"], "verify_exp": False, "verify_iat": False, "verify_aud": False},
            issuer=issuer,
        )
    except jwt.InvalidIssuerError as error:
        raise InvalidToken("The token was issued by another Saleor.") from error
    except jwt.InvalidSignatureError as error:
        raise InvalidSignature("The token's signature is not valid.") from error
    except jwt.InvalidTokenError as error:
        raise InvalidToken("The token is not valid.") from error
    now = now or timezone.now()
    if not isinstance(claims.get("exp"), (int, float)):
        raise InvalidToken("The token has no valid expiry.")
    if now.timestamp() > claims["exp"] + TOKEN_LEEWAY_SECONDS:
        raise InvalidToken("The token has expired.")
    if claims.get("owner") != "saleor":
        raise InvalidToken("The token was not issued by Saleor.")
    return claims


def _can_refresh(installation) -> bool:
    if installation.jwks_fetched_at is None:
        return True
    age = timezone.now() - installation.jwks_fetched_at
    return age >= timedelta(seconds=settings.SALEOR_JWKS_MIN_REFRESH_SECONDS)


def refresh_jwks(installation) -> dict:
    """Fetch the shop's JWKS and keep it on the installation."""
    jwks = fetch_jwks(installation.saleor_api_url)
    installation.jwks = jwks
    installation.jwks_fetched_at = timezone.now()
    installation.save(update_fields=["jwks", "jwks_fetched_at", "updated_at"])
    logger.info("Saleor JWKS fetched", extra={"saleor_api_url": installation.saleor_api_url})
    return jwks


def with_installation_jwks(installation, check):
    """Run `check(jwks)`; on an unknown key or a bad signature refetch the JWKS once and retry."""
    if installation.jwks.get("keys"):
        try:
            return check(installation.jwks)
        except (UnknownKeyId, InvalidSignature):
            if not _can_refresh(installation):
                raise
    elif not _can_refresh(installation):
        raise UnknownKeyId("The shop's signing keys are not available yet.")
    try:
        jwks = refresh_jwks(installation)
    except SaleorError as error:
        logger.warning("Saleor JWKS could not be fetched", extra={"saleor_api_url": installation.saleor_api_url})
        raise UnknownKeyId("The shop's signing keys cannot be fetched.") from error
    return check(jwks)


def verify_installation_webhook(installation, signature: str, body: bytes) -> None:
    with_installation_jwks(installation, lambda jwks: verify_webhook_signature(signature, body, jwks))


def verify_installation_token(installation, token: str) -> dict:
    return with_installation_jwks(
        installation, lambda jwks: decode_token(token, jwks, issuer=installation.saleor_api_url)
    )
