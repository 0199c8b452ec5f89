"""returnLookupTokenCreate: a guest proves an order with its number and e-mail."""

import graphene
from django.conf import settings
from django.core.cache import cache

from saleor_returns.api.errors import PermissionDenied, error
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.lookup_tokens import issue_lookup_token
from saleor_returns.saleor.orders import fetch_order_by_number

# Guessing numbers and e-mails is slowed down per shop and client address.
ATTEMPTS_PER_WINDOW = 10
WINDOW_SECONDS = 600
NO_MATCH = "No order matches this number and e-mail."


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class ReturnLookupTokenCreate(ReturnMutation):
    """Answers the same for a wrong number and a wrong e-mail, so orders cannot be probed."""

    class Arguments:
        order_number = graphene.String(required=True)
        email = graphene.String(required=True)

    token = graphene.String(description="Send as `Authorization: Bearer <token>` for this order's returns.")
    expires_at = graphene.DateTime()

    @classmethod
    def check_permissions(cls, requestor, data) -> None:
        if requestor.installation is None:
            raise PermissionDenied("Name the shop with the Saleor-Api-Url header.")

    @classmethod
    def perform(cls, info, requestor, actor, order_number, email):
        key = f"lookup-attempts:{requestor.installation.pk}:{_client_address(info.context)}"
        cache.add(key, 0, WINDOW_SECONDS)
        if cache.incr(key) > ATTEMPTS_PER_WINDOW:
            return cls(errors=[error(None, ReturnErrorCode.INVALID, "Too many attempts; try again in a few minutes.")])
        number, email = order_number.strip().lstrip("#"), email.strip()
        if not number.isdigit() or "@" not in email:
            return cls(errors=[error(None, ReturnErrorCode.NOT_FOUND, NO_MATCH)])
        order = fetch_order_by_number(requestor.installation, number)
        if order is None or not order.user_email or order.user_email.lower() != email.lower():
            return cls(errors=[error(None, ReturnErrorCode.NOT_FOUND, NO_MATCH)])
        token, expires_at = issue_lookup_token(
            installation=requestor.installation, order_id=order.id, email=order.user_email,
            ttl_seconds=settings.LOOKUP_TOKEN_TTL_SECONDS,
        )
        return cls(token=token, expires_at=expires_at, errors=[])
