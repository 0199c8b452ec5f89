"""A return's page lists the e-mails sent to its customer ("Messages we sent you"), in their language; webhooks never."""

import pytest
from django.db import transaction

from saleor_returns.models.notifications import Message, MessageEvent
from saleor_returns.notifications.actions import record_message
from saleor_returns.notifications.events import message_context
from saleor_returns.notifications.tasks import send_message_task
from saleor_returns.notifications.webhooks import create_endpoint
from tests.notifications.conftest import smtp_server, smtp_settings, subject  # noqa: F401 - fixtures
from tests.portal.conftest import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("smtp_settings")]


def tell(return_request, event: str) -> Message:
    """The step's messages written, then its e-mail sent (its webhook is left waiting)."""
    with transaction.atomic():
        record_message(return_request, event, context=message_context(return_request, event))
    message = Message.objects.get(return_request=return_request, event=event, channel="email")
    send_message_task(str(message.pk))
    message.refresh_from_db()
    return message


def test_the_page_lists_the_emails_sent_with_when_and_how_they_went(visitor, guest_return, smtp_server, shop):
    # given: the request's receipt e-mailed, its webhook to the shop's ERP waiting
    return_request, path = guest_return
    create_endpoint(installation=shop, url="https://93.184.216.34/hooks/returns")
    sent = tell(return_request, MessageEvent.REQUEST_RECEIVED)
    (mail,) = smtp_server.received

    # when
    page = visitor.get(path)

    # then
    body = text(page)
    assert "Messages we sent you" in body
    assert subject(mail) in body
    assert f"{sent.sent_at.strftime('%Y-%m-%d')}" in body and "Sent" in body
    assert body.count(subject(mail)) == 1
    assert Message.objects.filter(channel="webhook").count() == 1
    assert "93.184.216.34" not in page.content.decode()


def test_an_email_that_could_not_be_delivered_says_so_without_the_servers_answer(visitor, guest_return, smtp_server):
    # given
    return_request, path = guest_return
    smtp_server.refuse("550 5.1.1 mailbox unavailable at mx7.internal.example")
    tell(return_request, MessageEvent.REQUEST_RECEIVED)

    # when
    page = visitor.get(path)

    # then
    assert "Could not be delivered" in text(page)
    assert "mx7.internal.example" not in page.content.decode()


def test_a_return_without_emails_says_so(visitor, guest_return):
    # given: a return nothing was e-mailed about (its receipt's row taken away)
    return_request, path = guest_return
    Message.objects.filter(return_request=return_request).delete()

    # when
    page = visitor.get(path)

    # then
    assert "We have not e-mailed you about this return yet." in text(page)


def test_the_list_speaks_chinese(visitor, guest_return, smtp_server):
    # given
    return_request, path = guest_return
    tell(return_request, MessageEvent.REQUEST_RECEIVED)
    visitor.client.cookies["portal_lang"] = "zh-hans"

    # when
    page = visitor.get(path)

    # then
    body = text(page)
    assert "我们发给您的消息" in body and "已发送" in body
