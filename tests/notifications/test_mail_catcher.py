"""The local mail catcher of `make run`: what the app sends stays on the machine and the demo shop shows it."""

import os
import smtplib
import urllib.request
from email.message import EmailMessage

import pytest

from saleor_returns import runner
from saleor_returns.demo.server import start_demo_shop
from saleor_returns.notifications.mail_catcher import MailCatcher, mail_page
from tests.test_runner import free_port


@pytest.fixture
def catcher():
    caught = MailCatcher(port=0).start()
    yield caught
    caught.stop()


def send(port: int, *, subject: str, html: str | None = None) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Shop <returns@shop.example>", "wang.fang@example.com", subject
    message["List-Unsubscribe"] = "<https://returns.example.com/notifications/unsubscribe/t>"
    message.set_content("Hello,\nyour return is approved.")
    if html:
        message.add_alternative(html, subtype="html")
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        smtp.send_message(message)


def test_it_keeps_every_message_it_is_sent_newest_first(catcher):
    # when
    send(catcher.port, subject="First")
    send(catcher.port, subject="您的退货已获批准", html='<p onclick="x()">Approved</p><script>alert(1)</script>')

    # then
    newest, oldest = catcher.messages
    assert (newest.subject, oldest.subject) == ("您的退货已获批准", "First")
    assert newest.to == ("wang.fang@example.com",)
    assert newest.text == "Hello,\nyour return is approved.\n"
    assert "<p onclick" in newest.html


def test_the_page_shows_subject_recipient_text_and_the_html_in_a_sandbox(catcher):
    # given
    send(catcher.port, subject="Approved <b>now</b>", html='<p>Approved</p><script>alert("x")</script>')

    # when
    page = mail_page(catcher).decode()

    # then
    assert "Approved &lt;b&gt;now&lt;/b&gt;" in page
    assert "wang.fang@example.com" in page and "your return is approved." in page
    assert '<iframe sandbox="" referrerpolicy="no-referrer" title="HTML part" srcdoc="&lt;p&gt;Approved' in page
    assert "<script>" not in page
    assert "List-Unsubscribe" in page


def test_the_runner_catches_mail_only_when_no_mail_settings_are_given(monkeypatch):
    # given
    port = free_port()
    for name in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MAIL_CATCHER_PORT", str(port))

    # when
    caught = runner.start_mail_catcher()
    try:
        # then: the app's processes send to it
        assert caught.port == port
        assert (os.environ["EMAIL_HOST"], os.environ["EMAIL_PORT"]) == ("127.0.0.1", str(port))
        send(port, subject="Caught")
        assert [mail.subject for mail in caught.messages] == ["Caught"]
    finally:
        caught.stop()

    # when: the operator gave a mail server
    monkeypatch.setenv("EMAIL_HOST", "smtp.shop.example")
    assert runner.start_mail_catcher() is None


def test_the_demo_shop_shows_what_was_caught(transactional_db, settings, catcher):
    # given
    settings.APP_PUBLIC_URL = "http://127.0.0.1:8010"
    demo = start_demo_shop(port=0, mail_catcher=catcher)
    try:
        send(catcher.port, subject="We received your return request RMA-000042")

        # when
        with urllib.request.urlopen(f"http://{demo.shop.fake.domain}/demo/mail/", timeout=10) as response:  # noqa: S310
            page = response.read().decode()
            headers = response.headers

        # then
        assert "We received your return request RMA-000042" in page
        assert headers["Cache-Control"] == "no-store"
    finally:
        demo.stop()
