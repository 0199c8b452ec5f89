"""Saleor calls per refund: on a refund's first run the grant is made at once on the payment the
app's latest copy of the order shows, and the outcome is taken from the request's own answer (two
calls); a lost answer costs one read and never a second refund; a copy that is out of date costs a
read and a second grant attempt, which Saleor's refusal of the first makes safe."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from saleor_returns.models import Refund, ReturnRequest
from saleor_returns.resolutions import actions as resolution_actions
from saleor_returns.saleor import orders
from tests.api.test_resolution import (  # noqa: F401 (fixtures)
    RESOLVE,
    STAFF,
    eager_retries,
    grants,
    inspected,
    legacy_paid_and_inspected,
    policy,
)

REFUND_OPERATIONS = {"OrderRefundState", "GrantRefund", "RequestGrantedRefund"}
DASHBOARD_GRANT = """mutation($id: ID!, $input: OrderGrantRefundCreateInput!) {
  orderGrantRefundCreate(id: $id, input: $input) { grantedRefund { id } errors { field code message } } }"""
DASHBOARD_REQUEST = """mutation($id: ID!) {
  transactionRequestRefundForGrantedRefund(grantedRefundId: $id) { errors { field code message } } }"""
RETRY = "mutation($id: ID!) { returnRefundRetry(id: $id) { refund { status } errors { code } } }"


def refund_calls(fake_saleor) -> list[str]:
    return [r["operation_name"] for r in fake_saleor.requests if r["operation_name"] in REFUND_OPERATIONS]


def refunded(fake_saleor, order, transaction_id=None) -> Decimal:
    return sum(Decimal(str(t["refundedAmount"]["amount"])) for t in fake_saleor.lookup(order["id"])["transactions"]
               if transaction_id in (None, t["id"]))


def apps_grants(fake_saleor, order) -> list[dict]:
    return [grant for grant in grants(fake_saleor, order) if grant["app"] is not None]


def dashboard_refund(fake_saleor, staff_user, order, transaction, amount, *, lines=None) -> None:
    """Staff grant and refund `amount` on `transaction` in the Dashboard, outside the app."""
    token = fake_saleor.issue_customer_token(staff_user)
    grant_input = {"transactionId": transaction["id"], "amount": amount}
    if lines:
        grant_input["lines"] = lines
    _, body = fake_saleor.execute(DASHBOARD_GRANT, {"id": order["id"], "input": grant_input}, token=token)
    answer = body["data"]["orderGrantRefundCreate"]
    assert answer["errors"] == [], body
    _, body = fake_saleor.execute(DASHBOARD_REQUEST, {"id": answer["grantedRefund"]["id"]}, token=token)
    assert body["data"]["transactionRequestRefundForGrantedRefund"]["errors"] == [], body


@pytest.mark.parametrize(("mode", "status", "failure_reason", "return_status", "grant_status", "amount"), [
    ("success", "succeeded", "", "resolved", "SUCCESS", "40.00"),
    ("failure", "failed", "The payment provider declined the refund.", "inspected", "FAILURE", "0"),
    ("pending", "processing", "", "inspected", "PENDING", "0"),
])
def test_a_refund_takes_two_saleor_calls_whatever_the_payment_app_answers(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks, mode, status, failure_reason, return_status, grant_status, amount):
    # given: a return requested by the customer; its order copy shows the payment
    request_id, order = inspected(as_alice, fake_saleor, alice)
    cache.clear()
    fake_saleor.requests.clear()
    fake_saleor.payment_app_mode = mode

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then: granted on the copy's transaction, the outcome taken from the request's answer
    assert refund_calls(fake_saleor) == ["GrantRefund", "RequestGrantedRefund"]
    refund = Refund.objects.get()
    assert (refund.status, refund.failure_reason) == (status, failure_reason)
    assert refund.saleor_transaction_id == order["transactions"][0]["id"]
    assert ReturnRequest.objects.get().status == return_status
    (grant,) = grants(fake_saleor, order)
    assert grant["status"] == grant_status
    assert refunded(fake_saleor, order) == Decimal(amount)


@pytest.mark.parametrize(("operation", "calls"), [
    ("GrantRefund", ["GrantRefund", "OrderRefundState", "RequestGrantedRefund"]),
    ("RequestGrantedRefund", ["GrantRefund", "RequestGrantedRefund", "OrderRefundState"]),
])
def test_a_lost_answer_costs_one_read_and_never_a_second_refund(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks, operation, calls):
    # given: Saleor does the work, then its answer is lost
    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.requests.clear()
    fake_saleor.fail_after_execute_next(count=1, status=502, operation=operation)

    # when: the task is retried
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then: the retry reads the order, finds the grant by its marker, and grants nothing again
    assert refund_calls(fake_saleor) == calls
    assert Refund.objects.get().status == "succeeded"
    (grant,) = grants(fake_saleor, order)
    assert grant["status"] == "SUCCESS"
    assert refunded(fake_saleor, order) == Decimal("40.00")


def test_a_copy_out_of_date_is_refused_by_saleor_and_the_refund_goes_on_the_payment_there_is_now(as_staff, as_alice, fake_saleor, alice, staff_user, policy, django_capture_on_commit_callbacks):
    # given: after the return was requested, the first payment was refunded in full in the
    # Dashboard and the customer paid again with another card; the app's copy shows the first
    request_id, order = inspected(as_alice, fake_saleor, alice)
    first = order["transactions"][0]
    dashboard_refund(fake_saleor, staff_user, order, first, "60.00")
    second = fake_saleor.add_transaction(order, charged=Decimal("60.00"), name="Another card")
    cache.clear()
    fake_saleor.requests.clear()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then: Saleor refused the grant on the first payment, granting nothing; the app read the
    # order and granted once, on the second
    assert refund_calls(fake_saleor) == ["GrantRefund", "OrderRefundState", "GrantRefund", "RequestGrantedRefund"]
    refused = [r for r in fake_saleor.requests if r["operation_name"] == "GrantRefund"][0]
    assert refused["variables"]["input"]["transactionId"] == first["id"]
    refund = Refund.objects.get()
    assert (refund.status, refund.saleor_transaction_id) == ("succeeded", second["id"])
    (grant,) = apps_grants(fake_saleor, order)
    assert (grant["transaction"]["id"], grant["status"]) == (second["id"], "SUCCESS")
    assert refunded(fake_saleor, order, second["id"]) == Decimal("40.00")
    assert refunded(fake_saleor, order, first["id"]) == Decimal("60.00")


def test_a_copy_out_of_date_with_no_payment_left_fails_the_refund_without_granting(as_staff, as_alice, fake_saleor, alice, staff_user, policy, django_capture_on_commit_callbacks):
    # given: the whole payment was refunded in the Dashboard after the return was requested
    request_id, order = inspected(as_alice, fake_saleor, alice)
    dashboard_refund(fake_saleor, staff_user, order, order["transactions"][0], "60.00")
    cache.clear()
    fake_saleor.requests.clear()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then
    assert refund_calls(fake_saleor) == ["GrantRefund", "OrderRefundState"]
    refund = Refund.objects.get()
    assert (refund.status, refund.failure_reason) == ("failed", "No payment on the order covers this amount.")
    assert apps_grants(fake_saleor, order) == []
    assert ReturnRequest.objects.get().status == "inspected"


def test_the_order_cached_in_the_last_minute_is_preferred_to_the_return_s_copy(as_staff, as_alice, fake_saleor, alice, staff_user, shop, policy, django_capture_on_commit_callbacks):
    # given: the copy taken with the return shows the first payment; the order the app read a
    # moment ago (for an eligibility check, say) shows the second
    request_id, order = inspected(as_alice, fake_saleor, alice)
    dashboard_refund(fake_saleor, staff_user, order, order["transactions"][0], "60.00")
    second = fake_saleor.add_transaction(order, charged=Decimal("60.00"), name="Another card")
    orders.fetch_order(shop, order["id"], use_cache=False)
    fake_saleor.requests.clear()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then
    assert refund_calls(fake_saleor) == ["GrantRefund", "RequestGrantedRefund"]
    (grant,) = apps_grants(fake_saleor, order)
    assert (grant["transaction"]["id"], grant["status"]) == (second["id"], "SUCCESS")


def test_a_refusal_not_about_the_payment_fails_the_refund_at_once(as_staff, as_alice, fake_saleor, alice, staff_user, policy, django_capture_on_commit_callbacks):
    # given: staff refunded the returned units in the Dashboard meanwhile
    request_id, order = inspected(as_alice, fake_saleor, alice)
    line_id = order["lines"][0]["id"]
    dashboard_refund(fake_saleor, staff_user, order, order["transactions"][0], "10.00",
                     lines=[{"id": line_id, "quantity": 2}])
    cache.clear()
    fake_saleor.requests.clear()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then: Saleor's refusal is the reason shown; a read would not change it
    assert refund_calls(fake_saleor) == ["GrantRefund"]
    refund = Refund.objects.get()
    assert refund.status == "failed"
    assert "INVALID" in refund.failure_reason
    assert apps_grants(fake_saleor, order) == []


def test_a_refund_tried_again_reads_the_order_first_and_requests_the_same_grant(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    # given: the payment app declined the refund
    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.payment_app_mode = "failure"
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})
    assert Refund.objects.get().status == "failed"
    fake_saleor.payment_app_mode = "success"
    fake_saleor.requests.clear()

    # when: staff try again
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RETRY, {"id": request_id})

    # then: not a first run, so the order is read; the grant made before is requested again
    assert refund_calls(fake_saleor) == ["OrderRefundState", "RequestGrantedRefund"]
    assert Refund.objects.get().status == "succeeded"
    (grant,) = grants(fake_saleor, order)
    assert grant["status"] == "SUCCESS"
    assert refunded(fake_saleor, order) == Decimal("40.00")


def test_an_order_with_no_transaction_in_the_copy_is_read_first(as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    # given: an order paid through the legacy Payments API (no transaction in the copy)
    order, return_request = legacy_paid_and_inspected(as_alice, fake_saleor, alice, ordered=2)
    fake_saleor.requests.clear()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        resolution_actions.resolve_return_request(return_request=return_request, actor=STAFF, resolution="refund")

    # then
    calls = [r["operation_name"] for r in fake_saleor.requests]
    assert calls[0] == "OrderRefundState"
    assert "GrantRefund" not in calls
    assert Refund.objects.get().status == "succeeded"
