"""Saleor API URLs as the app stores and compares them."""

from urllib.parse import urlsplit, urlunsplit


class InvalidSaleorApiUrl(ValueError):
    pass


def normalize_api_url(value: str | None) -> str:
    """Lower-case scheme and host, path ending in '/': one spelling per shop."""
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidSaleorApiUrl("Saleor-Api-Url must be the shop's full http(s) GraphQL URL.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidSaleorApiUrl("Saleor-Api-Url must not carry credentials, a query or a fragment.")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))
