"""What the app keeps of a Saleor order: immutable snapshots, and their JSON.

A snapshot holds exactly what the customer paid (Saleor's exact money fields,
never the `amount` float), what was shipped and what came back, so that
eligibility checks and return requests never depend on prices that changed in
Saleor since. `to_json()` / `from_json()` let a return request store the
snapshot it was created from, and the cache hold it.

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

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from saleor_returns.money import Money, money

SNAPSHOT_VERSION = 1

FULFILLED_STATUSES = frozenset({"FULFILLED"})
RETURNED_STATUSES = frozenset({"RETURNED", "REFUNDED_AND_RETURNED", "REPLACED"})


class OrderDataError(ValueError):
    """Saleor's order data lacks a field the app relies on (exact money above all)."""


class _JsonSnapshot:
    """`to_json()` and `from_json()` of a snapshot dataclass, read off the types of its fields.

    In JSON, money is `{"amount": "25.00", "currency": "USD"}`, times are ISO 8601,
    Decimals strings, named tuples lists and nested snapshots objects.
    """

    def to_json(self) -> dict:
        return {field.name: _to_json(getattr(self, field.name)) for field in dataclasses.fields(self)}

    @classmethod
    def from_json(cls, data: dict):
        return cls(**{name: _from_json(kind, data[name]) for name, kind in _field_types(cls).items()})


@dataclass(frozen=True)
class OrderLineSnapshot(_JsonSnapshot):
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

class FulfillmentLineSnapshot(NamedTuple):
    id: str
    order_line_id: str
    quantity: int


@dataclass(frozen=True)
class FulfillmentSnapshot(_JsonSnapshot):
    id: str
    fulfillment_order: int
    status: str
    created: datetime
    tracking_number: str
    metadata: dict[str, str]
    lines: tuple[FulfillmentLineSnapshot, ...]

    def quantity_of(self, line_id: str) -> int:
        return sum(line.quantity for line in self.lines if line.order_line_id == line_id)

@dataclass(frozen=True)
class TransactionSnapshot(_JsonSnapshot):
    """A Transactions API payment. `charged` falls as refunds rise (Saleor reports it net)."""

    id: str
    name: str
    psp_reference: str
    actions: tuple[str, ...]
    charged: Money
    refunded: Money
    refund_pending: Money

class GrantedRefundLineSnapshot(NamedTuple):
    order_line_id: str
    quantity: int


@dataclass(frozen=True)
class GrantedRefundSnapshot(_JsonSnapshot):
    """A granted refund. Its `status` lags behind in webhook payloads; re-fetch to confirm it."""

    id: str
    status: str
    amount: Money
    shipping_costs_included: bool
    transaction_id: str | None
    lines: tuple[GrantedRefundLineSnapshot, ...]

@dataclass(frozen=True)
class LegacyPaymentSnapshot(_JsonSnapshot):
    """A deprecated Payments API payment; `captured` falls as refunds rise."""

    id: str
    gateway: str
    is_active: bool
    charge_status: str
    captured: Money | None

@dataclass(frozen=True)
class OrderSnapshot(_JsonSnapshot):
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
    # Whom the return's messages greet, and in which language: Saleor's LanguageCodeEnum of the
    # order (e.g. "ZH_HANS") and the name on the billing address, else on the customer's account.
    language_code: str = ""
    customer_first_name: str = ""
    customer_last_name: str = ""

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
        """A JSON-safe dict, tagged with the snapshot version."""
        return {"version": SNAPSHOT_VERSION, **super().to_json()}

    @classmethod
    def from_json(cls, data: dict) -> OrderSnapshot:
        """Rebuild a snapshot from `to_json()`; raise OrderDataError if it is not one."""
        if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
            raise OrderDataError(f"Not an order snapshot of version {SNAPSHOT_VERSION}.")
        try:
            return super().from_json(data)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise OrderDataError(f"Broken order snapshot: {error!r}") from error


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {field.name: hints[field.name] for field in dataclasses.fields(cls)}


def _to_json(value: Any) -> Any:
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, _JsonSnapshot):
        return value.to_json()
    if isinstance(value, tuple):
        # A named tuple (a fulfillment line) is a list of its values.
        return list(value) if hasattr(value, "_fields") else [_to_json(item) for item in value]
    if isinstance(value, dict):
        return dict(value)
    return value


def _from_json(kind: Any, value: Any) -> Any:
    if kind is Money:
        return money(Decimal(value["amount"]), value["currency"])
    if kind is datetime:
        return aware_datetime(value)
    if kind is Decimal:
        return Decimal(value)
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin is types.UnionType:  # `X | None`
        if value is None:
            return None
        (kind,) = (argument for argument in arguments if argument is not type(None))
        return _from_json(kind, value)
    if origin is tuple:
        return tuple(_from_json(arguments[0], item) for item in value)
    if origin is dict:
        return dict(value)
    if isinstance(kind, type) and issubclass(kind, _JsonSnapshot):
        return kind.from_json(value)
    if isinstance(kind, type) and issubclass(kind, tuple):
        return kind(*value)
    return value


def aware_datetime(value: str) -> datetime:
    """A time from ISO 8601 text that must carry its offset."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"Timestamp without a time zone: {value}")
    return parsed
