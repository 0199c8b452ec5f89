"""Webhooks from Saleor: one module per event, each with `handle(delivery) -> bool`."""

from saleor_returns.webhooks.saleor import app_deleted, order_fully_paid, order_refunded, order_updated, staff

# Saleor-Event header value (lower case) -> (subscription operation, handler).
EVENTS = {
    "app_deleted": ("AppDeletedSubscription", "APP_DELETED", app_deleted.handle),
    "order_refunded": ("OrderRefundedSubscription", "ORDER_REFUNDED", order_refunded.handle),
    "order_updated": ("OrderUpdatedSubscription", "ORDER_UPDATED", order_updated.handle),
    "order_fully_paid": ("OrderFullyPaidSubscription", "ORDER_FULLY_PAID", order_fully_paid.handle),
    # These need the app's MANAGE_STAFF; without it Saleor sends none and the periodic check revokes.
    "staff_updated": ("StaffUpdatedSubscription", "STAFF_UPDATED", staff.handle_updated),
    "staff_deleted": ("StaffDeletedSubscription", "STAFF_DELETED", staff.handle_deleted),
    "permission_group_updated": (
        "PermissionGroupUpdatedSubscription", "PERMISSION_GROUP_UPDATED", staff.handle_group_changed
    ),
    "permission_group_deleted": (
        "PermissionGroupDeletedSubscription", "PERMISSION_GROUP_DELETED", staff.handle_group_changed
    ),
}

handlers = {event: handler for event, (_, _, handler) in EVENTS.items()}
