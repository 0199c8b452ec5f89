"""The refund calculation: what a return pays back, previewed before it is executed.

Pure functions, no database and no network. The same `preview_refund()` call
answers the `returnResolutionPreview` query and prepares the refund that is
executed; the preview is stored as JSON and its `fingerprint()` lets execution
check that it grants exactly what staff (or the customer) saw.

Every amount is a `prices.Money` rounded to its currency's minor unit, and
every amount split across lines is split with `money.allocate`, so the lines
always add up to the totals to the last minor unit.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from saleor_returns.money import Money, MixedCurrencies, allocate, money, quantize, zero
from saleor_returns.policy_rules import RESOLUTIONS, PolicyRules, RestockingFee

__all__ = ["LineForRefund", "LineRefund", "RefundPreview", "keep_item_allowed", "preview_refund"]

STORE_CREDIT = "store_credit"
KEEP_ITEM = "keep_item"

# The Money fields of a line and of the preview, in the order they are written.
_AMOUNTS = (
    "items",
    "restocking_fee",
    "return_shipping_fee",
    "original_shipping",
    "store_credit_bonus",
    "total",
)


@dataclass(frozen=True)
class LineForRefund:
    """One return line as the refund sees it; the caller builds it from a ReturnLine.

    `quantity` is what is refunded: the units accepted at inspection, or the
    approved units for returnless claims and keep-the-item resolutions.
    `unit_price` is the gross price paid per unit after discounts, from the
    snapshot taken when the request was made.
    """

    line_id: str
    order_line_id: str
    quantity: int
    unit_price: Money
    reason_code: str
    is_merchant_fault: bool
    category_id: str = ""


@dataclass(frozen=True)
class LineRefund:
    """One line's share of every component; each rounded to the currency.

    `total = items - restocking_fee - return_shipping_fee + original_shipping
    + store_credit_bonus`, never below zero.
    """

    line_id: str
    order_line_id: str
    quantity: int
    items: Money
    restocking_fee: Money
    return_shipping_fee: Money
    original_shipping: Money
    store_credit_bonus: Money
    total: Money

    def to_json(self) -> dict:
        data = {
            "line_id": self.line_id,
            "order_line_id": self.order_line_id,
            "quantity": self.quantity,
        }
        data.update({name: str(getattr(self, name).amount) for name in _AMOUNTS})
        return data

    @classmethod
    def from_json(cls, data: Mapping, currency: str) -> LineRefund:
        quantity = data["quantity"]
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise ValueError("A line quantity is a whole number.")
        line = cls(
            line_id=str(data["line_id"]),
            order_line_id=str(data["order_line_id"]),
            quantity=quantity,
            **{name: _money_from_json(data[name], currency) for name in _AMOUNTS},
        )
        expected = _line_total(
            line.items,
            line.restocking_fee,
            line.return_shipping_fee,
            line.original_shipping,
            line.store_credit_bonus,
        )
        if line.total != expected:
            raise ValueError(f"Line {line.line_id}: the total is not the sum of its parts.")
        return line


@dataclass(frozen=True)
class RefundPreview:
    """What a return pays back, per line and in total.

    `restocking_fee` and `return_shipping_fee` are kept by the merchant
    (positive numbers, subtracted); `original_shipping` and `store_credit_bonus`
    are added. `shipping_refunded` says whether the original shipping is part
    of this refund, which becomes the granted refund's `grantRefundForShipping`.
    """

    currency: str
    lines: tuple[LineRefund, ...]
    items: Money
    restocking_fee: Money
    return_shipping_fee: Money
    original_shipping: Money
    store_credit_bonus: Money
    total: Money
    shipping_refunded: bool

    def to_json(self) -> dict:
        """Plain JSON: amounts as decimal strings, never floats."""
        data = {"currency": self.currency, "lines": [line.to_json() for line in self.lines]}
        data.update({name: str(getattr(self, name).amount) for name in _AMOUNTS})
        data["shipping_refunded"] = self.shipping_refunded
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> RefundPreview:
        """Read back a stored preview; malformed data raises ValueError."""
        try:
            currency = data["currency"]
            if not (isinstance(currency, str) and re.fullmatch("[A-Z]{3}", currency)):
                raise ValueError(f"{currency!r} is not an ISO 4217 currency code.")
            shipping_refunded = data["shipping_refunded"]
            if not isinstance(shipping_refunded, bool):
                raise ValueError("shipping_refunded is true or false.")
            lines = tuple(LineRefund.from_json(line, currency) for line in data["lines"])
            amounts = {name: _money_from_json(data[name], currency) for name in _AMOUNTS}
        except (KeyError, TypeError) as error:
            raise ValueError(f"Not a refund preview: {error!r}.") from error
        if not lines:
            raise ValueError("A refund preview has at least one line.")
        # A stored preview is executed as it stands, so it must be one that
        # preview_refund() could have produced: totals are the lines' sums.
        if any(amounts[name] != _sum(lines, name, currency) for name in _AMOUNTS):
            raise ValueError("The totals are not the sums of the lines.")
        return cls(currency=currency, lines=lines, shipping_refunded=shipping_refunded, **amounts)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON: equal previews, equal fingerprints.

        Execution recomputes the preview from current data and refuses to run
        when the fingerprint differs from the one that was shown.
        """
        canonical = json.dumps(
            self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=True
        )
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def preview_refund(
    *,
    lines: Sequence[LineForRefund],
    rules: PolicyRules,
    resolution: str,
    original_shipping: Money,
    shipping_already_refunded: bool = False,
    is_withdrawal: bool = False,
) -> RefundPreview:
    """The refund for `lines` under `rules`, per line and in total.

    Policy amounts (fixed restocking fees, the return shipping fee) carry no
    currency of their own: a policy belongs to a channel, and a channel has one
    currency, so they are read in the return's currency.

    Raises ValueError for no lines, a quantity below one, a repeated line,
    a negative amount or an unknown resolution, and `MixedCurrencies` when the
    lines and the original shipping are not all in one currency.
    """
    currency = _validate(lines, original_shipping, resolution)
    is_keep_item = resolution == KEEP_ITEM
    any_merchant_fault = any(line.is_merchant_fault for line in lines)

    # What was paid for the units, rounded per line, so each line is what the
    # customer saw on the order and the total is their exact sum.
    items = [money(line.unit_price.amount * line.quantity, currency) for line in lines]

    # Restocking fees, per line. A kept item is never restocked, so it pays none.
    restocking = [
        zero(currency) if is_keep_item else _restocking_fee(line, line_items, rules.restocking_fees)
        for line, line_items in zip(lines, items)
    ]

    # The original shipping, whole, or nothing: Saleor grants shipping as a
    # flag, once per order (grantRefundForShipping, SHIPPING_COSTS_ALREADY_GRANTED),
    # so a partial share would have nowhere to go. A mixed return counts as the
    # merchant's fault, like its return shipping below. Free shipping is not
    # "refunded": the flag stays false and Saleor's one grant stays unused.
    owes_shipping = (
        any_merchant_fault and rules.refund_original_shipping_on_merchant_fault
    ) or (is_withdrawal and rules.refund_original_shipping_on_withdrawal)
    shipping_refunded = (
        owes_shipping and not shipping_already_refunded and original_shipping.amount > 0
    )
    shipping_back = money(original_shipping.amount if shipping_refunded else 0, currency)
    original_shipping_parts = allocate(shipping_back, [amount.amount for amount in items])

    # The customer pays return shipping only when nothing returned is
    # the merchant's fault. A mixed return travels in one parcel that the
    # merchant needs back anyway for the faulty item, and charging for that
    # parcel would make the customer pay for the merchant's fault (the EU and
    # China both put that cost on the seller). Nothing ships when the
    # customer keeps the item. The fee is charged once per return, split by
    # what each line paid, and never takes a line (or the return) below zero;
    # on an EU withdrawal it may eat into the original shipping refunded, since
    # the delivery cost is owed back while the cost of returning is the customer's.
    room = [
        line_items.amount - fee.amount + shipping.amount
        for line_items, fee, shipping in zip(items, restocking, original_shipping_parts)
    ]
    if any_merchant_fault or is_keep_item:
        return_shipping_charged = Decimal(0)
    else:
        return_shipping_charged = min(
            quantize(rules.customer_return_shipping_fee, currency), sum(room, Decimal(0))
        )
    return_shipping_parts = _allocate_within(
        money(return_shipping_charged, currency), [amount.amount for amount in items], room
    )

    # Store credit keeps the money in the shop, so it earns a bonus on
    # what the goods refund comes to after fees (the original shipping earns
    # none), split by each line's goods after restocking.
    net_goods = [line_items.amount - fee.amount for line_items, fee in zip(items, restocking)]
    if resolution == STORE_CREDIT:
        base = max(Decimal(0), sum(net_goods, Decimal(0)) - return_shipping_charged)
        bonus = money(base * rules.store_credit_bonus_percentage / 100, currency)
    else:
        bonus = zero(currency)
    bonus_parts = allocate(bonus, net_goods)

    line_refunds = tuple(
        LineRefund(
            line_id=line.line_id,
            order_line_id=line.order_line_id,
            quantity=line.quantity,
            items=line_items,
            restocking_fee=fee,
            return_shipping_fee=return_fee,
            original_shipping=shipping,
            store_credit_bonus=line_bonus,
            total=_line_total(line_items, fee, return_fee, shipping, line_bonus),
        )
        for line, line_items, fee, return_fee, shipping, line_bonus in zip(
            lines, items, restocking, return_shipping_parts, original_shipping_parts, bonus_parts
        )
    )
    # The totals are the sums of the lines, so the two always agree exactly.
    return RefundPreview(
        currency=currency,
        lines=line_refunds,
        shipping_refunded=shipping_refunded,
        **{name: _sum(line_refunds, name, currency) for name in _AMOUNTS},
    )


def keep_item_allowed(*, rules: PolicyRules, items: Money) -> bool:
    """Whether the customer may keep the goods and still be refunded.

    Only when the policy sets a ceiling and the goods are worth no more than
    it (in the return's currency, like every policy amount): returning cheap
    items costs more than they are worth.
    """
    return rules.keep_item_max_value is not None and items.amount <= rules.keep_item_max_value


def _validate(lines: Sequence[LineForRefund], original_shipping: Money, resolution: str) -> str:
    """The one currency of the return, after checking the inputs."""
    if not lines:
        raise ValueError("A refund needs at least one line.")
    if resolution not in RESOLUTIONS:
        raise ValueError(
            f"Unknown resolution {resolution!r}; choose from {', '.join(RESOLUTIONS)}."
        )
    line_ids = [line.line_id for line in lines]
    if len(set(line_ids)) != len(line_ids):
        raise ValueError("Each line is refunded once.")
    for line in lines:
        quantity = line.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise ValueError(f"Line {line.line_id} needs a quantity of at least 1.")
        if line.unit_price.amount < 0:
            raise ValueError(f"Line {line.line_id} has a negative unit price.")
    if original_shipping.amount < 0:
        raise ValueError("The original shipping cannot be negative.")
    currencies = {line.unit_price.currency.upper() for line in lines}
    currencies.add(original_shipping.currency.upper())
    if len(currencies) != 1:
        raise MixedCurrencies(f"Cannot refund {', '.join(sorted(currencies))} together.")
    return currencies.pop()


def _fee_applies(fee: RestockingFee, line: LineForRefund) -> bool:
    # An empty filter matches any reason or category.
    return (not fee.reason_codes or line.reason_code in fee.reason_codes) and (
        not fee.category_ids or line.category_id in fee.category_ids
    )


def _restocking_fee(
    line: LineForRefund, items: Money, fees: Sequence[RestockingFee]
) -> Money:
    """Every matching fee added up, rounded once, and never more than the line's goods.

    The merchant's fault never costs the customer a restocking fee.
    """
    if line.is_merchant_fault:
        return zero(items.currency)
    amount = Decimal(0)
    for fee in fees:
        if not _fee_applies(fee, line):
            continue
        if fee.percentage is not None:
            amount += items.amount * fee.percentage / 100
        if fee.fixed_amount is not None:
            amount += fee.fixed_amount * line.quantity
    return money(min(quantize(amount, items.currency), items.amount), items.currency)


def _allocate_within(
    total: Money, weights: list[Decimal], caps: list[Decimal]
) -> list[Money]:
    """`allocate`, then keep every part within its cap; parts still sum to `total`.

    Rounding can leave a part a few minor units above its cap (the last part
    takes the remainder). The excess moves to the parts with room, from the
    last back, so the split stays as close to `allocate` as it can. The caller
    guarantees that `total` fits within the sum of the caps.
    """
    parts = [part.amount for part in allocate(total, weights)]
    excess = sum(
        (max(Decimal(0), part - cap) for part, cap in zip(parts, caps)), Decimal(0)
    )
    parts = [min(part, cap) for part, cap in zip(parts, caps)]
    for index in reversed(range(len(parts))):
        moved = min(excess, caps[index] - parts[index])
        parts[index] += moved
        excess -= moved
    return [money(part, total.currency) for part in parts]


def _line_total(
    items: Money,
    restocking_fee: Money,
    return_shipping_fee: Money,
    original_shipping: Money,
    store_credit_bonus: Money,
) -> Money:
    """What one line pays back: the goods, less what is kept, plus what is added."""
    amount = (
        items.amount
        - restocking_fee.amount
        - return_shipping_fee.amount
        + original_shipping.amount
        + store_credit_bonus.amount
    )
    return money(amount, items.currency)


def _sum(lines: Sequence[LineRefund], name: str, currency: str) -> Money:
    return money(sum((getattr(line, name).amount for line in lines), Decimal(0)), currency)


def _money_from_json(value, currency: str) -> Money:
    """An amount as `to_json` writes it: a decimal string at the currency's precision."""
    if not isinstance(value, str):
        raise ValueError("Amounts are decimal strings.")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal amount.") from None
    if not amount.is_finite() or amount < 0 or amount != quantize(amount, currency):
        raise ValueError(f"{value!r} is not an amount in {currency}.")
    return money(amount, currency)
