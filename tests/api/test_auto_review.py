"""Auto-approval at submission: the review task approves or queues for staff."""

from decimal import Decimal

import pytest

from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import ReturnRequest
from saleor_returns.requestors import SYSTEM
from saleor_returns.requests import review as request_review
from tests.api.conftest import create_request, shipped_order

RULES = {"auto_approval": {"enabled": True, "max_value": "60", "reason_codes": ["CHANGED_MIND"], "max_customer_return_rate": "0.5"}}


@pytest.fixture
def auto_policy(shop):
    return installation_actions.update_return_policy(installation=shop, channel_slug="", rules=RULES, preset=None, actor=SYSTEM)


def submit(as_alice, order, quantities, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        create_request(as_alice, order, quantities, **extra)
    return ReturnRequest.objects.order_by("-number").first()


def test_a_request_within_every_rule_is_approved_automatically(
    as_alice, fake_saleor, alice, auto_policy, django_capture_on_commit_callbacks
):
    # given: alice placed three orders and returned nothing before
    order = shipped_order(fake_saleor, alice)
    shipped_order(fake_saleor, alice)
    shipped_order(fake_saleor, alice)

    # when
    stored = submit(as_alice, order, {0: 2}, django_capture_on_commit_callbacks)

    # then
    assert stored.status == "approved"
    assert stored.is_auto_approved is True
    assert list(stored.lines.values_list("approved_quantity", flat=True)) == [2]
    review = stored.events.get(type="auto_reviewed")
    assert review.data["approved"] is True
    assert [check["name"] for check in review.data["checks"]] == ["max_value", "reasons", "customer_return_rate", "risk_flags"]
    assert any(r["operation_name"] == "CustomerOrderCount" for r in fake_saleor.requests)


def test_a_request_over_the_value_waits_for_staff(as_alice, fake_saleor, alice, auto_policy, django_capture_on_commit_callbacks):
    order = shipped_order(fake_saleor, alice)
    stored = submit(as_alice, order, {0: 2, 1: 1}, django_capture_on_commit_callbacks)  # 90.00 > 60
    assert stored.status == "pending_review"
    assert stored.is_auto_approved is False
    checks = {c["name"]: c for c in stored.events.get(type="auto_reviewed").data["checks"]}
    assert checks["max_value"] == {"name": "max_value", "passed": False, "detail": "90.00 of at most 60"}


def test_a_customer_who_returns_often_waits_for_staff(as_alice, fake_saleor, alice, auto_policy, django_capture_on_commit_callbacks):
    # given: one order, already one return
    first = shipped_order(fake_saleor, alice)
    submit(as_alice, first, {0: 1}, django_capture_on_commit_callbacks)

    # when: a second request on the same single order (rate 1 of 1 > 0.5)
    stored = submit(as_alice, first, {0: 1}, django_capture_on_commit_callbacks)

    # then
    assert stored.status == "pending_review"
    checks = {c["name"]: c["passed"] for c in stored.events.get(type="auto_reviewed").data["checks"]}
    assert checks["customer_return_rate"] is False


def test_the_review_task_is_idempotent(as_alice, fake_saleor, alice, auto_policy, django_capture_on_commit_callbacks):
    order = shipped_order(fake_saleor, alice)
    shipped_order(fake_saleor, alice)
    stored = submit(as_alice, order, {0: 1}, django_capture_on_commit_callbacks)
    events = stored.events.count()
    request_review.review_return_request(return_request_id=stored.pk, customer_return_rate=Decimal(0))
    assert stored.events.count() == events
