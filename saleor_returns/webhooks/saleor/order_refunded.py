"""ORDER_REFUNDED: a refund on the order moved; confirm this app's refunds for it from Saleor."""

from saleor_returns import tasks
from saleor_returns.models import Refund
from saleor_returns.saleor.orders import invalidate_order


def handle(delivery) -> bool:
    order_id = ((delivery.payload or {}).get("order") or {}).get("id")
    if not order_id:
        return False
    invalidate_order(delivery.installation, order_id)
    refunds = Refund.objects.filter(
        return_request__installation=delivery.installation,
        return_request__order_id=order_id,
        status__in=[Refund.Status.PENDING, Refund.Status.PROCESSING],
    ).values_list("pk", flat=True)
    for refund_id in refunds:
        tasks.reconcile_refund_task.delay(str(refund_id))
    return True
