"""What a refund is made of: the signed parts of a stored refund, as receipts, the API and messages list them."""

from collections.abc import Mapping
from decimal import Decimal

from saleor_returns.money import quantize

# What a refund is made of, in the order a receipt lists it; fees the shop keeps count negative.
COMPONENTS = (
    ("items", 1),
    ("restocking_fee", -1),
    ("return_shipping_fee", -1),
    ("original_shipping", 1),
    ("store_credit_bonus", 1),
)
EXCHANGE_PRICE_DIFFERENCE = "exchange_price_difference"


def refund_components(preview: Mapping, amount: Decimal, currency: str) -> list[tuple[str, Decimal]]:
    """The signed parts of a refund that add up to `amount`, from the preview it executed.

    Parts that are zero are left out. A refund of an exchange's price difference has no
    preview components: it is that difference alone.
    """
    if not all(name in preview for name, _ in COMPONENTS):
        return [(EXCHANGE_PRICE_DIFFERENCE, quantize(Decimal(amount), currency))]
    parts = []
    for name, sign in COMPONENTS:
        value = quantize(Decimal(str(preview[name])), currency)
        if value:
            parts.append((name, sign * value))
    return parts
