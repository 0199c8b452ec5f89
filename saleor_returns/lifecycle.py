"""Status moves as every capability makes them, and what each move sets off.

`states.transition()` knows nothing of Celery; `transition()` here also keeps
Saleor's order in step: its public metadata shows each return's status, synced
after commit.
"""

from celery import shared_task
from django.db import transaction

from saleor_returns import states
from saleor_returns.models import Resolution, ReturnRequest
from saleor_returns.saleor.client import SaleorClient
from saleor_returns.task_schedule import RETRY_OPTIONS

ORDER_METADATA_PREFIX = "saleor-returns."


def transition(return_request, *, to: str, actor, **details):
    """`states.transition()`, then what every move sets off: Saleor's order shows the return's
    status in its metadata (queued after commit). Returns the event, or None for no move."""
    event = states.transition(return_request, to=to, actor=actor, **details)
    if event is not None:
        request_id = str(return_request.pk)
        transaction.on_commit(lambda: sync_order_metadata_task.delay(request_id))
    return event


def is_returnless(return_request: ReturnRequest) -> bool:
    """Resolved without a parcel coming back: keep-the-item, and claims (APPROVED → RESOLVED)."""
    return return_request.is_claim or return_request.resolution == Resolution.KEEP_ITEM


@shared_task(name="saleor_returns.sync_order_metadata", **RETRY_OPTIONS)
def sync_order_metadata_task(return_request_id: str) -> None:
    """The order's public metadata carries each return's number and status, for Saleor's own screens."""
    return_request = ReturnRequest.objects.select_related("installation").filter(pk=return_request_id).first()
    if return_request is None or not return_request.installation.is_active:
        return
    SaleorClient.for_installation(return_request.installation).mutate(
        "UpdateMetadata",
        {
            "id": return_request.order_id,
            "input": [{"key": ORDER_METADATA_PREFIX + return_request.rma_number, "value": return_request.status}],
        },
    )
