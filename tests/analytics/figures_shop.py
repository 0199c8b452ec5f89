"""A seeded shop for the return analytics figures: sales recorded through the ledger's write, returns through factories."""

from datetime import datetime
from decimal import Decimal

import time_machine

from saleor_returns.analytics.actions import record_sold_order
from saleor_returns.models import ReturnRequest
from tests.factories import ReturnLineFactory, ReturnRequestFactory, reason_for

PRODUCTS = {
    # variant: (product, product type, category)
    "V-RED": ("P-SHOE", "T-FOOTWEAR", "C-SHOES"),
    "V-BLUE": ("P-SHOE", "T-FOOTWEAR", "C-SHOES"),
    "V-CAP": ("P-CAP", "T-HEADWEAR", "C-HATS"),
}


def sold(shop, order_id: str, created: str, lines, *, channel="default-channel", currency="USD", status="UNFULFILLED"):
    """Record an order through the ledger; lines are (variant, quantity, net total)."""
    payload = {
        "id": order_id,
        "number": order_id,
        "channel": {"slug": channel},
        "total": {"currency": currency},
        "status": status,
        "created": created,
        "updatedAt": created,
        "lines": [
            {
                "id": f"{order_id}-{index}",
                "quantity": quantity,
                "totalPrice": {"net": {"currency": currency, "fractionalAmount": int(Decimal(net) * 100),
                                       "fractionDigits": 2}},
                "variant": {
                    "id": variant,
                    "sku": f"SKU-{variant}",
                    "product": {
                        "id": PRODUCTS[variant][0],
                        "name": PRODUCTS[variant][0].title(),
                        "productType": {"id": PRODUCTS[variant][1], "name": PRODUCTS[variant][1].title()},
                        "category": {"id": PRODUCTS[variant][2], "name": PRODUCTS[variant][2].title()},
                    },
                },
            }
            for index, (variant, quantity, net) in enumerate(lines)
        ],
    }
    assert record_sold_order(installation=shop, data=payload)


def returned(shop, moment: datetime, lines, *, status="approved", channel="default-channel", currency="USD",
             resolution="refund", is_auto_approved=False) -> ReturnRequest:
    """A return requested at `moment`; lines are (variant, reason, quantity, unit net)."""
    with time_machine.travel(moment, tick=False):
        return_request = ReturnRequestFactory(
            installation=shop, status=status, channel_slug=channel, currency=currency, resolution=resolution,
            is_auto_approved=is_auto_approved,
        )
        for variant, reason, quantity, net in lines:
            ReturnLineFactory(
                return_request=return_request, variant_id=variant, product_id=PRODUCTS[variant][0],
                product_type_id=PRODUCTS[variant][1], category_id=PRODUCTS[variant][2], reason=reason_for(shop, reason),
                reason_code=reason, requested_quantity=quantity, approved_quantity=quantity,
                unit_price_net_amount=Decimal(net),
            )
    return return_request
