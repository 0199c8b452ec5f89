"""Fulfillments of orders: fulfilling, returning and cancelling lines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import _iso, _metadata_items
from .orders import _order_line, _refresh_order_status


_MOVED_FULFILLMENT_STATUSES = frozenset(
    {"RETURNED", "REFUNDED_AND_RETURNED", "REPLACED", "REFUNDED"}
)


class FulfillmentsMixin:
    def fulfill(
        self,
        order: dict,
        lines: Mapping[str, int] | None = None,
        *,
        created: Any = None,
        status: str = "FULFILLED",
        tracking_number: str | None = None,
        metadata: Mapping[str, str] | None = None,
        warehouse: str = "Default warehouse",
    ) -> dict:
        """Ship ``lines`` (``{order line id: quantity}``; default: everything unfulfilled).

        ``status`` is FULFILLED or WAITING_FOR_APPROVAL (created but not yet
        approved). Like Saleor, both raise the lines' ``quantityFulfilled`` and
        the order status becomes PARTIALLY_FULFILLED or FULFILLED (an
        awaiting fulfillment does not count). Returns the fulfillment dict.
        """
        if status not in ("FULFILLED", "WAITING_FOR_APPROVAL"):
            raise ValueError("fulfill() creates FULFILLED or WAITING_FOR_APPROVAL fulfillments.")
        with self.lock:
            if lines is None:
                lines = {
                    line["id"]: line["quantity"] - line["quantityFulfilled"]
                    for line in order["lines"]
                    if line["quantity"] > line["quantityFulfilled"]
                }
            moves = []
            for line_id, quantity in lines.items():
                line = _order_line(order, line_id)
                unfulfilled = line["quantity"] - line["quantityFulfilled"]
                if not 0 < quantity <= unfulfilled:
                    raise ValueError(
                        f"Cannot fulfill {quantity} of line {line_id}: {unfulfilled} unfulfilled."
                    )
                moves.append((line, quantity))
            if not moves:
                raise ValueError("Nothing to fulfill.")
            fulfillment = self._new_fulfillment(
                order, status, created, tracking_number or "", metadata, warehouse, reason=""
            )
            for line, quantity in moves:
                line["quantityFulfilled"] += quantity
                fulfillment["lines"].append(self._new_fulfillment_line(line, quantity, ""))
            order["fulfillments"].append(fulfillment)
            _refresh_order_status(order)
            self.refresh_order(order)
        return fulfillment

    def return_lines(
        self,
        order: dict,
        lines: Mapping[str, int],
        *,
        status: str = "RETURNED",
        created: Any = None,
        reason: str = "",
    ) -> dict:
        """Move shipped units of ``lines`` (``{order line id: quantity}``) into a new fulfillment.

        As ``orderFulfillmentReturnProducts`` (status RETURNED, or
        REFUNDED_AND_RETURNED, or REPLACED) and ``orderFulfillmentRefundProducts``
        (REFUNDED) do with fulfilled lines: the quantity leaves the FULFILLED
        fulfillments (earliest first; emptied lines and fulfillments are deleted),
        ``quantityFulfilled`` stays, and the order status follows (e.g.
        PARTIALLY_RETURNED). The replacement draft order Saleor creates for
        REPLACED is not made. Returns the new fulfillment.
        """
        if status not in _MOVED_FULFILLMENT_STATUSES:
            raise ValueError(f"status must be one of {sorted(_MOVED_FULFILLMENT_STATUSES)}.")
        with self.lock:
            moves = []
            for line_id, quantity in lines.items():
                line = _order_line(order, line_id)
                shipped = sum(
                    fulfillment_line["quantity"]
                    for fulfillment in order["fulfillments"]
                    if fulfillment["status"] == "FULFILLED"
                    for fulfillment_line in fulfillment["lines"]
                    if fulfillment_line["orderLine"] is line
                )
                if not 0 < quantity <= shipped:
                    raise ValueError(
                        f"Cannot move {quantity} of line {line_id}: {shipped} in FULFILLED fulfillments."
                    )
                moves.append((line, quantity))
            target = self._new_fulfillment(order, status, created, "", None, None, reason=reason)
            for line, quantity in moves:
                remaining = quantity
                for fulfillment in order["fulfillments"]:
                    if fulfillment["status"] != "FULFILLED":
                        continue
                    for fulfillment_line in fulfillment["lines"]:
                        if fulfillment_line["orderLine"] is line and remaining:
                            taken = min(fulfillment_line["quantity"], remaining)
                            fulfillment_line["quantity"] -= taken
                            remaining -= taken
                    fulfillment["lines"] = [fl for fl in fulfillment["lines"] if fl["quantity"]]
                target["lines"].append(self._new_fulfillment_line(line, quantity, reason))
            order["fulfillments"] = [
                fulfillment
                for fulfillment in order["fulfillments"]
                if fulfillment["lines"]
                or fulfillment["status"] not in ("FULFILLED", "WAITING_FOR_APPROVAL")
            ]
            order["fulfillments"].append(target)
            _refresh_order_status(order)
            self.refresh_order(order)
        return target

    def cancel_fulfillment(self, order: dict, fulfillment: dict) -> dict:
        """``orderFulfillmentCancel``: the fulfillment becomes CANCELED and its units unfulfilled."""
        with self.lock:
            if fulfillment["status"] not in ("FULFILLED", "WAITING_FOR_APPROVAL"):
                raise ValueError(f"A {fulfillment['status']} fulfillment cannot be canceled.")
            for fulfillment_line in fulfillment["lines"]:
                fulfillment_line["orderLine"]["quantityFulfilled"] -= fulfillment_line["quantity"]
            fulfillment["status"] = "CANCELED"
            _refresh_order_status(order)
            self.refresh_order(order)
        return fulfillment

    def _new_fulfillment(
        self,
        order: dict,
        status: str,
        created: Any,
        tracking_number: str,
        metadata: Mapping[str, str] | None,
        warehouse: str | None,
        *,
        reason: str,
    ) -> dict:
        if warehouse is None:
            earlier = [f.get("warehouse") for f in order["fulfillments"] if f.get("warehouse")]
            warehouse_entry = earlier[0] if earlier else None
        else:
            warehouse_entry = self._catalog().get(("Warehouse", warehouse)) or self._new_warehouse(
                warehouse
            )
        return {
            "__typename": "Fulfillment",
            "id": self.new_id("Fulfillment"),
            "fulfillmentOrder": max(
                (f["fulfillmentOrder"] for f in order["fulfillments"]), default=0
            )
            + 1,
            "status": status,
            "trackingNumber": tracking_number,
            "created": _iso(created),
            "reason": reason,
            "reasonReference": None,
            "warehouse": warehouse_entry,
            "shippingRefundedAmount": None,
            "totalRefundedAmount": None,
            "metadata": _metadata_items(metadata),
            "privateMetadata": [],
            "lines": [],
        }

    def _new_fulfillment_line(self, line: dict, quantity: int, reason: str) -> dict:
        return {
            "__typename": "FulfillmentLine",
            "id": self.new_id("FulfillmentLine"),
            "quantity": quantity,
            "orderLine": line,
            "reason": reason,
            "reasonReference": None,
        }
