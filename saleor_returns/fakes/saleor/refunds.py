"""Refund mutations: ``orderGrantRefundCreate``, ``transactionRequestRefundForGrantedRefund`` and ``orderRefund``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLError

from .common import _amount, _money, _now_iso, _quantize
from .errors import (
    _MISSING_NODE,
    _MutationErrors,
    _decimal_argument,
    _error,
    _invalid,
    _parse_global_id,
    _parse_node_id,
    _refuse_reason_reference,
)
from .schema import RequestContext
from .transactions import _refunded_events


_REFUNDABLE_PAYMENT_STATUSES = ("PARTIALLY_CHARGED", "FULLY_CHARGED", "PARTIALLY_REFUNDED")


class RefundsMixin:
    def _resolve_grant_refund_create(self, info: Any, id: str, input: dict) -> dict:
        """``orderGrantRefundCreate``, validated in the order of Saleor's clean_input."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        order = self._order_or_error(id, "id")
        amount = input.get("amount")
        lines_input = input.get("lines") or []
        for_shipping = bool(input.get("grantRefundForShipping"))
        if amount is None and not lines_input and not for_shipping:
            fields = ("amount", "lines", "grantRefundForShipping")
            message = (
                "You must provide at least one of `amount`, `lines`, `grantRefundForShipping`."
            )
            raise _MutationErrors(*(_error(field, message, "REQUIRED") for field in fields))
        _refuse_reason_reference(input.get("reasonReference"))
        granted_lines = self._clean_grant_lines(order, lines_input)
        if for_shipping and any(g["shippingCostsIncluded"] for g in order["grantedRefunds"]):
            raise _invalid(
                "grantRefundForShipping",
                "Shipping costs have already been granted.",
                "SHIPPING_COSTS_ALREADY_GRANTED",
            )
        transaction = self._order_transaction_or_error(order, input["transactionId"])
        currency = order["_currency"]
        charged = _amount(transaction["chargedAmount"])
        if amount is None:
            computed = sum(
                (
                    _amount(line["orderLine"]["unitPrice"]["gross"]) * line["quantity"]
                    for line in granted_lines
                ),
                Decimal(0),
            )
            if for_shipping:
                computed += _amount(order["shippingPrice"]["gross"])
            value = min(computed, charged)
        else:
            value = _quantize(_decimal_argument(amount, "amount"), currency)
            if value > charged:
                raise _invalid(
                    "amount",
                    "Amount cannot be greater than the charged amount of provided transaction.",
                    "AMOUNT_GREATER_THAN_AVAILABLE",
                )
        now = _now_iso()
        grant = {
            "__typename": "OrderGrantedRefund",
            "id": self.new_id("OrderGrantedRefund"),
            "createdAt": now,
            "updatedAt": now,
            "amount": _money(value, currency),
            "reason": input.get("reason") or "",
            "reasonReference": None,
            "user": context.user,
            "app": context.app,
            "shippingCostsIncluded": for_shipping,
            "lines": granted_lines,
            "status": "NONE",
            "transactionEvents": [],
            "transaction": transaction,
        }
        order["grantedRefunds"].append(grant)
        self.refresh_order(order)
        return {"order": order, "grantedRefund": grant}

    def _clean_grant_lines(self, order: dict, lines_input: list[dict]) -> list[dict]:
        """Granted refund lines, or Saleor's INVALID error with one nested error per bad line."""
        errors = []
        for line_input in lines_input:
            if line_input.get("reasonReference"):
                errors.append(
                    {
                        "lineId": line_input["id"],
                        "field": "reasonReference",
                        "message": "Reason reference type is not configured.",
                        "code": "NOT_CONFIGURED",
                    }
                )
        # Keyed by line ID: a line given twice counts once, with its last quantity.
        requested: dict[str, dict] = {}
        for line_input in lines_input:
            try:
                _parse_global_id(line_input["id"], "OrderLine")
            except GraphQLError as exc:
                errors.append(
                    {
                        "lineId": line_input["id"],
                        "field": "id",
                        "message": exc.message,
                        "code": "GRAPHQL_ERROR",
                    }
                )
                continue
            requested[line_input["id"]] = line_input
        lines = {line["id"]: line for line in order["lines"]}
        for line_id in requested:
            if line_id not in lines:
                errors.append(
                    {
                        "lineId": line_id,
                        "field": "id",
                        "message": "Could not resolve to a line.",
                        "code": "NOT_FOUND",
                    }
                )
        for line_id, line_input in requested.items():
            line = lines.get(line_id)
            if line is None:
                continue
            already = sum(
                granted_line["quantity"]
                for granted in order["grantedRefunds"]
                for granted_line in granted.get("lines") or ()
                if granted_line["orderLine"] is line
            )
            if line_input["quantity"] + already > line["quantity"]:
                errors.append(
                    {
                        "lineId": line_id,
                        "field": "quantity",
                        "message": (
                            "Cannot grant refund for more than the available quantity "
                            f"of the line ({line['quantity'] - already})."
                        ),
                        "code": "QUANTITY_GREATER_THAN_AVAILABLE",
                    }
                )
        if errors:
            raise _invalid("lines", "Provided input for lines is invalid.", "INVALID", lines=errors)
        return [
            {
                "__typename": "OrderGrantedRefundLine",
                "id": self.new_id("OrderGrantedRefundLine"),
                "quantity": line_input["quantity"],
                "orderLine": lines[line_id],
                "reason": line_input.get("reason"),
                "reasonReference": None,
            }
            for line_id, line_input in requested.items()
        ]

    def _order_transaction_or_error(self, order: dict, transaction_id: str) -> dict:
        # As saleor/graphql/order/mutations/order_grant_refund_create.py clean_input: the transaction
        # is looked up among the order's own (get_transaction_item with qs=order.payment_transactions,
        # saleor/graphql/payment/mutations/transaction/utils.py), NOT_FOUND on transactionId otherwise;
        # then an amount above its charged_value is AMOUNT_GREATER_THAN_AVAILABLE. Both come before
        # anything is granted, which the refund saga relies on when it grants on its copy of the order.
        # A malformed ID escapes Saleor's mutation as a top-level GraphQL error.
        _parse_global_id(transaction_id, "TransactionItem")
        for transaction in order["transactions"]:
            if transaction["id"] == transaction_id:
                return transaction
        raise _invalid("transactionId", f"{_MISSING_NODE} {transaction_id}", "NOT_FOUND")

    def _resolve_request_granted_refund(
        self,
        info: Any,
        grantedRefundId: str,  # noqa: N803
        id: str | None = None,
        token: str | None = None,
    ) -> dict:
        """``transactionRequestRefundForGrantedRefund``: refuse PENDING or paid grants, else pay."""
        context: RequestContext = info.context
        context.require("HANDLE_PAYMENTS")
        order, grant = self._granted_refund_or_error(grantedRefundId)
        transaction = grant.get("transaction")
        if transaction is not None:
            if grant["status"] == "PENDING":
                raise _invalid(
                    "grantedRefundId",
                    "The refund request is already in progress.",
                    "REFUND_IS_PENDING",
                )
            if grant["status"] == "SUCCESS":
                raise _invalid(
                    "grantedRefundId",
                    "The granted refund is already processed.",
                    "REFUND_ALREADY_PROCESSED",
                )
            charged = _amount(transaction["chargedAmount"])
            granted = _amount(grant["amount"])
            if charged < granted:
                # Saleor prints the stored values, with 3 decimal places.
                raise _invalid(
                    "grantedRefundId",
                    f"The granted refund amount {granted:.3f} is greater than available "
                    f"charged amount on transactionItem ({charged:.3f}).Update the order "
                    "granted refund amount to process the grant refund.",
                    "AMOUNT_GREATER_THAN_AVAILABLE",
                )
        else:
            transaction = self._grant_transaction_or_error(order, id, token)
            grant["transaction"] = transaction
        charged = _amount(transaction["chargedAmount"])
        amount = min(_amount(grant["amount"]) or charged, charged)
        self._request_refund(order, transaction, grant, amount, context)
        return {"transaction": transaction}

    def _grant_transaction_or_error(self, order: dict, id: str | None, token: str | None) -> dict:
        """The transaction named by ``id`` or ``token`` for a grant that has none yet."""
        if id and token:
            raise _invalid(None, "Argument 'id' cannot be combined with 'token'", "GRAPHQL_ERROR")
        if not id and not token:
            message = "At least one of arguments is required: 'id', 'token'."
            raise _invalid(None, message, "GRAPHQL_ERROR")
        if id:
            _parse_global_id(id, "TransactionItem")
        for candidate in self.orders:
            for transaction in candidate["transactions"]:
                if transaction["id"] == id or (token and transaction.get("token") == str(token)):
                    if candidate is not order:
                        raise _MutationErrors(
                            _error(
                                "grantedRefundId",
                                "The granted refund belongs to different order than transaction.",
                                "INVALID",
                            ),
                            _error(
                                "id",
                                "The transaction belongs to different order than granted refund.",
                                "INVALID",
                            ),
                        )
                    return transaction
        raise _invalid("id", f"{_MISSING_NODE} {id or token}", "NOT_FOUND")

    def _resolve_order_refund(self, info: Any, id: str, amount: Any) -> dict:
        """``orderRefund`` (legacy Payments API): refunds through the order's last Payment."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        value = _decimal_argument(amount, "amount")
        if value <= 0:
            raise _invalid("amount", "Amount should be a positive number.", "ZERO_QUANTITY")
        order = self._order_or_error(id, "id")
        currency = order["_currency"]
        value = _quantize(value, currency)
        payment = order["payments"][-1] if order["payments"] else None
        if payment is None:
            message = "There's no payment associated with the order."
            raise _invalid("payment", message, "PAYMENT_MISSING")
        if payment["chargeStatus"] not in _REFUNDABLE_PAYMENT_STATUSES:
            raise _invalid("payment", "Payment cannot be refunded.", "CANNOT_REFUND")
        if value > _amount(payment["capturedAmount"]):
            raise _invalid("payment", "Cannot refund more than captured.", "PAYMENT_ERROR")
        self._refund_payment(payment, value, currency)
        self._add_order_event(order, "PAYMENT_REFUNDED", context, amount=value)
        # Saleor records the refund as a REFUNDED fulfillment without lines or warehouse.
        fulfillment = self._new_fulfillment(order, "REFUNDED", None, "", None, None, reason="")
        fulfillment["warehouse"] = None
        fulfillment["totalRefundedAmount"] = _money(value, currency)
        order["fulfillments"].append(fulfillment)
        self.refresh_order(order)
        for event_type in _refunded_events(order):
            self.emit_event(event_type, {"order": order}, issuing_principal=context.requestor)
        return {"order": order}

    def _refund_payment(self, payment: dict, amount: Decimal, currency: str) -> None:
        """A successful legacy REFUND transaction: ``capturedAmount`` falls by ``amount``."""
        captured = _amount(payment["capturedAmount"]) - amount
        payment["transactions"].append(
            self._legacy_transaction(payment, "REFUND", amount, currency, _now_iso())
        )
        payment["capturedAmount"] = _money(captured, currency)
        payment["availableRefundAmount"] = _money(captured, currency)
        payment["chargeStatus"] = "PARTIALLY_REFUNDED" if captured else "FULLY_REFUNDED"
        payment["actions"] = ["REFUND"] if captured else []
        payment["modified"] = _now_iso()

    def _resolve_transaction_order(self, transaction: dict, info: Any) -> dict | None:
        """``TransactionItem.order``: the order holding the transaction (None for a checkout's)."""
        with self.lock:
            return next(
                (order for order in self.orders if any(t["id"] == transaction["id"] for t in order["transactions"])),
                None,
            )

    def _find_granted_refund(self, value: str) -> tuple[dict, dict] | None:
        for order in self.orders:
            for grant in order["grantedRefunds"]:
                if grant["id"] == value:
                    return order, grant
        return None

    def _granted_refund_or_error(self, value: str) -> tuple[dict, dict]:
        _parse_node_id(value, "OrderGrantedRefund", "grantedRefundId")
        found = self._find_granted_refund(value)
        if found is None:
            raise _invalid("grantedRefundId", f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return found
