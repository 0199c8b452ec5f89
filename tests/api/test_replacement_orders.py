"""Exchanges and replacements: a no-charge Saleor order, made once."""

from decimal import Decimal

import pytest

from saleor_returns.celery import app as celery_app
from saleor_returns.inspection import actions as inspection_actions
from saleor_returns.models import Refund, ReplacementOrder, ReturnRequest
from saleor_returns.requestors import Actor
from saleor_returns.requests import actions as request_actions
from saleor_returns.shipping import actions as shipping_actions
from tests.api.conftest import create_request, shipped_order

STAFF = Actor(kind="staff", id="VXNlcjox", email="staff@example.com")
RESOLVE = """mutation($id: ID!, $resolution: ResolutionEnum!) { returnRequestResolve(id: $id, resolution: $resolution) {
  replacementOrder { status orderNumber quantity } returnRequest { id status } errors { field code message } } }"""


@pytest.fixture(autouse=True)
def eager_retries():
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


@pytest.fixture
def order(fake_saleor, alice):
    # Shipping costs something, as in a real shop: a new order must not silently carry it.
    method = fake_saleor.add_shipping_method("Standard", Decimal("10.00"))
    order = shipped_order(fake_saleor, alice, lines=[{"sku": "SNEAKER-42", "quantity": 1, "unit_price": Decimal("80.00")}])
    address = {"__typename": "Address", "id": "QWRkcmVzczox", "firstName": "Alice", "lastName": "Doe", "companyName": "",
               "streetAddress1": "Hauptstr. 1", "streetAddress2": "", "city": "Berlin", "cityArea": "", "postalCode": "10115",
               "country": {"__typename": "CountryDisplay", "code": "DE", "country": "Germany"}, "countryArea": "", "phone": ""}
    # Saleor answers an order's delivery method as the ShippingMethod union member.
    order.update(shippingAddress=address, billingAddress=dict(address), deliveryMethod={**method, "__typename": "ShippingMethod"})
    fake_saleor.set_stock("SNEAKER-42", 5)
    return order


def new_orders(fake_saleor, original):
    return [o for o in fake_saleor.orders if o["id"] != original["id"] and o.get("externalReference")]


def test_a_lost_parcel_claim_is_resolved_with_a_replacement_at_no_charge(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    # given
    request = create_request(as_alice, order, {0: 1}, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    as_staff("mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }", {"id": request["id"]})

    # when
    with django_capture_on_commit_callbacks(execute=True):
        payload = as_staff(RESOLVE, {"id": request["id"], "resolution": "REPLACEMENT"})["data"]["returnRequestResolve"]

    # then
    assert payload["errors"] == []
    (created,) = new_orders(fake_saleor, order)
    assert created["status"] != "DRAFT"
    assert [(line["productSku"], line["quantity"], line["unitPrice"]["gross"]["amount"]) for line in created["lines"]] == [("SNEAKER-42", 1, 0.0)]
    replacement = ReplacementOrder.objects.get()
    assert (replacement.status, replacement.saleor_order_id) == ("completed", created["id"])
    assert ReturnRequest.objects.get().status == "resolved"


def test_a_lost_answer_never_makes_a_second_order(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    request = create_request(as_alice, order, {0: 1}, kind="MISSING_ITEM", reason="LATE_DELIVERY")
    as_staff("mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }", {"id": request["id"]})
    fake_saleor.fail_after_execute_next(count=1, status=502, operation="DraftOrderCreate")
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request["id"], "resolution": "REPLACEMENT"})
    assert len(new_orders(fake_saleor, order)) == 1
    assert ReplacementOrder.objects.get().status == "completed"


def test_an_exchange_sends_the_chosen_item_after_inspection(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    # given: the customer asked for size 43 instead
    request, _ = inspected_exchange(as_alice, fake_saleor, order, "80.00", sku="SNEAKER-43")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        payload = as_staff(RESOLVE, {"id": request["id"], "resolution": "EXCHANGE"})["data"]["returnRequestResolve"]

    # then
    assert payload["errors"] == []
    (created,) = new_orders(fake_saleor, order)
    assert [(line["productSku"], line["quantity"]) for line in created["lines"]] == [("SNEAKER-43", 1)]
    assert ReturnRequest.objects.get().status == "resolved"


def test_a_replacement_for_a_plain_return_is_refused(as_alice, as_staff, fake_saleor, order):
    request = create_request(as_alice, order, {0: 1})
    as_staff("mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }", {"id": request["id"]})
    payload = as_staff(RESOLVE, {"id": request["id"], "resolution": "REPLACEMENT"})["data"]["returnRequestResolve"]
    assert payload["errors"] == [{"field": "resolution", "code": "INVALID_RESOLUTION", "message": "Replacements resolve claims."}]
    assert ReplacementOrder.objects.count() == 0


def exchange(as_alice, as_staff, fake_saleor, order, price, django_capture_on_commit_callbacks):
    request, _ = inspected_exchange(as_alice, fake_saleor, order, price)
    with django_capture_on_commit_callbacks(execute=True):
        return as_staff(RESOLVE, {"id": request["id"], "resolution": "EXCHANGE"})["data"]["returnRequestResolve"]


def test_a_cheaper_item_is_sent_and_the_difference_refunded(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    from saleor_returns.models import Refund

    fake_saleor.add_transaction(order, charged=Decimal("80.00"))
    payload = exchange(as_alice, as_staff, fake_saleor, order, "70.00", django_capture_on_commit_callbacks)
    assert payload["errors"] == []
    (created,) = new_orders(fake_saleor, order)
    assert created["status"] != "DRAFT"
    # a no-cost order: nothing left unpaid on it
    assert order_total(created) == Decimal("0.00")
    assert created["chargeStatus"] == "FULL"
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == ("succeeded", Decimal("10.00"))
    assert ReplacementOrder.objects.get().price_difference == Decimal("-10.00")
    assert ReturnRequest.objects.get().status == "resolved"
    shown = as_staff("query($id: ID!) { returnRequest(id: $id) { refund { components { code amount { amount currency } } } } }",
                     {"id": payload["returnRequest"]["id"]})["data"]["returnRequest"]["refund"]
    assert shown["components"] == [{"code": "EXCHANGE_PRICE_DIFFERENCE", "amount": {"amount": "10.00", "currency": "USD"}}]


def order_total(order: dict) -> Decimal:
    """An order's total as Saleor prices it: lines + shipping − discounts (a fixed discount
    comes off subtotal and shipping in proportion)."""
    return Decimal(str(order["total"]["gross"]["amount"]))


def test_a_dearer_item_waits_for_the_customer_to_pay_the_difference(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    payload = exchange(as_alice, as_staff, fake_saleor, order, "95.00", django_capture_on_commit_callbacks)
    assert payload["errors"] == []
    (draft,) = new_orders(fake_saleor, order)
    assert draft["status"] == "DRAFT"
    assert [line["unitPrice"]["gross"]["amount"] for line in draft["lines"]] == [15.0]
    # the order costs exactly the difference: the shop ships the new item free by default
    assert order_total(draft) == Decimal("15.00")
    assert [(d["type"], d["valueType"], d["value"], d["reason"]) for d in draft["discounts"]] == [
        ("MANUAL", "FIXED", 10.0, f"{ReturnRequest.objects.get().rma_number}: free shipping")]
    replacement = ReplacementOrder.objects.get()
    assert (replacement.status, replacement.price_difference) == ("awaiting_payment", Decimal("15.00"))
    assert ReturnRequest.objects.get().status == "inspected"
    shown = as_alice("query($id: ID!) { returnRequest(id: $id) { replacementOrder { status orderNumber priceDifference { amount currency } } } }",
                     {"id": payload["returnRequest"]["id"]})["data"]["returnRequest"]["replacementOrder"]
    assert shown == {"status": "awaiting_payment", "orderNumber": str(draft["number"]),
                     "priceDifference": {"amount": "15.00", "currency": "USD"}}


def charge_exchange_shipping(return_policy_rules: dict) -> None:
    from saleor_returns.models import ReturnPolicy

    for policy in ReturnPolicy.objects.filter(is_current=True):
        policy.rules = {**policy.rules, **return_policy_rules}
        policy.save(update_fields=["rules"])


@pytest.mark.parametrize(("_case", "price", "total"), [
    ("dearer: the difference and the shipping", "95.00", Decimal("25.00")),
    ("cheaper: the shipping only", "70.00", Decimal("10.00")),
])
def test_a_shop_that_charges_exchange_shipping_waits_for_the_customer_to_pay_it(
    as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks, _case, price, total
):
    # given
    fake_saleor.add_transaction(order, charged=Decimal("80.00"))
    charge_exchange_shipping({"exchange_shipping_charged": True})

    # when
    payload = exchange(as_alice, as_staff, fake_saleor, order, price, django_capture_on_commit_callbacks)

    # then: the order carries the shop's shipping, and waits for payment
    assert payload["errors"] == []
    (draft,) = new_orders(fake_saleor, order)
    assert draft["status"] == "DRAFT"
    assert order_total(draft) == total
    assert draft["discounts"] == []
    assert ReplacementOrder.objects.get().status == "awaiting_payment"
    assert ReturnRequest.objects.get().status == "inspected"


def test_a_claims_replacement_never_charges_shipping(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    # given: even a shop that charges exchange shipping
    charge_exchange_shipping({"exchange_shipping_charged": True})
    request = create_request(as_alice, order, {0: 1}, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    as_staff("mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }", {"id": request["id"]})

    # when
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request["id"], "resolution": "REPLACEMENT"})

    # then
    (created,) = new_orders(fake_saleor, order)
    assert created["status"] != "DRAFT"
    assert order_total(created) == Decimal("0.00")


def test_a_lost_answer_to_the_shipping_discount_never_discounts_twice(
    as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks
):
    # given: Saleor applies the discount, but its answer is lost
    fake_saleor.fail_after_execute_next(count=1, status=502, operation="OrderDiscountAdd")

    # when
    payload = exchange(as_alice, as_staff, fake_saleor, order, "95.00", django_capture_on_commit_callbacks)

    # then: the retry finds the draft already costing the difference
    assert payload["errors"] == []
    (draft,) = new_orders(fake_saleor, order)
    assert len(draft["discounts"]) == 1
    assert order_total(draft) == Decimal("15.00")
    assert ReplacementOrder.objects.get().status == "awaiting_payment"


RETRY = """mutation($id: ID!) { returnReplacementRetry(id: $id) {
  replacementOrder { status failureReason } returnRequest { status } errors { field code message } } }"""


def test_a_failed_replacement_is_retried_once_the_item_is_back_in_stock(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    # given: the claimed item is out of stock, so Saleor refuses to complete the order
    request = create_request(as_alice, order, {0: 1}, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    as_staff("mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }", {"id": request["id"]})
    fake_saleor.set_stock("SNEAKER-42", 0)
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request["id"], "resolution": "REPLACEMENT"})
    failed = ReplacementOrder.objects.get()
    assert failed.status == "failed" and failed.failure_reason
    assert ReturnRequest.objects.get().status == "approved"

    # when: the stock is back and staff retry
    fake_saleor.set_stock("SNEAKER-42", 5)
    with django_capture_on_commit_callbacks(execute=True):
        payload = as_staff(RETRY, {"id": request["id"]})["data"]["returnReplacementRetry"]

    # then: the draft made the first time is completed; no second order
    assert payload["errors"] == []
    (created,) = new_orders(fake_saleor, order)
    assert created["status"] != "DRAFT"
    replacement = ReplacementOrder.objects.get()
    assert (replacement.status, replacement.saleor_order_id, replacement.failure_reason) == ("completed", created["id"], "")
    assert ReturnRequest.objects.get().status == "resolved"


def test_only_a_failed_replacement_can_be_retried(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    request = create_request(as_alice, order, {0: 1}, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    as_staff("mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }", {"id": request["id"]})

    before = as_staff(RETRY, {"id": request["id"]})["data"]["returnReplacementRetry"]
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(RESOLVE, {"id": request["id"], "resolution": "REPLACEMENT"})
    after = as_staff(RETRY, {"id": request["id"]})["data"]["returnReplacementRetry"]

    for payload in (before, after):
        assert payload["errors"] == [{"field": "id", "code": "INVALID_TRANSITION", "message": "Only a failed replacement order can be retried."}]
    assert len(new_orders(fake_saleor, order)) == 1


COMPLETE_DRAFT = """mutation($id: ID!) { draftOrderComplete(id: $id) { order { id status } errors { field code message } } }"""
TIMELINE = "query($id: ID!) { returnRequest(id: $id) { status replacementOrder { status orderNumber failureReason } timeline { note } } }"


def dearer_exchange_waiting(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    """A dearer exchange whose draft staff completed in Saleor; the customer has not paid yet."""
    payload = exchange(as_alice, as_staff, fake_saleor, order, "95.00", django_capture_on_commit_callbacks)
    (draft,) = new_orders(fake_saleor, order)
    status, completed = fake_saleor.execute(COMPLETE_DRAFT, {"id": draft["id"]}, token=fake_saleor.apps[0]["token"])
    assert completed["data"]["draftOrderComplete"]["errors"] == [], completed
    return payload["returnRequest"]["id"], draft


def fully_paid_webhook(client, fake_saleor, placed, django_capture_on_commit_callbacks, issued_at):
    from tests.conftest import post_raw

    body = fake_saleor.webhook_body({"__typename": "OrderFullyPaid", "issuedAt": issued_at, "version": "3.23.28",
                                     "recipient": {"id": fake_saleor.apps[0]["id"]},
                                     "order": {"id": placed["id"], "number": placed["number"]}})
    headers = fake_saleor.webhook_headers("order_fully_paid", body)
    with django_capture_on_commit_callbacks(execute=True):
        return post_raw(client, "/webhooks/saleor/order-fully-paid/", headers, body), (headers, body)


def test_a_dearer_exchange_is_resolved_once_saleor_says_the_customer_paid(client, as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    # given: the exchange order placed in Saleor and waiting for 15.00
    request_id, placed = dearer_exchange_waiting(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks)

    # when: an ORDER_FULLY_PAID arrives before the customer paid (a stale or forged delivery)
    early, _ = fully_paid_webhook(client, fake_saleor, placed, django_capture_on_commit_callbacks, "2026-11-22T05:00:00+00:00")

    # then: Saleor says it is not paid, so nothing changes
    assert early.status_code == 200
    assert ReplacementOrder.objects.get().status == "awaiting_payment"
    assert ReturnRequest.objects.get().status == "inspected"

    # when: the customer pays and Saleor's ORDER_FULLY_PAID is delivered (twice, as a retry would)
    fake_saleor.pay(placed)
    assert placed["chargeStatus"] == "FULL"
    first, (headers, body) = fully_paid_webhook(client, fake_saleor, placed, django_capture_on_commit_callbacks,
                                                "2026-11-22T05:10:00+00:00")
    from tests.conftest import post_raw
    with django_capture_on_commit_callbacks(execute=True):
        second = post_raw(client, "/webhooks/saleor/order-fully-paid/", headers, body)

    # then: resolved once, the timeline says so, nothing refunded
    assert (first.json(), second.json()) == ({"status": "accepted"}, {"status": "duplicate"})
    shown = as_staff(TIMELINE, {"id": request_id})["data"]["returnRequest"]
    assert shown["status"] == "RESOLVED"
    assert shown["replacementOrder"]["status"] == "completed"
    notes = [event["note"] for event in shown["timeline"]]
    assert notes.count(f"Payment received; your new item is on its way with order #{placed['number']}.") == 1
    assert not Refund.objects.exists()


def test_a_payment_whose_webhook_was_lost_is_found_by_the_beat(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    from saleor_returns.resolutions import tasks as resolution_tasks

    # given: paid in Saleor, no webhook reached the app
    request_id, placed = dearer_exchange_waiting(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks)
    resolution_tasks.reconcile_replacement_payments_task()
    assert ReplacementOrder.objects.get().status == "awaiting_payment"
    fake_saleor.pay(placed, Decimal("10.00"))  # part of it first
    resolution_tasks.reconcile_replacement_payments_task()
    assert ReplacementOrder.objects.get().status == "awaiting_payment"

    # when: the rest is paid and the beat runs
    fake_saleor.pay(placed)
    resolution_tasks.reconcile_replacement_payments_task()

    # then
    assert ReplacementOrder.objects.get().status == "completed"
    assert ReturnRequest.objects.get().status == "resolved"


def test_a_deleted_exchange_draft_fails_and_a_retry_makes_a_new_one(as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks):
    from saleor_returns.resolutions import tasks as resolution_tasks

    # given: the draft waiting for payment is deleted in Saleor
    payload = exchange(as_alice, as_staff, fake_saleor, order, "95.00", django_capture_on_commit_callbacks)
    (draft,) = new_orders(fake_saleor, order)
    fake_saleor.orders.remove(draft)

    # when
    resolution_tasks.reconcile_replacement_payments_task()

    # then: staff see why, and the retry makes a new draft at the same difference
    failed = as_staff(TIMELINE, {"id": payload["returnRequest"]["id"]})["data"]["returnRequest"]
    assert failed["status"] == "INSPECTED"
    assert failed["replacementOrder"] == {"status": "failed", "orderNumber": None,
                                          "failureReason": "The exchange order waiting for payment is gone from Saleor."}
    with django_capture_on_commit_callbacks(execute=True):
        retried = as_staff(RETRY, {"id": payload["returnRequest"]["id"]})["data"]["returnReplacementRetry"]
    assert retried["errors"] == []
    (new_draft,) = new_orders(fake_saleor, order)
    assert new_draft["id"] != draft["id"] and new_draft["status"] == "DRAFT"
    assert [line["unitPrice"]["gross"]["amount"] for line in new_draft["lines"]] == [15.0]
    assert ReplacementOrder.objects.get().status == "awaiting_payment"


PREVIEW = """query($id: ID!, $resolution: ResolutionEnum) { returnResolutionPreview(id: $id, resolution: $resolution) {
  resolution total { amount currency } fingerprint
  exchange { variantId quantity newItems { amount } returnedItems { amount } difference { amount currency } payer } } }"""


def inspected_exchange(as_alice, fake_saleor, order, price, *, sku=None):
    other = fake_saleor.add_variant(sku or f"SNEAKER-{price}", price=Decimal(price), stocks={"Default warehouse": 3})
    request = create_request(as_alice, order, {0: 1}, kind="EXCHANGE", resolution="EXCHANGE", exchangeVariantId=other["id"])
    return_request = ReturnRequest.objects.get()
    request_actions.approve_return_request(return_request=return_request, actor=STAFF)
    shipping_actions.add_customer_tracking(return_request=return_request, actor=STAFF, carrier="DHL", tracking_number="JJD1")
    line = return_request.lines.get()
    inspection_actions.receive_return_lines(return_request=return_request, actor=STAFF, quantities={str(line.pk): 1})
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[
        inspection_actions.InspectionInput(line_id=str(line.pk), accepted_quantity=1, condition="as_new", disposition="scrap")])
    return request, other


@pytest.mark.parametrize(("price", "difference", "payer", "refunded"), [
    ("95.00", "15.00", "CUSTOMER", "0.00"),
    ("70.00", "-10.00", "SHOP", "10.00"),
    ("80.00", "0.00", "NOBODY", "0.00"),
])
def test_an_exchange_is_previewed_with_its_item_and_who_pays_the_difference(
    as_alice, as_staff, fake_saleor, order, price, difference, payer, refunded
):
    request, variant = inspected_exchange(as_alice, fake_saleor, order, price)

    preview = as_staff(PREVIEW, {"id": request["id"]})["data"]["returnResolutionPreview"]

    assert preview["resolution"] == "EXCHANGE"
    assert preview["exchange"] == {
        "variantId": variant["id"], "quantity": 1, "newItems": {"amount": price}, "returnedItems": {"amount": "80.00"},
        "difference": {"amount": difference, "currency": "USD"}, "payer": payer,
    }
    assert preview["total"] == {"amount": refunded, "currency": "USD"}


def test_a_claims_replacement_is_previewed_at_no_charge(as_alice, as_staff, fake_saleor, order):
    request = create_request(as_alice, order, {0: 1}, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    as_staff("mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }", {"id": request["id"]})

    answer = as_staff(PREVIEW, {"id": request["id"], "resolution": "REPLACEMENT"})
    preview = answer["data"]["returnResolutionPreview"]
    assert preview, answer

    assert preview["exchange"], preview
    assert preview["exchange"]["payer"] == "NOBODY"
    assert preview["exchange"]["difference"]["amount"] == "0.00"
    assert preview["exchange"]["quantity"] == 1


def test_an_exchange_resolved_after_its_price_changed_is_refused(
    as_alice, as_staff, fake_saleor, order, django_capture_on_commit_callbacks
):
    # given: staff previewed at 95.00, then the shop changed the new item's price
    request, variant = inspected_exchange(as_alice, fake_saleor, order, "95.00")
    fingerprint = as_staff(PREVIEW, {"id": request["id"]})["data"]["returnResolutionPreview"]["fingerprint"]
    variant["_channel_prices"]["default-channel"] = Decimal("99.00")

    # when
    resolve = """mutation($id: ID!, $f: String) { returnRequestResolve(id: $id, resolution: EXCHANGE, fingerprint: $f) {
      errors { field code } } }"""
    with django_capture_on_commit_callbacks(execute=True):
        payload = as_staff(resolve, {"id": request["id"], "f": fingerprint})["data"]["returnRequestResolve"]

    # then
    assert payload["errors"] == [{"field": "fingerprint", "code": "PREVIEW_CHANGED"}]
    assert ReplacementOrder.objects.count() == 0
