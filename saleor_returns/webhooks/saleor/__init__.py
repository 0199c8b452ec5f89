"""Webhooks from Saleor: one module per event, each with `handle(delivery) -> bool`."""

from saleor_returns.webhooks.saleor import app_deleted, order_fully_paid, order_refunded, order_updated

# Saleor-Event header value (lower case) -> (subscription operation, handler).
EVENTS = {
    "app_deleted": ("AppDeletedSubscription", "APP_DELETED", app_deleted.handle),
    "order_refunded": ("OrderRefundedSubscription", "ORDER_REFUNDED", order_refunded.handle),
    "order_updated": ("OrderUpdatedSubscription", "ORDER_UPDATED", order_updated.handle),
    "order_fully_paid": ("OrderFullyPaidSubscription", "ORDER_FULLY_PAID", order_fully_paid.handle),
}

handlers = {event: handler for event, (_, _, handler) in EVENTS.items()}
