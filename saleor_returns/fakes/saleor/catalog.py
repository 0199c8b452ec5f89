"""The catalog: channels, warehouses, products and variants, and shipping methods."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .common import (
    _amount,
    _append_once,
    _decimal,
    _metadata_dict,
    _metadata_items,
    _money,
    _quantize,
    _slug,
    global_id,
)
from .errors import _MISSING_NODE, _invalid, _parse_node_id
from .orders import _address_dict


def _catalog_variant(catalog: dict, variant: Any) -> None:
    """Index a variant with its product, product type, category and collections."""
    if not isinstance(variant, Mapping) or "product" not in variant:
        return
    catalog[("ProductVariant", variant["sku"])] = variant
    product = variant["product"]
    catalog[("Product", product["name"])] = product
    related = [product.get("productType"), product.get("category")]
    for entry in related + list(product.get("collections") or ()):
        if entry:
            catalog[(entry["__typename"], entry["name"])] = entry


def _check_same_product(product: Mapping, spec: Mapping[str, Any]) -> None:
    """A product is described once; a later line may repeat, never change, its description."""
    existing = {
        "product_type": product["productType"]["name"],
        "category": (product.get("category") or {}).get("name"),
        "collections": [collection["name"] for collection in product.get("collections") or ()],
        "metadata": _metadata_dict(product.get("metadata")),
        "product_visible": product.get("_visible", True),
    }
    _check_same(existing, spec, f"Product {product['name']!r}")


def _check_same_variant(variant: Mapping, spec: Mapping[str, Any]) -> None:
    product = variant["product"]
    existing = {
        "product_name": product["name"],
        "variant_name": variant["name"],
        "variant_metadata": _metadata_dict(variant.get("metadata")),
    }
    _check_same(existing, spec, f"SKU {variant['sku']!r}")
    _check_same_product(product, spec)


def _check_same(existing: Mapping[str, Any], spec: Mapping[str, Any], what: str) -> None:
    for key, value in existing.items():
        if key not in spec:
            continue
        given = spec[key]
        if key == "collections":
            given = list(given)
        elif key.endswith("metadata"):
            given = dict(given or {})
        if given != value:
            raise ValueError(f"{what} already exists with {key}={value!r}, not {given!r}.")
# Keys of ``add_variant(**spec)``: the catalog part of ORDER_LINE_KEYS.
_VARIANT_SPEC_KEYS = frozenset(
    {
        "product_name",
        "variant_name",
        "product_type",
        "category",
        "collections",
        "metadata",
        "variant_metadata",
        "product_visible",
    }
)


class CatalogMixin:
    def _variant_for(self, spec: Mapping[str, Any], catalog: dict) -> dict:
        """The variant of ``spec["sku"]``, created with its product on first use."""
        sku = spec["sku"]
        variant = catalog.get(("ProductVariant", sku))
        if variant is not None:
            _check_same_variant(variant, spec)
            return variant
        product_name = spec.get("product_name", f"Product {sku}")
        product = catalog.get(("Product", product_name))
        if product is not None:
            _check_same_product(product, spec)
        else:
            category_name = spec.get("category", "Default category")
            product = {
                "__typename": "Product",
                "id": self.new_id("Product"),
                "name": product_name,
                "slug": _slug(product_name),
                "productType": self._catalog_entry(
                    catalog,
                    "ProductType",
                    spec.get("product_type", "Default type"),
                    {
                        "hasVariants": True,
                        "isShippingRequired": True,
                        "isDigital": False,
                        "kind": "NORMAL",
                    },
                ),
                "category": (
                    self._catalog_entry(catalog, "Category", category_name, {"level": 0})
                    if category_name is not None
                    else None
                ),
                "collections": [
                    self._catalog_entry(catalog, "Collection", name, {})
                    for name in spec.get("collections", ())
                ],
                "metadata": _metadata_items(spec.get("metadata")),
                "privateMetadata": [],
                "_visible": bool(spec.get("product_visible", True)),
            }
            catalog[("Product", product_name)] = product
        variant = {
            "__typename": "ProductVariant",
            "id": self.new_id("ProductVariant"),
            "sku": sku,
            "name": spec.get("variant_name", sku),
            "product": product,
            "trackInventory": True,
            "metadata": _metadata_items(spec.get("variant_metadata")),
            "privateMetadata": [],
        }
        catalog[("ProductVariant", sku)] = variant
        return variant

    def _catalog_entry(self, catalog: dict, type_name: str, name: str, extra: Mapping) -> dict:
        entry = catalog.get((type_name, name))
        if entry is None:
            entry = {
                "__typename": type_name,
                "id": self.new_id(type_name),
                "name": name,
                "slug": _slug(name),
                "metadata": [],
                "privateMetadata": [],
                **extra,
            }
            catalog[(type_name, name)] = entry
        return entry

    def _catalog(self) -> dict[tuple[str, str], dict]:
        """Channels, products and the like already in use, by slug, name or SKU.

        Derived from ``orders`` and the ``channels``, ``variants`` and ``warehouses``
        lists so that ``reset(data=True)`` forgets them too.
        """
        catalog: dict[tuple[str, str], dict] = {}
        for order in self.orders:
            channel = order.get("channel")
            if isinstance(channel, Mapping) and channel.get("slug"):
                catalog[("Channel", channel["slug"])] = channel
            for line in order.get("lines") or ():
                _catalog_variant(catalog, line.get("variant"))
            for fulfillment in order.get("fulfillments") or ():
                warehouse = fulfillment.get("warehouse")
                if warehouse:
                    catalog[("Warehouse", warehouse["name"])] = warehouse
        for channel in self.channels:
            catalog[("Channel", channel["slug"])] = channel
        for variant in self.variants:
            _catalog_variant(catalog, variant)
        for warehouse in self.warehouses:
            catalog[("Warehouse", warehouse["name"])] = warehouse
        return catalog


    # ------------------------------------------------------------------ catalog data API

    def add_channel(
        self,
        slug: str = "default-channel",
        currency: str = "USD",
        *,
        is_active: bool = True,
        automatically_confirm_all_new_orders: bool = True,
    ) -> dict:
        """A channel, reused by slug (``add_order`` makes its own on first use too).

        With ``automatically_confirm_all_new_orders`` off (a channel order
        setting), ``draftOrderComplete`` leaves orders UNCONFIRMED.
        """
        with self.lock:
            channel = self._channel_for(self._catalog(), slug, currency)
            channel["isActive"] = is_active
            channel["_automatically_confirm_all_new_orders"] = automatically_confirm_all_new_orders
            _append_once(self.channels, channel)
        return channel

    def add_warehouse(self, name: str = "Default warehouse") -> dict:
        """A warehouse, reused by name; ``fulfill(warehouse=name)`` ships from the same one."""
        with self.lock:
            warehouse = self._catalog().get(("Warehouse", name)) or self._new_warehouse(name)
            _append_once(self.warehouses, warehouse)
        return warehouse

    def add_variant(
        self,
        sku: str,
        *,
        price: Decimal | int | str | None = None,
        channel_slug: str = "default-channel",
        currency: str | None = None,
        track_inventory: bool = True,
        stocks: Mapping[str, int] | None = None,
        **spec: Any,
    ) -> dict:
        """A product variant, e.g. the one an exchange ships; an existing SKU is reused.

        ``spec`` takes the catalog keys of an order line (``product_name``,
        ``variant_name``, ``product_type``, ``category``, ``collections``,
        ``metadata``, ``variant_metadata``, ``product_visible``). ``price`` (gross)
        lists the variant in the channel at that price, which ``draftOrderCreate``
        needs; a variant already sold in a channel is listed there at its
        undiscounted unit price. ``currency`` is needed for a new channel only
        (default USD). ``stocks`` sets ``{warehouse name: quantity}``.
        """
        unknown = set(spec) - _VARIANT_SPEC_KEYS
        if unknown:
            raise ValueError(
                f"Unknown variant keys {sorted(unknown)}; use {sorted(_VARIANT_SPEC_KEYS)}."
            )
        with self.lock:
            catalog = self._catalog()
            variant = self._variant_for({"sku": sku, **spec}, catalog)
            variant["trackInventory"] = track_inventory
            _append_once(self.variants, variant)
            if price is not None:
                channel = self._channel_for(catalog, channel_slug, currency)
                _append_once(self.channels, channel)
                amount = _quantize(_decimal(price, "price"), channel["currencyCode"])
                variant.setdefault("_channel_prices", {})[channel_slug] = amount
            for warehouse, quantity in (stocks or {}).items():
                self.set_stock(sku, quantity, warehouse=warehouse)
        return variant

    def add_shipping_method(
        self,
        name: str = "Standard",
        price: Decimal | int | str = Decimal("0"),
        *,
        channel_slug: str = "default-channel",
        currency: str | None = None,
    ) -> dict:
        """A shipping method of a channel, for ``draftOrderCreate(input: {shippingMethod})``.

        ``currency`` is needed for a new channel only (default USD).
        """
        with self.lock:
            channel = self._channel_for(self._catalog(), channel_slug, currency)
            _append_once(self.channels, channel)
            method = {
                "__typename": "ShippingMethodType",
                "id": self.new_id("ShippingMethodType"),
                "name": name,
                "price": _money(_decimal(price, "price"), channel["currencyCode"]),
                "metadata": [],
                "privateMetadata": [],
                "_channel": channel,
            }
            self.shipping_methods.append(method)
        return method

    def _channel_for(self, catalog: dict, slug: str, currency: str | None) -> dict:
        """The channel ``slug``, created in ``currency`` (default USD) when new."""
        channel = catalog.get(("Channel", slug))
        if currency is None:
            currency = channel["currencyCode"] if channel else "USD"
        currency = currency.upper()
        if channel is None:
            channel = {
                "__typename": "Channel",
                "id": self.new_id("Channel"),
                "slug": slug,
                "name": slug.replace("-", " ").title(),
                "currencyCode": currency,
                "isActive": True,
                "hasOrders": True,
                "metadata": [],
                "privateMetadata": [],
            }
            catalog[("Channel", slug)] = channel
        elif channel["currencyCode"] != currency:
            raise ValueError(f"Channel {slug} exists with currency {channel['currencyCode']}.")
        return channel

    def _new_warehouse(self, name: str) -> dict:
        return {
            "__typename": "Warehouse",
            "id": global_id("Warehouse", uuid.uuid4()),
            "name": name,
            "slug": _slug(name),
            "email": "",
            "isPrivate": True,
            "companyName": "",
            "clickAndCollectOption": "DISABLED",
            "externalReference": None,
            "address": _address_dict(
                {"companyName": name, "country": "US"}, self.new_id("Address")
            ),
            "metadata": [],
            "privateMetadata": [],
        }

    def _variant_price(self, variant: Mapping, channel: Mapping) -> Decimal | None:
        """The variant's price in ``channel``, or None when it is not listed there."""
        listed = (variant.get("_channel_prices") or {}).get(channel["slug"])
        if listed is not None:
            return listed
        for order in reversed(self.orders):
            if order.get("channel") is not channel or order.get("status") == "DRAFT":
                continue
            for line in order["lines"]:
                if line.get("variant") is variant:
                    return _amount(line["undiscountedUnitPrice"]["gross"])
        return None

    def _channel_or_error(self, value: str) -> dict:
        _parse_node_id(value, "Channel", "channelId")
        channel = self._catalog_by_id("Channel").get(value)
        if channel is None:
            raise _invalid("channelId", f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return channel

    def _shipping_method_or_error(self, value: str) -> dict:
        _parse_node_id(value, "ShippingMethodType", "shippingMethod")
        method = next((m for m in self.shipping_methods if m["id"] == value), None)
        if method is None:
            raise _invalid("shippingMethod", f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return method
