"""Celery tasks: each takes ids, re-reads its rows, is safe to run twice and
calls one action. Queued after commit by the actions.

Outside calls fail in two ways: SaleorUnavailable (timeouts, 5xx, network) is
retried with exponential backoff; anything else (4xx, bad data) is not.
"""

import logging
from decimal import Decimal

from celery import shared_task

from saleor_returns import actions, policies
from saleor_returns.models import Installation, ReturnRequest, SaleorWebhookDelivery
from saleor_returns.saleor import auth
from saleor_returns.saleor.client import SaleorClient, SaleorUnavailable
from saleor_returns.states import ReturnStatus
from saleor_returns.webhooks.saleor import handlers

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": (SaleorUnavailable,),
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="saleor_returns.refresh_installation", **RETRY_OPTIONS)
def refresh_installation_task(installation_id: str) -> None:
    """Fetch and keep the shop's JWKS, so the first webhook verifies without a fetch."""
    installation = Installation.objects.filter(pk=installation_id, is_active=True).first()
    if installation is None:
        return
    auth.refresh_jwks(installation)


@shared_task(name="saleor_returns.apply_saleor_webhook", **RETRY_OPTIONS)
def apply_saleor_webhook_task(delivery_id: str) -> None:
    """Apply a stored Saleor webhook once."""
    delivery = SaleorWebhookDelivery.objects.select_related("installation").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != SaleorWebhookDelivery.Status.PENDING:
        return
    handler = handlers.get(delivery.event)
    if handler is None:
        actions.finish_saleor_webhook(delivery_id=delivery.pk, status=SaleorWebhookDelivery.Status.IGNORED)
        return
    applied = handler(delivery)
    actions.finish_saleor_webhook(
        delivery_id=delivery.pk,
        status=SaleorWebhookDelivery.Status.APPLIED if applied else SaleorWebhookDelivery.Status.IGNORED,
    )


@shared_task(name="saleor_returns.review_return_request", **RETRY_OPTIONS)
def review_return_request_task(return_request_id: str) -> None:
    """Auto-review a new request; asks Saleor for the customer's order count when a rule needs it."""
    return_request = ReturnRequest.objects.select_related("installation", "policy").filter(pk=return_request_id).first()
    if return_request is None or return_request.status != ReturnStatus.REQUESTED:
        return
    rules = policies.PolicyRules.from_json(return_request.policy.rules)
    rate = None
    if rules.auto_approval.enabled and rules.auto_approval.max_customer_return_rate is not None:
        rate = customer_return_rate(return_request)
    actions.review_return_request(return_request_id=return_request.pk, customer_return_rate=rate)


def customer_return_rate(return_request) -> Decimal | None:
    """Earlier return requests per order placed, for this customer in this shop (None if unknown)."""
    if not return_request.customer_email:
        return None
    data = SaleorClient.for_installation(return_request.installation).query(
        "CustomerOrderCount", {"customer": return_request.customer_email}
    )
    orders = (data.get("orders") or {}).get("totalCount") or 0
    if orders == 0:
        return None
    returns = actions.customer_return_stats(
        installation=return_request.installation,
        customer_email=return_request.customer_email,
        customer_user_id=return_request.customer_user_id,
        exclude_id=return_request.pk,
    )
    return (Decimal(returns) / Decimal(orders)).quantize(Decimal("0.0001"))
