"""Each event's data, read from a return request and its rows: one call per step of the return."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from saleor_returns.models import Refund, ReplacementOrder, ReturnAddress, ReturnShipment
from saleor_returns.notifications import catalog
from saleor_returns.notifications.events import message_context
from saleor_returns.models.notifications import MessageEvent
from tests.factories import ReturnLineFactory, ReturnRequestFactory

pytestmark = pytest.mark.django_db
APPROVED_AT = datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def return_request():
    request = ReturnRequestFactory(status="approved", status_changed_at=APPROVED_AT, rejection_message="",
                                   info_requested_message="Is the box damaged too?")
    ReturnLineFactory(return_request=request, product_name="Trail Sneaker", variant_name="EU 42", sku="SNEAKER-42",
                      requested_quantity=2, approved_quantity=2, received_quantity=2, accepted_quantity=1)
    return request


def store_refund(return_request, **fields):
    return Refund.objects.create(
        return_request=return_request, currency="USD", fingerprint="f", **{
            "kind": "original_payment", "status": "succeeded", "amount": Decimal("40.00"),
            "preview": {"items": "50.00", "restocking_fee": "5.00", "return_shipping_fee": "5.00",
                        "original_shipping": "0.00", "store_credit_bonus": "0.00"},
            **fields,
        },
    )


@pytest.mark.parametrize("event", MessageEvent.values)
def test_every_event_carries_exactly_its_documented_keys(return_request, event):
    assert sorted(message_context(return_request, event)) == sorted(catalog.data_keys(event))


def test_the_common_data_names_the_return_its_order_and_its_lines(return_request):
    # when
    data = message_context(return_request, MessageEvent.REQUEST_RECEIVED)

    # then
    line = return_request.lines.get()
    assert data == {
        "return_request_id": to_global_id("ReturnRequest", str(return_request.pk)),
        "rma_number": return_request.rma_number,
        "order_id": return_request.order_id,
        "order_number": return_request.order_number,
        "status": "approved",
        "kind": "return",
        "resolution": "refund",
        "lines": [{
            "id": to_global_id("ReturnLine", str(line.pk)), "order_line_id": line.order_line_id, "sku": "SNEAKER-42",
            "product_name": "Trail Sneaker", "variant_name": "EU 42", "reason_code": "DEFECT",
            "requested_quantity": 2, "approved_quantity": 2, "received_quantity": 2, "accepted_quantity": 1,
        }],
    }


def test_approval_says_how_and_by_when_to_send_the_parcel(return_request):
    # given
    ReturnShipment.objects.create(return_request=return_request, method="label", label_status="created",
                                  label_url="https://labels.example.com/1.pdf", qr_code_url="")
    ReturnAddress.objects.create(installation=return_request.installation, name="Returns", street1="Hauptstr. 1",
                                 city="Berlin", zip="10115", country="DE", is_default=True)

    # when
    data = message_context(return_request, MessageEvent.APPROVED)

    # then: 30 days after approval it expires, so the 30th of May is the last full day
    assert (data["ship_by"], data["label_url"], data["qr_code_url"]) == (
        "2026-05-30", "https://labels.example.com/1.pdf", None
    )
    assert data["return_address"] == {"name": "Returns", "company": "", "street1": "Hauptstr. 1", "street2": "",
                                      "city": "Berlin", "state": "", "zip": "10115", "country": "DE"}


def test_a_refund_carries_its_amount_and_signed_components(return_request):
    # given
    store_refund(return_request)

    # when
    data = message_context(return_request, MessageEvent.REFUNDED)

    # then
    assert (data["amount"], data["method"]) == ({"amount": "40.00", "currency": "USD"}, "original_payment")
    assert data["components"] == [
        {"code": "items", "amount": "50.00"}, {"code": "restocking_fee", "amount": "-5.00"},
        {"code": "return_shipping_fee", "amount": "-5.00"},
    ]


def test_store_credit_names_the_gift_card_by_its_last_four_characters_only(return_request):
    # given
    store_refund(return_request, kind="store_credit", amount=Decimal("44.00"), gift_card_id="R2lmdENhcmQ6MQ==",
                 gift_card_last4="K9Q2")

    # when
    data = message_context(return_request, MessageEvent.STORE_CREDIT_ISSUED)

    # then
    assert (data["amount"], data["gift_card_last4"]) == ({"amount": "44.00", "currency": "USD"}, "K9Q2")
    with pytest.raises(ValueError, match="The store_credit_issued event carries no gift_card_code."):
        message_context(return_request, MessageEvent.STORE_CREDIT_ISSUED, gift_card_code="GC-1234-5678-K9Q2")


@pytest.mark.parametrize(("_case", "status", "to_pay"), [
    ("dearer item waits for payment", "awaiting_payment", {"amount": "12.50", "currency": "USD"}),
    ("placed", "completed", None),
])
def test_a_replacement_order_says_what_is_left_to_pay(return_request, _case, status, to_pay):
    ReplacementOrder.objects.create(return_request=return_request, currency="USD", price_difference=Decimal("12.50"),
                                    variant_id="V", quantity=1, status=status, saleor_order_number="1043")
    data = message_context(return_request, MessageEvent.REPLACEMENT_PLACED)
    assert (data["replacement_order_number"], data["amount_to_pay"]) == ("1043", to_pay)


@pytest.mark.parametrize(("_case", "status", "message", "decision", "reason"), [
    ("granted", "approved", "", "approved", None),
    ("refused", "rejected", "The photos show wear.", "rejected", "The photos show wear."),
])
def test_a_claim_decision_and_its_reason(_case, status, message, decision, reason):
    claim = ReturnRequestFactory(kind="damaged_on_arrival", status=status, rejection_message=message)
    data = message_context(claim, MessageEvent.CLAIM_DECIDED)
    assert (data["decision"], data["reason"]) == (decision, reason)


def test_facts_set_what_the_step_knows_and_become_plain_json(return_request):
    # when
    data = message_context(return_request, MessageEvent.INFO_REQUESTED)
    asked = message_context(return_request, MessageEvent.INFO_REQUESTED, question="Which size did you order?")
    reminder = message_context(return_request, MessageEvent.SHIP_REMINDER,
                               ship_by=datetime(2026, 6, 1, tzinfo=timezone.utc).date())

    # then
    assert data["question"] == "Is the box damaged too?"
    assert asked["question"] == "Which size did you order?"
    assert reminder["ship_by"] == "2026-06-01"
    with pytest.raises(ValueError, match="The approved event carries no amount."):
        message_context(return_request, MessageEvent.APPROVED, amount=Decimal("1.00"))
