"""The refund calculation: goods, restocking and return shipping fees, shipping, store credit."""

import dataclasses
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saleor_returns.money import MixedCurrencies, Money, money, quantize
from saleor_returns.policy_rules import PolicyRules, RestockingFee
from saleor_returns.resolutions.calculation import (
    LineForRefund,
    RefundPreview,
    keep_item_allowed,
    preview_refund,
)

AMOUNTS = (
    "items",
    "restocking_fee",
    "return_shipping_fee",
    "original_shipping",
    "store_credit_bonus",
    "total",
)


def line(
    line_id, quantity, unit_price, currency, *, reason="CHANGED_MIND", fault=False, category=""
):
    return LineForRefund(
        line_id=line_id,
        order_line_id=f"order-{line_id}",
        quantity=quantity,
        unit_price=money(unit_price, currency),
        reason_code=reason,
        is_merchant_fault=fault,
        category_id=category,
    )


def preview(lines, rules=None, *, resolution="refund", shipping="0", **kwargs):
    currency = lines[0].unit_price.currency
    return preview_refund(
        lines=lines,
        rules=rules or PolicyRules(),
        resolution=resolution,
        original_shipping=money(shipping, currency),
        **kwargs,
    )


def amounts(subject):
    """The Money fields of a preview or a line, as strings, to compare digit for digit."""
    return {name: str(getattr(subject, name).amount) for name in AMOUNTS}


def column(result, name):
    """One component of every line, as strings."""
    return [str(getattr(line_refund, name).amount) for line_refund in result.lines]


def expected(
    currency,
    items,
    *,
    total,
    restocking_fee="0",
    return_shipping_fee="0",
    original_shipping="0",
    bonus="0",
):
    """Expected totals; zeros are written with the currency's digits ("0", "0.00", "0.000")."""
    values = {
        "items": items,
        "restocking_fee": restocking_fee,
        "return_shipping_fee": return_shipping_fee,
        "original_shipping": original_shipping,
        "store_credit_bonus": bonus,
        "total": total,
    }
    return {name: str(money(value, currency).amount) for name, value in values.items()}


# --------------------------------------------------------------------------- items


@pytest.mark.parametrize(
    ("_case", "currency", "lines", "line_items", "items"),
    [
        ("0 decimals", "JPY", [("a", 2, "1500"), ("b", 1, "980")], ["3000", "980"], "3980"),
        ("2 decimals", "USD", [("a", 3, "19.99"), ("b", 1, "5.25")], ["59.97", "5.25"], "65.22"),
        ("3 decimals", "KWD", [("a", 2, "1.125"), ("b", 1, "0.375")], ["2.250", "0.375"], "2.625"),
        ("unit price below the minor unit", "USD", [("a", 3, "3.335")], ["10.01"], "10.01"),
    ],
)
def test_items_are_quantity_times_unit_price_per_line(_case, currency, lines, line_items, items):
    # given: no fees and nothing at the merchant's fault; unit prices as the
    # snapshot stores them (three decimals), not rounded to the currency
    refund_lines = [
        dataclasses.replace(
            line(line_id, quantity, "0", currency), unit_price=Money(Decimal(price), currency)
        )
        for line_id, quantity, price in lines
    ]

    # when
    result = preview(refund_lines)

    # then: the refund is what was paid, nothing kept and nothing added
    assert amounts(result) == expected(currency, items, total=items)
    assert column(result, "items") == line_items
    assert column(result, "total") == line_items
    assert [(refund.line_id, refund.order_line_id, refund.quantity) for refund in result.lines] == [
        (line_id, f"order-{line_id}", quantity) for line_id, quantity, _ in lines
    ]
    assert result.currency == currency
    assert result.shipping_refunded is False


# --------------------------------------------------------------------------- restocking fees


@pytest.mark.parametrize(
    ("_case", "currency", "prices", "line_fees", "line_totals", "total"),
    [
        # 2 × 1333 = 2666; 15 % = 399.9 → 400
        ("0 decimals", "JPY", ("1333", "1000"), ["400", "0"], ["2266", "1000"], "3266"),
        # 2 × 24.99 = 49.98; 15 % = 7.497 → 7.50
        ("2 decimals", "USD", ("24.99", "10.00"), ["7.50", "0.00"], ["42.48", "10.00"], "52.48"),
        # 2 × 4.115 = 8.230; 15 % = 1.2345 → 1.235
        ("3 decimals", "KWD", ("4.115", "1.000"), ["1.235", "0.000"], ["6.995", "1.000"], "7.995"),
    ],
)
def test_a_percentage_restocking_fee_applies_to_the_reasons_it_lists(
    _case, currency, prices, line_fees, line_totals, total
):
    # given: 15 % for a change of mind; the other line's reason is not in the filter
    fee = RestockingFee(percentage=Decimal("15"), reason_codes=("CHANGED_MIND",))
    rules = PolicyRules(restocking_fees=(fee,))
    changed_mind = line("a", 2, prices[0], currency, reason="CHANGED_MIND")
    mistake = line("b", 1, prices[1], currency, reason="ORDERED_BY_MISTAKE")

    # when
    result = preview([changed_mind, mistake], rules)

    # then
    assert column(result, "restocking_fee") == line_fees
    assert column(result, "total") == line_totals
    assert result.restocking_fee == money(line_fees[0], currency)
    assert result.total == money(total, currency)


@pytest.mark.parametrize(
    ("_case", "currency", "fixed", "price", "line_fees", "total"),
    [
        ("0 decimals", "JPY", "300", "5000", ["900", "0"], "19100"),
        ("2 decimals", "USD", "2.50", "40.00", ["7.50", "0.00"], "152.50"),
        ("3 decimals", "KWD", "0.750", "12.000", ["2.250", "0.000"], "45.750"),
    ],
)
def test_a_fixed_restocking_fee_is_per_unit_and_applies_to_the_categories_it_lists(
    _case, currency, fixed, price, line_fees, total
):
    # given: a fixed fee per unit for shoes; three pairs of shoes and one shirt
    fee = RestockingFee(fixed_amount=Decimal(fixed), category_ids=("cat-shoes",))
    rules = PolicyRules(restocking_fees=(fee,))
    shoes = line("shoes", 3, price, currency, category="cat-shoes")
    shirt = line("shirt", 1, price, currency, category="cat-shirts")

    # when
    result = preview([shoes, shirt], rules)

    # then: only the shoes pay, once per unit
    assert column(result, "restocking_fee") == line_fees
    assert result.restocking_fee == money(line_fees[0], currency)
    assert result.total == money(total, currency)


@pytest.mark.parametrize(
    ("_case", "currency", "price", "fixed", "fee", "total"),
    [
        # 2 × 1000 = 2000; 10 % = 200, plus 2 × 50
        ("0 decimals", "JPY", "1000", "50", "300", "1700"),
        # 2 × 19.99 = 39.98; 10 % = 3.998, plus 2 × 1.00: 5.998 → 6.00
        ("2 decimals", "USD", "19.99", "1.00", "6.00", "33.98"),
        # 2 × 3.333 = 6.666; 10 % = 0.6666, plus 2 × 0.100: 0.8666 → 0.867
        ("3 decimals", "KWD", "3.333", "0.100", "0.867", "5.799"),
    ],
)
def test_several_matching_fees_add_up_and_are_rounded_once(
    _case, currency, price, fixed, fee, total
):
    # given: a percentage for anything, a fixed fee for this reason and category,
    # and a fixed fee for another category
    rules = PolicyRules(
        restocking_fees=(
            RestockingFee(percentage=Decimal("10")),
            RestockingFee(
                fixed_amount=Decimal(fixed), reason_codes=("CHANGED_MIND",), category_ids=("cat-1",)
            ),
            RestockingFee(fixed_amount=Decimal(fixed), category_ids=("cat-other",)),
        )
    )

    # when
    result = preview([line("a", 2, price, currency, category="cat-1")], rules)

    # then
    assert result.restocking_fee == money(fee, currency)
    assert result.total == money(total, currency)


@pytest.mark.parametrize(
    ("_case", "currency", "price", "fixed", "items"),
    [
        ("0 decimals", "JPY", "300", "500", "600"),
        ("2 decimals", "USD", "3.00", "5.00", "6.00"),
        ("3 decimals", "KWD", "0.300", "0.500", "0.600"),
    ],
)
def test_a_restocking_fee_never_exceeds_the_line(_case, currency, price, fixed, items):
    # given: a fixed fee per unit above the unit price, and a percentage on top
    rules = PolicyRules(
        restocking_fees=(
            RestockingFee(fixed_amount=Decimal(fixed)),
            RestockingFee(percentage=Decimal("50")),
        )
    )

    # when
    result = preview([line("a", 2, price, currency)], rules)

    # then: the whole line is kept, and nothing more
    assert amounts(result) == expected(currency, items, restocking_fee=items, total="0")


# --------------------------------------------------------------------------- merchant fault


@pytest.mark.parametrize(
    ("_case", "currency", "prices", "shipping", "return_fee", "line_shipping", "total"),
    [
        # goods 2 × 1500 + 1000 = 4000; shipping 800 split 3000:1000
        ("0 decimals", "JPY", ("1500", "1000"), "800", "700", ["600", "200"], "4800"),
        # goods 2 × 15.00 + 10.00 = 40.00; shipping 5.99 split 3:1 → 4.4925 → 4.49, rest 1.50
        ("2 decimals", "USD", ("15.00", "10.00"), "5.99", "6.95", ["4.49", "1.50"], "45.99"),
        # goods 2 × 1.500 + 1.000 = 4.000; shipping 1.001 split 3:1 → 0.750, rest 0.251
        ("3 decimals", "KWD", ("1.500", "1.000"), "1.001", "1.500", ["0.750", "0.251"], "5.001"),
    ],
)
def test_the_merchants_fault_costs_no_fees_and_refunds_the_original_shipping(
    _case, currency, prices, shipping, return_fee, line_shipping, total
):
    # given: every kind of fee configured, and both lines defective
    rules = PolicyRules(
        restocking_fees=(
            RestockingFee(percentage=Decimal("20")),
            RestockingFee(fixed_amount=Decimal("1")),
        ),
        customer_return_shipping_fee=Decimal(return_fee),
    )
    lines = [
        line("a", 2, prices[0], currency, reason="DEFECT", fault=True),
        line("b", 1, prices[1], currency, reason="DAMAGED_IN_TRANSIT", fault=True),
    ]

    # when
    result = preview(lines, rules, shipping=shipping)

    # then: no fee kept; the whole original shipping added, split by what each line paid
    items = Decimal(prices[0]) * 2 + Decimal(prices[1])
    assert amounts(result) == expected(currency, items, original_shipping=shipping, total=total)
    assert column(result, "original_shipping") == line_shipping
    assert result.shipping_refunded is True


@pytest.mark.parametrize(
    ("_case", "currency", "price", "shipping"),
    [
        ("0 decimals", "JPY", "1500", "800"),
        ("2 decimals", "USD", "15.00", "5.99"),
        ("3 decimals", "KWD", "1.500", "1.001"),
    ],
)
def test_the_original_shipping_is_not_refunded_twice(_case, currency, price, shipping):
    # given: a merchant-fault return on an order whose shipping was already refunded
    lines = [line("a", 1, price, currency, reason="DEFECT", fault=True)]

    # when
    result = preview(lines, shipping=shipping, shipping_already_refunded=True)

    # then
    assert amounts(result) == expected(currency, price, total=price)
    assert result.shipping_refunded is False


def test_the_original_shipping_stays_when_the_policy_does_not_refund_it():
    # given
    rules = PolicyRules(refund_original_shipping_on_merchant_fault=False)
    lines = [line("a", 1, "15.00", "USD", reason="DEFECT", fault=True)]

    # when
    result = preview(lines, rules, shipping="5.99")

    # then
    assert amounts(result) == expected("USD", "15.00", total="15.00")
    assert result.shipping_refunded is False


def test_free_shipping_is_not_marked_as_refunded():
    # given: a merchant-fault return on an order that shipped for free
    lines = [line("a", 1, "15.00", "USD", reason="DEFECT", fault=True)]

    # when
    result = preview(lines, shipping="0.00")

    # then: Saleor's one shipping grant stays unused
    assert result.original_shipping == money("0.00", "USD")
    assert result.shipping_refunded is False


# --------------------------------------------------------------------------- return shipping


@pytest.mark.parametrize(
    ("_case", "currency", "prices", "fee", "line_fees", "total"),
    [
        # goods 3000 + 1000; fee 700 split 3:1
        ("0 decimals", "JPY", ("3000", "1000"), "700", ["525", "175"], "3300"),
        # goods 30.00 + 10.00; fee 6.95 split 3:1 → 5.2125 → 5.21, rest 1.74
        ("2 decimals", "USD", ("30.00", "10.00"), "6.95", ["5.21", "1.74"], "33.05"),
        # goods 9.000 + 3.000; fee 1.001 split 3:1 → 0.75075 → 0.750, rest 0.251
        ("3 decimals", "KWD", ("9.000", "3.000"), "1.001", ["0.750", "0.251"], "10.999"),
    ],
)
def test_the_customer_pays_return_shipping_once_split_by_what_each_line_paid(
    _case, currency, prices, fee, line_fees, total
):
    # given: two lines returned for the customer's own reasons
    rules = PolicyRules(customer_return_shipping_fee=Decimal(fee))
    lines = [
        line("a", 1, prices[0], currency),
        line("b", 1, prices[1], currency, reason="ORDERED_BY_MISTAKE"),
    ]

    # when
    result = preview(lines, rules, shipping="5")

    # then: one fee for the parcel, and the original shipping is not refunded
    items = Decimal(prices[0]) + Decimal(prices[1])
    assert amounts(result) == expected(currency, items, return_shipping_fee=fee, total=total)
    assert column(result, "return_shipping_fee") == line_fees
    assert result.shipping_refunded is False


@pytest.mark.parametrize(
    ("_case", "currency", "prices", "shipping", "line_fees", "line_shipping", "total"),
    [
        # 10 % of 2000 on the changed mind only; shipping 900 split 2:1
        ("0 decimals", "JPY", ("2000", "1000"), "900", ["200", "0"], ["600", "300"], "3700"),
        # 10 % of 20.00; shipping 4.99 split 2:1 → 3.3266 → 3.32, rest 1.67
        (
            "2 decimals", "USD", ("20.00", "10.00"), "4.99",
            ["2.00", "0.00"], ["3.32", "1.67"], "32.99",
        ),
        # 10 % of 2.000; shipping 1.000 split 2:1 → 0.666, rest 0.334
        (
            "3 decimals", "KWD", ("2.000", "1.000"), "1.000",
            ["0.200", "0.000"], ["0.666", "0.334"], "3.800",
        ),
    ],
)
def test_a_mixed_return_ships_at_the_merchants_cost_but_keeps_restocking_on_the_customers_lines(
    _case, currency, prices, shipping, line_fees, line_shipping, total
):
    # given: one line returned on a whim and one defective, in the same parcel
    rules = PolicyRules(
        restocking_fees=(RestockingFee(percentage=Decimal("10")),),
        customer_return_shipping_fee=Decimal("3"),
    )
    lines = [
        line("whim", 1, prices[0], currency),
        line("defect", 1, prices[1], currency, reason="DEFECT", fault=True),
    ]

    # when
    result = preview(lines, rules, shipping=shipping)

    # then: no return shipping, restocking on the whim only, the original shipping back
    zero = str(money(0, currency).amount)
    assert column(result, "restocking_fee") == line_fees
    assert column(result, "return_shipping_fee") == [zero, zero]
    assert column(result, "original_shipping") == line_shipping
    assert result.total == money(total, currency)
    assert result.shipping_refunded is True


@pytest.mark.parametrize(
    ("_case", "currency", "price", "shipping", "return_fee", "total"),
    [
        ("0 decimals", "JPY", "3000", "800", "1200", "2600"),
        ("2 decimals", "USD", "30.00", "4.90", "6.95", "27.95"),
        ("3 decimals", "KWD", "3.000", "0.490", "0.695", "2.795"),
    ],
)
def test_an_eu_withdrawal_refunds_the_original_shipping_and_charges_the_return(
    _case, currency, price, shipping, return_fee, total
):
    # given: the EU preset and a return for no particular reason
    rules = PolicyRules(customer_return_shipping_fee=Decimal(return_fee)).with_preset("eu_14_day")

    # when
    result = preview([line("a", 1, price, currency)], rules, shipping=shipping, is_withdrawal=True)

    # then
    assert amounts(result) == expected(
        currency, price, return_shipping_fee=return_fee, original_shipping=shipping, total=total
    )
    assert result.shipping_refunded is True


def test_a_withdrawal_keeps_the_original_shipping_when_the_policy_does_not_refund_it():
    # given
    rules = PolicyRules(refund_original_shipping_on_withdrawal=False)

    # when
    result = preview([line("a", 1, "30.00", "USD")], rules, shipping="4.90", is_withdrawal=True)

    # then
    assert result.original_shipping == money("0.00", "USD")
    assert result.shipping_refunded is False


# --------------------------------------------------------------------------- never below zero


@pytest.mark.parametrize(
    ("_case", "currency", "prices", "fee"),
    [
        ("0 decimals", "JPY", ("300", "100"), "700"),
        ("2 decimals", "USD", ("3.00", "1.00"), "6.95"),
        ("3 decimals", "KWD", ("0.300", "0.100"), "0.695"),
    ],
)
def test_return_shipping_is_capped_so_the_refund_never_goes_below_zero(
    _case, currency, prices, fee
):
    # given: return shipping that costs more than the goods
    rules = PolicyRules(customer_return_shipping_fee=Decimal(fee))
    lines = [line("a", 1, prices[0], currency), line("b", 1, prices[1], currency)]

    # when
    result = preview(lines, rules)

    # then: the fee takes what there is, and no line goes below zero
    items = Decimal(prices[0]) + Decimal(prices[1])
    assert amounts(result) == expected(currency, items, return_shipping_fee=items, total="0")
    assert column(result, "return_shipping_fee") == list(prices)
    assert column(result, "total") == [str(money(0, currency).amount)] * 2


@pytest.mark.parametrize(
    ("_case", "currency", "price", "fee", "line_fees"),
    [
        ("0 decimals", "JPY", "1000", "500", ["0", "500"]),
        ("2 decimals", "USD", "10.00", "5.00", ["0.00", "5.00"]),
        ("3 decimals", "KWD", "1.000", "0.500", ["0.000", "0.500"]),
    ],
)
def test_return_shipping_moves_to_the_lines_that_have_something_left(
    _case, currency, price, fee, line_fees
):
    # given: the first line is kept whole as a restocking fee (opened software, say),
    # so splitting the fee by goods would ask half of it from a line with nothing left
    rules = PolicyRules(
        restocking_fees=(RestockingFee(percentage=Decimal("100"), category_ids=("cat-software",)),),
        customer_return_shipping_fee=Decimal(fee),
    )
    lines = [
        line("a", 1, price, currency, category="cat-software"),
        line("b", 1, price, currency),
    ]

    # when
    result = preview(lines, rules)

    # then
    assert column(result, "return_shipping_fee") == line_fees
    assert column(result, "total") == [line_fees[0], line_fees[1]]
    assert result.total == money(fee, currency)


def test_return_shipping_never_takes_a_small_last_line_below_zero():
    # given: a rounding remainder that allocate() hands to a one-cent last line
    rules = PolicyRules(customer_return_shipping_fee=Decimal("2.00"))
    lines = [line("a", 1, "1.00", "USD"), line("b", 1, "1.00", "USD"), line("c", 1, "0.01", "USD")]

    # when
    result = preview(lines, rules)

    # then: 0.99 + 0.99 + 0.02 would leave the last line at -0.01; the cent moves
    # to the nearest line before it with room
    assert column(result, "return_shipping_fee") == ["0.99", "1.00", "0.01"]
    assert column(result, "total") == ["0.01", "0.00", "0.00"]
    assert result.total == money("0.01", "USD")


# --------------------------------------------------------------------------- store credit


@pytest.mark.parametrize(
    ("_case", "currency", "price", "return_fee", "restocking", "bonus", "total"),
    [
        # 2 × 2499 = 4998; 10 % = 499.8 → 500; less 495 → 4003; 10 % = 400.3 → 400
        ("0 decimals", "JPY", "2499", "495", "500", "400", "4403"),
        # 2 × 24.99 = 49.98; 10 % → 5.00; less 4.95 → 40.03; 10 % = 4.003 → 4.00
        ("2 decimals", "USD", "24.99", "4.95", "5.00", "4.00", "44.03"),
        # 2 × 2.499 = 4.998; 10 % → 0.500; less 0.495 → 4.003; 10 % = 0.4003 → 0.400
        ("3 decimals", "KWD", "2.499", "0.495", "0.500", "0.400", "4.403"),
    ],
)
def test_store_credit_earns_a_bonus_on_the_refund_after_fees(
    _case, currency, price, return_fee, restocking, bonus, total
):
    # given
    rules = PolicyRules(
        restocking_fees=(RestockingFee(percentage=Decimal("10")),),
        customer_return_shipping_fee=Decimal(return_fee),
        store_credit_bonus_percentage=Decimal("10"),
    )

    # when
    result = preview([line("a", 2, price, currency)], rules, resolution="store_credit")

    # then
    assert amounts(result) == expected(
        currency,
        Decimal(price) * 2,
        restocking_fee=restocking,
        return_shipping_fee=return_fee,
        bonus=bonus,
        total=total,
    )


@pytest.mark.parametrize("resolution", ["refund", "exchange"])
def test_only_store_credit_earns_the_bonus(resolution):
    # given
    rules = PolicyRules(store_credit_bonus_percentage=Decimal("10"))

    # when
    result = preview([line("a", 1, "50.00", "USD")], rules, resolution=resolution)

    # then
    assert result.store_credit_bonus == money("0.00", "USD")
    assert result.total == money("50.00", "USD")


def test_the_store_credit_bonus_is_split_across_lines_exactly():
    # given: 15 % of 10.00 + 10.00 + 10.01 = 4.5015 → 4.50
    rules = PolicyRules(store_credit_bonus_percentage=Decimal("15"))
    lines = [
        line("a", 1, "10.00", "USD"),
        line("b", 1, "10.00", "USD"),
        line("c", 1, "10.01", "USD"),
    ]

    # when
    result = preview(lines, rules, resolution="store_credit")

    # then
    assert column(result, "store_credit_bonus") == ["1.49", "1.49", "1.52"]
    assert result.store_credit_bonus == money("4.50", "USD")
    assert result.total == money("34.51", "USD")


# --------------------------------------------------------------------------- keep the item


def test_keeping_the_item_costs_neither_restocking_nor_return_shipping():
    # given: fees that would apply if the item came back
    rules = PolicyRules(
        restocking_fees=(RestockingFee(percentage=Decimal("20")),),
        customer_return_shipping_fee=Decimal("6.95"),
        keep_item_max_value=Decimal("20"),
    )

    # when
    result = preview([line("a", 1, "12.00", "USD")], rules, resolution="keep_item")

    # then: nothing ships and nothing is restocked
    assert amounts(result) == expected("USD", "12.00", total="12.00")


@pytest.mark.parametrize(
    ("_case", "max_value", "items", "allowed"),
    [
        ("no ceiling set", None, money("1", "JPY"), False),
        ("below the ceiling, 0 decimals", Decimal("2000"), money("1999", "JPY"), True),
        ("at the ceiling, 2 decimals", Decimal("20.00"), money("20.00", "USD"), True),
        ("above the ceiling, 2 decimals", Decimal("20.00"), money("20.01", "USD"), False),
        ("above the ceiling, 3 decimals", Decimal("5"), money("5.001", "KWD"), False),
    ],
)
def test_keep_item_is_allowed_up_to_the_policys_ceiling(_case, max_value, items, allowed):
    # given
    rules = PolicyRules(keep_item_max_value=max_value)

    # when / then
    assert keep_item_allowed(rules=rules, items=items) is allowed


# --------------------------------------------------------------------------- refused input


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_quantity_below_one_is_refused(quantity):
    with pytest.raises(ValueError, match="quantity of at least 1"):
        preview([line("a", quantity, "10.00", "USD")])


def test_no_lines_is_refused():
    with pytest.raises(ValueError, match="at least one line"):
        preview_refund(
            lines=[], rules=PolicyRules(), resolution="refund", original_shipping=money("0", "USD")
        )


@pytest.mark.parametrize(
    ("_case", "lines", "shipping"),
    [
        (
            "lines in two currencies",
            [line("a", 1, "10.00", "USD"), line("b", 1, "1000", "JPY")],
            "0",
        ),
        ("shipping in another currency", [line("a", 1, "1.000", "KWD")], "1.00"),
    ],
)
def test_mixed_currencies_are_refused(_case, lines, shipping):
    with pytest.raises(MixedCurrencies):
        preview_refund(
            lines=lines,
            rules=PolicyRules(),
            resolution="refund",
            original_shipping=money(shipping, "USD"),
        )


@pytest.mark.parametrize(
    ("_case", "lines", "resolution", "message"),
    [
        ("unknown resolution", [line("a", 1, "10.00", "USD")], "cash", "Unknown resolution"),
        ("the same line twice", [line("a", 1, "1.00", "USD")] * 2, "refund", "refunded once"),
        ("a negative price", [line("a", 1, "-1.00", "USD")], "refund", "negative unit price"),
    ],
)
def test_nonsense_is_refused(_case, lines, resolution, message):
    with pytest.raises(ValueError, match=message):
        preview(lines, resolution=resolution)


def test_negative_original_shipping_is_refused():
    with pytest.raises(ValueError, match="original shipping cannot be negative"):
        preview([line("a", 1, "10.00", "USD")], shipping="-1.00")


# --------------------------------------------------------------------------- JSON and fingerprint


def sample_preview():
    """2 × 1.250 less 10 % restocking, and a defect at 4.000, paid back in store credit."""
    rules = PolicyRules(
        restocking_fees=(RestockingFee(percentage=Decimal("10"), reason_codes=("CHANGED_MIND",)),),
        store_credit_bonus_percentage=Decimal("5"),
    )
    lines = [
        line("a", 2, "1.250", "KWD"),
        line("b", 1, "4.000", "KWD", reason="DEFECT", fault=True),
    ]
    return preview(lines, rules, resolution="store_credit", shipping="1.500")


def test_to_json_writes_every_amount_as_a_decimal_string():
    # given: shipping 1.500 split 2.500:4.000 → 0.576, rest 0.924; a 5 % bonus on
    # 2.250 + 4.000 = 6.250 → 0.3125 → 0.313, split 2.250:4.000 → 0.112, rest 0.201
    result = sample_preview()

    # when
    data = result.to_json()

    # then
    assert data == {
        "currency": "KWD",
        "lines": [
            {
                "line_id": "a",
                "order_line_id": "order-a",
                "quantity": 2,
                "items": "2.500",
                "restocking_fee": "0.250",
                "return_shipping_fee": "0.000",
                "original_shipping": "0.576",
                "store_credit_bonus": "0.112",
                "total": "2.938",
            },
            {
                "line_id": "b",
                "order_line_id": "order-b",
                "quantity": 1,
                "items": "4.000",
                "restocking_fee": "0.000",
                "return_shipping_fee": "0.000",
                "original_shipping": "0.924",
                "store_credit_bonus": "0.201",
                "total": "5.125",
            },
        ],
        "items": "6.500",
        "restocking_fee": "0.250",
        "return_shipping_fee": "0.000",
        "original_shipping": "1.500",
        "store_credit_bonus": "0.313",
        "total": "8.063",
        "shipping_refunded": True,
    }


@pytest.mark.parametrize(
    ("_case", "currency", "price"),
    [("0 decimals", "JPY", "1500"), ("2 decimals", "USD", "15.00"), ("3 decimals", "KWD", "1.500")],
)
def test_a_preview_round_trips_through_json(_case, currency, price):
    # given
    rules = PolicyRules(
        restocking_fees=(RestockingFee(percentage=Decimal("15")),),
        customer_return_shipping_fee=Decimal("1"),
    )
    lines = [line("a", 3, price, currency), line("b", 1, price, currency)]
    result = preview(lines, rules, shipping=price)

    # when: stored as JSON text and read back
    restored = RefundPreview.from_json(json.loads(json.dumps(result.to_json())))

    # then
    assert restored == result
    assert restored.to_json() == result.to_json()
    assert restored.fingerprint() == result.fingerprint()


def test_the_fingerprint_is_a_stable_sha256():
    # given / when
    first, second = sample_preview(), sample_preview()

    # then
    assert first.fingerprint() == second.fingerprint()
    assert len(first.fingerprint()) == 64
    assert set(first.fingerprint()) <= set("0123456789abcdef")


def plus_one_fils(subject, name):
    return dataclasses.replace(
        subject, **{name: money(getattr(subject, name).amount + Decimal("0.001"), "KWD")}
    )


@pytest.mark.parametrize("name", AMOUNTS)
def test_the_fingerprint_changes_when_a_total_changes(name):
    # given
    result = sample_preview()

    # when
    changed = plus_one_fils(result, name)

    # then
    assert changed.fingerprint() != result.fingerprint()


@pytest.mark.parametrize("name", AMOUNTS)
@pytest.mark.parametrize("index", [0, 1])
def test_the_fingerprint_changes_when_a_line_amount_changes(name, index):
    # given
    result = sample_preview()
    lines = list(result.lines)

    # when
    lines[index] = plus_one_fils(lines[index], name)
    changed = dataclasses.replace(result, lines=tuple(lines))

    # then
    assert changed.fingerprint() != result.fingerprint()


@pytest.mark.parametrize(
    ("_case", "change"),
    [
        ("shipping no longer included", lambda p: dataclasses.replace(p, shipping_refunded=False)),
        ("another currency", lambda p: dataclasses.replace(p, currency="BHD")),
        (
            "another quantity",
            lambda p: dataclasses.replace(
                p, lines=(dataclasses.replace(p.lines[0], quantity=3), p.lines[1])
            ),
        ),
    ],
)
def test_the_fingerprint_changes_with_the_flag_the_currency_and_the_quantities(_case, change):
    result = sample_preview()
    assert change(result).fingerprint() != result.fingerprint()


@pytest.mark.parametrize(
    ("_case", "change", "message"),
    [
        ("a float amount", {"total": 8.063}, "decimal strings"),
        ("an empty amount", {"items": None}, "decimal strings"),
        ("more digits than the currency has", {"items": "6.5001"}, "not an amount in KWD"),
        ("a total that is not the sum of the lines", {"total": "8.064"}, "sums of the lines"),
        ("no lines", {"lines": []}, "at least one line"),
        ("a flag that is not a boolean", {"shipping_refunded": "yes"}, "true or false"),
        ("a lower-case currency", {"currency": "kwd"}, "ISO 4217"),
    ],
)
def test_from_json_refuses_a_preview_that_to_json_could_not_have_written(_case, change, message):
    # given
    data = dict(sample_preview().to_json(), **change)

    # when / then
    with pytest.raises(ValueError, match=message):
        RefundPreview.from_json(data)


@pytest.mark.parametrize("key", ["currency", "lines", "items", "shipping_refunded"])
def test_from_json_refuses_a_preview_with_a_field_missing(key):
    # given
    data = sample_preview().to_json()
    del data[key]

    # when / then
    with pytest.raises(ValueError, match="Not a refund preview"):
        RefundPreview.from_json(data)


def test_from_json_refuses_a_line_whose_total_is_not_its_parts():
    # given
    data = sample_preview().to_json()
    data["lines"][0]["total"] = "2.939"

    # when / then
    with pytest.raises(ValueError, match="not the sum of its parts"):
        RefundPreview.from_json(data)


# --------------------------------------------------------------------------- properties


REASONS = [
    ("CHANGED_MIND", False),
    ("ORDERED_BY_MISTAKE", False),
    ("DEFECT", True),
    ("DAMAGED_IN_TRANSIT", True),
]
# Up to 10 000 with three decimals: money() rounds it to each currency.
amount_strategy = st.integers(min_value=0, max_value=10**7).map(lambda n: Decimal(n).scaleb(-3))
percentage_strategy = st.integers(min_value=0, max_value=100).map(Decimal)
fee_strategy = st.one_of(
    st.builds(
        RestockingFee,
        percentage=percentage_strategy,
        reason_codes=st.sampled_from([(), ("CHANGED_MIND",), ("DEFECT", "ORDERED_BY_MISTAKE")]),
        category_ids=st.sampled_from([(), ("cat-1",)]),
    ),
    st.builds(
        RestockingFee,
        fixed_amount=amount_strategy,
        reason_codes=st.sampled_from([(), ("CHANGED_MIND",)]),
        category_ids=st.sampled_from([(), ("cat-2",), ("cat-1", "cat-2")]),
    ),
)


@st.composite
def refund_inputs(draw):
    currency = draw(st.sampled_from(["JPY", "USD", "KWD"]))
    lines = []
    for index in range(draw(st.integers(min_value=1, max_value=6))):
        reason, fault = draw(st.sampled_from(REASONS))
        lines.append(
            LineForRefund(
                line_id=f"line-{index}",
                order_line_id=f"order-line-{index}",
                quantity=draw(st.integers(min_value=1, max_value=20)),
                unit_price=money(draw(amount_strategy), currency),
                reason_code=reason,
                is_merchant_fault=fault,
                category_id=draw(st.sampled_from(["", "cat-1", "cat-2"])),
            )
        )
    rules = PolicyRules(
        restocking_fees=tuple(draw(st.lists(fee_strategy, max_size=3))),
        customer_return_shipping_fee=draw(amount_strategy),
        refund_original_shipping_on_merchant_fault=draw(st.booleans()),
        refund_original_shipping_on_withdrawal=draw(st.booleans()),
        store_credit_bonus_percentage=draw(percentage_strategy),
    )
    return {
        "lines": lines,
        "rules": rules,
        "resolution": draw(st.sampled_from(["refund", "store_credit", "exchange", "keep_item"])),
        "original_shipping": money(draw(amount_strategy), currency),
        "shipping_already_refunded": draw(st.booleans()),
        "is_withdrawal": draw(st.booleans()),
    }


@given(inputs=refund_inputs())
def test_lines_always_add_up_to_the_totals_and_nothing_goes_negative(inputs):
    # when
    result = preview_refund(**inputs)

    # then: every amount is non-negative and in the currency's digits
    currency = result.currency
    for subject in (result, *result.lines):
        for name in AMOUNTS:
            value = getattr(subject, name)
            assert value.currency == currency
            assert value.amount >= 0
            assert not str(value.amount).startswith("-")
            assert value.amount == quantize(value.amount, currency)
        assert subject.total.amount == (
            subject.items.amount
            - subject.restocking_fee.amount
            - subject.return_shipping_fee.amount
            + subject.original_shipping.amount
            + subject.store_credit_bonus.amount
        )
        assert subject.restocking_fee.amount <= subject.items.amount
    # and the lines sum exactly to the totals
    for name in AMOUNTS:
        line_sum = sum(getattr(line_refund, name).amount for line_refund in result.lines)
        assert line_sum == getattr(result, name).amount
    # and who pays what follows the rules
    if any(line_input.is_merchant_fault for line_input in inputs["lines"]):
        assert result.return_shipping_fee.amount == 0
    if result.shipping_refunded:
        assert result.original_shipping == inputs["original_shipping"]
    else:
        assert result.original_shipping.amount == 0
    if inputs["resolution"] != "store_credit":
        assert result.store_credit_bonus.amount == 0
    # and the preview survives JSON unchanged
    assert RefundPreview.from_json(json.loads(json.dumps(result.to_json()))) == result
