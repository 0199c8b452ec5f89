"""Orders in the Saleor double, paged as Saleor pages them: `where: {createdAt}`, `after` cursors, totals,
and the edits (a line's quantity or price, a cancellation) that move an order's version."""

from decimal import Decimal

import pytest

from tests.fakes.test_fake_orders import fake, server  # noqa: F401 - the order tests' double

PAGE = """
query($where: OrderWhereInput, $first: Int!, $after: String) {
  orders(where: $where, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { node { number created } }
  }
}
"""


@pytest.fixture
def app(fake):
    return fake.add_app(permissions=["MANAGE_ORDERS"])


def orders(fake, app, variables):
    status, body = fake.execute(PAGE, variables, token=app["token"])
    assert status == 200
    return body


@pytest.fixture
def march(fake):
    """Orders 1-5 created on 1, 2, ... 5 March at noon UTC, and a draft on the 3rd."""
    for day in range(1, 6):
        fake.add_order(number=day, lines=[{"sku": "A", "unit_price": "1.00"}], created=f"2026-03-0{day}T12:00:00+00:00")
    fake.add_order(number=6, status="DRAFT", lines=[{"sku": "A", "unit_price": "1.00"}],
                   created="2026-03-03T12:00:00+00:00")


@pytest.mark.parametrize(
    ("_case", "created_at", "numbers"),
    [
        ("both ends included", {"gte": "2026-03-02T12:00:00+00:00", "lte": "2026-03-04T12:00:00+00:00"}, ["4", "3", "2"]),
        ("from only", {"gte": "2026-03-04T00:00:00+00:00"}, ["5", "4"]),
        ("until only, another offset", {"lte": "2026-03-02T20:00:00+08:00"}, ["2", "1"]),
        ("neither end: nothing", {}, []),
    ],
)
def test_orders_where_created_at_keeps_the_range_saleor_keeps(fake, app, march, _case, created_at, numbers):
    body = orders(fake, app, {"where": {"createdAt": created_at}, "first": 10})

    assert "errors" not in body
    assert [edge["node"]["number"] for edge in body["data"]["orders"]["edges"]] == numbers
    assert body["data"]["orders"]["totalCount"] == len(numbers)


def test_pages_follow_each_other_through_their_cursors(fake, app, march):
    # when
    first = orders(fake, app, {"first": 2})["data"]["orders"]
    second = orders(fake, app, {"first": 2, "after": first["pageInfo"]["endCursor"]})["data"]["orders"]
    last = orders(fake, app, {"first": 2, "after": second["pageInfo"]["endCursor"]})["data"]["orders"]

    # then: newest number first, drafts left out, every page counting the whole list
    assert [[edge["node"]["number"] for edge in page["edges"]] for page in (first, second, last)] == [
        ["5", "4"], ["3", "2"], ["1"]]
    assert [page["totalCount"] for page in (first, second, last)] == [5, 5, 5]
    assert [(page["pageInfo"]["hasNextPage"], page["pageInfo"]["hasPreviousPage"]) for page in (first, second, last)] == [
        (True, False), (True, True), (False, True)]


@pytest.mark.parametrize(("_case", "cursor"), [("not base64", "%%%"), ("one value", "WyI1Il0="), ("not a list", "eyJhIjogMX0=")])
def test_a_cursor_saleor_never_made_is_refused(fake, app, march, _case, cursor):
    body = orders(fake, app, {"first": 2, "after": cursor})

    assert body["data"] == {"orders": None}
    assert [error["message"] for error in body["errors"]] == ["Received cursor is invalid."]


def test_filter_and_where_together_are_refused(fake, app, march):
    status, body = fake.execute('{ orders(first: 1, filter: {numbers: ["1"]}, where: {ids: []}) { totalCount } }',
                                token=app["token"])

    assert [error["message"] for error in body["errors"]] == [
        "Only one filtering argument (filter or where) can be specified."]


def test_an_edited_line_moves_its_totals_and_the_orders_version(fake):
    # given
    order = fake.add_order(lines=[{"sku": "A", "quantity": 2, "unit_price": "12.30", "tax_rate": Decimal("0.23")}])
    version = order["updatedAt"]

    # when
    line = fake.edit_order_line(order, order["lines"][0]["id"], quantity=3, unit_price="24.60")

    # then
    assert line["quantity"] == 3
    assert (line["unitPrice"]["net"]["amount"], line["totalPrice"]["net"]["amount"]) == (20.0, 60.0)
    assert order["total"]["gross"]["amount"] == 73.8
    assert order["updatedAt"] > version


def test_an_order_with_a_fulfillment_cannot_be_canceled(fake):
    # given
    order = fake.add_order(lines=[{"sku": "A", "unit_price": "1.00"}])
    fake.fulfill(order)

    # when / then
    with pytest.raises(ValueError, match="without fulfillments"):
        fake.cancel_order(order)
    assert order["status"] == "FULFILLED"
