"""Query fields for customers' own screens (a storefront's or the hosted portal) and the portal's settings.

`returnPolicyNotice` is public, `myOrders` lists a customer's (or guest's) orders as Saleor
shows them, `returnExchangeCandidates` offers the variants an item may be exchanged for with
their stock, and `returnPortalSettings` is for staff.
"""

import graphene

from saleor_returns import policies
from saleor_returns.access import can_access_order
from saleor_returns.api.errors import PermissionDenied
from saleor_returns.api.mutations.return_lookup_token_create import LookupOrderLine
from saleor_returns.api.queries import require_identified, require_shop, require_staff
from saleor_returns.api.types.common import Money, money
from saleor_returns.api.types.shop import ReturnPolicy
from saleor_returns.models import ReturnPolicy as ReturnPolicyModel
from saleor_returns.return_links import portal_url
from saleor_returns.portal.settings import settings_for
from saleor_returns.requestors import RequestorKind
from saleor_returns.saleor import customers
from saleor_returns.saleor.orders import fetch_order
from saleor_returns.saleor.variants import exchange_variants

MAX_ORDERS = 50


class ReturnPolicyNotice(graphene.ObjectType):
    """The return policy as customers read it, before they look anything up."""

    channel_slug = graphene.String(description="Null: the policy of every channel without its own.")
    version = graphene.Int(required=True)
    summary = graphene.List(
        graphene.NonNull(graphene.String), required=True,
        description="The rules in plain words, in the language of Accept-Language (en or zh-Hans).",
    )

    def resolve_channel_slug(policy, info):
        return policy.channel_slug or None

    def resolve_summary(policy, info):
        return ReturnPolicy.resolve_summary(policy, info)


class CustomerOrder(graphene.ObjectType):
    """One of the caller's orders, as its customer may see it."""

    id = graphene.ID(required=True, description="Saleor's Order id, for returnEligibility and returnRequestCreate.")
    number = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    total = graphene.Field(Money, required=True)
    language_code = graphene.String(description="Saleor's LanguageCodeEnum of the order, e.g. EN_US or ZH_HANS.")
    lines = graphene.List(graphene.NonNull(LookupOrderLine), required=True)


class ExchangeCandidate(graphene.ObjectType):
    variant_id = graphene.ID(required=True, description="Saleor's ProductVariant id, for exchangeVariantId.")
    name = graphene.String(required=True)
    sku = graphene.String()
    unit_price = graphene.Field(Money, description="In the order's channel; null when not sold there.")
    in_stock = graphene.Boolean(required=True)
    quantity_available = graphene.Int(description="Units not yet allocated; null when Saleor does not track them.")
    is_ordered_variant = graphene.Boolean(required=True, description="The variant the customer has.")


class ExchangeCandidates(graphene.ObjectType):
    """What an ordered item can be exchanged for: its product's variants, priced, with their stock."""

    order_line_id = graphene.ID(required=True)
    product_name = graphene.String(required=True)
    variants = graphene.List(graphene.NonNull(ExchangeCandidate), required=True)


class ReturnPortalSettings(graphene.ObjectType):
    """The shop's hosted returns portal: its address, branding and who may embed it."""

    portal_url = graphene.String(required=True)
    is_enabled = graphene.Boolean(required=True)
    shop_name = graphene.String(required=True)
    logo_url = graphene.String(required=True, description="An https:// image address, or empty.")
    primary_color = graphene.String(required=True, description="#RRGGBB.")
    accent_color = graphene.String(required=True, description="#RRGGBB.")
    support_email = graphene.String(required=True)
    frame_ancestors = graphene.List(
        graphene.NonNull(graphene.String), required=True,
        description="Origins that may show the portal in a frame; empty: none but the app itself.",
    )

    def resolve_portal_url(portal_settings, info):
        return portal_url(portal_settings.installation_id)


def current_policy_notice(installation, channel_slug: str):
    """The policy in force for the channel, or the defaults (unsaved) for a shop that has never set one."""
    policy = (
        ReturnPolicyModel.objects.filter(installation=installation, is_current=True, channel_slug__in=[channel_slug, ""])
        .order_by("-channel_slug")
        .first()
    )
    return policy or ReturnPolicyModel(
        installation=installation, channel_slug="", version=1, rules=policies.PolicyRules().to_json()
    )


def _guest_order(requestor) -> list[CustomerOrder]:
    if requestor.return_request_id:
        return []  # a link opens one return, not its order
    order = fetch_order(requestor.installation, requestor.order_id)
    if order is None or not can_access_order(requestor, order):
        return []
    return [CustomerOrder(
        id=order.id, number=str(order.number), created_at=order.created,
        total=money(order.total_gross.amount, order.total_gross.currency),
        language_code=customers.order_language(requestor.installation, order.id) or None,
        lines=[LookupOrderLine(product_name=line.product_name, variant_name=line.variant_name, quantity=line.quantity)
               for line in order.lines],
    )]


def _customer_orders(requestor, first: int) -> list[CustomerOrder]:
    return [
        CustomerOrder(
            id=order.id, number=order.number, created_at=order.created,
            total=money(order.total.amount, order.total.currency), language_code=order.language_code or None,
            lines=[LookupOrderLine(product_name=line.product_name, variant_name=line.variant_name,
                                   quantity=line.quantity) for line in order.lines],
        )
        for order in customers.customer_orders(requestor.installation, requestor.token, first=first)
    ]


class PortalQuery(graphene.ObjectType):
    return_policy_notice = graphene.Field(
        ReturnPolicyNotice, required=True, channel_slug=graphene.String(),
        description="The policy in force for a channel in plain words, for anyone naming the shop.",
    )
    my_orders = graphene.List(
        graphene.NonNull(CustomerOrder), required=True, first=graphene.Int(default_value=20),
        description="The customer's orders, newest first, as Saleor shows them to that customer "
        "(a guest: the order they looked up).",
    )
    return_exchange_candidates = graphene.Field(
        ExchangeCandidates, order_id=graphene.ID(required=True), order_line_id=graphene.ID(required=True),
        description="What an ordered item can be exchanged for, with the stock Saleor has.",
    )
    return_portal_settings = graphene.Field(
        ReturnPortalSettings, required=True, description="Staff: the shop's hosted returns portal."
    )

    def resolve_return_policy_notice(root, info, channel_slug=None):
        requestor = require_shop(info)
        return current_policy_notice(requestor.installation, (channel_slug or "").strip())

    def resolve_my_orders(root, info, first=20):
        requestor = require_shop(info)
        if requestor.kind is RequestorKind.GUEST:
            return _guest_order(requestor)
        if requestor.kind is not RequestorKind.CUSTOMER:
            raise PermissionDenied("Only customers have their own orders.")
        return _customer_orders(requestor, max(1, min(first or 20, MAX_ORDERS)))

    def resolve_return_exchange_candidates(root, info, order_id, order_line_id):
        requestor = require_identified(info)
        order = fetch_order(requestor.installation, order_id)
        if not can_access_order(requestor, order):
            return None
        line = next((line for line in order.lines if line.id == order_line_id), None)
        if line is None or not line.variant_id:
            return None
        product_name, variants = exchange_variants(requestor.installation, line.variant_id, order.channel_id)
        currency = order.total_gross.currency
        return ExchangeCandidates(
            order_line_id=line.id, product_name=product_name or line.product_name,
            variants=[
                ExchangeCandidate(
                    variant_id=variant.id, name=variant.name, sku=variant.sku or None,
                    unit_price=None if variant.unit_price is None else money(variant.unit_price, currency),
                    in_stock=variant.in_stock, quantity_available=variant.quantity_available,
                    is_ordered_variant=variant.id == line.variant_id,
                )
                for variant in variants
            ],
        )

    def resolve_return_portal_settings(root, info):
        requestor = require_staff(info)
        return settings_for(requestor.installation)
