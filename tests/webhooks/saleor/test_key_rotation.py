"""Saleor rotates its signing key: the app fetches the JWKS again, once, and goes on."""

from datetime import datetime, timedelta, timezone

import pytest

from saleor_returns.models import SaleorWebhookDelivery
from tests.conftest import post_raw

URL = "/webhooks/saleor/app-deleted/"


def app_deleted(fake_saleor, app_id):
    payload = {
        "__typename": "AppDeleted",
        "issuedAt": datetime.now(tz=timezone.utc).isoformat(),
        "version": "3.23.28",
        "recipient": {"id": app_id},
        "app": {"id": app_id, "identifier": "saleor.returns", "name": "Returns"},
    }
    body = fake_saleor.webhook_body(payload)
    return fake_saleor.webhook_headers("app_deleted", body), body


@pytest.fixture
def stale_installation(installation):
    """Its JWKS was fetched long enough ago that a refetch is allowed."""
    installation.jwks_fetched_at = datetime.now(tz=timezone.utc) - timedelta(hours=1)
    installation.save()
    return installation


def test_webhook_signed_with_a_new_key_is_accepted_after_one_jwks_fetch(
    client, fake_saleor, stale_installation, django_capture_on_commit_callbacks
):
    # given
    old_jwks = stale_installation.jwks
    fake_saleor.rotate_key()
    headers, body = app_deleted(fake_saleor, stale_installation.app_id)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(client, URL, headers, body)

    # then
    assert response.status_code == 200
    stale_installation.refresh_from_db()
    assert stale_installation.jwks == fake_saleor.jwks() != old_jwks
    assert fake_saleor.jwks_fetches == 1
    assert stale_installation.is_active is False


def test_no_refetch_within_the_minimum_interval(client, fake_saleor, installation, django_capture_on_commit_callbacks):
    # given: the JWKS was fetched just now, and the signature uses an unknown key
    fetched_at = installation.jwks_fetched_at
    fake_saleor.rotate_key()
    headers, body = app_deleted(fake_saleor, installation.app_id)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_raw(client, URL, headers, body)

    # then
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "INVALID_SIGNATURE",
        "message": "The signing key is not in the shop's JWKS.",
    }
    installation.refresh_from_db()
    assert installation.jwks_fetched_at == fetched_at
    assert fake_saleor.jwks_fetches == 0
    assert installation.is_active is True
    assert callbacks == []
    assert SaleorWebhookDelivery.objects.count() == 0


def test_a_forged_signature_still_fails_after_the_refetch(
    client, fake_saleor, stale_installation, django_capture_on_commit_callbacks
):
    # given: signed for one body, sent with another
    headers, _ = app_deleted(fake_saleor, stale_installation.app_id)
    _, other_body = app_deleted(fake_saleor, "QXBwOjk5")

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_raw(client, URL, headers, other_body)

    # then
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The signature does not match the body."
    assert callbacks == []
    stale_installation.refresh_from_db()
    assert stale_installation.is_active is True


def test_staff_token_signed_with_a_new_key_is_accepted(client, fake_saleor, fake_app, stale_installation):
    # given
    fake_saleor.rotate_key()
    staff = fake_saleor.add_staff("staff@example.com", ["MANAGE_ORDERS"])
    token = fake_saleor.issue_staff_app_token(staff, fake_app)

    # when
    response = client.post(
        "/graphql/",
        {"query": "{ viewer { kind permissions } }"},
        content_type="application/json",
        headers={"Saleor-Api-Url": fake_saleor.api_url, "Authorization": f"Bearer {token}"},
    )

    # then
    assert response.status_code == 200
    assert response.json()["data"]["viewer"] == {"kind": "STAFF", "permissions": ["MANAGE_ORDERS"]}
