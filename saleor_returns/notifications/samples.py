"""Sample data for previews: one made-up return with every placeholder of every event filled in."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from saleor_returns.notifications import catalog
from saleor_returns.notifications.values import Recipient

SAMPLE_LINES = [
    {
        "id": "UmV0dXJuTGluZTpzYW1wbGUtMQ==", "order_line_id": "T3JkZXJMaW5lOjE=", "sku": "SNEAKER-42",
        "product_name": "Trail Sneaker", "variant_name": "EU 42", "reason_code": "TOO_SMALL",
        "requested_quantity": 2, "approved_quantity": 2, "received_quantity": 2, "accepted_quantity": 1,
    },
    {
        "id": "UmV0dXJuTGluZTpzYW1wbGUtMg==", "order_line_id": "T3JkZXJMaW5lOjI=", "sku": "TEE-L",
        "product_name": "Organic Tee", "variant_name": "L", "reason_code": "CHANGED_MIND",
        "requested_quantity": 1, "approved_quantity": 1, "received_quantity": 1, "accepted_quantity": 1,
    },
]
SAMPLE_FACTS = {
    "label_url": "https://labels.example.com/RMA-000123.pdf",
    "qr_code_url": "https://labels.example.com/RMA-000123.png",
    "return_address": {"name": "Returns Department", "company": "", "street1": "Hauptstr. 1", "street2": "",
                       "city": "Berlin", "state": "", "zip": "10115", "country": "DE"},
    "question": "Could you send a photo of the damaged sole?",
    "reason": "The item was worn outside, so we cannot take it back.",
    "amount": {"amount": "108.00", "currency": "USD"},
    "components": [
        {"code": "items", "amount": "114.00"}, {"code": "restocking_fee", "amount": "-6.00"},
    ],
    "method": "original_payment",
    "gift_card_last4": "7Q2K",
    "replacement_order_number": "1043",
    "amount_to_pay": {"amount": "10.00", "currency": "USD"},
    "decision": "approved",
}
SAMPLE_SPIKE_ALERT = {
    "spike_alert_id": "UmV0dXJuU3Bpa2VBbGVydDpzYW1wbGU=", "variant_id": "UHJvZHVjdFZhcmlhbnQ6NDI=",
    "sku": "SNEAKER-42", "product_name": "Trail Sneaker", "sold_units": 100, "returned_units": 30,
    "return_rate": "0.3", "rate_interval": {"lower": "0.219", "upper": "0.396"}, "baseline_weeks": 8,
    "baseline_sold_units": 800, "baseline_returned_units": 40, "baseline_rate": "0.05",
    "baseline_interval": {"lower": "0.037", "upper": "0.067"}, "dominant_reason_code": "TOO_SMALL",
    "dominant_reason_labels": {"en": "Too small", "zh-hans": "太小"},
}


def sample_data(event: str) -> dict:
    today = timezone.now().date()
    last_monday = today - timedelta(days=today.weekday() + 7)
    data = {
        "return_request_id": "UmV0dXJuUmVxdWVzdDpzYW1wbGU=", "rma_number": "RMA-000123",
        "order_id": "T3JkZXI6c2FtcGxl", "order_number": "1042", "status": "approved", "kind": "return",
        "resolution": "refund", "lines": SAMPLE_LINES,
        "ship_by": (timezone.now() + timedelta(days=14)).date().isoformat(),
        **SAMPLE_FACTS,
        **SAMPLE_SPIKE_ALERT,
        "week_start": last_monday.isoformat(), "week_end": (last_monday + timedelta(days=6)).isoformat(),
        "desk_url": f"{settings.APP_PUBLIC_URL}/dashboard/returners",
    }
    return {key: data.get(key) for key in catalog.data_keys(event)}


def sample_recipient(shop_name: str, support_email: str) -> Recipient:
    portal = f"{settings.APP_PUBLIC_URL}/portal/preview/"
    return Recipient(
        customer_name="Alex Kim", shop_name=shop_name, support_email=support_email,
        return_link=portal + "return?link=preview", survey_link=portal + "survey?link=preview",
    )
