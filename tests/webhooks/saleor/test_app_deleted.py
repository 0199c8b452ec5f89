"""POST /webhooks/saleor/app-deleted/ with the delivery a real Saleor sent."""

import json

import pytest

from saleor_returns.models import Installation, SaleorWebhookDelivery
from tests.conftest import captured_webhook, post_raw
from tests.factories import InstallationFactory

URL = "/webhooks/saleor/app-deleted/"


def test_captured_app_deleted_deactivates_the_installation(client, captured_installation, django_capture_on_commit_callbacks):
    # given
    headers, body = captured_webhook("app_deleted")

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_raw(client, URL, headers, body)

    # then
    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    assert len(callbacks) == 1
    captured_installation.refresh_from_db()
    assert captured_installation.is_active is False
    assert captured_installation.deactivated_at is not None
    delivery = SaleorWebhookDelivery.objects.get()
    assert delivery.event == "app_deleted"
    assert delivery.status == SaleorWebhookDelivery.Status.APPLIED
    assert delivery.payload == json.loads(body)


def test_a_deactivated_installation_is_no_longer_served(client, captured_installation, django_capture_on_commit_callbacks):
    # given
    headers, body = captured_webhook("app_deleted")
    with django_capture_on_commit_callbacks(execute=True):
        post_raw(client, URL, headers, body)

    # when: Saleor retries the same delivery
    response = post_raw(client, URL, headers, body)

    # then
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "UNKNOWN_SALEOR", "message": "The app is not installed in this Saleor."}}


def test_a_repeated_delivery_is_stored_and_applied_once(client, captured_installation, django_capture_on_commit_callbacks):
    # given
    headers, body = captured_webhook("app_deleted")

    # when: delivered twice (the second time the installation is already gone)
    with django_capture_on_commit_callbacks(execute=True) as first:
        post_raw(client, URL, headers, body)
    with django_capture_on_commit_callbacks(execute=True) as second:
        response = post_raw(client, URL, headers, body)

    # then
    assert response.status_code == 401
    assert (len(first), len(second)) == (1, 0)
    assert SaleorWebhookDelivery.objects.count() == 1


def test_app_deleted_for_an_earlier_install_keeps_the_reinstalled_app(
    client, captured_installation, django_capture_on_commit_callbacks
):
    # given: the shop re-installed the app, which now has another id
    captured_installation.app_id = "QXBwOjEy"
    captured_installation.save()
    headers, body = captured_webhook("app_deleted")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(client, URL, headers, body)

    # then: it was sent to the earlier app, not to this one
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "OTHER_RECIPIENT"
    captured_installation.refresh_from_db()
    assert captured_installation.is_active is True
    assert SaleorWebhookDelivery.objects.count() == 0


def forge(body: bytes) -> bytes:
    payload = json.loads(body)
    payload["app"]["id"] = "QXBwOjk5"
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    ("_case", "change", "status", "code"),
    [
        ("forged body", lambda h, b: (h, forge(b)), 401, "INVALID_SIGNATURE"),
        ("no signature", lambda h, b: ({k: v for k, v in h.items() if "Signature" not in k}, b), 401, "INVALID_SIGNATURE"),
        (
            "signature of another delivery",
            lambda h, b: (dict(h, **{"Saleor-Signature": captured_webhook("order_updated")[0]["Saleor-Signature"]}), b),
            401,
            "INVALID_SIGNATURE",
        ),
        ("unknown shop", lambda h, b: (dict(h, **{"Saleor-Api-Url": "https://other.example.com/graphql/"}), b), 401, "UNKNOWN_SALEOR"),
        ("no shop", lambda h, b: ({k: v for k, v in h.items() if k != "Saleor-Api-Url"}, b), 401, "UNKNOWN_SALEOR"),
        ("other event", lambda h, b: (dict(h, **{"Saleor-Event": "order_updated"}), b), 400, "UNEXPECTED_EVENT"),
    ],
)
def test_refused_deliveries_change_nothing(
    client, captured_installation, django_capture_on_commit_callbacks, _case, change, status, code
):
    # given
    headers, body = change(*captured_webhook("app_deleted"))

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_raw(client, URL, headers, body)

    # then
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert callbacks == []
    assert SaleorWebhookDelivery.objects.count() == 0
    captured_installation.refresh_from_db()
    assert captured_installation.is_active is True


def test_unknown_event_endpoint_is_404(client, captured_installation):
    headers, body = captured_webhook("app_deleted")
    response = post_raw(client, "/webhooks/saleor/order-exploded/", headers, body)
    assert response.status_code == 404


def test_a_delivery_for_another_shop_does_not_touch_this_one(
    client, captured_installation, django_capture_on_commit_callbacks
):
    # given: another shop is installed too
    other = InstallationFactory()
    headers, body = captured_webhook("app_deleted")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        post_raw(client, URL, headers, body)

    # then
    other.refresh_from_db()
    assert other.is_active is True
    assert Installation.objects.filter(is_active=False).get() == captured_installation
