"""Saleor's deliveries: each verified body stored once, then applied by a task through its event's handler."""

import hashlib

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

from saleor_returns.models import Installation, SaleorWebhookDelivery
from saleor_returns.task_schedule import RETRY_OPTIONS
from saleor_returns.webhooks.saleor import handlers


def record_saleor_webhook(*, installation: Installation, event: str, body: bytes, payload: dict):
    """Store a verified delivery once and queue it; a repeat returns (existing, False)."""
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            delivery = SaleorWebhookDelivery.objects.create(
                installation=installation, event=event, body_sha256=digest, payload=payload
            )
            transaction.on_commit(lambda: apply_saleor_webhook_task.delay(str(delivery.pk)))
    except IntegrityError:
        existing = SaleorWebhookDelivery.objects.get(installation=installation, event=event, body_sha256=digest)
        return existing, False
    return delivery, True


def finish_saleor_webhook(*, delivery_id, status: str, error: str = "") -> None:
    SaleorWebhookDelivery.objects.filter(pk=delivery_id).update(
        status=status, error=error, applied_at=timezone.now()
    )


@shared_task(name="saleor_returns.apply_saleor_webhook", **RETRY_OPTIONS)
def apply_saleor_webhook_task(delivery_id: str) -> None:
    """Apply a stored Saleor webhook once."""
    delivery = SaleorWebhookDelivery.objects.select_related("installation").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != SaleorWebhookDelivery.Status.PENDING:
        return
    handler = handlers.get(delivery.event)
    if handler is None:
        finish_saleor_webhook(delivery_id=delivery.pk, status=SaleorWebhookDelivery.Status.IGNORED)
        return
    applied = handler(delivery)
    finish_saleor_webhook(
        delivery_id=delivery.pk,
        status=SaleorWebhookDelivery.Status.APPLIED if applied else SaleorWebhookDelivery.Status.IGNORED,
    )
