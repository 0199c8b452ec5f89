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


def test_a_refund_takes_three_saleor_calls(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    # given
    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.requests.clear()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then: confirmed from the request's answer, not from a fourth read
    assert refund_calls(fake_saleor) == ["OrderRefundState", "GrantRefund", "RequestGrantedRefund"]
    assert Refund.objects.get().status == "succeeded"
    assert ReturnRequest.objects.get().status == "resolved"
    assert refunded(fake_saleor, order) == Decimal("40.00")


def test_a_refusal_in_the_requests_answer_fails_the_refund_with_its_message(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    # given: the payment app declines
    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.requests.clear()
    fake_saleor.payment_app_mode = "failure"

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then
    assert refund_calls(fake_saleor) == ["OrderRefundState", "GrantRefund", "RequestGrantedRefund"]
    refund = Refund.objects.get()
    assert (refund.status, refund.failure_reason) == ("failed", "The payment provider declined the refund.")
    assert ReturnRequest.objects.get().status == "inspected"
    assert refunded(fake_saleor, order) == Decimal("0")


def test_a_pending_answer_leaves_the_refund_processing(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    # given: the payment app answers later
    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.requests.clear()
    fake_saleor.payment_app_mode = "pending"

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then
    assert refund_calls(fake_saleor) == ["OrderRefundState", "GrantRefund", "RequestGrantedRefund"]
    assert Refund.objects.get().status == "processing"
    assert ReturnRequest.objects.get().status == "inspected"
    (grant,) = grants(fake_saleor, order)
    assert grant["status"] == "PENDING"


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
