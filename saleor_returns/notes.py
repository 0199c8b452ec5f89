"""Timeline notes the app writes itself, said in the reader's language.

A note written by staff or a customer is kept as typed. A note the app writes is a
`SystemNote`: its English text is stored as the event's note (what logs, exports and
older readers see), and its key and parameters go into the event's data, so the API
can say it again in the language of the request (English or Simplified Chinese).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from saleor_returns.money import quantize

NOTE_KEY = "note_key"
NOTE_PARAMS = "note_params"

CATALOG: dict[str, dict[str, str]] = {
    "auto_approved": {
        "en": "Approved automatically.",
        "zh": "已自动批准。",
    },
    "label_ready": {
        "en": "Your return label is ready.",
        "zh": "您的退货运单已生成。",
    },
    "in_transit": {
        "en": "Your parcel is on its way back.",
        "zh": "您的包裹正在寄回途中。",
    },
    "delivered": {
        "en": "Your parcel arrived; we will inspect it shortly.",
        "zh": "您的包裹已送达，我们会尽快检验。",
    },
    "handed_in": {
        "en": "Your parcel was handed in to us without a carrier's tracking.",
        "zh": "您的包裹已直接交给我们，没有承运商的物流跟踪。",
    },
    "received": {
        "en": "We received your parcel.",
        "zh": "我们已收到您的包裹。",
    },
    "inspected": {
        "en": "Inspection finished.",
        "zh": "检验已完成。",
    },
    "no_scan": {
        "en": "No carrier scan {days} days after the label.",
        "zh": "运单生成 {days} 天后仍没有承运商扫描记录。",
    },
    "not_shipped": {
        "en": "Not shipped within {days} days of approval.",
        "zh": "批准后 {days} 天内未寄出。",
    },
    "carrier_claim": {
        "en": "Carrier claim with {carrier}: {amount} {currency}, {status}.",
        "zh": "向 {carrier} 提出的承运商索赔：{amount} {currency}，{status}。",
    },
    "replacement_retried": {
        "en": "Replacement order retried.",
        "zh": "已重试补发订单。",
    },
    "replacement_sent": {
        "en": "Your new item is on its way with order #{order_number}.",
        "zh": "您的新商品已随订单 #{order_number} 发出。",
    },
    "exchange_awaiting_payment": {
        "en": "Your new item costs {amount} {currency} more; order #{order_number} waits for that payment.",
        "zh": "您的新商品需补差价 {amount} {currency}；订单 #{order_number} 等待这笔付款。",
    },
    "exchange_paid": {
        "en": "Payment received; your new item is on its way with order #{order_number}.",
        "zh": "已收到付款；您的新商品已随订单 #{order_number} 发出。",
    },
    "refund_started": {
        "en": "{kind}: {amount} {currency}",
        "zh": "{kind}：{amount} {currency}",
    },
    "refund_succeeded": {
        "en": "{amount} {currency} refunded.",
        "zh": "已退款 {amount} {currency}。",
    },
}

# Parameters whose values are themselves words to translate: parameter -> {value: {language: text}}.
TERMS: dict[str, dict[str, dict[str, str]]] = {
    "status": {
        "filed": {"en": "filed", "zh": "已提交"},
        "approved": {"en": "approved", "zh": "已批准"},
        "rejected": {"en": "rejected", "zh": "已拒绝"},
        "paid": {"en": "paid", "zh": "已赔付"},
    },
    "kind": {
        "original_payment": {"en": "Original payment", "zh": "原路退款"},
        "legacy_payment": {"en": "Original payment (legacy)", "zh": "原路退款（旧版支付）"},
        "store_credit": {"en": "Store credit", "zh": "店铺余额"},
    },
}


def _language(language: str) -> str:
    return "zh" if (language or "").lower().replace("_", "-").startswith("zh") else "en"


def _amount(value, currency) -> str:
    """An amount as a person reads it: in the currency's precision (104.00 USD, 500 JPY)."""
    try:
        return str(quantize(Decimal(str(value)), str(currency)))
    except (InvalidOperation, ValueError, KeyError, TypeError):
        return str(value)


def _say(key: str, params: dict, language: str) -> str:
    language = _language(language)
    words = {
        name: TERMS.get(name, {}).get(str(value), {}).get(language, value)
        for name, value in params.items()
    }
    if "amount" in params and params.get("currency"):
        words["amount"] = _amount(params["amount"], params["currency"])
    return CATALOG[key][language].format(**words)


class SystemNote(str):
    """A note in the app's own words: English text, with what is needed to say it again."""

    key: str
    params: dict

    def __new__(cls, key: str, **params):
        if key not in CATALOG:
            raise KeyError(f"No timeline note {key!r}.")
        params = {name: str(value) if isinstance(value, Decimal) else value for name, value in params.items()}
        note = super().__new__(cls, _say(key, params, "en"))
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
    if key in CATALOG:
        try:
            return _say(key, data.get(NOTE_PARAMS) or {}, language)
        except (KeyError, IndexError, ValueError):
            pass
    return event.note
