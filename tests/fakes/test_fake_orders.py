"""Orders in the Saleor double: built like Saleor's, served to each requestor as Saleor serves them.

Shapes and permission answers are compared with ../shared/saleor/captures
(order A: lines A 2 × 25.00 and B 1 × 40.00, shipping 10.00, USD).
"""

from decimal import Decimal

import pytest

from saleor_returns.fakes.saleor import PERMISSION_NAMES, FakeSaleor, global_id
from tests.conftest import SALEOR_SCHEMA, capture, capture_json, require_shared

MONEY = "currency amount fractionalAmount fractionDigits"
MANAGE_ORDERS_DENIED = (
    "To access this path, you need one of the following permissions: MANAGE_ORDERS"
)
ORDER_USER_DENIED = (
    "To access this path, you need one of the following permissions: "
    "MANAGE_USERS, MANAGE_ORDERS, HANDLE_PAYMENTS, HANDLE_TAXES, OWNER"
)


@pytest.fixture(scope="module")
def server():
    require_shared(SALEOR_SCHEMA)
    with FakeSaleor() as fake:
        yield fake


@pytest.fixture
def fake(server):
    server.reset(data=True)
    return server


@pytest.fixture
def customer(fake):
    return fake.add_customer("owner@example.com", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def order_a(fake, customer):
    """Order A of the captures: two lines, shipping 10.00, USD, not yet fulfilled."""
    return fake.add_order(
        channel_slug="e2e-usd",
        user=customer,
        lines=[
            {
                "sku": "E2E-TEE-A",
                "product_name": "E2E Tee",
                "quantity": 2,
                "unit_price": Decimal("25.00"),
            },
            {
                "sku": "E2E-TEE-B",
                "product_name": "E2E Tee",
                "quantity": 1,
                "unit_price": Decimal("40.00"),
            },
        ],
        shipping=Decimal("10.00"),
        metadata={"capture-run": "20261122032455"},
        externalReference="capture-ext-20261122032455",
        customerNote="capture order A",
    )


def captured_query(name):
    lines = capture("responses", f"{name}.graphql").read_text().splitlines()
    return "\n".join(line for line in lines if not line.startswith("#")) + "\n"


def run(fake, query, variables=None, token=None):
    status, body = fake.execute(query, variables or {}, token=token)
    assert status == 200
    return body


def shape(value):
    """The keys of a response, recursively; a list is described by its first item."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__ if value is not None else None


def all_permissions_token(fake):
    staff = fake.add_staff("admin@example.com", permissions=list(PERMISSION_NAMES))
    return fake.issue_access_token(staff), staff


# ---------------------------------------------------------------- shape and money


def test_staff_query_answers_in_the_captured_shape(fake, order_a, customer):
    # given: order A taken through the captured steps
    app = fake.add_app(
        identifier="capture.app",
        name="Capture App",
        permissions=["MANAGE_ORDERS", "HANDLE_PAYMENTS"],
    )
    token, staff = all_permissions_token(fake)
    line_a, line_b = order_a["lines"]
    fake.fulfill(order_a, {line_a["id"]: 2}, tracking_number="CAPTURE-TRACK-1")
    fake.fulfill(order_a, {line_b["id"]: 1}, tracking_number="CAPTURE-TRACK-2")
    fake.return_lines(order_a, {line_a["id"]: 1}, reason="Customer return (capture)")
    fake.add_transaction(
        order_a, Decimal("100.00"), refunded=Decimal("25.00"), name="Capture Pay", app=app
    )
    fake.add_granted_refund(
        order_a, lines={line_a["id"]: 1}, status="SUCCESS", reason="RMA capture", user=staff
    )
    captured = capture_json("responses", "order_staff.json")["data"]["order"]

    # when
    body = run(fake, captured_query("order_staff"), {"id": order_a["id"]}, token=token)

    # then: the same keys everywhere, and the same money and quantities
    answer = body["data"]["order"]
    assert "errors" not in body
    unsupported = {"events", "transactionEvents"}  # order events and grant events are not modelled
    assert _without(shape(answer), unsupported) == _without(shape(captured), unsupported)
    for field in ("subtotal", "shippingPrice", "total"):
        assert answer[field] == captured[field]
    for field in (
        "undiscountedShippingPrice",
        "totalCharged",
        "totalRefunded",
        "totalGrantedRefund",
        "totalRemainingGrant",
        "totalRefundPending",
    ):
        assert answer[field] == captured[field]
    for ours, theirs in zip(answer["lines"], captured["lines"], strict=True):
        for field in (
            "productName",
            "variantName",
            "productSku",
            "quantity",
            "quantityFulfilled",
            "quantityToFulfill",
            "unitPrice",
            "undiscountedUnitPrice",
            "totalPrice",
            "taxRate",
        ):
            assert ours[field] == theirs[field]
    assert [
        (f["fulfillmentOrder"], f["status"], [line["quantity"] for line in f["lines"]])
        for f in answer["fulfillments"]
    ] == [(1, "FULFILLED", [1]), (2, "FULFILLED", [1]), (3, "RETURNED", [1])]
    assert [(f["status"], f["trackingNumber"]) for f in answer["fulfillments"]] == [
        (f["status"], f["trackingNumber"]) for f in captured["fulfillments"]
    ]
    assert [e["type"] for e in answer["transactions"][0]["events"]] == [
        e["type"] for e in captured["transactions"][0]["events"]
    ]
    for field in ("chargedAmount", "refundedAmount", "refundPendingAmount", "actions"):
        assert answer["transactions"][0][field] == captured["transactions"][0][field]
    for field in ("status", "shippingCostsIncluded", "amount"):
        assert answer["grantedRefunds"][0][field] == captured["grantedRefunds"][0][field]
    for field in ("status", "isPaid", "paymentStatus", "chargeStatus", "payments"):
        assert answer[field] == captured[field]


def _without(value, keys):
    if isinstance(value, dict):
        return {key: _without(item, keys) for key, item in value.items() if key not in keys}
    if isinstance(value, list):
        return [_without(item, keys) for item in value]
    return value


def test_legacy_payment_answers_in_the_captured_shape(fake, customer):
    # given: order B of the captures, paid with orderMarkAsPaid and refunded 10.00
    order = fake.add_order(
        user=customer,
        lines=[{"sku": "E2E-TEE-B", "unit_price": Decimal("40.00")}],
        shipping=Decimal("10.00"),
    )
    fake.add_payment(order, refunded=Decimal("10.00"), psp_reference="capture-legacy")
    token, _ = all_permissions_token(fake)
    captured = capture_json("responses", "order_staff_legacy_payment.json")["data"]["order"]

    # when
    answer = run(
        fake, captured_query("order_staff_legacy_payment"), {"id": order["id"]}, token=token
    )

    # then
    (payment,) = answer["data"]["order"]["payments"]
    (captured_payment,) = captured["payments"]
    assert shape(payment) == shape(captured_payment)
    for field in (
        "gateway",
        "isActive",
        "chargeStatus",
        "pspReference",
        "total",
        "capturedAmount",
        "availableRefundAmount",
    ):
        assert payment[field] == captured_payment[field]
    assert [(t["kind"], t["isSuccess"], t["amount"]) for t in payment["transactions"]] == [
        (t["kind"], t["isSuccess"], t["amount"]) for t in captured_payment["transactions"]
    ]


@pytest.mark.parametrize(
    ("_case", "currency", "unit_price", "expected_unit", "expected_total"),
    [
        ("0 decimals", "JPY", "2500", (2500.0, 2500, 0), (5500.0, 5500, 0)),
        ("2 decimals", "USD", "25.00", (25.0, 2500, 2), (60.0, 6000, 2)),
        ("3 decimals", "KWD", "7.125", (7.125, 7125, 3), (24.25, 24250, 3)),
    ],
)
def test_money_follows_the_currency_precision(
    fake, _case, currency, unit_price, expected_unit, expected_total
):
    # given
    shipping = {"JPY": "500", "USD": "10.00", "KWD": "10.000"}[currency]
    order = fake.add_order(
        currency=currency,
        channel_slug=f"channel-{currency.lower()}",
        shipping=Decimal(shipping),
        lines=[{"sku": "A", "quantity": 2, "unit_price": Decimal(unit_price)}],
    )
    app = fake.add_app(permissions=["MANAGE_ORDERS"])

    # when
    body = run(
        fake,
        f"query($id: ID!) {{ order(id: $id) {{ lines {{ unitPrice {{ gross {{ {MONEY} }} }} }} "
        f"total {{ gross {{ {MONEY} }} }} }} }}",
        {"id": order["id"]},
        token=app["token"],
    )

    # then
    order_data = body["data"]["order"]
    unit = order_data["lines"][0]["unitPrice"]["gross"]
    total = order_data["total"]["gross"]
    assert (unit["currency"], unit["amount"], unit["fractionalAmount"], unit["fractionDigits"]) == (
        currency,
        *expected_unit,
    )
    assert (
        total["currency"],
        total["amount"],
        total["fractionalAmount"],
        total["fractionDigits"],
    ) == (currency, *expected_total)


def test_prices_with_tax_split_into_net_and_tax(fake):
    # given: 123.00 gross with 23 % tax included
    order = fake.add_order(
        lines=[
            {
                "sku": "A",
                "quantity": 3,
                "unit_price": Decimal("123.00"),
                "tax_rate": Decimal("0.23"),
            }
        ]
    )

    # when
    line = order["lines"][0]

    # then
    assert [line["unitPrice"][part]["fractionalAmount"] for part in ("gross", "net", "tax")] == [
        12300,
        10000,
        2300,
    ]
    assert [line["totalPrice"][part]["fractionalAmount"] for part in ("gross", "net", "tax")] == [
        36900,
        30000,
        6900,
    ]
    assert line["taxRate"] == 0.23


def test_lines_share_catalog_entries_across_orders(fake):
    # given
    description = {
        "sku": "A",
        "unit_price": Decimal("10.00"),
        "product_type": "Shoes",
        "category": "Footwear",
        "collections": ["Summer"],
        "metadata": {"final-sale": "no"},
        "variant_metadata": {"size": "42"},
    }
    first = fake.add_order(
        lines=[description, {"sku": "B", "unit_price": Decimal("5.00"), "product_type": "Shoes"}]
    )

    # when
    second = fake.add_order(lines=[{"sku": "A", "unit_price": Decimal("9.00")}])

    # then
    a_first, b_first = (line["variant"] for line in first["lines"])
    a_second = second["lines"][0]["variant"]
    assert a_second is a_first
    assert b_first["product"]["productType"] is a_first["product"]["productType"]
    assert a_first["product"]["productType"]["name"] == "Shoes"
    assert [c["name"] for c in a_first["product"]["collections"]] == ["Summer"]
    assert a_first["product"]["metadata"] == [
        {"__typename": "MetadataItem", "key": "final-sale", "value": "no"}
    ]
    assert second["lines"][0]["unitPrice"]["gross"]["fractionalAmount"] == 900


@pytest.mark.parametrize(
    ("_case", "line", "message"),
    [
        (
            "other product type",
            {"product_type": "Bags"},
            "Product 'Product A' already exists with product_type='Shoes', not 'Bags'.",
        ),
        (
            "other variant metadata",
            {"variant_metadata": {"size": "43"}},
            "SKU 'A' already exists with variant_metadata={'size': '42'}, not {'size': '43'}.",
        ),
        ("other channel currency", None, "Channel default-channel exists with currency USD."),
    ],
)
def test_a_catalog_entry_cannot_be_redescribed(fake, _case, line, message):
    # given
    fake.add_order(
        lines=[
            {
                "sku": "A",
                "unit_price": Decimal("10.00"),
                "product_type": "Shoes",
                "variant_metadata": {"size": "42"},
            }
        ]
    )
    orders_before = list(fake.orders)

    # when
    with pytest.raises(ValueError) as error:
        if line is None:
            fake.add_order(currency="EUR", lines=[{"sku": "A", "unit_price": Decimal("10.00")}])
        else:
            fake.add_order(lines=[{"sku": "A", "unit_price": Decimal("10.00"), **line}])

    # then
    assert str(error.value) == message
    assert fake.orders == orders_before


def test_floats_are_refused(fake):
    with pytest.raises(TypeError):
        fake.add_order(lines=[{"sku": "A", "unit_price": 25.0}])
    assert fake.orders == []


# ---------------------------------------------------------------- fulfillment


@pytest.mark.parametrize(
    ("_case", "quantities", "status", "expected_order_status", "expected_fulfilled"),
    [
        ("part of the order", {0: 1}, "FULFILLED", "PARTIALLY_FULFILLED", [1, 0]),
        ("all of the order", {0: 2, 1: 1}, "FULFILLED", "FULFILLED", [2, 1]),
        ("awaiting approval", {0: 2, 1: 1}, "WAITING_FOR_APPROVAL", "UNFULFILLED", [2, 1]),
    ],
)
def test_fulfill_updates_quantities_and_order_status(
    fake, order_a, _case, quantities, status, expected_order_status, expected_fulfilled
):
    # given
    lines = {order_a["lines"][index]["id"]: quantity for index, quantity in quantities.items()}

    # when
    fulfillment = fake.fulfill(order_a, lines, status=status, tracking_number="TRACK-1")

    # then
    assert order_a["status"] == expected_order_status
    assert [line["quantityFulfilled"] for line in order_a["lines"]] == expected_fulfilled
    assert [line["quantityToFulfill"] for line in order_a["lines"]] == [
        2 - expected_fulfilled[0],
        1 - expected_fulfilled[1],
    ]
    assert fulfillment["status"] == status
    assert fulfillment["trackingNumber"] == "TRACK-1"
    assert fulfillment["fulfillmentOrder"] == 1
    assert [(fl["orderLine"]["id"], fl["quantity"]) for fl in fulfillment["lines"]] == list(
        lines.items()
    )


def test_fulfill_refuses_more_than_is_unfulfilled(fake, order_a):
    # given
    line = order_a["lines"][0]
    fake.fulfill(order_a, {line["id"]: 1})

    # when
    with pytest.raises(ValueError) as error:
        fake.fulfill(order_a, {line["id"]: 2})

    # then
    assert str(error.value) == f"Cannot fulfill 2 of line {line['id']}: 1 unfulfilled."
    assert len(order_a["fulfillments"]) == 1
    assert line["quantityFulfilled"] == 1


@pytest.mark.parametrize(
    ("_case", "returned", "status", "expected_order_status"),
    [
        ("one unit returned", 1, "RETURNED", "PARTIALLY_RETURNED"),
        ("one unit refunded and returned", 1, "REFUNDED_AND_RETURNED", "PARTIALLY_RETURNED"),
        ("both units replaced", 2, "REPLACED", "FULFILLED"),
        ("one unit refunded, kept", 1, "REFUNDED", "FULFILLED"),
    ],
)
def test_return_lines_moves_units_out_of_fulfilled_fulfillments(
    fake, order_a, _case, returned, status, expected_order_status
):
    # given
    line_a = order_a["lines"][0]
    shipped = fake.fulfill(order_a)

    # when
    moved = fake.return_lines(order_a, {line_a["id"]: returned}, status=status, reason="Too small")

    # then
    assert order_a["status"] == expected_order_status
    assert line_a["quantityFulfilled"] == 2
    assert [(fl["orderLine"]["id"], fl["quantity"]) for fl in shipped["lines"]] == (
        [(line_a["id"], 2 - returned)] if returned < 2 else []
    ) + [(order_a["lines"][1]["id"], 1)]
    assert (moved["status"], moved["fulfillmentOrder"], moved["reason"]) == (status, 2, "Too small")
    assert [(fl["orderLine"]["id"], fl["quantity"], fl["reason"]) for fl in moved["lines"]] == [
        (line_a["id"], returned, "Too small")
    ]


def test_an_emptied_fulfilled_fulfillment_is_deleted(fake, order_a):
    # given
    line_a, line_b = order_a["lines"]
    fake.fulfill(order_a, {line_a["id"]: 2})
    kept = fake.fulfill(order_a, {line_b["id"]: 1})

    # when
    returned = fake.return_lines(order_a, {line_a["id"]: 2})

    # then
    assert order_a["fulfillments"] == [kept, returned]
    assert order_a["status"] == "PARTIALLY_RETURNED"


def test_cancel_fulfillment_unfulfills_its_units(fake, order_a):
    # given
    fulfillment = fake.fulfill(order_a)

    # when
    fake.cancel_fulfillment(order_a, fulfillment)

    # then
    assert fulfillment["status"] == "CANCELED"
    assert [line["quantityFulfilled"] for line in order_a["lines"]] == [0, 0]
    assert order_a["status"] == "UNFULFILLED"


# ---------------------------------------------------------------- payments


def test_transaction_refunds_come_off_the_charged_amount(fake, order_a):
    # when
    transaction = fake.add_transaction(
        order_a, Decimal("100.00"), refunded=Decimal("25.00"), refund_pending=Decimal("5.00")
    )

    # then: as captured, chargedAmount falls as refunds rise
    assert [
        transaction[f]["fractionalAmount"]
        for f in ("chargedAmount", "refundedAmount", "refundPendingAmount")
    ] == [7000, 2500, 500]
    assert [
        order_a[f]["fractionalAmount"]
        for f in ("totalCharged", "totalRefunded", "totalRefundPending")
    ] == [7000, 2500, 500]
    assert [event["type"] for event in transaction["events"]] == [
        "REFUND_REQUEST",
        "REFUND_SUCCESS",
        "REFUND_REQUEST",
        "CHARGE_SUCCESS",
    ]


def test_granted_refund_defaults_to_the_lines_price_and_refuses_too_much(fake, order_a):
    # given
    line_a = order_a["lines"][0]
    transaction = fake.add_transaction(order_a, Decimal("100.00"))

    # when
    granted = fake.add_granted_refund(
        order_a, lines={line_a["id"]: 1}, shipping_costs_included=True
    )

    # then
    assert granted["amount"]["fractionalAmount"] == 3500
    assert granted["transaction"] is transaction
    assert order_a["totalGrantedRefund"]["fractionalAmount"] == 3500
    assert order_a["totalRemainingGrant"]["fractionalAmount"] == 3500
    with pytest.raises(ValueError) as error:
        fake.add_granted_refund(order_a, lines={line_a["id"]: 2})
    assert str(error.value) == f"Cannot grant 2 of line {line_a['id']}: 1 left to grant."
    assert order_a["grantedRefunds"] == [granted]


# ---------------------------------------------------------------- order(id)

USER_QUERY = "query($id: ID!) { order(id: $id) { id number userEmail user { id email } } }"


@pytest.mark.parametrize(
    ("_case", "requestor", "sees_user"),
    [
        ("app with MANAGE_ORDERS", "app_manage_orders", True),
        ("owner customer", "owner", True),
        ("app without permissions", "app_without_permissions", False),
        ("another customer", "other_customer", False),
        ("anonymous", "anonymous", False),
    ],
)
def test_order_is_public_by_id_but_its_user_is_not(
    fake, order_a, customer, _case, requestor, sees_user
):
    # given
    token = _token(fake, requestor, customer)

    # when
    body = run(fake, USER_QUERY, {"id": order_a["id"]}, token=token)

    # then
    order = body["data"]["order"]
    assert (order["id"], order["number"], order["userEmail"]) == (
        order_a["id"],
        order_a["number"],
        "owner@example.com",
    )
    if sees_user:
        assert order["user"] == {"id": customer["id"], "email": "owner@example.com"}
        assert "errors" not in body
    else:
        assert order["user"] is None
        assert [(e["message"], e["path"], e["extensions"]) for e in body["errors"]] == [
            (ORDER_USER_DENIED, ["order", "user"], {"exception": {"code": "PermissionDenied"}})
        ]


def _token(fake, requestor, customer):
    if requestor == "anonymous":
        return None
    if requestor == "owner":
        return fake.issue_access_token(customer)
    if requestor == "other_customer":
        return fake.issue_access_token(fake.add_customer("other@example.com"))
    permissions = ["MANAGE_ORDERS"] if requestor == "app_manage_orders" else []
    return fake.add_app(identifier=requestor, permissions=permissions)["token"]


def _field_access_cases():
    results = capture_json("responses", "order_customer_field_access.json")["results"]
    return [
        pytest.param(r["selection"], r["readable"], r["error"], r["error_code"], id=r["selection"])
        for r in results
    ]


@pytest.mark.parametrize(("selection", "readable", "error", "error_code"), _field_access_cases())
def test_owner_reads_the_fields_saleor_lets_customers_read(
    fake, order_a, customer, selection, readable, error, error_code
):
    # given: order A fulfilled and paid; the captured answer for this field alone
    fake.fulfill(order_a)
    fake.add_transaction(order_a, Decimal("100.00"))
    token = fake.issue_access_token(customer)

    # when
    body = run(
        fake,
        f"query($id: ID!) {{ order(id: $id) {{ {selection} }} }}",
        {"id": order_a["id"]},
        token=token,
    )

    # then: denied fields null the whole order, with Saleor's message
    if readable:
        assert "errors" not in body
        assert body["data"]["order"] is not None
    else:
        assert body["data"] == {"order": None}
        assert [(e["message"], e["extensions"]["exception"]["code"]) for e in body["errors"]] == [
            (error, error_code)
        ]


def test_staff_query_with_a_customer_token_nulls_the_whole_order(fake, order_a, customer):
    # given
    captured = capture_json("responses", "order_customer_with_staff_query.json")
    token = fake.issue_access_token(customer)

    # when
    body = run(
        fake, captured_query("order_customer_with_staff_query"), {"id": order_a["id"]}, token=token
    )

    # then: as captured, one error only. Saleor reported privateMetadata (resolved
    # eagerly) before channel (behind a dataloader); the fake reports the first in
    # query order.
    assert body["data"] == captured["data"] == {"order": None}
    assert len(body["errors"]) == len(captured["errors"]) == 1
    assert body["errors"][0]["extensions"] == captured["errors"][0]["extensions"]
    assert body["errors"][0]["path"] == ["order", "channel"]


def test_customer_query_as_the_owner_answers_in_the_captured_shape(fake, order_a, customer):
    # given
    fake.fulfill(order_a)
    fake.return_lines(order_a, {order_a["lines"][0]["id"]: 1})
    fake.add_transaction(order_a, Decimal("100.00"), refunded=Decimal("25.00"))
    captured = capture_json("responses", "order_customer.json")

    # when
    body = run(
        fake,
        captured_query("order_customer"),
        {"id": order_a["id"]},
        token=fake.issue_access_token(customer),
    )

    # then
    assert "errors" not in body
    assert shape(body["data"]) == shape(captured["data"])
    assert body["data"]["order"]["totalRefunded"] == captured["data"]["order"]["totalRefunded"]


@pytest.mark.parametrize(
    ("_case", "order_id", "expected_errors"),
    [
        ("unknown order", global_id("Order", "0c4e5a71-8c6d-4d3b-9d0e-7f1a2b3c4d5e"), []),
        ("another type's ID", global_id("User", 9), []),
        ("not a global ID", "not-an-id", ["Invalid ID: not-an-id. Expected: Order."]),
        (
            "neither int nor UUID",
            global_id("Order", "x"),
            [f"Invalid ID: {global_id('Order', 'x')}. Expected: Order."],
        ),
    ],
)
def test_order_not_found_is_null(fake, order_a, _case, order_id, expected_errors):
    # given
    app = fake.add_app(permissions=["MANAGE_ORDERS"])

    # when
    body = run(
        fake, "query($id: ID!) { order(id: $id) { id } }", {"id": order_id}, token=app["token"]
    )

    # then
    assert body["data"] == {"order": None}
    assert [e["message"] for e in body.get("errors", [])] == expected_errors
    assert all(e["path"] == ["order"] for e in body.get("errors", []))


@pytest.mark.parametrize(
    ("_case", "requestor", "sees_canceled"),
    [("app", "app_manage_orders", True), ("owner customer", "owner", False)],
)
def test_customers_do_not_see_canceled_fulfillments(
    fake, order_a, customer, _case, requestor, sees_canceled
):
    # given
    canceled = fake.fulfill(order_a, {order_a["lines"][0]["id"]: 1})
    fake.cancel_fulfillment(order_a, canceled)
    shipped = fake.fulfill(order_a)

    # when
    body = run(
        fake,
        "query($id: ID!) { order(id: $id) { fulfillments { id status } } }",
        {"id": order_a["id"]},
        token=_token(fake, requestor, customer),
    )

    # then
    expected = [{"id": canceled["id"], "status": "CANCELED"}] if sees_canceled else []
    assert body["data"]["order"]["fulfillments"] == expected + [
        {"id": shipped["id"], "status": "FULFILLED"}
    ]


@pytest.mark.parametrize(
    ("_case", "requestor", "sees_variant"),
    [("app with MANAGE_ORDERS", "app_manage_orders", True), ("owner customer", "owner", False)],
)
def test_a_hidden_products_variant_shows_only_with_product_permissions(
    fake, customer, _case, requestor, sees_variant
):
    # given
    order = fake.add_order(
        user=customer, lines=[{"sku": "A", "unit_price": Decimal("1.00"), "product_visible": False}]
    )

    # when
    body = run(
        fake,
        "query($id: ID!) { order(id: $id) { lines { productVariantId variant { id } } } }",
        {"id": order["id"]},
        token=_token(fake, requestor, customer),
    )

    # then
    variant_id = order["lines"][0]["productVariantId"]
    assert body["data"]["order"]["lines"] == [
        {"productVariantId": variant_id, "variant": {"id": variant_id} if sees_variant else None}
    ]


# ---------------------------------------------------------------- orders and me { orders }

ORDERS_BY_NUMBER = """
query($number: String!) {
  orders(first: 1, filter: {numbers: [$number]}) {
    totalCount
    edges { node { id number } }
    pageInfo { hasNextPage }
  }
}
"""


def test_orders_by_number_for_an_app_with_manage_orders(fake, order_a):
    # given
    fake.add_order(lines=[{"sku": "C", "unit_price": Decimal("1.00")}])
    app = fake.add_app(permissions=["MANAGE_ORDERS"])

    # when
    body = run(fake, ORDERS_BY_NUMBER, {"number": order_a["number"]}, token=app["token"])

    # then
    assert body["data"]["orders"] == {
        "totalCount": 1,
        "edges": [{"node": {"id": order_a["id"], "number": order_a["number"]}}],
        "pageInfo": {"hasNextPage": False},
    }


@pytest.mark.parametrize(
    ("_case", "requestor"),
    [
        ("anonymous", "anonymous"),
        ("customer", "owner"),
        ("app without MANAGE_ORDERS", "app_without_permissions"),
    ],
)
def test_orders_is_permission_denied_without_manage_orders(
    fake, order_a, customer, _case, requestor
):
    # when
    body = run(
        fake,
        ORDERS_BY_NUMBER,
        {"number": order_a["number"]},
        token=_token(fake, requestor, customer),
    )

    # then: the shape of captures/responses/error_grant_refund_permission_denied_customer.json
    assert body["data"] == {"orders": None}
    assert body["errors"] == [
        {
            "message": MANAGE_ORDERS_DENIED,
            "locations": [{"line": 3, "column": 3}],
            "path": ["orders"],
            "extensions": {"exception": {"code": "PermissionDenied"}},
        }
    ]


def test_orders_needs_first_or_last_for_edges(fake, order_a):
    # given
    app = fake.add_app(permissions=["MANAGE_ORDERS"])

    # when
    body = run(fake, "{ orders { edges { node { id } } } }", token=app["token"])

    # then
    assert body["data"] == {"orders": None}
    assert [e["message"] for e in body["errors"]] == [
        "You must provide a `first` or `last` value to properly paginate the `orders` connection."
    ]


@pytest.mark.parametrize(
    ("_case", "customer_filter", "expected_count"),
    [
        ("e-mail, any case", "Owner@Example.com", 2),
        ("last name", "lovelace", 2),
        ("someone else", "nobody@example.com", 0),
    ],
)
def test_orders_filter_by_customer(fake, order_a, customer, _case, customer_filter, expected_count):
    # given
    fake.add_order(user=customer, lines=[{"sku": "C", "unit_price": Decimal("1.00")}])
    fake.add_order(
        user_email="guest@example.com", lines=[{"sku": "C", "unit_price": Decimal("1.00")}]
    )
    app = fake.add_app(permissions=["MANAGE_ORDERS"])

    # when
    body = run(
        fake,
        "query($c: String!) { orders(first: 1, filter: {customer: $c}) { totalCount } }",
        {"c": customer_filter},
        token=app["token"],
    )

    # then
    assert body["data"]["orders"] == {"totalCount": expected_count}


def test_me_orders_lists_the_customers_own_orders_in_the_captured_shape(fake, order_a, customer):
    # given: order B of the captures, newer than A, and someone else's order
    order_b = fake.add_order(
        user=customer,
        lines=[{"sku": "E2E-TEE-B", "product_name": "E2E Tee", "unit_price": Decimal("40.00")}],
        shipping=Decimal("10.00"),
    )
    fake.add_order(
        user=fake.add_customer("other@example.com"),
        lines=[{"sku": "C", "unit_price": Decimal("1.00")}],
    )
    fake.fulfill(order_a)
    captured = capture_json("responses", "me_orders_customer.json")

    # when
    body = run(fake, captured_query("me_orders_customer"), token=fake.issue_access_token(customer))

    # then
    orders = body["data"]["me"]["orders"]
    assert "errors" not in body
    assert [edge["node"]["id"] for edge in orders["edges"]] == [order_b["id"], order_a["id"]]
    assert orders["totalCount"] == 2
    assert shape(orders["edges"][1]) == shape(captured["data"]["me"]["orders"]["edges"][1])


@pytest.mark.parametrize(
    ("_case", "permissions", "expected_orders", "expected_errors"),
    [
        ("app with MANAGE_ORDERS", ["MANAGE_ORDERS"], {"totalCount": 1}, []),
        (
            "app with MANAGE_USERS only",
            ["MANAGE_USERS"],
            None,
            [
                "To access this path, you need one of the following permissions: OWNER, MANAGE_ORDERS"
            ],
        ),
    ],
)
def test_another_users_orders_need_manage_orders(
    fake, order_a, _case, permissions, expected_orders, expected_errors
):
    # given
    app = fake.add_app(permissions=permissions)

    # when
    body = run(
        fake,
        "query($id: ID!) { order(id: $id) { user { orders(first: 5) { totalCount } } } }",
        {"id": order_a["id"]},
        token=app["token"],
    )

    # then
    assert body["data"] == {"order": {"user": {"orders": expected_orders}}}
    assert [e["message"] for e in body.get("errors", [])] == expected_errors
