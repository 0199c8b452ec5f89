"""A return request as the API shows it: its lines, reasons, evidence and timeline."""

from decimal import Decimal

import graphene

from saleor_returns.api.enums import (
    ConditionEnum,
    DispositionEnum,
    ResolutionEnum,
    ReturnEventTypeEnum,
    ReturnKindEnum,
    ReturnStatusEnum,
)
from saleor_returns.api.customer_messages import ReturnCustomerMessage, resolve_customer_messages
from saleor_returns.api.loading import prefetched
from saleor_returns.api.notifications import ReturnMessage, resolve_return_request_messages
from saleor_returns.api.loading import customer_status_of
from saleor_returns.api.pagination import CountableConnection
from saleor_returns.api.types.common import Money, global_id, is_staff, language, money
from saleor_returns.api.types.customer_statuses import ReturnCustomerStatus
from saleor_returns.api.types.resolutions import Refund, ReplacementOrder
from saleor_returns.api.types.shipping import (
    CarrierClaim,
    ReturnShipment,
    ReturnShippingOptions,
    resolve_portal_url,
    resolve_return_shipping,
)
from saleor_returns.evidence_urls import evidence_url
from saleor_returns.models import Refund as RefundModel
from saleor_returns.models import ReplacementOrder as ReplacementOrderModel
from saleor_returns.notes import event_note


class ReturnReason(graphene.ObjectType):
    id = graphene.ID(required=True)
    code = graphene.String(required=True, description="Stable code storefronts send, e.g. DAMAGED_IN_TRANSIT.")
    label = graphene.String(required=True, description="In the language of Accept-Language (en or zh-Hans).")
    label_en = graphene.String(required=True)
    label_zh_hans = graphene.String(required=True)
    is_merchant_fault = graphene.Boolean(required=True)
    is_active = graphene.Boolean(required=True)
    children = graphene.List(graphene.NonNull(lambda: ReturnReason), required=True)

    def resolve_id(reason, info):
        return global_id("ReturnReason", reason.pk)

    def resolve_label(reason, info):
        return reason.label(language(info))

    def resolve_children(reason, info):
        children = getattr(reason, "_children", None)
        return children if children is not None else list(reason.children.all())


class Evidence(graphene.ObjectType):
    id = graphene.ID(required=True)
    filename = graphene.String(required=True)
    content_type = graphene.String(required=True)
    size = graphene.Int(required=True)
    url = graphene.String(required=True, description="A link to the file, valid for one hour.")
    created_at = graphene.DateTime(required=True)

    def resolve_id(evidence, info):
        return str(evidence.pk)

    def resolve_url(evidence, info):
        return evidence_url(evidence)


class ReturnLine(graphene.ObjectType):
    id = graphene.ID(required=True)
    order_line_id = graphene.ID(required=True)
    variant_id = graphene.ID()
    sku = graphene.String()
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    reason = graphene.Field(ReturnReason, required=True)
    comment = graphene.String(required=True)
    requested_quantity = graphene.Int(required=True)
    approved_quantity = graphene.Int()
    received_quantity = graphene.Int(required=True)
    accepted_quantity = graphene.Int()
    unit_price = graphene.Field(Money, required=True, description="Gross unit price paid, after discounts.")
    evidence = graphene.List(graphene.NonNull(Evidence), required=True)
    condition = graphene.Field(ConditionEnum)
    disposition = graphene.Field(DispositionEnum)
    restock_warehouse_id = graphene.ID()
    inspection_note = graphene.String(description="Staff only.")

    def resolve_condition(line, info):
        return line.condition or None

    def resolve_disposition(line, info):
        return line.disposition or None

    def resolve_restock_warehouse_id(line, info):
        return line.restock_warehouse_id or None

    def resolve_inspection_note(line, info):
        return line.inspection_note if is_staff(info) else None

    def resolve_id(line, info):
        return global_id("ReturnLine", line.pk)

    def resolve_unit_price(line, info):
        return money(line.unit_price_gross_amount, line.currency)

    def resolve_evidence(line, info):
        return prefetched(line, "evidence")


class Actor(graphene.ObjectType):
    kind = graphene.String(required=True, description="customer, guest, staff, app, system or carrier.")
    email = graphene.String(description="Staff only.")


class ReturnEvent(graphene.ObjectType):
    id = graphene.ID(required=True)
    type = graphene.Field(ReturnEventTypeEnum, required=True)
    created_at = graphene.DateTime(required=True)
    actor = graphene.Field(Actor, required=True)
    from_status = graphene.Field(ReturnStatusEnum)
    to_status = graphene.Field(ReturnStatusEnum)
    note = graphene.String(
        required=True,
        description="As written by staff or the customer; the app's own notes in the language of Accept-Language (en or zh-Hans).",
    )
    is_visible_to_customer = graphene.Boolean(required=True)

    def resolve_id(event, info):
        return global_id("ReturnEvent", event.pk)

    def resolve_actor(event, info):
        return Actor(kind=event.actor_kind, email=event.actor_email if is_staff(info) else None)

    def resolve_from_status(event, info):
        return event.from_status or None

    def resolve_to_status(event, info):
        return event.to_status or None

    def resolve_note(event, info):
        return event_note(event, language(info))


class ReturnRequest(graphene.ObjectType):
    id = graphene.ID(required=True)
    number = graphene.String(required=True, description="The customer-facing number, e.g. RMA-000123.")
    status = graphene.Field(ReturnStatusEnum, required=True)
    kind = graphene.Field(ReturnKindEnum, required=True)
    resolution = graphene.Field(ResolutionEnum, required=True)
    exchange_variant_id = graphene.ID()
    order_id = graphene.ID(required=True)
    order_number = graphene.String(required=True)
    channel_slug = graphene.String(required=True)
    customer_email = graphene.String(required=True)
    customer_note = graphene.String(required=True)
    currency = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(ReturnLine), required=True)
    timeline = graphene.List(
        graphene.NonNull(ReturnEvent), required=True, description="Customers see only the events meant for them."
    )
    requested_value = graphene.Field(Money, required=True, description="What the requested units were paid.")
    rejection_message = graphene.String()
    info_requested_message = graphene.String()
    info_requested_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    policy_version = graphene.Int(required=True)
    is_auto_approved = graphene.Boolean(required=True)
    policy_overridden = graphene.Boolean(description="Staff only.")
    override_justification = graphene.String(description="Staff only.")
    risk_reasons = graphene.List(graphene.NonNull(graphene.String), description="Staff only.")
    customer_status = graphene.Field(
        ReturnCustomerStatus, description="Staff only: what the shop decided about this customer (VIP, watch, block)."
    )
    shipments = graphene.List(graphene.NonNull(lambda: ReturnShipment), required=True)
    refund = graphene.Field(lambda: Refund)
    replacement_order = graphene.Field(lambda: ReplacementOrder)
    survey = graphene.Field(
        "saleor_returns.api.surveys.ReturnSurvey", description="The customer's satisfaction survey answer, if any."
    )

    def resolve_survey(request, info):
        return getattr(request, "survey_response", None)

    def resolve_replacement_order(request, info):
        try:
            return request.replacement_order
        except ReplacementOrderModel.DoesNotExist:
            return None
    carrier_claims = graphene.List(graphene.NonNull(lambda: CarrierClaim), description="Staff only.")

    def resolve_carrier_claims(request, info):
        return prefetched(request, "carrier_claims") if is_staff(info) else None

    # Messages (saleor_returns/notifications): the return's e-mails and webhook deliveries.
    messages = graphene.List(
        graphene.NonNull(ReturnMessage), description="Staff only: the e-mails and webhooks about this return, oldest first."
    )
    resolve_messages = resolve_return_request_messages
    customer_messages = graphene.List(
        graphene.NonNull(ReturnCustomerMessage), required=True, resolver=resolve_customer_messages,
        description="The e-mails sent to the customer about this return, oldest first, as the customer may read "
        "them: for its customer (customer token, guest lookup token, the return's link) and staff alike. Webhook "
        "deliveries are never listed, nor an e-mail not sent on purpose (the address opted out).",
    )

    def resolve_refund(request, info):
        try:
            return request.refund
        except RefundModel.DoesNotExist:
            return None

    def resolve_id(request, info):
        return global_id("ReturnRequest", request.pk)

    def resolve_shipments(request, info):
        return prefetched(request, "shipments")

    def resolve_number(request, info):
        return request.rma_number

    def resolve_exchange_variant_id(request, info):
        return request.exchange_variant_id or None

    def resolve_lines(request, info):
        return prefetched(request, "lines")

    def resolve_timeline(request, info):
        staff = is_staff(info)
        return [event for event in prefetched(request, "events") if staff or event.is_visible_to_customer]

    def resolve_requested_value(request, info):
        total = sum((line.unit_price_gross_amount * line.requested_quantity for line in prefetched(request, "lines")), Decimal(0))
        return money(total, request.currency)

    def resolve_rejection_message(request, info):
        return request.rejection_message or None

    def resolve_info_requested_message(request, info):
        return request.info_requested_message if request.info_requested_at else None

    def resolve_policy_version(request, info):
        return request.policy.version

    def resolve_policy_overridden(request, info):
        return request.policy_overridden if is_staff(info) else None

    def resolve_override_justification(request, info):
        return request.override_justification if is_staff(info) else None

    def resolve_risk_reasons(request, info):
        return request.risk_reasons if is_staff(info) else None

    def resolve_customer_status(request, info):
        return customer_status_of(request) if is_staff(info) else None

    # For the customer's own screens (the hosted portal, a storefront's).
    portal_url = graphene.String(
        description="The hosted returns portal's page of this return (a signed link for its customer).",
        resolver=resolve_portal_url,
    )
    return_shipping = graphene.Field(
        ReturnShippingOptions, required=True, resolver=resolve_return_shipping,
        description="How the parcel can be sent back: a prepaid label, the customer's own shipment, and the address.",
    )


class ReturnRequestConnection(CountableConnection):
    class Meta:
        node = ReturnRequest
