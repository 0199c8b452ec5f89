"""A delivery Saleor signed for another app, or of another event, is refused at every route.

Saleor signs every app's webhooks with the same key (shared/specs/saleor.md §k): a body
captured from another app's subscription verifies just as well. Only `recipient` says
whom Saleor sent it to, and `__typename` what it is about.
"""

from datetime import datetime, timezone

import pytest

from saleor_returns.models import Installation, SaleorWebhookDelivery
from tests.conftest import post_raw

# Every Saleor webhook the app subscribes to, with the payload type Saleor sends for it.
TYPENAMES = {
    "app_deleted": "AppDeleted",
    "order_created": "OrderCreated",
    "order_fully_paid": "OrderFullyPaid",
    "order_refunded": "OrderRefunded",
    "order_updated": "OrderUpdated",
    "permission_group_deleted": "PermissionGroupDeleted",
    "permission_group_updated": "PermissionGroupUpdated",
    "staff_deleted": "StaffDeleted",
    "staff_updated": "StaffUpdated",
}
ROUTES = sorted(TYPENAMES)


def delivery(fake_saleor, event: str, *, recipient: dict | None, typename: str | None = None):
    payload = {
        "__typename": typename or TYPENAMES[event],
        "issuedAt": datetime.now(tz=timezone.utc).isoformat(),
        "version": "3.23.28",
        "issuingPrincipal": {"__typename": "App", "id": "QXBwOjk5"},
        "app": {"id": "QXBwOjk5", "identifier": "other.app", "name": "Other"},
        "order": {"id": "T3JkZXI6MQ==", "number": "1"},
        "user": {"id": "VXNlcjox", "email": "staff@example.com", "isActive": False, "userPermissions": []},
        "permissionGroup": {"id": "R3JvdXA6MQ=="},
    }
    if recipient is not None:
        payload["recipient"] = recipient
    body = fake_saleor.webhook_body(payload)
    return fake_saleor.webhook_headers(event, body), body


def test_every_route_is_covered():
    from saleor_returns.saleor.manifest import WEBHOOK_EVENTS as EVENTS

    assert sorted(EVENTS) == ROUTES


def route(event: str) -> str:
    return f"/webhooks/saleor/{event.replace('_', '-')}/"


@pytest.mark.parametrize("event", ROUTES)
def test_a_body_signed_for_another_app_is_refused(client, installation, fake_saleor, event, django_capture_on_commit_callbacks):
    # given: signed with the shop's key, sent to another app of the same shop
    other = fake_saleor.add_app(identifier="other.app", name="Other")
    headers, body = delivery(fake_saleor, event, recipient={"id": other["id"]})

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_raw(client, route(event), headers, body)

    # then
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "OTHER_RECIPIENT", "message": "The webhook was not sent to this app."}}
    assert SaleorWebhookDelivery.objects.count() == 0
    assert callbacks == []
    assert Installation.objects.get().is_active is True


@pytest.mark.parametrize("event", ROUTES)
def test_a_body_without_a_recipient_is_refused(client, installation, fake_saleor, event):
    headers, body = delivery(fake_saleor, event, recipient=None)

    response = post_raw(client, route(event), headers, body)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "OTHER_RECIPIENT"
    assert SaleorWebhookDelivery.objects.count() == 0


@pytest.mark.parametrize("event", ROUTES)
def test_a_payload_of_another_event_is_refused_even_with_a_matching_header(client, installation, fake_saleor, event):
    # given: this app's delivery of another event, its Saleor-Event header rewritten to match the route
    other = next(name for name in ROUTES if name != event)
    headers, body = delivery(fake_saleor, event, recipient={"id": installation.app_id}, typename=TYPENAMES[other])

    response = post_raw(client, route(event), headers, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "UNEXPECTED_EVENT"
    assert SaleorWebhookDelivery.objects.count() == 0


@pytest.mark.parametrize("event", ROUTES)
def test_this_apps_own_delivery_is_accepted(client, installation, fake_saleor, event):
    headers, body = delivery(fake_saleor, event, recipient={"id": installation.app_id})

    response = post_raw(client, route(event), headers, body)

    assert response.status_code == 200
    assert SaleorWebhookDelivery.objects.count() == 1


def test_every_subscription_asks_saleor_for_the_recipient(settings):
    from saleor_returns.saleor.manifest import build_manifest  # noqa: PLC0415 - after the app's modules

    webhooks = build_manifest()["webhooks"]
    assert sorted(hook["name"].replace("-", "_") for hook in webhooks) == ROUTES
    for webhook in webhooks:
        assert "recipient {\n      id\n    }" in webhook["query"], webhook["name"]
