"""returnRequestCreate."""

from decimal import Decimal

import pytest

from saleor_returns.models import ReturnEvent, ReturnLine, ReturnRequest
from tests.api.conftest import CREATE, create_input, create_request, guest_caller, shipped_order


def errors_of(result):
    return result["data"]["returnRequestCreate"]["errors"]


def test_customer_creates_a_request_that_snapshots_what_was_paid(
    as_alice, alices_order, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request = create_request(as_alice, alices_order, {0: 2, 1: 1}, customerNote="Too small")

    # then: stored, and reviewed by the task after commit
    assert request["number"].startswith("RMA-")
    assert request["status"] == "REQUESTED"
    assert (request["kind"], request["resolution"]) == ("RETURN", "REFUND")
    assert request["orderId"] == alices_order["id"]
    assert request["customerEmail"] == "alice@example.com"
    assert request["requestedValue"] == {"amount": "90.00", "currency": "USD"}
    assert [(l["sku"], l["requestedQuantity"], l["unitPrice"]) for l in request["lines"]] == [
        ("SNEAKER-42", 2, {"amount": "25.00", "currency": "USD"}),
        ("JACKET-M", 1, {"amount": "40.00", "currency": "USD"}),
    ]
    assert len(callbacks) == 3  # the request received message, the review, then the order metadata for the new status
    stored = ReturnRequest.objects.get()
    assert stored.status == "pending_review"
    assert stored.order_snapshot["id"] == alices_order["id"]
    assert stored.policy.version == 1
    assert list(stored.events.values_list("type", flat=True)) == ["created", "auto_reviewed", "status_changed"]


def test_numbers_come_from_one_sequence(as_alice, fake_saleor, alice):
    first = create_request(as_alice, shipped_order(fake_saleor, alice))
    second = create_request(as_alice, shipped_order(fake_saleor, alice))
    assert int(second["number"][4:]) == int(first["number"][4:]) + 1
    assert len(first["number"]) == len("RMA-000123")


def test_the_same_idempotency_key_returns_the_first_request(as_alice, alices_order):
    first = create_request(as_alice, alices_order, idempotencyKey="attempt-1")
    again = create_request(as_alice, alices_order, idempotencyKey="attempt-1")
    assert again["id"] == first["id"]
    assert ReturnRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("_case", "change", "expected"),
    [
        ("more than shipped", lambda i: i["lines"][0].update(quantity=3), ("lines", "QUANTITY_EXCEEDS_RETURNABLE", "At most 2 of this item can be returned.")),
        ("zero", lambda i: i["lines"][0].update(quantity=0), ("lines.quantity", "INVALID_QUANTITY", "Quantities must be at least 1.")),
        ("unknown reason", lambda i: i["lines"][0].update(reason="BORED"), ("lines.reason", "INVALID_REASON", "Choose a reason from the shop's list.")),
        ("a reason group", lambda i: i["lines"][0].update(reason="QUALITY"), ("lines.reason", "INVALID_REASON", "Choose a reason from the shop's list.")),
        ("a line of another order", lambda i: i["lines"][0].update(orderLineId="T3JkZXJMaW5lOjk5OQ=="), ("lines", "NOT_FOUND", "These lines are not in the order.")),
        ("no lines", lambda i: i.update(lines=[]), ("lines", "REQUIRED", "Choose at least one item to return.")),
        ("exchange without variant", lambda i: i.update(kind="EXCHANGE", resolution="EXCHANGE"), ("exchangeVariantId", "REQUIRED", "Choose the item you want in exchange.")),
        ("keep item not offered", lambda i: i.update(resolution="KEEP_ITEM"), ("resolution", "INVALID_RESOLUTION", "The shop's policy does not offer this resolution.")),
        ("photo needed", lambda i: i["lines"][0].update(reason="DEFECT"), ("lines.evidenceIds", "EVIDENCE_REQUIRED", "Add a photo of the problem.")),
        ("override by a customer", lambda i: i.update(policyOverrideJustification="please"), ("policyOverrideJustification", "INVALID", "Only staff can override the policy.")),
    ],
)
def test_bad_input_is_refused_with_one_error_and_nothing_stored(
    as_alice, alices_order, django_capture_on_commit_callbacks, _case, change, expected
):
    # given
    data = create_input(alices_order)
    change(data)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = as_alice(CREATE, {"input": data})

    # then
    errors = errors_of(result)
    assert len(errors) == 1
    assert (errors[0]["field"], errors[0]["code"], errors[0]["message"]) == expected
    assert result["data"]["returnRequestCreate"]["returnRequest"] is None
    assert ReturnRequest.objects.count() == 0
    assert ReturnLine.objects.count() == 0
    assert ReturnEvent.objects.count() == 0
    assert callbacks == []


def test_errors_name_the_lines_at_fault(as_alice, alices_order):
    data = create_input(alices_order, {0: 1, 1: 5})
    errors = errors_of(as_alice(CREATE, {"input": data}))
    assert errors == [
        {
            "field": "lines",
            "code": "QUANTITY_EXCEEDS_RETURNABLE",
            "message": "At most 1 of this item can be returned.",
            "lines": [alices_order["lines"][1]["id"]],
        }
    ]


def test_units_already_requested_cannot_be_requested_again(as_alice, alices_order):
    create_request(as_alice, alices_order, {0: 2})
    errors = errors_of(as_alice(CREATE, {"input": create_input(alices_order, {0: 1})}))
    assert [(e["code"], e["lines"]) for e in errors] == [("ALREADY_RETURNED", [alices_order["lines"][0]["id"]])]


def test_a_window_expired_line_is_refused(as_alice, fake_saleor, alice):
    order = shipped_order(fake_saleor, alice, days_ago=45)
    errors = errors_of(as_alice(CREATE, {"input": create_input(order)}))
    assert [(e["code"], e["message"]) for e in errors] == [("WINDOW_EXPIRED", "The return window for this item has closed.")]


def test_staff_override_the_policy_with_a_justification(as_staff, fake_saleor, alice):
    # given
    order = shipped_order(fake_saleor, alice, days_ago=45)

    # when
    request = create_request(as_staff, order, policyOverrideJustification="Loyal customer, manager agreed")

    # then
    stored = ReturnRequest.objects.get()
    assert stored.policy_overridden is True
    assert stored.override_justification == "Loyal customer, manager agreed"
    event = stored.events.get(type="policy_overridden")
    assert event.is_visible_to_customer is False
    assert event.data == {"overridden": [{"order_line_id": order["lines"][0]["id"], "codes": ["window_expired"]}]}
    assert request["customerEmail"] == "alice@example.com"


def test_staff_override_never_exceeds_what_was_shipped(as_staff, alices_order):
    data = create_input(alices_order, {0: 3}, policyOverrideJustification="Goodwill")
    errors = errors_of(as_staff(CREATE, {"input": data}))
    assert [e["code"] for e in errors] == ["QUANTITY_EXCEEDS_RETURNABLE"]


def test_a_customer_cannot_return_someone_elses_order(as_bob, alices_order):
    errors = errors_of(as_bob(CREATE, {"input": create_input(alices_order)}))
    assert errors == [{"field": "orderId", "code": "NOT_FOUND", "message": "No order has this id.", "lines": None}]
    assert ReturnRequest.objects.count() == 0


def test_a_guest_returns_the_order_of_their_lookup_token(client, shop, fake_saleor):
    # given: an order placed without an account
    order = shipped_order(fake_saleor, email="guest@example.com")

    # when
    request = create_request(guest_caller(client, shop, order), order)

    # then
    stored = ReturnRequest.objects.get(pk=ReturnRequest.objects.get().pk)
    assert request["customerEmail"] == "guest@example.com"
    assert (stored.created_by_kind, stored.customer_user_id) == ("guest", "")


@pytest.mark.parametrize(
    ("_case", "currency", "prices", "expected"),
    [
        ("0 decimals", "JPY", ["2500", "4000"], ("9000", ["2500", "4000"])),
        ("2 decimals", "EUR", ["25.99", "40.01"], ("91.99", ["25.99", "40.01"])),
        ("3 decimals", "KWD", ["7.125", "12.250"], ("26.500", ["7.125", "12.250"])),
    ],
)
def test_prices_are_exact_in_every_currency(as_alice, fake_saleor, alice, _case, currency, prices, expected):
    order = shipped_order(
        fake_saleor, alice, currency=currency,
        lines=[
            {"sku": "A", "quantity": 2, "unit_price": Decimal(prices[0])},
            {"sku": "B", "quantity": 1, "unit_price": Decimal(prices[1])},
        ],
    )
    request = create_request(as_alice, order, {0: 2, 1: 1})
    assert request["requestedValue"] == {"amount": expected[0], "currency": currency}
    assert [line["unitPrice"]["amount"] for line in request["lines"]] == expected[1]
    stored = ReturnLine.objects.order_by("sku")
    assert [line.unit_price_gross_amount for line in stored] == [Decimal(p) for p in prices]
