"""After approval, each step tells once: the parcel received (by staff or by the carrier's delivery scan),
inspected, refunded or credited when Saleor confirms it, the new item's order placed, the return expired."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from saleor_returns.inspection import actions as inspection_actions
from saleor_returns.models import CarrierWebhookEvent, Refund, ReplacementOrder, ReturnRequest, ReturnShipment
from saleor_returns.models.notifications import Message
from saleor_returns.notifications.events import ship_by
from saleor_returns.requests import actions as request_actions
from saleor_returns.resolutions import refunds
from saleor_returns.resolutions.tasks import confirm_replacement_payment_task, create_replacement_order_task
from saleor_returns.shipping import actions as shipping_actions
from tests.api.conftest import alice, as_alice, as_staff, create_request, shipped_order, shop, staff_user  # noqa: F401
from tests.api.test_replacement_orders import RESOLVE as RESOLVE_ITEM
from tests.api.test_replacement_orders import dearer_exchange_waiting, new_orders, order  # noqa: F401 - fixture
from tests.api.test_resolution import RESOLVE, STAFF, grants, inspected, policy  # noqa: F401 - fixture
from tests.api.test_shipping import account, approved, easypost, order_with_address, post_event  # noqa: F401 - fixtures
from tests.notifications.steps import TOLD, email, subscribe, told  # noqa: F401 - fixture


def approved_return(as_alice, fake_saleor, alice, quantity=2) -> ReturnRequest:  # noqa: F811
    """Alice's return of `quantity` pairs, approved by staff, with no label (nothing to buy it from)."""
    create_request(as_alice, shipped_order(fake_saleor, alice), {0: quantity})
    return_request = ReturnRequest.objects.get()
    request_actions.approve_return_request(return_request=return_request, actor=STAFF)
    return return_request


# --------------------------------------------------------------------------- the parcel


def test_a_parcel_received_in_parts_is_told_once(as_alice, fake_saleor, alice, subscribe):  # noqa: F811
    # given
    return_request = approved_return(as_alice, fake_saleor, alice)
    line = return_request.lines.get()
    subscribe("parcel_received")

    # when: one pair arrives, then the other
    inspection_actions.receive_return_lines(return_request=return_request, actor=STAFF, quantities={str(line.pk): 1})
    inspection_actions.receive_return_lines(return_request=return_request, actor=STAFF, quantities={str(line.pk): 1})

    # then
    assert told("parcel_received") == TOLD
    assert [item["received_quantity"] for item in email("parcel_received").data["lines"]] == [1]


def test_a_delivery_scan_delivered_twice_tells_once(client, approved, account, easypost, subscribe,  # noqa: F811
                                                      django_capture_on_commit_callbacks):
    # given
    tracking = ReturnShipment.objects.get().tracking_number
    subscribe("parcel_received")
    headers, body = easypost.signed_webhook(easypost.tracker_event(tracking, status="delivered"))

    # when: the carrier delivers its webhook twice, and the pending events are applied again
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            post_event(client, account, headers, body)
    shipping_actions.apply_carrier_event(event_id=CarrierWebhookEvent.objects.get().pk)

    # then
    assert ReturnRequest.objects.get().status == "received"
    assert told("parcel_received") == TOLD
    # then: staff counting the parcel afterwards tell nothing more
    return_request = ReturnRequest.objects.get()
    line = return_request.lines.get()
    inspection_actions.receive_return_lines(return_request=return_request, actor=STAFF, quantities={str(line.pk): 1})
    assert told("parcel_received") == TOLD


def test_an_inspection_tells_what_was_accepted_once(as_alice, fake_saleor, alice, subscribe):  # noqa: F811
    # given: two pairs arrived
    return_request = approved_return(as_alice, fake_saleor, alice)
    line = return_request.lines.get()
    inspection_actions.receive_return_lines(return_request=return_request, actor=STAFF, quantities={str(line.pk): 2})
    subscribe("inspected")
    inspection = inspection_actions.InspectionInput(line_id=str(line.pk), accepted_quantity=1, condition="damaged",
                                                    disposition="scrap")

    # when: one pair is accepted; inspecting again is refused
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[inspection])
    with pytest.raises(ValidationError):
        inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[inspection])

    # then
    assert told("inspected") == TOLD
    assert [(item["received_quantity"], item["accepted_quantity"]) for item in email("inspected").data["lines"]] == [(2, 1)]


# --------------------------------------------------------------------------- money


def test_a_refund_is_told_when_saleor_confirms_it_not_when_it_is_asked_for(
    as_alice, as_staff, fake_saleor, alice, policy, subscribe, django_capture_on_commit_callbacks  # noqa: F811
):
    # given: the payment app answers later
    request_id, order = inspected(as_alice, fake_saleor, alice)  # noqa: F811
    subscribe("refunded")
    fake_saleor.payment_app_mode = "pending"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})
    finally:
        fake_saleor.payment_app_mode = "success"
    assert Refund.objects.get().status == "processing"
    assert told("refunded") == []

    # when: the payment app settles; the reconciliation runs twice, and a late outcome repeats it
    (grant,) = grants(fake_saleor, order)
    fake_saleor.settle_refund(grant["id"], success=True)
    refund_id = str(Refund.objects.get().pk)
    refunds.reconcile_refund_task(refund_id)
    refunds.reconcile_refund_task(refund_id)
    refunds.finish_refund(refund_id=refund_id, succeeded=True)

    # then
    assert Refund.objects.get().status == "succeeded"
    assert told("refunded") == TOLD
    data = email("refunded").data
    assert (data["amount"], data["method"], data["status"]) == ({"amount": "40.00", "currency": "USD"}, "original_payment", "resolved")
    assert data["components"] == [
        {"code": "items", "amount": "50.00"}, {"code": "restocking_fee", "amount": "-5.00"},
        {"code": "return_shipping_fee", "amount": "-5.00"},
    ]
    assert not Message.objects.filter(event="store_credit_issued").exists()


def test_store_credit_is_told_once_by_the_last_four_of_its_card(
    as_alice, as_staff, fake_saleor, alice, policy, subscribe, django_capture_on_commit_callbacks  # noqa: F811
):
    # given
    request_id, _ = inspected(as_alice, fake_saleor, alice)
    subscribe("store_credit_issued")

    # when: resolved, and its task delivered again
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "STORE_CREDIT"})
    refunds.process_refund_task(str(Refund.objects.get().pk))

    # then
    (card,) = fake_saleor.gift_cards
    assert told("store_credit_issued") == TOLD
    data = email("store_credit_issued").data
    assert (data["gift_card_last4"], data["amount"]) == (card["last4CodeChars"], {"amount": "44.00", "currency": "USD"})
    assert not Message.objects.filter(event="refunded").exists()


# --------------------------------------------------------------------------- a new item


def test_a_claims_replacement_order_is_told_once(as_alice, as_staff, fake_saleor, order, subscribe,  # noqa: F811
                                                 django_capture_on_commit_callbacks):
    # given
    request = create_request(as_alice, order, {0: 1}, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    as_staff("mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }", {"id": request["id"]})
    subscribe("replacement_placed")

    # when: the order is made, and the task delivered again
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE_ITEM, {"id": request["id"], "resolution": "REPLACEMENT"})
    create_replacement_order_task(str(ReplacementOrder.objects.get().pk))

    # then
    (created,) = new_orders(fake_saleor, order)
    assert told("replacement_placed") == TOLD
    data = email("replacement_placed").data
    assert (data["replacement_order_number"], data["amount_to_pay"]) == (str(created["number"]), None)


def test_a_dearer_exchange_tells_what_is_left_to_pay_once(as_alice, as_staff, fake_saleor, order, subscribe,  # noqa: F811
                                                          django_capture_on_commit_callbacks):
    # given
    subscribe("replacement_placed")

    # when: the new order waits for the difference; then the customer pays it
    _, placed = dearer_exchange_waiting(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks)
    data = email("replacement_placed").data
    fake_saleor.pay(placed)
    confirm_replacement_payment_task(str(ReplacementOrder.objects.get().pk))

    # then
    assert ReplacementOrder.objects.get().status == "completed"
    assert told("replacement_placed") == TOLD
    assert (data["replacement_order_number"], data["amount_to_pay"]) == (
        str(placed["number"]), {"amount": "15.00", "currency": "USD"}
    )


# --------------------------------------------------------------------------- expiry


def test_an_expired_return_is_told_once_with_its_last_day(approved, subscribe, django_capture_on_commit_callbacks):  # noqa: F811
    # given
    deadline = ship_by(ReturnRequest.objects.get())
    subscribe("expired")
    later = timezone.now() + timedelta(days=31)

    # when: the expiry runs twice
    with django_capture_on_commit_callbacks(execute=True):
        assert shipping_actions.expire_unshipped_returns(now=later) == 1
        assert shipping_actions.expire_unshipped_returns(now=later) == 0

    # then
    assert ReturnRequest.objects.get().status == "canceled"
    assert told("expired") == TOLD
    assert email("expired").data["ship_by"] == deadline.isoformat()
    assert not Message.objects.filter(event="canceled").exists()


def test_an_unresolved_claim_that_runs_out_is_told_it_is_canceled(as_alice, as_staff, fake_saleor, alice, subscribe):  # noqa: F811
    # given
    create_request(as_alice, shipped_order(fake_saleor, alice), {0: 1}, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    claim = ReturnRequest.objects.get()
    request_actions.approve_return_request(return_request=claim, actor=STAFF)
    subscribe("canceled")

    # when
    shipping_actions.expire_unshipped_returns(now=timezone.now() + timedelta(days=31))

    # then
    assert told("canceled") == TOLD
    assert not Message.objects.filter(event="expired").exists()
