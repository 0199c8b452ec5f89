"""How a return is settled: resolution previews, refunds and replacement orders."""

import graphene

from saleor_returns.api.enums import RefundComponentEnum, ResolutionEnum
from saleor_returns.api.types.common import Money, global_id, money
from saleor_returns.refund_components import refund_components


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
