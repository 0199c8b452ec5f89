"""returnEligibility and returnReasons."""

from datetime import timedelta

from django.utils import timezone

from saleor_returns import requestors
from saleor_returns.installations import actions as installation_actions
from tests.api.conftest import create_request, guest_caller, shipped_order

ELIGIBILITY = """
query($orderId: ID!) {
  returnEligibility(orderId: $orderId) {
    orderId orderNumber policyVersion
    lines { orderLineId sku quantity shippedQuantity returnableQuantity isReturnable deadline
            unitPrice { amount currency } allowedResolutions photoRequiredReasons
            ineligibleReasons { code message } }
  }
}
"""


def test_customer_sees_what_can_be_returned_until_when(as_alice, alices_order):
    result = as_alice(ELIGIBILITY, {"orderId": alices_order["id"]})["data"]["returnEligibility"]
    assert result["orderId"] == alices_order["id"]
    assert result["policyVersion"] == 1
    sneaker, jacket = result["lines"]
    assert (sneaker["sku"], sneaker["quantity"], sneaker["shippedQuantity"], sneaker["returnableQuantity"]) == ("SNEAKER-42", 2, 2, 2)
    assert sneaker["isReturnable"] is True
    assert sneaker["unitPrice"] == {"amount": "25.00", "currency": "USD"}
    assert sneaker["allowedResolutions"] == ["REFUND", "STORE_CREDIT", "EXCHANGE"]
    assert "DEFECT" in sneaker["photoRequiredReasons"]
    assert jacket["returnableQuantity"] == 1


def test_requested_units_and_expired_windows_are_explained(as_alice, fake_saleor, alice):
    order = shipped_order(fake_saleor, alice)
    create_request(as_alice, order, {0: 2})
    result = as_alice(ELIGIBILITY, {"orderId": order["id"]})["data"]["returnEligibility"]
    assert result["lines"][0]["returnableQuantity"] == 0
    assert result["lines"][0]["ineligibleReasons"] == [
        {"code": "ALREADY_RETURNED", "message": "Every shipped unit of this item is already returned."}
    ]
    old = shipped_order(fake_saleor, alice, days_ago=60)
    expired = as_alice(ELIGIBILITY, {"orderId": old["id"]})["data"]["returnEligibility"]["lines"][0]
    assert [r["code"] for r in expired["ineligibleReasons"]] == ["WINDOW_EXPIRED"]


def test_eligibility_follows_the_current_policy_version(as_alice, as_staff, alices_order, shop):
    installation_actions.update_return_policy(installation=shop, channel_slug="", rules={"window_days": 1}, preset=None, actor=requestors.SYSTEM)
    result = as_alice(ELIGIBILITY, {"orderId": alices_order["id"]})["data"]["returnEligibility"]
    assert result["policyVersion"] == 2
    assert [r["code"] for r in result["lines"][0]["ineligibleReasons"]] == ["WINDOW_EXPIRED"]


def test_another_customers_order_is_null(as_bob, alices_order):
    assert as_bob(ELIGIBILITY, {"orderId": alices_order["id"]})["data"]["returnEligibility"] is None


def test_unknown_order_is_null(as_alice):
    assert as_alice(ELIGIBILITY, {"orderId": "T3JkZXI6ZGVhZGJlZWY="})["data"]["returnEligibility"] is None


def test_guest_sees_only_their_order(client, shop, fake_saleor, alices_order):
    guest_order = shipped_order(fake_saleor, email="guest@example.com")
    guest = guest_caller(client, shop, guest_order)
    assert guest(ELIGIBILITY, {"orderId": guest_order["id"]})["data"]["returnEligibility"]["orderId"] == guest_order["id"]
    assert guest(ELIGIBILITY, {"orderId": alices_order["id"]})["data"]["returnEligibility"] is None


def test_anonymous_callers_are_refused(as_anonymous, alices_order):
    result = as_anonymous(ELIGIBILITY, {"orderId": alices_order["id"]})
    assert result["data"]["returnEligibility"] is None
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


REASONS = "{ returnReasons { code label isMerchantFault children { code label isMerchantFault } } }"


def test_reasons_are_a_two_level_taxonomy_in_english(as_anonymous):
    groups = as_anonymous(REASONS)["data"]["returnReasons"]
    assert [group["code"] for group in groups] == ["QUALITY", "LOGISTICS", "CUSTOMER", "OTHER"]
    assert [child["code"] for child in groups[0]["children"]] == ["DEFECT", "EXPIRED", "COUNTERFEIT"]
    assert groups[1]["children"][1] == {"code": "DAMAGED_IN_TRANSIT", "label": "Damaged in transit", "isMerchantFault": True}
    assert groups[2]["children"][3] == {"code": "CHANGED_MIND", "label": "Changed my mind", "isMerchantFault": False}


def test_reasons_in_simplified_chinese(as_anonymous):
    groups = as_anonymous(REASONS, **{"Accept-Language": "zh-Hans"})["data"]["returnReasons"]
    assert groups[0]["label"] == "质量问题"
    assert groups[1]["children"][1]["label"] == "运输途中损坏"


def test_deadline_is_reported(as_alice, alices_order):
    line = as_alice(ELIGIBILITY, {"orderId": alices_order["id"]})["data"]["returnEligibility"]["lines"][0]
    assert line["deadline"] is not None
    assert timezone.now() + timedelta(days=25) < timezone.datetime.fromisoformat(line["deadline"]) < timezone.now() + timedelta(days=29)
