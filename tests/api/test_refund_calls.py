"""Saleor calls per refund: three in the happy path (read, grant, request), the outcome taken from
the request's own answer, and never a second refund whatever answer is lost."""

from decimal import Decimal

import pytest

from saleor_returns.models import Refund, ReturnRequest
from tests.api.test_resolution import RESOLVE, eager_retries, grants, inspected, policy  # noqa: F401 (fixtures)

REFUND_OPERATIONS = {"OrderRefundState", "GrantRefund", "RequestGrantedRefund"}


def refund_calls(fake_saleor) -> list[str]:
    return [r["operation_name"] for r in fake_saleor.requests if r["operation_name"] in REFUND_OPERATIONS]


def refunded(fake_saleor, order) -> Decimal:
    return sum(Decimal(str(t["refundedAmount"]["amount"])) for t in fake_saleor.lookup(order["id"])["transactions"])


@pytest.mark.parametrize(("mode", "status", "failure_reason", "return_status", "grant_status", "amount"), [
    ("success", "succeeded", "", "resolved", "SUCCESS", "40.00"),
    ("failure", "failed", "The payment provider declined the refund.", "inspected", "FAILURE", "0"),
    ("pending", "processing", "", "inspected", "PENDING", "0"),
])
def test_a_refund_takes_three_saleor_calls_whatever_the_payment_app_answers(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks, mode, status, failure_reason, return_status, grant_status, amount):
    # given
    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.requests.clear()
    fake_saleor.payment_app_mode = mode

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then: the outcome is taken from the request's answer, not from a fourth read
    assert refund_calls(fake_saleor) == ["OrderRefundState", "GrantRefund", "RequestGrantedRefund"]
    refund = Refund.objects.get()
    assert (refund.status, refund.failure_reason) == (status, failure_reason)
    assert ReturnRequest.objects.get().status == return_status
    (grant,) = grants(fake_saleor, order)
    assert grant["status"] == grant_status
    assert refunded(fake_saleor, order) == Decimal(amount)


@pytest.mark.parametrize(("operation", "calls"), [
    ("GrantRefund", ["OrderRefundState", "GrantRefund", "OrderRefundState", "RequestGrantedRefund"]),
    ("RequestGrantedRefund", ["OrderRefundState", "GrantRefund", "RequestGrantedRefund", "OrderRefundState"]),
])
def test_a_lost_answer_costs_one_read_and_never_a_second_refund(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks, operation, calls):
    # given: Saleor does the work, then its answer is lost
    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.requests.clear()
    fake_saleor.fail_after_execute_next(count=1, status=502, operation=operation)

    # when: the task is retried
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then
    assert refund_calls(fake_saleor) == calls
    assert Refund.objects.get().status == "succeeded"
    (grant,) = grants(fake_saleor, order)
    assert grant["status"] == "SUCCESS"
    assert refunded(fake_saleor, order) == Decimal("40.00")
