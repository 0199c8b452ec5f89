"""Staff settings: returnPolicyUpdate (versions), returnReasonCreate/Update/Delete, API keys."""

from graphene import relay

from saleor_returns.models import ApiKey, ReturnPolicy, ReturnReason, ReturnRequest
from tests.api.conftest import Caller, create_request

POLICY_UPDATE = """
mutation($channel: String, $rules: JSONString!, $preset: PolicyPresetEnum) {
  returnPolicyUpdate(channelSlug: $channel, rules: $rules, preset: $preset) {
    policy { version channelSlug rules summary } errors { field code message }
  }
}
"""


def test_a_policy_update_is_a_new_version_and_old_requests_keep_theirs(as_staff, as_alice, alices_order, shop):
    # given: a request judged by version 1
    create_request(as_alice, alices_order)

    # when
    result = as_staff(POLICY_UPDATE, {"rules": '{"window_days": 14, "customer_return_shipping_fee": "4.95"}'})

    # then
    payload = result["data"]["returnPolicyUpdate"]
    assert payload["errors"] == []
    assert payload["policy"]["version"] == 2
    assert '"window_days": 14' in payload["policy"]["rules"]
    assert "Items can be returned within 14 days of delivery (until the end of the day, UTC)." in payload["policy"]["summary"]
    assert "Customers pay 4.95 for return shipping unless the shop is at fault." in payload["policy"]["summary"]
    assert ReturnRequest.objects.get().policy.version == 1
    assert list(ReturnPolicy.objects.filter(installation=shop).values_list("version", "is_current").order_by("version")) == [
        (1, False), (2, True)
    ]


def test_a_channel_gets_its_own_policy_with_a_preset(as_staff, shop):
    payload = as_staff(POLICY_UPDATE, {"channel": "eu", "rules": "{}", "preset": "EU_14_DAY"})["data"]["returnPolicyUpdate"]
    assert (payload["policy"]["version"], payload["policy"]["channelSlug"]) == (1, "eu")
    assert '"preset": "eu_14_day"' in payload["policy"]["rules"]
    current = as_staff('{ returnPolicy(channelSlug: "eu") { version channelSlug } other: returnPolicy(channelSlug: "us") { channelSlug } }')
    assert current["data"] == {"returnPolicy": {"version": 1, "channelSlug": "eu"}, "other": {"channelSlug": None}}


def test_invalid_rules_name_the_field_and_change_nothing(as_staff, shop):
    payload = as_staff(POLICY_UPDATE, {"rules": '{"restocking_fees": [{"percentage": "150"}]}'})["data"]["returnPolicyUpdate"]
    assert payload["errors"] == [{"field": "restockingFees.0.percentage", "code": "INVALID", "message": "Must be at most 100."}]
    assert ReturnPolicy.objects.filter(installation=shop).count() == 1


REASON_CREATE = "mutation($input: ReturnReasonCreateInput!) { returnReasonCreate(input: $input) { reason { id code label isMerchantFault } errors { field code message } } }"
REASON_UPDATE = "mutation($id: ID!, $input: ReturnReasonUpdateInput!) { returnReasonUpdate(id: $id, input: $input) { reason { code labelEn isActive } errors { field code message } } }"
REASON_DELETE = "mutation($id: ID!) { returnReasonDelete(id: $id) { deleted reason { code isActive } errors { field code message } } }"


def test_staff_manage_reasons(as_staff, shop):
    created = as_staff(REASON_CREATE, {"input": {"code": "wrong_size", "labelEn": "Wrong size", "labelZhHans": "尺码不合适", "parentCode": "CUSTOMER"}})
    reason = created["data"]["returnReasonCreate"]["reason"]
    assert (reason["code"], reason["label"], reason["isMerchantFault"]) == ("WRONG_SIZE", "Wrong size", False)
    assert ReturnReason.objects.get(code="WRONG_SIZE").parent.code == "CUSTOMER"

    duplicate = as_staff(REASON_CREATE, {"input": {"code": "WRONG_SIZE", "labelEn": "Again", "parentCode": "CUSTOMER"}})
    assert duplicate["data"]["returnReasonCreate"]["errors"] == [{"field": "code", "code": "UNIQUE", "message": "A reason with this code exists."}]

    updated = as_staff(REASON_UPDATE, {"id": reason["id"], "input": {"labelEn": "Does not fit"}})
    assert updated["data"]["returnReasonUpdate"]["reason"] == {"code": "WRONG_SIZE", "labelEn": "Does not fit", "isActive": True}

    deleted = as_staff(REASON_DELETE, {"id": reason["id"]})["data"]["returnReasonDelete"]
    assert deleted == {"deleted": True, "reason": None, "errors": []}
    assert not ReturnReason.objects.filter(code="WRONG_SIZE").exists()


def test_a_used_reason_is_deactivated_not_deleted(as_staff, as_alice, alices_order, shop):
    create_request(as_alice, alices_order)  # uses CHANGED_MIND
    reason = ReturnReason.objects.get(installation=shop, code="CHANGED_MIND")
    result = as_staff(REASON_DELETE, {"id": relay.Node.to_global_id("ReturnReason", str(reason.pk))})["data"]["returnReasonDelete"]
    assert result == {"deleted": False, "reason": {"code": "CHANGED_MIND", "isActive": False}, "errors": []}
    codes = [c["code"] for g in as_alice("{ returnReasons { children { code } } }")["data"]["returnReasons"] for c in g["children"]]
    assert "CHANGED_MIND" not in codes


def test_reason_create_errors(as_staff, shop):
    bad = as_staff(REASON_CREATE, {"input": {"code": "no spaces!", "labelEn": "x"}})["data"]["returnReasonCreate"]
    assert bad["errors"] == [{"field": "code", "code": "INVALID", "message": "Use letters, digits and underscores, e.g. DAMAGED_IN_TRANSIT."}]
    orphan = as_staff(REASON_CREATE, {"input": {"code": "X", "labelEn": "x", "parentCode": "NOPE"}})["data"]["returnReasonCreate"]
    assert orphan["errors"] == [{"field": "parentCode", "code": "NOT_FOUND", "message": "No reason group has this code."}]


KEY_CREATE = 'mutation { returnApiKeyCreate(name: "ERP", scopes: [MANAGE_ORDERS]) { key apiKey { id prefix } errors { code } } }'
KEY_REVOKE = "mutation($id: ID!) { returnApiKeyRevoke(id: $id) { apiKey { revokedAt } errors { code } } }"


def test_an_api_key_acts_within_its_scopes_until_revoked(client, as_staff, shop):
    # when
    created = as_staff(KEY_CREATE)["data"]["returnApiKeyCreate"]
    integrator = Caller(client, shop.saleor_api_url, created["key"])

    # then
    assert created["key"].startswith(f"rk_{created['apiKey']['prefix']}_")
    assert integrator("{ viewer { kind } returnRequests { totalCount } }")["data"] == {
        "viewer": {"kind": "APP"}, "returnRequests": {"totalCount": 0}
    }
    assert created["key"] not in ApiKey.objects.get().key_hash

    # when
    as_staff(KEY_REVOKE, {"id": created["apiKey"]["id"]})

    # then
    response = integrator.post("{ viewer { kind } }")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The API key is not valid for this shop (revoked, expired or unknown)."
