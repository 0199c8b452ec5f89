"""ORDER_FULLY_PAID: an exchange order waiting for the customer's payment may be paid; confirm it from Saleor."""

from saleor_returns.resolutions import actions as resolution_actions
from saleor_returns.saleor.orders import invalidate_order


def handle(delivery) -> bool:
    order_id = ((delivery.payload or {}).get("order") or {}).get("id")
    if not order_id:
        return False
    invalidate_order(delivery.installation, order_id)
    resolution_actions.confirm_replacement_payments(installation=delivery.installation, order_id=order_id)
    return True
