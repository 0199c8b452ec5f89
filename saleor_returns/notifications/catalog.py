"""What each event carries: its data keys, the placeholders its templates may use, its webhook type.

The placeholders are a fixed, documented set (README.md, "Messages"): a template that names
any other one is refused. Each is a piece of text made for the message's language from the
event's data (`values.placeholder_values`).
"""

from saleor_returns.models.notifications import TEST_EVENT, MessageEvent, ShopEvent

# The version of the webhook payload's `data`; a change that removes or renames a key makes a new one.
SCHEMA_VERSION = 1

# Every event's data (and webhook payload) has these keys.
COMMON_DATA_KEYS = (
    "return_request_id", "rma_number", "order_id", "order_number", "status", "kind", "resolution", "lines",
)
EVENT_DATA_KEYS: dict[str, tuple[str, ...]] = {
    MessageEvent.REQUEST_RECEIVED: (),
    MessageEvent.APPROVED: ("ship_by", "label_url", "qr_code_url", "return_address"),
    MessageEvent.INFO_REQUESTED: ("question",),
    MessageEvent.REJECTED: ("reason",),
    MessageEvent.SHIP_REMINDER: ("ship_by", "label_url", "qr_code_url"),
    MessageEvent.PARCEL_RECEIVED: (),
    MessageEvent.INSPECTED: (),
    MessageEvent.REFUNDED: ("amount", "components", "method"),
    # The gift card is named by the last four characters of its code, never by the code.
    MessageEvent.STORE_CREDIT_ISSUED: ("amount", "gift_card_last4"),
    MessageEvent.REPLACEMENT_PLACED: ("replacement_order_number", "amount_to_pay"),
    MessageEvent.CLAIM_DECIDED: ("decision", "reason"),
    MessageEvent.CANCELED: (),
    MessageEvent.EXPIRED: ("ship_by",),
    # Signed when the invitation is recorded; the e-mail signs its own when it is sent.
    MessageEvent.SURVEY_INVITATION: ("survey_link",),
    # Rates and interval bounds are fractions (0.3 is 30 %) as strings; the intervals are 95 % Wilson intervals.
    ShopEvent.SPIKE_ALERT: (
        "spike_alert_id", "variant_id", "sku", "product_name", "week_start", "week_end", "sold_units",
        "returned_units", "return_rate", "rate_interval", "baseline_weeks", "baseline_sold_units",
        "baseline_returned_units", "baseline_rate", "baseline_interval", "dominant_reason_code",
        "dominant_reason_labels", "desk_url",
    ),
}
# Events of the shop rather than of one return: their data has none of the common keys.
SHOP_EVENTS = frozenset(ShopEvent.values)

PLACEHOLDER_DESCRIPTIONS = {
    "rma_number": "The return's number, e.g. RMA-000123.",
    "order_number": "The order's number in the shop.",
    "customer_name": "The customer's name from the order (empty when the order has none).",
    "shop_name": "The sender name in the e-mail settings, else the shop's domain.",
    "support_email": "The reply-to address in the e-mail settings, else the sender address.",
    "return_link": "A signed link that opens this return in the returns portal.",
    "items": "The returned items, one a line, with the quantities this step is about.",
    "deadline": "The last day to send the parcel, in the customer's language.",
    "label_url": "The return label to print (empty without a label).",
    "qr_code_url": "The QR code to show at a drop-off point instead of a label (empty without one).",
    "return_address": "Where to send the parcel, one part a line (empty when a label carries it).",
    "question": "What the shop asked the customer.",
    "reason": "Why the shop decided as it did.",
    "amount": "The amount refunded or credited, with its currency.",
    "refund_components": "What the refund is made of, one part a line (fees the shop keeps are negative).",
    "refund_method": "Where the money goes (the original payment method).",
    "gift_card_last4": "The last four characters of the gift card's code (the code itself is never in a message).",
    "replacement_order_number": "The number of the order that sends the new item.",
    "amount_to_pay": "What the customer still pays for a dearer item (empty when nothing).",
    "decision": "The claim's outcome: approved or rejected.",
    "survey_link": "A signed link to the satisfaction survey.",
    "product": "The variant's product name, else its SKU, else its id.",
    "sku": "The variant's SKU (empty when it has none).",
    "week": "The week of the spike, Monday to Sunday, in the message's language.",
    "return_rate": "The week's return rate, e.g. 30.0 %.",
    "rate_interval": "The week's rate as a 95 % interval, e.g. 21.9 % – 39.6 %.",
    "baseline_rate": "The return rate of the weeks before (the baseline).",
    "baseline_interval": "The baseline's rate as a 95 % interval.",
    "baseline_weeks": "How many weeks the baseline covers.",
    "units": "Units returned and sold in the week, e.g. 30 of 100.",
    "baseline_units": "Units returned and sold in the baseline weeks.",
    "dominant_reason": "The reason given most often this week, in the message's language.",
    "desk_link": "The spike alerts in the returns desk (in the Saleor Dashboard).",
}
COMMON_PLACEHOLDERS = (
    "rma_number", "order_number", "customer_name", "shop_name", "support_email", "return_link", "items",
)
EVENT_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    MessageEvent.REQUEST_RECEIVED: (),
    MessageEvent.APPROVED: ("deadline", "label_url", "qr_code_url", "return_address"),
    MessageEvent.INFO_REQUESTED: ("question",),
    MessageEvent.REJECTED: ("reason",),
    MessageEvent.SHIP_REMINDER: ("deadline", "label_url", "qr_code_url"),
    MessageEvent.PARCEL_RECEIVED: (),
    MessageEvent.INSPECTED: (),
    MessageEvent.REFUNDED: ("amount", "refund_components", "refund_method"),
    MessageEvent.STORE_CREDIT_ISSUED: ("amount", "gift_card_last4"),
    MessageEvent.REPLACEMENT_PLACED: ("replacement_order_number", "amount_to_pay"),
    MessageEvent.CLAIM_DECIDED: ("decision", "reason"),
    MessageEvent.CANCELED: (),
    MessageEvent.EXPIRED: ("deadline",),
    MessageEvent.SURVEY_INVITATION: ("survey_link",),
    ShopEvent.SPIKE_ALERT: (
        "product", "sku", "week", "return_rate", "rate_interval", "baseline_rate", "baseline_interval",
        "baseline_weeks", "units", "baseline_units", "dominant_reason", "desk_link",
    ),
}
# What every shop-level event's templates may use.
SHOP_PLACEHOLDERS = ("shop_name",)

# Reminders and surveys: they carry List-Unsubscribe and are not sent to an address that opted out.
NON_TRANSACTIONAL = frozenset({MessageEvent.SHIP_REMINDER, MessageEvent.SURVEY_INVITATION})


def event_of(event: str) -> MessageEvent | ShopEvent:
    """A return's step or a shop's event by its value; ValueError for anything else."""
    return ShopEvent(event) if event in ShopEvent.values else MessageEvent(event)


def is_shop_event(event: str) -> bool:
    return event in SHOP_EVENTS


def data_keys(event: str) -> tuple[str, ...]:
    common = () if is_shop_event(event) else COMMON_DATA_KEYS
    return common + EVENT_DATA_KEYS[event_of(event)]


def placeholders(event: str) -> tuple[str, ...]:
    common = SHOP_PLACEHOLDERS if is_shop_event(event) else COMMON_PLACEHOLDERS
    return common + EVENT_PLACEHOLDERS[event_of(event)]


def is_transactional(event: str) -> bool:
    return event not in NON_TRANSACTIONAL


def webhook_type(event: str) -> str:
    """The payload's `type`: `return.approved`, ..., `shop.spike_alert` for a shop-level event, and
    `webhook.test` for a test event."""
    if event == TEST_EVENT:
        return "webhook.test"
    return f"{'shop' if is_shop_event(event) else 'return'}.{event_of(event).value}"
