"""The customer's view of a return's messages (`ReturnRequest.customerMessages`): their e-mails only, in their
terms, for the return's customer, guest or link and for staff alike; never webhooks, errors or endpoints."""

import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_returns.api.lookup_tokens import issue_lookup_token
from saleor_returns.models.notifications import Message, MessageEvent
from saleor_returns.notifications.actions import record_message
from saleor_returns.notifications.events import message_context
from saleor_returns.notifications.tasks import send_message_task
from saleor_returns.notifications.webhooks import create_endpoint
from saleor_returns.return_links import LinkPurpose, issue_link_token
from tests.api.conftest import Caller, as_staff, shipped_order, shop, staff_user  # noqa: F401 - fixtures
from tests.notifications.conftest import order, return_request, smtp_server, smtp_settings, subject, text_of  # noqa: F401

pytestmark = pytest.mark.usefixtures("smtp_settings")

CUSTOMER_MESSAGES = """query($id: ID!) { returnRequest(id: $id) {
  customerMessages { id event subject status language createdAt sentAt textBody } } }"""
# An IP literal: a public address without a DNS lookup; nothing is delivered to it here.
PUBLIC_HOOK = "https://93.184.216.34/hooks/returns"


def record(return_request, event: str) -> None:
    """The step's messages, written as a step writes them (nothing is sent: no commit callback runs)."""
    with transaction.atomic():
        record_message(return_request, event, context=message_context(return_request, event))


def email_of(return_request, event: str) -> Message:
    return Message.objects.get(return_request=return_request, event=event, channel="email")


def send(message: Message) -> Message:
    send_message_task(str(message.pk))
    message.refresh_from_db()
    return message


def global_id(return_request) -> str:
    return to_global_id("ReturnRequest", str(return_request.pk))


@pytest.fixture
def as_customer(client, installation, fake_saleor, return_request):
    """The return's customer (Wang Fang), with her Saleor access token."""
    customer = next(user for user in fake_saleor.users if user["email"] == "wang.fang@example.com")
    return Caller(client, installation.saleor_api_url, fake_saleor.issue_customer_token(customer))


@pytest.fixture
def told(return_request, smtp_server):
    """The approval told: the e-mail sent to the customer, and a webhook to the shop's ERP."""
    create_endpoint(installation=return_request.installation, url=PUBLIC_HOOK, description="ERP")
    record(return_request, MessageEvent.APPROVED)
    return send(email_of(return_request, MessageEvent.APPROVED))


def test_the_customer_reads_the_email_sent_to_them(as_customer, return_request, told, smtp_server):
    # when
    result = as_customer(CUSTOMER_MESSAGES, {"id": global_id(return_request)})

    # then: the e-mail as received, its webhook not listed
    (mail,) = smtp_server.received
    (message,) = result["data"]["returnRequest"]["customerMessages"]
    assert message == {
        "id": to_global_id("ReturnMessage", str(told.pk)), "event": "APPROVED", "subject": subject(mail),
        "status": "SENT", "language": "zh-hans", "createdAt": message["createdAt"], "sentAt": message["sentAt"],
        "textBody": message["textBody"],
    }
    assert message["sentAt"] is not None
    assert message["textBody"].startswith("王芳，您好：")
    assert "Trail Sneaker (EU 42) × 1" in message["textBody"]
    assert Message.objects.filter(return_request=return_request, channel="webhook").count() == 1


def test_staff_see_the_same_list_as_the_customer(as_customer, as_staff, return_request, told):
    # when
    customers = as_customer(CUSTOMER_MESSAGES, {"id": global_id(return_request)})["data"]["returnRequest"]
    staffs = as_staff(CUSTOMER_MESSAGES, {"id": global_id(return_request)})["data"]["returnRequest"]

    # then: links in the text are signed anew on each reading; everything else is the same
    def without_links(messages):
        return [{**message, "textBody": message["textBody"].split("?link=")[0]} for message in messages]

    assert len(customers["customerMessages"]) == 1
    assert without_links(staffs["customerMessages"]) == without_links(customers["customerMessages"])


def test_a_guest_and_the_returns_link_see_them_too(client, installation, return_request, order, told):
    # given
    lookup_token, _ = issue_lookup_token(installation=installation, order_id=order["id"],
                                         email="wang.fang@example.com", ttl_seconds=600)
    guest = Caller(client, installation.saleor_api_url, lookup_token)
    link = Caller(client, installation.saleor_api_url, issue_link_token(return_request, LinkPurpose.STATUS))

    # when
    results = [caller(CUSTOMER_MESSAGES, {"id": global_id(return_request)}) for caller in (guest, link)]

    # then
    for result in results:
        (message,) = result["data"]["returnRequest"]["customerMessages"]
        assert (message["event"], message["status"]) == ("APPROVED", "SENT")


def test_another_customer_or_guest_is_refused(client, installation, fake_saleor, return_request, told):
    # given: another customer, and a guest of another order
    other = fake_saleor.add_customer("li.lei@example.com")
    as_other = Caller(client, installation.saleor_api_url, fake_saleor.issue_customer_token(other))
    others_order = shipped_order(fake_saleor, other, lines=[
        {"sku": "CAP-L", "quantity": 1, "unit_price": Decimal("15.00"), "product_name": "Cap", "variant_name": "L"}])
    lookup_token, _ = issue_lookup_token(installation=installation, order_id=others_order["id"],
                                         email="li.lei@example.com", ttl_seconds=600)
    other_guest = Caller(client, installation.saleor_api_url, lookup_token)
    anonymous = Caller(client, installation.saleor_api_url, None)

    # when
    results = [caller(CUSTOMER_MESSAGES, {"id": global_id(return_request)}) for caller in (as_other, other_guest)]
    nobody = anonymous(CUSTOMER_MESSAGES, {"id": global_id(return_request)})

    # then
    assert [result["data"]["returnRequest"] for result in results] == [None, None]
    assert nobody["data"]["returnRequest"] is None
    assert nobody["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_each_status_is_told_in_the_customers_terms_and_errors_stay_hidden(as_customer, return_request, smtp_server):
    # given: an e-mail still waiting, one the mail server refused for good, one not sent on purpose
    for event in (MessageEvent.APPROVED, MessageEvent.SHIP_REMINDER, MessageEvent.PARCEL_RECEIVED):
        record(return_request, event)
    smtp_server.refuse("550 5.1.1 <wang.fang@example.com>: mailbox unavailable on mx7.internal.example")
    refused = send(email_of(return_request, MessageEvent.SHIP_REMINDER))
    assert refused.status == "failed" and "mx7.internal.example" in refused.last_error
    Message.objects.filter(pk=email_of(return_request, MessageEvent.PARCEL_RECEIVED).pk).update(
        status="skipped", last_error="The customer unsubscribed from reminders and surveys.")

    # when
    result = as_customer(CUSTOMER_MESSAGES, {"id": global_id(return_request)})

    # then
    messages = result["data"]["returnRequest"]["customerMessages"]
    assert [(m["event"], m["status"], m["sentAt"]) for m in messages] == [
        ("APPROVED", "SENDING", None), ("SHIP_REMINDER", "NOT_DELIVERED", None),
    ]
    assert messages[0]["subject"] == f"您的退货 {return_request.rma_number} 已获批准"
    answer = json.dumps(result, ensure_ascii=False)
    # The mail server's answer, not any "550" (a timestamp's microseconds may hold one).
    assert "mx7.internal.example" not in answer and "550 5.1.1" not in answer and "mailbox unavailable" not in answer
    assert "unsubscribed" not in answer


def test_the_text_leaves_out_the_unsubscribe_line_and_carries_the_survey_link(
    as_customer, return_request, smtp_server
):
    # given: a survey invitation, sent with its unsubscribe line
    record(return_request, MessageEvent.SURVEY_INVITATION)
    send(email_of(return_request, MessageEvent.SURVEY_INVITATION))
    (mail,) = smtp_server.received
    assert "/notifications/unsubscribe/" in text_of(mail)

    # when
    (message,) = as_customer(CUSTOMER_MESSAGES, {"id": global_id(return_request)})["data"]["returnRequest"][
        "customerMessages"]

    # then
    assert message["subject"] == subject(mail)
    assert "/notifications/unsubscribe/" not in message["textBody"]
    assert f"/portal/{return_request.installation_id}/survey?link=rpl_" in message["textBody"]


def test_a_store_credit_message_names_the_gift_card_by_its_last_four_characters(as_customer, return_request):
    # given: the data of a store credit message, as the step records it
    Message.objects.create(
        installation=return_request.installation, return_request=return_request, event="store_credit_issued",
        channel="email", recipient="wang.fang@example.com", status="sent", attempts=1, sent_at=timezone.now(),
        language="en", data={**message_context(return_request, MessageEvent.REQUEST_RECEIVED),
                             "amount": {"amount": "25.00", "currency": "USD"}, "gift_card_last4": "7Q2Z"},
    )

    # when
    (message,) = as_customer(CUSTOMER_MESSAGES, {"id": global_id(return_request)})["data"]["returnRequest"][
        "customerMessages"]

    # then
    assert message["language"] == "en"
    assert "7Q2Z" in message["textBody"] and "$25.00" in message["textBody"]
