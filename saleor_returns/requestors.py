"""Who makes a request to the app's API, once authenticated."""

from dataclasses import dataclass, field
from enum import Enum


class RequestorKind(str, Enum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    # Order number + e-mail, proven by a short-lived lookup token: one order only.
    GUEST = "guest"
    STAFF = "staff"
    # An integrator (ERP/WMS) or a storefront server with an installation's API
    # key: the key's scopes, never more than its creator held.
    APP = "app"


@dataclass(frozen=True)
class Requestor:
    """The caller, scoped to one installation (None only for shop-less anonymous calls)."""

    kind: RequestorKind
    installation: object | None = None
    user_id: str | None = None
    email: str | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)
    # For guests: the one order their lookup token names; with a portal link, the one
    # return of that order the link opens (and nothing else of the order).
    order_id: str | None = None
    return_request_id: str | None = None
    # For API keys: which key (rate budgets, minting); for staff: the Dashboard
    # token, confirmed with Saleor before money moves or settings change; for
    # customers: their Saleor access token, to read their own orders.
    api_key_id: str | None = None
    token: str | None = field(default=None, repr=False)

    @property
    def is_staff(self) -> bool:
        return self.kind in (RequestorKind.STAFF, RequestorKind.APP)

    def has_permission(self, permission: str) -> bool:
        return self.is_staff and permission in self.permissions


ANONYMOUS = Requestor(kind=RequestorKind.ANONYMOUS)


@dataclass(frozen=True)
class Actor:
    """Who did something, as the timeline records it."""

    kind: str  # customer, guest, staff, app, system, carrier
    id: str = ""
    email: str = ""


SYSTEM = Actor(kind="system")


def actor_of(requestor: Requestor) -> Actor:
    return Actor(kind=requestor.kind.value, id=requestor.user_id or "", email=requestor.email or "")
