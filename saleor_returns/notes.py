"""Timeline notes the app writes itself, said in the reader's language.

A note written by staff or a customer is kept as typed. A note the app writes is a
`SystemNote`: its English text is stored as the event's note (what logs, exports and
older readers see), and its key and parameters go into the event's data, so the API
can say it again in the language of the request (English or Simplified Chinese).
The texts are gettext messages (`saleor_returns/locale/`), keyed here by the stable
note key that stored events name.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from saleor_returns.money import quantize
from saleor_returns.translations import ENGLISH, InEveryLanguage, language_code, ngettext_noop, template

NOTE_KEY = "note_key"
NOTE_PARAMS = "note_params"

# Stored events name these keys: never rename one.
NOTES: dict[str, object] = {
    "auto_approved": gettext_lazy("Approved automatically."),
    "customer_blocked": gettext_lazy("Left for staff: the shop blocked this customer."),
    "customer_watched": gettext_lazy("Left for staff: the shop watches this customer."),
    "customer_vip": gettext_lazy("Approved automatically: the shop marked this customer VIP."),
    "label_ready": gettext_lazy("Your return label is ready."),
    "in_transit": gettext_lazy("Your parcel is on its way back."),
    "delivered": gettext_lazy("Your parcel arrived; we will inspect it shortly."),
    "handed_in": gettext_lazy("Your parcel was handed in to us without a carrier's tracking."),
    "received": gettext_lazy("We received your parcel."),
    "inspected": gettext_lazy("Inspection finished."),
    "no_scan": ngettext_noop(
        "No carrier scan {days} day after the label.", "No carrier scan {days} days after the label.", "days"
    ),
    "not_shipped": ngettext_noop(
        "Not shipped within {days} day of approval.", "Not shipped within {days} days of approval.", "days"
    ),
    "carrier_claim": gettext_lazy("Carrier claim with {carrier}: {amount} {currency}, {status}."),
    "replacement_retried": gettext_lazy("Replacement order retried."),
    "replacement_sent": gettext_lazy("Your new item is on its way with order #{order_number}."),
    "exchange_awaiting_payment": gettext_lazy(
        "Your new item costs {amount} {currency} more; order #{order_number} waits for that payment."
    ),
    "exchange_paid": gettext_lazy("Payment received; your new item is on its way with order #{order_number}."),
    "refund_started": pgettext_lazy("timeline note: a refund's kind and amount", "{kind}: {amount} {currency}"),
    "refund_succeeded": gettext_lazy("{amount} {currency} refunded."),
}

# Parameters whose values are themselves words to translate: parameter -> {value: text}.
NOTE_TERMS: dict[str, dict[str, object]] = {
    "status": {
        "filed": pgettext_lazy("carrier claim status", "filed"),
        "approved": pgettext_lazy("carrier claim status", "approved"),
        "rejected": pgettext_lazy("carrier claim status", "rejected"),
        "paid": pgettext_lazy("carrier claim status", "paid"),
    },
    "kind": {
        "original_payment": pgettext_lazy("refund kind", "Original payment"),
        "legacy_payment": pgettext_lazy("refund kind", "Original payment (legacy)"),
        "store_credit": pgettext_lazy("refund kind", "Store credit"),
    },
}

# Every note's template and every term in each language, as the catalogs say them.
CATALOG: Mapping = InEveryLanguage(NOTES)
TERMS: Mapping = InEveryLanguage(NOTE_TERMS)


def _amount(value, currency) -> str:
    """An amount as a person reads it: in the currency's precision (104.00 USD, 500 JPY)."""
    try:
        return str(quantize(Decimal(str(value)), str(currency)))
    except (InvalidOperation, ValueError, KeyError, TypeError):
        return str(value)


def _say(key: str, params: dict, language: str) -> str:
    with translation.override(language_code(language)):
        words = {
            name: str(NOTE_TERMS[name][str(value)]) if str(value) in NOTE_TERMS.get(name, {}) else value
            for name, value in params.items()
        }
        if "amount" in params and params.get("currency"):
            words["amount"] = _amount(params["amount"], params["currency"])
        return template(NOTES[key], params).format(**words)


class SystemNote(str):
    """A note in the app's own words: English text, with what is needed to say it again."""

    key: str
    params: dict

    def __new__(cls, key: str, **params):
        if key not in NOTES:
            raise KeyError(f"No timeline note {key!r}.")
        params = {name: str(value) if isinstance(value, Decimal) else value for name, value in params.items()}
        note = super().__new__(cls, _say(key, params, ENGLISH))
        note.key = key
        note.params = params
        return note


def note_data(note) -> dict:
    """What an event's data keeps of `note` so it can be translated later (nothing for typed notes)."""
    if isinstance(note, SystemNote):
        return {NOTE_KEY: note.key, NOTE_PARAMS: note.params}
    return {}


def event_note(event, language: str) -> str:
    """The event's note in `language`: the app's own notes translated, typed notes as they were written."""
    data = event.data or {}
    key = data.get(NOTE_KEY)
    if key in NOTES:
        try:
            return _say(key, data.get(NOTE_PARAMS) or {}, language)
        except (KeyError, IndexError, TypeError, ValueError):
            pass
    return event.note
