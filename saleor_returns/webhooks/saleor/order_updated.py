"""ORDER_UPDATED: forget the cached order, so the next eligibility answer reads Saleor again."""

from saleor_returns.saleor.orders import invalidate_order


def handle(delivery) -> bool:
    order_id = ((delivery.payload or {}).get("order") or {}).get("id")
    if not order_id:
        return False
    invalidate_order(delivery.installation, order_id)
    return True
