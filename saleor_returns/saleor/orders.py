"""Orders read from Saleor: parsed into snapshots, fetched once and cached briefly.

A request looks at a bounded number of orders (`orders_per_request`), and an ID
that is not an order's never costs a Saleor call or reaches a cache key.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from graphql import GraphQLError

from saleor_returns.money import Money, money_from_saleor
from saleor_returns.saleor.client import SaleorClient, SaleorGraphQLError
from saleor_returns.saleor.order_snapshots import (
    SNAPSHOT_VERSION,
    FulfillmentLineSnapshot,
    FulfillmentSnapshot,
    GrantedRefundLineSnapshot,
    GrantedRefundSnapshot,
    LegacyPaymentSnapshot,
    OrderDataError,
    OrderLineSnapshot,
    OrderSnapshot,
    TransactionSnapshot,
    aware_datetime,
)

DEFAULT_TTL_SECONDS = 60
# Saleor's order IDs are about 56 characters; anything much longer is not one
# and must not reach a cache key.
MAX_ORDER_ID_LENGTH = 200


# ------------------------------------------------------------------------------- parsing


def parse_order(data: dict) -> OrderSnapshot:
    """Build a snapshot from the `order` dict of OrderForReturns (or an OrderByNumber node).

    Raises OrderDataError when a field the app relies on is missing, above all
    the exact money fields (`currency`, `fractionalAmount`, `fractionDigits`).
    """
    try:
        channel = data["channel"]
        user = data.get("user") or {}
        person = data.get("billingAddress") or user
        total_gross = _money(data["total"]["gross"], "total.gross")
        return OrderSnapshot(
            id=data["id"],
            number=str(data["number"]),
            created=_parse_datetime(data["created"], "created"),
            status=data["status"],
            channel_slug=channel["slug"],
            channel_id=channel["id"],
            currency=total_gross.currency,
            user_id=user.get("id"),
            user_email=data.get("userEmail") or user.get("email"),
            lines=tuple(_parse_line(line) for line in data["lines"]),
            fulfillments=tuple(_parse_fulfillment(f) for f in data["fulfillments"]),
            shipping_price_gross=_money(data["shippingPrice"]["gross"], "shippingPrice.gross"),
            total_gross=total_gross,
            total_refunded=_money(data["totalRefunded"], "totalRefunded"),
            transactions=tuple(_parse_transaction(t) for t in data["transactions"]),
            granted_refunds=tuple(_parse_granted_refund(g) for g in data["grantedRefunds"]),
            legacy_payments=tuple(_parse_payment(p) for p in data["payments"]),
            metadata=_metadata(data["metadata"]),
            language_code=data.get("languageCodeEnum") or "",
            customer_first_name=person.get("firstName") or "",
            customer_last_name=person.get("lastName") or "",
        )
    except (KeyError, TypeError) as error:
        raise OrderDataError(f"Saleor's order data is incomplete: {error!r}") from error


def _parse_line(data: dict) -> OrderLineSnapshot:
    # `variant` is null once the variant is deleted (and, for requestors
    # without product permissions, while its product is hidden in the channel);
    # the line's own copies of SKU, names and prices remain.
    variant = data.get("variant") or {}
    product = variant.get("product") or {}
    product_type = product.get("productType") or {}
    category = product.get("category") or {}
    unit_price = data["unitPrice"]
    return OrderLineSnapshot(
        id=data["id"],
        variant_id=variant.get("id") or data.get("productVariantId"),
        sku=data.get("productSku") or variant.get("sku"),
        product_id=product.get("id"),
        product_name=data["productName"],
        variant_name=data["variantName"],
        product_type_id=product_type.get("id"),
        category_id=category.get("id"),
        collection_ids=tuple(collection["id"] for collection in product.get("collections") or ()),
        quantity=data["quantity"],
        quantity_fulfilled=data["quantityFulfilled"],
        unit_price_gross=_money(unit_price["gross"], "lines.unitPrice.gross"),
        unit_price_net=_money(unit_price["net"], "lines.unitPrice.net"),
        unit_tax=_money(unit_price["tax"], "lines.unitPrice.tax"),
        undiscounted_unit_price_gross=_money(
            data["undiscountedUnitPrice"]["gross"], "lines.undiscountedUnitPrice.gross"
        ),
        total_price_gross=_money(data["totalPrice"]["gross"], "lines.totalPrice.gross"),
        tax_rate=_rate(data["taxRate"]),
        metadata={**_metadata(product.get("metadata")), **_metadata(variant.get("metadata"))},
        is_gift=bool(data.get("isGift")),
    )


def _parse_fulfillment(data: dict) -> FulfillmentSnapshot:
    return FulfillmentSnapshot(
        id=data["id"],
        fulfillment_order=data["fulfillmentOrder"],
        status=data["status"],
        created=_parse_datetime(data["created"], "fulfillments.created"),
        tracking_number=data.get("trackingNumber") or "",
        metadata=_metadata(data.get("metadata")),
        lines=tuple(
            FulfillmentLineSnapshot(line["id"], line["orderLine"]["id"], line["quantity"])
            for line in data.get("lines") or ()
        ),
    )


def _parse_transaction(data: dict) -> TransactionSnapshot:
    return TransactionSnapshot(
        id=data["id"],
        name=data.get("name") or "",
        psp_reference=data.get("pspReference") or "",
        actions=tuple(data.get("actions") or ()),
        charged=_money(data["chargedAmount"], "transactions.chargedAmount"),
        refunded=_money(data["refundedAmount"], "transactions.refundedAmount"),
        refund_pending=_money(data["refundPendingAmount"], "transactions.refundPendingAmount"),
    )


def _parse_granted_refund(data: dict) -> GrantedRefundSnapshot:
    transaction = data.get("transaction") or {}
    return GrantedRefundSnapshot(
        id=data["id"],
        status=data["status"],
        amount=_money(data["amount"], "grantedRefunds.amount"),
        shipping_costs_included=bool(data["shippingCostsIncluded"]),
        transaction_id=transaction.get("id"),
        lines=tuple(
            GrantedRefundLineSnapshot(line["orderLine"]["id"], line["quantity"]) for line in data.get("lines") or ()
        ),
    )


def _parse_payment(data: dict) -> LegacyPaymentSnapshot:
    captured = data.get("capturedAmount")
    return LegacyPaymentSnapshot(
        id=data["id"],
        gateway=data["gateway"],
        is_active=bool(data["isActive"]),
        charge_status=data["chargeStatus"],
        captured=_money(captured, "payments.capturedAmount") if captured is not None else None,
    )


def _money(data: Any, path: str) -> Money:
    try:
        return money_from_saleor(data)
    except ValueError as error:
        raise OrderDataError(f"{path}: {error}") from error


def _rate(value: Any) -> Decimal:
    # taxRate is a GraphQL Float holding a fraction such as 0.23; it is a rate,
    # not money, and its shortest repr is the value Saleor stored.
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise OrderDataError(f"lines.taxRate is not a number: {value!r}") from error


def _parse_datetime(value: Any, path: str) -> datetime:
    try:
        return aware_datetime(value)
    except (TypeError, ValueError) as error:
        raise OrderDataError(f"{path}: {error}") from error


def _metadata(items: Any) -> dict[str, str]:
    return {item["key"]: item["value"] for item in items or ()}


# ------------------------------------------------------------------------------ fetching


def is_order_id(value: Any) -> bool:
    """True if `value` has the shape of Saleor's order ID (base64 of `Order:<pk>`).

    Checked before calling Saleor, so a foreign or garbled ID from outside never
    costs a call or reaches a cache key.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_ORDER_ID_LENGTH:
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, ValueError):
        return False
    type_name, separator, pk = decoded.partition(":")
    return type_name == "Order" and bool(separator) and bool(pk)


class TooManyOrders(GraphQLError):
    """One API request asked about more distinct orders than it may (a field error in queries)."""

    def __init__(self, limit: int):
        super().__init__(
            f"One request may look at {limit} orders at most; split it.", extensions={"code": "TOO_MANY_ORDERS"}
        )
        self.limit = limit


_order_budget: contextvars.ContextVar = contextvars.ContextVar("order_budget", default=None)


@contextmanager
def orders_per_request(limit: int):
    """Within this block, at most `limit` distinct orders are looked up (cached or not)."""
    token = _order_budget.set({"limit": limit, "seen": set()})
    try:
        yield
    finally:
        _order_budget.reset(token)


def _count_order(key) -> None:
    budget = _order_budget.get()
    if budget is None or key in budget["seen"]:
        return
    if len(budget["seen"]) >= budget["limit"]:
        raise TooManyOrders(budget["limit"])
    budget["seen"].add(key)


def fetch_order(installation, order_id: str, *, use_cache: bool = True) -> OrderSnapshot | None:
    """The order, read with the app token; None when Saleor has no such order.

    One Saleor call per order, then served from Django's cache for
    `settings.ORDER_SNAPSHOT_TTL_SECONDS` (default 60). `use_cache=False`
    skips the cached copy and refreshes it. A malformed or foreign ID gives
    None. Raises SaleorError subclasses when Saleor cannot answer (including
    PermissionDenied as SaleorGraphQLError) and OrderDataError for data the
    app cannot use.
    """
    if not is_order_id(order_id):
        return None
    _count_order(("id", order_id))
    key = _order_key(installation, order_id)
    if use_cache:
        if cache.get(key) == MISSING:
            return None
        cached = _cached(key)
        if cached is not None:
            return cached
    try:
        data = SaleorClient.for_installation(installation).query("OrderForReturns", {"id": order_id})
    except SaleorGraphQLError as error:
        if _is_unknown_order(error):
            _store_missing(key)
            return None
        raise
    order = data.get("order")
    if order is None:
        _store_missing(key)
        return None
    snapshot = parse_order(order)
    _store(installation, snapshot)
    return snapshot


def fetch_order_by_number(installation, number: str | int, *, use_cache: bool = True) -> OrderSnapshot | None:
    """The order with this number (digits only, as Saleor shows it), or None.

    Cached like `fetch_order`; a later `fetch_order` of the same order is
    served from the same cache entry.
    """
    number = str(number).strip()
    if not number.isdigit() or not number.isascii():
        return None
    _count_order(("number", number))
    number_key = _number_key(installation, number)
    if use_cache:
        order_id = cache.get(number_key)
        if order_id == MISSING:
            return None
        if order_id is not None:
            cached = _cached(_order_key(installation, order_id))
            if cached is not None:
                return cached
    data = SaleorClient.for_installation(installation).query("OrderByNumber", {"number": number})
    edges = (data.get("orders") or {}).get("edges") or []
    if not edges:
        # Remembered like a missing id, so guessing numbers costs no further call.
        _store_missing(number_key)
        return None
    snapshot = parse_order(edges[0]["node"])
    _store(installation, snapshot)
    return snapshot


def cached_order(installation, order_id: str) -> OrderSnapshot | None:
    """The order as the app last read it, while still cached, without calling Saleor; else None.

    A cached copy is dropped on ORDER_UPDATED, so it is never older than the last change
    Saleor has told the app about.
    """
    if not is_order_id(order_id):
        return None
    return _cached(_order_key(installation, order_id))


def invalidate_order(installation, order_id: str) -> None:
    """Forget the cached order, e.g. on ORDER_UPDATED or after the app changed it."""
    if is_order_id(order_id):
        cache.delete(_order_key(installation, order_id))


def _is_unknown_order(error: SaleorGraphQLError) -> bool:
    # Saleor rejects an ID it cannot decode, or one of another type, with a
    # GraphQLError on `order` itself. A PermissionDenied, or an error deeper in
    # the order, is a real failure and must surface.
    return not error.is_permission_denied and all(detail.path == ["order"] for detail in error.errors)


def _ttl() -> int:
    return int(getattr(settings, "ORDER_SNAPSHOT_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def _order_key(installation, order_id: str) -> str:
    return f"saleor_returns:order:v{SNAPSHOT_VERSION}:{installation.id}:{order_id}"


def _number_key(installation, number: str) -> str:
    return f"saleor_returns:order-number:{installation.id}:{number}"


def _cached(key: str) -> OrderSnapshot | None:
    data = cache.get(key)
    if data is None or data == MISSING:
        return None
    try:
        return OrderSnapshot.from_json(data)
    except OrderDataError:
        return None  # written by another version of the app: fetch again


# Cached for an order Saleor does not have, as long as a found one: guessing ids costs no Saleor call.
MISSING = "missing"


def _store_missing(key: str) -> None:
    _remember(key, MISSING)


def _store(installation, snapshot: OrderSnapshot) -> None:
    # The snapshot is cached as JSON, not pickled, so a deploy that changes the
    # dataclasses never unpickles an old shape.
    _remember(_order_key(installation, snapshot.id), snapshot.to_json())
    # An order's number never changes, so this mapping cannot go stale.
    _remember(_number_key(installation, snapshot.number), snapshot.id)


def _remember(key: str, value: Any) -> None:
    """Cache `value` for the snapshot TTL; a TTL of 0 turns caching off."""
    ttl = _ttl()
    if ttl > 0:
        cache.set(key, value, ttl)


WAREHOUSES_LIMIT = 100


def fetch_warehouses(installation) -> list[dict]:
    """The shop's warehouses (id, name), read with the app token and cached like orders."""
    key = f"saleor_returns:warehouses:{installation.id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = SaleorClient.for_installation(installation).query("Warehouses", {"first": WAREHOUSES_LIMIT})
    warehouses = [
        {"id": edge["node"]["id"], "name": edge["node"]["name"]}
        for edge in ((data.get("warehouses") or {}).get("edges") or [])
    ]
    _remember(key, warehouses)
    return warehouses
