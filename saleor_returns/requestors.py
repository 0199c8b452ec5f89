"""Who makes a request to the app's API, once authenticated."""

from dataclasses import dataclass, field
from enum import Enum


class RequestorKind(str, Enum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    GUEST = "guest"
    STAFF = "staff"


@dataclass(frozen=True)
class Requestor:
    """The caller, scoped to one installation (None only for shop-less anonymous calls)."""

    kind: RequestorKind
    installation: object | None = None
    user_id: str | None = None
    email: str | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return self.kind is RequestorKind.STAFF

    def has_permission(self, permission: str) -> bool:
        return self.is_staff and permission in self.permissions


ANONYMOUS = Requestor(kind=RequestorKind.ANONYMOUS)
