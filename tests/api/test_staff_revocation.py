"""A staff token Saleor revoked (tokensDeactivateAll) still verifies offline until it expires; the
app asks Saleor (`tokenVerify`) before it moves money or changes settings, reusing the answer for
at most 30 seconds. Reads keep working for the token's remaining lifetime (README)."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from saleor_returns.models import ReturnReason
from tests.api.conftest import create_request

REASON_CREATE = """
mutation { returnReasonCreate(input: {code: "TOO_LATE", labelEn: "Too late", parentCode: "OTHER"}) { errors { code } } }
"""
RESOLVE = "mutation($id: ID!) { returnRequestResolve(id: $id, resolution: STORE_CREDIT) { errors { code field } } }"


def token_verifications(fake_saleor) -> int:
    return sum(1 for r in fake_saleor.requests if r["operation_name"] == "TokenVerify")


def test_a_revoked_token_cannot_change_settings(as_staff, fake_saleor, staff_user):
    # given
    fake_saleor.deactivate_all_tokens(staff_user)

    # when
    result = as_staff(REASON_CREATE)

    # then
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "PermissionDenied"
    assert "no longer accepts your session" in error["message"]
    assert not ReturnReason.objects.filter(code="TOO_LATE").exists()
    assert token_verifications(fake_saleor) == 1


def test_a_revoked_token_cannot_move_money(as_staff, as_alice, alices_order, fake_saleor, staff_user):
    # given
    request_id = create_request(as_alice, alices_order)["id"]
    fake_saleor.deactivate_all_tokens(staff_user)

    # when
    result = as_staff(RESOLVE, {"id": request_id})

    # then
    assert "no longer accepts your session" in result["errors"][0]["message"]
    assert not any(r["operation_name"] == "GiftCardCreate" for r in fake_saleor.requests)
    assert as_alice("query($id: ID!) { returnRequest(id: $id) { status } }", {"id": request_id})["data"] == {
        "returnRequest": {"status": "REQUESTED"}
    }


def test_reads_stay_open_for_the_tokens_lifetime(as_staff, fake_saleor, staff_user):
    fake_saleor.deactivate_all_tokens(staff_user)

    result = as_staff("{ returnRequests { totalCount } }")

    assert result["data"] == {"returnRequests": {"totalCount": 0}}
    assert token_verifications(fake_saleor) == 0


def test_a_confirmation_is_reused_for_at_most_thirty_seconds(as_staff, fake_saleor, staff_user):
    # given: a first change confirmed the token
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert as_staff(REASON_CREATE)["data"]["returnReasonCreate"]["errors"] == []
        fake_saleor.deactivate_all_tokens(staff_user)
        ReturnReason.objects.filter(code="TOO_LATE").delete()

        # when: within the window, the confirmation is reused
        within = as_staff(REASON_CREATE)
    with time_machine.travel(now + timedelta(seconds=31), tick=False):
        ReturnReason.objects.filter(code="TOO_LATE").delete()
        after = as_staff(REASON_CREATE)

    # then
    assert within["data"]["returnReasonCreate"]["errors"] == []
    assert "no longer accepts your session" in after["errors"][0]["message"]
    assert token_verifications(fake_saleor) == 2
