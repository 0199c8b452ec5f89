"""The Saleor double's refunds, returns, store credit and exchanges, through the app's documents.

Every operation in graphql/saleor/ that these features use runs against the fake
and is compared with what Saleor 3.23.28 answers (../shared/saleor/captures):
order A of the captures is lines A 2 x 25.00 and B 1 x 40.00, shipping 10.00,
USD, paid 100.00 through a payment app's transaction.
"""

import json
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from saleor_returns.fakes.saleor import FakeSaleor, global_id
from saleor_returns.saleor.documents import document
from tests.conftest import SALEOR_SCHEMA, capture_json, require_shared

RETURNS_APP_PERMISSIONS = [
    "MANAGE_ORDERS",
    "HANDLE_PAYMENTS",
    "MANAGE_GIFT_CARD",
    "MANAGE_PRODUCTS",
]
ORDER_EVENTS = [
    "ORDER_UPDATED",
    "ORDER_REFUNDED",
    "ORDER_FULLY_REFUNDED",
    "ORDER_PAID",
    "ORDER_FULLY_PAID",
    "ORDER_CREATED",
    "ORDER_CONFIRMED",
    "ORDER_METADATA_UPDATED",
    "DRAFT_ORDER_CREATED",
    "DRAFT_ORDER_UPDATED",
    "GIFT_CARD_CREATED",
    "PRODUCT_VARIANT_STOCK_UPDATED",
    "PRODUCT_VARIANT_BACK_IN_STOCK",
    "PRODUCT_VARIANT_OUT_OF_STOCK",
]
WEBHOOK_QUERY = """
subscription ReturnsEvents {
  event {
    __typename
    ... on OrderUpdated { order { ...Watched } }
    ... on OrderRefunded { order { ...Watched } }
    ... on OrderFullyRefunded { order { ...Watched } }
    ... on OrderPaid { order { ...Watched } }
    ... on OrderFullyPaid { order { ...Watched } }
    ... on OrderCreated { order { ...Watched } }
    ... on OrderConfirmed { order { ...Watched } }
    ... on OrderMetadataUpdated { order { ...Watched } }
    ... on DraftOrderCreated { order { ...Watched } }
    ... on DraftOrderUpdated { order { ...Watched } }
    ... on GiftCardCreated { giftCard { id } }
    ... on ProductVariantStockUpdated { productVariant { id } warehouse { id } }
    ... on ProductVariantBackInStock { productVariant { id } warehouse { id } }
    ... on ProductVariantOutOfStock { productVariant { id } warehouse { id } }
  }
}

fragment Watched on Order {
  id
  status
  totalRefunded { fractionalAmount }
  grantedRefunds { id status }
  transactions { chargedAmount { fractionalAmount } refundedAmount { fractionalAmount } }
}
"""


def usd(cents):
    return {"currency": "USD", "fractionalAmount": cents, "fractionDigits": 2}


def exact(money):
    """The exact part of a Money dict of the fake's data (what the documents select)."""
    return {key: money[key] for key in ("currency", "fractionalAmount", "fractionDigits")}


# ---------------------------------------------------------------- fixtures


class _Receiver(BaseHTTPRequestHandler):
    """The returns app's webhook endpoint: answers 200 to every delivery."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def do_POST(self):  # noqa: N802 - stdlib naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


@pytest.fixture(scope="module")
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/webhooks"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def server():
    """A fake of its own, so that nothing here leaks into other tests."""
    require_shared(SALEOR_SCHEMA)
    fake = FakeSaleor().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake(server):
    server.reset(data=True)
    return server


@pytest.fixture
def app(fake, receiver):
    """The returns app, subscribed to the events it may react to."""
    returns_app = fake.add_app(identifier="saleor.returns", permissions=RETURNS_APP_PERMISSIONS)
    fake.add_webhook(returns_app, receiver, query=WEBHOOK_QUERY, async_events=ORDER_EVENTS)
    return returns_app


@pytest.fixture
def payment_app(fake):
    return fake.add_app(
        identifier="payment.app", name="Payment App", permissions=["HANDLE_PAYMENTS"]
    )


@pytest.fixture
def customer(fake):
    return fake.add_customer("owner@example.com", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def order_a(fake, customer, payment_app):
    """Order A of the captures, shipped in two fulfillments and paid by the payment app."""
    order = fake.add_order(
        channel_slug="e2e-usd",
        user=customer,
        lines=[
            {"sku": "E2E-TEE-A", "product_name": "E2E Tee", "quantity": 2, "unit_price": "25.00"},
            {"sku": "E2E-TEE-B", "product_name": "E2E Tee", "quantity": 1, "unit_price": "40.00"},
        ],
        shipping=Decimal("10.00"),
    )
    line_a, line_b = order["lines"]
    fake.fulfill(order, {line_a["id"]: 2}, warehouse="E2E Warehouse")
    fake.fulfill(order, {line_b["id"]: 1}, warehouse="E2E Warehouse")
    fake.add_transaction(order, Decimal("100.00"), name="Capture Pay", app=payment_app)
    return order


def run(fake, operation, variables, token, status=200):
    code, body = fake.execute(document(operation), variables, token=token)
    assert code == status, body
    return body


def data(fake, operation, variables, token):
    body = run(fake, operation, variables, token)
    assert "errors" not in body, body["errors"]
    return body["data"]


def delivered(fake):
    """The events delivered to the returns app, in order."""
    assert all(record["status"] == 200 for record in fake.deliveries), fake.deliveries
    return [record["event"] for record in fake.deliveries]


def payload(fake, event, index=0):
    return json.loads([r["body"] for r in fake.deliveries if r["event"] == event][index])


def grant(fake, order, token, **input_fields):
    transaction_id = order["transactions"][0]["id"]
    variables = {"orderId": order["id"], "input": {"transactionId": transaction_id, **input_fields}}
    return data(fake, "GrantRefund", variables, token)["orderGrantRefundCreate"]


def request_refund(fake, order, granted_refund_id, token):
    variables = {
        "grantedRefundId": granted_refund_id,
        "transactionId": order["transactions"][0]["id"],
    }
    result = data(fake, "RequestGrantedRefund", variables, token)
    return result["transactionRequestRefundForGrantedRefund"]


def refund_state(fake, order, token):
    return data(fake, "OrderRefundState", {"id": order["id"]}, token)["order"]


def line_of(order, sku):
    return next(line for line in order["lines"] if line["productSku"] == sku)


# ---------------------------------------------------------------- granting refunds


def test_grant_refund_computes_the_amount_from_lines_and_shipping(fake, app, order_a):
    # given
    line_a = line_of(order_a, "E2E-TEE-A")

    # when
    result = grant(
        fake,
        order_a,
        app["token"],
        lines=[{"id": line_a["id"], "quantity": 1, "reason": "Too small"}],
        grantRefundForShipping=True,
        reason="RMA-000001",
    )

    # then: 25.00 for the unit plus 10.00 shipping, not requested yet, and no webhook
    granted = result["grantedRefund"]
    assert result["errors"] == []
    assert granted == {
        "id": granted["id"],
        "status": "NONE",
        "amount": usd(3500),
        "shippingCostsIncluded": True,
        "lines": [
            {"id": granted["lines"][0]["id"], "quantity": 1, "orderLine": {"id": line_a["id"]}}
        ],
        "transaction": {"id": order_a["transactions"][0]["id"]},
    }
    assert refund_state(fake, order_a, app["token"])["grantedRefunds"] == [
        {
            "id": granted["id"],
            "status": "NONE",
            "amount": usd(3500),
            "shippingCostsIncluded": True,
            "reason": "RMA-000001",
            "lines": [{"quantity": 1, "orderLine": {"id": line_a["id"]}}],
            "transaction": {"id": order_a["transactions"][0]["id"]},
            "transactionEvents": [],
        }
    ]
    assert delivered(fake) == []


def test_a_computed_amount_is_capped_at_the_charged_amount(fake, app, customer, payment_app):
    # given: 50.00 of goods, of which the transaction charged only 30.00
    lines = [{"sku": "A", "quantity": 2, "unit_price": "25.00"}]
    order = fake.add_order(user=customer, lines=lines)
    fake.add_transaction(order, Decimal("30.00"), app=payment_app)

    # when
    lines_to_grant = [{"id": order["lines"][0]["id"], "quantity": 2}]
    result = grant(fake, order, app["token"], lines=lines_to_grant)

    # then: Saleor takes min(computed, chargedAmount) instead of failing
    assert result["errors"] == []
    assert result["grantedRefund"]["amount"] == usd(3000)


def _earlier_grant_of_one_a(fake, order, ids):
    fake.add_granted_refund(order, lines={ids["line_a"]: 1})


def _earlier_grant_with_shipping(fake, order, ids):
    fake.add_granted_refund(order, amount="10.00", shipping_costs_included=True)


def _nothing_earlier(fake, order, ids):
    pass


def captured_errors(name):
    """The errors of a captured orderGrantRefundCreate answer, with this run's line A."""

    def build(ids):
        captured = capture_json("responses", name)
        errors = captured["data"]["orderGrantRefundCreate"]["errors"]
        for error in errors:
            for line_error in error["lines"] or ():
                line_error["lineId"] = ids["line_a"]
        return errors

    return build


@pytest.mark.parametrize(
    ("_case", "arrange", "input_fields", "expected"),
    [
        (
            "more units than the earlier grants left",
            _earlier_grant_of_one_a,
            lambda ids: {"lines": [{"id": ids["line_a"], "quantity": 5}]},
            captured_errors("error_grant_refund_over_quantity.json"),
        ),
        (
            "an amount above the charged amount",
            _nothing_earlier,
            lambda ids: {"amount": 100000},
            captured_errors("error_grant_refund_amount_over_charged.json"),
        ),
        (
            "shipping granted a second time",
            _earlier_grant_with_shipping,
            lambda ids: {"grantRefundForShipping": True},
            lambda ids: [
                {
                    "field": "grantRefundForShipping",
                    "code": "SHIPPING_COSTS_ALREADY_GRANTED",
                    "message": "Shipping costs have already been granted.",
                    "lines": None,
                }
            ],
        ),
        (
            "nothing to grant",
            _nothing_earlier,
            lambda ids: {},
            lambda ids: [
                {
                    "field": field,
                    "code": "REQUIRED",
                    "message": "You must provide at least one of `amount`, `lines`, "
                    "`grantRefundForShipping`.",
                    "lines": None,
                }
                for field in ("amount", "lines", "grantRefundForShipping")
            ],
        ),
        (
            "a line of another order",
            _nothing_earlier,
            lambda ids: {"lines": [{"id": ids["foreign_line"], "quantity": 1}]},
            lambda ids: [
                {
                    "field": "lines",
                    "code": "INVALID",
                    "message": "Provided input for lines is invalid.",
                    "lines": [
                        {
                            "lineId": ids["foreign_line"],
                            "field": "id",
                            "code": "NOT_FOUND",
                            "message": "Could not resolve to a line.",
                        }
                    ],
                }
            ],
        ),
        (
            "a reason reference while no reason type is configured",
            _nothing_earlier,
            lambda ids: {"amount": 5, "reasonReference": global_id("Page", 1)},
            lambda ids: [
                {
                    "field": "reasonReference",
                    "code": "INVALID",
                    "message": "Reason reference type is not configured.",
                    "lines": None,
                }
            ],
        ),
    ],
)
def test_grant_refund_validation_answers_like_saleor(
    fake, app, order_a, customer, _case, arrange, input_fields, expected
):
    # given
    other = fake.add_order(user=customer, lines=[{"sku": "C", "unit_price": "5.00"}])
    ids = {"line_a": line_of(order_a, "E2E-TEE-A")["id"], "foreign_line": other["lines"][0]["id"]}
    arrange(fake, order_a, ids)
    grants_before = list(order_a["grantedRefunds"])
    variables = {
        "orderId": order_a["id"],
        "input": {"transactionId": order_a["transactions"][0]["id"], **input_fields(ids)},
    }

    # when
    result = run(fake, "GrantRefund", variables, app["token"])["data"]["orderGrantRefundCreate"]

    # then
    assert result == {"grantedRefund": None, "errors": expected(ids)}
    assert order_a["grantedRefunds"] == grants_before


def test_grant_refund_needs_a_transaction_id(fake, app, order_a):
    # given: no transactionId, which Saleor 3.21+ requires
    variables = {"orderId": order_a["id"], "input": {"amount": 10}}

    # when
    body = run(fake, "GrantRefund", variables, app["token"], status=400)

    # then
    assert [error["message"] for error in body["errors"]] == [
        "Variable '$input' got invalid value {'amount': 10}; "
        "Field 'transactionId' of required type 'ID!' was not provided."
    ]


def test_grant_refund_without_manage_orders_is_the_captured_permission_denied(fake, order_a):
    # given
    app = fake.add_app(identifier="other.app", permissions=["HANDLE_PAYMENTS"])
    captured = capture_json("responses", "error_grant_refund_permission_denied_customer.json")
    variables = {
        "orderId": order_a["id"],
        "input": {"transactionId": order_a["transactions"][0]["id"], "amount": 10},
    }

    # when
    body = run(fake, "GrantRefund", variables, app["token"])

    # then
    assert body["data"] == captured["data"]
    assert body["errors"] == captured["errors"]


# ---------------------------------------------------------------- requesting refunds


def test_requested_refunds_are_paid_and_reported_as_saleor_does(fake, app, order_a, payment_app):
    # given: the two grants of the captures
    line_a, line_b = line_of(order_a, "E2E-TEE-A"), line_of(order_a, "E2E-TEE-B")
    first = grant(fake, order_a, app["token"], lines=[{"id": line_a["id"], "quantity": 1}])
    rest = grant(
        fake,
        order_a,
        app["token"],
        lines=[{"id": line_a["id"], "quantity": 1}, {"id": line_b["id"], "quantity": 1}],
        grantRefundForShipping=True,
    )
    first_id, rest_id = first["grantedRefund"]["id"], rest["grantedRefund"]["id"]

    # when: the first is requested
    answer = request_refund(fake, order_a, first_id, app["token"])
    after_first = refund_state(fake, order_a, app["token"])
    first_events = delivered(fake)
    refunded_payload = payload(fake, "ORDER_REFUNDED")
    fake.deliveries.clear()
    # and then the rest
    request_refund(fake, order_a, rest_id, app["token"])
    after_rest = refund_state(fake, order_a, app["token"])

    # then: 100 -> 75 -> 0 charged, 0 -> 25 -> 100 refunded, as captured
    transaction = after_first["transactions"][0]
    assert answer == {"transaction": {"id": order_a["transactions"][0]["id"]}, "errors": []}
    assert after_first["totalRefunded"] == usd(2500)
    assert [g["status"] for g in after_first["grantedRefunds"]] == ["SUCCESS", "NONE"]
    assert (transaction["chargedAmount"], transaction["refundedAmount"]) == (usd(7500), usd(2500))
    assert transaction["refundPendingAmount"] == usd(0)
    success, request, charge = transaction["events"]
    assert [success["type"], request["type"], charge["type"]] == [
        "REFUND_SUCCESS",
        "REFUND_REQUEST",
        "CHARGE_SUCCESS",
    ]
    assert re.fullmatch(r"refund-[0-9a-f]{12}", success["pspReference"])
    assert request["pspReference"] == success["pspReference"]
    assert success["amount"] == request["amount"] == usd(2500)
    assert after_first["grantedRefunds"][0]["transactionEvents"] == [success, request]
    assert first_events == ["ORDER_REFUNDED", "ORDER_UPDATED"]
    # The captured quirk: the webhook still shows the grant just paid as NONE.
    assert refunded_payload["order"]["grantedRefunds"] == [
        {"id": first_id, "status": "NONE"},
        {"id": rest_id, "status": "NONE"},
    ]
    assert refunded_payload["order"]["totalRefunded"] == {"fractionalAmount": 2500}
    assert delivered(fake) == ["ORDER_REFUNDED", "ORDER_UPDATED", "ORDER_FULLY_REFUNDED"]
    assert payload(fake, "ORDER_FULLY_REFUNDED")["order"]["grantedRefunds"] == [
        {"id": first_id, "status": "SUCCESS"},
        {"id": rest_id, "status": "NONE"},
    ]
    assert after_rest["totalRefunded"] == usd(10000)
    assert [g["status"] for g in after_rest["grantedRefunds"]] == ["SUCCESS", "SUCCESS"]
    assert after_rest["transactions"][0]["chargedAmount"] == usd(0)
    assert after_rest["transactions"][0]["refundedAmount"] == usd(10000)
    assert [(r["outcome"], r["amount"]) for r in fake.refund_requests] == [
        ("success", Decimal("25.00")),
        ("success", Decimal("75.00")),
    ]
    assert [e["type"] for e in order_a["events"]] == ["TRANSACTION_REFUND_REQUESTED"] * 2


def test_a_declined_refund_may_be_requested_again(fake, app, order_a):
    # given: the payment app declines the next request
    fake.fail_refund_requests = 1
    granted = grant(fake, order_a, app["token"], amount="25.00")["grantedRefund"]

    # when
    request_refund(fake, order_a, granted["id"], app["token"])
    declined = refund_state(fake, order_a, app["token"])
    declined_events = delivered(fake)
    request_refund(fake, order_a, granted["id"], app["token"])
    paid = refund_state(fake, order_a, app["token"])

    # then: nothing moved and no webhook on the decline; the retry pays
    failure = declined["grantedRefunds"][0]["transactionEvents"][0]
    assert declined["grantedRefunds"][0]["status"] == "FAILURE"
    assert (failure["type"], failure["message"]) == (
        "REFUND_FAILURE",
        "The payment provider declined the refund.",
    )
    assert declined["transactions"][0]["chargedAmount"] == usd(10000)
    assert declined["totalRefunded"] == usd(0)
    assert declined_events == []
    assert paid["grantedRefunds"][0]["status"] == "SUCCESS"
    assert [e["type"] for e in paid["grantedRefunds"][0]["transactionEvents"]] == [
        "REFUND_SUCCESS",
        "REFUND_REQUEST",
        "REFUND_FAILURE",
        "REFUND_REQUEST",
    ]
    assert paid["totalRefunded"] == usd(2500)
    assert [r["outcome"] for r in fake.refund_requests] == ["failure", "success"]


def test_failure_mode_declines_every_request(fake, app, order_a):
    # given
    fake.payment_app_mode = "failure"
    fake.refund_failure_message = "Card expired"
    granted = grant(fake, order_a, app["token"], amount="25.00")["grantedRefund"]

    # when
    request_refund(fake, order_a, granted["id"], app["token"])
    request_refund(fake, order_a, granted["id"], app["token"])

    # then
    state = refund_state(fake, order_a, app["token"])
    assert state["grantedRefunds"][0]["status"] == "FAILURE"
    assert [e["message"] for e in state["grantedRefunds"][0]["transactionEvents"]] == [
        "Card expired",
        "",
        "Card expired",
        "",
    ]
    assert state["totalRefunded"] == usd(0)


@pytest.mark.parametrize(
    ("_case", "success", "status", "transaction_amounts", "total_refunded", "events"),
    [
        (
            "the PSP pays",
            True,
            "SUCCESS",
            {
                "chargedAmount": usd(7500),
                "refundedAmount": usd(2500),
                "refundPendingAmount": usd(0),
            },
            usd(2500),
            ["ORDER_REFUNDED", "ORDER_UPDATED"],
        ),
        (
            "the PSP fails",
            False,
            "FAILURE",
            {
                "chargedAmount": usd(10000),
                "refundedAmount": usd(0),
                "refundPendingAmount": usd(0),
            },
            usd(0),
            ["ORDER_PAID", "ORDER_FULLY_PAID", "ORDER_UPDATED"],
        ),
    ],
)
def test_a_pending_refund_is_settled_later(
    fake, app, order_a, _case, success, status, transaction_amounts, total_refunded, events
):
    # given: a payment app that answers with a pspReference only
    fake.payment_app_mode = "pending"
    granted = grant(fake, order_a, app["token"], amount="25.00")["grantedRefund"]
    request_refund(fake, order_a, granted["id"], app["token"])
    pending = refund_state(fake, order_a, app["token"])
    pending_events = delivered(fake)
    fake.deliveries.clear()

    # when
    event = fake.settle_refund(granted["id"], success=success, message="settled")

    # then: pending first (money out of chargedAmount), then the outcome
    assert pending["grantedRefunds"][0]["status"] == "PENDING"
    assert pending["transactions"][0]["chargedAmount"] == usd(7500)
    assert pending["transactions"][0]["refundPendingAmount"] == usd(2500)
    assert pending_events == ["ORDER_UPDATED"]
    state = refund_state(fake, order_a, app["token"])
    transaction = state["transactions"][0]
    assert state["grantedRefunds"][0]["status"] == status
    assert {key: transaction[key] for key in transaction_amounts} == transaction_amounts
    assert state["totalRefunded"] == total_refunded
    assert transaction["events"][0]["id"] == event["id"]
    assert transaction["events"][0]["message"] == "settled"
    assert transaction["events"][0]["pspReference"] == transaction["events"][1]["pspReference"]
    assert delivered(fake) == events
    # Sent before Saleor recalculates the grant's status.
    assert payload(fake, events[0])["order"]["grantedRefunds"] == [
        {"id": granted["id"], "status": "PENDING"}
    ]


@pytest.mark.parametrize(
    ("_case", "mode", "code", "message"),
    [
        (
            "already paid",
            "success",
            "REFUND_ALREADY_PROCESSED",
            "The granted refund is already processed.",
        ),
        (
            "still pending",
            "pending",
            "REFUND_IS_PENDING",
            "The refund request is already in progress.",
        ),
    ],
)
def test_a_second_request_is_refused(fake, app, order_a, _case, mode, code, message):
    # given
    fake.payment_app_mode = mode
    granted = grant(fake, order_a, app["token"], amount="25.00")["grantedRefund"]
    request_refund(fake, order_a, granted["id"], app["token"])

    # when
    answer = request_refund(fake, order_a, granted["id"], app["token"])

    # then: the payment app was asked once
    assert answer == {
        "transaction": None,
        "errors": [{"field": "grantedRefundId", "code": code, "message": message}],
    }
    assert len(fake.refund_requests) == 1


@pytest.mark.parametrize(
    ("_case", "mode", "retry_errors", "status"),
    [
        (
            "paid at once",
            "success",
            [
                {
                    "field": "grantedRefundId",
                    "code": "REFUND_ALREADY_PROCESSED",
                    "message": "The granted refund is already processed.",
                }
            ],
            "SUCCESS",
        ),
        (
            "paid later",
            "pending",
            [
                {
                    "field": "grantedRefundId",
                    "code": "REFUND_IS_PENDING",
                    "message": "The refund request is already in progress.",
                }
            ],
            "PENDING",
        ),
    ],
)
def test_a_retry_after_a_lost_answer_sees_the_refund_done(
    fake, app, order_a, _case, mode, retry_errors, status
):
    # given: Saleor does the work, then the answer is lost
    fake.payment_app_mode = mode
    granted = grant(fake, order_a, app["token"], amount="25.00")["grantedRefund"]
    variables = {
        "grantedRefundId": granted["id"],
        "transactionId": order_a["transactions"][0]["id"],
    }
    body = {"query": document("RequestGrantedRefund"), "variables": variables}
    headers = {"Authorization": f"Bearer {app['token']}"}
    fake.fail_after_execute_next(status=502)

    # when
    lost = httpx.post(fake.api_url, json=body, headers=headers)
    retry = httpx.post(fake.api_url, json=body, headers=headers)

    # then
    assert lost.status_code == 502
    assert retry.json()["data"]["transactionRequestRefundForGrantedRefund"] == {
        "transaction": None,
        "errors": retry_errors,
    }
    assert refund_state(fake, order_a, app["token"])["grantedRefunds"][0]["status"] == status
    assert len(fake.refund_requests) == 1


def test_a_grant_whose_answer_was_lost_is_found_on_the_order(fake, app, order_a):
    # given
    variables = {
        "orderId": order_a["id"],
        "input": {"transactionId": order_a["transactions"][0]["id"], "amount": "25.00"},
    }
    fake.fail_after_execute_next(drop=True)

    # when
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(
            fake.api_url,
            json={"query": document("GrantRefund"), "variables": variables},
            headers={"Authorization": f"Bearer {app['token']}"},
        )

    # then: the grant exists; a blind retry would grant twice
    grants = refund_state(fake, order_a, app["token"])["grantedRefunds"]
    assert [(g["status"], g["amount"]) for g in grants] == [("NONE", usd(2500))]


def test_no_payment_app_fails_the_request(fake, app, order_a):
    # given
    fake.payment_app_mode = "no_app"
    granted = grant(fake, order_a, app["token"], amount="25.00")["grantedRefund"]

    # when
    answer = request_refund(fake, order_a, granted["id"], app["token"])

    # then
    message = "No app or plugin is configured to handle payment action requests."
    assert answer == {
        "transaction": None,
        "errors": [
            {
                "field": None,
                "code": "MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK",
                "message": message,
            }
        ],
    }
    grant_state = refund_state(fake, order_a, app["token"])["grantedRefunds"][0]
    assert grant_state["status"] == "FAILURE"
    assert [(e["type"], e["message"]) for e in grant_state["transactionEvents"]] == [
        ("REFUND_FAILURE", message),
        ("REFUND_REQUEST", ""),
    ]


def test_a_grant_above_what_is_still_charged_is_not_requested(fake, app, order_a):
    # given: 90.00 granted, then 75.00 of the 100.00 refunded elsewhere
    granted = grant(fake, order_a, app["token"], amount="90.00")["grantedRefund"]
    other = grant(fake, order_a, app["token"], amount="75.00")["grantedRefund"]
    request_refund(fake, order_a, other["id"], app["token"])

    # when
    answer = request_refund(fake, order_a, granted["id"], app["token"])

    # then
    assert answer["errors"] == [
        {
            "field": "grantedRefundId",
            "code": "AMOUNT_GREATER_THAN_AVAILABLE",
            "message": "The granted refund amount 90.000 is greater than available charged "
            "amount on transactionItem (25.000).Update the order granted refund amount to "
            "process the grant refund.",
        }
    ]


# ---------------------------------------------------------------- legacy payments


@pytest.fixture
def order_b(fake, customer):
    """Order B of the captures: one 40.00 line, shipping 10.00, paid with a legacy Payment."""
    order = fake.add_order(
        channel_slug="e2e-usd",
        user=customer,
        lines=[{"sku": "E2E-TEE-B", "product_name": "E2E Tee", "unit_price": Decimal("40.00")}],
        shipping=Decimal("10.00"),
    )
    fake.add_payment(order)
    return order


def test_legacy_refund_goes_through_the_payment(fake, app, order_b):
    # given
    variables = {"orderId": order_b["id"], "amount": "10.00"}
    captured = capture_json("responses", "order_staff_legacy_payment.json")["data"]["order"]

    # when
    first = data(fake, "LegacyRefund", variables, app["token"])["orderRefund"]
    first_events = delivered(fake)
    state = refund_state(fake, order_b, app["token"])
    fake.deliveries.clear()
    data(fake, "LegacyRefund", {"orderId": order_b["id"], "amount": "40"}, app["token"])

    # then: as captured after orderRefund(amount: 10), then fully refunded
    assert first == {"order": {"id": order_b["id"], "totalRefunded": usd(1000)}, "errors": []}
    assert first_events == ["ORDER_REFUNDED", "ORDER_UPDATED"]
    (payment,) = state["payments"]
    assert {key: payment[key] for key in ("gateway", "isActive", "chargeStatus")} == {
        key: captured["payments"][0][key] for key in ("gateway", "isActive", "chargeStatus")
    }
    assert payment["capturedAmount"] == usd(4000)
    assert payment["total"] == usd(5000)
    assert [f["status"] for f in order_b["fulfillments"]] == ["REFUNDED", "REFUNDED"]
    assert order_b["fulfillments"][0]["lines"] == []
    assert delivered(fake) == ["ORDER_REFUNDED", "ORDER_UPDATED", "ORDER_FULLY_REFUNDED"]
    assert order_b["payments"][0]["chargeStatus"] == "FULLY_REFUNDED"


@pytest.mark.parametrize(
    ("_case", "use_transactions_order", "amount", "error"),
    [
        (
            "an order paid with the Transactions API",
            True,
            "10.00",
            {
                "field": "payment",
                "code": "PAYMENT_MISSING",
                "message": "There's no payment associated with the order.",
            },
        ),
        (
            "more than captured",
            False,
            "50.01",
            {
                "field": "payment",
                "code": "PAYMENT_ERROR",
                "message": "Cannot refund more than captured.",
            },
        ),
        (
            "zero",
            False,
            "0",
            {
                "field": "amount",
                "code": "ZERO_QUANTITY",
                "message": "Amount should be a positive number.",
            },
        ),
    ],
)
def test_legacy_refund_refusals(
    fake, app, order_a, order_b, _case, use_transactions_order, amount, error
):
    # given
    order = order_a if use_transactions_order else order_b

    # when
    result = run(fake, "LegacyRefund", {"orderId": order["id"], "amount": amount}, app["token"])

    # then
    assert result["data"]["orderRefund"] == {"order": None, "errors": [error]}
    assert delivered(fake) == []


# ---------------------------------------------------------------- returns


def fulfillment_quantities(order):
    return [(f["status"], [line["quantity"] for line in f["lines"]]) for f in order["fulfillments"]]


def return_lines(fake, order, token, **input_fields):
    variables = {"orderId": order["id"], "input": input_fields}
    return run(fake, "ReturnOrderLines", variables, token)["data"]["orderFulfillmentReturnProducts"]


def test_a_return_moves_shipped_units_and_never_restocks(fake, app, order_a):
    # given
    fake.set_stock("E2E-TEE-A", 7, warehouse="E2E Warehouse")
    shipped_a = order_a["fulfillments"][0]["lines"][0]
    line_a = line_of(order_a, "E2E-TEE-A")

    # when
    result = return_lines(
        fake,
        order_a,
        app["token"],
        fulfillmentLines=[
            {"fulfillmentLineId": shipped_a["id"], "quantity": 1, "reason": "Too small"}
        ],
        reason="Customer return",
    )

    # then
    returned = result["returnFulfillment"]
    assert result["errors"] == []
    assert returned == {
        "id": returned["id"],
        "status": "RETURNED",
        "lines": [
            {"id": returned["lines"][0]["id"], "quantity": 1, "orderLine": {"id": line_a["id"]}}
        ],
    }
    assert result["order"] == {"id": order_a["id"], "status": "PARTIALLY_RETURNED"}
    assert (result["replaceFulfillment"], result["replaceOrder"]) == (None, None)
    assert fulfillment_quantities(order_a) == [
        ("FULFILLED", [1]),
        ("FULFILLED", [1]),
        ("RETURNED", [1]),
    ]
    assert order_a["fulfillments"][2]["reason"] == "Customer return"
    assert order_a["fulfillments"][2]["lines"][0]["reason"] == "Too small"
    assert fake.stock_levels("E2E-TEE-A") == {"E2E Warehouse": 7}
    assert delivered(fake) == ["ORDER_UPDATED"]
    assert [e["type"] for e in order_a["events"]] == ["FULFILLMENT_RETURNED"]


def test_returning_every_unit_returns_the_order(fake, app, order_a):
    # given
    first, second = order_a["fulfillments"]

    # when
    result = return_lines(
        fake,
        order_a,
        app["token"],
        fulfillmentLines=[
            {"fulfillmentLineId": first["lines"][0]["id"], "quantity": 2},
            {"fulfillmentLineId": second["lines"][0]["id"], "quantity": 1},
        ],
    )

    # then: the emptied fulfillments are gone
    assert result["order"]["status"] == "RETURNED"
    assert [f["status"] for f in order_a["fulfillments"]] == ["RETURNED"]
    assert [line["quantity"] for line in result["returnFulfillment"]["lines"]] == [2, 1]


def test_unfulfilled_units_can_be_returned(fake, app, customer):
    # given: nothing shipped yet
    order = fake.add_order(user=customer, lines=[{"sku": "A", "quantity": 3, "unit_price": "10"}])
    line = order["lines"][0]

    # when
    result = return_lines(
        fake, order, app["token"], orderLines=[{"orderLineId": line["id"], "quantity": 2}]
    )

    # then: they count as fulfilled from now on
    assert result["errors"] == []
    assert [fl["quantity"] for fl in result["returnFulfillment"]["lines"]] == [2]
    assert (line["quantityFulfilled"], line["quantityToFulfill"]) == (2, 1)
    assert result["order"]["status"] == "PARTIALLY_RETURNED"


def test_a_replacement_makes_a_reissue_draft(fake, app, order_a, customer):
    # given
    shipped_b = order_a["fulfillments"][1]["lines"][0]

    # when
    result = return_lines(
        fake,
        order_a,
        app["token"],
        fulfillmentLines=[{"fulfillmentLineId": shipped_b["id"], "quantity": 1, "replace": True}],
    )

    # then: a REPLACED fulfillment, an empty RETURNED one, and a draft for the customer
    replace_order = result["replaceOrder"]
    draft = fake.lookup(replace_order["id"])
    assert result["replaceFulfillment"]["status"] == "REPLACED"
    assert [line["quantity"] for line in result["replaceFulfillment"]["lines"]] == [1]
    assert result["returnFulfillment"]["lines"] == []
    assert replace_order == {
        "id": replace_order["id"],
        "number": draft["number"],
        "status": "DRAFT",
        "origin": "REISSUE",
    }
    assert draft["original"] == order_a["id"]
    assert draft["user"] is customer
    (draft_line,) = draft["lines"]
    assert (draft_line["productSku"], draft_line["quantity"], draft_line["quantityFulfilled"]) == (
        "E2E-TEE-B",
        1,
        0,
    )
    assert exact(draft["total"]["gross"]) == usd(4000)
    assert delivered(fake) == ["ORDER_UPDATED", "DRAFT_ORDER_CREATED"]
    assert payload(fake, "DRAFT_ORDER_CREATED")["order"]["id"] == replace_order["id"]


def test_a_legacy_payment_can_be_refunded_with_the_return(fake, app, order_b):
    # given
    line = order_b["lines"][0]
    fake.fulfill(order_b)

    # when
    result = return_lines(
        fake,
        order_b,
        app["token"],
        fulfillmentLines=[
            {"fulfillmentLineId": order_b["fulfillments"][0]["lines"][0]["id"], "quantity": 1}
        ],
        refund=True,
    )

    # then
    assert result["returnFulfillment"]["status"] == "REFUNDED_AND_RETURNED"
    assert result["returnFulfillment"]["lines"][0]["orderLine"] == {"id": line["id"]}
    assert exact(order_b["payments"][0]["capturedAmount"]) == usd(1000)
    assert delivered(fake) == ["ORDER_REFUNDED", "ORDER_UPDATED"]


@pytest.mark.parametrize(
    ("_case", "input_fields", "error"),
    [
        (
            "refund on an order paid with the Transactions API",
            lambda order: {"refund": True},
            {
                "field": "order",
                "code": "CANNOT_REFUND",
                "message": "Order cannot be refunded.",
                "orderLines": None,
            },
        ),
        (
            "more than the fulfillment line holds",
            lambda order: {
                "fulfillmentLines": [
                    {"fulfillmentLineId": order["fulfillments"][1]["lines"][0]["id"], "quantity": 2}
                ]
            },
            {
                "field": "fulfillmentLineId",
                "code": "INVALID_QUANTITY",
                "message": "Provided quantity is bigger than quantity from fulfillment line",
                "orderLines": None,
            },
        ),
        (
            "unfulfilled units that were shipped",
            lambda order: {"orderLines": [{"orderLineId": order["lines"][0]["id"], "quantity": 1}]},
            {
                "field": "orderLineId",
                "code": "INVALID_QUANTITY",
                "message": "Provided quantity is bigger than unfulfilled quantity.",
                "orderLines": None,
            },
        ),
        (
            "a line returned before",
            lambda order: {
                "fulfillmentLines": [
                    {"fulfillmentLineId": order["fulfillments"][2]["lines"][0]["id"], "quantity": 1}
                ]
            },
            {
                "field": "fulfillmentLineId",
                "code": "INVALID",
                "message": "Unable to process action for fulfillmentLine with different status "
                "than fulfilled, refunded, waiting_for_approval.",
                "orderLines": None,
            },
        ),
    ],
)
def test_return_refusals(fake, app, order_a, _case, input_fields, error):
    # given: one unit of A returned already
    fake.return_lines(order_a, {line_of(order_a, "E2E-TEE-A")["id"]: 1})
    before = fulfillment_quantities(order_a)

    # when
    result = return_lines(fake, order_a, app["token"], **input_fields(order_a))

    # then: nothing moved
    assert result == {
        "returnFulfillment": None,
        "replaceFulfillment": None,
        "replaceOrder": None,
        "order": None,
        "errors": [error],
    }
    assert fulfillment_quantities(order_a) == before


# ---------------------------------------------------------------- gift cards


@pytest.mark.parametrize(
    ("_case", "currency", "amount", "money"),
    [
        ("yen have no minor unit", "JPY", "5000", (5000, 0)),
        ("dollars have cents", "USD", "12.34", (1234, 2)),
        ("dinars have fils", "KWD", "1.234", (1234, 3)),
    ],
)
def test_gift_cards_hold_exact_store_credit_and_are_found_by_metadata(
    fake, app, _case, currency, amount, money
):
    # given
    money = {"currency": currency, "fractionalAmount": money[0], "fractionDigits": money[1]}
    card_input = {
        "balance": {"currency": currency, "amount": amount},
        "isActive": True,
        "metadata": [{"key": "rma", "value": "RMA-000042"}, {"key": "order", "value": "24"}],
    }

    # when
    created = data(fake, "GiftCardCreate", {"input": card_input}, app["token"])["giftCardCreate"]
    found = data(fake, "GiftCardsByMetadata", {"key": "rma", "value": "RMA-000042"}, app["token"])
    missing = data(fake, "GiftCardsByMetadata", {"key": "rma", "value": "RMA-000043"}, app["token"])

    # then
    card = created["giftCard"]
    assert created["errors"] == []
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", card["code"])
    assert card == {
        "id": card["id"],
        "code": card["code"],
        "last4CodeChars": card["code"][-4:],
        "initialBalance": money,
        "currentBalance": money,
        "metadata": [{"key": "order", "value": "24"}, {"key": "rma", "value": "RMA-000042"}],
    }
    assert found["giftCards"]["edges"] == [
        {
            "node": {
                "id": card["id"],
                "code": card["code"],
                "last4CodeChars": card["code"][-4:],
                "initialBalance": money,
            }
        }
    ]
    assert missing["giftCards"]["edges"] == []
    assert delivered(fake) == ["GIFT_CARD_CREATED"]


@pytest.mark.parametrize(
    ("_case", "currency", "amount", "message"),
    [
        ("yen with decimals", "JPY", "10.5", "Value cannot have more than 0 decimal places."),
        ("a tenth of a cent", "USD", "1.001", "Value cannot have more than 2 decimal places."),
        ("a tenth of a fils", "KWD", "1.0001", "Value cannot have more than 3 decimal places."),
        ("nothing", "USD", "0", "Balance amount have to be greater than 0."),
    ],
)
def test_a_gift_card_balance_must_fit_the_currency(fake, app, _case, currency, amount, message):
    # given
    card_input = {"balance": {"currency": currency, "amount": amount}, "isActive": True}

    # when
    body = run(fake, "GiftCardCreate", {"input": card_input}, app["token"])

    # then
    assert body["data"]["giftCardCreate"] == {
        "giftCard": None,
        "errors": [{"field": "balance", "code": "INVALID", "message": message}],
    }
    assert fake.gift_cards == []


# ---------------------------------------------------------------- exchanges (draft orders)


@pytest.fixture
def exchange_setup(fake, order_a):
    """An exchange variant listed at 40.00 with 3 in stock, and free shipping."""
    fake.add_variant(
        "E2E-TEE-C", price="40.00", channel_slug="e2e-usd", stocks={"E2E Warehouse": 3}
    )
    return fake.add_shipping_method("Exchange", "0.00", channel_slug="e2e-usd")


def draft_input(order, variant_id, method, **extra):
    address = {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "streetAddress1": "1 Main St",
        "city": "Boston",
        "postalCode": "02110",
        "country": "US",
        "countryArea": "MA",
    }
    return {
        "channelId": order["channel"]["id"],
        "user": order["user"]["id"],
        "lines": [{"variantId": variant_id, "quantity": 1, "price": "0"}],
        "shippingAddress": address,
        "billingAddress": address,
        "shippingMethod": method["id"],
        "externalReference": "rma-000042-exchange",
        "metadata": [{"key": "rma", "value": "RMA-000042"}],
        **extra,
    }


def test_an_even_exchange_is_a_zero_price_draft_completed_unpaid(
    fake, app, order_a, exchange_setup
):
    # given
    variant = fake.add_variant("E2E-TEE-C")
    variables = {"input": draft_input(order_a, variant["id"], exchange_setup)}

    # when
    created = data(fake, "DraftOrderCreate", variables, app["token"])["draftOrderCreate"]
    reference = {"reference": "rma-000042-exchange"}
    found = data(fake, "OrdersByExternalReference", reference, app["token"])
    completed = data(fake, "DraftOrderComplete", {"id": created["order"]["id"]}, app["token"])
    stocks = data(fake, "VariantStocks", {"id": variant["id"]}, app["token"])["productVariant"]
    again = run(fake, "DraftOrderComplete", {"id": created["order"]["id"]}, app["token"])

    # then
    draft = created["order"]
    assert created["errors"] == []
    assert draft == {
        "id": draft["id"],
        "number": draft["number"],
        "status": "DRAFT",
        "total": {"gross": usd(0)},
        "lines": [
            {
                "id": draft["lines"][0]["id"],
                "productSku": "E2E-TEE-C",
                "quantity": 1,
                "unitPrice": {"gross": usd(0)},
            }
        ],
    }
    assert found["order"] == {
        "id": draft["id"],
        "number": draft["number"],
        "status": "DRAFT",
        "origin": "DRAFT",
        "externalReference": "rma-000042-exchange",
        "userEmail": "owner@example.com",
        "metadata": [{"key": "rma", "value": "RMA-000042"}],
        "total": {"gross": usd(0)},
        "lines": [{"id": draft["lines"][0]["id"], "productSku": "E2E-TEE-C", "quantity": 1}],
    }
    assert completed["draftOrderComplete"] == {
        "order": {"id": draft["id"], "number": draft["number"], "status": "UNFULFILLED"},
        "errors": [],
    }
    warehouse = order_a["fulfillments"][0]["warehouse"]
    assert stocks["stocks"] == [
        {
            "warehouse": {"id": warehouse["id"], "name": "E2E Warehouse"},
            "quantity": 3,
            "quantityAllocated": 1,
        }
    ]
    assert again["data"]["draftOrderComplete"]["errors"] == [
        {
            "field": "id",
            "code": "INVALID",
            "message": "The order is not draft.",
            "orderLines": None,
            "variants": None,
        }
    ]
    completed_order = fake.lookup(draft["id"])
    assert (completed_order["payments"], completed_order["transactions"]) == ([], [])
    assert delivered(fake) == [
        "DRAFT_ORDER_CREATED",
        "ORDER_CREATED",
        "ORDER_PAID",
        "ORDER_FULLY_PAID",
        "ORDER_UPDATED",
        "ORDER_CONFIRMED",
    ]


def test_a_channel_that_does_not_confirm_orders_leaves_them_unconfirmed(
    fake, app, order_a, exchange_setup
):
    # given
    fake.add_channel("e2e-usd", automatically_confirm_all_new_orders=False)
    variant = fake.add_variant("E2E-TEE-C")
    variables = {"input": draft_input(order_a, variant["id"], exchange_setup)}
    draft = data(fake, "DraftOrderCreate", variables, app["token"])["draftOrderCreate"]["order"]

    # when
    completed = data(fake, "DraftOrderComplete", {"id": draft["id"]}, app["token"])

    # then
    assert completed["draftOrderComplete"]["order"]["status"] == "UNCONFIRMED"
    assert "ORDER_CONFIRMED" not in delivered(fake)


def test_a_draft_line_without_a_price_costs_the_channel_price(fake, app, order_a, exchange_setup):
    # given
    variant = fake.add_variant("E2E-TEE-C")
    lines = [{"variantId": variant["id"], "quantity": 2}]
    variables = {"input": draft_input(order_a, variant["id"], exchange_setup, lines=lines)}

    # when
    created = data(fake, "DraftOrderCreate", variables, app["token"])["draftOrderCreate"]

    # then
    assert created["order"]["lines"][0]["unitPrice"] == {"gross": usd(4000)}
    assert created["order"]["total"] == {"gross": usd(8000)}


@pytest.mark.parametrize(
    ("_case", "change", "errors"),
    [
        (
            "an external reference used before",
            lambda fake, variables: fake.add_order(externalReference="rma-000042-exchange"),
            [
                {
                    "field": "externalReference",
                    "code": "UNIQUE",
                    "message": "Order with this External reference already exists.",
                    "orderLines": None,
                    "variants": None,
                }
            ],
        ),
        (
            "no channel",
            lambda fake, variables: variables["input"].pop("channelId"),
            [
                {
                    "field": "channel",
                    "code": "REQUIRED",
                    "message": "Channel id is required.",
                    "orderLines": None,
                    "variants": None,
                }
            ],
        ),
        (
            "a variant not sold in the channel",
            lambda fake, variables: variables["input"]["lines"][0].update(
                variantId=fake.add_variant("NOT-LISTED")["id"]
            ),
            [
                {
                    "field": "lines",
                    "code": "NOT_AVAILABLE_IN_CHANNEL",
                    "message": "Cannot add lines with unavailable variants.",
                    "orderLines": None,
                    "variants": ["<variant>"],
                }
            ],
        ),
    ],
)
def test_draft_order_create_refusals(fake, app, order_a, exchange_setup, _case, change, errors):
    # given
    variables = {"input": draft_input(order_a, fake.add_variant("E2E-TEE-C")["id"], exchange_setup)}
    change(fake, variables)
    orders_before = len(fake.orders)

    # when
    result = run(fake, "DraftOrderCreate", variables, app["token"])["data"]["draftOrderCreate"]

    # then
    for error in errors:
        if error["variants"]:
            error["variants"] = [variables["input"]["lines"][0]["variantId"]]
    assert result == {"order": None, "errors": errors}
    assert len(fake.orders) == orders_before


def test_an_incomplete_draft_cannot_be_completed(fake, app, order_a, exchange_setup):
    # given: no addresses, no shipping method, and 5 wanted of 3 in stock
    variant = fake.add_variant("E2E-TEE-C")
    draft_fields = draft_input(order_a, variant["id"], exchange_setup)
    for key in ("shippingAddress", "billingAddress", "shippingMethod"):
        draft_fields.pop(key)
    draft_fields["lines"][0]["quantity"] = 5
    created = data(fake, "DraftOrderCreate", {"input": draft_fields}, app["token"])
    draft = created["draftOrderCreate"]["order"]

    # when
    body = run(fake, "DraftOrderComplete", {"id": draft["id"]}, app["token"])

    # then
    def error(field, code, message, order_lines=None):
        return {
            "field": field,
            "code": code,
            "message": message,
            "orderLines": order_lines,
            "variants": None,
        }

    line_ids = [draft["lines"][0]["id"]]
    cannot_finalize = "Can't finalize draft with no"
    assert body["data"]["draftOrderComplete"] == {
        "order": None,
        "errors": [
            error("order", "BILLING_ADDRESS_NOT_SET", f"{cannot_finalize} billing address."),
            error("order", "ORDER_NO_SHIPPING_ADDRESS", f"{cannot_finalize} shipping address."),
            error("shipping", "SHIPPING_METHOD_REQUIRED", "Shipping method is required."),
            error("lines", "INSUFFICIENT_STOCK", "Insufficient product stock.", line_ids),
        ],
    }
    assert fake.lookup(draft["id"])["status"] == "DRAFT"


# ---------------------------------------------------------------- stock

UNKNOWN_WAREHOUSE = global_id("Warehouse", "3b2e6c0e-0000-4000-8000-000000000000")


def test_restocking_a_returned_unit(fake, app, order_a):
    # given
    fake.set_stock("E2E-TEE-A", 0, warehouse="E2E Warehouse")
    variant = line_of(order_a, "E2E-TEE-A")["variant"]
    warehouse = order_a["fulfillments"][0]["warehouse"]

    # when
    before = data(fake, "VariantStocks", {"id": variant["id"]}, app["token"])["productVariant"]
    updated = data(
        fake,
        "VariantStocksUpdate",
        {"variantId": variant["id"], "stocks": [{"warehouse": warehouse["id"], "quantity": 1}]},
        app["token"],
    )["productVariantStocksUpdate"]

    # then: the warehouse fulfill() shipped from is the one restocked
    assert before == {
        "id": variant["id"],
        "sku": "E2E-TEE-A",
        "stocks": [
            {
                "warehouse": {"id": warehouse["id"], "name": "E2E Warehouse"},
                "quantity": 0,
                "quantityAllocated": 0,
            }
        ],
    }
    assert updated == {
        "productVariant": {
            "id": variant["id"],
            "stocks": [{"warehouse": {"id": warehouse["id"]}, "quantity": 1}],
        },
        "errors": [],
    }
    assert fake.stock_levels("E2E-TEE-A") == {"E2E Warehouse": 1}
    assert delivered(fake) == ["PRODUCT_VARIANT_BACK_IN_STOCK", "PRODUCT_VARIANT_STOCK_UPDATED"]


def test_a_new_warehouse_gets_a_stock(fake, app, order_a):
    # given
    variant = line_of(order_a, "E2E-TEE-B")["variant"]
    returns_room = fake.add_warehouse("Returns room")

    # when
    data(
        fake,
        "VariantStocksUpdate",
        {"variantId": variant["id"], "stocks": [{"warehouse": returns_room["id"], "quantity": 2}]},
        app["token"],
    )

    # then
    assert fake.stock_levels("E2E-TEE-B") == {"Returns room": 2}


@pytest.mark.parametrize(
    ("_case", "stocks", "errors"),
    [
        (
            "a warehouse twice",
            lambda warehouse_id: [
                {"warehouse": warehouse_id, "quantity": 1},
                {"warehouse": warehouse_id, "quantity": 2},
            ],
            [
                {
                    "field": "warehouse",
                    "code": "UNIQUE",
                    "message": "Duplicated warehouse ID.",
                    "index": 1,
                }
            ],
        ),
        (
            "an unknown warehouse",
            lambda warehouse_id: [{"warehouse": UNKNOWN_WAREHOUSE, "quantity": 1}],
            [
                {
                    "field": "warehouse",
                    "code": "GRAPHQL_ERROR",
                    "message": "Could not resolve to a node with the global id list of "
                    f"'{[UNKNOWN_WAREHOUSE]}'.",
                    "index": None,
                }
            ],
        ),
    ],
)
def test_stock_update_refusals(fake, app, order_a, _case, stocks, errors):
    # given
    variant = line_of(order_a, "E2E-TEE-A")["variant"]
    warehouse = order_a["fulfillments"][0]["warehouse"]
    variables = {"variantId": variant["id"], "stocks": stocks(warehouse["id"])}

    # when
    body = run(fake, "VariantStocksUpdate", variables, app["token"])

    # then
    assert body["data"]["productVariantStocksUpdate"] == {"productVariant": None, "errors": errors}
    assert fake.stock_levels("E2E-TEE-A") == {}


# ---------------------------------------------------------------- metadata and notes


@pytest.mark.parametrize(
    ("_case", "target", "event"),
    [
        ("the order", lambda order: order, "ORDER_METADATA_UPDATED"),
        ("an order line", lambda order: order["lines"][0], None),
        ("a fulfillment", lambda order: order["fulfillments"][0], None),
        ("the transaction", lambda order: order["transactions"][0], None),
    ],
)
@pytest.mark.parametrize("operation", ["UpdateMetadata", "UpdatePrivateMetadata"])
def test_metadata_is_merged_and_sorted(fake, app, order_a, _case, target, event, operation):
    # given
    item = target(order_a)
    key = "metadata" if operation == "UpdateMetadata" else "privateMetadata"
    item[key] = [{"__typename": "MetadataItem", "key": "rma", "value": "RMA-000001"}]

    # when
    result = data(
        fake,
        operation,
        {
            "id": item["id"],
            "input": [
                {"key": "rma_status", "value": "RECEIVED"},
                {"key": "rma", "value": "RMA-000002"},
            ],
        },
        app["token"],
    )

    # then
    (answer,) = result.values()
    assert answer == {
        "item": {
            key: [
                {"key": "rma", "value": "RMA-000002"},
                {"key": "rma_status", "value": "RECEIVED"},
            ]
        },
        "errors": [],
    }
    assert delivered(fake) == ([event] if event else [])


def test_gift_card_private_metadata(fake, app):
    # given
    card = data(
        fake,
        "GiftCardCreate",
        {"input": {"balance": {"currency": "USD", "amount": "5"}, "isActive": True}},
        app["token"],
    )["giftCardCreate"]["giftCard"]

    # when
    variables = {"id": card["id"], "input": [{"key": "rma", "value": "RMA-1"}]}
    result = data(fake, "UpdatePrivateMetadata", variables, app["token"])

    # then
    assert result["updatePrivateMetadata"] == {
        "item": {"privateMetadata": [{"key": "rma", "value": "RMA-1"}]},
        "errors": [],
    }


def test_an_order_note_lands_on_the_timeline(fake, app, order_a):
    # when
    note = {"orderId": order_a["id"], "message": "RMA-000001 received"}
    result = data(fake, "OrderNoteAdd", note, app["token"])
    empty = run(fake, "OrderNoteAdd", {**note, "message": "  "}, app["token"])

    # then
    (event,) = order_a["events"]
    assert result["orderNoteAdd"] == {"event": {"id": event["id"]}, "errors": []}
    assert (event["type"], event["message"], event["app"]) == (
        "NOTE_ADDED",
        "RMA-000001 received",
        app,
    )
    assert empty["data"]["orderNoteAdd"] == {
        "event": None,
        "errors": [{"field": "message", "code": "REQUIRED", "message": "Message can't be empty."}],
    }
    assert delivered(fake) == ["ORDER_UPDATED"]


# ---------------------------------------------------------------- permissions


def shop_size(fake):
    """What a denied mutation must not change."""
    grants = [len(order["grantedRefunds"]) for order in fake.orders]
    return len(fake.orders), len(fake.gift_cards), grants, len(fake.refund_requests)


@pytest.mark.parametrize(
    ("_case", "operation", "variables", "permissions", "denied"),
    [
        (
            "granting needs MANAGE_ORDERS",
            "GrantRefund",
            lambda o: {
                "orderId": o["id"],
                "input": {"transactionId": o["transactions"][0]["id"], "amount": 1},
            },
            ["HANDLE_PAYMENTS"],
            "MANAGE_ORDERS",
        ),
        (
            "requesting needs HANDLE_PAYMENTS",
            "RequestGrantedRefund",
            lambda o: {
                "grantedRefundId": o["grantedRefunds"][0]["id"],
                "transactionId": o["transactions"][0]["id"],
            },
            ["MANAGE_ORDERS"],
            "HANDLE_PAYMENTS",
        ),
        (
            "legacy refunds need MANAGE_ORDERS",
            "LegacyRefund",
            lambda o: {"orderId": o["id"], "amount": 1},
            [],
            "MANAGE_ORDERS",
        ),
        (
            "returns need MANAGE_ORDERS",
            "ReturnOrderLines",
            lambda o: {"orderId": o["id"], "input": {}},
            ["HANDLE_PAYMENTS"],
            "MANAGE_ORDERS",
        ),
        (
            "store credit needs MANAGE_GIFT_CARD",
            "GiftCardCreate",
            lambda o: {"input": {"balance": {"currency": "USD", "amount": 5}, "isActive": True}},
            ["MANAGE_ORDERS"],
            "MANAGE_GIFT_CARD",
        ),
        (
            "finding store credit needs MANAGE_GIFT_CARD",
            "GiftCardsByMetadata",
            lambda o: {"key": "rma", "value": "1"},
            ["MANAGE_ORDERS"],
            "MANAGE_GIFT_CARD",
        ),
        (
            "exchanges need MANAGE_ORDERS",
            "DraftOrderCreate",
            lambda o: {"input": {"channelId": o["channel"]["id"]}},
            ["MANAGE_PRODUCTS"],
            "MANAGE_ORDERS",
        ),
        (
            "completing needs MANAGE_ORDERS",
            "DraftOrderComplete",
            lambda o: {"id": o["id"]},
            [],
            "MANAGE_ORDERS",
        ),
        (
            "restocking needs MANAGE_PRODUCTS",
            "VariantStocksUpdate",
            lambda o: {"variantId": o["lines"][0]["variant"]["id"], "stocks": []},
            ["MANAGE_ORDERS"],
            "MANAGE_PRODUCTS",
        ),
        (
            "order metadata needs MANAGE_ORDERS",
            "UpdatePrivateMetadata",
            lambda o: {"id": o["id"], "input": [{"key": "a", "value": "b"}]},
            ["HANDLE_PAYMENTS"],
            "MANAGE_ORDERS, HANDLE_TAXES",
        ),
        (
            "notes need MANAGE_ORDERS",
            "OrderNoteAdd",
            lambda o: {"orderId": o["id"], "message": "m"},
            [],
            "MANAGE_ORDERS",
        ),
    ],
)
def test_an_app_without_the_permission_is_denied(
    fake, order_a, _case, operation, variables, permissions, denied
):
    # given
    fake.add_granted_refund(order_a, amount="1.00")
    weak_app = fake.add_app(identifier="weak.app", permissions=permissions)
    before = shop_size(fake)

    # when
    body = run(fake, operation, variables(order_a), weak_app["token"])

    # then
    (field,) = body["data"]
    assert body["data"] == {field: None}
    assert [(e["message"], e["path"], e["extensions"]) for e in body["errors"]] == [
        (
            f"To access this path, you need one of the following permissions: {denied}",
            [field],
            {"exception": {"code": "PermissionDenied"}},
        )
    ]
    assert shop_size(fake) == before


def test_stocks_need_a_products_or_orders_permission(fake, order_a):
    # given
    weak_app = fake.add_app(identifier="weak.app", permissions=["HANDLE_PAYMENTS"])
    variant = line_of(order_a, "E2E-TEE-A")["variant"]

    # when
    body = run(fake, "VariantStocks", {"id": variant["id"]}, weak_app["token"])

    # then
    assert body["data"] == {
        "productVariant": {"id": variant["id"], "sku": "E2E-TEE-A", "stocks": None}
    }
    assert [(e["message"], e["path"]) for e in body["errors"]] == [
        (
            "To access this path, you need one of the following permissions: "
            "MANAGE_PRODUCTS, MANAGE_ORDERS",
            ["productVariant", "stocks"],
        )
    ]


def test_a_customer_paying_an_exchange_order_is_reported_like_saleors_order_charged(
    fake, app, order_a, exchange_setup
):
    # given: a dearer exchange's order, 15.00 to pay (shipping included), placed from its draft
    variant = fake.add_variant("E2E-TEE-C")
    variables = {"input": draft_input(order_a, variant["id"], exchange_setup)}
    variables["input"]["lines"][0]["price"] = "15.00"
    draft = data(fake, "DraftOrderCreate", variables, app["token"])["draftOrderCreate"]["order"]
    placed = fake.lookup(draft["id"])
    with pytest.raises(ValueError, match="completed before it is paid"):
        fake.pay(placed)
    data(fake, "DraftOrderComplete", {"id": draft["id"]}, app["token"])
    due = placed["total"]["gross"]["amount"]
    fake.deliveries.clear()

    # when: part, then the rest
    fake.pay(placed, Decimal("5.00"))
    partly = data(fake, "OrderPaymentState", {"id": draft["id"]}, app["token"])["order"]
    fake.pay(placed)
    fully = data(fake, "OrderPaymentState", {"id": draft["id"]}, app["token"])["order"]

    # then
    assert (partly["chargeStatus"], partly["isPaid"]) == ("PARTIAL", False)
    assert (fully["status"], fully["chargeStatus"], fully["isPaid"]) == ("UNFULFILLED", "FULL", True)
    assert sum(Decimal(str(t["chargedAmount"]["amount"])) for t in placed["transactions"]) == Decimal(str(due))
    assert delivered(fake) == ["ORDER_PAID", "ORDER_UPDATED", "ORDER_PAID", "ORDER_FULLY_PAID", "ORDER_UPDATED"]
