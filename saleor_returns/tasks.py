"""Celery tasks: each takes ids, re-reads its rows, is safe to run twice and
calls one action. Queued after commit by the actions.

Outside calls fail in two ways: SaleorUnavailable (timeouts, 5xx, network) is
retried with exponential backoff; anything else (4xx, bad data) is not.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from celery import shared_task
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from saleor_returns import actions, policies
from saleor_returns.carriers.errors import CarrierRejected, CarrierUnavailable, NotSupported
from saleor_returns.carriers.shipments import Address, Label, Parcel
from saleor_returns.carriers.registry import get_carrier
from saleor_returns.counters import CounterCache
from saleor_returns.models import (
    CarrierWebhookEvent,
    Installation,
    Refund,
    ReplacementOrder,
    ReturnAddress,
    ReturnKind,
    ReturnRequest,
    ReturnShipment,
    SaleorWebhookDelivery,
)
from saleor_returns.saleor import auth, staff
from saleor_returns.saleor.variants import variant_unit_price
from saleor_returns.money import Money, money_from_saleor, quantize
from saleor_returns.saleor.client import SaleorClient, SaleorError, SaleorMutationError, SaleorUnavailable
from saleor_returns.states import ReturnStatus
from saleor_returns.webhooks.saleor import handlers

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": (SaleorUnavailable,),
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="saleor_returns.refresh_installation", **RETRY_OPTIONS)
def refresh_installation_task(installation_id: str) -> None:
    """Fetch and keep the shop's JWKS, so the first webhook verifies without a fetch."""
    installation = Installation.objects.filter(pk=installation_id, is_active=True).first()
    if installation is None:
        return
    auth.refresh_jwks(installation)


@shared_task(name="saleor_returns.sync_saleor_webhooks", **RETRY_OPTIONS)
def sync_saleor_webhooks_task(installation_id: str) -> None:
    """Bring the shop's webhooks in Saleor to what the manifest asks for now.

    Saleor keeps the subscriptions an installation was made with: those of an
    older version lack `recipient`, so their deliveries would be refused. Each
    webhook is found by its name (then its URL), rewritten only where it differs,
    and made when missing; running it again changes nothing.
    """
    # The manifest lists the webhook handlers, which queue these tasks: imported when run.
    from saleor_returns.saleor.manifest import build_manifest  # noqa: PLC0415

    installation = Installation.objects.filter(pk=installation_id, is_active=True).first()
    if installation is None:
        return
    client = SaleorClient.for_installation(installation)
    existing = (client.query("AppWebhooks").get("app") or {}).get("webhooks") or []
    for wanted in build_manifest()["webhooks"]:
        hook = next((h for h in existing if h["name"] == wanted["name"]), None) or next(
            (h for h in existing if h["targetUrl"] == wanted["targetUrl"]), None
        )
        if hook is None:
            client.mutate("WebhookCreate", {"input": {
                "name": wanted["name"], "targetUrl": wanted["targetUrl"], "asyncEvents": wanted["asyncEvents"],
                "query": wanted["query"], "isActive": True,
            }})
            logger.info("Saleor webhook created", extra={"saleor_api_url": installation.saleor_api_url})
            continue
        events = sorted(event["eventType"] for event in hook.get("asyncEvents") or [])
        if (hook["subscriptionQuery"], hook["targetUrl"], events) != (
            wanted["query"], wanted["targetUrl"], sorted(wanted["asyncEvents"])
        ):
            client.mutate("WebhookUpdate", {"id": hook["id"], "input": {
                "name": wanted["name"], "targetUrl": wanted["targetUrl"], "asyncEvents": wanted["asyncEvents"],
                "query": wanted["query"],
            }})
            logger.info("Saleor webhook updated", extra={"saleor_api_url": installation.saleor_api_url})


@shared_task(name="saleor_returns.sync_all_saleor_webhooks")
def sync_all_saleor_webhooks_task() -> None:
    """Beat: every active shop's webhooks checked against the manifest."""
    for installation_id in Installation.objects.filter(is_active=True).values_list("pk", flat=True):
        sync_saleor_webhooks_task.delay(str(installation_id))


@shared_task(name="saleor_returns.check_api_key_creators_of", **RETRY_OPTIONS)
def check_api_key_creators_of_task(installation_id: str) -> None:
    """Revoke the shop's API keys whose creator left, was deactivated or lost a permission the key holds."""
    installation = Installation.objects.filter(pk=installation_id, is_active=True).first()
    if installation is not None:
        staff.check_key_creators(installation)


@shared_task(name="saleor_returns.check_api_key_creators")
def check_api_key_creators_task() -> None:
    """Beat: every shop with live API keys has their creators checked in Saleor."""
    shops = (
        Installation.objects.filter(is_active=True, api_keys__revoked_at__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    for installation_id in shops:
        check_api_key_creators_of_task.delay(str(installation_id))


@shared_task(name="saleor_returns.delete_expired_counters")
def delete_expired_counters_task() -> None:
    """Beat: rate-limit counters past their window, when they live in PostgreSQL."""
    limits = caches["limits"]
    if isinstance(limits, CounterCache):
        limits.delete_expired()


@shared_task(name="saleor_returns.apply_saleor_webhook", **RETRY_OPTIONS)
def apply_saleor_webhook_task(delivery_id: str) -> None:
    """Apply a stored Saleor webhook once."""
    delivery = SaleorWebhookDelivery.objects.select_related("installation").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != SaleorWebhookDelivery.Status.PENDING:
        return
    handler = handlers.get(delivery.event)
    if handler is None:
        actions.finish_saleor_webhook(delivery_id=delivery.pk, status=SaleorWebhookDelivery.Status.IGNORED)
        return
    applied = handler(delivery)
    actions.finish_saleor_webhook(
        delivery_id=delivery.pk,
        status=SaleorWebhookDelivery.Status.APPLIED if applied else SaleorWebhookDelivery.Status.IGNORED,
    )


@shared_task(name="saleor_returns.review_return_request", **RETRY_OPTIONS)
def review_return_request_task(return_request_id: str) -> None:
    """Auto-review a new request; asks Saleor for the customer's order count when a rule needs it."""
    return_request = ReturnRequest.objects.select_related("installation", "policy").filter(pk=return_request_id).first()
    if return_request is None or return_request.status != ReturnStatus.REQUESTED:
        return
    rules = policies.PolicyRules.from_json(return_request.policy.rules)
    rate = None
    if rules.auto_approval.enabled and rules.auto_approval.max_customer_return_rate is not None:
        rate = customer_return_rate(return_request)
    actions.review_return_request(return_request_id=return_request.pk, customer_return_rate=rate)


def customer_return_rate(return_request) -> Decimal | None:
    """Earlier return requests per order placed, for this customer in this shop (None if unknown)."""
    if not return_request.customer_email:
        return None
    data = SaleorClient.for_installation(return_request.installation).query(
        "CustomerOrderCount", {"customer": return_request.customer_email}
    )
    orders = (data.get("orders") or {}).get("totalCount") or 0
    if orders == 0:
        return None
    returns = actions.customer_return_stats(
        installation=return_request.installation,
        customer_email=return_request.customer_email,
        customer_user_id=return_request.customer_user_id,
        exclude_id=return_request.pk,
    )
    return (Decimal(returns) / Decimal(orders)).quantize(Decimal("0.0001"))


CARRIER_RETRY_OPTIONS = dict(RETRY_OPTIONS, autoretry_for=(CarrierUnavailable, SaleorUnavailable))


def _carrier_for(shipment):
    account = shipment.carrier_account
    return get_carrier(account.provider, account.credentials)


@shared_task(name="saleor_returns.create_label", **CARRIER_RETRY_OPTIONS)
def create_label_task(shipment_id: str) -> None:
    """Buy the return label. Resumes a purchase a crash interrupted (the provider shipment id is kept first)."""
    shipment = ReturnShipment.objects.select_related("carrier_account", "return_request__installation").filter(
        pk=shipment_id
    ).first()
    if shipment is None or shipment.label_status != ReturnShipment.LabelStatus.PENDING or shipment.carrier_account is None:
        return
    return_request = shipment.return_request
    to_address = return_address_for(return_request)
    if to_address is None:
        actions.record_label_failure(shipment_id=shipment.pk, message="The shop has no return address.")
        return
    from_address = customer_address(return_request)
    if from_address is None:
        actions.record_label_failure(shipment_id=shipment.pk, message="The order has no shipping address.")
        return
    try:
        label = _carrier_for(shipment).create_return_label(
            from_address=from_address,
            to_address=to_address,
            parcel=Parcel(weight=Decimal("1000")),
            reference=return_request.rma_number,
            idempotency_key=f"return-label-{shipment.pk}",
            shipment_id=shipment.provider_shipment_id or None,
            on_shipment_created=lambda provider_id: actions.record_shipment_id(
                shipment_id=shipment.pk, provider_shipment_id=provider_id
            ),
        )
    except CarrierRejected as error:
        actions.record_label_failure(shipment_id=shipment.pk, message=str(error))
        return
    actions.record_label(shipment_id=shipment.pk, label=label)


def return_address_for(return_request) -> Address | None:
    address = (
        ReturnAddress.objects.filter(installation_id=return_request.installation_id)
        .order_by("-is_default", "warehouse_id")
        .first()
    )
    if address is None:
        return None
    return Address(
        name=address.name, company=address.company, street1=address.street1, street2=address.street2, city=address.city,
        state=address.state, zip=address.zip, country=address.country, phone=address.phone, email=address.email,
    )


def customer_address(return_request) -> Address | None:
    data = SaleorClient.for_installation(return_request.installation).query(
        "OrderShippingAddress", {"id": return_request.order_id}
    )
    order = data.get("order") or {}
    raw = order.get("shippingAddress")
    if not raw:
        return None
    return Address(
        name=" ".join(part for part in (raw.get("firstName"), raw.get("lastName")) if part) or return_request.customer_email,
        company=raw.get("companyName") or "",
        street1=raw.get("streetAddress1") or "",
        street2=raw.get("streetAddress2") or "",
        city=raw.get("city") or "",
        state=raw.get("countryArea") or "",
        zip=raw.get("postalCode") or "",
        country=((raw.get("country") or {}).get("code")) or "",
        phone=raw.get("phone") or "",
        email=order.get("userEmail") or return_request.customer_email,
    )


@shared_task(name="saleor_returns.void_label", **CARRIER_RETRY_OPTIONS)
def void_label_task(shipment_id: str) -> None:
    """A canceled return's unused label is voided so the shop is not charged for it."""
    shipment = ReturnShipment.objects.select_related("carrier_account").filter(pk=shipment_id).first()
    if shipment is None or shipment.label_status != ReturnShipment.LabelStatus.CREATED or shipment.first_scan_at:
        return
    if shipment.carrier_account is None or not shipment.label_id:
        return
    try:
        voided = _carrier_for(shipment).void_label(shipment.label_id)
    except (CarrierRejected, NotSupported):
        voided = False
    if voided:
        actions.record_label_voided(shipment_id=shipment.pk)


@shared_task(name="saleor_returns.register_tracker", **CARRIER_RETRY_OPTIONS)
def register_tracker_task(shipment_id: str) -> None:
    """Ask the provider to send tracking webhooks for a customer's own tracking number."""
    shipment = ReturnShipment.objects.select_related("carrier_account").filter(pk=shipment_id).first()
    if shipment is None or shipment.tracker_id or shipment.carrier_account is None:
        return
    try:
        tracker_id = _carrier_for(shipment).register_tracker(
            tracking_number=shipment.tracking_number, carrier=shipment.carrier
        )
    except (CarrierRejected, NotSupported):
        logger.warning("Tracker not registered", extra={"return_shipment_id": str(shipment.pk)})
        return
    ReturnShipment.objects.filter(pk=shipment.pk).update(tracker_id=tracker_id[:128])


@shared_task(name="saleor_returns.apply_pending_carrier_events", **RETRY_OPTIONS)
def apply_pending_carrier_events_task() -> None:
    """Apply every stored tracking event not applied yet, oldest first.

    Clearing the schedule mark first means an event stored while this runs
    schedules the next run, so none waits for the periodic sweep.
    """
    actions.release_task_schedule(actions.APPLY_EVENTS_SCHEDULE)
    pending = CarrierWebhookEvent.objects.filter(status=CarrierWebhookEvent.Status.PENDING).order_by("occurred_at", "received_at")
    for event_id in pending.values_list("pk", flat=True)[:5000]:
        actions.apply_carrier_event(event_id=event_id)


@shared_task(name="saleor_returns.flag_stale_shipments")
def flag_stale_shipments_task() -> None:
    actions.flag_stale_shipments()


@shared_task(name="saleor_returns.expire_unshipped_returns")
def expire_unshipped_returns_task() -> None:
    actions.expire_unshipped_returns()


@shared_task(name="saleor_returns.delete_unattached_evidence")
def delete_unattached_evidence_task() -> None:
    actions.delete_unattached_evidence()


# --------------------------------------------------------------------------- refunds

# A granted refund Saleor reports as paid, refused, or still with the payment app.
GRANT_DONE, GRANT_FAILED = "SUCCESS", "FAILURE"


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
        refund = actions.record_refund_progress(refund_id=refund.pk, attempts=refund.attempts + 1)
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
        actions.record_refund_progress(
            refund_id=refund.pk, gift_card_id=card["id"], gift_card_last4=card.get("last4CodeChars") or ""
        )
    actions.finish_refund(refund_id=refund.pk, succeeded=True)


GIFT_CARD_MARKER_KEY = "saleor-returns.refund"


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
    """The transaction that can take the refund: the one charged most, if it covers the amount."""
    candidates = []
    for transaction_item in order.get("transactions") or []:
        charged = money_from_saleor(transaction_item["chargedAmount"]).amount
        if charged >= amount:
            candidates.append((charged, transaction_item))
    return max(candidates, key=lambda pair: pair[0])[1] if candidates else None


def _refund_original_payment(task, client: SaleorClient, refund) -> None:
    return_request = refund.return_request
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
            actions.finish_refund(refund_id=refund.pk, succeeded=False,
                                  reason="No payment on the order covers this amount.")
            return
        preview = refund.preview
        try:
            grant = client.mutate(
                "GrantRefund",
                {
                    "orderId": return_request.order_id,
                    "input": {
                        "transactionId": transaction_item["id"],
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
        except SaleorMutationError as error:
            actions.finish_refund(refund_id=refund.pk, succeeded=False, reason=str(error))
            return
        refund = actions.record_refund_progress(
            refund_id=refund.pk, saleor_granted_refund_id=grant["id"], saleor_transaction_id=transaction_item["id"]
        )
    elif not refund.saleor_granted_refund_id:
        refund = actions.record_refund_progress(
            refund_id=refund.pk, saleor_granted_refund_id=grant["id"],
            saleor_transaction_id=(grant.get("transaction") or {}).get("id", ""),
        )
    status = grant.get("status")
    if status == GRANT_DONE:
        actions.finish_refund(refund_id=refund.pk, succeeded=True)
        return
    if status in ("NONE", GRANT_FAILED) and refund.refund_requested_at is None:
        try:
            client.mutate(
                "RequestGrantedRefund",
                {"grantedRefundId": refund.saleor_granted_refund_id, "transactionId": refund.saleor_transaction_id},
            )
        except SaleorMutationError as error:
            if not error.codes & {"REFUND_ALREADY_PROCESSED", "REFUND_IS_PENDING"}:
                actions.finish_refund(refund_id=refund.pk, succeeded=False, reason=str(error))
                return
        refund = actions.record_refund_progress(refund_id=refund.pk, refund_requested_at=timezone.now())
    confirm_refund(refund)


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
        refund = actions.record_refund_progress(
            refund_id=refund.pk, kind=Refund.Kind.LEGACY_PAYMENT, legacy_refund_events_before=[e["id"] for e in own]
        )
    elif refund.legacy_refund_events_before is not None:
        before = set(refund.legacy_refund_events_before)
        amount = quantize(refund.amount, refund.currency)
        if any(e["id"] not in before and e.get("amount") is not None
               and quantize(Decimal(str(e["amount"])), refund.currency) == amount for e in own):
            actions.finish_refund(refund_id=refund.pk, succeeded=True)
            return
    elif money_from_saleor(order["totalRefunded"]).amount >= refund.legacy_refunded_before + refund.amount:
        # Started before the app noted its events: the order's refunded total is all there is to go by.
        actions.finish_refund(refund_id=refund.pk, succeeded=True)
        return
    try:
        client.mutate("LegacyRefund", {"orderId": refund.return_request.order_id, "amount": str(refund.amount)})
    except SaleorMutationError as error:
        actions.finish_refund(refund_id=refund.pk, succeeded=False, reason=str(error))
        return
    actions.finish_refund(refund_id=refund.pk, succeeded=True)


def confirm_refund(refund) -> None:
    """Read the outcome from Saleor. When the payment app has not answered yet, the refund stays
    processing: ORDER_REFUNDED and the periodic reconciliation look again."""
    client = SaleorClient.for_installation(refund.return_request.installation)
    grant = _find_grant(_refund_state(client, refund), refund)
    status = (grant or {}).get("status")
    if status == GRANT_DONE:
        actions.finish_refund(refund_id=refund.pk, succeeded=True)
    elif status == GRANT_FAILED:
        reason = _failure_message(grant)
        actions.finish_refund(refund_id=refund.pk, succeeded=False, reason=reason)


def _failure_message(grant: dict) -> str:
    messages = [event.get("message") for event in grant.get("transactionEvents") or [] if event.get("type") == "REFUND_FAILURE"]
    return next((message for message in reversed(messages) if message), "The payment provider refused the refund.")


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


# --------------------------------------------------------------------------- Saleor's own records of the return

ORDER_METADATA_PREFIX = "saleor-returns."


@shared_task(name="saleor_returns.sync_order_metadata", **RETRY_OPTIONS)
def sync_order_metadata_task(return_request_id: str) -> None:
    """The order's public metadata carries each return's number and status, for Saleor's own screens."""
    return_request = ReturnRequest.objects.select_related("installation").filter(pk=return_request_id).first()
    if return_request is None or not return_request.installation.is_active:
        return
    SaleorClient.for_installation(return_request.installation).mutate(
        "UpdateMetadata",
        {
            "id": return_request.order_id,
            "input": [{"key": ORDER_METADATA_PREFIX + return_request.rma_number, "value": return_request.status}],
        },
    )


@shared_task(name="saleor_returns.record_return_in_saleor", **RETRY_OPTIONS)
def record_return_in_saleor_task(return_request_id: str) -> None:
    """Mark the accepted units returned in Saleor (a RETURNED fulfillment, no Saleor refund) and
    restock what the inspection sends back to a warehouse; Saleor never restocks returns itself."""
    return_request = ReturnRequest.objects.select_related("installation").filter(pk=return_request_id).first()
    if return_request is None:
        return
    client = SaleorClient.for_installation(return_request.installation)
    marker = f"saleor-returns:{return_request.pk}"
    if not return_request.saleor_return_fulfillment_id:
        _return_lines_in_saleor(client, return_request, marker)
    for line in return_request.lines.filter(disposition="restock", restocked_at__isnull=True, accepted_quantity__gt=0):
        _restock(client, line)


def _return_lines_in_saleor(client, return_request, marker: str) -> None:
    order = client.query("OrderReturnFulfillments", {"id": return_request.order_id}).get("order") or {}
    fulfillments = order.get("fulfillments") or []
    done = next((f for f in fulfillments if marker in (f.get("reason") or "")), None)
    if done is None:
        wanted = {line.order_line_id: line.accepted_quantity for line in return_request.lines.all() if line.accepted_quantity}
        fulfillment_lines = []
        for fulfillment in fulfillments:
            if fulfillment["status"] != "FULFILLED":
                continue
            for item in fulfillment.get("lines") or []:
                order_line_id = (item.get("orderLine") or {}).get("id")
                take = min(wanted.get(order_line_id, 0), item["quantity"])
                if take > 0:
                    fulfillment_lines.append({"fulfillmentLineId": item["id"], "quantity": take, "replace": False,
                                              "reason": return_request.rma_number})
                    wanted[order_line_id] -= take
        if not fulfillment_lines:
            logger.warning("Nothing left to mark returned in Saleor", extra={"return_request_id": str(return_request.pk)})
            return
        result = client.mutate(
            "ReturnOrderLines",
            {"orderId": return_request.order_id,
             "input": {"fulfillmentLines": fulfillment_lines, "refund": False, "reason": f"{return_request.rma_number} ({marker})"}},
        )
        done = result["orderFulfillmentReturnProducts"]["returnFulfillment"]
    client.mutate("UpdateMetadata", {"id": done["id"], "input": [{"key": policies.FULFILLMENT_RMA_KEY, "value": return_request.rma_number}]})
    actions.record_saleor_return(return_request_id=return_request.pk, fulfillment_id=done["id"])


def _restock(client, line) -> None:
    if line.restock_target_quantity is None:
        variant = client.query("VariantStocks", {"id": line.variant_id}).get("productVariant")
        if variant is None:
            logger.warning("Variant gone; nothing restocked", extra={"return_line_id": str(line.pk)})
            return
        current = next((s["quantity"] for s in variant["stocks"] if s["warehouse"]["id"] == line.restock_warehouse_id), 0)
        line = actions.record_restock_target(line_id=line.pk, target=current + line.accepted_quantity)
    client.mutate(
        "VariantStocksUpdate",
        {"variantId": line.variant_id, "stocks": [{"warehouse": line.restock_warehouse_id, "quantity": line.restock_target_quantity}]},
    )
    actions.record_restocked(line_id=line.pk)


@shared_task(name="saleor_returns.schedule_pickup", **CARRIER_RETRY_OPTIONS)
def schedule_pickup_task(shipment_id: str) -> None:
    """Book the carrier pickup the customer chose (providers without pickups answer NotSupported)."""
    shipment = ReturnShipment.objects.select_related("carrier_account", "return_request__installation").filter(
        pk=shipment_id
    ).first()
    if shipment is None or shipment.pickup_id or shipment.pickup_requested_from is None or shipment.carrier_account is None:
        return
    address = customer_address(shipment.return_request)
    if address is None:
        actions.record_pickup(shipment_id=shipment.pk, error="The order has no shipping address.")
        return
    label = Label(
        provider=shipment.carrier_account.provider, label_id=shipment.label_id, shipment_id=shipment.provider_shipment_id,
        tracking_number=shipment.tracking_number, carrier=shipment.carrier, service="", label_url=shipment.label_url,
        label_format=shipment.label_format or "PDF", cost=Money(shipment.cost_amount or Decimal(0), shipment.currency or "USD"),
        created_at=shipment.label_created_at or timezone.now(),
    )
    try:
        pickup = _carrier_for(shipment).schedule_pickup(
            label=label, address=address, min_datetime=shipment.pickup_requested_from,
            max_datetime=shipment.pickup_requested_to, instructions=shipment.pickup_instructions,
            reference=shipment.return_request.rma_number,
        )
    except (CarrierRejected, NotSupported) as error:
        actions.record_pickup(shipment_id=shipment.pk, error=str(error))
        return
    actions.record_pickup(shipment_id=shipment.pk, pickup=pickup)


@shared_task(name="saleor_returns.create_replacement_order", **RETRY_OPTIONS)
def create_replacement_order_task(replacement_id: str) -> None:
    """Create and complete the no-charge order; a retry finds the draft by its external reference."""
    replacement = ReplacementOrder.objects.select_related("return_request__installation").filter(pk=replacement_id).first()
    if replacement is None or replacement.status != ReplacementOrder.Status.PENDING:
        return
    return_request = replacement.return_request
    client = SaleorClient.for_installation(return_request.installation)
    order = client.query("OrdersByExternalReference", {"reference": replacement.marker}).get("order")
    if order is None:
        original = client.query("OrderForReplacement", {"id": return_request.order_id}).get("order")
        if original is None:
            actions.finish_replacement_order(replacement_id=replacement.pk, error="The original order is gone from Saleor.")
            return
        unit_price = "0"
        if return_request.kind == ReturnKind.EXCHANGE:
            difference = _exchange_difference(client, replacement, original["channel"]["id"])
            if difference is None:
                actions.finish_replacement_order(replacement_id=replacement.pk,
                                                 error="The chosen item is not sold in this channel.")
                return
            # The customer pays a dearer item's difference; never more than that, never without paying.
            if difference > 0:
                unit_price = str(quantize(difference / replacement.quantity, return_request.currency))
        delivery = original.get("deliveryMethod") or {}
        draft_input = {
            "channelId": original["channel"]["id"],
            "externalReference": replacement.marker,
            "shippingAddress": _address_input(original.get("shippingAddress")),
            "billingAddress": _address_input(original.get("billingAddress")),
            "shippingMethod": delivery.get("id") if delivery.get("__typename") == "ShippingMethod" else None,
            # No charge: the returned item (or the claim) pays for it.
            "lines": [{"variantId": replacement.variant_id, "quantity": replacement.quantity, "price": unit_price}],
            "metadata": [{"key": "saleor-returns.rma", "value": return_request.rma_number}],
        }
        if (original.get("user") or {}).get("id"):
            draft_input["user"] = original["user"]["id"]
        else:
            draft_input["userEmail"] = original.get("userEmail") or return_request.customer_email
        try:
            order = client.mutate("DraftOrderCreate", {"input": {k: v for k, v in draft_input.items() if v is not None}})[
                "draftOrderCreate"]["order"]
        except SaleorMutationError as error:
            actions.finish_replacement_order(replacement_id=replacement.pk, error=str(error))
            return
    replacement.refresh_from_db()
    if order["status"] == "DRAFT":
        try:
            order = _waive_new_parcel_shipping(client, replacement, order)
        except SaleorMutationError as error:
            actions.finish_replacement_order(replacement_id=replacement.pk, error=str(error))
            return
    # What Saleor says the new order costs decides: the difference of a dearer item, and
    # the shipping when the shop charges it, are the customer's to pay; never charged here.
    if order["status"] == "DRAFT" and money_from_saleor(order["total"]["gross"]).amount > 0:
        actions.await_replacement_payment(replacement_id=replacement.pk, order_id=order["id"], order_number=order["number"])
        return
    if order["status"] == "DRAFT":
        try:
            order = client.mutate("DraftOrderComplete", {"id": order["id"]})["draftOrderComplete"]["order"]
        except SaleorMutationError as error:
            actions.finish_replacement_order(replacement_id=replacement.pk, error=str(error))
            return
    actions.finish_replacement_order(replacement_id=replacement.pk, order_id=order["id"], order_number=order["number"])


@shared_task(name="saleor_returns.confirm_replacement_payment", **RETRY_OPTIONS)
def confirm_replacement_payment_task(replacement_id: str) -> None:
    """A dearer exchange's order: resolve the return once Saleor says it is placed and paid in full.

    Run on ORDER_FULLY_PAID and by beat (a webhook may be lost, or the shop installed
    the app before it asked for that event). A draft deleted in Saleor fails the
    replacement, so staff can make a new one with returnReplacementRetry.
    """
    replacement = ReplacementOrder.objects.select_related("return_request__installation").filter(pk=replacement_id).first()
    if replacement is None or replacement.status != ReplacementOrder.Status.AWAITING_PAYMENT:
        return
    client = SaleorClient.for_installation(replacement.return_request.installation)
    order = client.query("OrderPaymentState", {"id": replacement.saleor_order_id}).get("order")
    if order is None:
        actions.fail_awaiting_replacement(
            replacement_id=replacement.pk, error="The exchange order waiting for payment is gone from Saleor."
        )
        return
    if order["status"] != "DRAFT" and order["chargeStatus"] in ("FULL", "OVERCHARGED"):
        actions.confirm_replacement_paid(replacement_id=replacement.pk, order_number=str(order["number"]))


@shared_task(name="saleor_returns.reconcile_replacement_payments")
def reconcile_replacement_payments_task() -> None:
    """Beat: every exchange order waiting for payment is looked at in Saleor again."""
    waiting = ReplacementOrder.objects.filter(status=ReplacementOrder.Status.AWAITING_PAYMENT).values_list("pk", flat=True)
    for replacement_id in waiting:
        confirm_replacement_payment_task.delay(str(replacement_id))


def _waive_new_parcel_shipping(client: SaleorClient, replacement, order: dict) -> dict:
    """The new parcel's shipping off a draft, unless the policy charges it (exchanges only).

    Saleor needs a shipping method to complete a shippable draft and prices it in;
    a manual discount of exactly the shipping leaves the order costing its lines:
    the price difference of a dearer item, or nothing. Idempotent: a draft found
    again after a lost answer already costs its lines, and nothing is added twice.
    """
    return_request = replacement.return_request
    rules = policies.PolicyRules.from_json(return_request.policy.rules)
    if return_request.kind == ReturnKind.EXCHANGE and rules.exchange_shipping_charged:
        return order
    total = money_from_saleor(order["total"]["gross"])
    difference = replacement.price_difference or Decimal(0)
    unit_price = quantize(difference / replacement.quantity, total.currency) if difference > 0 else Decimal(0)
    shipping = total.amount - unit_price * replacement.quantity
    if shipping <= 0:
        return order
    result = client.mutate("OrderDiscountAdd", {"orderId": order["id"], "input": {
        "valueType": "FIXED", "value": str(shipping), "reason": f"{return_request.rma_number}: free shipping",
    }})
    return result["orderDiscountAdd"]["order"]


def _exchange_difference(client: SaleorClient, replacement, channel_id: str) -> Decimal | None:
    """New item's price minus what was paid for the returned units (kept on the row before any order)."""
    if replacement.price_difference is not None:
        return replacement.price_difference
    unit_price = variant_unit_price(None, replacement.variant_id, channel_id, client=client)
    if unit_price is None:
        return None
    difference = unit_price * replacement.quantity - actions.returned_units_paid(replacement.return_request)
    return actions.record_exchange_difference(replacement_id=replacement.pk, difference=difference)


def _address_input(address: dict | None) -> dict | None:
    if not address:
        return None
    fields = ("firstName", "lastName", "companyName", "streetAddress1", "streetAddress2", "city", "cityArea",
              "postalCode", "countryArea", "phone")
    result = {name: address.get(name) or "" for name in fields}
    result["country"] = (address.get("country") or {}).get("code")
    return result
