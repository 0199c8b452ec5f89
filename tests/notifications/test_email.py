"""E-mail through Django's backends to a real SMTP server (and a mail service through anymail), retried and shown."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from saleor_returns.notifications import email
from saleor_returns.notifications.events import message_context
from saleor_returns.models.notifications import Message, MessageEvent, OrderContact, SenderSettings
from saleor_returns.notifications.actions import record_message
from saleor_returns.notifications.sender import update_sender_settings
from saleor_returns.notifications.tasks import send_due_messages_task
from tests.notifications.conftest import SmtpServer, html_of, subject, text_of

pytestmark = pytest.mark.usefixtures("smtp_settings")


def send(return_request, event=MessageEvent.APPROVED, occurrence="", capture=None) -> Message:
    """Record the event in a step's transaction and run what its commit queues; the e-mail message."""
    with capture(execute=True):
        with transaction.atomic():
            record_message(return_request, event, context=message_context(return_request, event), occurrence=occurrence)
    return Message.objects.get(return_request=return_request, event=event, occurrence=occurrence, channel="email")


@pytest.fixture
def sent(return_request, django_capture_on_commit_callbacks):
    def send_event(event=MessageEvent.APPROVED, occurrence=""):
        return send(return_request, event, occurrence, django_capture_on_commit_callbacks)

    return send_event


def test_the_customer_gets_text_and_html_in_the_orders_language_from_the_shops_sender(
    return_request, sent, smtp_server
):
    # given
    update_sender_settings(installation=return_request.installation, from_name="Trail Outfitters",
                           from_email="returns@trail.example", reply_to="help@trail.example")

    # when
    message = sent(MessageEvent.APPROVED)

    # then: one e-mail, from the shop, in Simplified Chinese (the order's languageCodeEnum), to the customer
    (mail,) = smtp_server.received
    assert (mail["From"], mail["Reply-To"], mail["To"]) == (
        "Trail Outfitters <returns@trail.example>", "help@trail.example", "wang.fang@example.com"
    )
    assert subject(mail) == f"您的退货 {return_request.rma_number} 已获批准"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["List-Unsubscribe"] is None
    assert text_of(mail).startswith("王芳，您好：\n\n您对订单")
    assert "Trail Sneaker (EU 42) × 1" in text_of(mail)
    assert f"https://returns.example.com/portal/{return_request.installation_id}/return?link=rpl_" in text_of(mail)
    assert '<html lang="zh-Hans">' in html_of(mail) and "<p>王芳，您好：</p>" in html_of(mail)
    assert smtp_server.envelopes[0].mail_from == "returns@trail.example"
    # then: the row says what was sent
    assert (message.status, message.attempts, message.language, message.subject, message.last_error) == (
        "sent", 1, "zh-hans", subject(mail), ""
    )
    assert message.sent_at is not None
    contact = OrderContact.objects.get(return_request=return_request)
    assert (contact.language_code, contact.customer_name) == ("ZH_HANS", "王芳")


def test_an_order_in_another_language_is_written_to_in_english(
    return_request, sent, smtp_server, fake_saleor, order
):
    # given
    fake_saleor.lookup(order["id"])["languageCodeEnum"] = "DE"
    fake_saleor.lookup(order["id"])["billingAddress"] = {"firstName": "Emma", "lastName": "Schulz"}

    # when
    sent(MessageEvent.APPROVED)

    # then
    (mail,) = smtp_server.received
    assert subject(mail) == f"Your return {return_request.rma_number} is approved"
    assert text_of(mail).startswith("Hello Emma Schulz,\n\nyour return")


def test_the_order_is_read_once_per_return(return_request, sent, fake_saleor):
    # when
    sent(MessageEvent.APPROVED)
    sent(MessageEvent.SHIP_REMINDER)

    # then
    assert [request["operation_name"] for request in fake_saleor.requests].count("OrderContact") == 1


def test_the_shop_not_answering_with_the_language_is_retried(return_request, sent, fake_saleor, smtp_server):
    # given
    fake_saleor.fail_next(count=10, status=503, operation="OrderContact")

    # when
    message = sent(MessageEvent.APPROVED)

    # then
    assert (message.status, message.last_error) == ("pending", "The shop did not answer with the order's language.")
    assert smtp_server.received == []


def test_a_reminder_can_be_unsubscribed_from_and_an_opted_out_address_gets_no_more(
    return_request, sent, smtp_server, client
):
    # when
    first = sent(MessageEvent.SHIP_REMINDER, occurrence="1")

    # then: List-Unsubscribe (RFC 2369) with one-click (RFC 8058), and the same link in the text
    (mail,) = smtp_server.received
    link = mail["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith("https://returns.example.com/notifications/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in text_of(mail) and link in html_of(mail)
    assert "wang.fang" not in link

    # when: the mail client posts the one-click unsubscribe
    answer = client.post(link.removeprefix("https://returns.example.com"), "List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200

    # when: the next reminder, and a message about the return itself
    second = sent(MessageEvent.SHIP_REMINDER, occurrence="2")
    canceled = sent(MessageEvent.CANCELED)

    # then
    assert (first.status, second.status, canceled.status) == ("sent", "skipped", "sent")
    assert second.last_error == "The customer unsubscribed from reminders and surveys."
    assert list(second.attempt_log.values_list("outcome", flat=True)) == ["skipped"]
    assert [subject(mail) for mail in smtp_server.received] == [
        subject(smtp_server.received[0]), f"您的退货 {return_request.rma_number} 已取消"
    ]


@pytest.mark.parametrize(
    ("_case", "reply", "status", "error", "retried"),
    [
        ("greylisted", "451 4.7.1 Greylisted, try again later", "pending",
         "The mail server answered 451 4.7.1 Greylisted, try again later", True),
        ("rejected", "554 5.7.1 Message rejected as spam", "failed",
         "The mail server answered 554 5.7.1 Message rejected as spam", False),
    ],
)
def test_a_mail_server_refusal_is_retried_only_when_it_may_pass(
    return_request, sent, smtp_server, _case, reply, status, error, retried
):
    # given
    smtp_server.refuse(reply)
    before = timezone.now()

    # when
    message = sent(MessageEvent.APPROVED)

    # then: shown on the row and its attempt
    assert (message.status, message.attempts, message.last_error) == (status, 1, error)
    assert list(message.attempt_log.values_list("outcome", "error")) == [("retry" if retried else "failed", error)]
    assert smtp_server.received == []
    if not retried:
        assert message.next_attempt_at is None
        return
    assert before + timedelta(seconds=59) < message.next_attempt_at < timezone.now() + timedelta(seconds=61)

    # when: the sweep runs before and after the retry is due
    send_due_messages_task()
    assert Message.objects.get(pk=message.pk).attempts == 1
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    send_due_messages_task()

    # then
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert list(message.attempt_log.values_list("outcome", flat=True)) == ["retry", "sent"]
    assert len(smtp_server.received) == 1


def test_a_mail_server_that_is_down_is_retried_with_growing_waits_then_given_up(return_request, sent, smtp_server):
    # given
    smtp_server.stop()

    # when
    message = sent(MessageEvent.APPROVED)
    waits = [message.next_attempt_at - timezone.now()]
    for _ in range(email.MAX_ATTEMPTS - 1):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        send_due_messages_task()
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - timezone.now())

    # then
    assert (message.status, message.attempts) == ("failed", email.MAX_ATTEMPTS)
    assert message.last_error == "The mail server could not be reached (ConnectionRefusedError)."
    assert [round(wait.total_seconds() / 60) for wait in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.fixture
def shops_smtp_server():
    """The shop's own SMTP server, which asks for a login."""
    server = SmtpServer(logins={"shop-user": "s3cret-pass"})
    yield server
    server.stop()


def use_shops_server(return_request, server: SmtpServer, password: str) -> None:
    update_sender_settings(installation=return_request.installation, transport="smtp", smtp_host="127.0.0.1",
                           smtp_port=server.port, smtp_security="none", smtp_username="shop-user",
                           smtp_password=password)


def test_the_shops_own_smtp_server_is_used_with_its_password_kept_encrypted(
    return_request, sent, smtp_server, shops_smtp_server
):
    # given: the deployment's server is down
    smtp_server.stop()
    use_shops_server(return_request, shops_smtp_server, "s3cret-pass")

    # when
    message = sent(MessageEvent.APPROVED)

    # then
    assert message.status == "sent"
    assert (len(shops_smtp_server.received), shops_smtp_server.logged_in) == (1, ["shop-user"])
    stored = SenderSettings.objects.get()
    assert "s3cret-pass" not in stored.encrypted_secrets
    assert stored.secrets == {"password": "s3cret-pass"}


def test_a_wrong_smtp_password_fails_the_message_with_the_servers_answer(return_request, sent, shops_smtp_server):
    # given
    use_shops_server(return_request, shops_smtp_server, "wrong")

    # when
    message = sent(MessageEvent.APPROVED)

    # then
    assert (message.status, message.next_attempt_at) == ("failed", None)
    assert message.last_error.startswith("The mail server answered 535")
    assert shops_smtp_server.received == []


@pytest.mark.parametrize(("_case", "host"), [("loopback", "127.0.0.1"), ("private", "10.0.0.5")])
def test_an_smtp_server_on_an_internal_address_is_refused(return_request, settings, _case, host):
    # given
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False

    # when
    with pytest.raises(ValidationError) as refused:
        update_sender_settings(installation=return_request.installation, transport="smtp", smtp_host=host)

    # then
    assert refused.value.message_dict == {
        "smtp_host": [f"The server's address is {_case}: mail goes to public servers only."]
    }
    assert not SenderSettings.objects.filter(transport="smtp").exists()


def test_a_mail_service_is_reached_through_anymail(return_request, sent, settings, webhook_receiver, smtp_server):
    # given: Postmark's API, served by a local double
    api = webhook_receiver.url.rsplit("/", 2)[0] + "/"
    settings.ANYMAIL = {"POSTMARK_API_URL": api}
    webhook_receiver.default = (200, json.dumps({
        "To": "wang.fang@example.com", "SubmittedAt": "2026-05-01T09:00:00Z", "MessageID": "b7bc2f4a-e38e-4336",
        "ErrorCode": 0, "Message": "OK",
    }).encode())
    update_sender_settings(installation=return_request.installation, transport="esp", esp="postmark",
                           api_key="server-token-123", from_name="Trail Outfitters", from_email="returns@trail.example")

    # when
    message = sent(MessageEvent.APPROVED)

    # then
    assert message.status == "sent"
    (request,) = webhook_receiver.requests
    body = json.loads(request["body"])
    assert request["path"] == "/email"
    assert request["headers"]["X-Postmark-Server-Token"] == "server-token-123"
    assert (body["To"], body["From"]) == ("wang.fang@example.com", "Trail Outfitters <returns@trail.example>")
    assert body["Subject"] == message.subject and "王芳" in body["TextBody"] and "<html" in body["HtmlBody"]
    assert smtp_server.received == []


@pytest.mark.parametrize(("_case", "status", "outcome"), [("down", 503, "pending"), ("refused", 422, "failed")])
def test_a_mail_service_error_is_retried_only_when_it_may_pass(
    return_request, sent, settings, webhook_receiver, _case, status, outcome
):
    # given
    settings.ANYMAIL = {"POSTMARK_API_URL": webhook_receiver.url.rsplit("/", 2)[0] + "/"}
    webhook_receiver.default = (status, b'{"ErrorCode": 300, "Message": "Invalid email request"}')
    update_sender_settings(installation=return_request.installation, transport="esp", esp="postmark",
                           api_key="server-token-123")

    # when
    message = sent(MessageEvent.APPROVED)

    # then
    assert message.status == outcome
    assert message.last_error.startswith(f"The mail service answered {status}: Postmark API response {status}")


@pytest.mark.parametrize(
    ("_case", "changes", "errors"),
    [
        ("bad addresses", {"from_email": "not-an-address", "reply_to": "x@"},
         {"from_email": ["This is not an e-mail address."], "reply_to": ["This is not an e-mail address."]}),
        ("smtp without host", {"transport": "smtp"}, {"smtp_host": ["Give the SMTP server's host name."]}),
        ("unknown service", {"transport": "esp", "esp": "pigeon"},
         {"esp": ["Choose one of postmark, mailgun, amazon_ses, sendgrid."]}),
        ("service without key", {"transport": "esp", "esp": "sendgrid"}, {"api_key": ["Give the mail service's API key."]}),
        ("ses without secret and region", {"transport": "esp", "esp": "amazon_ses", "api_key": "AKIA1"},
         {"secret_key": ["Give the secret access key."], "region": ["Give the AWS region, e.g. eu-west-1."]}),
    ],
)
def test_bad_sender_settings_are_refused_field_by_field_and_change_nothing(return_request, _case, changes, errors):
    # when
    with pytest.raises(ValidationError) as refused:
        update_sender_settings(installation=return_request.installation, **changes)

    # then
    assert refused.value.message_dict == errors
    assert not SenderSettings.objects.exclude(transport="default").exists()
    assert not SenderSettings.objects.exclude(from_email="").exists()
