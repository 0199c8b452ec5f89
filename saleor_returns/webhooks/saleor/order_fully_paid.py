"""ORDER_FULLY_PAID: an exchange order waiting for the customer's payment may be paid; confirm it from Saleor."""

from saleor_returns import tasks
from saleor_returns.models import ReplacementOrder
from saleor_returns.webhooks.saleor.order_updated import forget_order


def handle(delivery) -> bool:
    order_id = forget_order(delivery)
    if order_id is None:
        return False
    waiting = ReplacementOrder.objects.filter(
        return_request__installation=delivery.installation,
        saleor_order_id=order_id,
        status=ReplacementOrder.Status.AWAITING_PAYMENT,
    ).values_list("pk", flat=True)
    for replacement_id in waiting:
        tasks.confirm_replacement_payment_task.delay(str(replacement_id))
    return True
