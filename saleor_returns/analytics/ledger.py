"""An order as the sales ledger reads it from Saleor (the `SoldOrder` fragment of graphql/saleor/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_datetime

from saleor_returns.analytics.days import day_of
from saleor_returns.money import money_from_saleor

# Saleor's OrderStatus values that do not count as sold: a draft is no order yet, a canceled one
# was undone, an expired one was an unconfirmed order never paid (Saleor releases it).
NOT_SOLD = frozenset({"DRAFT", "CANCELED", "EXPIRED"})


class UnreadableOrder(ValueError):
    """The payload lacks what the ledger needs (e.g. a delivery made with an older subscription)."""


@dataclass(frozen=True)
class SoldLineData:
    order_line_id: str
    variant_id: str
    sku: str
    product_id: str
    product_name: str
    product_type_id: str
    product_type_name: str
    category_id: str
    category_name: str
    quantity: int
    net_amount: Decimal


@dataclass(frozen=True)
class SoldOrderData:
    order_id: str
    number: str
    channel_slug: str
    currency: str
    created_at: datetime
    day: date
    status: str
    updated_at: datetime
    lines: tuple[SoldLineData, ...]
    customer_user_id: str = ""
    customer_email: str = ""

    @property
    def is_counted(self) -> bool:
        return self.status not in NOT_SOLD


def _moment(value, name: str) -> datetime:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        raise UnreadableOrder(f"The order's {name} is missing or not a date and time.")
    return moment


def _line(data: dict, currency: str) -> SoldLineData:
    variant = data.get("variant") or {}
    product = variant.get("product") or {}
    product_type = product.get("productType") or {}
    category = product.get("category") or {}
    try:
        net = money_from_saleor(((data.get("totalPrice") or {}).get("net")) or {})
        quantity = int(data["quantity"])
        line_id = str(data["id"])
    except (KeyError, TypeError, ValueError) as error:
        raise UnreadableOrder("An order line lacks its id, quantity or net total.") from error
    if net.currency != currency:
        raise UnreadableOrder("An order line is priced in another currency than its order.")
    return SoldLineData(
        order_line_id=line_id,
        # A deleted variant leaves the line its copies of the variant's id and SKU.
        variant_id=str(variant.get("id") or data.get("productVariantId") or ""),
        sku=str(variant.get("sku") or data.get("productSku") or ""),
        product_id=str(product.get("id") or ""),
        product_name=str(product.get("name") or data.get("productName") or ""),
        product_type_id=str(product_type.get("id") or ""),
        product_type_name=str(product_type.get("name") or ""),
        category_id=str(category.get("id") or ""),
        category_name=str(category.get("name") or ""),
        quantity=max(quantity, 0),
        net_amount=net.amount,
    )


def read_order(data: dict, zone: ZoneInfo) -> SoldOrderData:
    """The ledger's view of an order payload; raises UnreadableOrder when a field it needs is absent."""
    if not isinstance(data, dict) or not data.get("id") or not isinstance(data.get("lines"), list):
        raise UnreadableOrder("The order has no id or no lines.")
    currency = str(((data.get("total") or {}).get("currency")) or "").upper()
    channel_slug = str(((data.get("channel") or {}).get("slug")) or "")
    status = str(data.get("status") or "")
    if not currency or not channel_slug or not status:
        raise UnreadableOrder("The order lacks its currency, channel or status.")
    created_at = _moment(data.get("created"), "created")
    return SoldOrderData(
        order_id=str(data["id"]),
        number=str(data.get("number") or ""),
        channel_slug=channel_slug,
        currency=currency,
        created_at=created_at,
        day=day_of(created_at, zone),
        status=status,
        updated_at=_moment(data.get("updatedAt"), "updatedAt"),
        lines=tuple(_line(line, currency) for line in data["lines"]),
        customer_user_id=str((data.get("user") or {}).get("id") or ""),
        customer_email=str(data.get("userEmail") or "").strip().lower(),
    )
