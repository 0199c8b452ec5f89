"""Installations made by an older version get the webhook subscriptions the manifest asks for now."""

import pytest

from saleor_returns.installations import tasks as installation_tasks
from saleor_returns.saleor.manifest import build_manifest

OLD_QUERY = "subscription OrderUpdatedSubscription { event { __typename issuedAt version ... on OrderUpdated { order { id number } } } }"


def webhook_operations(fake_saleor) -> list[str]:
    return [r["operation_name"] for r in fake_saleor.requests if r["operation_name"] in ("WebhookCreate", "WebhookUpdate")]


@pytest.fixture
def old_installation(installation, fake_saleor, fake_app):
    """The shop installed the app when its subscriptions lacked `recipient` and ORDER_FULLY_PAID did not exist."""
    manifest = build_manifest()
    for webhook in manifest["webhooks"]:
        # made by a version that knew neither ORDER_CREATED, ORDER_FULLY_PAID nor the staff events
        if webhook["name"] not in ("app-deleted", "order-refunded", "order-updated"):
            continue
        query = OLD_QUERY if webhook["name"] == "order-updated" else webhook["query"].replace(
            "    recipient {\n      id\n    }\n", "")
        fake_saleor.add_webhook(fake_app, webhook["targetUrl"], query=query, async_events=webhook["asyncEvents"],
                                name=webhook["name"])
    return installation


def test_old_subscriptions_are_rewritten_and_missing_webhooks_made(old_installation, fake_saleor, fake_app):
    # when
    installation_tasks.sync_saleor_webhooks_task(str(old_installation.pk))

    # then: every webhook is the manifest's, recipient included, and none is doubled
    wanted = {w["name"]: w for w in build_manifest()["webhooks"]}
    stored = {hook["name"]: hook for hook in fake_app["webhooks"]}
    assert sorted(stored) == sorted(wanted)
    assert len(fake_app["webhooks"]) == len(wanted)
    for name, hook in stored.items():
        assert hook["subscriptionQuery"] == wanted[name]["query"]
        assert "recipient" in hook["subscriptionQuery"]
        assert [e["eventType"] for e in hook["asyncEvents"]] == wanted[name]["asyncEvents"]
    assert sorted(webhook_operations(fake_saleor)) == ["WebhookCreate"] * 6 + ["WebhookUpdate"] * 3


def test_running_it_again_changes_nothing(old_installation, fake_saleor):
    # given
    installation_tasks.sync_saleor_webhooks_task(str(old_installation.pk))
    fake_saleor.requests.clear()

    # when
    installation_tasks.sync_saleor_webhooks_task(str(old_installation.pk))

    # then: one read, no write
    assert [r["operation_name"] for r in fake_saleor.requests] == ["AppWebhooks"]


def test_the_beat_checks_every_active_shop(old_installation, fake_saleor, fake_app):
    # when
    installation_tasks.sync_all_saleor_webhooks_task()

    # then
    assert all("recipient" in hook["subscriptionQuery"] for hook in fake_app["webhooks"])
