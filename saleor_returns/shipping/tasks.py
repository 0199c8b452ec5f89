"""Shipping's outside calls: buy and void labels, register trackers, book pickups, and apply
the stored tracking events. Carrier outages are retried like Saleor's."""

import logging
from decimal import Decimal

from celery import shared_task
from django.utils import timezone

from saleor_returns.carriers.shipments import Address, Label, Parcel
from saleor_returns.carriers.errors import CarrierRejected, CarrierUnavailable, NotSupported
from saleor_returns.carriers.registry import get_carrier
from saleor_returns.models import CarrierWebhookEvent, ReturnAddress, ReturnShipment
from saleor_returns.money import Money
from saleor_returns.saleor.client import SaleorClient, SaleorUnavailable
from saleor_returns.shipping import actions
from saleor_returns.task_schedule import RETRY_OPTIONS, release_task_schedule

logger = logging.getLogger(__name__)


CARRIER_RETRY_OPTIONS = dict(RETRY_OPTIONS, autoretry_for=(CarrierUnavailable, SaleorUnavailable))


def _carrier_for(shipment):
    account = shipment.carrier_account
    return get_carrier(account.provider, account.credentials)


# What staff read on a label given up after its last retry (the carrier's or Saleor's own words are logged).
CARRIER_GIVEN_UP = "The carrier could not be reached after several attempts; buy the label again later."
SALEOR_GIVEN_UP = "Saleor could not be reached after several attempts; buy the label again later."


@shared_task(bind=True, name="saleor_returns.create_label", **CARRIER_RETRY_OPTIONS)
def create_label_task(self, shipment_id: str) -> None:
    """Buy the return label, retrying outages. After the last retry the label is marked failed, so
    the customer is told how to send the parcel without it and staff see why."""
    try:
        _create_label(shipment_id)
    except (CarrierUnavailable, SaleorUnavailable) as error:
        if self.request.retries < self.max_retries:
            raise
        logger.warning("Return label given up after retries", extra={"shipment_id": str(shipment_id), "error": str(error)})
        message = CARRIER_GIVEN_UP if isinstance(error, CarrierUnavailable) else SALEOR_GIVEN_UP
        actions.record_label_failure(shipment_id=shipment_id, message=message)


def _create_label(shipment_id: str) -> None:
    """Resumes a purchase a crash interrupted (the provider shipment id is kept first)."""
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
    release_task_schedule(actions.APPLY_EVENTS_SCHEDULE)
    pending = CarrierWebhookEvent.objects.filter(status=CarrierWebhookEvent.Status.PENDING).order_by("occurred_at", "received_at")
    for event_id in pending.values_list("pk", flat=True)[:5000]:
        actions.apply_carrier_event(event_id=event_id)


@shared_task(name="saleor_returns.flag_stale_shipments")
def flag_stale_shipments_task() -> None:
    actions.flag_stale_shipments()


@shared_task(name="saleor_returns.expire_unshipped_returns")
def expire_unshipped_returns_task() -> None:
    actions.expire_unshipped_returns()


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
