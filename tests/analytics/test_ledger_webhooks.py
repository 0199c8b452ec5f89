"""The sales ledger fed by Saleor's ORDER_CREATED and ORDER_UPDATED: once per order line, whatever the
delivery order or repetition; edits move the figures by the difference, a canceled order leaves them."""

from datetime import date
from decimal import Decimal

import pytest

from saleor_returns.models import SaleorWebhookDelivery, SoldLine, SoldOrder
from tests.analytics.conftest import at, daily_sales, ledger, set_time_zone, variant_of
from tests.conftest import post_raw

MORNING = at("2026-03-10T09:00:00+00:00")
SNEAKERS = {"sku": "SNEAKER-42", "quantity": 2, "unit_price": Decimal("25.00"), "tax_rate": Decimal("0.25"),
            "product_name": "Trail Sneaker", "variant_name": "EU 42", "product_type": "Shoes", "category": "Footwear"}
JACKET = {"sku": "JACKET-M", "quantity": 1, "unit_price": Decimal("40.00"), "product_name": "Rain Jacket",
          "product_type": "Coats", "category": "Outerwear"}


@pytest.fixture
def order(fake_saleor):
    return fake_saleor.add_order(lines=[SNEAKERS, JACKET], created=MORNING)


def test_a_new_order_is_recorded_once_per_line_with_its_product_and_net_total(order_webhooks, shop, order):
    # when
    order_webhooks.deliver("ORDER_CREATED", order)

    # then: one row per order line, net of tax (25.00 includes 25 %: 20.00 net a pair)
    sneakers, jacket = order["lines"]
    row = SoldLine.objects.get(order_line_id=sneakers["id"])
    product = sneakers["variant"]["product"]
    assert (row.order_id, row.channel_slug, row.currency, row.created_at, row.day) == (
        order["id"], "default-channel", "USD", MORNING, date(2026, 3, 10))
    assert (row.variant_id, row.sku, row.product_id, row.product_name) == (
        sneakers["variant"]["id"], "SNEAKER-42", product["id"], "Trail Sneaker")
    assert (row.product_type_id, row.product_type_name, row.category_id, row.category_name) == (
        product["productType"]["id"], "Shoes", product["category"]["id"], "Footwear")
    assert (row.quantity, row.net_amount, row.is_counted) == (2, Decimal("40.000"), True)
    assert ledger(shop) == {sneakers["id"]: (2, Decimal("40.00"), True), jacket["id"]: (1, Decimal("40.00"), True)}
    assert daily_sales(shop) == {
        ("default-channel", "USD", date(2026, 3, 10), variant_of(order, 0)): (2, Decimal("40.00")),
        ("default-channel", "USD", date(2026, 3, 10), variant_of(order, 1)): (1, Decimal("40.00")),
    }
    header = SoldOrder.objects.get()
    assert (header.number, header.status, header.is_counted) == (order["number"], "UNFULFILLED", True)


@pytest.mark.parametrize("_case", ["same body twice", "delivered again by Saleor", "created then updated"])
def test_an_order_delivered_again_counts_once(order_webhooks, shop, order, _case):
    # given
    event, body = order_webhooks.body("ORDER_CREATED", order)
    order_webhooks.post(event, body)

    # when
    if _case == "same body twice":
        response = order_webhooks.post(event, body)
        assert response.json() == {"status": "duplicate"}
    elif _case == "delivered again by Saleor":
        order_webhooks.deliver("ORDER_CREATED", order)
    else:
        order_webhooks.deliver("ORDER_UPDATED", order)

    # then
    assert SoldLine.objects.count() == 2
    assert sorted(daily_sales(shop).values()) == [(1, Decimal("40.00")), (2, Decimal("40.00"))]


def test_an_updated_quantity_moves_the_figures_by_the_difference(order_webhooks, shop, fake_saleor, order):
    # given
    order_webhooks.deliver("ORDER_CREATED", order)
    sneakers = order["lines"][0]

    # when: staff make it three pairs, then lower the price of the pair to 20.00 (16.00 net)
    fake_saleor.edit_order_line(order, sneakers["id"], quantity=3)
    order_webhooks.deliver("ORDER_UPDATED", order)
    fake_saleor.edit_order_line(order, sneakers["id"], unit_price="20.00")
    order_webhooks.deliver("ORDER_UPDATED", order)

    # then
    assert ledger(shop)[sneakers["id"]] == (3, Decimal("48.00"), True)
    assert daily_sales(shop)[("default-channel", "USD", date(2026, 3, 10), variant_of(order, 0))] == (3, Decimal("48.00"))


def test_deliveries_in_reverse_order_keep_the_newest_version(order_webhooks, shop, fake_saleor, order):
    # given: Saleor sent ORDER_CREATED, then ORDER_UPDATED after an edit
    created = order_webhooks.body("ORDER_CREATED", order)
    fake_saleor.edit_order_line(order, order["lines"][0]["id"], quantity=5)
    updated = order_webhooks.body("ORDER_UPDATED", order)

    # when: they arrive the other way round
    order_webhooks.post(*updated)
    order_webhooks.post(*created)

    # then: the older body changed nothing
    assert ledger(shop)[order["lines"][0]["id"]] == (5, Decimal("100.00"), True)
    assert daily_sales(shop)[("default-channel", "USD", date(2026, 3, 10), variant_of(order, 0))] == (5, Decimal("100.00"))
    assert list(SaleorWebhookDelivery.objects.order_by("received_at").values_list("event", "status")) == [
        ("order_updated", "applied"), ("order_created", "ignored"),
    ]


def test_a_canceled_order_leaves_the_figures_and_a_late_older_delivery_does_not_bring_it_back(
    order_webhooks, shop, fake_saleor, order
):
    # given: the order recorded; an ORDER_UPDATED of it as it was then is still on its way
    order_webhooks.deliver("ORDER_CREATED", order)
    late = order_webhooks.body("ORDER_UPDATED", order)

    # when: the order is canceled, and the late delivery arrives after the cancellation's
    fake_saleor.cancel_order(order)
    order_webhooks.deliver("ORDER_UPDATED", order)
    order_webhooks.post(*late)

    # then: the lines stay in the ledger, not counted; nothing is sold that day
    assert ledger(shop) == {
        order["lines"][0]["id"]: (2, Decimal("40.00"), False),
        order["lines"][1]["id"]: (1, Decimal("40.00"), False),
    }
    assert daily_sales(shop) == {}
    assert SoldOrder.objects.get().status == "CANCELED"


def test_a_line_taken_off_the_order_counts_nothing(order_webhooks, shop, fake_saleor, order):
    # given
    order_webhooks.deliver("ORDER_CREATED", order)
    jacket = order["lines"][1]

    # when: the jacket leaves the unfulfilled order (Saleor's orderLineDelete)
    order["lines"].remove(jacket)
    fake_saleor.refresh_order(order)
    order_webhooks.deliver("ORDER_UPDATED", order)

    # then
    assert ledger(shop)[jacket["id"]] == (0, Decimal("0.00"), True)
    assert list(daily_sales(shop)) == [("default-channel", "USD", date(2026, 3, 10), variant_of(order, 0))]


@pytest.mark.parametrize(
    ("_case", "time_zone", "created", "day"),
    [
        ("late evening in UTC is the next day in Shanghai", "Asia/Shanghai", "2026-03-10T23:30:00+00:00", date(2026, 3, 11)),
        ("the same instant in a UTC shop", "UTC", "2026-03-10T23:30:00+00:00", date(2026, 3, 10)),
        ("Shanghai's midnight", "Asia/Shanghai", "2026-03-10T16:00:00+00:00", date(2026, 3, 11)),
        ("a second before it", "Asia/Shanghai", "2026-03-10T15:59:59+00:00", date(2026, 3, 10)),
        ("New York in summer time", "America/New_York", "2026-07-01T03:59:00+00:00", date(2026, 6, 30)),
    ],
)
def test_an_order_counts_on_its_day_in_the_shops_time_zone(order_webhooks, shop, fake_saleor, _case, time_zone,
                                                           created, day):
    # given
    set_time_zone(shop, time_zone)
    order = fake_saleor.add_order(lines=[JACKET], created=at(created))

    # when
    order_webhooks.deliver("ORDER_CREATED", order)

    # then
    assert SoldLine.objects.get().day == day
    assert list(daily_sales(shop)) == [("default-channel", "USD", day, variant_of(order))]


@pytest.mark.parametrize(
    ("_case", "currency", "unit_price", "net"),
    [("0 decimals", "JPY", "2500", Decimal("5000")), ("2 decimals", "USD", "19.99", Decimal("39.98")),
     ("3 decimals", "KWD", "1.125", Decimal("2.250"))],
)
def test_each_currency_keeps_its_own_figures(order_webhooks, shop, fake_saleor, _case, currency, unit_price, net):
    # given: the same variant sold in a channel of this currency and in a euro channel, the same day
    line = {"sku": "MUG", "quantity": 2, "unit_price": unit_price}
    ours = fake_saleor.add_order(channel_slug=f"shop-{currency.lower()}", currency=currency, lines=[line],
                                 created=MORNING)
    euros = fake_saleor.add_order(channel_slug="shop-eur", currency="EUR", lines=[{**line, "unit_price": "10.00"}],
                                  created=MORNING)

    # when
    order_webhooks.deliver("ORDER_CREATED", ours)
    order_webhooks.deliver("ORDER_CREATED", euros)

    # then: one bucket per currency, amounts exact at the currency's precision
    variant = variant_of(ours)
    assert daily_sales(shop) == {
        (f"shop-{currency.lower()}", currency, date(2026, 3, 10), variant): (2, net),
        ("shop-eur", "EUR", date(2026, 3, 10), variant): (2, Decimal("20.00")),
    }
    assert {row.currency: row.net_amount for row in SoldLine.objects.filter(order_id=ours["id"])} == {currency: net}


def test_a_deleted_variant_is_counted_under_the_id_and_sku_the_line_kept(order_webhooks, shop, fake_saleor):
    # given
    order = fake_saleor.add_order(lines=[{**JACKET, "variant_deleted": True}], created=MORNING)

    # when
    order_webhooks.deliver("ORDER_CREATED", order)

    # then
    row = SoldLine.objects.get()
    assert (row.variant_id, row.sku, row.product_name, row.product_id) == (
        order["lines"][0]["productVariantId"], "JACKET-M", "Rain Jacket", "")


def test_an_order_update_without_the_ledgers_fields_leaves_the_ledger_alone(client, shop, fake_saleor, order,
                                                                            django_capture_on_commit_callbacks):
    # given: a delivery made with the subscription of an older version (the order's id and number only)
    body = fake_saleor.webhook_body({"__typename": "OrderUpdated", "issuedAt": "2026-03-10T10:00:00+00:00",
                                     "version": "3.23.28", "recipient": {"id": shop.app_id},
                                     "order": {"id": order["id"], "number": order["number"]}})

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(client, "/webhooks/saleor/order-updated/", fake_saleor.webhook_headers("order_updated", body),
                            body)

    # then: applied (the cached order is forgotten), nothing recorded
    assert response.status_code == 200
    assert SaleorWebhookDelivery.objects.get().status == "applied"
    assert SoldLine.objects.count() == 0
    assert daily_sales(shop) == {}
