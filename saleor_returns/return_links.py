"""Signed links that open one return in the portal, sent in the customer's messages.

A link is bound to one return of one shop and to one purpose (following the return,
answering the survey); it carries no personal data and expires. The portal accepts it
instead of the order number and e-mail.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.utils import timezone

PREFIX = "rpl_"
SALT = "saleor_returns.portal-link"


class LinkPurpose(str, Enum):
    STATUS = "status"
    SURVEY = "survey"


# How long a link stays valid: a return is followed for weeks; a survey is answered or not.
LINK_TTL = {
    LinkPurpose.STATUS: timedelta(days=120),
    LinkPurpose.SURVEY: timedelta(days=30),
}


class InvalidPortalLink(Exception):
    pass


@dataclass(frozen=True)
class PortalLink:
    installation_id: str
    return_request_id: str
    purpose: LinkPurpose
    expires_at: datetime


def portal_path(installation_id) -> str:
    return f"/portal/{installation_id}/"


def portal_url(installation_id) -> str:
    return settings.APP_PUBLIC_URL + portal_path(installation_id)


def issue_link_token(return_request, purpose: LinkPurpose, *, now: datetime | None = None) -> str:
    expires_at = (now or timezone.now()) + LINK_TTL[purpose]
    payload = {
        "i": str(return_request.installation_id),
        "r": str(return_request.pk),
        "p": purpose.value,
        "x": int(expires_at.timestamp()),
    }
    return PREFIX + signing.dumps(payload, salt=SALT, compress=True)


def return_link(return_request, purpose: LinkPurpose = LinkPurpose.STATUS) -> str:
    """The absolute portal URL that opens this return for `purpose`."""
    token = issue_link_token(return_request, purpose)
    page = "survey" if purpose is LinkPurpose.SURVEY else "return"
    return f"{portal_url(return_request.installation_id)}{page}?link={quote(token)}"


def read_link_token(token: str, *, installation_id, purpose: LinkPurpose) -> PortalLink:
    """The link's return; raises InvalidPortalLink if forged, expired, for another shop or purpose."""
    if not token or not token.startswith(PREFIX):
        raise InvalidPortalLink("This is not a returns link.")
    try:
        payload = signing.loads(token[len(PREFIX):], salt=SALT)
    except signing.BadSignature:
        raise InvalidPortalLink("This returns link is not valid.") from None
    if payload.get("i") != str(installation_id):
        raise InvalidPortalLink("This returns link is for another shop.")
    if payload.get("p") != purpose.value:
        raise InvalidPortalLink("This returns link is for another page.")
    if payload.get("x", 0) < timezone.now().timestamp():
        raise InvalidPortalLink("This returns link has expired; look your order up again.")
    return PortalLink(
        installation_id=payload["i"],
        return_request_id=payload["r"],
        purpose=purpose,
        expires_at=datetime.fromtimestamp(payload["x"], tz=UTC),
    )
