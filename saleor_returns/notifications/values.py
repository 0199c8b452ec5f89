"""Placeholder values: an event's language-neutral data turned into text in the customer's language.

Every value is a plain string (empty when the event has nothing for it), so a template
reaches nothing but text: money and dates are formatted with Babel for the language,
lists become one line per item, codes become words from the language's labels.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date, format_interval
from babel.numbers import format_currency, format_percent

from saleor_returns.notifications import catalog
from saleor_returns.models.notifications import MessageEvent
from saleor_returns.notifications.defaults import labels

BABEL_LOCALES = {"en": "en", "zh-hans": "zh_Hans_CN"}

# Which of a line's quantities a step is about (the first one that is set).
QUANTITIES = {
    MessageEvent.APPROVED: ("approved_quantity", "requested_quantity"),
    MessageEvent.SHIP_REMINDER: ("approved_quantity", "requested_quantity"),
    MessageEvent.EXPIRED: ("approved_quantity", "requested_quantity"),
    MessageEvent.PARCEL_RECEIVED: ("received_quantity",),
    MessageEvent.REFUNDED: ("accepted_quantity", "approved_quantity", "requested_quantity"),
    MessageEvent.STORE_CREDIT_ISSUED: ("accepted_quantity", "approved_quantity", "requested_quantity"),
    MessageEvent.REPLACEMENT_PLACED: ("accepted_quantity", "approved_quantity", "requested_quantity"),
    MessageEvent.SURVEY_INVITATION: ("accepted_quantity", "approved_quantity", "requested_quantity"),
}
ADDRESS_LINES = (("name",), ("company",), ("street1",), ("street2",), ("zip", "city"), ("state",), ("country",))


@dataclass(frozen=True)
class Recipient:
    """What a message knows beyond its data: the customer, the shop, and the links it carries."""

    customer_name: str = ""
    shop_name: str = ""
    support_email: str = ""
    return_link: str = ""
    survey_link: str = ""


def placeholder_values(event: str, data: dict, *, language: str, recipient: Recipient) -> dict[str, str]:
    """Every placeholder of `event` (`catalog.placeholders`) as text in `language`."""
    if catalog.is_shop_event(event):
        values = {"shop_name": recipient.shop_name, **spike_alert_values(data, language=language)}
        return {name: values[name] for name in catalog.placeholders(event)}
    words = labels(language)
    locale = BABEL_LOCALES[language]
    ship_by = data.get("ship_by")
    components = data.get("components") or []
    amount = data.get("amount")
    currency = (amount or {}).get("currency") or ""
    values = {
        "rma_number": data.get("rma_number") or "",
        "order_number": data.get("order_number") or "",
        "customer_name": recipient.customer_name,
        "shop_name": recipient.shop_name,
        "support_email": recipient.support_email,
        "return_link": recipient.return_link,
        "survey_link": recipient.survey_link,
        "items": _items(event, data.get("lines") or [], words),
        "deadline": format_date(date.fromisoformat(ship_by), format="long", locale=locale) if ship_by else "",
        "label_url": data.get("label_url") or "",
        "qr_code_url": data.get("qr_code_url") or "",
        "return_address": _address(data.get("return_address")),
        "question": data.get("question") or "",
        "reason": data.get("reason") or "",
        "amount": _money(amount, locale),
        "refund_components": "\n".join(
            words["component_line"].format(
                label=words["component_" + part["code"]],
                amount=_money({"amount": part["amount"], "currency": currency}, locale),
            )
            for part in components
        ),
        "refund_method": words.get(f"method_{data.get('method')}", "") if data.get("method") else "",
        "gift_card_last4": data.get("gift_card_last4") or "",
        "replacement_order_number": data.get("replacement_order_number") or "",
        "amount_to_pay": _money(data.get("amount_to_pay"), locale),
        "decision": words.get(f"decision_{data.get('decision')}", "") if data.get("decision") else "",
    }
    return {name: values[name] for name in catalog.placeholders(event)}


def spike_alert_values(data: dict, *, language: str) -> dict[str, str]:
    """The placeholders of a spike alert: its variant, week, rates and intervals, units and main reason."""
    words = labels(language)
    locale = BABEL_LOCALES[language]

    def percent(value) -> str:
        return format_percent(Decimal(value or "0"), format="#,##0.0%", locale=locale)

    def interval(bounds: dict | None) -> str:
        bounds = bounds or {}
        return words["interval"].format(lower=percent(bounds.get("lower")), upper=percent(bounds.get("upper")))

    start, end = data.get("week_start"), data.get("week_end")
    reason_labels = data.get("dominant_reason_labels") or {}
    return {
        "product": data.get("product_name") or data.get("sku") or data.get("variant_id") or "",
        "sku": data.get("sku") or "",
        "week": format_interval(date.fromisoformat(start), date.fromisoformat(end), "yMMMd", locale=locale)
        if start and end else "",
        "return_rate": percent(data.get("return_rate")),
        "rate_interval": interval(data.get("rate_interval")),
        "baseline_rate": percent(data.get("baseline_rate")),
        "baseline_interval": interval(data.get("baseline_interval")),
        "baseline_weeks": str(data.get("baseline_weeks") or ""),
        "units": words["units"].format(returned=data.get("returned_units") or 0, sold=data.get("sold_units") or 0),
        "baseline_units": words["units"].format(
            returned=data.get("baseline_returned_units") or 0, sold=data.get("baseline_sold_units") or 0
        ),
        "dominant_reason": reason_labels.get(language) or reason_labels.get("en") or data.get("dominant_reason_code") or "",
        "desk_link": data.get("desk_url") or "",
    }


def _money(value: dict | None, locale: str) -> str:
    if not value:
        return ""
    return format_currency(Decimal(value["amount"]), value["currency"], locale=locale)


def _name(line: dict) -> str:
    return f"{line['product_name']} ({line['variant_name']})" if line.get("variant_name") else line["product_name"]


def _items(event: str, lines: list[dict], words: dict) -> str:
    if event == MessageEvent.INSPECTED:
        return "\n".join(
            words["item_inspected"].format(
                name=_name(line), accepted=line.get("accepted_quantity") or 0, received=line.get("received_quantity") or 0
            )
            for line in lines
            if line.get("received_quantity")
        )
    keys = QUANTITIES.get(event, ("requested_quantity",))
    rows = []
    for line in lines:
        quantity = next((line[key] for key in keys if line.get(key) is not None), 0)
        if quantity:
            rows.append(words["item"].format(quantity=quantity, name=_name(line)))
    return "\n".join(rows)


def _address(address: dict | None) -> str:
    if not address:
        return ""
    lines = (" ".join(address[key] for key in keys if address.get(key)) for keys in ADDRESS_LINES)
    return "\n".join(line for line in lines if line)
