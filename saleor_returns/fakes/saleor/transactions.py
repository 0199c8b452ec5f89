"""Transactions, granted refunds, legacy payments and the simulated payment app."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .common import (
    _amount,
    _decimal,
    _iso,
    _money,
    _now_iso,
    _quantize,
    _shift,
    global_id,
)
from .errors import _invalid
from .orders import _order_line
from .schema import RequestContext


# What the simulated payment app does with TRANSACTION_REFUND_REQUESTED:
# "success" answers REFUND_SUCCESS at once (what the captures show without a
# Celery broker), "failure" answers REFUND_FAILURE, "pending" answers with a
# pspReference only and reports later through ``FakeSaleor.settle_refund``
# (what a production Saleor with a broker and an asynchronous PSP looks like),
# and "no_app" means no app handles the event.
PAYMENT_APP_MODES = ("success", "failure", "pending", "no_app")
# The message of the simulated payment app's REFUND_FAILURE (``refund_failure_message``).
REFUND_DECLINED = "The payment provider declined the refund."
_NO_PAYMENT_APP = "No app or plugin is configured to handle payment action requests."


def _add_refund_event(transaction: dict, grant: dict, event: dict) -> None:
    # Saleor lists the events of a transaction and of a grant newest first.
    transaction["events"].insert(0, event)
    grant["transactionEvents"].insert(0, event)


def _payment_app(transaction: Mapping) -> dict | None:
    """The app owning a transaction: the one Saleor asks to refund it."""
    created_by = transaction.get("createdBy")
    if isinstance(created_by, dict) and created_by.get("__typename") == "App":
        return created_by
    return None


def _refunded_events(order: Mapping) -> list[str]:
    """Saleor's order_refunded: ORDER_REFUNDED, ORDER_UPDATED, then ORDER_FULLY_REFUNDED if due."""
    events = ["ORDER_REFUNDED", "ORDER_UPDATED"]
    if _amount(order["totalRefunded"]) >= _amount(order["total"]["gross"]):
        events.append("ORDER_FULLY_REFUNDED")
    return events


def _charged_again_events(order: Mapping) -> list[str]:
    """Saleor's order_charged, when a failed refund gives the money back to the charge."""
    if order["chargeStatus"] in ("FULL", "OVERCHARGED"):
        return ["ORDER_PAID", "ORDER_FULLY_PAID", "ORDER_UPDATED"]
    return ["ORDER_PAID", "ORDER_UPDATED"]


class TransactionsMixin:
    def add_transaction(
        self,
        order: dict,
        charged: Decimal | int | str,
        *,
        refunded: Decimal | int | str = Decimal("0"),
        refund_pending: Decimal | int | str = Decimal("0"),
        name: str = "Credit card",
        psp_reference: str | None = None,
        actions: Iterable[str] = ("REFUND",),
        app: Mapping | None = None,
        created: Any = None,
    ) -> dict:
        """A Transactions API payment of ``charged`` (the amount first charged).

        As in Saleor, refunds are taken off the charged amount: with
        ``refunded=25`` of ``charged=100``, ``chargedAmount`` is 75 and
        ``refundedAmount`` 25; a pending refund is likewise moved out of
        ``chargedAmount`` into ``refundPendingAmount``. ``app`` is the creator
        (``createdBy``). Returns the transaction dict.
        """
        with self.lock:
            currency = order["_currency"]
            charged_amount = _quantize(_decimal(charged, "charged"), currency)
            refunded_amount = _quantize(_decimal(refunded, "refunded"), currency)
            pending_amount = _quantize(_decimal(refund_pending, "refund_pending"), currency)
            remaining = charged_amount - refunded_amount - pending_amount
            if remaining < 0:
                raise ValueError("Refunds exceed the charged amount.")
            when = _iso(created)
            psp_reference = psp_reference or f"psp-{secrets.token_hex(6)}"
            zero = _money(0, currency)
            events = [
                self._transaction_event("CHARGE_SUCCESS", charged_amount, currency, when, "", app)
            ]
            if refunded_amount:
                events.append(
                    self._transaction_event(
                        "REFUND_REQUEST",
                        refunded_amount,
                        currency,
                        when,
                        f"{psp_reference}-r",
                        None,
                    )
                )
                events.append(
                    self._transaction_event(
                        "REFUND_SUCCESS", refunded_amount, currency, when, f"{psp_reference}-r", app
                    )
                )
            if pending_amount:
                events.append(
                    self._transaction_event(
                        "REFUND_REQUEST", pending_amount, currency, when, f"{psp_reference}-p", None
                    )
                )
            transaction = {
                "__typename": "TransactionItem",
                "id": global_id("TransactionItem", uuid.uuid4()),
                "token": str(uuid.uuid4()),
                "name": name,
                "message": "",
                "pspReference": psp_reference,
                "externalUrl": "",
                "createdAt": when,
                "modifiedAt": when,
                "actions": list(actions),
                "authorizedAmount": dict(zero),
                "authorizePendingAmount": dict(zero),
                "chargedAmount": _money(remaining, currency),
                "chargePendingAmount": dict(zero),
                "refundedAmount": _money(refunded_amount, currency),
                "refundPendingAmount": _money(pending_amount, currency),
                "canceledAmount": dict(zero),
                "cancelPendingAmount": dict(zero),
                "createdBy": app,
                # Saleor lists a transaction's events newest first.
                "events": events[::-1],
                "paymentMethodDetails": None,
                "reason": None,
                "reasonReference": None,
                "metadata": [],
                "privateMetadata": [],
            }
            order["transactions"].append(transaction)
            self.refresh_order(order)
        return transaction

    def pay(self, order: dict, amount: Decimal | int | str | None = None, *, name: str = "Credit card") -> dict:
        """The customer pays ``amount`` (default: what is still due), reported by a payment app.

        As Saleor's order_charged: a charged transaction, the order's payment figures
        refreshed, then ORDER_PAID, ORDER_FULLY_PAID (once paid in full) and
        ORDER_UPDATED to the subscribed apps. Returns the transaction.
        """
        with self.lock:
            if order["status"] == "DRAFT":
                raise ValueError("A draft order is completed before it is paid.")
            due = _amount(order["total"]["gross"]) - _amount(order["totalGrantedRefund"]) - _amount(order["totalCharged"])
            paid = _decimal(amount, "amount") if amount is not None else due
            transaction = self.add_transaction(order, charged=paid, name=name)
        events = _charged_again_events(order)
        for event_type in events:
            self.emit_event(event_type, {"order": order})
        return transaction

    def _transaction_event(
        self,
        type_: str,
        amount: Decimal,
        currency: str,
        when: str,
        psp_reference: str,
        created_by: Mapping | None,
    ) -> dict:
        return {
            "__typename": "TransactionEvent",
            "id": self.new_id("TransactionEvent"),
            "type": type_,
            "createdAt": when,
            "pspReference": psp_reference,
            "message": "",
            "externalUrl": "",
            "idempotencyKey": None,
            "reasonReference": None,
            "amount": _money(amount, currency),
            "createdBy": created_by,
        }

    def add_granted_refund(
        self,
        order: dict,
        *,
        lines: Mapping[str, int] | None = None,
        amount: Decimal | int | str | None = None,
        shipping_costs_included: bool = False,
        transaction: Mapping | None = None,
        status: str = "NONE",
        reason: str = "",
        user: Mapping | None = None,
        app: Mapping | None = None,
        created: Any = None,
    ) -> dict:
        """``orderGrantRefundCreate``: grant a refund of ``lines`` (``{order line id: quantity}``).

        ``amount`` defaults to the lines' unit gross prices times their
        quantities, plus the shipping price when ``shipping_costs_included``;
        ``transaction`` to the order's first. Quantities over what earlier
        granted refunds left are a ``ValueError``, as Saleor refuses them.
        ``status`` is what Saleor computes from the refund's transaction events
        (NONE, PENDING, SUCCESS, FAILURE). Returns the granted refund dict.
        """
        with self.lock:
            currency = order["_currency"]
            granted_lines = []
            computed = Decimal(0)
            for line_id, quantity in (lines or {}).items():
                line = _order_line(order, line_id)
                already = sum(
                    granted_line["quantity"]
                    for granted in order["grantedRefunds"]
                    for granted_line in granted.get("lines") or ()
                    if granted_line["orderLine"] is line
                )
                if not 0 < quantity <= line["quantity"] - already:
                    raise ValueError(
                        f"Cannot grant {quantity} of line {line_id}: "
                        f"{line['quantity'] - already} left to grant."
                    )
                computed += _amount(line["unitPrice"]["gross"]) * quantity
                granted_lines.append(
                    {
                        "__typename": "OrderGrantedRefundLine",
                        "id": self.new_id("OrderGrantedRefundLine"),
                        "quantity": quantity,
                        "orderLine": line,
                        "reason": "",
                        "reasonReference": None,
                    }
                )
            if shipping_costs_included:
                computed += _amount(order["shippingPrice"]["gross"])
            value = computed if amount is None else _decimal(amount, "amount")
            if transaction is None and order["transactions"]:
                transaction = order["transactions"][0]
            when = _iso(created)
            granted_refund = {
                "__typename": "OrderGrantedRefund",
                "id": self.new_id("OrderGrantedRefund"),
                "createdAt": when,
                "updatedAt": when,
                "amount": _money(value, currency),
                "reason": reason,
                "reasonReference": None,
                "user": user,
                "app": app,
                "shippingCostsIncluded": shipping_costs_included,
                "lines": granted_lines,
                "status": status,
                "transactionEvents": [],
                "transaction": transaction,
            }
            order["grantedRefunds"].append(granted_refund)
            self.refresh_order(order)
        return granted_refund

    def add_payment(
        self,
        order: dict,
        *,
        total: Decimal | int | str | None = None,
        refunded: Decimal | int | str = Decimal("0"),
        gateway: str = "manual",
        is_active: bool = True,
        psp_reference: str | None = None,
        created: Any = None,
    ) -> dict:
        """A legacy (Payments API) payment of ``total`` (default: the order total).

        As in captures/responses/order_staff_legacy_payment.json: an EXTERNAL
        transaction for the total, a REFUND transaction for ``refunded``, and
        ``capturedAmount`` reduced by the refund. Returns the payment dict.
        """
        with self.lock:
            currency = order["_currency"]
            total_amount = (
                _amount(order["total"]["gross"])
                if total is None
                else _quantize(_decimal(total, "total"), currency)
            )
            refunded_amount = _quantize(_decimal(refunded, "refunded"), currency)
            if not 0 <= refunded_amount <= total_amount:
                raise ValueError("The refund exceeds the payment.")
            captured = total_amount - refunded_amount
            if not refunded_amount:
                charge_status = "FULLY_CHARGED"
            elif captured:
                charge_status = "PARTIALLY_REFUNDED"
            else:
                charge_status = "FULLY_REFUNDED"
            when = _iso(created)
            payment: dict[str, Any] = {
                "__typename": "Payment",
                "id": self.new_id("Payment"),
                "gateway": gateway,
                "isActive": is_active,
                "created": when,
                "modified": when,
                "token": "",
                "pspReference": psp_reference,
                "paymentMethodType": "",
                "customerIpAddress": None,
                "chargeStatus": charge_status,
                "actions": ["REFUND"] if captured else [],
                "total": _money(total_amount, currency),
                "capturedAmount": _money(captured, currency),
                "availableCaptureAmount": _money(0, currency),
                "availableRefundAmount": _money(captured, currency),
                "creditCard": None,
                "metadata": [],
                "privateMetadata": [],
                "transactions": [],
            }
            payment["transactions"].append(
                self._legacy_transaction(payment, "EXTERNAL", total_amount, currency, when)
            )
            if refunded_amount:
                payment["transactions"].append(
                    self._legacy_transaction(payment, "REFUND", refunded_amount, currency, when)
                )
            order["payments"].append(payment)
            self.refresh_order(order)
        return payment

    def _legacy_transaction(
        self, payment: dict, kind: str, amount: Decimal, currency: str, when: str
    ) -> dict:
        return {
            "__typename": "Transaction",
            "id": self.new_id("Transaction"),
            "created": when,
            "token": "",
            "kind": kind,
            "isSuccess": True,
            "error": None,
            "gatewayResponse": "{}",
            "amount": _money(amount, currency),
            "payment": payment,
        }

    # ------------------------------------------------------------------ simulated payment app

    def settle_refund(
        self, granted_refund_id: str, success: bool = True, message: str = ""
    ) -> dict:
        """The payment app reports the outcome of a PENDING refund (``transactionEventReport``).

        A success moves the amount from ``refundPendingAmount`` to
        ``refundedAmount`` and sends ORDER_REFUNDED, ORDER_UPDATED (and
        ORDER_FULLY_REFUNDED once everything is refunded); a failure gives the
        amount back to ``chargedAmount`` and sends ORDER_PAID, ORDER_FULLY_PAID
        (when fully charged again) and ORDER_UPDATED. As in Saleor, those
        payloads still show the grant as PENDING; its status changes after them.
        Returns the new REFUND_SUCCESS or REFUND_FAILURE TransactionEvent.
        """
        with self.lock:
            found = self._find_granted_refund(granted_refund_id)
            if found is None:
                raise ValueError(f"No granted refund {granted_refund_id}.")
            order, grant = found
            if grant["status"] != "PENDING":
                raise ValueError(
                    f"Granted refund {granted_refund_id} is {grant['status']}, not PENDING."
                )
            request = next(e for e in grant["transactionEvents"] if e["type"] == "REFUND_REQUEST")
            transaction = grant["transaction"]
            amount = _amount(request["amount"])
            event = self._transaction_event(
                "REFUND_SUCCESS" if success else "REFUND_FAILURE",
                amount,
                order["_currency"],
                _now_iso(),
                request["pspReference"],
                _payment_app(transaction),
            )
            event["message"] = message
            _add_refund_event(transaction, grant, event)
            _shift(transaction, "refundPendingAmount", -amount)
            _shift(transaction, "refundedAmount" if success else "chargedAmount", amount)
            self.refresh_order(order)
            event_types = _refunded_events(order) if success else _charged_again_events(order)
            records = [
                record
                for event_type in event_types
                for record in self._prepare_deliveries(event_type, {"order": order}, None, None)
            ]
            grant["status"] = "SUCCESS" if success else "FAILURE"
        self._dispatch(records)
        return event

    def _payment_app_outcome(self) -> str:
        if self.payment_app_mode not in PAYMENT_APP_MODES:
            raise ValueError(f"payment_app_mode must be one of {PAYMENT_APP_MODES}.")
        if self.fail_refund_requests > 0:
            self.fail_refund_requests -= 1
            return "failure"
        return self.payment_app_mode

    def _request_refund(
        self, order: dict, transaction: dict, grant: dict, amount: Decimal, context: RequestContext
    ) -> None:
        """Record REFUND_REQUEST and let the simulated payment app answer it.

        Saleor delivers TRANSACTION_REFUND_REQUESTED to the app owning the
        transaction; its answer decides the events. Webhooks caused by the
        answer are built before the grant's status is recalculated, which is
        why they show the status it had before (captures: NONE).
        """
        currency = order["_currency"]
        outcome = self._payment_app_outcome()
        request = self._transaction_event("REFUND_REQUEST", amount, currency, _now_iso(), "", None)
        _add_refund_event(transaction, grant, request)
        record = {
            "grantedRefund": grant["id"],
            "transaction": transaction["id"],
            "amount": amount,
            "currency": currency,
            "pspReference": "",
            "outcome": outcome,
        }
        self.refund_requests.append(record)
        app = _payment_app(transaction)
        if outcome == "no_app":
            failure = self._transaction_event(
                "REFUND_FAILURE", amount, currency, _now_iso(), "", None
            )
            failure["message"] = _NO_PAYMENT_APP
            _add_refund_event(transaction, grant, failure)
            grant["status"] = "FAILURE"
            raise _invalid(None, _NO_PAYMENT_APP, "MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK")
        psp_reference = f"refund-{secrets.token_hex(6)}"
        request["pspReference"] = record["pspReference"] = psp_reference
        transaction["modifiedAt"] = _now_iso()
        if outcome == "failure":
            failure = self._transaction_event(
                "REFUND_FAILURE", amount, currency, _now_iso(), psp_reference, app
            )
            failure["message"] = self.refund_failure_message
            _add_refund_event(transaction, grant, failure)
            status = "FAILURE"  # nothing moved, so Saleor sends no webhook
        elif outcome == "pending":
            _shift(transaction, "chargedAmount", -amount)
            _shift(transaction, "refundPendingAmount", amount)
            self.refresh_order(order)
            self.emit_event("ORDER_UPDATED", {"order": order})
            status = "PENDING"
        else:
            success = self._transaction_event(
                "REFUND_SUCCESS", amount, currency, _now_iso(), psp_reference, app
            )
            _add_refund_event(transaction, grant, success)
            _shift(transaction, "chargedAmount", -amount)
            _shift(transaction, "refundedAmount", amount)
            self.refresh_order(order)
            for event_type in _refunded_events(order):
                self.emit_event(event_type, {"order": order})
            status = "SUCCESS"
        grant["status"] = status
        self._add_order_event(order, "TRANSACTION_REFUND_REQUESTED", context, amount=amount)
