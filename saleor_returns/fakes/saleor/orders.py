"""Orders: building them, their totals and status, events, notes and addresses."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel import Locale

from .common import (
    _amount,
    _decimal,
    _iso,
    _metadata_items,
    _money,
    _net_of,
    _now_iso,
    _quantize,
    _sum_amounts,
    _taxed_money,
    global_id,
)
from .errors import _MISSING_NODE, _invalid, _parse_node_id
from .schema import RequestContext


def _apply_manual_discounts(order: dict, subtotal: Decimal, shipping: Decimal) -> tuple[Decimal, Decimal]:
    """Saleor's propagate_order_discount_on_order_prices for MANUAL discounts (base_calculations.py).

    A percentage comes off the subtotal and the shipping alike; a fixed amount comes
    off their sum, split in proportion. The base shipping price is the method's, kept
    in ``undiscountedShippingPrice``. Each discount's ``amount``/``total`` is what it took.
    """
    currency = order["_currency"]
    shipping = _amount(order["undiscountedShippingPrice"]) if order["discounts"] else shipping
    for discount in order["discounts"]:
        before = subtotal + shipping
        value = discount["_value"]
        if discount["valueType"] == "PERCENTAGE":
            subtotal = _quantize(subtotal - subtotal * value / 100, currency)
            shipping = _quantize(shipping - shipping * value / 100, currency)
        elif before > 0:
            taken = min(value, before)
            subtotal_share = _quantize(subtotal / before * taken, currency)
            subtotal -= subtotal_share
            shipping -= taken - subtotal_share
        discount["amount"] = discount["total"] = _money(before - subtotal - shipping, currency)
    return subtotal, shipping


# ---------------------------------------------------------------------------- orders

# Keys of one ``add_order(lines=[...])`` entry.
ORDER_LINE_KEYS = frozenset(
    {
        "sku",  # required; identifies the variant across orders
        "quantity",  # default 1
        "unit_price",  # required: gross unit price paid, after discounts (Decimal, int or str)
        "undiscounted_unit_price",  # default unit_price
        "tax_rate",  # a fraction included in the prices, e.g. Decimal("0.23"); default 0
        "product_name",  # default "Product <sku>"; identifies the product across orders
        "variant_name",  # default the SKU
        "product_type",  # name, default "Default type"
        "category",  # name or None, default "Default category"
        "collections",  # names, default none
        "metadata",  # the product's public metadata
        "variant_metadata",  # the variant's public metadata
        "line_metadata",  # the order line's own public metadata
        "is_gift",  # default False
        "variant_deleted",  # the variant was deleted since: OrderLine.variant is null
        "product_visible",  # default True; False hides the variant from customers
    }
)


def _order_line(order: Mapping, line_id: str) -> dict:
    for line in order["lines"]:
        if line["id"] == line_id:
            return line
    raise ValueError(f"Order {order['id']} has no line {line_id}.")


def _fulfilled_quantities(order: Mapping, statuses: Iterable[str]) -> int:
    statuses = set(statuses)
    return sum(
        line["quantity"]
        for fulfillment in order["fulfillments"]
        if fulfillment["status"] in statuses
        for line in fulfillment.get("lines") or ()
    )


def _refresh_order_status(order: dict) -> None:
    """Saleor's refresh_order_status: the status that the lines and fulfillments imply."""
    replaced = _fulfilled_quantities(order, ["REPLACED"])
    total = sum(line["quantity"] for line in order["lines"]) - replaced
    fulfilled = sum(line["quantityFulfilled"] for line in order["lines"]) - replaced
    returned = _fulfilled_quantities(order, ["RETURNED", "REFUNDED_AND_RETURNED"])
    awaiting_approval = _fulfilled_quantities(order, ["WAITING_FOR_APPROVAL"])
    if total == 0:  # everything was replaced: Saleor keeps the status
        return
    if fulfilled - awaiting_approval <= 0:
        order["status"] = "UNFULFILLED"
    elif 0 < returned < total:
        order["status"] = "PARTIALLY_RETURNED"
    elif returned == total:
        order["status"] = "RETURNED"
    elif fulfilled - awaiting_approval < total:
        order["status"] = "PARTIALLY_FULFILLED"
    else:
        order["status"] = "FULFILLED"


@dataclass(eq=False)
class _ReturnMove:
    """Units of one order line to return or replace, from a fulfillment line or unfulfilled."""

    line: dict
    fulfillment: dict | None
    fulfillment_line: dict | None
    quantity: int
    replace: bool
    reason: str

    @property
    def refunded_before(self) -> bool:
        """The units sit in a REFUNDED fulfillment: they were refunded without being returned."""
        return self.fulfillment is not None and self.fulfillment["status"] == "REFUNDED"


def _address_dict(address_input: Mapping[str, Any], address_id: str) -> dict:
    """An Address from an AddressInput (no i18n validation: only the country is required)."""
    code = str(address_input.get("country") or "").upper()
    return {
        "__typename": "Address",
        "id": address_id,
        "firstName": address_input.get("firstName") or "",
        "lastName": address_input.get("lastName") or "",
        "companyName": address_input.get("companyName") or "",
        "streetAddress1": address_input.get("streetAddress1") or "",
        "streetAddress2": address_input.get("streetAddress2") or "",
        "city": (address_input.get("city") or "").upper(),
        "cityArea": address_input.get("cityArea") or "",
        "postalCode": address_input.get("postalCode") or "",
        "country": {
            "__typename": "CountryDisplay",
            "code": code,
            "country": Locale("en").territories.get(code, code),
            "vat": None,
        },
        "countryArea": address_input.get("countryArea") or "",
        "phone": address_input.get("phone") or "",
        "isDefaultShippingAddress": None,
        "isDefaultBillingAddress": None,
        "metadata": [],
        "privateMetadata": [],
    }


def _copy_order_line(line: Mapping[str, Any], quantity: int, currency: str) -> dict:
    """A copy of an order line for ``quantity`` units, as Saleor puts it on a replace order."""
    gross = _amount(line["unitPrice"]["gross"])
    net = _amount(line["unitPrice"]["net"])
    undiscounted = _amount(line["undiscountedUnitPrice"]["gross"])
    undiscounted_net = _amount(line["undiscountedUnitPrice"]["net"])
    return {
        **line,
        "id": global_id("OrderLine", uuid.uuid4()),
        "quantity": quantity,
        "quantityFulfilled": 0,
        "quantityToFulfill": quantity,
        "totalPrice": _taxed_money(gross * quantity, net * quantity, currency),
        "undiscountedTotalPrice": _taxed_money(
            undiscounted * quantity, undiscounted_net * quantity, currency
        ),
        "allocations": [],
        "metadata": [dict(item) for item in line.get("metadata") or ()],
        "privateMetadata": [dict(item) for item in line.get("privateMetadata") or ()],
    }


class OrdersMixin:
    # ------------------------------------------------------------------ orders

    def add_order(
        self,
        *,
        channel_slug: str = "default-channel",
        currency: str = "USD",
        user: Mapping | None = None,
        user_email: str | None = None,
        lines: Iterable[Mapping[str, Any]] = (),
        shipping: Decimal | int | str = Decimal("0"),
        created: Any = None,
        status: str = "UNFULFILLED",
        metadata: Mapping[str, str] | None = None,
        number: int | str | None = None,
        **fields: Any,
    ) -> dict:
        """Place an order; returns its dict, shaped like Saleor's ``Order``.

        ``lines`` describe what was bought, one mapping per line (see
        ``ORDER_LINE_KEYS``), e.g. ``{"sku": "A", "quantity": 2, "unit_price":
        Decimal("25.00"), "product_type": "Shoes", "metadata": {...},
        "variant_metadata": {...}}``. Prices are gross, as paid, with
        ``tax_rate`` (a fraction, default 0) included. Channels, products,
        variants, product types, categories and collections are reused by slug,
        name or SKU across the fake's orders, so two orders of SKU "A" share one
        variant; describing an existing one differently is a ``ValueError``.
        ``shipping`` is the gross shipping price (untaxed). Extra keyword
        arguments are stored as Order fields (camelCase), e.g.
        ``externalReference=...``. Money is exact for 0-, 2- and 3-decimal
        currencies: ``fractionalAmount`` and ``fractionDigits`` follow the
        currency's precision, and ``amount`` is the float Saleor sends.
        """
        currency = currency.upper()
        shipping_amount = _quantize(_decimal(shipping, "shipping"), currency)
        with self.lock:
            catalog = self._catalog()
            channel = self._channel_for(catalog, channel_slug, currency)
            order_lines = [self._build_order_line(spec, currency, catalog) for spec in lines]
            when = _iso(created)
            order: dict[str, Any] = {
                "__typename": "Order",
                "id": global_id("Order", uuid.uuid4()),
                "number": str(number if number is not None else self.next_pk("OrderNumber")),
                "token": str(uuid.uuid4()),
                "created": when,
                "updatedAt": when,
                "status": status,
                "origin": "CHECKOUT",
                "original": None,
                "userEmail": user_email or (user["email"] if user else None),
                "user": user,
                "channel": channel,
                "metadata": _metadata_items(metadata),
                "privateMetadata": [],
                "externalReference": None,
                "customerNote": "",
                "trackingClientId": "",
                "languageCodeEnum": "EN_US",
                "displayGrossPrices": True,
                "isShippingRequired": True,
                "taxExemption": False,
                "canFinalize": True,
                "shippingMethodName": "Standard" if shipping_amount else None,
                "shippingTaxRate": 0.0,
                "undiscountedShippingPrice": _money(shipping_amount, currency),
                "shippingPrice": _taxed_money(shipping_amount, shipping_amount, currency),
                "voucherCode": None,
                "giftCards": [],
                "discounts": [],
                "invoices": [],
                "errors": [],
                "events": [],
                "lines": order_lines,
                "fulfillments": [],
                "transactions": [],
                "grantedRefunds": [],
                "payments": [],
                "_currency": currency,
            }
            order.update(fields)
            self.refresh_order(order)
            self.orders.append(order)
        return order

    def _build_order_line(self, spec: Mapping[str, Any], currency: str, catalog: dict) -> dict:
        unknown = set(spec) - ORDER_LINE_KEYS
        if unknown:
            raise ValueError(
                f"Unknown order line keys {sorted(unknown)}; use {sorted(ORDER_LINE_KEYS)}."
            )
        sku = spec["sku"]
        quantity = int(spec.get("quantity", 1))
        rate = _decimal(spec.get("tax_rate", 0), "tax_rate")
        gross = _quantize(_decimal(spec["unit_price"], "unit_price"), currency)
        undiscounted = _quantize(
            _decimal(spec.get("undiscounted_unit_price", gross), "undiscounted_unit_price"),
            currency,
        )
        net = _net_of(gross, rate, currency)
        undiscounted_net = _net_of(undiscounted, rate, currency)
        variant = self._variant_for(spec, catalog)
        product = variant["product"]
        return {
            "__typename": "OrderLine",
            "id": global_id("OrderLine", uuid.uuid4()),
            "productName": product["name"],
            "variantName": variant["name"],
            "translatedProductName": "",
            "translatedVariantName": "",
            "productSku": sku,
            "productVariantId": variant["id"],
            # A deleted variant leaves the line's copies of its SKU, names and ID.
            "variant": None if spec.get("variant_deleted") else variant,
            "isShippingRequired": True,
            "quantity": quantity,
            "quantityFulfilled": 0,
            "quantityToFulfill": quantity,
            "taxRate": float(rate),
            "unitPrice": _taxed_money(gross, net, currency),
            "undiscountedUnitPrice": _taxed_money(undiscounted, undiscounted_net, currency),
            "totalPrice": _taxed_money(gross * quantity, net * quantity, currency),
            "undiscountedTotalPrice": _taxed_money(
                undiscounted * quantity, undiscounted_net * quantity, currency
            ),
            "unitDiscount": _money(undiscounted - gross, currency),
            "unitDiscountValue": float(undiscounted - gross),
            "unitDiscountType": "FIXED" if undiscounted != gross else None,
            "unitDiscountReason": None,
            "isPriceOverridden": False,
            "isGift": bool(spec.get("is_gift", False)),
            "voucherCode": None,
            "saleId": None,
            "discounts": [],
            "allocations": [],
            "taxClassName": None,
            "taxClassMetadata": [],
            "taxClassPrivateMetadata": [],
            "metadata": _metadata_items(spec.get("line_metadata")),
            "privateMetadata": [],
        }

    def refresh_order(self, order: dict) -> None:
        """Recompute an order's derived fields from its lines, shipping and payments.

        That is the totals, the amounts charged, refunded and granted, the
        payment statuses and ``quantityToFulfill``. The builders call it; call it
        after editing an order's dict by hand. The order ``status`` is left
        alone: fulfilling and returning set it.
        """
        with self.lock:
            currency = order["_currency"]
            for line in order["lines"]:
                line["quantityToFulfill"] = line["quantity"] - line["quantityFulfilled"]
            subtotal_gross = _sum_amounts(line["totalPrice"]["gross"] for line in order["lines"])
            subtotal_net = _sum_amounts(line["totalPrice"]["net"] for line in order["lines"])
            shipping_gross = _amount(order["shippingPrice"]["gross"])
            shipping_net = _amount(order["shippingPrice"]["net"])
            undiscounted = _sum_amounts(
                line["undiscountedTotalPrice"]["gross"] for line in order["lines"]
            ) + _amount(order["undiscountedShippingPrice"])
            undiscounted_net = _sum_amounts(
                line["undiscountedTotalPrice"]["net"] for line in order["lines"]
            ) + _amount(order["undiscountedShippingPrice"])
            subtotal_gross, shipping_gross = _apply_manual_discounts(order, subtotal_gross, shipping_gross)
            subtotal_net, shipping_net = min(subtotal_net, subtotal_gross), min(shipping_net, shipping_gross)
            total = subtotal_gross + shipping_gross
            order["subtotal"] = _taxed_money(subtotal_gross, subtotal_net, currency)
            order["shippingPrice"] = _taxed_money(shipping_gross, shipping_net, currency)
            order["total"] = _taxed_money(total, subtotal_net + shipping_net, currency)
            order["undiscountedTotal"] = _taxed_money(undiscounted, undiscounted_net, currency)

            transactions = order["transactions"]
            payments = [payment for payment in order["payments"] if payment.get("isActive")]
            charged = _sum_amounts(t["chargedAmount"] for t in transactions) + _sum_amounts(
                p["capturedAmount"] for p in payments if p.get("capturedAmount")
            )
            refunded = _sum_amounts(t["refundedAmount"] for t in transactions) + _sum_amounts(
                legacy["amount"]
                for p in payments
                for legacy in p.get("transactions") or ()
                if legacy["kind"] == "REFUND" and legacy["isSuccess"]
            )
            refund_pending = _sum_amounts(t["refundPendingAmount"] for t in transactions)
            granted = _sum_amounts(g["amount"] for g in order["grantedRefunds"])
            # What the customer still owes once granted refunds are taken off.
            due = total - granted
            zero = _money(0, currency)
            order["totalCharged"] = _money(charged, currency)
            order["totalCaptured"] = _money(charged, currency)
            order["totalRefunded"] = _money(refunded, currency)
            order["totalRefundPending"] = _money(refund_pending, currency)
            order["totalGrantedRefund"] = _money(granted, currency)
            order["totalRemainingGrant"] = _money(
                max(granted - refunded - refund_pending, Decimal(0)), currency
            )
            order["totalBalance"] = _money(charged - due, currency)
            for name in (
                "totalAuthorized",
                "totalCanceled",
                "totalAuthorizePending",
                "totalChargePending",
                "totalCancelPending",
            ):
                order[name] = dict(zero)
            order["isPaid"] = charged >= total
            if charged <= 0:
                order["chargeStatus"] = "NONE" if due > 0 else "FULL"
            elif charged < due:
                order["chargeStatus"] = "PARTIAL"
            elif charged == due:
                order["chargeStatus"] = "FULL"
            else:
                order["chargeStatus"] = "OVERCHARGED"
            order["authorizeStatus"] = (
                "FULL" if charged >= due else "PARTIAL" if charged > 0 else "NONE"
            )
            if transactions:
                # Saleor's get_payment_status_for_order.
                if charged >= due:
                    order["paymentStatus"] = "FULLY_CHARGED"
                elif charged > 0:
                    order["paymentStatus"] = "PARTIALLY_CHARGED"
                else:
                    order["paymentStatus"] = "NOT_CHARGED"
            elif order["payments"]:
                order["paymentStatus"] = order["payments"][-1]["chargeStatus"]
            else:
                order["paymentStatus"] = "FULLY_CHARGED" if total == 0 else "NOT_CHARGED"
            order["updatedAt"] = _now_iso()

    def _resolve_order_note_add(self, info: Any, order: str, input: dict) -> dict:
        """``orderNoteAdd``: a NOTE_ADDED event on the order's timeline."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        target = self._order_or_error(order, "id")
        message = (input.get("message") or "").strip()
        if not message:
            raise _invalid("message", "Message can't be empty.", "REQUIRED")
        event = self._add_order_event(target, "NOTE_ADDED", context, message=message)
        event_type = "DRAFT_ORDER_UPDATED" if target["status"] == "DRAFT" else "ORDER_UPDATED"
        self.emit_event(event_type, {"order": target}, issuing_principal=context.requestor)
        return {"order": target, "event": event}

    # ------------------------------------------------------------------ lookups for mutations

    def _order_or_error(self, value: str, field: str) -> dict:
        """Saleor's get_node_or_error for an Order (drafts included)."""
        _parse_node_id(value, "Order", field)
        order = next((o for o in self.orders if o.get("id") == value), None)
        if order is None:
            raise _invalid(field, f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return order

    def _address_or_error(self, address_input: Mapping[str, Any], address_type: str) -> dict:
        if not address_input.get("country"):
            message = "This field is required."
            raise _invalid("country", message, "REQUIRED", addressType=address_type)
        return _address_dict(address_input, self.new_id("Address"))

    def _copy_address(self, address: Mapping[str, Any] | None) -> dict | None:
        """A copy of an address under a new ID, as Saleor copies them onto a replace order."""
        if address is None:
            return None
        return {**address, "id": self.new_id("Address")}

    def _add_order_event(
        self,
        order: dict,
        type_: str,
        context: RequestContext,
        *,
        message: str | None = None,
        amount: Decimal | None = None,
        moves: list[_ReturnMove] | None = None,
    ) -> dict:
        """Append an OrderEvent to the order's timeline (what ``Order.events`` lists)."""
        event = {
            "__typename": "OrderEvent",
            "id": self.new_id("OrderEvent"),
            "date": _now_iso(),
            "type": type_,
            "message": message,
            "amount": float(amount) if amount is not None else None,
            "user": context.user,
            "app": context.app,
            "email": None,
            "emailType": None,
            "lines": (
                [
                    {
                        "__typename": "OrderEventOrderLineObject",
                        "quantity": move.quantity,
                        "orderLine": move.line,
                        "itemName": move.line["productName"],
                        "discount": None,
                    }
                    for move in moves
                ]
                if moves is not None
                else None
            ),
        }
        order["events"].append(event)
        return event
