"""Celery tasks: each takes ids, re-reads its rows, is safe to run twice and
calls one action. Queued after commit by the actions.

Outside calls fail in two ways: SaleorUnavailable (timeouts, 5xx, network) is
retried with exponential backoff; anything else (4xx, bad data) is not.
"""

import logging

from celery import shared_task

from saleor_returns import actions
from saleor_returns.models import Installation, SaleorWebhookDelivery
from saleor_returns.saleor import auth
from saleor_returns.saleor.client import SaleorUnavailable
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
