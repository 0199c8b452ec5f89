"""Draft orders: ``draftOrderCreate``, ``orderDiscountAdd`` and ``draftOrderComplete``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLError

from .common import _amount, _money, _quantize, _taxed_money
from .errors import (
    _COULD_NOT_RESOLVE_IDS,
    _MISSING_NODE,
    _MutationErrors,
    _decimal_argument,
    _error,
    _invalid,
    _parse_global_id,
)
from .metadata import _metadata_input, _sorted_metadata
from .schema import RequestContext


class DraftOrdersMixin:
    def _resolve_draft_order_create(self, info: Any, input: dict) -> dict:
        """``draftOrderCreate``: lines by variant, an optional custom price each (0 allowed)."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        shipping_method = None
        if input.get("shippingMethod"):
            shipping_method = self._shipping_method_or_error(input["shippingMethod"])
        user = None
        email = input.get("userEmail")
        if email:
            user = self._user_by_email(email)
        elif input.get("user"):
            user = self._user_or_error(input["user"], "user")
        if not input.get("channelId"):
            raise _invalid("channel", "Channel id is required.", "REQUIRED")
        channel = self._channel_or_error(input["channelId"])
        lines = self._clean_draft_lines(input.get("lines") or [], channel)
        shipping_address = self._draft_address(input, "shipping")
        billing_address = self._draft_address(input, "billing")
        if input.get("voucher") or input.get("voucherCode"):
            raise GraphQLError("Vouchers on draft orders are not implemented in the fake.")
        metadata = _metadata_input(input.get("metadata"), "metadata")
        private_metadata = _metadata_input(input.get("privateMetadata"), "privateMetadata")
        reference = input.get("externalReference")
        if reference and any(o.get("externalReference") == reference for o in self.orders):
            message = "Order with this External reference already exists."
            raise _invalid("externalReference", message, "UNIQUE")
        currency = channel["currencyCode"]
        shipping_price = _amount(shipping_method["price"]) if shipping_method else Decimal(0)
        draft = self.add_order(
            channel_slug=channel["slug"],
            currency=currency,
            user=user,
            user_email=email or (user["email"] if user else None),
            shipping=shipping_price,
            status="DRAFT",
            origin="DRAFT",
            externalReference=reference,
            customerNote=input.get("customerNote") or "",
            shippingAddress=shipping_address,
            billingAddress=billing_address,
            shippingMethodName=shipping_method["name"] if shipping_method else None,
            languageCodeEnum=input.get("languageCode") or "EN_US",
            redirectUrl=input.get("redirectUrl"),
            _shipping_method=shipping_method,
        )
        draft["metadata"] = _sorted_metadata(metadata)
        draft["privateMetadata"] = _sorted_metadata(private_metadata)
        catalog = self._catalog()
        for variant, quantity, price in lines:
            spec = {"sku": variant["sku"], "quantity": quantity, "unit_price": price[0]}
            line = self._build_order_line(spec, currency, catalog)
            line["isPriceOverridden"] = price[1]
            draft["lines"].append(line)
        self.refresh_order(draft)
        self._add_order_event(draft, "DRAFT_CREATED", context)
        self.emit_event(
            "DRAFT_ORDER_CREATED", {"order": draft}, issuing_principal=context.requestor
        )
        return {"order": draft}

    def _draft_address(self, input: dict, kind: str) -> dict | None:
        """The input's ``<kind>Address``; ``save<Kind>Address`` without one is refused."""
        if input.get(f"{kind}Address"):
            return self._address_or_error(input[f"{kind}Address"], kind.upper())
        save_field = f"save{kind.capitalize()}Address"
        if input.get(save_field) is not None:
            raise _invalid(
                save_field,
                f"This option can only be selected if a {kind} address is provided.",
                "MISSING_ADDRESS_DATA",
            )
        return None

    def _clean_draft_lines(
        self, lines_input: list[dict], channel: dict
    ) -> list[tuple[dict, int, tuple[Decimal, bool]]]:
        """``(variant, quantity, (unit price, overridden))`` per line, grouped as Saleor groups.

        Lines with ``forceNewLine`` stay apart; the others merge per variant.
        """
        if not lines_input:
            return []
        variant_ids = [line_input["variantId"] for line_input in lines_input]
        for variant_id in variant_ids:
            try:
                _parse_global_id(variant_id, "ProductVariant")
            except GraphQLError:
                message = _COULD_NOT_RESOLVE_IDS % [variant_id]
                raise _invalid("variantId", message, "GRAPHQL_ERROR") from None
        variants_by_id = self._catalog_by_id("ProductVariant")
        for variant_id in variant_ids:
            if variant_id not in variants_by_id:
                raise _invalid("variantId", f"{_MISSING_NODE} {variant_id}", "NOT_FOUND")
        unpublished = [
            v for v in variant_ids if not variants_by_id[v]["product"].get("_visible", True)
        ]
        if unpublished:
            raise _invalid(
                "lines",
                "Can't add product variant that are not published in the channel "
                "associated with this draft order.",
                "PRODUCT_NOT_PUBLISHED",
                variants=list(dict.fromkeys(unpublished)),
            )
        unlisted = [
            v for v in variant_ids if self._variant_price(variants_by_id[v], channel) is None
        ]
        if unlisted:
            raise _invalid(
                "lines",
                "Cannot add lines with unavailable variants.",
                "NOT_AVAILABLE_IN_CHANNEL",
                variants=list(dict.fromkeys(unlisted)),
            )
        if not all(line_input["quantity"] > 0 for line_input in lines_input):
            raise _invalid("quantity", "Ensure this value is greater than 0.", "ZERO_QUANTITY")
        currency = channel["currencyCode"]
        forced: list[list] = []
        grouped: dict[str, list] = {}
        for line_input in lines_input:
            variant = variants_by_id[line_input["variantId"]]
            custom = line_input.get("price")
            if custom is not None:
                price = (_quantize(_decimal_argument(custom, "price"), currency), True)
            else:
                price = (self._variant_price(variant, channel), False)
            if line_input.get("forceNewLine"):
                forced.append([variant, line_input["quantity"], price])
            else:
                entry = grouped.setdefault(variant["id"], [variant, 0, price])
                entry[1] += line_input["quantity"]
                entry[2] = price
        return [tuple(entry) for entry in forced + list(grouped.values())]

    def _resolve_order_discount_add(self, info: Any, orderId: str, input: dict) -> dict:  # noqa: N803 - GraphQL name
        """``orderDiscountAdd``: one manual discount on a draft or unconfirmed order.

        As saleor/graphql/order/mutations/order_discount_add.py and
        order_discount_common.py: CANNOT_DISCOUNT unless the order is DRAFT or
        UNCONFIRMED or when it has a discount already; a FIXED value above the
        undiscounted total, or a percentage above 100, is INVALID on ``value``.
        The totals follow base_calculations.propagate_order_discount_on_order_prices.
        """
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        order = self._order_or_error(orderId, "orderId")
        if order["status"] not in ("DRAFT", "UNCONFIRMED"):
            raise _invalid("orderId", "Only draft and unconfirmed order can be modified.", "CANNOT_DISCOUNT")
        if order["discounts"]:
            raise _invalid("orderId", "Order already has assigned discount.", "CANNOT_DISCOUNT")
        value = _decimal_argument(input["value"], "value")
        value_type = input["valueType"]
        max_total = _amount(order["undiscountedTotal"]["gross"])
        if value_type == "FIXED" and value > max_total:
            raise _invalid(
                "value", f"The value ({value}) cannot be higher than {max_total} {order['_currency']}", "INVALID"
            )
        if value_type == "PERCENTAGE" and value > 100:
            raise _invalid("value", f"The percentage value ({value}) cannot be higher than 100.", "INVALID")
        with self.lock:
            order["discounts"].append({
                "__typename": "OrderDiscount",
                "id": self.new_id("OrderDiscount"),
                "type": "MANUAL",
                "name": None,
                "translatedName": None,
                "valueType": value_type,
                "value": float(value),
                "reason": input.get("reason"),
                "_value": value,
                "amount": _money(0, order["_currency"]),
                "total": _money(0, order["_currency"]),
            })
        self.refresh_order(order)
        self._add_order_event(order, "ORDER_DISCOUNT_ADDED", context)
        return {"order": order}

    def _resolve_draft_order_complete(self, info: Any, id: str) -> dict:
        """``draftOrderComplete``: validate like Saleor, allocate stock, place the order unpaid."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        order = self._order_or_error(id, "id")
        if order["status"] != "DRAFT":
            raise _invalid("id", "The order is not draft.", "INVALID")
        problems: dict[str, list[dict]] = {}

        def problem(field: str, message: str, code: str, **extra: Any) -> None:
            problems.setdefault(field, []).append(_error(field, message, code, **extra))

        if not order.get("billingAddress"):
            problem(
                "order", "Can't finalize draft with no billing address.", "BILLING_ADDRESS_NOT_SET"
            )
        shipping_required = any(line["isShippingRequired"] for line in order["lines"])
        if shipping_required:
            if not order.get("shippingAddress"):
                problem(
                    "order",
                    "Can't finalize draft with no shipping address.",
                    "ORDER_NO_SHIPPING_ADDRESS",
                )
            if not order.get("_shipping_method"):
                problem("shipping", "Shipping method is required.", "SHIPPING_METHOD_REQUIRED")
        if not sum(line["quantity"] for line in order["lines"]):
            problem("lines", "Could not create order without any products.", "REQUIRED")
        for line in order["lines"]:
            variant = line.get("variant")
            if variant is None:
                problem("lines", "Could not create orders with non-existing products.", "NOT_FOUND")
            elif variant.get("trackInventory", True) and line["quantity"] > self._available(
                variant
            ):
                problem(
                    "lines",
                    "Insufficient product stock.",
                    "INSUFFICIENT_STOCK",
                    orderLines=[line["id"]],
                )
        channel = order["channel"]
        if not channel.get("isActive", True):
            problem(
                "channel", "Cannot complete draft order with inactive channel.", "CHANNEL_INACTIVE"
            )
        variants = [line["variant"] for line in order["lines"] if line.get("variant")]
        if any(not variant["product"].get("_visible", True) for variant in variants):
            problem(
                "lines", "Can't finalize draft with unpublished product.", "PRODUCT_NOT_PUBLISHED"
            )
        if problems:
            raise _MutationErrors(*(error for errors in problems.values() for error in errors))

        confirmed = channel.get("_automatically_confirm_all_new_orders", True)
        order["status"] = "UNFULFILLED" if confirmed else "UNCONFIRMED"
        if not shipping_required:
            order["shippingMethodName"] = None
            order["shippingAddress"] = None
            order["shippingPrice"] = _taxed_money(Decimal(0), Decimal(0), order["_currency"])
        for line in order["lines"]:
            variant = line.get("variant")
            if variant is not None and variant.get("trackInventory", True):
                self._allocate(variant, line["quantity"])
        self.refresh_order(order)
        self._add_order_event(order, "PLACED_FROM_DRAFT", context)
        if confirmed:
            self._add_order_event(order, "CONFIRMED", context)
        principal = context.requestor
        self.emit_event("ORDER_CREATED", {"order": order}, issuing_principal=principal)
        if order["chargeStatus"] in ("FULL", "OVERCHARGED"):
            # A 0.00 order (an even exchange) counts as paid in full at once.
            for event_type in ("ORDER_PAID", "ORDER_FULLY_PAID", "ORDER_UPDATED"):
                self.emit_event(event_type, {"order": order}, issuing_principal=principal)
        if confirmed:
            self.emit_event("ORDER_CONFIRMED", {"order": order}, issuing_principal=principal)
        return {"order": order}
