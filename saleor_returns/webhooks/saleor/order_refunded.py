"""ORDER_REFUNDED: a refund on the order moved; confirm this app's refunds for it from Saleor."""

from saleor_returns.webhooks.saleor.order_updated import forget_order
from saleor_returns.resolutions import refunds


def handle(delivery) -> bool:
    order_id = forget_order(delivery)
    if order_id is None:
        return False
    refunds.reconcile_order_refunds(installation=delivery.installation, order_id=order_id)
    return True
