"""returnOrderByNumber: staff open the create-return form from an order number."""

from tests.api.conftest import shipped_order

LOOKUP = """
query Lookup($number: String!) {
  returnOrderByNumber(number: $number) { id number customerEmail channelSlug created }
}
"""


def test_staff_find_an_order_by_its_number_with_or_without_hash(as_staff, fake_saleor, alice):
    order = shipped_order(fake_saleor, alice)

    for number in (str(order["number"]), f"#{order['number']}", f" {order['number']} "):
        found = as_staff(LOOKUP, {"number": number})["data"]["returnOrderByNumber"]
        assert found["id"] == order["id"]
        assert found["number"] == str(order["number"])
        assert found["customerEmail"] == "alice@example.com"
        assert found["channelSlug"] == order["channel"]["slug"]


def test_an_unknown_or_malformed_number_finds_nothing(as_staff, fake_saleor, alice):
    shipped_order(fake_saleor, alice)

    assert as_staff(LOOKUP, {"number": "999999"})["data"]["returnOrderByNumber"] is None
    assert as_staff(LOOKUP, {"number": "abc"})["data"]["returnOrderByNumber"] is None


def test_only_staff_who_manage_orders_may_look_orders_up(as_alice, as_viewer, as_anonymous, fake_saleor, alice):
    order = shipped_order(fake_saleor, alice)

    for caller in (as_alice, as_viewer, as_anonymous):
        answer = caller(LOOKUP, {"number": str(order["number"])})
        assert answer["data"]["returnOrderByNumber"] is None
        assert answer["errors"][0]["extensions"]["code"] == "PermissionDenied", answer
