"""ORDER_UPDATED: forget the cached order, so the next eligibility answer reads Saleor again."""

from saleor_returns.saleor.orders import invalidate_order


def handle(delivery) -> bool:
    return forget_order(delivery) is not None


def forget_order(delivery) -> str | None:
    """The id of the order the payload names, its cached copy forgotten; None when it names none.

    Every order event means the order changed in Saleor.
    """
    order_id = ((delivery.payload or {}).get("order") or {}).get("id")
    if not order_id:
        return None
    invalidate_order(delivery.installation, order_id)
    return order_id
