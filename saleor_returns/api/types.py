"""GraphQL object types of the returns API."""

from decimal import Decimal

import graphene
from django.utils import translation
from django.conf import settings
from graphene import relay

from saleor_returns import api_keys, policies
from saleor_returns.access import MANAGE_ORDERS
from saleor_returns.evidence_urls import evidence_url
from saleor_returns.api.enums import (
    ApiKeyRevokedReasonEnum,
    ApiKeyScopeEnum,
    ApiKeyStatusEnum,
    ConditionEnum,
    DispositionEnum,
    RefundComponentEnum,
    ResolutionEnum,
    ReturnErrorCodeEnum,
    ReturnEventTypeEnum,
    ReturnKindEnum,
    ReturnStatusEnum,
)
from saleor_returns.api.notifications import ReturnMessage, resolve_return_request_messages
from saleor_returns.api.pagination import CountableConnection
from saleor_returns.models import ReturnReason as ReturnReasonModel
from saleor_returns.policy_summary import policy_summary
from saleor_returns.models import Refund as RefundModel
from saleor_returns.models import ReplacementOrder as ReplacementOrderModel
from saleor_returns.notes import event_note
from saleor_returns.refunds import refund_components
from saleor_returns.money import quantize


def global_id(type_name: str, pk) -> str:
    return relay.Node.to_global_id(type_name, str(pk))


def is_staff(info) -> bool:
    return info.context.requestor.has_permission(MANAGE_ORDERS)


def language(info) -> str:
    """The caller's language among LANGUAGES, from Accept-Language as Django reads it (q-values
    weighed, zh-CN and zh-Hans both meaning Simplified Chinese); English otherwise."""
    return translation.get_language_from_request(info.context).lower()


class Money(graphene.ObjectType):
    amount = graphene.Decimal(required=True, description="Exact amount, rounded to the currency's precision.")
    currency = graphene.String(required=True, description="ISO 4217 code.")


def money(amount: Decimal, currency: str) -> Money:
    return Money(amount=quantize(Decimal(amount), currency), currency=currency)


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
        return list(line.evidence.all())


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
    shipments = graphene.List(graphene.NonNull(lambda: ReturnShipment), required=True)
    refund = graphene.Field(lambda: Refund)
    replacement_order = graphene.Field(lambda: ReplacementOrder)

    def resolve_replacement_order(request, info):
        try:
            return request.replacement_order
        except ReplacementOrderModel.DoesNotExist:
            return None
    carrier_claims = graphene.List(graphene.NonNull(lambda: CarrierClaim), description="Staff only.")

    def resolve_carrier_claims(request, info):
        return list(request.carrier_claims.all()) if is_staff(info) else None

    # Messages (saleor_returns/notifications): the return's e-mails and webhook deliveries.
    messages = graphene.List(
        graphene.NonNull(ReturnMessage), description="Staff only: the e-mails and webhooks about this return, oldest first."
    )
    resolve_messages = resolve_return_request_messages

    def resolve_refund(request, info):
        try:
            return request.refund
        except RefundModel.DoesNotExist:
            return None

    def resolve_id(request, info):
        return global_id("ReturnRequest", request.pk)

    def resolve_shipments(request, info):
        return list(request.shipments.all())

    def resolve_number(request, info):
        return request.rma_number

    def resolve_exchange_variant_id(request, info):
        return request.exchange_variant_id or None

    def resolve_lines(request, info):
        return list(request.lines.all())

    def resolve_timeline(request, info):
        staff = is_staff(info)
        return [event for event in request.events.all() if staff or event.is_visible_to_customer]

    def resolve_requested_value(request, info):
        total = sum((line.unit_price_gross_amount * line.requested_quantity for line in request.lines.all()), Decimal(0))
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


class ReturnRequestConnection(CountableConnection):
    class Meta:
        node = ReturnRequest


class Ineligibility(graphene.ObjectType):
    code = graphene.Field(ReturnErrorCodeEnum, required=True)
    message = graphene.String(required=True)


class LineEligibility(graphene.ObjectType):
    order_line_id = graphene.ID(required=True)
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    sku = graphene.String()
    quantity = graphene.Int(required=True, description="Units ordered.")
    shipped_quantity = graphene.Int(required=True)
    returnable_quantity = graphene.Int(required=True)
    is_returnable = graphene.Boolean(required=True)
    deadline = graphene.DateTime(description="The last moment a return can be requested.")
    unit_price = graphene.Field(Money, required=True)
    allowed_reasons = graphene.List(graphene.NonNull(graphene.String), required=True)
    allowed_resolutions = graphene.List(graphene.NonNull(ResolutionEnum), required=True)
    photo_required_reasons = graphene.List(graphene.NonNull(graphene.String), required=True)
    ineligible_reasons = graphene.List(graphene.NonNull(Ineligibility), required=True)


class ReturnEligibility(graphene.ObjectType):
    order_id = graphene.ID(required=True)
    order_number = graphene.String(required=True)
    policy_version = graphene.Int(required=True)
    lines = graphene.List(graphene.NonNull(LineEligibility), required=True)


def line_eligibility(order_line, result: policies.LineEligibility, rules: policies.PolicyRules) -> LineEligibility:
    return LineEligibility(
        order_line_id=order_line.id,
        product_name=order_line.product_name or "",
        variant_name=order_line.variant_name or "",
        sku=order_line.sku,
        quantity=order_line.quantity,
        shipped_quantity=result.shipped_quantity,
        returnable_quantity=result.returnable_quantity,
        is_returnable=result.is_returnable,
        deadline=result.deadline,
        unit_price=money(order_line.unit_price_gross.amount, order_line.unit_price_gross.currency),
        allowed_reasons=list(result.allowed_reason_codes),
        allowed_resolutions=list(result.allowed_resolutions),
        photo_required_reasons=list(rules.photo_required_reason_codes),
        ineligible_reasons=[Ineligibility(code=p.code.value, message=p.message) for p in result.ineligible],
    )


class RestockingFee(graphene.ObjectType):
    percentage = graphene.Decimal()
    fixed_amount = graphene.Decimal()
    reason_codes = graphene.List(graphene.NonNull(graphene.String), required=True)
    category_ids = graphene.List(graphene.NonNull(graphene.String), required=True)


class ReturnPolicy(graphene.ObjectType):
    id = graphene.ID(required=True)
    channel_slug = graphene.String(description="Null: the policy of every channel without its own.")
    version = graphene.Int(required=True)
    created_at = graphene.DateTime(required=True)
    rules = graphene.JSONString(required=True, description="Every setting, with decimals as strings.")
    summary = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The rules in plain words, in the language of Accept-Language (en or zh-Hans).",
    )

    def resolve_id(policy, info):
        return global_id("ReturnPolicy", policy.pk)

    def resolve_channel_slug(policy, info):
        return policy.channel_slug or None

    def resolve_rules(policy, info):
        return policy.rules

    def resolve_summary(policy, info):
        wanted = language(info)
        return policy_summary(policies.PolicyRules.from_json(policy.rules), wanted, _reason_labels(info, policy.installation_id, wanted))


def _reason_labels(info, installation_id, wanted: str) -> dict[str, str]:
    """The shop's reason labels, read once per request (a list of policy versions shares them)."""
    cache = info.context.__dict__.setdefault("_reason_labels", {})
    key = (installation_id, wanted)
    if key not in cache:
        reasons = ReturnReasonModel.objects.filter(installation_id=installation_id)
        cache[key] = {reason.code: reason.label(wanted) for reason in reasons}
    return cache[key]


class ApiKey(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    prefix = graphene.String(required=True, description="The start of the key, to tell keys apart.")
    scopes = graphene.List(graphene.NonNull(ApiKeyScopeEnum), required=True)
    created_at = graphene.DateTime(required=True)
    created_by_email = graphene.String(description="The staff member the key answers to; it dies with their rights.")
    created_by_key_prefix = graphene.String(description="For a key minted by another key: that key's prefix.")
    expires_at = graphene.DateTime()
    last_used_at = graphene.DateTime(description="Noted at most once a minute.")
    revoked_at = graphene.DateTime()
    revoked_reason = graphene.Field(ApiKeyRevokedReasonEnum)
    status = graphene.Field(ApiKeyStatusEnum, required=True)

    def resolve_id(api_key, info):
        return global_id("ApiKey", api_key.pk)

    def resolve_scopes(api_key, info):
        return list(api_key.scopes)

    def resolve_created_by_email(api_key, info):
        return api_key.created_by_email or None

    def resolve_created_by_key_prefix(api_key, info):
        return api_key.created_by_key.prefix if api_key.created_by_key_id else None

    def resolve_revoked_reason(api_key, info):
        return api_key.revoked_reason or None

    def resolve_status(api_key, info):
        return api_keys.status(api_key)


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


class CarrierAccount(graphene.ObjectType):
    id = graphene.ID(required=True)
    provider = graphene.String(required=True)
    name = graphene.String(required=True)
    is_default = graphene.Boolean(required=True)
    webhook_url = graphene.String(required=True, description="Paste this into the provider's webhook settings.")

    def resolve_id(account, info):
        return global_id("CarrierAccount", account.pk)

    def resolve_webhook_url(account, info):
        url = f"{settings.APP_PUBLIC_URL}/webhooks/carriers/{account.provider}/{account.webhook_key}/"
        token = account.credentials.get("webhook_token")
        # Shippo signs nothing by default: its URL carries a secret token instead.
        return f"{url}?token={token}" if token else url


class RefundLine(graphene.ObjectType):
    line_id = graphene.ID(required=True)
    order_line_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)
    items = graphene.Field(Money, required=True)
    restocking_fee = graphene.Field(Money, required=True)
    return_shipping_fee = graphene.Field(Money, required=True)
    original_shipping = graphene.Field(Money, required=True)
    store_credit_bonus = graphene.Field(Money, required=True)
    total = graphene.Field(Money, required=True)

    def resolve_line_id(line, info):
        return global_id("ReturnLine", line.line_id)


def _money_of(value) -> Money:
    return money(value.amount, value.currency)


ExchangePayerEnum = graphene.Enum(
    "ExchangePayer",
    [("CUSTOMER", "customer"), ("SHOP", "shop"), ("NOBODY", "nobody")],
    description="Who settles an exchange's price difference: the customer pays a dearer item before it is sent, "
                "the shop refunds a cheaper one's difference to the original payment; nobody for an even "
                "exchange or a claim's replacement (sent at no charge).",
)


class ExchangePreview(graphene.ObjectType):
    """The item an EXCHANGE or REPLACEMENT sends and how its price settles with what comes back."""

    variant_id = graphene.ID(required=True, description="The Saleor ProductVariant sent.")
    quantity = graphene.Int(required=True)
    new_items = graphene.Field(Money, required=True, description="The new items at their price in the order's channel.")
    returned_items = graphene.Field(Money, required=True, description="What was paid for the units that came back.")
    difference = graphene.Field(Money, required=True, description="New minus returned: above zero the customer pays it.")
    payer = graphene.Field(ExchangePayerEnum, required=True)


class ResolutionPreview(graphene.ObjectType):
    """Every component of what resolving would pay; `fingerprint` pins it for returnRequestResolve.

    For EXCHANGE and REPLACEMENT, `exchange` shows the item sent and the price
    difference; `total` is what goes back to the original payment (a cheaper item's
    difference), the other money components are zero.
    """

    resolution = graphene.Field(ResolutionEnum, required=True)
    items = graphene.Field(Money, required=True, description="What was paid for the units refunded.")
    restocking_fee = graphene.Field(Money, required=True, description="Kept by the shop.")
    return_shipping_fee = graphene.Field(Money, required=True, description="Kept when the customer pays the return.")
    original_shipping = graphene.Field(Money, required=True, description="Paid back when the shop is at fault.")
    store_credit_bonus = graphene.Field(Money, required=True)
    total = graphene.Field(Money, required=True)
    shipping_refunded = graphene.Boolean(required=True)
    lines = graphene.List(graphene.NonNull(RefundLine), required=True)
    fingerprint = graphene.String(required=True)
    exchange = graphene.Field(ExchangePreview)


def replacement_preview_type(preview) -> ResolutionPreview:
    zero = money(0, preview.difference.currency)
    refunded = money(max(-preview.difference.amount, 0), preview.difference.currency)
    return ResolutionPreview(
        resolution=preview.resolution, items=zero, restocking_fee=zero, return_shipping_fee=zero,
        original_shipping=zero, store_credit_bonus=zero, total=refunded, shipping_refunded=False, lines=[],
        fingerprint=preview.fingerprint(),
        exchange=ExchangePreview(
            variant_id=preview.variant_id, quantity=preview.quantity, new_items=_money_of(preview.new_items),
            returned_items=_money_of(preview.returned_items), difference=_money_of(preview.difference),
            payer=preview.payer,
        ),
    )


def resolution_preview_type(preview, resolution: str) -> ResolutionPreview:
    def line(item):
        return RefundLine(
            line_id=item.line_id, order_line_id=item.order_line_id, quantity=item.quantity,
            **{name: _money_of(getattr(item, name)) for name in
               ("items", "restocking_fee", "return_shipping_fee", "original_shipping", "store_credit_bonus", "total")},
        )

    return ResolutionPreview(
        resolution=resolution,
        **{name: _money_of(getattr(preview, name)) for name in
           ("items", "restocking_fee", "return_shipping_fee", "original_shipping", "store_credit_bonus", "total")},
        shipping_refunded=preview.shipping_refunded,
        lines=[line(item) for item in preview.lines],
        fingerprint=preview.fingerprint(),
    )


class RefundComponent(graphene.ObjectType):
    code = graphene.Field(RefundComponentEnum, required=True)
    amount = graphene.Field(
        Money, required=True, description="Signed: fees the shop keeps are negative; the parts add up to the refund."
    )


class Refund(graphene.ObjectType):
    id = graphene.ID(required=True)
    kind = graphene.String(required=True, description="original_payment, legacy_payment or store_credit.")
    status = graphene.String(required=True, description="pending, processing, succeeded or failed.")
    amount = graphene.Field(Money, required=True)
    components = graphene.List(
        graphene.NonNull(RefundComponent),
        required=True,
        description="What the amount is made of, as previewed when it was resolved (zero parts left out).",
    )
    failure_reason = graphene.String()
    gift_card_last4 = graphene.String(description="Store credit: the last four characters of the gift card code.")
    created_at = graphene.DateTime(required=True)
    succeeded_at = graphene.DateTime()

    def resolve_id(refund, info):
        return global_id("Refund", refund.pk)

    def resolve_amount(refund, info):
        return money(refund.amount, refund.currency)

    def resolve_components(refund, info):
        return [
            RefundComponent(code=code, amount=money(value, refund.currency))
            for code, value in refund_components(refund.preview or {}, refund.amount, refund.currency)
        ]

    def resolve_failure_reason(refund, info):
        return refund.failure_reason or None

    def resolve_gift_card_last4(refund, info):
        return refund.gift_card_last4 or None


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


class ReplacementOrder(graphene.ObjectType):
    """The Saleor order sending an exchanged item or a replacement (a dearer item's difference paid on it)."""

    status = graphene.String(required=True, description="pending, awaiting_payment, completed or failed.")
    order_id = graphene.ID()
    order_number = graphene.String()
    quantity = graphene.Int(required=True)
    variant_id = graphene.ID(required=True)
    price_difference = graphene.Field(
        Money,
        description="Exchanges: what the new item costs more (the customer pays it on the order) "
        "or, when negative, less (refunded). Null for replacements.",
    )
    failure_reason = graphene.String()

    def resolve_price_difference(replacement, info):
        if replacement.price_difference is None:
            return None
        return money(replacement.price_difference, replacement.currency or replacement.return_request.currency)

    def resolve_order_id(replacement, info):
        return replacement.saleor_order_id or None

    def resolve_order_number(replacement, info):
        return replacement.saleor_order_number or None

    def resolve_failure_reason(replacement, info):
        return replacement.failure_reason or None
