"""Variants from Saleor, for exchanges: what the new item costs in the order's channel, and what is in stock."""

from dataclasses import dataclass
from decimal import Decimal

from saleor_returns.money import money_from_saleor
from saleor_returns.saleor.client import SaleorClient


def variant_unit_price(installation, variant_id: str, channel_id: str, *, client: SaleorClient | None = None) -> Decimal | None:
    """The variant's price in that channel (gross, as the storefront sells it), or None if not sold there."""
    client = client or SaleorClient.for_installation(installation)
    variant = client.query("VariantPrice", {"id": variant_id}).get("productVariant") or {}
    listing = next(
        (item for item in variant.get("channelListings") or [] if item["channel"]["id"] == channel_id and item.get("price")),
        None,
    )
    return None if listing is None else money_from_saleor(listing["price"]).amount


@dataclass(frozen=True)
class ExchangeVariant:
    """A variant of the returned item's product the customer may choose instead."""

    id: str
    name: str
    sku: str
    unit_price: Decimal | None  # in the order's channel; None when not sold there
    in_stock: bool
    quantity_available: int | None  # None when Saleor does not track its stock


def exchange_variants(installation, variant_id: str, channel_id: str, *, client: SaleorClient | None = None
                      ) -> tuple[str, list[ExchangeVariant]]:
    """The product's name and every variant of it, priced in the channel, with what is in stock.

    Stock is the sum over warehouses of what is not allocated yet: what an exchange order can still take.
    """
    client = client or SaleorClient.for_installation(installation)
    variant = client.query("ExchangeVariants", {"id": variant_id}).get("productVariant") or {}
    product = variant.get("product") or {}
    candidates = []
    for item in product.get("variants") or []:
        listing = next(
            (entry for entry in item.get("channelListings") or []
             if entry["channel"]["id"] == channel_id and entry.get("price")),
            None,
        )
        tracked = item.get("trackInventory", True)
        available = sum(max(stock["quantity"] - stock["quantityAllocated"], 0) for stock in item.get("stocks") or [])
        candidates.append(ExchangeVariant(
            id=item["id"], name=item.get("name") or "", sku=item.get("sku") or "",
            unit_price=None if listing is None else money_from_saleor(listing["price"]).amount,
            in_stock=available > 0 or not tracked, quantity_available=available if tracked else None,
        ))
    return product.get("name") or "", candidates
