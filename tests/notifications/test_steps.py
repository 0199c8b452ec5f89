"""A request's steps tell the customer and the merchant's systems in their own transaction: created,
approved, asked for information, rejected, a claim decided, canceled; once each, none when rolled back."""

import pytest
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.db import transaction

from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import ReturnRequest, ReturnShipment
from saleor_returns.models.notifications import Message, OrderContact
from saleor_returns.requestors import SYSTEM, Actor
from saleor_returns.requests import actions as request_actions
from saleor_returns.requests.tasks import review_return_request_task
from saleor_returns.shipping.tasks import CARRIER_GIVEN_UP, create_label_task
from tests.api.conftest import alice, as_alice, as_staff, create_request, guest_caller, shipped_order, shop, staff_user  # noqa: F401
from tests.api.test_shipping import APPROVE, account, easypost, order_with_address  # noqa: F401 - fixtures
from tests.notifications.conftest import subject, text_of
from tests.notifications.steps import TOLD, email, subscribe, told  # noqa: F401 - fixture

STAFF = Actor(kind="staff", id="VXNlcjox", email="staff@example.com")


@pytest.fixture
def alices_order(fake_saleor, alice):  # noqa: F811
    return shipped_order(fake_saleor, alice)


def new_request(as_alice, order, quantities=None, **extra) -> ReturnRequest:  # noqa: F811
    request = create_request(as_alice, order, quantities, **extra)
    return ReturnRequest.objects.get(number=int(request["number"].removeprefix("RMA-")))


# --------------------------------------------------------------------------- request received


@pytest.mark.parametrize("_case", ["customer", "guest", "staff", "claim"])
def test_a_new_request_is_told_once_whoever_made_it(_case, client, shop, as_alice, as_staff, alices_order, subscribe):  # noqa: F811
    # given
    caller = {"guest": guest_caller(client, shop, alices_order), "staff": as_staff}.get(_case, as_alice)
    extra = {"kind": "PARCEL_LOST", "reason": "LATE_DELIVERY"} if _case == "claim" else {}
    subscribe("request_received")

    # when: the same submission arrives twice (one idempotency key)
    first = create_request(caller, alices_order, idempotencyKey="attempt-1", **extra)
    again = create_request(caller, alices_order, idempotencyKey="attempt-1", **extra)

    # then
    assert first["id"] == again["id"]
    assert told("request_received") == TOLD
    data = email("request_received").data
    assert (data["rma_number"], data["status"], data["order_number"]) == (first["number"], "requested", alices_order["number"])
    assert email("request_received").recipient == "alice@example.com"


def test_the_first_email_speaks_the_orders_language_without_asking_saleor_again(
    as_alice, alices_order, fake_saleor, smtp_settings, smtp_server, django_capture_on_commit_callbacks  # noqa: F811
):
    # given: an order placed in Simplified Chinese, billed to Wang Fang
    alices_order.update(languageCodeEnum="ZH_HANS", billingAddress={"firstName": "芳", "lastName": "王"})

    # when
    with django_capture_on_commit_callbacks(execute=True):
        request = create_request(as_alice, alices_order)

    # then: the e-mail is in Chinese, to her name, with no call to Saleor for either
    (mail,) = smtp_server.received
    assert subject(mail) == f"我们已收到您的退货申请 {request['number']}"
    assert text_of(mail).startswith("王芳，您好：")
    contact = OrderContact.objects.get()
    assert (contact.language_code, contact.customer_name) == ("ZH_HANS", "王芳")
    assert "OrderContact" not in [call["operation_name"] for call in fake_saleor.requests]
    assert email("request_received").status == "sent"


# --------------------------------------------------------------------------- approved


def test_an_approval_with_changed_quantities_is_told_once(as_alice, alices_order, subscribe):  # noqa: F811
    # given: two pairs asked for
    return_request = new_request(as_alice, alices_order, {0: 2})
    line = return_request.lines.get()
    subscribe("approved")

    # when: staff approve one pair, and the approval is sent twice
    for _ in range(2):
        request_actions.approve_return_request(return_request=return_request, actor=STAFF, quantities={str(line.pk): 1})

    # then
    assert told("approved") == TOLD
    data = email("approved").data
    assert [(item["requested_quantity"], item["approved_quantity"]) for item in data["lines"]] == [(2, 1)]
    assert data["ship_by"] and data["label_url"] is None


def test_an_automatic_approval_is_told_once_however_often_the_review_runs(
    as_alice, alices_order, shop, subscribe, django_capture_on_commit_callbacks  # noqa: F811
):
    # given
    installation_actions.update_return_policy(
        installation=shop, channel_slug="", rules={"auto_approval": {"enabled": True}}, preset=None, actor=SYSTEM
    )
    subscribe("approved")

    # when: the review runs after commit, then its task is delivered again
    with django_capture_on_commit_callbacks(execute=True):
        return_request = new_request(as_alice, alices_order)
    review_return_request_task(str(return_request.pk))
    review_return_request_task(str(return_request.pk))

    # then
    assert ReturnRequest.objects.get().status == "approved"
    assert told("approved") == TOLD


def test_an_approval_that_buys_a_label_is_told_with_the_label(
    as_alice, as_staff, account, order_with_address, subscribe, django_capture_on_commit_callbacks  # noqa: F811
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        request = create_request(as_alice, order_with_address, {0: 1})
    subscribe("approved")

    # when: approved; the label is bought after commit
    with django_capture_on_commit_callbacks(execute=True):
        assert as_staff(APPROVE, {"id": request["id"]})["data"]["returnRequestApprove"]["errors"] == []

    # then: told once the label is there, with it
    assert told("approved") == TOLD
    data = email("approved").data
    assert data["label_url"] == ReturnShipment.objects.get().label_url != ""
    assert data["status"] == "awaiting_shipment"


def test_an_approval_whose_label_cannot_be_had_is_told_with_the_address(
    as_alice, as_staff, account, alices_order, subscribe, django_capture_on_commit_callbacks  # noqa: F811
):
    # given: the order has no shipping address to send a label from
    with django_capture_on_commit_callbacks(execute=True):
        request = create_request(as_alice, alices_order, {0: 1})
    subscribe("approved")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(APPROVE, {"id": request["id"]})

    # then
    assert ReturnShipment.objects.get().label_status == "failed"
    assert told("approved") == TOLD
    data = email("approved").data
    assert data["label_url"] is None
    assert data["return_address"]["street1"] == "100 Congress Ave"


def test_an_approval_whose_carrier_stays_down_is_told_with_the_address_after_the_last_retry(
    as_alice, as_staff, account, easypost, order_with_address, subscribe, django_capture_on_commit_callbacks  # noqa: F811
):
    # given: approved, its label to be bought; the carrier answers every call with a 503
    with django_capture_on_commit_callbacks(execute=True):
        request = create_request(as_alice, order_with_address, {0: 1})
    subscribe("approved")
    with django_capture_on_commit_callbacks(execute=False):
        assert as_staff(APPROVE, {"id": request["id"]})["data"]["returnRequestApprove"]["errors"] == []
    shipment = ReturnShipment.objects.get()
    easypost.fail_next(count=1000, status=503)

    # when: an early attempt meets the outage
    with pytest.raises(Retry):
        create_label_task.apply(args=[str(shipment.pk)], retries=0, throw=True)

    # then: it will be retried; nothing is told yet
    shipment.refresh_from_db()
    assert shipment.label_status == "pending"
    assert told("approved") == []

    # when: the last retry meets it too
    create_label_task.apply(args=[str(shipment.pk)], retries=create_label_task.max_retries, throw=True)

    # then: the label failed with a reason staff can act on, and the approval was told without it
    shipment.refresh_from_db()
    assert (shipment.label_status, shipment.label_error) == ("failed", CARRIER_GIVEN_UP)
    assert told("approved") == TOLD
    data = email("approved").data
    assert data["label_url"] is None
    assert data["return_address"]["street1"] == "100 Congress Ave"


def test_a_keep_the_item_approval_asks_for_no_parcel(as_alice, alices_order, shop, subscribe):  # noqa: F811
    # given
    installation_actions.update_return_policy(
        installation=shop, channel_slug="", rules={"allowed_resolutions": ["refund", "keep_item"]}, preset=None,
        actor=SYSTEM,
    )
    return_request = new_request(as_alice, alices_order, resolution="KEEP_ITEM")
    subscribe("approved")

    # when
    request_actions.approve_return_request(return_request=return_request, actor=STAFF)

    # then
    assert told("approved") == TOLD
    data = email("approved").data
    assert (data["ship_by"], data["label_url"], data["return_address"]) == (None, None, None)


# --------------------------------------------------------------------------- information, rejection, claims, cancel


def test_each_question_is_told_with_its_text(as_alice, alices_order, subscribe):  # noqa: F811
    # given
    return_request = new_request(as_alice, alices_order)
    subscribe("info_requested")

    # when: staff ask twice
    request_actions.request_info(return_request=return_request, actor=STAFF, message="A photo of the sole?")
    request_actions.request_info(return_request=return_request, actor=STAFF, message="And of the box?")

    # then
    assert told("info_requested") == sorted(TOLD * 2)
    emails = Message.objects.filter(event="info_requested", channel="email").order_by("created_at")
    assert [message.data["question"] for message in emails] == ["A photo of the sole?", "And of the box?"]
    assert len({message.occurrence for message in emails}) == 2


def test_a_rejection_is_told_once_with_its_reason(as_alice, alices_order, subscribe):  # noqa: F811
    # given
    return_request = new_request(as_alice, alices_order)
    subscribe("rejected")

    # when
    for _ in range(2):
        request_actions.reject_return_request(return_request=return_request, actor=STAFF, message="Worn outside.")

    # then
    assert told("rejected") == TOLD
    assert email("rejected").data["reason"] == "Worn outside."
    assert not Message.objects.filter(event="claim_decided").exists()


@pytest.mark.parametrize(("_case", "decision", "reason"), [("approved", "approved", None), ("rejected", "rejected", "No loss.")])
def test_a_claim_is_told_its_decision(_case, decision, reason, as_alice, alices_order, subscribe):  # noqa: F811
    # given
    claim = new_request(as_alice, alices_order, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    subscribe("claim_decided")

    # when
    for _ in range(2):
        if decision == "approved":
            request_actions.approve_return_request(return_request=claim, actor=STAFF)
        else:
            request_actions.reject_return_request(return_request=claim, actor=STAFF, message=reason)

    # then
    assert told("claim_decided") == TOLD
    data = email("claim_decided").data
    assert (data["decision"], data["reason"], data["kind"]) == (decision, reason, "parcel_lost")
    assert not Message.objects.filter(event__in=["approved", "rejected"]).exists()


@pytest.mark.parametrize("_case", ["customer", "staff"])
def test_a_cancellation_is_told_once(_case, as_alice, alices_order, subscribe):  # noqa: F811
    # given
    return_request = new_request(as_alice, alices_order)
    actor = STAFF if _case == "staff" else Actor(kind="customer", id=alices_order["user"]["id"], email="alice@example.com")
    subscribe("canceled")

    # when
    for _ in range(2):
        request_actions.cancel_return_request(return_request=return_request, actor=actor)

    # then
    assert told("canceled") == TOLD
    assert email("canceled").data["status"] == "canceled"


# --------------------------------------------------------------------------- a step that fails


def test_a_step_that_rolls_back_tells_nothing(as_alice, alices_order, subscribe, django_capture_on_commit_callbacks):  # noqa: F811
    # given
    return_request = new_request(as_alice, alices_order)
    subscribe("rejected")

    # when: the rejection's transaction fails after it was written
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            request_actions.reject_return_request(return_request=return_request, actor=STAFF, message="Worn.")
            raise RuntimeError("the database went away")

    # then
    assert callbacks == []
    assert told("rejected") == []
    assert ReturnRequest.objects.get().status == "requested"


def test_a_step_refused_by_its_checks_tells_nothing(as_alice, alices_order, subscribe):  # noqa: F811
    # given
    return_request = new_request(as_alice, alices_order)
    line = return_request.lines.get()
    subscribe("approved")

    # when
    with pytest.raises(ValidationError):
        request_actions.approve_return_request(return_request=return_request, actor=STAFF, quantities={str(line.pk): 0})

    # then
    assert told("approved") == []
