"""ORDER_UPDATED: forget the cached order, so the next eligibility answer reads Saleor again, and record
the order as it is now in the sales ledger (an edit, a cancellation or an expiry moves its figures)."""

import logging

from saleor_returns.analytics import actions as analytics_actions
from saleor_returns.analytics.ledger import UnreadableOrder
from saleor_returns.saleor.orders import invalidate_order

logger = logging.getLogger(__name__)


def handle(delivery) -> bool:
    forgotten = forget_order(delivery) is not None
    recorded = record_sold_order(delivery)
    return forgotten or recorded


def forget_order(delivery) -> str | None:
    """The id of the order the payload names, its cached copy forgotten; None when it names none.

    Every order event means the order changed in Saleor.
    """
    order_id = ((delivery.payload or {}).get("order") or {}).get("id")
    if not order_id:
        return None
    invalidate_order(delivery.installation, order_id)
    return order_id


def record_sold_order(delivery) -> bool:
    """The payload's order into the sales ledger; False when it is older than what the ledger holds.

    A delivery made with an older subscription (before the shop's webhooks were brought up to
    date) carries no lines: the ledger is left as it is.
    """
    try:
        return analytics_actions.record_sold_order(
            installation=delivery.installation, data=(delivery.payload or {}).get("order")
        )
    except UnreadableOrder:
        logger.warning("Order webhook without the ledger's fields", extra={"event": delivery.event})
        return False
