"""An installation's outside calls: the shop's JWKS, its webhook subscriptions in Saleor, and
the staff members its API keys answer to."""

import logging

from celery import shared_task

from saleor_returns.installations import api_keys
from saleor_returns.models import Installation
from saleor_returns.saleor import auth
from saleor_returns.saleor.client import SaleorClient
from saleor_returns.saleor.manifest import build_manifest
from saleor_returns.task_schedule import RETRY_OPTIONS

logger = logging.getLogger(__name__)


@shared_task(name="saleor_returns.refresh_installation", **RETRY_OPTIONS)
def refresh_installation_task(installation_id: str) -> None:
    """Fetch and keep the shop's JWKS, so the first webhook verifies without a fetch."""
    installation = Installation.objects.filter(pk=installation_id, is_active=True).first()
    if installation is None:
        return
    auth.refresh_jwks(installation)


@shared_task(name="saleor_returns.sync_saleor_webhooks", **RETRY_OPTIONS)
def sync_saleor_webhooks_task(installation_id: str) -> None:
    """Bring the shop's webhooks in Saleor to what the manifest asks for now.

    Saleor keeps the subscriptions an installation was made with: those of an
    older version lack `recipient`, so their deliveries would be refused. Each
    webhook is found by its name (then its URL), rewritten only where it differs,
    and made when missing; running it again changes nothing.
    """
    installation = Installation.objects.filter(pk=installation_id, is_active=True).first()
    if installation is None:
        return
    client = SaleorClient.for_installation(installation)
    existing = (client.query("AppWebhooks").get("app") or {}).get("webhooks") or []
    for wanted in build_manifest()["webhooks"]:
        hook = next((h for h in existing if h["name"] == wanted["name"]), None) or next(
            (h for h in existing if h["targetUrl"] == wanted["targetUrl"]), None
        )
        if hook is None:
            client.mutate("WebhookCreate", {"input": {
                "name": wanted["name"], "targetUrl": wanted["targetUrl"], "asyncEvents": wanted["asyncEvents"],
                "query": wanted["query"], "isActive": True,
            }})
            logger.info("Saleor webhook created", extra={"saleor_api_url": installation.saleor_api_url})
            continue
        events = sorted(event["eventType"] for event in hook.get("asyncEvents") or [])
        if (hook["subscriptionQuery"], hook["targetUrl"], events) != (
            wanted["query"], wanted["targetUrl"], sorted(wanted["asyncEvents"])
        ):
            client.mutate("WebhookUpdate", {"id": hook["id"], "input": {
                "name": wanted["name"], "targetUrl": wanted["targetUrl"], "asyncEvents": wanted["asyncEvents"],
                "query": wanted["query"],
            }})
            logger.info("Saleor webhook updated", extra={"saleor_api_url": installation.saleor_api_url})


@shared_task(name="saleor_returns.sync_all_saleor_webhooks")
def sync_all_saleor_webhooks_task() -> None:
    """Beat: every active shop's webhooks checked against the manifest."""
    for installation_id in Installation.objects.filter(is_active=True).values_list("pk", flat=True):
        sync_saleor_webhooks_task.delay(str(installation_id))


@shared_task(name="saleor_returns.check_api_key_creators_of", **RETRY_OPTIONS)
def check_api_key_creators_of_task(installation_id: str) -> None:
    """Revoke the shop's API keys whose creator left, was deactivated or lost a permission the key holds."""
    installation = Installation.objects.filter(pk=installation_id, is_active=True).first()
    if installation is not None:
        api_keys.check_key_creators(installation)


@shared_task(name="saleor_returns.check_api_key_creators")
def check_api_key_creators_task() -> None:
    """Beat: every shop with live API keys has their creators checked in Saleor."""
    shops = (
        Installation.objects.filter(is_active=True, api_keys__revoked_at__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    for installation_id in shops:
        check_api_key_creators_of_task.delay(str(installation_id))
