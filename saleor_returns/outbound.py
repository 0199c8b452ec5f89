"""HTTP to addresses that outside input names: only public addresses, never a redirect.

Every call to a Saleor the app was told about (the install call's `Saleor-Api-Url`, its
JWKS, every GraphQL call) goes through `outbound_client()`, and so will outbound webhooks:
whoever chooses the URL must not be able to make the app call into its own network (cloud
metadata at 169.254.169.254, a database on 10.0.0.5, an admin port on 127.0.0.1).

The rules follow Saleor's own HTTP client (saleor/core/http_client.py in saleor/saleor
3.23.28, built on requests-hardened's ip_filter.py), with the same setting names and
defaults:

* `HTTP_IP_FILTER_ENABLED` (default on): refuse loopback, private (RFC 1918, fc00::/7),
  link-local (169.254/16, fe80::/10), unspecified, multicast, reserved and other
  not-globally-routable addresses (CG-NAT 100.64/10, NAT64, 6to4, ...); an IPv4 address
  mapped into IPv6 is judged as the IPv4 address.
* `HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS` (default off): let loopback through, for a Saleor
  (or its double) on the same machine.

Stricter than requests-hardened, which judges only the first address a name resolves to:
here a name is refused when ANY of its addresses is forbidden, and the connection is made
to an address that was checked, resolved once (`CheckedAddressBackend`). A DNS answer that
changes between the check and the connection (DNS rebinding) therefore changes nothing:
there is no second lookup. TLS still verifies the certificate for the URL's host name
(SNI and Host come from the URL, not from the address connected to).

Not covered: proxies. The client never reads HTTP(S)_PROXY, so calls go out directly and
the check sees the real target; a deployment that must go through an egress proxy has to
do this filtering in the proxy instead.
"""

import functools
import ipaddress
import os
import socket
import ssl
from typing import Any

import httpcore
import httpx
from django.conf import settings

from saleor_returns.observability.tracing import http_client_span, record_http_status

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges Python's `is_global` / `is_private` do not (or, on older Pythons, did not) flag,
# blocked by requests-hardened too (its EXTRA_BLOCKED_NET_RANGES).
EXTRA_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "192.88.99.0/24",  # 6to4 relay anycast
        "100.64.0.0/10",  # carrier-grade NAT: may route to internal workloads
        "192.0.0.0/24",  # IETF protocol assignments
        "5f00::/16",  # IPv6 segment routing
        "64:ff9b::/96",  # NAT64: IPv4 addresses translated into IPv6
        "64:ff9b:1::/48",  # local-use NAT64
        "2001:20::/28",  # ORCHIDv2
        "2002::/16",  # 6to4: embeds an IPv4 address
        "3fff::/20",  # documentation
    )
)


class ForbiddenAddress(httpx.RequestError):
    """The target resolves to an address the app does not call; `reason` says which kind.

    Not a TransportError: retrying cannot help, so callers that retry transport errors
    must not retry this.
    """

    def __init__(self, reason: str):
        super().__init__(f"The address is {reason}.")
        self.reason = reason


def forbidden_reason(ip: IPAddress, *, allow_loopback: bool) -> str | None:
    """Why the app must not connect to `ip` ("loopback", "private", ...), or None when it may."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1; Python calls every mapped address private.
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        # 0.0.0.0 and :: connect to the local host on most systems.
        return "unspecified"
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if (ip.is_private and not ip.is_reserved) or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local):
        # RFC 1918, fc00::/7, the deprecated fec0::/10, and the special-purpose ranges
        # Python counts as private.
        return "private"
    if ip.is_reserved or not ip.is_global or any(ip in network for network in EXTRA_BLOCKED_NETWORKS):
        return "reserved"
    return None


def resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    """Every TCP address of `host` as `socket.getaddrinfo` gives it (an IP literal is its own)."""
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        # The same failure as a refused connection: callers must not tell them apart.
        raise httpcore.ConnectError("The host name could not be resolved.") from error


def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to for `host`, once each of them passed the filter.

    Raises `ForbiddenAddress` when any one of them is forbidden: a name that also
    points inward is refused as a whole rather than tried address by address.
    """
    allow_loopback = settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS
    addresses = []
    for family, _type, _proto, _canonname, sockaddr in resolve(host, port):
        if family not in (socket.AF_INET, socket.AF_INET6):
            raise ForbiddenAddress("not an internet address")
        # sockaddr[0] may carry an IPv6 zone ("fe80::1%eth0"); link-local is refused anyway.
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        reason = forbidden_reason(ip, allow_loopback=allow_loopback)
        if reason is not None:
            raise ForbiddenAddress(reason)
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


class CheckedAddressBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to addresses the filter passed.

    httpcore opens the TCP connection here with the URL's host name, then starts TLS with
    that same name as SNI; this backend resolves the name once, checks every address and
    hands an IP literal to the stock connect, so no second DNS lookup can happen.
    """

    def connect_tcp(self, host: str, port: int, timeout=None, local_address=None, socket_options=None):
        if not settings.HTTP_IP_FILTER_ENABLED:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        addresses = checked_addresses(host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure or httpcore.ConnectError("The host has no address.")


@functools.lru_cache(maxsize=4)
def _ssl_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    return httpx.create_ssl_context()  # reads SSL_CERT_FILE / SSL_CERT_DIR, the cache's key


def ssl_context() -> ssl.SSLContext:
    """The TLS settings of outbound calls, made once per process (and CA bundle): loading the CA
    certificates takes longer than a whole call to Saleor."""
    return _ssl_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


class CheckedTransport(httpx.HTTPTransport):
    """httpx's transport over `CheckedAddressBackend`, never through a proxy."""

    def __init__(self):
        context = ssl_context()
        super().__init__(verify=context)
        # httpx (0.28) takes no network backend, so its connection pool is made again
        # around ours; tests/test_outbound.py fails if this stops taking effect.
        self._pool = httpcore.ConnectionPool(ssl_context=context, network_backend=CheckedAddressBackend())


class OutboundClient(httpx.Client):
    """An httpx client for outbound calls: checked addresses, no redirects, no proxy, no netrc.

    A redirect is handed back as the 3xx response it is, even to a caller that asks to
    follow it: a redirect could lead anywhere, so the caller treats it as an error.
    Each request is a client span of the trace in progress and carries it on (`traceparent`);
    the span names the host, never the path or query, which may hold secrets.
    """

    def __init__(self, **options):
        options.pop("follow_redirects", None)
        super().__init__(transport=CheckedTransport(), follow_redirects=False, trust_env=False, **options)

    def send(self, request, **options):
        options["follow_redirects"] = False
        with http_client_span(request.method, request.url, request.headers) as span:
            response = super().send(request, **options)
            record_http_status(span, response.status_code)
            return response


def outbound_client(**options) -> OutboundClient:
    """A client for one outbound exchange; `options` as for `httpx.Client` (timeout, headers)."""
    return OutboundClient(**options)
