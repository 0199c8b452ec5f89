"""Orders read from Saleor: immutable snapshots of what a return needs, fetched once and cached briefly.

A snapshot holds exactly what the customer paid (Saleor's exact money fields,
never the `amount` float), what was shipped and what came back, so that
eligibility checks and return requests never depend on prices that changed in
Saleor since. `to_json()` / `from_json()` let a return request store the
snapshot it was created from.

Fulfillment statuses, as Saleor uses them:

* FULFILLED: shipped. When goods are returned or refunded, Saleor moves their
  quantity out of the FULFILLED fulfillment into a new RETURNED,
  REFUNDED_AND_RETURNED, REPLACED or REFUNDED one (and deletes a FULFILLED
  fulfillment left empty), so the FULFILLED quantity of a line is what the
  customer holds now.
* WAITING_FOR_APPROVAL: created but not approved, so not shipped; it does not
  count as fulfilled although Saleor already includes it in `quantityFulfilled`.
* RETURNED, REFUNDED_AND_RETURNED, REPLACED: came back (replaced goods came back
  too; Saleor sends new goods on a separate draft order).
* REFUNDED: money back without the goods coming back; neither fulfilled nor
  returned. CANCELED: never shipped.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from graphql import GraphQLError

from saleor_returns.money import Money, money, money_from_saleor
from saleor_returns.saleor.client import SaleorClient, SaleorGraphQLError

__all__ = [
    "FULFILLED_STATUSES",
    "RETURNED_STATUSES",
    "FulfillmentLineSnapshot",
    "FulfillmentSnapshot",
    "GrantedRefundLineSnapshot",
    "GrantedRefundSnapshot",
    "LegacyPaymentSnapshot",
    "OrderDataError",
    "OrderLineSnapshot",
    "OrderSnapshot",
    "TransactionSnapshot",
    "fetch_order",
    "fetch_order_by_number",
    "invalidate_order",
    "is_order_id",
    "parse_order",
]

SNAPSHOT_VERSION = 1
DEFAULT_TTL_SECONDS = 60
# Saleor's order IDs are about 56 characters; anything much longer is not one
# and must not reach a cache key.
MAX_ORDER_ID_LENGTH = 200

FULFILLED_STATUSES = frozenset({"FULFILLED"})
RETURNED_STATUSES = frozenset({"RETURNED", "REFUNDED_AND_RETURNED", "REPLACED"})


class OrderDataError(ValueError):
    """Saleor's order data lacks a field the app relies on (exact money above all)."""


# ----------------------------------------------------------------------------- snapshots


@dataclass(frozen=True)
class OrderLineSnapshot:
    """One order line as paid. Prices are per unit, after discounts unless named undiscounted."""

    id: str
    variant_id: str | None
    sku: str | None
    product_id: str | None
    product_name: str
    variant_name: str
    product_type_id: str | None
    category_id: str | None
    collection_ids: tuple[str, ...]
    quantity: int
    quantity_fulfilled: int
    unit_price_gross: Money
    unit_price_net: Money
    unit_tax: Money
    undiscounted_unit_price_gross: Money
    total_price_gross: Money
    tax_rate: Decimal
    metadata: dict[str, str]
    is_gift: bool

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "variant_id": self.variant_id,
            "sku": self.sku,
            "product_id": self.product_id,
            "product_name": self.product_name,
            "variant_name": self.variant_name,
            "product_type_id": self.product_type_id,
            "category_id": self.category_id,
            "collection_ids": list(self.collection_ids),
            "quantity": self.quantity,
            "quantity_fulfilled": self.quantity_fulfilled,
            "unit_price_gross": _money_to_json(self.unit_price_gross),
            "unit_price_net": _money_to_json(self.unit_price_net),
            "unit_tax": _money_to_json(self.unit_tax),
            "undiscounted_unit_price_gross": _money_to_json(self.undiscounted_unit_price_gross),
            "total_price_gross": _money_to_json(self.total_price_gross),
            "tax_rate": str(self.tax_rate),
            "metadata": dict(self.metadata),
            "is_gift": self.is_gift,
        }

    @classmethod
    def from_json(cls, data: dict) -> OrderLineSnapshot:
        return cls(
            id=data["id"],
            variant_id=data["variant_id"],
            sku=data["sku"],
            product_id=data["product_id"],
            product_name=data["product_name"],
            variant_name=data["variant_name"],
            product_type_id=data["product_type_id"],
            category_id=data["category_id"],
            collection_ids=tuple(data["collection_ids"]),
            quantity=data["quantity"],
            quantity_fulfilled=data["quantity_fulfilled"],
            unit_price_gross=_money_from_json(data["unit_price_gross"]),
            unit_price_net=_money_from_json(data["unit_price_net"]),
            unit_tax=_money_from_json(data["unit_tax"]),
            undiscounted_unit_price_gross=_money_from_json(data["undiscounted_unit_price_gross"]),
            total_price_gross=_money_from_json(data["total_price_gross"]),
            tax_rate=Decimal(data["tax_rate"]),
            metadata=dict(data["metadata"]),
            is_gift=data["is_gift"],
        )


class FulfillmentLineSnapshot(NamedTuple):
    id: str
    order_line_id: str
    quantity: int


@dataclass(frozen=True)
class FulfillmentSnapshot:
    id: str
    fulfillment_order: int
    status: str
    created: datetime
    tracking_number: str
    metadata: dict[str, str]
    lines: tuple[FulfillmentLineSnapshot, ...]

    def quantity_of(self, line_id: str) -> int:
        return sum(line.quantity for line in self.lines if line.order_line_id == line_id)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "fulfillment_order": self.fulfillment_order,
            "status": self.status,
            "created": self.created.isoformat(),
            "tracking_number": self.tracking_number,
            "metadata": dict(self.metadata),
            "lines": [list(line) for line in self.lines],
        }

    @classmethod
    def from_json(cls, data: dict) -> FulfillmentSnapshot:
        return cls(
            id=data["id"],
            fulfillment_order=data["fulfillment_order"],
            status=data["status"],
            created=_aware_datetime(data["created"]),
            tracking_number=data["tracking_number"],
            metadata=dict(data["metadata"]),
            lines=tuple(FulfillmentLineSnapshot(*line) for line in data["lines"]),
        )


@dataclass(frozen=True)
class TransactionSnapshot:
    """A Transactions API payment. `charged` falls as refunds rise (Saleor reports it net)."""

    id: str
    name: str
    psp_reference: str
    actions: tuple[str, ...]
    charged: Money
    refunded: Money
    refund_pending: Money

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "psp_reference": self.psp_reference,
            "actions": list(self.actions),
            "charged": _money_to_json(self.charged),
            "refunded": _money_to_json(self.refunded),
            "refund_pending": _money_to_json(self.refund_pending),
        }

    @classmethod
    def from_json(cls, data: dict) -> TransactionSnapshot:
        return cls(
            id=data["id"],
            name=data["name"],
            psp_reference=data["psp_reference"],
            actions=tuple(data["actions"]),
            charged=_money_from_json(data["charged"]),
            refunded=_money_from_json(data["refunded"]),
            refund_pending=_money_from_json(data["refund_pending"]),
        )


class GrantedRefundLineSnapshot(NamedTuple):
    order_line_id: str
    quantity: int


@dataclass(frozen=True)
class GrantedRefundSnapshot:
    """A granted refund. Its `status` lags behind in webhook payloads; re-fetch to confirm it."""

    id: str
    status: str
    amount: Money
    shipping_costs_included: bool
    transaction_id: str | None
    lines: tuple[GrantedRefundLineSnapshot, ...]

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "amount": _money_to_json(self.amount),
            "shipping_costs_included": self.shipping_costs_included,
            "transaction_id": self.transaction_id,
            "lines": [list(line) for line in self.lines],
        }

    @classmethod
    def from_json(cls, data: dict) -> GrantedRefundSnapshot:
        return cls(
            id=data["id"],
            status=data["status"],
            amount=_money_from_json(data["amount"]),
            shipping_costs_included=data["shipping_costs_included"],
            transaction_id=data["transaction_id"],
            lines=tuple(GrantedRefundLineSnapshot(*line) for line in data["lines"]),
        )


@dataclass(frozen=True)
class LegacyPaymentSnapshot:
    """A deprecated Payments API payment; `captured` falls as refunds rise."""

    id: str
    gateway: str
    is_active: bool
    charge_status: str
    captured: Money | None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "gateway": self.gateway,
            "is_active": self.is_active,
            "charge_status": self.charge_status,
            "captured": _money_to_json(self.captured) if self.captured is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> LegacyPaymentSnapshot:
        captured = data["captured"]
        return cls(
            id=data["id"],
            gateway=data["gateway"],
            is_active=data["is_active"],
            charge_status=data["charge_status"],
            captured=_money_from_json(captured) if captured is not None else None,
        )


@dataclass(frozen=True)
class OrderSnapshot:
    """An order as Saleor reported it at one moment. Treat it, metadata included, as read-only."""

    id: str
    number: str
    created: datetime
    status: str
    channel_slug: str
    channel_id: str
    currency: str
    user_id: str | None
    user_email: str | None
    lines: tuple[OrderLineSnapshot, ...]
    fulfillments: tuple[FulfillmentSnapshot, ...]
    shipping_price_gross: Money
    total_gross: Money
    total_refunded: Money
    transactions: tuple[TransactionSnapshot, ...]
    granted_refunds: tuple[GrantedRefundSnapshot, ...]
    legacy_payments: tuple[LegacyPaymentSnapshot, ...]
    metadata: dict[str, str]

    def line(self, line_id: str) -> OrderLineSnapshot | None:
        """The line with this ID, or None when the order has no such line."""
        return next((line for line in self.lines if line.id == line_id), None)

    def fulfilled_quantity(self, line_id: str) -> int:
        """Units of the line shipped and still with the customer (in FULFILLED fulfillments).

        Not yet approved (WAITING_FOR_APPROVAL) and already returned, replaced
        or refunded units are excluded; see the module docstring.
        """
        return sum(
            fulfillment.quantity_of(line_id)
            for fulfillment in self.fulfillments
            if fulfillment.status in FULFILLED_STATUSES
        )

    def fulfilled_at(self, line_id: str) -> datetime | None:
        """When the line first shipped: the earliest FULFILLED fulfillment holding it.

        None when no FULFILLED fulfillment holds it any more, e.g. once every
        unit came back (Saleor then deletes the emptied fulfillment).
        """
        times = [
            fulfillment.created
            for fulfillment in self.fulfillments
            if fulfillment.status in FULFILLED_STATUSES and fulfillment.quantity_of(line_id) > 0
        ]
        return min(times, default=None)

    def returned_quantity(self, line_id: str) -> int:
        """Units of the line that came back (RETURNED, REFUNDED_AND_RETURNED, REPLACED)."""
        return sum(
            fulfillment.quantity_of(line_id)
            for fulfillment in self.fulfillments
            if fulfillment.status in RETURNED_STATUSES
        )

    def granted_refund_quantity(self, line_id: str) -> int:
        """Units of the line in any granted refund, whatever its status.

        Saleor counts every earlier granted refund when it checks a new one
        (QUANTITY_GREATER_THAN_AVAILABLE), so this is what is no longer grantable.
        """
        return sum(
            line.quantity
            for granted_refund in self.granted_refunds
            for line in granted_refund.lines
            if line.order_line_id == line_id
        )

    def to_json(self) -> dict:
        """A JSON-safe dict: money as `{"amount": "25.00", "currency": "USD"}`, times in ISO 8601."""
        return {
            "version": SNAPSHOT_VERSION,
            "id": self.id,
            "number": self.number,
            "created": self.created.isoformat(),
            "status": self.status,
            "channel_slug": self.channel_slug,
            "channel_id": self.channel_id,
            "currency": self.currency,
            "user_id": self.user_id,
            "user_email": self.user_email,
            "lines": [line.to_json() for line in self.lines],
            "fulfillments": [fulfillment.to_json() for fulfillment in self.fulfillments],
            "shipping_price_gross": _money_to_json(self.shipping_price_gross),
            "total_gross": _money_to_json(self.total_gross),
            "total_refunded": _money_to_json(self.total_refunded),
            "transactions": [transaction.to_json() for transaction in self.transactions],
            "granted_refunds": [granted.to_json() for granted in self.granted_refunds],
            "legacy_payments": [payment.to_json() for payment in self.legacy_payments],
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_json(cls, data: dict) -> OrderSnapshot:
        """Rebuild a snapshot from `to_json()`; raise OrderDataError if it is not one."""
        if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
            raise OrderDataError(f"Not an order snapshot of version {SNAPSHOT_VERSION}.")
        try:
            return cls(
                id=data["id"],
                number=data["number"],
                created=_aware_datetime(data["created"]),
                status=data["status"],
                channel_slug=data["channel_slug"],
                channel_id=data["channel_id"],
                currency=data["currency"],
                user_id=data["user_id"],
                user_email=data["user_email"],
                lines=tuple(OrderLineSnapshot.from_json(line) for line in data["lines"]),
                fulfillments=tuple(FulfillmentSnapshot.from_json(f) for f in data["fulfillments"]),
                shipping_price_gross=_money_from_json(data["shipping_price_gross"]),
                total_gross=_money_from_json(data["total_gross"]),
                total_refunded=_money_from_json(data["total_refunded"]),
                transactions=tuple(TransactionSnapshot.from_json(t) for t in data["transactions"]),
                granted_refunds=tuple(GrantedRefundSnapshot.from_json(g) for g in data["granted_refunds"]),
                legacy_payments=tuple(LegacyPaymentSnapshot.from_json(p) for p in data["legacy_payments"]),
                metadata=dict(data["metadata"]),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise OrderDataError(f"Broken order snapshot: {error!r}") from error


def _money_to_json(value: Money) -> dict:
    return {"amount": str(value.amount), "currency": value.currency}


def _money_from_json(data: dict) -> Money:
    return money(Decimal(data["amount"]), data["currency"])


def _aware_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"Timestamp without a time zone: {value}")
    return parsed


# ------------------------------------------------------------------------------- parsing


def parse_order(data: dict) -> OrderSnapshot:
    """Build a snapshot from the `order` dict of OrderForReturns (or an OrderByNumber node).

    Raises OrderDataError when a field the app relies on is missing, above all
    the exact money fields (`currency`, `fractionalAmount`, `fractionDigits`).
    """
    try:
        channel = data["channel"]
        user = data.get("user") or {}
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
        return _aware_datetime(value)
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
    ttl = _ttl()
    if ttl > 0:
        cache.set(key, MISSING, ttl)


def _store(installation, snapshot: OrderSnapshot) -> None:
    ttl = _ttl()
    if ttl <= 0:
        return
    # The snapshot is cached as JSON, not pickled, so a deploy that changes the
    # dataclasses never unpickles an old shape.
    cache.set(_order_key(installation, snapshot.id), snapshot.to_json(), ttl)
    # An order's number never changes, so this mapping cannot go stale.
    cache.set(_number_key(installation, snapshot.number), snapshot.id, ttl)


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
    ttl = _ttl()
    if ttl > 0:
        cache.set(key, warehouses, ttl)
    return warehouses
