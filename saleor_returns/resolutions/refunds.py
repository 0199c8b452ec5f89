"""The refund saga: paying a refund exactly once, each step confirmed from Saleor.

1. `start_refund()` stores the refund (what the preview showed) and queues `process_refund_task`.
2. The task, one worker at a time per refund (`refund_lock`), pays it:
   - store credit: a gift card, found again by its marker before one is made;
   - the original payment: a granted refund, then its refund requested, the outcome read from
     that request's answer. On the first run nothing can have been granted yet, so the grant is
     made at once on the transaction the app's latest copy of the order shows (Saleor refuses it,
     granting nothing, when the copy is out of date); a later run, or a refused first grant,
     reads the order: the grant is found again by its marker, else made on the transaction
     that can take it;
   - the legacy payment path (Saleor's Payments API) when no transaction can take it, told apart
     from anyone else's refund by the order's PAYMENT_REFUNDED events.
   What Saleor made is kept on the refund (`record_refund_progress`) before the next call.
3. `finish_refund()` records the outcome Saleor confirmed: the return is resolved, or the failure
   shown to staff, who may `retry_refund()`.
4. Reconciliation: a refund the payment app has not answered yet is looked at again on
   ORDER_REFUNDED (`reconcile_order_refunds`) and by beat (`reconcile_refunds_task`).
"""

import logging
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from saleor_returns import events
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.lifecycle import transition
from saleor_returns.locks import lock_return_request
from saleor_returns.models import Refund, ReturnRequest
from saleor_returns.models.notifications import MessageEvent
from saleor_returns.money import money_from_saleor, quantize
from saleor_returns.notifications import actions as message_actions
from saleor_returns.requestors import SYSTEM, Actor
from saleor_returns.saleor.client import SaleorClient, SaleorError, SaleorMutationError
from saleor_returns.saleor.order_snapshots import OrderDataError, OrderSnapshot
from saleor_returns.saleor.orders import cached_order
from saleor_returns.states import ReturnStatus
from saleor_returns.task_schedule import RETRY_OPTIONS

logger = logging.getLogger(__name__)


# A granted refund Saleor reports as paid, refused, or still with the payment app.
GRANT_DONE, GRANT_FAILED = "SUCCESS", "FAILURE"

GIFT_CARD_MARKER_KEY = "saleor-returns.refund"


def start_refund(*, return_request: ReturnRequest, kind: str, amount: Decimal, currency: str, preview: dict,
                 fingerprint: str, actor: Actor, idempotency_key: str = "") -> Refund:
    """Store the refund and queue its payment after commit. Caller holds the return's lock."""
    refund = Refund.objects.create(
        return_request=return_request, kind=kind, currency=currency, amount=amount, preview=preview,
        fingerprint=fingerprint, idempotency_key=idempotency_key,
    )
    events.refund_started_event(return_request=return_request, actor=actor, refund=refund)
    refund_id = str(refund.pk)
    transaction.on_commit(lambda: process_refund_task.delay(refund_id))
    return refund


# --------------------------------------------------------------------------- paying


@shared_task(name="saleor_returns.process_refund", bind=True, **RETRY_OPTIONS)
def process_refund_task(self, refund_id: str) -> None:
    """Pay a refund exactly once, confirming each step from Saleor.

    Safe to run again at any point (after a timeout, a 5xx, a killed worker):
    what an earlier run made in Saleor is found by the refund's marker before
    anything is made again, and the outcome is read back from Saleor.
    """
    with refund_lock(refund_id) as acquired:
        if not acquired:
            # Another worker is paying this refund right now; it confirms the outcome.
            return
        refund = Refund.objects.select_related("return_request__installation").filter(pk=refund_id).first()
        if refund is None or refund.status in (Refund.Status.SUCCEEDED, Refund.Status.FAILED):
            return
        refund = record_refund_progress(refund_id=refund.pk, attempts=refund.attempts + 1)
        client = SaleorClient.for_installation(refund.return_request.installation)
        if refund.kind == Refund.Kind.STORE_CREDIT:
            _issue_store_credit(client, refund)
        else:
            _refund_original_payment(self, client, refund)


@contextmanager
def refund_lock(refund_id):
    """One worker at a time per refund, across processes and machines (a PostgreSQL advisory lock).

    Saleor's grant has no idempotency key, so two workers granting at once
    would grant twice; the lock makes the find-or-grant step single-file.
    """
    key = f"refund:{refund_id}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])


def _issue_store_credit(client: SaleorClient, refund) -> None:
    return_request = refund.return_request
    if not refund.gift_card_id:
        found = client.query("GiftCardsByMetadata", {"key": GIFT_CARD_MARKER_KEY, "value": refund.marker})
        edges = (found.get("giftCards") or {}).get("edges") or []
        if edges:
            card = edges[0]["node"]
        else:
            card = client.mutate(
                "GiftCardCreate",
                {
                    "input": {
                        "balance": {"amount": str(refund.amount), "currency": refund.currency},
                        "userEmail": return_request.customer_email,
                        "channel": return_request.channel_slug,
                        "isActive": True,
                        "note": f"Store credit for {return_request.rma_number}",
                        "addTags": ["returns"],
                        "metadata": [{"key": GIFT_CARD_MARKER_KEY, "value": refund.marker}],
                        # Tied to the customer's account (3.23): only they can spend it there.
                        **({"assignedTo": return_request.customer_user_id} if return_request.customer_user_id else {}),
                    }
                },
            )["giftCardCreate"]["giftCard"]
        record_refund_progress(
            refund_id=refund.pk, gift_card_id=card["id"], gift_card_last4=card.get("last4CodeChars") or ""
        )
    finish_refund(refund_id=refund.pk, succeeded=True)


def _refund_original_payment(task, client: SaleorClient, refund) -> None:
    grant = None
    order = None
    if _is_first_run(refund):
        # No earlier run can have granted: grant at once on the payment in the app's latest copy
        # of the order. Saleor checks the transaction against the order as it is now; when the
        # copy is out of date it refuses and grants nothing, and the order is read below.
        transaction_id = _known_transaction(refund)
        if transaction_id:
            try:
                grant, refund = _grant(client, refund, transaction_id)
            except SaleorMutationError as error:
                if not _refused_for_transaction(error):
                    finish_refund(refund_id=refund.pk, succeeded=False, reason=str(error))
                    return
    if grant is None:
        order = _refund_state(client, refund)
        if refund.kind == Refund.Kind.LEGACY_PAYMENT:
            _refund_legacy_payment(client, refund, order)
            return
        grant = _find_grant(order, refund)
        if grant is None:
            transaction_item = _pick_transaction(order, refund.amount)
            if transaction_item is None and _legacy_payment(order, refund.amount) is not None:
                _refund_legacy_payment(client, refund, order)
                return
            if transaction_item is None:
                finish_refund(refund_id=refund.pk, succeeded=False,
                              reason="No payment on the order covers this amount.")
                return
            try:
                grant, refund = _grant(client, refund, transaction_item["id"])
            except SaleorMutationError as error:
                finish_refund(refund_id=refund.pk, succeeded=False, reason=str(error))
                return
            # The order read before the grant does not show it.
            order = None
        elif not refund.saleor_granted_refund_id:
            refund = record_refund_progress(
                refund_id=refund.pk, saleor_granted_refund_id=grant["id"],
                saleor_transaction_id=(grant.get("transaction") or {}).get("id", ""),
            )
    status = grant.get("status")
    if status == GRANT_DONE:
        finish_refund(refund_id=refund.pk, succeeded=True)
        return
    if status in ("NONE", GRANT_FAILED) and refund.refund_requested_at is None:
        try:
            answer = client.mutate(
                "RequestGrantedRefund",
                {"grantedRefundId": refund.saleor_granted_refund_id, "transactionId": refund.saleor_transaction_id,
                 "withOutcome": True},
            )["transactionRequestRefundForGrantedRefund"]
        except SaleorMutationError as error:
            if not error.codes & {"REFUND_ALREADY_PROCESSED", "REFUND_IS_PENDING"}:
                finish_refund(refund_id=refund.pk, succeeded=False, reason=str(error))
                return
            # Saleor refused the request because of the grant's state: read that state anew.
            answer = {}
        refund = record_refund_progress(refund_id=refund.pk, refund_requested_at=timezone.now())
        # Saleor asks the payment app within the mutation: the transaction's order in the
        # answer already shows the outcome, so it is confirmed without reading the order again.
        confirm_refund(refund, order=(answer.get("transaction") or {}).get("order"))
        return
    # When read from Saleor at the start of this run, `order` is the state to confirm from.
    confirm_refund(refund, order=order)


def _is_first_run(refund) -> bool:
    """This run is the refund's first (counted before any call): nothing granted or requested yet."""
    return (refund.attempts == 1 and refund.kind == Refund.Kind.ORIGINAL_PAYMENT
            and not refund.saleor_granted_refund_id and refund.refund_requested_at is None)


def _known_transaction(refund) -> str | None:
    """The transaction to grant on by the app's latest copy of the order, without calling Saleor.

    The copy is the order cached in the last minute (dropped on ORDER_UPDATED), else the one
    taken when the return was requested, read with the app token. None when neither shows a
    transaction of the refund's currency charged enough.
    """
    return_request = refund.return_request
    copy = cached_order(return_request.installation, return_request.order_id)
    if copy is None:
        try:
            copy = OrderSnapshot.from_json(return_request.order_snapshot)
        except OrderDataError:
            return None
    transaction_item = _charged_most(
        ((item.charged.amount, item) for item in copy.transactions if item.charged.currency == refund.currency),
        refund.amount,
    )
    return transaction_item.id if transaction_item else None


# Saleor's grant refusals about the transaction itself (orderGrantRefundCreate's clean_input): the
# transaction is not the order's (NOT_FOUND on transactionId) or no longer has the amount charged
# (AMOUNT_GREATER_THAN_AVAILABLE). Either is checked before anything is granted.
_TRANSACTION_REFUSALS = {("transactionId", "NOT_FOUND"), ("amount", "AMOUNT_GREATER_THAN_AVAILABLE")}


def _refused_for_transaction(error: SaleorMutationError) -> bool:
    return bool(error.errors) and all((e.field, e.code) in _TRANSACTION_REFUSALS for e in error.errors)


def _grant(client: SaleorClient, refund, transaction_id: str) -> tuple[dict, Refund]:
    """Grant the refund on the transaction; what Saleor made is kept before the next call."""
    return_request = refund.return_request
    preview = refund.preview
    grant = client.mutate(
        "GrantRefund",
        {
            "orderId": return_request.order_id,
            "input": {
                "transactionId": transaction_id,
                "amount": str(refund.amount),
                "grantRefundForShipping": bool(preview.get("shipping_refunded")),
                "reason": f"{return_request.rma_number} ({refund.marker})",
                "lines": [
                    {"id": line["order_line_id"], "quantity": line["quantity"], "reason": return_request.rma_number}
                    for line in preview["lines"]
                ],
            },
        },
    )["orderGrantRefundCreate"]["grantedRefund"]
    refund = record_refund_progress(
        refund_id=refund.pk, saleor_granted_refund_id=grant["id"], saleor_transaction_id=transaction_id
    )
    return grant, refund


def _refund_state(client: SaleorClient, refund) -> dict:
    order = client.query("OrderRefundState", {"id": refund.return_request.order_id}).get("order")
    if order is None:
        raise SaleorError("The order is gone from Saleor.")
    return order


def _find_grant(order: dict, refund) -> dict | None:
    for grant in order.get("grantedRefunds") or []:
        if refund.saleor_granted_refund_id and grant["id"] == refund.saleor_granted_refund_id:
            return grant
        if not refund.saleor_granted_refund_id and refund.marker in (grant.get("reason") or ""):
            return grant
    return None


def _pick_transaction(order: dict, amount: Decimal) -> dict | None:
    """The transaction that can take the refund, as Saleor reports the order now."""
    return _charged_most(
        ((money_from_saleor(item["chargedAmount"]).amount, item) for item in order.get("transactions") or []), amount
    )


def _charged_most(transactions, amount: Decimal):
    """Of (charged, transaction) pairs, the transaction charged most, if it covers `amount`; else None.

    The one rule for choosing, whether from Saleor's answer or from the app's copy of the order."""
    covering = [(charged, item) for charged, item in transactions if charged >= amount]
    return max(covering, key=lambda pair: pair[0])[1] if covering else None


def _legacy_payment(order: dict, amount: Decimal) -> dict | None:
    """An active legacy (Payments API) payment with enough captured to refund `amount`."""
    for payment in order.get("payments") or []:
        if payment.get("isActive") and payment.get("capturedAmount") and (
                money_from_saleor(payment["capturedAmount"]).amount >= amount):
            return payment
    return None


def _own_legacy_refunds(client: SaleorClient, refund) -> list[dict]:
    """This app's PAYMENT_REFUNDED events on the refund's order (Saleor names the app that refunded)."""
    order = client.query("OrderRefundEvents", {"id": refund.return_request.order_id}).get("order") or {}
    app_id = refund.return_request.installation.app_id
    return [
        event for event in order.get("events") or []
        if event["type"] == "PAYMENT_REFUNDED" and (event.get("app") or {}).get("id") == app_id
    ]


def _refund_legacy_payment(client: SaleorClient, refund, order: dict) -> None:
    """Saleor's legacy `orderRefund` has no idempotency key. Saleor writes a PAYMENT_REFUNDED
    order event naming the app that refunded: this app's events are noted before the call, and a
    retry that finds a new one of exactly this amount knows Saleor did it. A refund made meanwhile
    by staff or another app is never taken for this one."""
    own = _own_legacy_refunds(client, refund)
    if refund.legacy_refund_events_before is None and refund.legacy_refunded_before is None:
        refund = record_refund_progress(
            refund_id=refund.pk, kind=Refund.Kind.LEGACY_PAYMENT, legacy_refund_events_before=[e["id"] for e in own]
        )
    elif refund.legacy_refund_events_before is not None:
        before = set(refund.legacy_refund_events_before)
        amount = quantize(refund.amount, refund.currency)
        if any(e["id"] not in before and e.get("amount") is not None
               and quantize(Decimal(str(e["amount"])), refund.currency) == amount for e in own):
            finish_refund(refund_id=refund.pk, succeeded=True)
            return
    elif money_from_saleor(order["totalRefunded"]).amount >= refund.legacy_refunded_before + refund.amount:
        # Started before the app noted its events: the order's refunded total is all there is to go by.
        finish_refund(refund_id=refund.pk, succeeded=True)
        return
    try:
        client.mutate("LegacyRefund", {"orderId": refund.return_request.order_id, "amount": str(refund.amount)})
    except SaleorMutationError as error:
        finish_refund(refund_id=refund.pk, succeeded=False, reason=str(error))
        return
    finish_refund(refund_id=refund.pk, succeeded=True)


def confirm_refund(refund, order: dict | None = None) -> None:
    """Read the outcome from Saleor, or from `order` when the caller has just had it from Saleor.
    When the payment app has not answered yet, the refund stays processing: ORDER_REFUNDED and
    the periodic reconciliation look again."""
    if order is None:
        order = _refund_state(SaleorClient.for_installation(refund.return_request.installation), refund)
    grant = _find_grant(order, refund)
    status = (grant or {}).get("status")
    if status == GRANT_DONE:
        finish_refund(refund_id=refund.pk, succeeded=True)
    elif status == GRANT_FAILED:
        reason = _failure_message(grant)
        finish_refund(refund_id=refund.pk, succeeded=False, reason=reason)


def _failure_message(grant: dict) -> str:
    messages = [event.get("message") for event in grant.get("transactionEvents") or [] if event.get("type") == "REFUND_FAILURE"]
    return next((message for message in reversed(messages) if message), "The payment provider refused the refund.")


# --------------------------------------------------------------------------- progress and outcome


def record_refund_progress(*, refund_id, **fields) -> Refund:
    """Keep what Saleor made for a refund before the next call (granted refund id, gift card)."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        for name, value in fields.items():
            setattr(refund, name, value)
        if refund.status == Refund.Status.PENDING:
            refund.status = Refund.Status.PROCESSING
        refund.save()
    return refund


def finish_refund(*, refund_id, succeeded: bool, reason: str = "") -> Refund:
    """Saleor confirmed the outcome: the return is resolved, or the failure is shown to staff. Idempotent."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("return_request").get(pk=refund_id)
        # Money that went out never becomes "failed"; a repeated outcome changes nothing.
        if refund.status == Refund.Status.SUCCEEDED or (refund.status == Refund.Status.FAILED and not succeeded):
            return refund
        return_request = lock_return_request(refund.return_request)
        refund.status = Refund.Status.SUCCEEDED if succeeded else Refund.Status.FAILED
        refund.failure_reason = "" if succeeded else (reason or "The payment provider refused the refund.")[:2000]
        refund.succeeded_at = timezone.now() if succeeded else None
        refund.save()
        if succeeded:
            events.refund_succeeded_event(return_request=return_request, refund=refund)
            # An instant refund is paid while the parcel travels; the return resolves after inspection.
            if return_request.status in (ReturnStatus.INSPECTED, ReturnStatus.APPROVED):
                transition(return_request, to=ReturnStatus.RESOLVED, actor=SYSTEM)
            credited = refund.kind == Refund.Kind.STORE_CREDIT
            message_actions.tell(return_request, MessageEvent.STORE_CREDIT_ISSUED if credited else MessageEvent.REFUNDED)
        else:
            events.refund_failed_event(return_request=return_request, refund=refund)
    log = logger.info if succeeded else logger.error
    log("Refund succeeded" if succeeded else "Refund failed", extra={"refund_id": str(refund.pk)})
    return refund


def retry_refund(*, return_request: ReturnRequest, actor: Actor) -> Refund:
    """Staff try a failed refund again; Saleor allows a new request after REFUND_FAILURE."""
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        refund = Refund.objects.select_for_update().filter(return_request=return_request).first()
        if refund is None or refund.status != Refund.Status.FAILED:
            raise invalid("id", "Only a failed refund can be retried.", ReturnErrorCode.INVALID_TRANSITION)
        refund.status = Refund.Status.PENDING
        refund.failure_reason = ""
        refund.refund_requested_at = None
        refund.save()
        events.refund_started_event(return_request=return_request, actor=actor, refund=refund)
        refund_id = str(refund.pk)
        transaction.on_commit(lambda: process_refund_task.delay(refund_id))
    return refund


# --------------------------------------------------------------------------- reconciliation


@shared_task(name="saleor_returns.reconcile_refund", **RETRY_OPTIONS)
def reconcile_refund_task(refund_id: str) -> None:
    """Confirm a refund that was requested but not yet answered (also run by beat and on ORDER_REFUNDED)."""
    refund = Refund.objects.select_related("return_request__installation").filter(pk=refund_id).first()
    if refund is None or refund.status != Refund.Status.PROCESSING or refund.kind == Refund.Kind.STORE_CREDIT:
        return
    if refund.kind == Refund.Kind.LEGACY_PAYMENT or not refund.saleor_granted_refund_id or refund.refund_requested_at is None:
        process_refund_task.delay(str(refund.pk))
        return
    confirm_refund(refund)


@shared_task(name="saleor_returns.reconcile_refunds")
def reconcile_refunds_task() -> None:
    """Beat: every refund still processing after a minute is confirmed (or resumed) from Saleor."""
    stale = Refund.objects.filter(
        status__in=[Refund.Status.PENDING, Refund.Status.PROCESSING], updated_at__lt=timezone.now() - timedelta(minutes=1)
    ).values_list("pk", flat=True)
    for refund_id in stale:
        reconcile_refund_task.delay(str(refund_id))


def reconcile_order_refunds(*, installation, order_id: str) -> None:
    """ORDER_REFUNDED: this app's unfinished refunds on the order are confirmed from Saleor, in tasks."""
    refunds = Refund.objects.filter(
        return_request__installation=installation,
        return_request__order_id=order_id,
        status__in=[Refund.Status.PENDING, Refund.Status.PROCESSING],
    ).values_list("pk", flat=True)
    for refund_id in refunds:
        reconcile_refund_task.delay(str(refund_id))
