"""Return shipping end to end: a label on approval, carrier webhooks that move the return on
their own, the customer's own tracking number, and the periodic jobs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from saleor_returns.fakes.carriers.easypost import FakeEasyPost
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import CarrierWebhookEvent, ReturnRequest, ReturnShipment
from saleor_returns.shipping import actions as shipping_actions
from tests.api.conftest import create_request, shipped_order

WEBHOOK_SECRET = "whsec_returns_test"
APPROVE = "mutation($id: ID!) { returnRequestApprove(id: $id) { returnRequest { status } errors { code } } }"
SHIPMENTS = """query($id: ID!) { returnRequest(id: $id) { status shipments {
  method carrier trackingNumber trackingStatus labelStatus labelUrl cost { amount currency } flaggedReason
  events { status } } } }"""
TRACKING_ADD = """mutation($id: ID!, $carrier: String!, $number: String!) {
  returnRequestTrackingAdd(id: $id, carrier: $carrier, trackingNumber: $number) {
    returnRequest { status shipments { method carrier trackingNumber } } errors { field code message } } }"""


@pytest.fixture(scope="module")
def easypost():
    fake = FakeEasyPost(webhook_secret=WEBHOOK_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def account(shop, easypost):
    easypost.reset()
    installation_actions.set_return_address(
        installation=shop, warehouse_id="", is_default=True,
        fields={"name": "Returns Desk", "company": "Example Shop", "street1": "100 Congress Ave", "city": "Austin",
                "state": "TX", "zip": "78701", "country": "US"},
    )
    return installation_actions.set_carrier_account(
        installation=shop, provider="easypost", name="EasyPost", is_default=True,
        credentials={"api_key": easypost.api_key, "webhook_secret": WEBHOOK_SECRET, "base_url": easypost.base_url},
    )


@pytest.fixture
def order_with_address(fake_saleor, alice):
    order = shipped_order(fake_saleor, alice)
    order["shippingAddress"] = {
        "__typename": "Address", "firstName": "Alice", "lastName": "Doe", "companyName": "", "streetAddress1": "417 Montgomery St",
        "streetAddress2": "", "city": "San Francisco", "postalCode": "94104", "countryArea": "CA",
        "country": {"__typename": "CountryDisplay", "code": "US", "country": "United States"}, "phone": "+14155550100",
    }
    return order


@pytest.fixture
def approved(as_alice, as_staff, account, order_with_address, django_capture_on_commit_callbacks):
    """Alice's request, approved by staff; the label task ran after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        request = create_request(as_alice, order_with_address, {0: 1})
    with django_capture_on_commit_callbacks(execute=True):
        assert as_staff(APPROVE, {"id": request["id"]})["data"]["returnRequestApprove"]["errors"] == []
    return request


def post_event(client, account, headers, body):
    return client.generic("POST", f"/webhooks/carriers/easypost/{account.webhook_key}/", data=body,
                          content_type="application/json", headers={k: v for k, v in headers.items() if k != "Content-Type"})


def test_approval_buys_a_label_the_customer_sees(as_alice, approved, easypost):
    # then
    seen = as_alice(SHIPMENTS, {"id": approved["id"]})["data"]["returnRequest"]
    assert seen["status"] == "AWAITING_SHIPMENT"
    (shipment,) = seen["shipments"]
    assert (shipment["method"], shipment["labelStatus"], shipment["trackingStatus"]) == ("label", "created", "label_created")
    assert shipment["labelUrl"].startswith(easypost.root_url)
    assert shipment["cost"] is None  # the label's cost is the shop's business
    stored = ReturnShipment.objects.get()
    assert stored.cost_amount is not None and stored.currency == "USD"
    bought = [shipment for shipment in easypost.shipments.values() if shipment.get("is_return")]
    assert len(bought) == 1


def test_carrier_scans_move_the_return_along(client, as_staff, approved, account, easypost, django_capture_on_commit_callbacks):
    # given
    tracking = ReturnShipment.objects.get().tracking_number
    now = timezone.now()

    # when: the first scan
    headers, body = easypost.signed_webhook(easypost.tracker_event(tracking, status="in_transit", at=now - timedelta(hours=5)))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, account, headers, body)

    # then
    assert response.status_code == 200
    assert response.json() == {"received": 1, "new": 1}
    assert ReturnRequest.objects.get().status == "in_transit"

    # when: delivered to the returns address
    headers, body = easypost.signed_webhook(easypost.tracker_event(tracking, status="delivered", at=now - timedelta(hours=1)))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, account, headers, body)

    # then
    assert ReturnRequest.objects.get().status == "received"
    shipment = ReturnShipment.objects.get()
    assert shipment.tracking_status == "delivered"

    # when: a late, older scan arrives
    headers, body = easypost.signed_webhook(easypost.tracker_event(tracking, status="in_transit", at=now - timedelta(hours=3)))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, account, headers, body)

    # then: nothing moves backwards
    assert ReturnRequest.objects.get().status == "received"
    assert ReturnShipment.objects.get().tracking_status == "delivered"
    assert list(CarrierWebhookEvent.objects.order_by("received_at").values_list("tracking_status", "status")) == [
        ("in_transit", "applied"), ("delivered", "applied"), ("in_transit", "ignored")
    ]


def test_a_repeated_delivery_is_stored_once(client, approved, account, easypost, django_capture_on_commit_callbacks):
    tracking = ReturnShipment.objects.get().tracking_number
    headers, body = easypost.signed_webhook(easypost.tracker_event(tracking, status="in_transit"))
    with django_capture_on_commit_callbacks(execute=True):
        first = post_event(client, account, headers, body)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = post_event(client, account, headers, body)
    assert first.json() == {"received": 1, "new": 1}
    assert second.json() == {"received": 1, "new": 0}
    assert callbacks == []
    assert CarrierWebhookEvent.objects.count() == 1


def test_an_exception_flags_the_return_for_staff(client, as_staff, approved, account, easypost, django_capture_on_commit_callbacks):
    tracking = ReturnShipment.objects.get().tracking_number
    headers, body = easypost.signed_webhook(easypost.tracker_event(tracking, status="return_to_sender", finalized=False))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, account, headers, body)
    seen = as_staff(SHIPMENTS, {"id": approved["id"]})["data"]["returnRequest"]
    assert seen["shipments"][0]["flaggedReason"] == "returned_to_sender"
    assert ReturnRequest.objects.get().events.filter(type="shipping_flagged", is_visible_to_customer=False).count() == 1


@pytest.mark.parametrize(("_case", "mangle", "status"), [
    ("tampered body", lambda h, b, key: (h, b.replace(b"in_transit", b"delivered"), key), 401),
    ("unsigned", lambda h, b, key: ({}, b, key), 401),
    ("unknown key", lambda h, b, key: (h, b, "not-a-key"), 404),
])
def test_refused_webhooks_store_nothing(client, approved, account, easypost, django_capture_on_commit_callbacks, _case, mangle, status):
    tracking = ReturnShipment.objects.get().tracking_number
    headers, body = easypost.signed_webhook(easypost.tracker_event(tracking, status="in_transit"))
    headers, body, key = mangle(headers, body, account.webhook_key)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.generic("POST", f"/webhooks/carriers/easypost/{key}/", data=body, content_type="application/json",
                                  headers={k: v for k, v in headers.items() if k != "Content-Type"})
    assert response.status_code == status
    assert CarrierWebhookEvent.objects.count() == 0
    assert callbacks == []
    assert ReturnRequest.objects.get().status == "awaiting_shipment"


def test_events_for_unknown_tracking_numbers_are_kept_and_answered(client, account, easypost, django_capture_on_commit_callbacks):
    headers, body = easypost.signed_webhook(easypost.tracker_event("9400111111111111111111", status="in_transit"))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, account, headers, body)
    assert response.status_code == 200
    assert CarrierWebhookEvent.objects.get().status == "unmatched"


def test_customer_ships_it_themselves(as_alice, as_staff, fake_saleor, alice, account, easypost, django_capture_on_commit_callbacks):
    # given: no label (claims ship nothing back, but a plain return without a default account does)
    account.is_default = False
    account.save()
    request = create_request(as_alice, shipped_order(fake_saleor, alice), {0: 1})
    as_staff(APPROVE, {"id": request["id"]})
    account.is_default = True
    account.save()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        payload = as_alice(TRACKING_ADD, {"id": request["id"], "carrier": "USPS", "number": "9400 1000 0000 0000 0000 00"})["data"]["returnRequestTrackingAdd"]

    # then
    assert payload["errors"] == []
    assert payload["returnRequest"]["status"] == "AWAITING_SHIPMENT"
    assert payload["returnRequest"]["shipments"] == [{"method": "self_ship", "carrier": "USPS", "trackingNumber": "9400100000000000000000"}]
    assert easypost.tracker_for("9400100000000000000000") is not None
    assert ReturnShipment.objects.get().tracker_id


def test_tracking_before_approval_is_refused(as_alice, fake_saleor, alice, account):
    request = create_request(as_alice, shipped_order(fake_saleor, alice), {0: 1})
    payload = as_alice(TRACKING_ADD, {"id": request["id"], "carrier": "USPS", "number": "123"})["data"]["returnRequestTrackingAdd"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("status", "INVALID_TRANSITION")]
    assert ReturnShipment.objects.count() == 0


def test_a_label_with_no_scan_is_flagged_as_possibly_lost(approved):
    later = timezone.now() + timedelta(days=11)
    assert shipping_actions.flag_stale_shipments(now=later) == 1
    assert ReturnShipment.objects.get().flagged_reason == "no_scan"
    assert shipping_actions.flag_stale_shipments(now=later) == 0


def test_an_approved_return_never_shipped_expires_and_its_label_is_voided(approved, easypost, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert shipping_actions.expire_unshipped_returns(now=timezone.now() + timedelta(days=31)) == 1
    assert ReturnRequest.objects.get().status == "canceled"
    shipment = ReturnShipment.objects.get()
    assert shipment.label_status == "voided"
    assert easypost.shipments[shipment.provider_shipment_id]["refund_status"] == "submitted"


CARRIER_SET = """mutation($input: CarrierAccountInput!) { returnCarrierAccountSet(input: $input) {
  carrierAccount { provider name isDefault webhookUrl } errors { field code message } } }"""


def test_staff_connect_a_carrier_and_get_the_webhook_url(as_staff, shop):
    payload = as_staff(CARRIER_SET, {"input": {"provider": "shippo", "name": "Shippo", "apiKey": "shippo_test_x", "webhookToken": "tok123"}})
    account = payload["data"]["returnCarrierAccountSet"]["carrierAccount"]
    assert account["webhookUrl"].startswith("https://returns.example.com/webhooks/carriers/shippo/")
    assert account["webhookUrl"].endswith("/?token=tok123")
    bad = as_staff(CARRIER_SET, {"input": {"provider": "pigeon", "name": "x"}})["data"]["returnCarrierAccountSet"]
    assert bad["errors"] == [{"field": "provider", "code": "INVALID", "message": "Choose from easypost, shippo, aftership, generic."}]


def test_a_trusted_customer_is_refunded_at_the_first_scan(client, as_alice, as_staff, shop, account, easypost, fake_saleor, alice, order_with_address, django_capture_on_commit_callbacks):
    # given: auto-approval trusts small returns, and refunds them at the first scan
    from decimal import Decimal

    from saleor_returns.models import Refund
    from saleor_returns.requestors import SYSTEM

    installation_actions.update_return_policy(installation=shop, channel_slug="", preset=None, actor=SYSTEM, rules={
        "auto_approval": {"enabled": True, "max_value": "100"}, "instant_refund_max_value": "100"})
    fake_saleor.add_transaction(order_with_address, charged=Decimal("100.00"))
    with django_capture_on_commit_callbacks(execute=True):
        create_request(as_alice, order_with_address, {0: 1})
    assert ReturnRequest.objects.get().status == "awaiting_shipment"  # auto-approved, label bought
    tracking = ReturnShipment.objects.get().tracking_number

    # when: the first carrier scan
    headers, body = easypost.signed_webhook(easypost.tracker_event(tracking, status="in_transit"))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, account, headers, body)

    # then: refunded while the parcel travels; the return itself resolves after inspection
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == ("succeeded", Decimal("25.00"))
    assert ReturnRequest.objects.get().status == "in_transit"


LABEL_REQUEST = "mutation($id: ID!) { returnRequestLabelRequest(id: $id) { returnRequest { status shipments { labelStatus } } errors { field code message } } }"
PICKUP = """mutation($id: ID!, $from: DateTime!, $to: DateTime!) { returnRequestPickupSchedule(id: $id, from: $from, to: $to, instructions: "Ring twice") {
  returnRequest { shipments { pickupConfirmation pickupError } } errors { field code message } } }"""


def test_the_customer_picks_a_label_then_a_pickup(as_alice, as_staff, account, easypost, order_with_address, django_capture_on_commit_callbacks):
    # given: approved while the shop had no default carrier, so no label yet
    account.is_default = False
    account.save()
    request = create_request(as_alice, order_with_address, {0: 1})
    as_staff(APPROVE, {"id": request["id"]})
    account.is_default = True
    account.save()

    # when: the customer picks a label
    with django_capture_on_commit_callbacks(execute=True):
        picked = as_alice(LABEL_REQUEST, {"id": request["id"]})["data"]["returnRequestLabelRequest"]

    # then
    assert picked["errors"] == []
    assert ReturnRequest.objects.get().status == "awaiting_shipment"
    assert ReturnShipment.objects.get().label_status == "created"

    # when: and a pickup tomorrow
    start = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        booked = as_alice(PICKUP, {"id": request["id"], "from": start.isoformat(), "to": (start + timedelta(hours=4)).isoformat()})

    # then
    assert booked["data"]["returnRequestPickupSchedule"]["errors"] == []
    shipment = ReturnShipment.objects.get()
    assert shipment.pickup_id in easypost.pickups
    assert shipment.pickup_confirmation
    again = as_alice(PICKUP, {"id": request["id"], "from": start.isoformat(), "to": (start + timedelta(hours=4)).isoformat()})
    assert [e["code"] for e in again["data"]["returnRequestPickupSchedule"]["errors"]] == ["UNIQUE"]


def test_a_pickup_in_the_past_or_without_a_label_is_refused(as_alice, as_staff, fake_saleor, alice, account):
    account.is_default = False
    account.save()
    request = create_request(as_alice, shipped_order(fake_saleor, alice), {0: 1})
    as_staff(APPROVE, {"id": request["id"]})
    start = timezone.now() + timedelta(days=1)
    no_label = as_alice(PICKUP, {"id": request["id"], "from": start.isoformat(), "to": (start + timedelta(hours=2)).isoformat()})
    assert [e["code"] for e in no_label["data"]["returnRequestPickupSchedule"]["errors"]] == ["INVALID_TRANSITION"]
    past = as_alice(PICKUP, {"id": request["id"], "from": "2020-01-01T10:00:00+00:00", "to": "2020-01-01T12:00:00+00:00"})
    assert [(e["field"], e["code"]) for e in past["data"]["returnRequestPickupSchedule"]["errors"]] == [("from", "INVALID")]
    assert ReturnShipment.objects.count() == 0


CARRIER_UPDATE = """mutation($id: ID, $input: CarrierAccountInput!) { returnCarrierAccountSet(id: $id, input: $input) {
  carrierAccount { id provider name webhookUrl } errors { field code message } } }"""


def test_renaming_an_account_keeps_its_stored_credentials(as_staff, shop):
    from saleor_returns.models import CarrierAccount

    first = as_staff(CARRIER_UPDATE, {"input": {"provider": "shippo", "name": "Shippo", "apiKey": "shippo_test_x", "webhookToken": "tok123"}})
    account_id = first["data"]["returnCarrierAccountSet"]["carrierAccount"]["id"]

    renamed = as_staff(CARRIER_UPDATE, {"id": account_id, "input": {"provider": "shippo", "name": "Shippo EU"}})

    answer = renamed["data"]["returnCarrierAccountSet"]
    assert answer["errors"] == []
    assert answer["carrierAccount"]["name"] == "Shippo EU"
    assert answer["carrierAccount"]["webhookUrl"].endswith("/?token=tok123")
    stored = CarrierAccount.objects.get(installation=shop)
    assert stored.credentials == {"api_key": "shippo_test_x", "webhook_token": "tok123"}

    # one secret replaced, the other kept
    as_staff(CARRIER_UPDATE, {"id": account_id, "input": {"provider": "shippo", "name": "Shippo EU", "apiKey": "shippo_test_y"}})
    stored.refresh_from_db()
    assert stored.credentials == {"api_key": "shippo_test_y", "webhook_token": "tok123"}
