"""The parcel coming back: shipments, their tracking, and claims against the carrier."""

import graphene

from saleor_returns.api.loading import prefetched
from saleor_returns.api.types.common import Money, global_id, is_staff, money
from saleor_returns.models import CarrierAccount, Resolution
from saleor_returns.models import ReturnAddress as ReturnAddressModel
from saleor_returns.return_links import return_link


class ReturnShipment(graphene.ObjectType):
    id = graphene.ID(required=True)
    method = graphene.String(required=True, description="label (bought by the shop) or self_ship.")
    carrier = graphene.String(required=True)
    tracking_number = graphene.String(required=True)
    tracking_status = graphene.String(description="Normalized: label_created, in_transit, delivered, exception, ...")
    label_status = graphene.String(required=True)
    label_url = graphene.String()
    label_format = graphene.String()
    qr_code_url = graphene.String(description="For carriers that take a QR code at the drop-off point.")
    cost = graphene.Field(Money, description="Staff only: what the label cost the shop.")
    last_event_at = graphene.DateTime()
    delivered_at = graphene.DateTime()
    flagged_reason = graphene.String(description="Staff only: why the parcel needs attention.")
    pickup_confirmation = graphene.String(description="The carrier's confirmation of a booked pickup.")
    pickup_error = graphene.String(description="Why a requested pickup could not be booked.")

    def resolve_pickup_confirmation(shipment, info):
        return shipment.pickup_confirmation or None

    def resolve_pickup_error(shipment, info):
        return shipment.pickup_error or None
    events = graphene.List(graphene.NonNull(lambda: TrackingEventType), required=True)

    def resolve_id(shipment, info):
        return global_id("ReturnShipment", shipment.pk)

    def resolve_tracking_status(shipment, info):
        return shipment.tracking_status or None

    def resolve_label_url(shipment, info):
        return shipment.label_url or None

    def resolve_label_format(shipment, info):
        return shipment.label_format or None

    def resolve_qr_code_url(shipment, info):
        return shipment.qr_code_url or None

    def resolve_cost(shipment, info):
        if not is_staff(info) or shipment.cost_amount is None:
            return None
        return money(shipment.cost_amount, shipment.currency)

    def resolve_flagged_reason(shipment, info):
        return (shipment.flagged_reason or None) if is_staff(info) else None

    def resolve_events(shipment, info):
        return prefetched(shipment, "events")


class TrackingEventType(graphene.ObjectType):
    class Meta:
        name = "TrackingEvent"

    status = graphene.String(required=True)
    occurred_at = graphene.DateTime(required=True)
    message = graphene.String(required=True)
    location = graphene.String(required=True)

    def resolve_status(event, info):
        return event.tracking_status


class CarrierClaim(graphene.ObjectType):
    id = graphene.ID(required=True)
    carrier = graphene.String(required=True)
    reference = graphene.String(required=True)
    amount = graphene.Field(Money, required=True)
    status = graphene.String(required=True)
    note = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)

    def resolve_id(claim, info):
        return global_id("CarrierClaim", claim.pk)

    def resolve_amount(claim, info):
        return money(claim.amount, claim.currency)


class ReturnAddress(graphene.ObjectType):
    """Where returned parcels go: one address per warehouse, or the shop's only one."""

    warehouse_id = graphene.ID(description="Saleor's Warehouse id; null for the shop's only address.")
    name = graphene.String(required=True)
    company = graphene.String(required=True)
    street1 = graphene.String(required=True)
    street2 = graphene.String(required=True)
    city = graphene.String(required=True)
    state = graphene.String(required=True)
    zip = graphene.String(required=True)
    country = graphene.String(required=True)
    phone = graphene.String(required=True)
    email = graphene.String(required=True)
    is_default = graphene.Boolean(required=True)

    def resolve_warehouse_id(address, info):
        return address.warehouse_id or None


class ReturnShippingOptions(graphene.ObjectType):
    """How the customer can send the parcel back."""

    prepaid_label = graphene.Boolean(
        required=True, description="The shop sells a prepaid label (returnRequestLabelRequest) once approved."
    )
    own_tracking = graphene.Boolean(
        required=True, description="The customer may ship it themselves and add the tracking number."
    )
    address = graphene.Field(ReturnAddress, description="Where the parcel goes when shipped or dropped off.")


def resolve_portal_url(return_request, info):
    return return_link(return_request)


def resolve_return_shipping(return_request, info):
    if return_request.resolution == Resolution.KEEP_ITEM:
        return ReturnShippingOptions(prepaid_label=False, own_tracking=False, address=None)
    addresses = ReturnAddressModel.objects.filter(installation_id=return_request.installation_id)
    return ReturnShippingOptions(
        prepaid_label=CarrierAccount.objects.filter(
            installation_id=return_request.installation_id, is_default=True, is_active=True
        ).exists(),
        own_tracking=True,
        address=addresses.order_by("-is_default", "name").first(),
    )
