"""Short-lived signed links that open the KPI review's printable page without the API's headers.

The desk cannot print: the Dashboard frames it without `allow-modals`, so `print()` in the frame, or in a
page it opens, is ignored. It asks for a link instead and has the Dashboard open it in a new tab, where the
page prints itself. A link names one shop, one period, channel, comparison and language, and expires soon:
whoever holds it reads that one review and nothing else.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext

PREFIX = "rkl_"
SALT = "saleor_returns.kpi-review-link"
LINK_TTL = timedelta(minutes=10)
REVIEW_PATH = "/analytics/review.html"


class InvalidReviewLink(Exception):
    pass


@dataclass(frozen=True)
class ReviewLink:
    """The review a link opens."""

    installation_id: str
    first: date
    last: date
    channel: str
    comparison: str
    language: str

    def query(self) -> dict[str, str]:
        """The page's parameters, as the link shows them (and the token signs them)."""
        query = {"shop": self.installation_id, "from": self.first.isoformat(), "to": self.last.isoformat(),
                 "compare": self.comparison, "lang": self.language}
        if self.channel:
            query["channel"] = self.channel
        return query


def review_link_url(link: ReviewLink, *, now: datetime | None = None) -> tuple[str, datetime]:
    """The absolute address that opens and prints `link`'s review, and when it stops working."""
    expires_at = (now or timezone.now()) + LINK_TTL
    token = PREFIX + signing.dumps({**link.query(), "x": int(expires_at.timestamp())}, salt=SALT, compress=True)
    query = urlencode({**link.query(), "print": "1", "link": token})
    return f"{settings.APP_PUBLIC_URL}{REVIEW_PATH}?{query}", datetime.fromtimestamp(int(expires_at.timestamp()), UTC)


def read_review_link(params) -> ReviewLink:
    """The review the page's parameters (`link` and the review's own) open; raises InvalidReviewLink when the
    token is forged, expired, for another shop, or the parameters beside it were changed."""
    token = params.get("link") or ""
    if not token.startswith(PREFIX):
        raise InvalidReviewLink(gettext("This is not a link to the KPI review."))
    try:
        signed = signing.loads(token[len(PREFIX):], salt=SALT)
    except signing.BadSignature:
        raise InvalidReviewLink(gettext("This link to the KPI review is not valid.")) from None
    expires_at = signed.pop("x", 0)
    if signed.get("shop") != params.get("shop"):
        raise InvalidReviewLink(gettext("This link to the KPI review is for another shop."))
    if any(params.get(name, "") != signed.get(name, "") for name in ("from", "to", "channel", "compare", "lang")):
        raise InvalidReviewLink(gettext("This link to the KPI review is not valid."))
    if expires_at < timezone.now().timestamp():
        raise InvalidReviewLink(gettext("This link to the KPI review has expired: print again from the desk."))
    return ReviewLink(
        installation_id=signed["shop"], first=date.fromisoformat(signed["from"]), last=date.fromisoformat(signed["to"]),
        channel=signed.get("channel", ""), comparison=signed["compare"], language=signed["lang"],
    )
