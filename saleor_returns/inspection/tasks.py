"""Inspection's outside calls: the accepted units marked returned in Saleor, and restocked."""

import logging

from celery import shared_task

from saleor_returns import policies
from saleor_returns.inspection import actions
from saleor_returns.models import ReturnRequest
from saleor_returns.saleor.client import SaleorClient
from saleor_returns.task_schedule import RETRY_OPTIONS

logger = logging.getLogger(__name__)


@shared_task(name="saleor_returns.record_return_in_saleor", **RETRY_OPTIONS)
def record_return_in_saleor_task(return_request_id: str) -> None:
    """Mark the accepted units returned in Saleor (a RETURNED fulfillment, no Saleor refund) and
    restock what the inspection sends back to a warehouse; Saleor never restocks returns itself."""
    return_request = ReturnRequest.objects.select_related("installation").filter(pk=return_request_id).first()
    if return_request is None:
        return
    client = SaleorClient.for_installation(return_request.installation)
    marker = f"saleor-returns:{return_request.pk}"
    if not return_request.saleor_return_fulfillment_id:
        _return_lines_in_saleor(client, return_request, marker)
    for line in return_request.lines.filter(disposition="restock", restocked_at__isnull=True, accepted_quantity__gt=0):
        _restock(client, line)


def _return_lines_in_saleor(client, return_request, marker: str) -> None:
    order = client.query("OrderReturnFulfillments", {"id": return_request.order_id}).get("order") or {}
    fulfillments = order.get("fulfillments") or []
    done = next((f for f in fulfillments if marker in (f.get("reason") or "")), None)
    if done is None:
        wanted = {line.order_line_id: line.accepted_quantity for line in return_request.lines.all() if line.accepted_quantity}
        fulfillment_lines = []
        for fulfillment in fulfillments:
            if fulfillment["status"] != "FULFILLED":
                continue
            for item in fulfillment.get("lines") or []:
                order_line_id = (item.get("orderLine") or {}).get("id")
                take = min(wanted.get(order_line_id, 0), item["quantity"])
                if take > 0:
                    fulfillment_lines.append({"fulfillmentLineId": item["id"], "quantity": take, "replace": False,
                                              "reason": return_request.rma_number})
                    wanted[order_line_id] -= take
        if not fulfillment_lines:
            logger.warning("Nothing left to mark returned in Saleor", extra={"return_request_id": str(return_request.pk)})
            return
        result = client.mutate(
            "ReturnOrderLines",
            {"orderId": return_request.order_id,
             "input": {"fulfillmentLines": fulfillment_lines, "refund": False, "reason": f"{return_request.rma_number} ({marker})"}},
        )
        done = result["orderFulfillmentReturnProducts"]["returnFulfillment"]
    client.mutate("UpdateMetadata", {"id": done["id"], "input": [{"key": policies.FULFILLMENT_RMA_KEY, "value": return_request.rma_number}]})
    actions.record_saleor_return(return_request_id=return_request.pk, fulfillment_id=done["id"])


def _restock(client, line) -> None:
    if line.restock_target_quantity is None:
        variant = client.query("VariantStocks", {"id": line.variant_id}).get("productVariant")
        if variant is None:
            logger.warning("Variant gone; nothing restocked", extra={"return_line_id": str(line.pk)})
            return
        current = next((s["quantity"] for s in variant["stocks"] if s["warehouse"]["id"] == line.restock_warehouse_id), 0)
        line = actions.record_restock_target(line_id=line.pk, target=current + line.accepted_quantity)
    client.mutate(
        "VariantStocksUpdate",
        {"variantId": line.variant_id, "stocks": [{"warehouse": line.restock_warehouse_id, "quantity": line.restock_target_quantity}]},
    )
    actions.record_restocked(line_id=line.pk)
