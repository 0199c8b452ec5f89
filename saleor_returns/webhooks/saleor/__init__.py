"""Webhooks from Saleor: one module per event, each with `handle(delivery) -> bool`."""

from saleor_returns.webhooks.saleor import (
    app_deleted,
    order_created,
    order_fully_paid,
    order_refunded,
    order_updated,
    staff,
)

# Saleor-Event header value (lower case) -> handler: one for each event the manifest subscribes to
# (`saleor.manifest.WEBHOOK_EVENTS`).
handlers = {
    "app_deleted": app_deleted.handle,
    "order_created": order_created.handle,
    "order_refunded": order_refunded.handle,
    "order_updated": order_updated.handle,
    "order_fully_paid": order_fully_paid.handle,
    "staff_updated": staff.handle_updated,
    "staff_deleted": staff.handle_deleted,
    "permission_group_updated": staff.handle_group_changed,
    "permission_group_deleted": staff.handle_group_changed,
}
