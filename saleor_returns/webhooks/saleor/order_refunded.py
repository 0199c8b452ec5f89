"""ORDER_REFUNDED: a refund on the order moved; confirm this app's refunds for it from Saleor."""

from saleor_returns.resolutions import refunds
from saleor_returns.saleor.orders import invalidate_order


def handle(delivery) -> bool:
    order_id = ((delivery.payload or {}).get("order") or {}).get("id")
    if not order_id:
        return False
    invalidate_order(delivery.installation, order_id)
    refunds.reconcile_order_refunds(installation=delivery.installation, order_id=order_id)
    return True
