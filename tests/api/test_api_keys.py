"""API keys: scopes chosen at creation within the creator's permissions, the creator recorded, an
optional expiry, last use shown, minting only with MANAGE_APPS, and death with the creator's rights
(STAFF_UPDATED / STAFF_DELETED from Saleor, and a periodic check)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from saleor_returns.installations import api_keys
from saleor_returns.installations import tasks as installation_tasks
from saleor_returns.models import ApiKey
from tests.api.conftest import ALL_STAFF_PERMISSIONS, Caller, create_request
from tests.conftest import post_raw

CREATE = """
mutation($name: String!, $scopes: [ApiKeyScope!]!, $expiresAt: DateTime) {
  returnApiKeyCreate(name: $name, scopes: $scopes, expiresAt: $expiresAt) {
    key
    apiKey { id prefix scopes createdByEmail createdByKeyPrefix expiresAt lastUsedAt status revokedReason }
    errors { field code message }
  }
}
"""
LIST = "query($all: Boolean) { returnApiKeys(includeRevoked: $all) { prefix scopes status revokedReason lastUsedAt createdByEmail } }"
REVOKE = "mutation($id: ID!) { returnApiKeyRevoke(id: $id) { apiKey { status revokedReason } errors { code } } }"
RESOLVE = "mutation($id: ID!) { returnRequestResolve(id: $id, resolution: REFUND) { errors { code } } }"


@pytest.fixture
def owner(fake_saleor):
    return fake_saleor.add_staff("owner@example.com", list(ALL_STAFF_PERMISSIONS))


@pytest.fixture
def as_owner(client, shop, fake_saleor, fake_app, owner):
    return Caller(client, shop.saleor_api_url, fake_saleor.issue_staff_app_token(owner, fake_app))


def create(caller, scopes, name="ERP", expires_at=None):
    return caller(CREATE, {"name": name, "scopes": scopes, "expiresAt": expires_at})


def key_caller(client, shop, key):
    return Caller(client, shop.saleor_api_url, key)


def test_a_key_holds_the_scopes_chosen_and_no_more(client, shop, as_owner, alices_order, as_alice):
    # given: an integrator's key that may manage orders but not move money
    created = create(as_owner, ["MANAGE_ORDERS"])["data"]["returnApiKeyCreate"]
    integrator = key_caller(client, shop, created["key"])
    request_id = create_request(as_alice, alices_order)["id"]

    # when
    listed = integrator("{ returnRequests { totalCount } }")["data"]
    refused = integrator(RESOLVE, {"id": request_id})

    # then
    assert created["apiKey"]["scopes"] == ["MANAGE_ORDERS"]
    assert created["apiKey"]["createdByEmail"] == "owner@example.com"
    assert listed == {"returnRequests": {"totalCount": 1}}
    assert refused["errors"][0]["extensions"]["permissions"] == ["HANDLE_PAYMENTS"]


def test_a_creator_cannot_grant_what_they_do_not_hold(client, shop, fake_saleor, fake_app):
    # given: staff who manage orders and apps, but not payments
    member = fake_saleor.add_staff("apps@example.com", ["MANAGE_ORDERS", "MANAGE_APPS"])
    caller = Caller(client, shop.saleor_api_url, fake_saleor.issue_staff_app_token(member, fake_app))

    # when
    result = create(caller, ["MANAGE_ORDERS", "HANDLE_PAYMENTS"])

    # then
    (error,) = result["errors"]
    assert error["extensions"]["permissions"] == ["HANDLE_PAYMENTS"]
    assert "do not hold HANDLE_PAYMENTS" in error["message"]
    assert ApiKey.objects.count() == 0
    assert create(caller, ["MANAGE_ORDERS", "GUEST_LOOKUP"])["data"]["returnApiKeyCreate"]["errors"] == []


def test_scopes_are_required_and_the_expiry_must_be_ahead(as_owner):
    no_scopes = create(as_owner, [])["data"]["returnApiKeyCreate"]
    past = create(as_owner, ["MANAGE_ORDERS"], expires_at=(timezone.now() - timedelta(hours=1)).isoformat())
    far = create(as_owner, ["MANAGE_ORDERS"], expires_at=(timezone.now() + timedelta(days=800)).isoformat())

    assert no_scopes["errors"] == [{"field": "scopes", "code": "REQUIRED", "message": "Choose what the key may do."}]
    assert past["data"]["returnApiKeyCreate"]["errors"][0]["field"] == "expiresAt"
    assert far["data"]["returnApiKeyCreate"]["errors"][0]["field"] == "expiresAt"
    assert ApiKey.objects.count() == 0


def test_a_key_stops_working_at_its_expiry(client, shop, as_owner):
    # given
    expires = timezone.now() + timedelta(days=1)
    created = create(as_owner, ["MANAGE_ORDERS"], expires_at=expires.isoformat())["data"]["returnApiKeyCreate"]
    integrator = key_caller(client, shop, created["key"])
    assert integrator.post("{ viewer { kind } }").status_code == 200

    # when
    with time_machine.travel(expires + timedelta(seconds=1)):
        response = integrator.post("{ viewer { kind } }")
        listed = as_owner_list_after(client, shop)

    # then
    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]["message"]
    assert listed == ["EXPIRED"]


def as_owner_list_after(client, shop):
    # The owner's Dashboard token would have expired too: list the keys from the database's view.
    return [api_keys.status(key) for key in ApiKey.objects.filter(installation=shop)]


def test_last_use_is_shown_and_noted_at_most_once_a_minute(client, shop, as_owner):
    # given
    created = create(as_owner, ["MANAGE_ORDERS"])["data"]["returnApiKeyCreate"]
    integrator = key_caller(client, shop, created["key"])
    assert created["apiKey"]["lastUsedAt"] is None

    # when
    integrator("{ viewer { kind } }")
    first = ApiKey.objects.get().last_used_at
    integrator("{ viewer { kind } }")
    second = ApiKey.objects.get().last_used_at
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        integrator.post("{ viewer { kind } }")
        third = ApiKey.objects.get().last_used_at

    # then
    assert first is not None and second == first and third > first
    assert as_owner(LIST)["data"]["returnApiKeys"][0]["lastUsedAt"] is not None


def test_only_a_key_with_manage_apps_mints_keys_and_only_within_its_scopes(client, shop, as_owner):
    # given
    plain = create(as_owner, ["MANAGE_ORDERS"], name="plain")["data"]["returnApiKeyCreate"]["key"]
    parent = create(as_owner, ["MANAGE_ORDERS", "MANAGE_APPS"], name="parent")["data"]["returnApiKeyCreate"]["key"]

    # when
    by_plain = create(key_caller(client, shop, plain), ["MANAGE_ORDERS"])
    too_much = create(key_caller(client, shop, parent), ["MANAGE_ORDERS", "HANDLE_PAYMENTS"])
    child = create(key_caller(client, shop, parent), ["MANAGE_ORDERS"], name="child")["data"]["returnApiKeyCreate"]

    # then
    assert by_plain["errors"][0]["extensions"]["permissions"] == ["MANAGE_APPS"]
    assert too_much["errors"][0]["extensions"]["permissions"] == ["HANDLE_PAYMENTS"]
    assert child["errors"] == []
    assert child["apiKey"]["createdByEmail"] == "owner@example.com"
    assert child["apiKey"]["createdByKeyPrefix"] == ApiKey.objects.get(name="parent").prefix


def test_revoking_a_key_revokes_the_keys_it_minted(client, shop, as_owner):
    # given
    parent = create(as_owner, ["MANAGE_ORDERS", "MANAGE_APPS"], name="parent")["data"]["returnApiKeyCreate"]
    child = create(key_caller(client, shop, parent["key"]), ["MANAGE_ORDERS"], name="child")["data"]["returnApiKeyCreate"]

    # when
    as_owner(REVOKE, {"id": parent["apiKey"]["id"]})

    # then
    assert key_caller(client, shop, child["key"]).post("{ viewer { kind } }").status_code == 401
    assert ApiKey.objects.get(name="child").revoked_reason == ApiKey.RevokedReason.PARENT_REVOKED


def test_a_minted_key_never_outlives_the_key_that_made_it(client, shop, as_owner):
    expires = timezone.now() + timedelta(days=3)
    parent = create(as_owner, ["MANAGE_ORDERS", "MANAGE_APPS"], expires_at=expires.isoformat())["data"]["returnApiKeyCreate"]

    child = create(key_caller(client, shop, parent["key"]), ["MANAGE_ORDERS"], name="child")["data"]["returnApiKeyCreate"]

    assert ApiKey.objects.get(name="child").expires_at == ApiKey.objects.get(pk=ApiKey.objects.get(name="child").created_by_key_id).expires_at
    assert child["apiKey"]["expiresAt"] is not None


def test_a_key_cannot_be_made_when_the_app_cannot_follow_its_creator(client, shop, fake_saleor, fake_app, owner, as_owner):
    # given: the app was installed without MANAGE_STAFF, so Saleor hides staff accounts from it
    fake_app["permissions"] = [p for p in fake_app["permissions"] if p["code"] != "MANAGE_STAFF"]

    # when
    result = create(as_owner, ["MANAGE_ORDERS"])["data"]["returnApiKeyCreate"]

    # then
    assert result["key"] is None
    assert "MANAGE_STAFF" in result["errors"][0]["message"]
    assert ApiKey.objects.count() == 0


# --------------------------------------------------------------------------- following the creator


def subscribe(fake_saleor, fake_app):
    """The app's manifest webhooks, registered in the fake as Saleor would at install."""
    from saleor_returns.saleor.manifest import build_manifest

    for hook in build_manifest()["webhooks"]:
        fake_saleor.add_webhook(
            fake_app, "http://127.0.0.1:9/unused/", query=hook["query"], async_events=hook["asyncEvents"], name=hook["name"]
        )


def deliver(client, fake_saleor, records, django_capture_on_commit_callbacks):
    """Post the deliveries the fake built (from the app's own subscription queries) to the app."""
    assert records, "Saleor sent nothing"
    for record in records:
        assert record["body"] is not None, record["error"]
        event = record["event"].lower()
        with django_capture_on_commit_callbacks(execute=True):
            response = post_raw(client, f"/webhooks/saleor/{event.replace('_', '-')}/",
                                fake_saleor.webhook_headers(event, record["body"]), record["body"])
        assert response.status_code == 200, response.content


@pytest.fixture
def keys(as_owner):
    return {
        scopes: create(as_owner, list(scopes), name="+".join(scopes))["data"]["returnApiKeyCreate"]["key"]
        for scopes in [("MANAGE_ORDERS",), ("MANAGE_ORDERS", "HANDLE_PAYMENTS"), ("GUEST_LOOKUP",)]
    }


def live(client, shop, key) -> bool:
    return key_caller(client, shop, key).post("{ viewer { kind } }").status_code == 200


def test_staff_updated_revokes_the_keys_holding_a_permission_the_creator_lost(
    client, shop, fake_saleor, fake_app, owner, keys, django_capture_on_commit_callbacks
):
    # given
    subscribe(fake_saleor, fake_app)

    # when: the owner's group no longer gives HANDLE_PAYMENTS
    fake_saleor.update_staff(owner, permissions=["MANAGE_ORDERS", "MANAGE_APPS"])
    deliver(client, fake_saleor, [d for d in fake_saleor.deliveries if d["event"] == "STAFF_UPDATED"],
            django_capture_on_commit_callbacks)

    # then
    assert live(client, shop, keys[("MANAGE_ORDERS",)])
    assert live(client, shop, keys[("GUEST_LOOKUP",)])
    assert not live(client, shop, keys[("MANAGE_ORDERS", "HANDLE_PAYMENTS")])
    assert ApiKey.objects.get(name="MANAGE_ORDERS+HANDLE_PAYMENTS").revoked_reason == "creator_lost_permissions"


def test_staff_updated_to_inactive_revokes_every_key(
    client, shop, fake_saleor, fake_app, owner, keys, django_capture_on_commit_callbacks
):
    subscribe(fake_saleor, fake_app)

    fake_saleor.update_staff(owner, is_active=False)
    deliver(client, fake_saleor, fake_saleor.deliveries, django_capture_on_commit_callbacks)

    assert not any(live(client, shop, key) for key in keys.values())
    assert set(ApiKey.objects.values_list("revoked_reason", flat=True)) == {"creator_deactivated"}


def test_staff_deleted_revokes_every_key(client, shop, fake_saleor, fake_app, owner, keys, django_capture_on_commit_callbacks):
    subscribe(fake_saleor, fake_app)

    fake_saleor.delete_staff(owner)
    deliver(client, fake_saleor, fake_saleor.deliveries, django_capture_on_commit_callbacks)

    assert not any(live(client, shop, key) for key in keys.values())
    assert set(ApiKey.objects.values_list("revoked_reason", flat=True)) == {"creator_deleted"}


def test_staff_webhooks_reach_only_an_app_with_manage_staff(fake_saleor, fake_app, owner, keys):
    # Saleor sends STAFF_* only to apps holding MANAGE_STAFF (saleor/webhook/utils.py)
    subscribe(fake_saleor, fake_app)
    fake_app["permissions"] = [p for p in fake_app["permissions"] if p["code"] != "MANAGE_STAFF"]

    fake_saleor.update_staff(owner, is_active=False)

    assert fake_saleor.deliveries == []


def test_the_periodic_check_revokes_what_no_webhook_announced(client, shop, fake_saleor, owner, keys):
    # given: the owner's group lost HANDLE_PAYMENTS, and no webhook arrived (e.g. the app lacked it then)
    owner["userPermissions"] = [{"code": "MANAGE_ORDERS", "name": "Manage orders."}]

    # when
    installation_tasks.check_api_key_creators_task.delay()

    # then
    assert live(client, shop, keys[("MANAGE_ORDERS",)])
    assert not live(client, shop, keys[("MANAGE_ORDERS", "HANDLE_PAYMENTS")])


def test_the_periodic_check_revokes_keys_whose_creator_it_cannot_see(client, shop, fake_saleor, fake_app, keys):
    # given: the shop took MANAGE_STAFF away from the app
    fake_app["permissions"] = [p for p in fake_app["permissions"] if p["code"] != "MANAGE_STAFF"]

    # when
    installation_tasks.check_api_key_creators_task.delay()

    # then
    assert not any(live(client, shop, key) for key in keys.values())
    assert set(ApiKey.objects.values_list("revoked_reason", flat=True)) == {"creator_not_found"}


def test_the_list_shows_revoked_keys_only_on_request(as_owner, keys):
    key = ApiKey.objects.get(name="GUEST_LOOKUP")
    api_keys.revoke_api_key(api_key=key)

    current = as_owner(LIST)["data"]["returnApiKeys"]
    everything = as_owner(LIST, {"all": True})["data"]["returnApiKeys"]

    assert len(current) == 2
    assert {(k["prefix"], k["status"], k["revokedReason"]) for k in everything if k["status"] != "ACTIVE"} == {
        (key.prefix, "REVOKED", "REVOKED")
    }
