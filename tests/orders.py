"""Order snapshots built in tests, for the pure eligibility functions."""

from datetime import datetime, timezone
from decimal import Decimal
from itertools import count

from saleor_returns.money import money
from saleor_returns.saleor.order_snapshots import (
    FulfillmentLineSnapshot,
    FulfillmentSnapshot,
    OrderLineSnapshot,
    OrderSnapshot,
)

_ids = count(1)
CREATED = datetime(2026, 10, 30, 9, 0, tzinfo=timezone.utc)


def order_line(line_id: str, *, quantity: int = 1, unit_price: str = "25.00", currency: str = "USD", metadata=None,
               product_type_id: str = "PT-0", category_id: str = "CAT-0", collection_ids=()) -> OrderLineSnapshot:
    gross = money(Decimal(unit_price), currency)
    return OrderLineSnapshot(
        id=line_id,
        variant_id=f"V-{line_id}",
        sku=f"SKU-{line_id}",
        product_id=f"P-{line_id}",
        product_name=f"Product {line_id}",
        variant_name="M",
        product_type_id=product_type_id,
        category_id=category_id,
        collection_ids=tuple(collection_ids),
        quantity=quantity,
        quantity_fulfilled=quantity,
        unit_price_gross=gross,
        unit_price_net=gross,
        unit_tax=money(0, currency),
        undiscounted_unit_price_gross=gross,
        total_price_gross=money(gross.amount * quantity, currency),
        tax_rate=Decimal(0),
        metadata=dict(metadata or {}),
        is_gift=False,
    )


def fulfillment(quantities: dict, *, status: str = "FULFILLED", created: datetime = CREATED, metadata=None):
    number = next(_ids)
    return FulfillmentSnapshot(
        id=f"F-{number}",
        fulfillment_order=number,
        status=status,
        created=created,
        metadata=dict(metadata or {}),
        tracking_number="",
        lines=tuple(
            FulfillmentLineSnapshot(f"FL-{number}-{line_id}", line_id, quantity) for line_id, quantity in quantities.items()
        ),
    )


def order_snapshot(*, lines, fulfillments, status: str = "FULFILLED", currency: str = "USD", user_id="VXNlcjo5",
                   user_email="customer@example.com", order_id="T3JkZXI6MQ==", number="24") -> OrderSnapshot:
    return OrderSnapshot(
        id=order_id,
        number=number,
        created=CREATED,
        status=status,
        channel_slug="default-channel",
        channel_id="Q2hhbm5lbDox",
        currency=currency,
        user_id=user_id,
        user_email=user_email,
        lines=tuple(lines),
        fulfillments=tuple(fulfillments),
        shipping_price_gross=money("10.00", currency),
        total_gross=money("60.00", currency),
        total_refunded=money(0, currency),
        transactions=(),
        granted_refunds=(),
        legacy_payments=(),
        metadata={},
    )
