"""``orderFulfillmentReturnProducts``: returned and replaced lines, with their refund."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .common import _amount, _metadata_dict, _money, _quantize
from .errors import _decimal_argument, _invalid, _refuse_reason_reference
from .orders import _ReturnMove, _copy_order_line, _refresh_order_status
from .refunds import _REFUNDABLE_PAYMENT_STATUSES
from .schema import RequestContext
from .transactions import _refunded_events


_RETURNABLE_FULFILLMENT_STATUSES = ("FULFILLED", "REFUNDED", "WAITING_FOR_APPROVAL")


def _return_move(
    line_input: Mapping[str, Any],
    line: dict,
    fulfillment: dict | None,
    fulfillment_line: dict | None,
    quantity: int,
) -> _ReturnMove:
    """One line of ``orderLines``/``fulfillmentLines`` as a move, once its reference is refused."""
    _refuse_reason_reference(line_input.get("reasonReference"))
    return _ReturnMove(
        line,
        fulfillment,
        fulfillment_line,
        quantity,
        bool(line_input.get("replace")),
        line_input.get("reason") or "",
    )


class ReturnsMixin:
    def _resolve_return_products(self, info: Any, order: str, input: dict) -> dict:
        """``orderFulfillmentReturnProducts``: returned units go to new fulfillments, unstocked."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        target = self._order_or_error(order, "order")
        currency = target["_currency"]
        payment = None
        amount_to_refund = None
        if input.get("refund"):
            payment = target["payments"][-1] if target["payments"] else None
            if payment is None or payment["chargeStatus"] not in _REFUNDABLE_PAYMENT_STATUSES:
                raise _invalid("order", "Order cannot be refunded.", "CANNOT_REFUND")
            if input.get("amountToRefund") is not None:
                amount_to_refund = _quantize(
                    _decimal_argument(input["amountToRefund"], "amountToRefund"), currency
                )
                if amount_to_refund > _amount(payment["capturedAmount"]):
                    raise _invalid(
                        "amountToRefund",
                        "The amountToRefund is greater than the maximal possible amount "
                        "to refund.",
                        "CANNOT_REFUND",
                    )
        _refuse_reason_reference(input.get("reasonReference"))
        order_moves = self._clean_returned_order_lines(target, input.get("orderLines") or [])
        fulfillment_moves = self._clean_returned_fulfillment_lines(
            target, input.get("fulfillmentLines") or []
        )
        reason = input.get("reason") or ""
        include_shipping = bool(input.get("includeShippingCosts"))

        refunded = None
        if payment is not None:
            refunded = self._refund_returned_lines(
                target,
                payment,
                order_moves + fulfillment_moves,
                amount_to_refund,
                include_shipping,
                context,
            )
        replace_fulfillment = replace_order = None
        if any(move.replace for move in order_moves + fulfillment_moves):
            replace_fulfillment = self._returned_fulfillment(target, "REPLACED", reason)
            replaced = [move for move in order_moves + fulfillment_moves if move.replace]
            self._move_returned_lines(replace_fulfillment, replaced)
            replace_order = self._replace_order(target, replaced)
            self._add_order_event(target, "FULFILLMENT_REPLACED", context, moves=replaced)
            self._add_order_event(target, "ORDER_REPLACEMENT_CREATED", context)
            self._add_order_event(replace_order, "DRAFT_CREATED_FROM_REPLACE", context)
        status = "RETURNED" if refunded is None else "REFUNDED_AND_RETURNED"
        return_fulfillment = self._returned_fulfillment(target, status, reason)
        if refunded is not None:
            return_fulfillment["totalRefundedAmount"] = _money(refunded, currency)
            if include_shipping and amount_to_refund is None:
                shipping = dict(target["shippingPrice"]["gross"])
                return_fulfillment["shippingRefundedAmount"] = shipping
        returned = [move for move in order_moves + fulfillment_moves if not move.replace]
        # Units refunded earlier (a REFUNDED fulfillment) go to a REFUNDED_AND_RETURNED one.
        already_refunded = [move for move in returned if move.refunded_before]
        self._move_returned_lines(
            return_fulfillment, [move for move in returned if not move.refunded_before]
        )
        if already_refunded:
            destination = return_fulfillment
            if status != "REFUNDED_AND_RETURNED":
                destination = self._returned_fulfillment(target, "REFUNDED_AND_RETURNED", reason)
            self._move_returned_lines(destination, already_refunded)
        target["fulfillments"] = [
            fulfillment
            for fulfillment in target["fulfillments"]
            if fulfillment["lines"]
            or fulfillment["status"] not in ("FULFILLED", "WAITING_FOR_APPROVAL")
        ]
        _refresh_order_status(target)
        self.refresh_order(target)
        self._add_order_event(target, "FULFILLMENT_RETURNED", context, moves=returned)
        principal = context.requestor
        self.emit_event("ORDER_UPDATED", {"order": target}, issuing_principal=principal)
        if replace_order is not None:
            self.emit_event(
                "DRAFT_ORDER_CREATED", {"order": replace_order}, issuing_principal=principal
            )
        return {
            "returnFulfillment": return_fulfillment,
            "replaceFulfillment": replace_fulfillment,
            "order": target,
            "replaceOrder": replace_order,
        }

    def _clean_returned_order_lines(
        self, order: dict, lines_input: list[dict]
    ) -> list[_ReturnMove]:
        lines = self._nodes_or_error(
            [line_input["orderLineId"] for line_input in lines_input],
            "OrderLine",
            "orderLines",
            {line["id"]: line for line in order["lines"]},
        )
        moves = []
        for line, line_input in zip(lines, lines_input, strict=True):
            quantity = line_input["quantity"]
            unfulfilled = line["quantity"] - line["quantityFulfilled"]
            if quantity < 1:
                # Saleor does not check this; the fake refuses it to keep its books straight.
                problem = "Provided quantity must be greater than 0."
            elif quantity > line["quantity"]:
                problem = "Provided quantity is bigger than quantity from order line."
            elif quantity > unfulfilled:
                problem = "Provided quantity is bigger than unfulfilled quantity."
            elif line_input.get("replace") and line.get("variant") is None:
                problem = "Unable to replace line as the assigned product doesn't exist."
            else:
                problem = None
            if problem:
                raise _invalid("orderLineId", problem, "INVALID_QUANTITY")
            moves.append(_return_move(line_input, line, None, None, quantity))
        return moves

    def _clean_returned_fulfillment_lines(
        self, order: dict, lines_input: list[dict]
    ) -> list[_ReturnMove]:
        owners = {
            fulfillment_line["id"]: (fulfillment, fulfillment_line)
            for fulfillment in order["fulfillments"]
            for fulfillment_line in fulfillment["lines"]
        }
        found = self._nodes_or_error(
            [line_input["fulfillmentLineId"] for line_input in lines_input],
            "FulfillmentLine",
            "fulfillmentLines",
            owners,
        )
        moves = []
        for (fulfillment, fulfillment_line), line_input in zip(found, lines_input, strict=True):
            quantity = line_input["quantity"]
            if quantity < 1:
                message = "Provided quantity must be greater than 0."
                raise _invalid("fulfillmentLineId", message, "INVALID_QUANTITY")
            if quantity > fulfillment_line["quantity"]:
                raise _invalid(
                    "fulfillmentLineId",
                    "Provided quantity is bigger than quantity from fulfillment line",
                    "INVALID_QUANTITY",
                )
            if fulfillment["status"] not in _RETURNABLE_FULFILLMENT_STATUSES:
                raise _invalid(
                    "fulfillmentLineId",
                    "Unable to process action for fulfillmentLine with different status than "
                    + ", ".join(status.lower() for status in _RETURNABLE_FULFILLMENT_STATUSES)
                    + ".",
                    "INVALID",
                )
            line = fulfillment_line["orderLine"]
            if line_input.get("replace") and line.get("variant") is None:
                message = "Unable to replace line as the assigned product doesn't exist."
                raise _invalid("orderLineId", message, "INVALID_QUANTITY")
            moves.append(_return_move(line_input, line, fulfillment, fulfillment_line, quantity))
        return moves

    def _refund_returned_lines(
        self,
        order: dict,
        payment: dict,
        moves: list[_ReturnMove],
        amount_to_refund: Decimal | None,
        include_shipping: bool,
        context: RequestContext,
    ) -> Decimal:
        """``refund: true`` with a legacy Payment: refund the returned (not replaced) units."""
        currency = order["_currency"]
        amount = amount_to_refund
        if amount is None:
            amount = sum(
                (
                    _amount(move.line["unitPrice"]["gross"]) * move.quantity
                    for move in moves
                    if not move.replace and not move.refunded_before
                ),
                Decimal(0),
            )
            if include_shipping:
                amount += _amount(order["shippingPrice"]["gross"])
        if amount:
            amount = min(_amount(payment["capturedAmount"]), amount)
            self._refund_payment(payment, amount, currency)
            self._add_order_event(order, "PAYMENT_REFUNDED", context, amount=amount)
            self.refresh_order(order)
            # The ORDER_UPDATED of the return itself follows, so none is sent here.
            for event_type in _refunded_events(order):
                if event_type != "ORDER_UPDATED":
                    self.emit_event(
                        event_type, {"order": order}, issuing_principal=context.requestor
                    )
        self._add_order_event(order, "FULFILLMENT_REFUNDED", context, amount=amount)
        return amount

    def _returned_fulfillment(self, order: dict, status: str, reason: str) -> dict:
        fulfillment = self._new_fulfillment(order, status, None, "", None, None, reason=reason)
        order["fulfillments"].append(fulfillment)
        return fulfillment

    def _move_returned_lines(self, target: dict, moves: list[_ReturnMove]) -> None:
        """Move units into ``target``: unfulfilled ones count as fulfilled from now on."""
        for move in moves:
            if move.fulfillment_line is None:
                move.line["quantityFulfilled"] += move.quantity
            else:
                move.fulfillment_line["quantity"] -= move.quantity
                if not move.fulfillment_line["quantity"]:
                    move.fulfillment["lines"].remove(move.fulfillment_line)
            target["lines"].append(
                self._new_fulfillment_line(move.line, move.quantity, move.reason)
            )

    def _replace_order(self, original: dict, moves: list[_ReturnMove]) -> dict:
        """The REISSUE draft Saleor makes for replaced units: the customer's data, no shipping."""
        quantities: dict[str, int] = {}
        for move in moves:
            quantities[move.line["id"]] = quantities.get(move.line["id"], 0) + move.quantity
        draft = self.add_order(
            channel_slug=original["channel"]["slug"],
            currency=original["_currency"],
            user=original.get("user"),
            user_email=original.get("userEmail"),
            status="DRAFT",
            metadata=_metadata_dict(original.get("metadata")),
            origin="REISSUE",
            original=original["id"],
            privateMetadata=[dict(item) for item in original.get("privateMetadata") or ()],
            shippingAddress=self._copy_address(original.get("shippingAddress")),
            billingAddress=self._copy_address(original.get("billingAddress")),
            languageCodeEnum=original.get("languageCodeEnum", "EN_US"),
        )
        lines_by_id = {line["id"]: line for line in original["lines"]}
        for line_id, quantity in quantities.items():
            draft["lines"].append(
                _copy_order_line(lines_by_id[line_id], quantity, draft["_currency"])
            )
        self.refresh_order(draft)
        return draft
