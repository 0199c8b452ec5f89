"""Orders changed after they were placed: a line's quantity or price edited, an order canceled."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .common import _amount, _decimal, _net_of, _quantize, _taxed_money
from .orders import _order_line


class OrderEditsMixin:
    # Data API, like the order builders: they change the order as Saleor's mutations would and
    # send no webhook; a test emits ORDER_UPDATED (``emit_event``) when it wants one delivered.

    def edit_order_line(
        self, order: dict, line_id: str, *, quantity: int | None = None, unit_price: Any = None
    ) -> dict:
        """Saleor's ``orderLineUpdate`` (a new quantity) or a price override (a new gross unit price, tax
        included at the line's rate): the line's totals follow, then the order's totals and ``updatedAt``."""
        with self.lock:
            line = _order_line(order, line_id)
            currency = order["_currency"]
            if quantity is not None:
                line["quantity"] = int(quantity)
            if unit_price is not None:
                gross = _quantize(_decimal(unit_price, "unit_price"), currency)
                rate = Decimal(str(line["taxRate"]))
                line["unitPrice"] = _taxed_money(gross, _net_of(gross, rate, currency), currency)
            count = line["quantity"]
            gross, net = _amount(line["unitPrice"]["gross"]), _amount(line["unitPrice"]["net"])
            line["totalPrice"] = _taxed_money(gross * count, net * count, currency)
            undiscounted = _amount(line["undiscountedUnitPrice"]["gross"])
            undiscounted_net = _amount(line["undiscountedUnitPrice"]["net"])
            line["undiscountedTotalPrice"] = _taxed_money(undiscounted * count, undiscounted_net * count, currency)
            self.refresh_order(order)
        return line

    def cancel_order(self, order: dict) -> dict:
        """Saleor's ``orderCancel``: only an order with nothing fulfilled; its status becomes CANCELED."""
        with self.lock:
            if any(fulfillment["status"] != "CANCELED" for fulfillment in order["fulfillments"]):
                raise ValueError("Saleor cancels only orders without fulfillments.")
            order["status"] = "CANCELED"
            self.refresh_order(order)
        return order
