"""The one place that finds return requests and orders for a requestor, scoped and authorized.

Anything a requestor may not see is reported as not found, so ids of other
shops' or other customers' returns reveal nothing.
"""

from django.core.exceptions import ValidationError

from saleor_returns.models import ApiKey, ReturnRequest
from saleor_returns.requestors import Requestor, RequestorKind

# Saleor's permission codes, spelled once: as the scopes an API key may hold.
MANAGE_ORDERS = ApiKey.Scope.MANAGE_ORDERS.value
HANDLE_PAYMENTS = ApiKey.Scope.HANDLE_PAYMENTS.value
MANAGE_GIFT_CARD = ApiKey.Scope.MANAGE_GIFT_CARD.value
MANAGE_PRODUCTS = ApiKey.Scope.MANAGE_PRODUCTS.value
MANAGE_SETTINGS = ApiKey.Scope.MANAGE_SETTINGS.value
MANAGE_APPS = ApiKey.Scope.MANAGE_APPS.value

# A staff member needs the Saleor permissions of the work the app does for them
# (DESIGN.md §Permissions): the app's own permissions never stand in for theirs.
# Shop settings Saleor keeps under MANAGE_SETTINGS (its return and refund reason
# settings) need that; the app's integrations (carrier credentials, API keys) MANAGE_APPS.
RESOLUTION_PERMISSIONS = {
    "refund": (MANAGE_ORDERS, HANDLE_PAYMENTS),
    "keep_item": (MANAGE_ORDERS, HANDLE_PAYMENTS),
    "store_credit": (MANAGE_ORDERS, MANAGE_GIFT_CARD),
    # a cheaper item refunds the difference to the original payment
    "exchange": (MANAGE_ORDERS, HANDLE_PAYMENTS),
    "replacement": (MANAGE_ORDERS,),
}
REFUND_KIND_PERMISSIONS = {
    "original_payment": (MANAGE_ORDERS, HANDLE_PAYMENTS),
    "legacy_payment": (MANAGE_ORDERS, HANDLE_PAYMENTS),
    "store_credit": (MANAGE_ORDERS, MANAGE_GIFT_CARD),
}
RESTOCK_PERMISSIONS = (MANAGE_ORDERS, MANAGE_PRODUCTS)
SETTINGS_PERMISSIONS = (MANAGE_ORDERS, MANAGE_SETTINGS)
INTEGRATION_PERMISSIONS = (MANAGE_ORDERS, MANAGE_APPS)
# Sending a return's e-mail again or redelivering its webhook is work on the return itself.
MESSAGE_RESEND_PERMISSIONS = (MANAGE_ORDERS,)


# What each staff action of the desk needs, by name, so the desk can say what is missing
# before staff try (`viewer { actions }`); the API enforces the same tables.
STAFF_ACTIONS = {
    "review": (MANAGE_ORDERS,),
    **{f"resolve:{resolution.upper()}": needs for resolution, needs in RESOLUTION_PERMISSIONS.items()},
    **{f"refundRetry:{kind.upper()}": needs for kind, needs in REFUND_KIND_PERMISSIONS.items()},
    "inspect:RESTOCK": RESTOCK_PERMISSIONS,
    "settings": SETTINGS_PERMISSIONS,
    "integrations": INTEGRATION_PERMISSIONS,
    "messageResend": MESSAGE_RESEND_PERMISSIONS,
}


def missing_permissions(requestor: Requestor, permissions) -> list[str]:
    """Which of `permissions` the requestor lacks (all of them for anyone but staff), sorted."""
    return sorted({permission for permission in permissions if not requestor.has_permission(permission)})


class NotFound(Exception):
    pass


def visible_return_requests(requestor: Requestor, queryset=None):
    """Return requests the requestor may see (none for anonymous callers), from `queryset` if given."""
    if queryset is None:
        queryset = ReturnRequest.objects.all()
    if requestor.installation is None:
        return queryset.none()
    queryset = queryset.filter(installation=requestor.installation)
    if requestor.is_staff and requestor.has_permission(MANAGE_ORDERS):
        return queryset
    if requestor.kind is RequestorKind.CUSTOMER and requestor.user_id:
        return queryset.filter(customer_user_id=requestor.user_id)
    if requestor.kind is RequestorKind.GUEST and requestor.order_id:
        queryset = queryset.filter(order_id=requestor.order_id)
        return queryset.filter(pk=requestor.return_request_id) if requestor.return_request_id else queryset
    return queryset.none()


def access_return_request(requestor: Requestor, return_request_id, *, for_update: bool = False) -> ReturnRequest:
    queryset = visible_return_requests(requestor)
    if for_update:
        queryset = queryset.select_for_update()
    try:
        return queryset.get(pk=return_request_id)
    except (ReturnRequest.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotFound from None


def can_access_order(requestor: Requestor, order) -> bool:
    """May this requestor make or see returns for this order (an OrderSnapshot)?

    Customers own the orders placed on their account, and guest orders placed
    with their (verified) e-mail; guests only the order their lookup token names
    (a portal link opens one return, not its order).
    """
    if requestor.installation is None or order is None:
        return False
    if requestor.is_staff:
        return requestor.has_permission(MANAGE_ORDERS)
    if requestor.kind is RequestorKind.CUSTOMER:
        if order.user_id:
            return order.user_id == requestor.user_id
        return bool(order.user_email and requestor.email and order.user_email.lower() == requestor.email.lower())
    if requestor.kind is RequestorKind.GUEST:
        return order.id == requestor.order_id and not requestor.return_request_id
    return False
