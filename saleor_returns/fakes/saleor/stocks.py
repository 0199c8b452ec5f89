"""Stocks and the catalog's queries: ``productVariant``, ``warehouses``, ``productVariantStocksUpdate``."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from .common import _append_once, _connection, _money
from .errors import (
    _MISSING_NODE,
    PermissionDenied,
    _MutationErrors,
    _error,
    _invalid,
    _parse_global_id,
    _parse_node_id,
)
from .order_queries import _ALL_PRODUCTS_PERMISSIONS
from .schema import RequestContext


class StocksMixin:
    def set_stock(
        self,
        sku: str,
        quantity: int,
        *,
        warehouse: str = "Default warehouse",
        allocated: int | None = None,
    ) -> dict:
        """Set the stock of ``sku`` in ``warehouse`` (created if new); returns the Stock dict."""
        with self.lock:
            variant = self._catalog().get(("ProductVariant", sku))
            if variant is None:
                raise ValueError(f"No variant {sku!r}: use add_variant() or add_order() first.")
            stock = self._stock(variant, self.add_warehouse(warehouse))
            stock["quantity"] = int(quantity)
            if allocated is not None:
                stock["quantityAllocated"] = int(allocated)
        return stock

    def stock_levels(self, sku: str) -> dict[str, int]:
        """``{warehouse name: quantity}`` of ``sku``, e.g. to see that a return did not restock."""
        with self.lock:
            return {
                stock["warehouse"]["name"]: stock["quantity"]
                for stock in self.stocks
                if stock["productVariant"]["sku"] == sku
            }

    def _stock(self, variant: dict, warehouse: dict) -> dict:
        """The Stock of ``variant`` in ``warehouse``, created empty if missing."""
        for stock in self.stocks:
            if stock["productVariant"] is variant and stock["warehouse"] is warehouse:
                return stock
        stock = {
            "__typename": "Stock",
            "id": self.new_id("Stock"),
            "warehouse": warehouse,
            "productVariant": variant,
            "quantity": 0,
            "quantityAllocated": 0,
            "quantityReserved": 0,
        }
        self.stocks.append(stock)
        return stock

    # ------------------------------------------------------------------ resolvers

    def _resolve_variant_channel_listings(self, variant: dict, info: Any) -> list[dict] | None:
        """The channels a variant is sold in and its price there (MANAGE_PRODUCTS, as in Saleor)."""
        context: RequestContext = info.context
        if not context.has_perm("MANAGE_PRODUCTS"):
            raise PermissionDenied(permissions=["MANAGE_PRODUCTS"])
        listings = []
        with self.lock:
            # Listed where it was given a price, and where it was sold (at its undiscounted unit price).
            channels = [entry for (kind, _), entry in self._catalog().items() if kind == "Channel"]
            for channel in channels:
                amount = self._variant_price(variant, channel)
                if amount is None:
                    continue
                listings.append(
                    {
                        "__typename": "ProductVariantChannelListing",
                        "id": self.new_id("ProductVariantChannelListing"),
                        "channel": channel,
                        "price": _money(amount, channel["currencyCode"]),
                        "costPrice": None,
                        "priorPrice": None,
                        "preorderThreshold": None,
                    }
                )
        return listings

    def _resolve_warehouses(self, info: Any, **args: Any) -> dict:
        """``warehouses``: every warehouse of the shop (added, stocked or shipped from)."""
        info.context.require("MANAGE_PRODUCTS", "MANAGE_ORDERS", "MANAGE_SHIPPING")
        unsupported = set(args) - {"first", "last", "filter", "sortBy"}
        if unsupported:
            raise GraphQLError(
                f"warehouses({', '.join(sorted(unsupported))}) is not implemented in the fake."
            )
        filter_ = args.get("filter") or {}
        unsupported = set(filter_) - {"ids", "slugs"}
        if unsupported:
            raise GraphQLError(
                f"warehouses(filter: {', '.join(sorted(unsupported))}) "
                "is not implemented in the fake."
            )
        with self.lock:
            warehouses = [
                item for (type_name, _), item in self._catalog().items() if type_name == "Warehouse"
            ]
        if filter_.get("ids"):
            warehouses = [w for w in warehouses if w["id"] in filter_["ids"]]
        if filter_.get("slugs"):
            warehouses = [w for w in warehouses if w["slug"] in filter_["slugs"]]
        sort_by = args.get("sortBy")
        if sort_by:
            # WarehouseSortField.NAME sorts by name, then slug.
            warehouses.sort(
                key=lambda w: (w["name"], w["slug"]), reverse=sort_by["direction"] == "DESC"
            )
        else:
            # Warehouse's default ordering is by slug, descending.
            warehouses.sort(key=lambda w: w["slug"], reverse=True)
        return _connection(warehouses, info, args, "Warehouse", "slug")

    def _available(self, variant: dict) -> int:
        return sum(
            stock["quantity"] - stock["quantityAllocated"]
            for stock in self.stocks
            if stock["productVariant"] is variant
        )

    def _allocate(self, variant: dict, quantity: int) -> None:
        """Allocate ``quantity`` from the variant's stocks, in warehouse order."""
        for stock in self.stocks:
            if stock["productVariant"] is not variant or not quantity:
                continue
            taken = min(quantity, stock["quantity"] - stock["quantityAllocated"])
            if taken > 0:
                stock["quantityAllocated"] += taken
                quantity -= taken

    def _resolve_product_variant(
        self,
        info: Any,
        id: str | None = None,
        sku: str | None = None,
        externalReference: str | None = None,  # noqa: N803
        channel: str | None = None,
    ) -> dict | None:
        arguments = (("id", id), ("sku", sku), ("external_reference", externalReference))
        given = [name for name, value in arguments if value]
        if len(given) > 1:
            rest = ", ".join(f"'{name}'" for name in given[1:])
            raise GraphQLError(f"Argument '{given[0]}' cannot be combined with {rest}")
        if not given:
            raise GraphQLError(
                "At least one of arguments is required: 'id', 'sku', 'external_reference'."
            )
        if id:
            _parse_global_id(id, "ProductVariant")
        variants = self._catalog_by_id("ProductVariant").values()
        variant = next(
            (
                v
                for v in variants
                if (id and v["id"] == id)
                or (sku and v["sku"] == sku)
                or (externalReference and v.get("externalReference") == externalReference)
            ),
            None,
        )
        if variant is None:
            return None
        # Without a products permission only variants of visible products are found.
        if variant["product"].get("_visible", True):
            return variant
        return variant if info.context.has_perm(*_ALL_PRODUCTS_PERMISSIONS) else None

    def _resolve_product_variants(self, product: dict, info: Any, **args: Any) -> list[dict]:
        """``Product.variants``: the product's variants known to the catalog, in the order they were made."""
        with self.lock:
            variants = self._catalog_by_id("ProductVariant").values()
            return [variant for variant in variants if variant["product"] is product]

    def _resolve_variant_stocks(self, variant: dict, info: Any, **args: Any) -> list[dict]:
        info.context.require("MANAGE_PRODUCTS", "MANAGE_ORDERS")
        return [stock for stock in self.stocks if stock["productVariant"] is variant]

    def _resolve_variant_stocks_update(
        self,
        info: Any,
        stocks: list[dict],
        variantId: str | None = None,  # noqa: N803
        sku: str | None = None,
    ) -> dict:
        """``productVariantStocksUpdate``: set absolute quantities per warehouse."""
        context: RequestContext = info.context
        context.require("MANAGE_PRODUCTS")
        if sku and variantId:
            message = "Argument 'sku' cannot be combined with 'variant_id'"
            raise _invalid(None, message, "GRAPHQL_ERROR")
        if not sku and not variantId:
            message = "At least one of arguments is required: 'sku', 'variant_id'."
            raise _invalid(None, message, "GRAPHQL_ERROR")
        variants = self._catalog_by_id("ProductVariant")
        if variantId:
            _parse_node_id(variantId, "ProductVariant", "id")
            variant = variants.get(variantId)
            if variant is None:
                raise _invalid("id", f"{_MISSING_NODE} {variantId}", "NOT_FOUND")
        else:
            variant = next((v for v in variants.values() if v["sku"] == sku), None)
            if variant is None:
                raise _invalid("sku", f"{_MISSING_NODE} {sku}", "NOT_FOUND")
        warehouse_ids = [stock_input["warehouse"] for stock_input in stocks]
        duplicates = []
        for duplicated in dict.fromkeys(w for w in warehouse_ids if warehouse_ids.count(w) > 1):
            last = max(index for index, w in enumerate(warehouse_ids) if w == duplicated)
            duplicates.append(_error("warehouse", "Duplicated warehouse ID.", "UNIQUE", index=last))
        if duplicates:
            raise _MutationErrors(*duplicates)
        warehouses = self._nodes_or_error(
            warehouse_ids,
            "Warehouse",
            "warehouse",
            self._catalog_by_id("Warehouse"),
        )
        principal = context.requestor
        events = []
        for stock_input, warehouse in zip(stocks, warehouses, strict=True):
            # Kept in the catalog even if the fulfillment that brought it goes away.
            _append_once(self.warehouses, warehouse)
            stock = self._stock(variant, warehouse)
            before = stock["quantity"] - stock["quantityAllocated"]
            stock["quantity"] = stock_input["quantity"]
            after = stock["quantity"] - stock["quantityAllocated"]
            event = {"productVariant": variant, "warehouse": warehouse}
            events.append(event)
            if before <= 0 < after:
                self.emit_event("PRODUCT_VARIANT_BACK_IN_STOCK", event, issuing_principal=principal)
            if before > 0 >= after:
                self.emit_event("PRODUCT_VARIANT_OUT_OF_STOCK", event, issuing_principal=principal)
        # Saleor reports the updated stocks together, after the availability changes.
        for event in events:
            self.emit_event("PRODUCT_VARIANT_STOCK_UPDATED", event, issuing_principal=principal)
        return {"productVariant": variant}
