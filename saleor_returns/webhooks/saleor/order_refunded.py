"""ORDER_REFUNDED: a refund on the order moved; confirm this app's refunds for it from Saleor."""

from saleor_returns import tasks
from saleor_returns.models import Refund
from saleor_returns.webhooks.saleor.order_updated import forget_order


def handle(delivery) -> bool:
    order_id = forget_order(delivery)
    if order_id is None:
        return False
    refunds = Refund.objects.filter(
        return_request__installation=delivery.installation,
        return_request__order_id=order_id,
        status__in=[Refund.Status.PENDING, Refund.Status.PROCESSING],
    ).values_list("pk", flat=True)
    for refund_id in refunds:
        tasks.reconcile_refund_task.delay(str(refund_id))
    return True
