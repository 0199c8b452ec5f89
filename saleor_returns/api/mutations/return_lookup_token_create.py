"""returnLookupTokenCreate: a guest proves an order with its number and e-mail."""

import ipaddress

import graphene
from django.conf import settings
from django_ratelimit.core import get_usage

from saleor_returns.api.errors import PermissionDenied, error
from saleor_returns.api.lookup_tokens import issue_lookup_token
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.types.common import Money, money
from saleor_returns.client_address import client_address
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models import ApiKey
from saleor_returns.requestors import RequestorKind
from saleor_returns.saleor.orders import fetch_order_by_number

NO_MATCH = "No order matches this number and e-mail."


class LookupOrderLine(graphene.ObjectType):
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    quantity = graphene.Int(required=True)


class LookupOrder(graphene.ObjectType):
    """What the guest may see of the order they proved: enough to confirm it is theirs and go on."""

    id = graphene.ID(required=True, description="For returnEligibility(orderId) and returnRequestCreate.")
    number = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    total = graphene.Field(Money, required=True)
    lines = graphene.List(graphene.NonNull(LookupOrderLine), required=True)


def _lookup_order(order) -> LookupOrder:
    return LookupOrder(
        id=order.id, number=str(order.number), created_at=order.created,
        total=money(order.total_gross.amount, order.total_gross.currency),
        lines=[LookupOrderLine(product_name=line.product_name, variant_name=line.variant_name, quantity=line.quantity)
               for line in order.lines],
    )


def _storefront_key(requestor) -> bool:
    return requestor.kind is RequestorKind.APP and requestor.has_permission(ApiKey.Scope.GUEST_LOOKUP)


def _budgets(requestor, request, number: str, guest_address: str | None) -> list[tuple[str, str, str]]:
    """(group, key, rate) of every budget a failed attempt spends, shared by all processes.

    Failures count per client address and per order number (guessing one order's
    e-mail from many addresses); a storefront server's key has its own budget and
    the guests it names are limited by their address as if they called themselves.
    """
    shop = str(requestor.installation.pk)
    budgets = [("lookup-order", f"{shop}:{number}", settings.LOOKUP_FAILURES_PER_ORDER)]
    if _storefront_key(requestor):
        budgets.append(("lookup-key", f"{shop}:{requestor.api_key_id}", settings.LOOKUP_FAILURES_PER_KEY))
        if guest_address:
            budgets.append(("lookup-address", f"{shop}:{guest_address}", settings.LOOKUP_FAILURES_PER_ADDRESS))
    else:
        budgets.append(("lookup-address", f"{shop}:{client_address(request)}", settings.LOOKUP_FAILURES_PER_ADDRESS))
    return budgets


def _usage(request, group: str, key: str, rate: str, *, increment: bool):
    return get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=increment)


class ReturnLookupTokenCreate(ReturnMutation):
    """Answers the same for a wrong number and a wrong e-mail, so orders cannot be probed."""

    class Arguments:
        order_number = graphene.String(required=True)
        email = graphene.String(required=True)
        client_address = graphene.String(
            description="A storefront server (API key with GUEST_LOOKUP) names the guest's IP address it acts for."
        )

    token = graphene.String(description="Send as `Authorization: Bearer <token>` for this order's returns.")
    expires_at = graphene.DateTime()
    order_id = graphene.ID(description="The order the token opens, for returnEligibility and returnRequestCreate.")
    order = graphene.Field(LookupOrder, description="The order the token opens, as its customer may see it.")

    @classmethod
    def check_permissions(cls, requestor, data) -> None:
        if requestor.installation is None:
            raise PermissionDenied("Name the shop with the Saleor-Api-Url header.")

    @classmethod
    def perform(cls, info, requestor, actor, order_number, email, client_address=None):
        request = info.context
        guest_address = (client_address or "").strip() or None
        if guest_address is not None:
            if not _storefront_key(requestor):
                return cls(errors=[error(
                    "clientAddress", ReturnErrorCode.INVALID,
                    "Only a storefront server's API key (scope GUEST_LOOKUP) may name the guest's address.",
                )])
            try:
                guest_address = str(ipaddress.ip_address(guest_address))
            except ValueError:
                return cls(errors=[error("clientAddress", ReturnErrorCode.INVALID, "Give an IPv4 or IPv6 address.")])
        number, email = order_number.strip().lstrip("#"), email.strip()
        budgets = _budgets(requestor, request, number[:32], guest_address)
        for group, key, rate in budgets:
            usage = _usage(request, group, key, rate, increment=False)
            if usage is not None and usage["count"] >= usage["limit"]:
                minutes = max(1, -(-max(usage["time_left"], 0) // 60))
                return cls(errors=[error(
                    None, ReturnErrorCode.TOO_MANY_ATTEMPTS, f"Too many attempts; try again in {minutes} minutes.",
                )])
        order = None
        if number.isdigit() and "@" in email:
            order = fetch_order_by_number(requestor.installation, number)
        if order is None or not order.user_email or order.user_email.lower() != email.lower():
            for group, key, rate in budgets:
                _usage(request, group, key, rate, increment=True)
            return cls(errors=[error(None, ReturnErrorCode.NOT_FOUND, NO_MATCH)])
        token, expires_at = issue_lookup_token(
            installation=requestor.installation, order_id=order.id, email=order.user_email,
            ttl_seconds=settings.LOOKUP_TOKEN_TTL_SECONDS,
        )
        return cls(token=token, expires_at=expires_at, order_id=order.id, order=_lookup_order(order), errors=[])
