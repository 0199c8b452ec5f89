"""Money: Decimal amounts with an ISO 4217 currency, rounded by the currency's precision.

Never a float. From Saleor, read `currency`, `fractionalAmount` and
`fractionDigits` (exact integers), never `amount` (a GraphQL Float).
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision
from prices import Money

__all__ = ["Money", "MixedCurrencies", "add", "allocate", "currency_precision", "money", "money_from_saleor", "quantize", "zero"]


class MixedCurrencies(ValueError):
    pass


@lru_cache(maxsize=None)
def currency_precision(currency: str) -> int:
    """Minor-unit digits of an ISO currency: JPY 0, USD 2, KWD 3."""
    return get_currency_precision(currency.upper())


def quantize(amount: Decimal, currency: str, *, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round (half up by default) to the currency's minor unit."""
    if isinstance(amount, float):
        raise TypeError("Money amounts are Decimal, never float.")
    exponent = Decimal(1).scaleb(-currency_precision(currency))
    return Decimal(amount).quantize(exponent, rounding=rounding)


def money(amount, currency: str) -> Money:
    """A Money rounded to the currency's precision; `amount` is a Decimal, int or str."""
    if isinstance(amount, float):
        raise TypeError("Money amounts are Decimal, never float.")
    return Money(quantize(Decimal(amount), currency), currency.upper())


def zero(currency: str) -> Money:
    return money(0, currency)


def money_from_saleor(data: dict) -> Money:
    """Money from Saleor's `{currency, fractionalAmount, fractionDigits}` (3.22+)."""
    try:
        currency = data["currency"]
        fractional = int(data["fractionalAmount"])
        digits = int(data["fractionDigits"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError("Saleor money needs currency, fractionalAmount and fractionDigits.") from error
    return money(Decimal(fractional).scaleb(-digits), currency)


def allocate(total: Money, weights: list[Decimal]) -> list[Money]:
    """Split `total` in proportion to `weights`; parts are rounded and sum to `total` exactly.

    Each part but the last is rounded down to the minor unit and the last takes
    the remainder, so no part is ever negative. All-zero weights give the whole
    total to the last part.
    """
    if not weights:
        raise ValueError("Nothing to allocate to.")
    if any(Decimal(weight) < 0 for weight in weights):
        raise ValueError("Weights must not be negative.")
    currency = total.currency
    weight_sum = sum((Decimal(weight) for weight in weights), Decimal(0))
    parts: list[Money] = []
    allocated = Decimal(0)
    for weight in weights[:-1]:
        exact = total.amount * Decimal(weight) / weight_sum if weight_sum else Decimal(0)
        share = quantize(exact, currency, rounding=ROUND_DOWN)
        parts.append(Money(share, currency))
        allocated += share
    parts.append(Money(quantize(total.amount - allocated, currency), currency))
    return parts


def add(*amounts: Money) -> Money:
    """Sum of Money in one currency (mixed currencies raise)."""
    if not amounts:
        raise ValueError("Nothing to add.")
    currencies = {amount.currency for amount in amounts}
    if len(currencies) != 1:
        raise MixedCurrencies(f"Cannot add {', '.join(sorted(currencies))}.")
    currency = currencies.pop()
    return Money(quantize(sum((amount.amount for amount in amounts), Decimal(0)), currency), currency)
