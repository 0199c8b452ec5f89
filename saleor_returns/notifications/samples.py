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


def sample_data(event: str) -> dict:
    data = {
        "return_request_id": "UmV0dXJuUmVxdWVzdDpzYW1wbGU=", "rma_number": "RMA-000123",
        "order_id": "T3JkZXI6c2FtcGxl", "order_number": "1042", "status": "approved", "kind": "return",
        "resolution": "refund", "lines": SAMPLE_LINES,
        "ship_by": (timezone.now() + timedelta(days=14)).date().isoformat(),
        **SAMPLE_FACTS,
    }
    return {key: data.get(key) for key in catalog.data_keys(event)}


def sample_recipient(shop_name: str, support_email: str) -> Recipient:
    portal = f"{settings.APP_PUBLIC_URL}/portal/preview/"
    return Recipient(
        customer_name="Alex Kim", shop_name=shop_name, support_email=support_email,
        return_link=portal + "return?link=preview", survey_link=portal + "survey?link=preview",
    )
