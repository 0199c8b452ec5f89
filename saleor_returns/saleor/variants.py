"""Variant prices from Saleor, for exchanges: what the new item costs in the order's channel."""

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
