"""ORDER_FULLY_PAID: an exchange order waiting for the customer's payment may be paid; confirm it from Saleor."""

from saleor_returns.webhooks.saleor.order_updated import forget_order
from saleor_returns.resolutions import actions as resolution_actions


def handle(delivery) -> bool:
    order_id = forget_order(delivery)
    if order_id is None:
        return False
    resolution_actions.confirm_replacement_payments(installation=delivery.installation, order_id=order_id)
    return True
