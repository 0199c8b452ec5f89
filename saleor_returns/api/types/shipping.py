"""The parcel coming back: shipments, their tracking, and claims against the carrier."""

import graphene

from saleor_returns.api.types.common import Money, global_id, is_staff, money


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
        return list(shipment.events.all())


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
