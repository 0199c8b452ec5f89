"""The address a request came from, believing X-Forwarded-For only from configured proxies."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str:
    """REMOTE_ADDR; behind trusted proxies, the nearest forwarded address that is not one of them.

    X-Forwarded-For is read right to left: each trusted proxy appended the address
    it received from, so the first untrusted one is the client (anything left of it
    could have been written by the client itself).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _trusted(address):
            return address if _valid(address) else remote
    return remote


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
