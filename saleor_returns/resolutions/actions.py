"""Resolution's writes: what resolving would pay (the preview), resolving with money (the refund saga in
`refunds`) or with an item (exchanges and replacements), and the shop's claims against its carrier."""

import hashlib
import json
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from saleor_returns import events, policy_rules
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.lifecycle import is_returnless, transition
from saleor_returns.locks import lock_return_request
from saleor_returns.models import CarrierClaim, Refund, ReplacementOrder, Resolution, ReturnKind, ReturnRequest
from saleor_returns.models.notifications import MessageEvent
from saleor_returns.money import Money, money, quantize
from saleor_returns.notes import SystemNote
from saleor_returns.notifications import actions as message_actions
from saleor_returns.requestors import SYSTEM, Actor
from saleor_returns.resolutions import refunds, tasks
from saleor_returns.resolutions.calculation import LineForRefund, RefundPreview, keep_item_allowed, preview_refund
from saleor_returns.states import ReturnStatus

logger = logging.getLogger(__name__)


def refund_lines(return_request: ReturnRequest, *, before_inspection: bool = False) -> list[LineForRefund]:
    """What is refunded per line: accepted units after inspection, approved units when returnless
    (or for an instant refund, paid before the parcel is inspected)."""
    returnless = before_inspection or is_returnless(return_request)
    result = []
    for line in return_request.lines.select_related("reason").order_by("pk"):
        quantity = (line.approved_quantity or 0) if returnless else (line.accepted_quantity or 0)
        if quantity <= 0:
            continue
        result.append(
            LineForRefund(
                line_id=str(line.pk),
                order_line_id=line.order_line_id,
                quantity=quantity,
                unit_price=Money(line.unit_price_gross_amount, line.currency),
                reason_code=line.reason_code,
                is_merchant_fault=line.reason.is_merchant_fault,
                category_id=line.category_id,
            )
        )
    return result


def resolution_preview(*, return_request: ReturnRequest, resolution: str | None = None,
                       instant: bool = False) -> RefundPreview:
    """What resolving now would pay, every component shown. Raises ValidationError when nothing can be."""
    resolution = resolution or return_request.resolution
    if resolution not in (Resolution.REFUND, Resolution.STORE_CREDIT, Resolution.KEEP_ITEM):
        raise invalid("resolution", "Exchanges are not resolved with a refund.", ReturnErrorCode.INVALID_RESOLUTION)
    expected = ReturnStatus.APPROVED if is_returnless(return_request) else ReturnStatus.INSPECTED
    if not instant and return_request.status != expected:
        message = "Approve the request first." if expected == ReturnStatus.APPROVED else "Inspect the returned items first."
        raise invalid("status", message, ReturnErrorCode.INVALID_TRANSITION)
    lines = refund_lines(return_request, before_inspection=instant)
    if not lines:
        raise invalid("lines", "No units were accepted, so there is nothing to refund.", ReturnErrorCode.INVALID_QUANTITY)
    rules = policy_rules.PolicyRules.from_json(return_request.policy.rules)
    if resolution == Resolution.KEEP_ITEM:
        items = Money(sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0)), return_request.currency)
        if not keep_item_allowed(rules=rules, items=items):
            raise invalid("resolution", "This return is above the shop's keep-the-item limit.",
                          ReturnErrorCode.INVALID_RESOLUTION)
    snapshot = return_request.order_snapshot or {}
    shipping = snapshot.get("shipping_price_gross") or {"amount": "0", "currency": return_request.currency}
    original_shipping = Money(Decimal(shipping["amount"]), shipping["currency"])
    shipping_refunded = any(grant.get("shipping_costs_included") for grant in snapshot.get("granted_refunds") or [])
    return preview_refund(
        lines=lines,
        rules=rules,
        resolution=resolution,
        original_shipping=original_shipping,
        shipping_already_refunded=shipping_refunded,
        is_withdrawal=rules.preset == "eu_14_day",
    )


def resolve_return_request(*, return_request: ReturnRequest, actor: Actor, resolution: str, fingerprint: str = "",
                           idempotency_key: str = "") -> Refund | ReplacementOrder:
    """Start paying exactly what was previewed; the money moves in a task, confirmed from Saleor.
    EXCHANGE and REPLACEMENT send an item instead (`start_replacement_order`).

    Idempotent: a second call returns the refund already started.
    """
    if resolution in (Resolution.EXCHANGE, Resolution.REPLACEMENT):
        return start_replacement_order(return_request=return_request, actor=actor, resolution=resolution)
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        existing = Refund.objects.filter(return_request=return_request).first()
        if existing is not None:
            # An instant refund was paid at the first scan: inspection closes the return.
            if existing.status == Refund.Status.SUCCEEDED and return_request.status == ReturnStatus.INSPECTED:
                transition(return_request, to=ReturnStatus.RESOLVED, actor=actor)
            return existing
        preview = resolution_preview(return_request=return_request, resolution=resolution)
        if fingerprint and fingerprint != preview.fingerprint():
            raise invalid("fingerprint", "The amounts changed since the preview; preview again.",
                          ReturnErrorCode.PREVIEW_CHANGED)
        if return_request.resolution != resolution:
            return_request.resolution = resolution
            return_request.save(update_fields=["resolution", "updated_at"])
        kind = Refund.Kind.STORE_CREDIT if resolution == Resolution.STORE_CREDIT else Refund.Kind.ORIGINAL_PAYMENT
        refund = refunds.start_refund(
            return_request=return_request, kind=kind, currency=preview.currency, amount=preview.total.amount,
            preview=preview.to_json(), fingerprint=preview.fingerprint(), actor=actor,
            idempotency_key=idempotency_key[:128],
        )
    logger.info("Refund started", extra={"return_request_id": str(return_request.pk), "refund_id": str(refund.pk)})
    return refund


def start_instant_refund(return_request: ReturnRequest) -> Refund | None:
    """At the first scan, pay trusted customers without waiting for inspection (caller holds the lock).

    Trusted: the auto-approval rules approved the request, and its value is
    within the policy's instant-refund limit.
    """
    rules = policy_rules.PolicyRules.from_json(return_request.policy.rules)
    if (rules.instant_refund_max_value is None or not return_request.is_auto_approved
            or return_request.resolution != Resolution.REFUND or Refund.objects.filter(return_request=return_request).exists()):
        return None
    preview = resolution_preview(return_request=return_request, instant=True)
    if preview.items.amount > rules.instant_refund_max_value:
        return None
    return refunds.start_refund(
        return_request=return_request, kind=Refund.Kind.ORIGINAL_PAYMENT, currency=preview.currency,
        amount=preview.total.amount, preview=preview.to_json(), fingerprint=preview.fingerprint(), actor=SYSTEM,
    )


# --------------------------------------------------------------------------- claims


def set_carrier_claim(*, return_request: ReturnRequest, actor: Actor, carrier: str, amount: Decimal, status: str,
                      reference: str = "", note: str = "", claim: CarrierClaim | None = None) -> CarrierClaim:
    """Record (or update) the shop's claim against its carrier, with its amount and status."""
    carrier = (carrier or "").strip()
    if not carrier:
        raise invalid("carrier", "Name the carrier the claim is filed with.", ReturnErrorCode.REQUIRED)
    if status not in CarrierClaim.Status.values:
        raise invalid("status", "Unknown claim status.", ReturnErrorCode.INVALID)
    if amount is None or amount < 0:
        raise invalid("amount", "The claimed amount must not be negative.", ReturnErrorCode.INVALID)
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        claim = claim or CarrierClaim(return_request=return_request, currency=return_request.currency)
        claim.carrier = carrier[:64]
        claim.amount = quantize(amount, return_request.currency)
        claim.status = status
        claim.reference = (reference or "").strip()[:128]
        claim.note = (note or "").strip()
        claim.save()
        events.note_added_event(
            return_request=return_request, actor=actor, is_visible_to_customer=False,
            note=SystemNote("carrier_claim", carrier=claim.carrier, amount=claim.amount, currency=claim.currency,
                            status=claim.status),
        )
    return claim


# --------------------------------------------------------------------------- exchanges and replacements


def start_replacement_order(*, return_request: ReturnRequest, actor: Actor, resolution: str) -> ReplacementOrder:
    """Send the exchanged item (kind EXCHANGE, after inspection) or the same item again (claims,
    after approval) through a Saleor order at no charge. Idempotent."""
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        existing = ReplacementOrder.objects.filter(return_request=return_request).first()
        if existing is not None:
            return existing
        variant_id, quantity = replacement_plan(return_request=return_request, resolution=resolution)
        replacement = ReplacementOrder.objects.create(return_request=return_request, variant_id=variant_id, quantity=quantity)
        if return_request.resolution != resolution:
            return_request.resolution = resolution
            return_request.save(update_fields=["resolution", "updated_at"])
        replacement_id = str(replacement.pk)
        transaction.on_commit(lambda: tasks.create_replacement_order_task.delay(replacement_id))
    return replacement


def retry_replacement_order(*, return_request: ReturnRequest, actor: Actor) -> ReplacementOrder:
    """Staff try a failed replacement order again (e.g. after restocking the item).

    The task finds a draft it already made by its external reference, so a retry
    never makes a second order.
    """
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        replacement = ReplacementOrder.objects.select_for_update().filter(return_request=return_request).first()
        if replacement is None or replacement.status != ReplacementOrder.Status.FAILED:
            raise invalid("id", "Only a failed replacement order can be retried.", ReturnErrorCode.INVALID_TRANSITION)
        replacement.status = ReplacementOrder.Status.PENDING
        replacement.failure_reason = ""
        replacement.save()
        events.note_added_event(
            return_request=return_request, actor=actor, is_visible_to_customer=False,
            note=SystemNote("replacement_retried"),
        )
        replacement_id = str(replacement.pk)
        transaction.on_commit(lambda: tasks.create_replacement_order_task.delay(replacement_id))
    return replacement


def finish_replacement_order(*, replacement_id, order_id: str = "", order_number: str = "", error: str = "") -> None:
    with transaction.atomic():
        replacement = ReplacementOrder.objects.select_for_update().select_related("return_request").get(pk=replacement_id)
        if replacement.status == ReplacementOrder.Status.COMPLETED:
            return
        return_request = lock_return_request(replacement.return_request)
        if error:
            replacement.status = ReplacementOrder.Status.FAILED
            replacement.failure_reason = error[:2000]
            replacement.save()
            events.shipping_flagged_event(return_request=return_request, reason="replacement_failed", note=error)
            return
        replacement.status = ReplacementOrder.Status.COMPLETED
        replacement.saleor_order_id = order_id
        replacement.saleor_order_number = str(order_number)
        replacement.save()
        _refund_exchange_difference(replacement)
        transition(return_request, to=ReturnStatus.RESOLVED, actor=SYSTEM,
                   note=SystemNote("replacement_sent", order_number=str(order_number)))
        # Once per order placed: a retry that places a new one tells its number.
        message_actions.tell(return_request, MessageEvent.REPLACEMENT_PLACED, occurrence=str(order_number))


def returned_units_paid(return_request: ReturnRequest) -> Decimal:
    """What the customer paid for the units accepted back (an exchange's credit towards the new item)."""
    return sum(
        (line.unit_price_gross_amount * (line.accepted_quantity or 0) for line in return_request.lines.all()),
        Decimal(0),
    )


@dataclass(frozen=True)
class ReplacementPreview:
    """What sending an item instead of money would do: the new item, its price and who pays the difference."""

    resolution: str
    variant_id: str
    quantity: int
    new_items: Money
    returned_items: Money
    # new items minus returned items: positive, the customer pays it; negative, the shop refunds it.
    difference: Money

    @property
    def payer(self) -> str:
        if self.resolution == Resolution.REPLACEMENT or self.difference.amount == 0:
            return "nobody"
        return "customer" if self.difference.amount > 0 else "shop"

    def fingerprint(self) -> str:
        parts = [self.resolution, self.variant_id, str(self.quantity), str(self.new_items.amount),
                 str(self.returned_items.amount), self.difference.currency]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def replacement_plan(*, return_request: ReturnRequest, resolution: str) -> tuple[str, int]:
    """(variant, quantity) an EXCHANGE or REPLACEMENT would send; raises ValidationError as resolving would."""
    if resolution == Resolution.EXCHANGE:
        if return_request.kind != ReturnKind.EXCHANGE or not return_request.exchange_variant_id:
            raise invalid("resolution", "Only exchange requests with a chosen item are exchanged.",
                          ReturnErrorCode.INVALID_RESOLUTION)
        if return_request.status != ReturnStatus.INSPECTED:
            raise invalid("status", "Inspect the returned items first.", ReturnErrorCode.INVALID_TRANSITION)
        quantity = sum(line.accepted_quantity or 0 for line in return_request.lines.all())
        variant_id = return_request.exchange_variant_id
    else:
        if not return_request.is_claim:
            raise invalid("resolution", "Replacements resolve claims.", ReturnErrorCode.INVALID_RESOLUTION)
        if return_request.status != ReturnStatus.APPROVED:
            raise invalid("status", "Approve the claim first.", ReturnErrorCode.INVALID_TRANSITION)
        lines = [line for line in return_request.lines.all() if line.approved_quantity]
        if len(lines) != 1 or not lines[0].variant_id:
            raise invalid("lines", "A replacement is sent for one claimed item at a time.", ReturnErrorCode.INVALID)
        quantity, variant_id = lines[0].approved_quantity, lines[0].variant_id
    if quantity <= 0:
        raise invalid("lines", "No units were accepted, so there is nothing to send.", ReturnErrorCode.INVALID_QUANTITY)
    return variant_id, quantity


def replacement_preview(*, return_request: ReturnRequest, resolution: str, unit_price: Decimal | None) -> ReplacementPreview:
    """The preview of an exchange or replacement, `unit_price` being the new item's price in the order's channel.

    An exchange already under way shows the difference it recorded, so the
    preview never disagrees with what is being charged or refunded.
    """
    variant_id, quantity = replacement_plan(return_request=return_request, resolution=resolution)
    currency = return_request.currency
    existing = ReplacementOrder.objects.filter(return_request=return_request).first()
    if resolution == Resolution.REPLACEMENT:
        # The claimed item again, worth what was paid for it; nobody pays anything.
        line = next(line for line in return_request.lines.all() if line.approved_quantity)
        new_items = money(line.unit_price_gross_amount * quantity, currency)
        returned = new_items
    elif unit_price is None:
        raise invalid("resolution", "The new item is not sold in this order's channel.", ReturnErrorCode.INVALID_RESOLUTION)
    else:
        new_items = money(unit_price * quantity, currency)
        returned = money(returned_units_paid(return_request), currency)
    difference = money(new_items.amount - returned.amount, currency)
    if existing is not None and existing.price_difference is not None:
        difference = money(existing.price_difference, currency)
    return ReplacementPreview(
        resolution=resolution, variant_id=variant_id, quantity=quantity, new_items=new_items, returned_items=returned,
        difference=difference,
    )


def record_exchange_difference(*, replacement_id, difference: Decimal) -> Decimal:
    """Keep the price difference before any order is made, so every retry uses the same one."""
    replacement = ReplacementOrder.objects.select_related("return_request").get(pk=replacement_id)
    currency = replacement.return_request.currency
    ReplacementOrder.objects.filter(pk=replacement_id, price_difference__isnull=True).update(
        price_difference=quantize(difference, currency), currency=currency
    )
    return ReplacementOrder.objects.get(pk=replacement_id).price_difference


def await_replacement_payment(*, replacement_id, order_id: str, order_number: str) -> None:
    """The dearer item's order waits as a draft for the customer to pay the difference."""
    with transaction.atomic():
        replacement = ReplacementOrder.objects.select_for_update().select_related("return_request").get(pk=replacement_id)
        if replacement.status != ReplacementOrder.Status.PENDING:
            return
        replacement.status = ReplacementOrder.Status.AWAITING_PAYMENT
        replacement.saleor_order_id = order_id
        replacement.saleor_order_number = str(order_number)
        replacement.save()
        events.note_added_event(
            return_request=replacement.return_request, actor=SYSTEM, is_visible_to_customer=True,
            note=SystemNote("exchange_awaiting_payment", amount=replacement.price_difference,
                            currency=replacement.currency, order_number=str(order_number)),
        )
        # With what is left to pay; its payment, confirmed later, tells nothing more.
        message_actions.tell(replacement.return_request, MessageEvent.REPLACEMENT_PLACED,
                             occurrence=str(order_number))


def _locked_waiting_replacement(replacement_id) -> tuple[ReplacementOrder, ReturnRequest] | None:
    """Inside the caller's transaction: the replacement still waiting for payment, and its return, locked."""
    replacement = ReplacementOrder.objects.select_for_update().select_related("return_request").get(pk=replacement_id)
    if replacement.status != ReplacementOrder.Status.AWAITING_PAYMENT:
        return None
    return replacement, lock_return_request(replacement.return_request)


def confirm_replacement_paid(*, replacement_id, order_number: str) -> None:
    """Saleor says the dearer item's order is placed and paid in full: the exchange is done. Idempotent."""
    with transaction.atomic():
        waiting = _locked_waiting_replacement(replacement_id)
        if waiting is None:
            return
        replacement, return_request = waiting
        replacement.status = ReplacementOrder.Status.COMPLETED
        replacement.saleor_order_number = str(order_number or replacement.saleor_order_number)
        replacement.save()
        transition(return_request, to=ReturnStatus.RESOLVED, actor=SYSTEM,
                   note=SystemNote("exchange_paid", order_number=replacement.saleor_order_number))
    logger.info("Exchange order paid", extra={"return_request_id": str(return_request.pk)})


def fail_awaiting_replacement(*, replacement_id, error: str) -> None:
    """The order waiting for payment is gone: staff see why and can make a new one (retry)."""
    with transaction.atomic():
        waiting = _locked_waiting_replacement(replacement_id)
        if waiting is None:
            return
        replacement, return_request = waiting
        replacement.status = ReplacementOrder.Status.FAILED
        replacement.failure_reason = error[:2000]
        replacement.saleor_order_id = ""
        replacement.saleor_order_number = ""
        replacement.save()
        events.shipping_flagged_event(return_request=return_request, reason="replacement_failed", note=error)


def confirm_replacement_payments(*, installation, order_id: str) -> None:
    """Saleor says an order is paid: each exchange waiting on it is confirmed from Saleor, in a task."""
    waiting = ReplacementOrder.objects.filter(
        return_request__installation=installation,
        saleor_order_id=order_id,
        status=ReplacementOrder.Status.AWAITING_PAYMENT,
    ).values_list("pk", flat=True)
    for replacement_id in waiting:
        tasks.confirm_replacement_payment_task.delay(str(replacement_id))


def _refund_exchange_difference(replacement: ReplacementOrder) -> None:
    """A cheaper new item: the difference goes back to the original payment (caller holds the lock)."""
    amount = -(replacement.price_difference or Decimal(0))
    if amount <= 0 or Refund.objects.filter(return_request=replacement.return_request).exists():
        return
    preview = {"lines": [], "shipping_refunded": False, "currency": replacement.currency, "total": str(amount)}
    refunds.start_refund(
        return_request=replacement.return_request, kind=Refund.Kind.ORIGINAL_PAYMENT, currency=replacement.currency,
        amount=amount, preview=preview, fingerprint=hashlib.sha256(json.dumps(preview, sort_keys=True).encode()).hexdigest(),
        actor=SYSTEM,
    )
