"""The unsubscribe link of reminders and surveys: a page that asks, a POST that opts out, forged links refused."""

import pytest
from django.core import signing
from django.db import transaction

from saleor_returns.notifications.events import message_context
from saleor_returns.models.notifications import EmailOptOut, Message, MessageEvent
from saleor_returns.notifications.actions import record_message
from saleor_returns.notifications.unsubscribe import SALT, unsubscribe_url

pytestmark = pytest.mark.usefixtures("smtp_settings")


@pytest.fixture
def reminder(return_request, django_capture_on_commit_callbacks) -> Message:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_message(return_request, MessageEvent.SHIP_REMINDER,
                       context=message_context(return_request, MessageEvent.SHIP_REMINDER))
    return Message.objects.get()


def path_of(message: Message) -> str:
    return unsubscribe_url(message).removeprefix("https://returns.example.com")


def test_the_link_asks_first_in_the_customers_language_and_changes_nothing(client, reminder):
    # when
    page = client.get(path_of(reminder))

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="zh-Hans">' in html
    assert "不再接收" in html and '<form method="post">' in html
    assert page["Referrer-Policy"] == "no-referrer"
    assert not EmailOptOut.objects.exists()


def test_posting_opts_the_address_out_once(client, reminder):
    # when
    first = client.post(path_of(reminder))
    second = client.post(path_of(reminder))

    # then
    assert (first.status_code, second.status_code) == (200, 200)
    assert "已退订" in first.content.decode()
    opt_out = EmailOptOut.objects.get()
    assert (opt_out.installation_id, opt_out.email) == (reminder.installation_id, "wang.fang@example.com")


@pytest.mark.parametrize("token", [
    "not-a-token",
    signing.dumps({"m": "8e1f7c1e-4a5b-4c9d-9f00-000000000000"}, salt=SALT),
    signing.dumps({"m": "anything"}, salt="another.salt"),
])
def test_a_forged_or_unknown_link_is_refused(client, reminder, token):
    # when
    page = client.post(f"/notifications/unsubscribe/{token}")

    # then
    assert page.status_code == 404
    assert "This unsubscribe link is not valid." in page.content.decode()
    assert not EmailOptOut.objects.exists()


def test_the_link_carries_no_address(reminder):
    token = path_of(reminder).rsplit("/", 1)[1]
    assert "wang.fang" not in signing.b64_decode(token.split(":")[0].encode()).decode(errors="replace")
    assert signing.loads(token, salt=SALT) == {"m": str(reminder.pk)}
