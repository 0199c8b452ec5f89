"""Resolution: the preview, then exactly one refund (or gift card), confirmed from Saleor,
whatever fails in between."""

from decimal import Decimal

import pytest
from graphene import relay

from saleor_returns.celery import app as celery_app
from saleor_returns.inspection import actions as inspection_actions
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import Refund, ReturnRequest
from saleor_returns.requestors import SYSTEM, Actor
from saleor_returns.requests import actions as request_actions
from saleor_returns.resolutions import actions as resolution_actions
from saleor_returns.resolutions import refunds
from saleor_returns.shipping import actions as shipping_actions
from tests.api.conftest import create_request, shipped_order

STAFF = Actor(kind="staff", id="VXNlcjox", email="staff@example.com")
PREVIEW = """query($id: ID!, $resolution: ResolutionEnum) { returnResolutionPreview(id: $id, resolution: $resolution) {
  resolution items { amount currency } restockingFee { amount } returnShippingFee { amount } originalShipping { amount }
  storeCreditBonus { amount } total { amount currency } shippingRefunded fingerprint
  lines { quantity items { amount } total { amount } } } }"""
RESOLVE = """mutation($id: ID!, $resolution: ResolutionEnum!, $fingerprint: String) {
  returnRequestResolve(id: $id, resolution: $resolution, fingerprint: $fingerprint) {
    refund { kind status amount { amount currency } failureReason giftCardLast4 } returnRequest { status }
    errors { field code message } } }"""
RULES = {"restocking_fees": [{"percentage": "10", "reason_codes": ["CHANGED_MIND"]}], "customer_return_shipping_fee": "5",
         "store_credit_bonus_percentage": "10"}


@pytest.fixture(autouse=True)
def eager_retries():
    """Tasks retry in place, so a retry after a fault is part of the same call."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


@pytest.fixture
def policy(shop):
    return installation_actions.update_return_policy(installation=shop, channel_slug="", rules=RULES, preset=None, actor=SYSTEM)


def inspected(as_alice, fake_saleor, alice, *, currency="USD", price="25.00", charged=None, reason="CHANGED_MIND", ordered=2):
    """Alice returned 2 units (of `ordered`); both received and accepted. Returns (request id, order)."""
    order = shipped_order(fake_saleor, alice, currency=currency,
                          lines=[{"sku": "SNEAKER", "quantity": ordered, "unit_price": Decimal(price)}], shipping="10")
    fake_saleor.add_transaction(order, charged=Decimal(charged or str(Decimal(price) * ordered + 10)))
    request = create_request(as_alice, order, {0: 2}, reason=reason)
    return_request = ReturnRequest.objects.get(pk=ReturnRequest.objects.order_by("-number").first().pk)
    request_actions.approve_return_request(return_request=return_request, actor=STAFF)
    line = return_request.lines.get()
    shipping_actions.add_customer_tracking(return_request=return_request, actor=STAFF, carrier="UPS", tracking_number="1Z1")
    inspection_actions.receive_return_lines(return_request=return_request, actor=STAFF, quantities={str(line.pk): 2})
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[
        inspection_actions.InspectionInput(line_id=str(line.pk), accepted_quantity=2, condition="as_new", disposition="scrap")
    ])
    return request["id"], order


def grants(fake_saleor, order):
    return fake_saleor.lookup(order["id"])["grantedRefunds"]


def test_preview_shows_every_component(as_staff, as_alice, fake_saleor, alice, policy):
    request_id, _ = inspected(as_alice, fake_saleor, alice)
    preview = as_staff(PREVIEW, {"id": request_id})["data"]["returnResolutionPreview"]
    assert preview["items"] == {"amount": "50.00", "currency": "USD"}
    assert preview["restockingFee"] == {"amount": "5.00"}
    assert preview["returnShippingFee"] == {"amount": "5.00"}
    assert preview["originalShipping"] == {"amount": "0.00"}
    assert preview["total"] == {"amount": "40.00", "currency": "USD"}
    assert preview["lines"] == [{"quantity": 2, "items": {"amount": "50.00"}, "total": {"amount": "40.00"}}]
    credit = as_staff(PREVIEW, {"id": request_id, "resolution": "STORE_CREDIT"})["data"]["returnResolutionPreview"]
    assert credit["storeCreditBonus"] == {"amount": "4.00"}
    assert credit["total"]["amount"] == "44.00"


@pytest.mark.parametrize(("_case", "currency", "price", "total"), [
    ("0 decimals", "JPY", "2500", "4495"),
    ("2 decimals", "USD", "25.00", "40.00"),
    ("3 decimals", "KWD", "7.125", "7.825"),
])
def test_a_refund_is_granted_requested_and_confirmed_once(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks, _case, currency, price, total):
    # given
    request_id, order = inspected(as_alice, fake_saleor, alice, currency=currency, price=price)
    fingerprint = as_staff(PREVIEW, {"id": request_id})["data"]["returnResolutionPreview"]["fingerprint"]

    # when
    with django_capture_on_commit_callbacks(execute=True):
        payload = as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND", "fingerprint": fingerprint})["data"]["returnRequestResolve"]

    # then
    assert payload["errors"] == []
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == ("succeeded", Decimal(total))
    assert ReturnRequest.objects.get().status == "resolved"
    (grant,) = grants(fake_saleor, order)
    assert grant["status"] == "SUCCESS"
    assert Decimal(str(grant["amount"]["amount"])) == Decimal(total)


def test_resolving_twice_gives_one_refund(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    request_id, order = inspected(as_alice, fake_saleor, alice)
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})
    with django_capture_on_commit_callbacks(execute=True):
        again = as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})["data"]["returnRequestResolve"]
    assert again["refund"]["status"] == "succeeded"
    assert Refund.objects.count() == 1
    assert len(grants(fake_saleor, order)) == 1


def test_a_changed_preview_is_refused(as_staff, as_alice, fake_saleor, alice, policy):
    request_id, _ = inspected(as_alice, fake_saleor, alice)
    payload = as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND", "fingerprint": "0" * 64})["data"]["returnRequestResolve"]
    assert payload["errors"] == [{"field": "fingerprint", "code": "PREVIEW_CHANGED", "message": "The amounts changed since the preview; preview again."}]
    assert Refund.objects.count() == 0


@pytest.mark.parametrize("operation", ["GrantRefund", "RequestGrantedRefund"])
def test_an_answer_lost_after_saleor_did_the_work_never_refunds_twice(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks, operation):
    # given: Saleor runs the operation, then the answer is lost (a timeout, a 502)
    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.fail_after_execute_next(count=1, status=502, operation=operation)

    # when: the task fails and is retried
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})

    # then: one grant, refunded once, for the right amount
    assert Refund.objects.get().status == "succeeded"
    (grant,) = grants(fake_saleor, order)
    assert grant["status"] == "SUCCESS"
    transaction_item = fake_saleor.lookup(order["id"])["transactions"][0]
    assert Decimal(str(transaction_item["refundedAmount"]["amount"])) == Decimal("40.00")


def test_a_worker_killed_between_grant_and_request_resumes(as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    # given: the grant was made and recorded, then the worker died
    request_id, order = inspected(as_alice, fake_saleor, alice)
    return_request = ReturnRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        refund = resolution_actions.resolve_return_request(return_request=return_request, actor=STAFF, resolution="refund")
    fake_saleor.fail_next(count=20, status=502, operation="RequestGrantedRefund")
    refunds.process_refund_task.apply(args=[str(refund.pk)])
    assert Refund.objects.get().saleor_granted_refund_id
    assert Refund.objects.get().status == "processing"
    fake_saleor.clear_faults()

    # when: the task runs again
    refunds.process_refund_task.apply(args=[str(refund.pk)])

    # then
    assert Refund.objects.get().status == "succeeded"
    assert len(grants(fake_saleor, order)) == 1


def test_a_refused_refund_is_shown_and_can_be_retried(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    # given
    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.payment_app_mode = "failure"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})
    finally:
        fake_saleor.payment_app_mode = "success"

    # then
    assert Refund.objects.get().status == "failed"
    assert Refund.objects.get().failure_reason
    assert ReturnRequest.objects.get().status == "inspected"

    # when: staff retry
    with django_capture_on_commit_callbacks(execute=True):
        as_staff("mutation($id: ID!) { returnRefundRetry(id: $id) { refund { status } errors { code } } }", {"id": request_id})

    # then
    assert Refund.objects.get().status == "succeeded"
    assert ReturnRequest.objects.get().status == "resolved"
    assert len(grants(fake_saleor, order)) == 1


def test_store_credit_is_one_gift_card_even_when_the_answer_is_lost(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    request_id, _ = inspected(as_alice, fake_saleor, alice)
    fake_saleor.fail_after_execute_next(count=1, status=502, operation="GiftCardCreate")
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": "STORE_CREDIT"})
    refund = Refund.objects.get()
    assert (refund.kind, refund.status, refund.amount) == ("store_credit", "succeeded", Decimal("44.00"))
    cards = fake_saleor.gift_cards
    assert len(cards) == 1
    assert refund.gift_card_last4 == cards[0]["last4CodeChars"]
    # tied to alice's account, not only e-mailed: nobody else can spend it there
    assert (cards[0]["assignedTo"]["id"], cards[0]["assignedToEmail"]) == (alice["id"], alice["email"])


@pytest.mark.django_db(transaction=True)
def test_two_staff_clicking_at_once_give_one_refund(client, shop, fake_saleor, fake_app, alice, staff_user, policy):
    """Two requests race through real transactions; the row lock lets one start the refund."""
    import threading

    from django.db import connection

    from tests.api.conftest import Caller

    as_alice = Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(alice))
    request_id, order = inspected(as_alice, fake_saleor, alice)
    token = fake_saleor.issue_staff_app_token(staff_user, fake_app)
    results = []

    def click():
        from django.test import Client

        caller = Caller(Client(), shop.saleor_api_url, token)
        results.append(caller(RESOLVE, {"id": request_id, "resolution": "REFUND"})["data"]["returnRequestResolve"])
        connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r["errors"] for r in results] == [[], []]
    assert Refund.objects.count() == 1
    assert Refund.objects.get().status == "succeeded"
    assert len(grants(fake_saleor, order)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_refund_grant_once(shop, fake_saleor, alice, policy, client):
    """A duplicate delivery of the task runs while the first is waiting on Saleor's grant."""
    import threading
    import time

    from django.db import connection

    from tests.api.conftest import Caller

    as_alice = Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(alice))
    # Four ordered, two returned: Saleor itself would accept a second grant of two.
    _, order = inspected(as_alice, fake_saleor, alice, ordered=4)
    fake_saleor.delay_next(count=1, seconds=1.0, operation="GrantRefund")

    def second_worker():
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(r["operation_name"] == "GrantRefund" for r in fake_saleor.requests):
            time.sleep(0.01)
        refunds.process_refund_task.apply(args=[str(Refund.objects.get().pk)])
        connection.close()

    thread = threading.Thread(target=second_worker)
    thread.start()
    # The first worker: the task runs here, right after the refund is committed.
    resolution_actions.resolve_return_request(return_request=ReturnRequest.objects.get(), actor=STAFF, resolution="refund")
    thread.join()

    assert Refund.objects.get().status == "succeeded"
    assert len(grants(fake_saleor, order)) == 1


def legacy_paid_and_inspected(as_alice, fake_saleor, alice, *, ordered):
    """An order of `ordered` sneakers at 25.00 (+10.00 shipping) paid through the legacy Payments API
    (no transaction); two came back and were accepted. Returns (order, return request)."""
    order = shipped_order(fake_saleor, alice, lines=[{"sku": "SNEAKER", "quantity": ordered, "unit_price": Decimal("25.00")}],
                          shipping="10")
    fake_saleor.add_payment(order)
    create_request(as_alice, order, {0: 2})
    return_request = ReturnRequest.objects.get()
    request_actions.approve_return_request(return_request=return_request, actor=STAFF)
    shipping_actions.add_customer_tracking(return_request=return_request, actor=STAFF, carrier="UPS", tracking_number="1Z1")
    line = return_request.lines.get()
    inspection_actions.receive_return_lines(return_request=return_request, actor=STAFF, quantities={str(line.pk): 2})
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[
        inspection_actions.InspectionInput(line_id=str(line.pk), accepted_quantity=2, condition="as_new", disposition="scrap")])
    return order, ReturnRequest.objects.get()


@pytest.mark.parametrize("lose_the_answer", [False, True])
def test_orders_paid_with_legacy_payments_use_the_legacy_refund_once(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks, lose_the_answer):
    # given: an order paid through the legacy Payments API, returned and inspected
    order, return_request = legacy_paid_and_inspected(as_alice, fake_saleor, alice, ordered=2)
    if lose_the_answer:
        fake_saleor.fail_after_execute_next(count=1, status=502, operation="LegacyRefund")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": relay.Node.to_global_id("ReturnRequest", str(return_request.pk)), "resolution": "REFUND"})

    # then
    refund = Refund.objects.get()
    assert (refund.kind, refund.status, refund.amount) == ("legacy_payment", "succeeded", Decimal("40.00"))
    stored = fake_saleor.lookup(order["id"])
    assert Decimal(str(stored["totalRefunded"]["amount"])) == Decimal("40.00")
    assert [r["operation_name"] for r in fake_saleor.requests].count("LegacyRefund") == 1


STAFF_LEGACY_REFUND = "mutation($id: ID!, $amount: PositiveDecimal!) { orderRefund(id: $id, amount: $amount) { errors { message } } }"


def test_a_legacy_refund_made_meanwhile_by_staff_is_not_taken_for_the_apps(as_alice, fake_saleor, alice, staff_user, policy, django_capture_on_commit_callbacks):
    # given: a legacy-paid order; the app noted its own refunds, then its orderRefund never reached Saleor
    order, return_request = legacy_paid_and_inspected(as_alice, fake_saleor, alice, ordered=4)
    with django_capture_on_commit_callbacks(execute=False):
        refund = resolution_actions.resolve_return_request(return_request=return_request, actor=STAFF, resolution="refund")
    fake_saleor.fail_next(count=20, status=502, operation="LegacyRefund")
    refunds.process_refund_task.apply(args=[str(refund.pk)])
    assert Refund.objects.get().status == "processing"
    assert Refund.objects.get().legacy_refund_events_before == []
    fake_saleor.clear_faults()

    # when: staff refund the same amount in the Dashboard for another reason, then the app's task runs again
    status, body = fake_saleor.execute(STAFF_LEGACY_REFUND, {"id": order["id"], "amount": "40.00"},
                                       token=fake_saleor.issue_customer_token(staff_user))
    assert body["data"]["orderRefund"]["errors"] == [], body
    refunds.process_refund_task.apply(args=[str(refund.pk)])

    # then: the app made its own refund too; a further run changes nothing
    assert (Refund.objects.get().status, Refund.objects.get().amount) == ("succeeded", Decimal("40.00"))
    assert Decimal(str(fake_saleor.lookup(order["id"])["totalRefunded"]["amount"])) == Decimal("80.00")
    apps_calls = [r for r in fake_saleor.requests if r["operation_name"] == "LegacyRefund"]
    refunds.process_refund_task.apply(args=[str(refund.pk)])
    assert [r for r in fake_saleor.requests if r["operation_name"] == "LegacyRefund"] == apps_calls


def test_a_legacy_refund_begun_by_an_older_version_is_still_confirmed_by_the_refunded_total(as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    # given: the older version noted the refunded total (0.00), called orderRefund, and lost the answer
    order, return_request = legacy_paid_and_inspected(as_alice, fake_saleor, alice, ordered=2)
    with django_capture_on_commit_callbacks(execute=False):
        refund = resolution_actions.resolve_return_request(return_request=return_request, actor=STAFF, resolution="refund")
    refunds.record_refund_progress(refund_id=refund.pk, kind="legacy_payment", legacy_refunded_before=Decimal("0.00"))
    status, body = fake_saleor.execute(STAFF_LEGACY_REFUND, {"id": order["id"], "amount": "40.00"},
                                       token=fake_saleor.apps[0]["token"])
    assert body["data"]["orderRefund"]["errors"] == [], body
    calls = [r for r in fake_saleor.requests if r["operation_name"] == "LegacyRefund"]

    # when
    refunds.process_refund_task.apply(args=[str(refund.pk)])

    # then: confirmed, not refunded again
    assert Refund.objects.get().status == "succeeded"
    assert Decimal(str(fake_saleor.lookup(order["id"])["totalRefunded"]["amount"])) == Decimal("40.00")
    assert [r for r in fake_saleor.requests if r["operation_name"] == "LegacyRefund"] == calls


CLAIM_SET = """mutation($id: ID!, $claimId: ID, $amount: Decimal!, $status: CarrierClaimStatusEnum!) {
  returnCarrierClaimSet(id: $id, claimId: $claimId, carrier: "DHL", amount: $amount, status: $status, reference: "CLM-1") {
    returnRequest { carrierClaims { id carrier reference status amount { amount currency } } } errors { field code message } } }"""


def test_staff_record_their_own_carrier_claim(as_staff, as_alice, fake_saleor, alice, policy):
    # given: a parcel-lost claim from the customer
    order = shipped_order(fake_saleor, alice)
    request = create_request(as_alice, order, {0: 1}, kind="PARCEL_LOST")

    # when
    filed = as_staff(CLAIM_SET, {"id": request["id"], "amount": "25.005", "status": "FILED"})["data"]["returnCarrierClaimSet"]
    claim = filed["returnRequest"]["carrierClaims"][0]
    paid = as_staff(CLAIM_SET, {"id": request["id"], "claimId": claim["id"], "amount": "25.00", "status": "PAID"})["data"]["returnCarrierClaimSet"]

    # then
    assert claim["amount"] == {"amount": "25.01", "currency": "USD"}
    assert paid["returnRequest"]["carrierClaims"] == [
        {"id": claim["id"], "carrier": "DHL", "reference": "CLM-1", "status": "paid", "amount": {"amount": "25.00", "currency": "USD"}}
    ]
    customer_view = as_alice("query($id: ID!) { returnRequest(id: $id) { carrierClaims { id } } }", {"id": request["id"]})
    assert customer_view["data"]["returnRequest"]["carrierClaims"] is None


def test_a_returnless_claim_is_refunded_after_approval(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks):
    order = shipped_order(fake_saleor, alice, lines=[{"sku": "VASE", "quantity": 1, "unit_price": Decimal("30.00")}], shipping="5")
    fake_saleor.add_transaction(order, charged=Decimal("35.00"))
    request = create_request(as_alice, order, {0: 1}, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    as_staff("mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }", {"id": request["id"]})
    with django_capture_on_commit_callbacks(execute=True):
        payload = as_staff(RESOLVE, {"id": request["id"], "resolution": "REFUND"})["data"]["returnRequestResolve"]
    assert payload["errors"] == []
    refund = Refund.objects.get()
    # merchant fault: no fees, and the original shipping comes back too
    assert (refund.status, refund.amount) == ("succeeded", Decimal("35.00"))
    assert ReturnRequest.objects.get().status == "resolved"


def test_a_pending_refund_is_confirmed_by_order_refunded_delivered_twice_and_late(client, as_staff, as_alice, fake_saleor, alice, policy, shop, django_capture_on_commit_callbacks):
    # given: the payment app answers later
    from tests.conftest import post_raw

    request_id, order = inspected(as_alice, fake_saleor, alice)
    fake_saleor.payment_app_mode = "pending"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND"})
    finally:
        fake_saleor.payment_app_mode = "success"
    assert Refund.objects.get().status == "processing"
    (grant,) = grants(fake_saleor, order)

    # when: the payment app settles, and Saleor's ORDER_REFUNDED arrives twice (a retry)
    fake_saleor.settle_refund(grant["id"], success=True)
    body = fake_saleor.webhook_body({"__typename": "OrderRefunded", "issuedAt": "2026-11-22T05:00:00+00:00",
                                     "version": "3.23.28", "recipient": {"id": fake_saleor.apps[0]["id"]},
                                     "order": {"id": order["id"], "number": order["number"]}})
    headers = fake_saleor.webhook_headers("order_refunded", body)
    with django_capture_on_commit_callbacks(execute=True):
        first = post_raw(client, "/webhooks/saleor/order-refunded/", headers, body)
    with django_capture_on_commit_callbacks(execute=True):
        second = post_raw(client, "/webhooks/saleor/order-refunded/", headers, body)

    # then
    assert (first.json(), second.json()) == ({"status": "accepted"}, {"status": "duplicate"})
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == ("succeeded", Decimal("40.00"))
    assert len(grants(fake_saleor, order)) == 1
    assert ReturnRequest.objects.get().status == "resolved"


def test_a_preview_that_cannot_be_made_names_its_field_and_code(as_staff, as_alice, fake_saleor, alice, policy):
    # given: a return still in review (nothing received, nothing to pay yet)
    order = shipped_order(fake_saleor, alice)
    request = create_request(as_alice, order)

    # when
    answer = as_staff(PREVIEW, {"id": request["id"], "resolution": "REPLACEMENT"})

    # then
    assert answer["data"]["returnResolutionPreview"] is None
    error = answer["errors"][0]
    assert error["message"]
    assert error["extensions"]["field"] == "resolution"
    assert error["extensions"]["code"] == "INVALID_RESOLUTION"


def test_the_timeline_says_refunded_amounts_in_the_currencys_precision(as_staff, as_alice, fake_saleor, alice, policy):
    import re

    from saleor_returns.models import ReturnEvent

    request_id, _ = inspected(as_alice, fake_saleor, alice)
    fingerprint = as_staff(PREVIEW, {"id": request_id})["data"]["returnResolutionPreview"]["fingerprint"]
    as_staff(RESOLVE, {"id": request_id, "resolution": "REFUND", "fingerprint": fingerprint})

    from saleor_returns import events
    from saleor_returns.models import Refund

    refund = Refund.objects.get()  # as stored: three decimal places
    events.refund_succeeded_event(return_request=refund.return_request, refund=refund)
    notes = dict(ReturnEvent.objects.filter(type__in=["refund_started", "refund_succeeded"]).values_list("type", "note"))
    assert set(notes) == {"refund_started", "refund_succeeded"}
    for note in notes.values():
        assert re.findall(r"\d+(?:\.\d+)? USD", note) == ["40.00 USD"], note


REFUND_PARTS = """query($id: ID!) { returnRequest(id: $id) { refund { amount { amount currency }
  components { code amount { amount currency } } } } }"""


@pytest.mark.parametrize(("resolution", "expected", "total"), [
    ("REFUND", [("ITEMS", "50.00"), ("RESTOCKING_FEE", "-5.00"), ("RETURN_SHIPPING_FEE", "-5.00")], "40.00"),
    ("STORE_CREDIT", [("ITEMS", "50.00"), ("RESTOCKING_FEE", "-5.00"), ("RETURN_SHIPPING_FEE", "-5.00"),
                      ("STORE_CREDIT_BONUS", "4.00")], "44.00"),
])
def test_a_refund_shows_the_parts_that_add_up_to_it(as_staff, as_alice, fake_saleor, alice, policy, django_capture_on_commit_callbacks, resolution, expected, total):
    # given
    request_id, _ = inspected(as_alice, fake_saleor, alice)
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request_id, "resolution": resolution})

    # when: staff and the customer read it
    for caller in (as_staff, as_alice):
        refund = caller(REFUND_PARTS, {"id": request_id})["data"]["returnRequest"]["refund"]

        # then: the previewed parts (zero ones left out), signed, adding up to the amount
        assert [(part["code"], part["amount"]["amount"]) for part in refund["components"]] == expected
        assert {part["amount"]["currency"] for part in refund["components"]} == {"USD"}
        assert refund["amount"]["amount"] == total
        assert sum(Decimal(part["amount"]["amount"]) for part in refund["components"]) == Decimal(total)


def test_an_exchange_price_difference_is_its_own_part():
    from saleor_returns.refund_components import refund_components

    preview = {"lines": [], "shipping_refunded": False, "currency": "KWD", "total": "1.5"}
    assert refund_components(preview, Decimal("1.5"), "KWD") == [("exchange_price_difference", Decimal("1.500"))]
