"""Order snapshots: parsed from Saleor's exact money, fetched once per order and cached briefly."""

import base64
import copy
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache

from saleor_returns.fakes.saleor import global_id
from saleor_returns.money import Money
from saleor_returns.saleor.client import SaleorGraphQLError
from saleor_returns.saleor.order_snapshots import (
    FulfillmentLineSnapshot,
    GrantedRefundLineSnapshot,
    OrderDataError,
    OrderSnapshot,
)
from saleor_returns.saleor.orders import fetch_order, fetch_order_by_number, invalidate_order, parse_order
from tests.conftest import capture_json

CAPTURED_LINE_A = "T3JkZXJMaW5lOmQxYWFiNDE0LTI2YjMtNGJjZC05ODkxLTBmODc2OGIwMDkzZg=="
CAPTURED_LINE_B = "T3JkZXJMaW5lOmNlZDRmNWU0LWMzY2QtNDg5Ni1iZmVlLTUwNDQ0ZjcyMTUzNQ=="
UNKNOWN_ORDER_ID = global_id("Order", "0c4e5a71-8c6d-4d3b-9d0e-7f1a2b3c4d5e")
SHIPPED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def saleor(fake_saleor):
    """The fake with its built-in order resolvers, whatever an earlier test registered."""
    saved = dict(fake_saleor.query_resolvers), dict(fake_saleor.field_resolvers)
    fake_saleor.register_order_resolvers()
    cache.clear()
    yield fake_saleor
    cache.clear()
    fake_saleor.query_resolvers.clear()
    fake_saleor.query_resolvers.update(saved[0])
    fake_saleor.field_resolvers.clear()
    fake_saleor.field_resolvers.update(saved[1])


@pytest.fixture
def customer(saleor):
    return saleor.add_customer("owner@example.com")


@pytest.fixture
def order_a(saleor, customer):
    """Order A of the captures, described with the catalog the app reads."""
    return saleor.add_order(
        channel_slug="e2e-usd",
        user=customer,
        lines=[
            {
                "sku": "E2E-TEE-A",
                "product_name": "E2E Tee",
                "quantity": 2,
                "unit_price": Decimal("25.00"),
                "product_type": "Tees",
                "category": "Apparel",
                "collections": ["Summer", "Basics"],
                "metadata": {"returnable": "yes", "care": "wash cold"},
                "variant_metadata": {"returnable": "no", "size": "M"},
            },
            {"sku": "E2E-TEE-B", "product_name": "E2E Tee", "quantity": 1, "unit_price": Decimal("40.00")},
        ],
        shipping=Decimal("10.00"),
        metadata={"capture-run": "20261122032455"},
    )


def order_requests(saleor, operation="OrderForReturns"):
    return [request for request in saleor.requests if request["operation_name"] == operation]


def with_fraction_digits(value, digits):
    """The captured response plus `fractionDigits`, which its query did not select."""
    if isinstance(value, dict):
        result = {key: with_fraction_digits(item, digits) for key, item in value.items()}
        if "fractionalAmount" in value:
            result["fractionDigits"] = digits
        return result
    if isinstance(value, list):
        return [with_fraction_digits(item, digits) for item in value]
    return value


# ---------------------------------------------------------------- parsing


def test_parses_the_captured_staff_response():
    # given: order A as a real Saleor answered (USD, so 2 fraction digits)
    data = with_fraction_digits(capture_json("responses", "order_staff.json")["data"]["order"], 2)

    # when
    snapshot = parse_order(data)

    # then
    assert (snapshot.number, snapshot.status, snapshot.currency) == ("24", "PARTIALLY_RETURNED", "USD")
    assert (snapshot.channel_slug, snapshot.channel_id) == ("e2e-usd", "Q2hhbm5lbDoy")
    assert (snapshot.user_id, snapshot.user_email) == ("VXNlcjo5", "rma-capture-20261122032455@example.com")
    assert snapshot.created == datetime(2026, 11, 22, 3, 24, 58, 964240, tzinfo=timezone.utc)
    assert snapshot.metadata == {"capture-run": "20261122032455"}
    assert (snapshot.total_gross, snapshot.shipping_price_gross, snapshot.total_refunded) == (
        Money(Decimal("100.00"), "USD"),
        Money(Decimal("10.00"), "USD"),
        Money(Decimal("25.00"), "USD"),
    )
    line_a = snapshot.line(CAPTURED_LINE_A)
    assert (line_a.sku, line_a.variant_id, line_a.product_id, line_a.quantity, line_a.quantity_fulfilled) == (
        "E2E-TEE-A",
        "UHJvZHVjdFZhcmlhbnQ6MQ==",
        "UHJvZHVjdDox",
        2,
        2,
    )
    assert (line_a.unit_price_gross, line_a.total_price_gross, line_a.tax_rate) == (
        Money(Decimal("25.00"), "USD"),
        Money(Decimal("50.00"), "USD"),
        Decimal("0.0"),
    )
    assert [
        (snapshot.fulfilled_quantity(line), snapshot.returned_quantity(line))
        for line in (CAPTURED_LINE_A, CAPTURED_LINE_B)
    ] == [(1, 1), (1, 0)]
    assert snapshot.fulfilled_at(CAPTURED_LINE_A) == datetime(2026, 11, 22, 3, 25, 0, 724827, tzinfo=timezone.utc)
    assert snapshot.fulfilled_at(CAPTURED_LINE_B) == datetime(2026, 11, 22, 3, 25, 1, 281608, tzinfo=timezone.utc)
    (transaction,) = snapshot.transactions
    assert (transaction.charged, transaction.refunded, transaction.refund_pending, transaction.actions) == (
        Money(Decimal("75.00"), "USD"),
        Money(Decimal("25.00"), "USD"),
        Money(Decimal("0.00"), "USD"),
        ("REFUND",),
    )
    (granted,) = snapshot.granted_refunds
    assert (granted.status, granted.amount, granted.transaction_id, granted.lines) == (
        "SUCCESS",
        Money(Decimal("25.00"), "USD"),
        transaction.id,
        (GrantedRefundLineSnapshot(CAPTURED_LINE_A, 1),),
    )
    assert snapshot.granted_refund_quantity(CAPTURED_LINE_A) == 1
    assert snapshot.legacy_payments == ()


def test_refuses_money_without_fraction_digits():
    # given: the captured response as is: its query selected `amount`, not `fractionDigits`
    data = capture_json("responses", "order_staff.json")["data"]["order"]

    # when
    with pytest.raises(OrderDataError) as error:
        parse_order(data)

    # then
    assert str(error.value) == ("total.gross: Saleor money needs currency, fractionalAmount and fractionDigits.")


@pytest.mark.parametrize(
    ("_case", "remove", "message"),
    [
        ("no channel", ("channel",), "Saleor's order data is incomplete: KeyError('channel')"),
        ("no total", ("total",), "Saleor's order data is incomplete: KeyError('total')"),
        ("naive created", None, "created: Timestamp without a time zone: 2026-11-22T03:24:58"),
    ],
)
def test_refuses_incomplete_order_data(_case, remove, message):
    # given
    data = with_fraction_digits(capture_json("responses", "order_staff.json")["data"]["order"], 2)
    if remove:
        del data[remove[0]]
    else:
        data["created"] = "2026-11-22T03:24:58"

    # when
    with pytest.raises(OrderDataError) as error:
        parse_order(data)

    # then
    assert str(error.value) == message


@pytest.mark.django_db
def test_fetch_reads_the_catalog_and_merges_product_then_variant_metadata(installation, saleor, order_a):
    # when
    snapshot = fetch_order(installation, order_a["id"])

    # then
    line_a, line_b = snapshot.lines
    variant = order_a["lines"][0]["variant"]
    product = variant["product"]
    assert (line_a.id, line_a.variant_id, line_a.sku, line_a.product_id) == (
        order_a["lines"][0]["id"],
        variant["id"],
        "E2E-TEE-A",
        product["id"],
    )
    assert (line_a.product_name, line_a.variant_name) == ("E2E Tee", "E2E-TEE-A")
    assert line_a.product_type_id == product["productType"]["id"]
    assert line_a.category_id == product["category"]["id"]
    assert line_a.collection_ids == tuple(collection["id"] for collection in product["collections"])
    assert line_a.metadata == {"returnable": "no", "care": "wash cold", "size": "M"}
    assert line_b.product_id == line_a.product_id
    assert line_b.metadata == {"returnable": "yes", "care": "wash cold"}
    assert (snapshot.user_id, snapshot.user_email, snapshot.channel_slug) == (
        order_a["user"]["id"],
        "owner@example.com",
        "e2e-usd",
    )
    assert snapshot.metadata == {"capture-run": "20261122032455"}


@pytest.mark.django_db
def test_a_line_whose_variant_was_deleted_keeps_its_own_copies(installation, saleor):
    # given
    order = saleor.add_order(lines=[{"sku": "GONE", "unit_price": Decimal("5.00"), "variant_deleted": True}])

    # when
    (line,) = fetch_order(installation, order["id"]).lines

    # then
    assert (line.variant_id, line.sku, line.product_id, line.product_type_id, line.collection_ids) == (
        order["lines"][0]["productVariantId"],
        "GONE",
        None,
        None,
        (),
    )


@pytest.mark.parametrize(
    ("_case", "currency", "unit_price", "tax_rate", "expected"),
    [
        (
            "0 decimals",
            "JPY",
            "1100",
            "0.10",
            {"gross": "1100", "net": "1000", "tax": "100", "total": "2700", "line_total": "2200"},
        ),
        (
            "2 decimals",
            "USD",
            "12.30",
            "0.23",
            {"gross": "12.30", "net": "10.00", "tax": "2.30", "total": "29.60", "line_total": "24.60"},
        ),
        (
            "3 decimals",
            "KWD",
            "1.100",
            "0.10",
            {"gross": "1.100", "net": "1.000", "tax": "0.100", "total": "7.200", "line_total": "2.200"},
        ),
    ],
)
@pytest.mark.django_db
def test_money_is_exact_in_the_orders_currency(installation, saleor, _case, currency, unit_price, tax_rate, expected):
    # given
    shipping = {"JPY": "500", "USD": "5.00", "KWD": "5.000"}[currency]
    order = saleor.add_order(
        currency=currency,
        channel_slug=f"channel-{currency.lower()}",
        shipping=Decimal(shipping),
        lines=[{"sku": "A", "quantity": 2, "unit_price": Decimal(unit_price), "tax_rate": Decimal(tax_rate)}],
    )

    # when
    snapshot = fetch_order(installation, order["id"])

    # then
    (line,) = snapshot.lines
    assert snapshot.currency == currency
    assert {
        "gross": line.unit_price_gross,
        "net": line.unit_price_net,
        "tax": line.unit_tax,
        "total": snapshot.total_gross,
        "line_total": line.total_price_gross,
    } == {name: Money(Decimal(amount), currency) for name, amount in expected.items()}
    assert str(line.unit_price_gross.amount) == expected["gross"]
    assert line.tax_rate == Decimal(tax_rate).normalize()


# ---------------------------------------------------------------- fulfilled and returned


@pytest.mark.parametrize(
    ("_case", "arrange", "expected"),
    [
        ("not shipped", [], (0, None, 0)),
        ("shipped", [("fulfill", 2, "FULFILLED")], (2, SHIPPED_AT, 0)),
        ("awaiting approval", [("fulfill", 2, "WAITING_FOR_APPROVAL")], (0, None, 0)),
        ("shipped, one returned", [("fulfill", 2, "FULFILLED"), ("return", 1, "RETURNED")], (1, SHIPPED_AT, 1)),
        (
            "one refunded and returned",
            [("fulfill", 2, "FULFILLED"), ("return", 1, "REFUNDED_AND_RETURNED")],
            (1, SHIPPED_AT, 1),
        ),
        ("both replaced", [("fulfill", 2, "FULFILLED"), ("return", 2, "REPLACED")], (0, None, 2)),
        ("one refunded, kept", [("fulfill", 2, "FULFILLED"), ("return", 1, "REFUNDED")], (1, SHIPPED_AT, 0)),
        ("shipped in two parcels", [("fulfill", 1, "FULFILLED"), ("fulfill", 1, "FULFILLED")], (2, SHIPPED_AT, 0)),
        ("shipment canceled", [("fulfill", 2, "FULFILLED"), ("cancel", None, None)], (0, None, 0)),
    ],
)
@pytest.mark.django_db
def test_fulfilled_and_returned_quantities(installation, saleor, order_a, _case, arrange, expected):
    # given
    line_id = order_a["lines"][0]["id"]
    when = SHIPPED_AT
    for step, quantity, status in arrange:
        if step == "fulfill":
            fulfillment = saleor.fulfill(order_a, {line_id: quantity}, status=status, created=when)
        elif step == "return":
            saleor.return_lines(order_a, {line_id: quantity}, status=status, created=when)
        else:
            saleor.cancel_fulfillment(order_a, fulfillment)
        when += timedelta(days=1)

    # when
    snapshot = fetch_order(installation, order_a["id"])

    # then
    assert (
        snapshot.fulfilled_quantity(line_id),
        snapshot.fulfilled_at(line_id),
        snapshot.returned_quantity(line_id),
    ) == expected
    other_line = order_a["lines"][1]["id"]
    assert (snapshot.fulfilled_quantity(other_line), snapshot.returned_quantity(other_line)) == (0, 0)


@pytest.mark.django_db
def test_fulfillments_keep_their_details(installation, saleor, order_a):
    # given
    line_a, line_b = order_a["lines"]
    shipped = saleor.fulfill(
        order_a,
        {line_a["id"]: 2, line_b["id"]: 1},
        created=SHIPPED_AT,
        tracking_number="TRACK-1",
        metadata={"carrier": "dhl"},
    )

    # when
    snapshot = fetch_order(installation, order_a["id"])

    # then
    (fulfillment,) = snapshot.fulfillments
    assert (
        fulfillment.id,
        fulfillment.fulfillment_order,
        fulfillment.status,
        fulfillment.created,
        fulfillment.tracking_number,
        fulfillment.metadata,
    ) == (
        shipped["id"],
        1,
        "FULFILLED",
        SHIPPED_AT,
        "TRACK-1",
        {"carrier": "dhl"},
    )
    assert fulfillment.lines == (
        FulfillmentLineSnapshot(shipped["lines"][0]["id"], line_a["id"], 2),
        FulfillmentLineSnapshot(shipped["lines"][1]["id"], line_b["id"], 1),
    )
    assert snapshot.line("T3JkZXJMaW5lOm5vbmU=") is None


@pytest.mark.django_db
def test_payments_of_both_apis(installation, saleor, order_a, fake_app):
    # given
    transaction = saleor.add_transaction(
        order_a, Decimal("100.00"), refunded=Decimal("25.00"), psp_reference="psp-1", app=fake_app
    )
    granted = saleor.add_granted_refund(order_a, lines={order_a["lines"][0]["id"]: 1}, status="SUCCESS")
    payment = saleor.add_payment(order_a, total=Decimal("100.00"), refunded=Decimal("10.00"))

    # when
    snapshot = fetch_order(installation, order_a["id"])

    # then
    (fetched_transaction,) = snapshot.transactions
    assert (
        fetched_transaction.id,
        fetched_transaction.psp_reference,
        fetched_transaction.charged,
        fetched_transaction.refunded,
    ) == (
        transaction["id"],
        "psp-1",
        Money(Decimal("75.00"), "USD"),
        Money(Decimal("25.00"), "USD"),
    )
    (fetched_granted,) = snapshot.granted_refunds
    assert (fetched_granted.id, fetched_granted.amount, fetched_granted.shipping_costs_included) == (
        granted["id"],
        Money(Decimal("25.00"), "USD"),
        False,
    )
    (legacy,) = snapshot.legacy_payments
    assert (legacy.id, legacy.gateway, legacy.is_active, legacy.charge_status, legacy.captured) == (
        payment["id"],
        "manual",
        True,
        "PARTIALLY_REFUNDED",
        Money(Decimal("90.00"), "USD"),
    )
    assert snapshot.total_refunded == Money(Decimal("35.00"), "USD")


# ---------------------------------------------------------------- JSON


@pytest.mark.django_db
def test_snapshot_round_trips_through_json(installation, saleor, order_a, fake_app):
    # given: every part of a snapshot filled in
    line_a = order_a["lines"][0]
    saleor.fulfill(order_a, created=SHIPPED_AT, tracking_number="TRACK-1", metadata={"carrier": "dhl"})
    saleor.return_lines(order_a, {line_a["id"]: 1})
    saleor.add_transaction(order_a, Decimal("100.00"), refunded=Decimal("25.00"), app=fake_app)
    saleor.add_granted_refund(order_a, lines={line_a["id"]: 1}, status="SUCCESS")
    saleor.add_payment(order_a, refunded=Decimal("1.00"))
    snapshot = fetch_order(installation, order_a["id"])

    # when
    stored = json.loads(json.dumps(snapshot.to_json()))
    restored = OrderSnapshot.from_json(stored)

    # then
    assert restored == snapshot
    assert stored["version"] == 1
    assert stored["total_gross"] == {"amount": "100.00", "currency": "USD"}
    assert stored["lines"][0]["unit_price_gross"] == {"amount": "25.00", "currency": "USD"}
    assert stored["lines"][0]["tax_rate"] == "0.0"
    assert stored["fulfillments"][0]["created"] == "2026-11-20T09:30:00+00:00"


@pytest.mark.parametrize(
    ("_case", "currency", "unit_price", "stored_amount"),
    [("0 decimals", "JPY", "2500", "2500"), ("3 decimals", "KWD", "7.125", "7.125")],
)
@pytest.mark.django_db
def test_json_money_keeps_the_currency_precision(installation, saleor, _case, currency, unit_price, stored_amount):
    # given
    order = saleor.add_order(
        currency=currency, channel_slug=currency.lower(), lines=[{"sku": "A", "unit_price": Decimal(unit_price)}]
    )
    snapshot = fetch_order(installation, order["id"])

    # when
    stored = snapshot.to_json()

    # then
    assert stored["lines"][0]["unit_price_gross"] == {"amount": stored_amount, "currency": currency}
    assert OrderSnapshot.from_json(stored).lines[0].unit_price_gross == Money(Decimal(unit_price), currency)


@pytest.mark.parametrize(
    ("_case", "change"),
    [("another version", {"version": 2}), ("missing lines", {"lines": None}), ("not a dict", None)],
)
@pytest.mark.django_db
def test_from_json_refuses_what_is_not_a_snapshot(installation, saleor, order_a, _case, change):
    # given
    stored = copy.deepcopy(fetch_order(installation, order_a["id"]).to_json())
    data = [stored] if change is None else {**stored, **change}

    # then
    with pytest.raises(OrderDataError):
        OrderSnapshot.from_json(data)


# ---------------------------------------------------------------- fetching and caching


@pytest.mark.django_db
def test_two_fetches_within_the_ttl_make_one_saleor_call(installation, saleor, order_a):
    # when
    first = fetch_order(installation, order_a["id"])
    second = fetch_order(installation, order_a["id"])

    # then
    assert second == first
    assert len(order_requests(saleor)) == 1
    assert order_requests(saleor)[0]["variables"] == {"id": order_a["id"]}


@pytest.mark.django_db
def test_invalidate_order_makes_the_next_fetch_call_saleor(installation, saleor, order_a):
    # given
    fetch_order(installation, order_a["id"])
    saleor.fulfill(order_a)

    # when
    cached = fetch_order(installation, order_a["id"])
    invalidate_order(installation, order_a["id"])
    fresh = fetch_order(installation, order_a["id"])

    # then
    assert (cached.status, fresh.status) == ("UNFULFILLED", "FULFILLED")
    assert len(order_requests(saleor)) == 2


@pytest.mark.django_db
def test_use_cache_false_calls_saleor_and_refreshes_the_cache(installation, saleor, order_a):
    # given
    fetch_order(installation, order_a["id"])
    saleor.fulfill(order_a)

    # when
    fresh = fetch_order(installation, order_a["id"], use_cache=False)
    cached = fetch_order(installation, order_a["id"])

    # then
    assert (fresh.status, cached.status) == ("FULFILLED", "FULFILLED")
    assert len(order_requests(saleor)) == 2


@pytest.mark.parametrize(
    ("_case", "ttl", "elapsed", "expected_calls"),
    [("within the ttl", 60, 59, 1), ("after the ttl", 60, 61, 2), ("caching off", 0, 0, 2)],
)
@pytest.mark.django_db
def test_the_ttl_comes_from_settings(installation, saleor, order_a, settings, _case, ttl, elapsed, expected_calls):
    # given
    settings.ORDER_SNAPSHOT_TTL_SECONDS = ttl
    with time_machine.travel(datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc), tick=False) as clock:
        fetch_order(installation, order_a["id"])
        clock.shift(timedelta(seconds=elapsed))

        # when
        fetch_order(installation, order_a["id"])

    # then
    assert len(order_requests(saleor)) == expected_calls


@pytest.mark.django_db
def test_cache_is_per_installation(installation, saleor, order_a):
    # given: another shop with an order of the same ID (IDs are only unique per shop)
    from tests.factories import InstallationFactory

    other = InstallationFactory(saleor_api_url=f"{saleor.api_url}?shop=2", app_token=installation.app_token)
    fetch_order(installation, order_a["id"])

    # when
    fetch_order(other, order_a["id"])

    # then
    assert len(order_requests(saleor)) == 2


@pytest.mark.parametrize(
    ("_case", "order_id", "expected_calls"),
    [
        ("unknown order", UNKNOWN_ORDER_ID, 1),
        ("Saleor rejects the ID", global_id("Order", "not-a-uuid"), 1),
        ("another type's ID", global_id("User", 9), 0),
        ("not a global ID", "not-an-id", 0),
        ("too long", global_id("Order", "x" * 300), 0),
        ("not a string", None, 0),
    ],
)
@pytest.mark.django_db
def test_an_order_saleor_does_not_have_is_none(installation, saleor, order_a, _case, order_id, expected_calls):
    # when
    snapshot = fetch_order(installation, order_id)

    # then
    assert snapshot is None
    assert len(order_requests(saleor)) == expected_calls


@pytest.mark.django_db
def test_a_permission_failure_is_not_taken_for_a_missing_order(installation, saleor, order_a, fake_app):
    # given: the app lost MANAGE_ORDERS in Saleor
    fake_app["permissions"] = []

    # when
    with pytest.raises(SaleorGraphQLError) as error:
        fetch_order(installation, order_a["id"])

    # then
    assert error.value.is_permission_denied
    assert cache.get(f"saleor_returns:order:v1:{installation.id}:{order_a['id']}") is None


# ---------------------------------------------------------------- by number


@pytest.mark.django_db
def test_fetch_by_number_then_by_id_makes_one_saleor_call(installation, saleor, order_a):
    # given
    saleor.add_order(lines=[{"sku": "C", "unit_price": Decimal("1.00")}])

    # when
    by_number = fetch_order_by_number(installation, order_a["number"])
    by_id = fetch_order(installation, order_a["id"])
    again_by_number = fetch_order_by_number(installation, int(order_a["number"]))

    # then
    assert by_number.id == order_a["id"]
    assert by_id == by_number == again_by_number
    assert len(order_requests(saleor, "OrderByNumber")) == 1
    assert order_requests(saleor, "OrderByNumber")[0]["variables"] == {"number": order_a["number"]}
    assert order_requests(saleor) == []


@pytest.mark.parametrize(
    ("_case", "number", "expected_calls"),
    [
        ("unknown number", "999999", 1),
        ("not a number", "24; drop", 0),
        ("empty", " ", 0),
        ("non-ASCII digits", "²⁴", 0),
    ],
)
@pytest.mark.django_db
def test_fetch_by_unknown_number_is_none(installation, saleor, order_a, _case, number, expected_calls):
    # when
    snapshot = fetch_order_by_number(installation, number)

    # then
    assert snapshot is None
    assert len(order_requests(saleor, "OrderByNumber")) == expected_calls


@pytest.mark.django_db
def test_an_order_saleor_does_not_have_is_remembered_like_one_it_has(installation, saleor, order_a):
    # given: an id of the right shape that Saleor does not know
    unknown = base64.b64encode(b"Order:00000000-0000-0000-0000-000000000000").decode()

    # when: asked for twice
    first = fetch_order(installation, unknown)
    second = fetch_order(installation, unknown)

    # then: one call to Saleor, not one per guess
    assert (first, second) == (None, None)
    assert len(order_requests(saleor)) == 1
    # and asking without the cache asks Saleor again
    assert fetch_order(installation, unknown, use_cache=False) is None
    assert len(order_requests(saleor)) == 2
