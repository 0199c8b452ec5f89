"""Money: exact Decimal arithmetic rounded by the currency's precision."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saleor_returns.money import Money, MixedCurrencies, add, allocate, money, money_from_saleor, quantize


@pytest.mark.parametrize(
    ("_case", "currency", "amount", "expected"),
    [
        ("0 decimals", "JPY", "1234.5", "1235"),
        ("2 decimals", "USD", "10.005", "10.01"),
        ("2 decimals down", "EUR", "10.004", "10.00"),
        ("3 decimals", "KWD", "1.2345", "1.235"),
    ],
)
def test_quantize_rounds_half_up_to_the_currency_precision(_case, currency, amount, expected):
    assert quantize(Decimal(amount), currency) == Decimal(expected)
    assert str(quantize(Decimal(amount), currency)) == expected


def test_floats_are_refused():
    with pytest.raises(TypeError):
        quantize(1.5, "USD")
    with pytest.raises(TypeError):
        money(1.5, "USD")


@pytest.mark.parametrize(
    ("_case", "data", "expected"),
    [
        ("USD from a capture", {"currency": "USD", "fractionalAmount": 2500, "fractionDigits": 2}, money("25.00", "USD")),
        ("JPY", {"currency": "JPY", "fractionalAmount": 1500, "fractionDigits": 0}, money("1500", "JPY")),
        ("KWD", {"currency": "KWD", "fractionalAmount": 12345, "fractionDigits": 3}, money("12.345", "KWD")),
    ],
)
def test_money_from_saleor_reads_the_exact_integer_fields(_case, data, expected):
    assert money_from_saleor(dict(data, amount=999.99)) == expected


def test_money_from_saleor_without_the_exact_fields_is_an_error():
    with pytest.raises(ValueError, match="fractionalAmount"):
        money_from_saleor({"currency": "USD", "amount": 25.0})


@pytest.mark.parametrize(
    ("_case", "total", "weights", "expected"),
    [
        ("even USD", money("10.00", "USD"), [1, 1, 1], ["3.33", "3.33", "3.34"]),
        ("JPY", money("1000", "JPY"), [1, 1, 1], ["333", "333", "334"]),
        ("KWD", money("1.000", "KWD"), [2, 1], ["0.666", "0.334"]),
        ("many tiny parts never go negative", money("0.05", "USD"), [1] * 10 + [0], ["0.00"] * 10 + ["0.05"]),
        ("all zero weights", money("5.00", "USD"), [0, 0], ["0.00", "5.00"]),
    ],
)
def test_allocate_parts_sum_exactly(_case, total, weights, expected):
    parts = allocate(total, [Decimal(w) for w in weights])
    assert [str(part.amount) for part in parts] == expected
    assert sum(part.amount for part in parts) == total.amount


@given(
    cents=st.integers(min_value=0, max_value=10**9),
    currency=st.sampled_from(["JPY", "USD", "KWD"]),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12),
)
def test_allocate_always_sums_to_the_total_with_no_negative_part(cents, currency, weights):
    total = money(Decimal(cents).scaleb(-3), currency)
    parts = allocate(total, [Decimal(w) for w in weights])
    assert sum(part.amount for part in parts) == total.amount
    assert all(part.amount >= 0 for part in parts)
    assert all(part.currency == currency for part in parts)
    assert all(part.amount == quantize(part.amount, currency) for part in parts)


def test_add_refuses_mixed_currencies():
    assert add(money("1.10", "USD"), money("2.20", "USD")) == Money(Decimal("3.30"), "USD")
    with pytest.raises(MixedCurrencies):
        add(money("1", "USD"), money("1", "EUR"))
