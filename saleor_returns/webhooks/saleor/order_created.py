"""ORDER_CREATED: the sales ledger records the new order's lines."""

from saleor_returns.webhooks.saleor.order_updated import record_sold_order


def handle(delivery) -> bool:
    return record_sold_order(delivery)
