"""Every write the app makes. Edges (API, webhooks, tasks) call these."""

import hashlib
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from saleor_returns import tasks
from saleor_returns.models import Installation, SaleorWebhookDelivery

logger = logging.getLogger(__name__)


def install_app(
    *, saleor_api_url: str, saleor_domain: str, app_token: str, app_id: str, permissions: list[str]
) -> Installation:
    """Store (or replace) the installation for a shop whose token Saleor confirmed.

    Re-installing keeps the installation row, and so the shop's returns; the new
    token and app id replace the old ones.
    """
    with transaction.atomic():
        installation = Installation.objects.select_for_update().filter(saleor_api_url=saleor_api_url).first()
        now = timezone.now()
        if installation is None:
            installation = Installation(saleor_api_url=saleor_api_url)
        installation.saleor_domain = saleor_domain
        installation.app_id = app_id
        installation.app_token = app_token
        installation.permissions = sorted(permissions)
        installation.is_active = True
        installation.installed_at = now
        installation.deactivated_at = None
        installation.save()
        transaction.on_commit(lambda: tasks.refresh_installation_task.delay(str(installation.pk)))
    logger.info("App installed", extra={"saleor_api_url": saleor_api_url, "installation_id": str(installation.pk)})
    return installation


def deactivate_installation(*, installation_id, app_id: str) -> bool:
    """APP_DELETED: stop serving the shop. Idempotent.

    Only the app instance that was deleted counts: a late APP_DELETED for an
    app that was since re-installed (new app id) changes nothing.
    """
    with transaction.atomic():
        installation = Installation.objects.select_for_update().get(pk=installation_id)
        if not installation.is_active or installation.app_id != app_id:
            return False
        installation.is_active = False
        installation.deactivated_at = timezone.now()
        installation.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    logger.info("App uninstalled", extra={"saleor_api_url": installation.saleor_api_url})
    return True


def record_saleor_webhook(*, installation: Installation, event: str, body: bytes, payload: dict):
    """Store a verified delivery once and queue it; a repeat returns (existing, False)."""
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            delivery = SaleorWebhookDelivery.objects.create(
                installation=installation, event=event, body_sha256=digest, payload=payload
            )
            transaction.on_commit(lambda: tasks.apply_saleor_webhook_task.delay(str(delivery.pk)))
    except IntegrityError:
        existing = SaleorWebhookDelivery.objects.get(installation=installation, event=event, body_sha256=digest)
        return existing, False
    return delivery, True


def finish_saleor_webhook(*, delivery_id, status: str, error: str = "") -> None:
    SaleorWebhookDelivery.objects.filter(pk=delivery_id).update(
        status=status, error=error, applied_at=timezone.now()
    )
