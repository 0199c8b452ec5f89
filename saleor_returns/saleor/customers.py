"""A shop's customers as Saleor knows them: signing in, refreshing the session, their orders, an order's language.

Signing in and refreshing are public Saleor mutations (no app token); a customer's orders
are read with the customer's own access token, so Saleor decides what they may see.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache

from saleor_returns.money import Money, money_from_saleor
from saleor_returns.saleor.client import SaleorClient, SaleorMutationError

logger = logging.getLogger(__name__)

# An order's language does not change: reused for a day.
ORDER_LANGUAGE_TTL_SECONDS = 24 * 3600


class SignInRefused(Exception):
    """Saleor refused the e-mail and password (or the account is inactive); the message can be shown."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CustomerSession:
    token: str
    refresh_token: str
    user_id: str
    email: str
    language_code: str


@dataclass(frozen=True)
class CustomerOrderLine:
    product_name: str
    variant_name: str
    quantity: int


@dataclass(frozen=True)
class CustomerOrder:
    id: str
    number: str
    created: datetime
    status: str
    language_code: str
    total: Money
    lines: list[CustomerOrderLine]


def sign_in(installation, email: str, password: str) -> CustomerSession:
    """Saleor's tokenCreate; raises SignInRefused, or SaleorUnavailable when the shop does not answer."""
    client = SaleorClient(installation.saleor_api_url)
    try:
        data = client.mutate("TokenCreate", {"email": email, "password": password})
    except SaleorMutationError as error:
        code = next(iter(error.codes), None)
        logger.info("Portal sign-in refused by Saleor", extra={"installation_id": str(installation.pk), "code": code})
        raise SignInRefused("The e-mail or password is not right.", code) from None
    payload = data["tokenCreate"]
    user = payload.get("user") or {}
    if not payload.get("token") or not user.get("id"):
        raise SignInRefused("The e-mail or password is not right.")
    return CustomerSession(
        token=payload["token"], refresh_token=payload.get("refreshToken") or "", user_id=user["id"],
        email=user.get("email") or email, language_code=user.get("languageCode") or "",
    )


def refresh_access_token(installation, refresh_token: str) -> str | None:
    """A new access token from Saleor's tokenRefresh, or None when Saleor no longer accepts the refresh token."""
    try:
        data = SaleorClient(installation.saleor_api_url).mutate("TokenRefresh", {"refreshToken": refresh_token})
    except SaleorMutationError:
        return None
    return (data.get("tokenRefresh") or {}).get("token") or None


def customer_orders(installation, token: str, *, first: int = 20) -> list[CustomerOrder]:
    """The customer's orders, newest first, as Saleor shows them to that customer."""
    data = SaleorClient(installation.saleor_api_url, token).query("CustomerOrders", {"first": first})
    me = data.get("me") or {}
    edges = ((me.get("orders") or {}).get("edges")) or []
    return [_order(edge["node"]) for edge in edges if edge and edge.get("node")]


def _order(node: dict) -> CustomerOrder:
    return CustomerOrder(
        id=node["id"],
        number=str(node["number"]),
        created=datetime.fromisoformat(node["created"]),
        status=node.get("status") or "",
        language_code=node.get("languageCodeEnum") or "",
        total=money_from_saleor(node["total"]["gross"]),
        lines=[
            CustomerOrderLine(product_name=line.get("productName") or "", variant_name=line.get("variantName") or "",
                              quantity=int(line.get("quantity") or 0))
            for line in node.get("lines") or []
        ],
    )


def order_language(installation, order_id: str) -> str:
    """Saleor's LanguageCodeEnum of the order (e.g. ZH_HANS), "" when unknown; read with the app token."""
    key = f"order-language:{installation.pk}:{order_id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = SaleorClient.for_installation(installation).query("OrderLanguage", {"id": order_id})
    language = ((data.get("order") or {}).get("languageCodeEnum")) or ""
    cache.set(key, language, ORDER_LANGUAGE_TTL_SECONDS)
    return language
