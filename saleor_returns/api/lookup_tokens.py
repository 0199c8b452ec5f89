"""Short-lived signed tokens that let a guest act on one order (number + e-mail proven)."""

from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone

PREFIX = "rlt_"
SALT = "saleor_returns.lookup-token"


class InvalidLookupToken(Exception):
    pass


def issue_lookup_token(*, installation, order_id: str, email: str, ttl_seconds: int) -> tuple[str, datetime]:
    expires_at = timezone.now() + timedelta(seconds=ttl_seconds)
    payload = {"i": str(installation.pk), "o": order_id, "e": email, "x": int(expires_at.timestamp())}
    return PREFIX + signing.dumps(payload, salt=SALT, compress=True), expires_at


def read_lookup_token(token: str, *, installation) -> dict:
    """The token's order and e-mail; raises InvalidLookupToken if forged, expired or for another shop."""
    if not token.startswith(PREFIX):
        raise InvalidLookupToken("Not a lookup token.")
    try:
        payload = signing.loads(token[len(PREFIX):], salt=SALT)
    except signing.BadSignature:
        raise InvalidLookupToken("The lookup token is not valid.") from None
    if payload.get("x", 0) < timezone.now().timestamp():
        raise InvalidLookupToken("The lookup token has expired; look the order up again.")
    if payload.get("i") != str(installation.pk):
        raise InvalidLookupToken("The lookup token is for another shop.")
    return {"order_id": payload["o"], "email": payload["e"]}
