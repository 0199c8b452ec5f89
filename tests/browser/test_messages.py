"""Messages in the desk: a return's e-mails and webhooks with their resend, and the settings of
message templates (with the live preview), the e-mail sender and outbound webhook endpoints."""

import pytest
from django.db import transaction
from graphql_relay import to_global_id
from playwright.sync_api import expect

from saleor_returns.fakes.dashboard.pages import install_dashboard_double
from saleor_returns.models.notifications import (
    EmailOptOut,
    Message,
    MessageEvent,
    MessageTemplate,
    SenderSettings,
    WebhookEndpoint,
)
from saleor_returns.notifications.actions import record_message
from saleor_returns.notifications.events import message_context
from saleor_returns.notifications.webhooks import create_endpoint, pause_endpoint
from tests.api.conftest import alice, as_alice, create_request  # noqa: F401 - fixtures
from tests.browser import screenshot
from tests.browser.conftest import Dashboard
from tests.browser.test_detail import expect_notification, open_detail, order, stored  # noqa: F401 - fixture
from tests.notifications.conftest import smtp_server, smtp_settings, webhook_receiver  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("smtp_settings")]

REFUSED = "550 5.1.1 Mailbox unavailable"


def tell(return_request, event: str, **facts) -> None:
    """The step's messages, as the step writes them in its transaction; sent after the commit."""
    with transaction.atomic():
        record_message(return_request, event, context=message_context(return_request, event, **facts),
                       occurrence=facts.get("question", ""))


def message_row(app, message: Message):
    return app.locator(f'.messages-card tr[data-message="{global_id(message)}"]')


def global_id(message: Message) -> str:
    return to_global_id("ReturnMessage", str(message.pk))


def global_endpoint_id(endpoint) -> str:
    return to_global_id("ReturnWebhookEndpoint", str(endpoint.pk))


def open_return(dashboard, return_request):
    return open_detail(dashboard, {"id": to_global_id("ReturnRequest", str(return_request.pk)),
                                   "number": return_request.rma_number})


@pytest.fixture
def return_request(as_alice, order, smtp_server):
    """Alice's request without the message its creation told (nor its e-mail caught): each test tells
    the steps it shows."""
    return_request = stored(create_request(as_alice, order, {0: 1}))
    Message.objects.filter(return_request=return_request).delete()
    smtp_server.received.clear()
    return return_request


def test_the_return_page_lists_its_messages_with_their_status(
    dashboard, shop, return_request, smtp_server, webhook_receiver
):
    # given: an endpoint that takes the request's webhook; the mail server refuses the first e-mail
    # for good and takes the second; a reminder to an address that opted out is skipped; a question
    # meets a mail server that asks to try later
    create_endpoint(installation=shop, url=webhook_receiver.url, event_types=[MessageEvent.REQUEST_RECEIVED])
    smtp_server.refuse(REFUSED)
    tell(return_request, MessageEvent.REQUEST_RECEIVED)
    tell(return_request, MessageEvent.APPROVED)
    EmailOptOut.objects.create(installation=shop, email=return_request.customer_email.lower())
    tell(return_request, MessageEvent.SHIP_REMINDER)
    smtp_server.refuse("451 4.3.0 Try again later")
    tell(return_request, MessageEvent.INFO_REQUESTED, question="Which size?")
    messages = {(m.event, m.channel): m for m in Message.objects.filter(return_request=return_request)}

    # when
    app = open_return(dashboard, return_request)
    card = app.locator(".messages-card")

    # then: one row per message, oldest first, with its status and why
    expect(card.locator("tbody tr[data-message]")).to_have_count(5)
    failed = message_row(app, messages[("request_received", "email")])
    expect(failed.locator("td").nth(0)).to_contain_text("Request received")
    expect(failed.locator("td").nth(1)).to_have_text("E-mail")
    expect(failed.locator("td").nth(2)).to_have_text(return_request.customer_email)
    expect(failed.locator("[data-message-status]")).to_have_text("Failed")
    expect(failed.locator("[data-last-error]")).to_contain_text("550")
    expect(failed.locator("[data-attempts]")).to_have_text("1")
    webhook = message_row(app, messages[("request_received", "webhook")])
    expect(webhook.locator("td").nth(1)).to_have_text("Webhook")
    expect(webhook.locator("td").nth(2)).to_have_text(webhook_receiver.url)
    expect(webhook.locator("[data-message-status]")).to_have_text("Sent")
    expect(webhook.locator('[data-action="resend-message"]')).to_have_text("Redeliver")
    sent = message_row(app, messages[("approved", "email")])
    expect(sent.locator("[data-message-status]")).to_have_text("Sent")
    expect(sent.locator("time")).to_contain_text("Sent ")
    skipped = message_row(app, messages[("ship_reminder", "email")])
    expect(skipped.locator("[data-message-status]")).to_have_text("Skipped")
    expect(skipped.locator("[data-last-error]")).to_have_text("The customer unsubscribed from reminders and surveys.")
    pending = message_row(app, messages[("info_requested", "email")])
    expect(pending.locator("[data-message-status]")).to_have_text("Pending")
    expect(pending.locator(".message-next")).to_contain_text("Next attempt")

    # and: resending waits while a message is on its way, and says so
    expect(pending.locator('[data-action="resend-message"]')).to_be_disabled()
    expect(pending.locator("[data-resend-blocked]")).to_have_text("Being sent: wait until this attempt ends.")
    expect(failed.locator('[data-action="resend-message"]')).to_be_enabled()

    # when: the attempt log of the webhook is opened
    toggle = webhook.locator('[data-action="message-log"]')
    toggle.click()

    # then: the endpoint's answer
    log = app.locator(f'tr[data-log-of="{global_id(messages[("request_received", "webhook")])}"]')
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(log.locator("li")).to_have_count(1)
    expect(log.locator("li")).to_contain_text("Attempt 1")
    expect(log.locator("li")).to_contain_text("HTTP 200")
    expect(log.locator("pre")).to_have_text('{"ok": true}')
    screenshot(dashboard.page, "detail-messages")


def test_a_failed_message_is_sent_again(dashboard, shop, return_request, smtp_server):
    # given: an e-mail the mail server refused
    smtp_server.refuse(REFUSED)
    tell(return_request, MessageEvent.APPROVED)
    message = Message.objects.get(return_request=return_request)
    app = open_return(dashboard, return_request)
    row = message_row(app, message)
    expect(row.locator("[data-message-status]")).to_have_text("Failed")

    # when
    row.locator('[data-action="resend-message"]').click()

    # then: a second attempt, asked for by the staff member, delivered this time
    expect(row.locator("[data-message-status]")).to_have_text("Sent")
    expect(row.locator("[data-attempts]")).to_have_text("2")
    expect_notification(dashboard, "success", f"Queued again: Approved to {return_request.customer_email}")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(smtp_server.received) == 1
    row.locator('[data-action="message-log"]').click()
    attempts = app.locator(f'tr[data-log-of="{global_id(message)}"] li')
    expect(attempts).to_have_count(2)
    expect(attempts.nth(0)).to_contain_text("Failed")
    expect(attempts.nth(1)).to_contain_text("Resent by staff@example.com")
    expect(attempts.nth(1)).to_contain_text("Sent")


def test_a_refused_resend_is_shown_next_to_the_action(dashboard, shop, return_request, smtp_server):
    # given: a sent e-mail, then sent again by someone else since the page was drawn
    tell(return_request, MessageEvent.APPROVED)
    message = Message.objects.get(return_request=return_request)
    app = open_return(dashboard, return_request)
    Message.objects.filter(pk=message.pk).update(status="sending")

    # when
    message_row(app, message).locator('[data-action="resend-message"]').click()

    # then
    expect(message_row(app, message).locator(".resend .field-error")).to_have_text("This message is being sent already.")
    assert Message.objects.get(pk=message.pk).attempts == 1


def test_staff_without_the_permission_to_resend_get_no_messages(dashboard, fake_saleor, fake_app, live_server, shop,
                                                                  return_request, smtp_server):
    # given: a message, and a staff member of the shop without MANAGE_ORDERS
    tell(return_request, MessageEvent.APPROVED)
    member = fake_saleor.add_staff("catalogue@example.com", ["MANAGE_PRODUCTS"])
    install_dashboard_double(fake_saleor, staff_email=member["email"])
    outsider = Dashboard(page=dashboard.page, fake=fake_saleor, app=fake_app, staff=member, app_base_url=live_server.url)

    # when
    outsider.open(f"/dashboard/returns/{to_global_id('ReturnRequest', str(return_request.pk))}/")
    app = outsider.frame_locator

    # then: neither the return nor its messages, and nothing to resend
    expect(app.locator(".banner-error")).to_be_visible()
    expect(app.locator('[data-action="resend-message"]')).to_have_count(0)
    assert Message.objects.get().attempts == 1


# --------------------------------------------------------------------------- settings: message templates


def open_tab(dashboard, tab: str, **options):
    frame = dashboard.open(f"/dashboard/settings/?tab={tab}", **options)
    frame.wait_for_selector(f'#settings-panel-{tab} form, #settings-panel-{tab} .banner')
    return dashboard.frame_locator


def choose_template(app, event: str, language: str = "EN"):
    app.locator('[data-field="event"] select').select_option(event)
    app.locator('[data-field="language"] select').select_option(language)
    form = app.locator(f'form.template-form[data-event="{event}"][data-language="{language}"]')
    expect(form).to_be_visible()
    return form


def test_a_template_is_previewed_live_saved_and_restored(dashboard, shop):
    # given
    app = open_tab(dashboard, "templates")
    form = choose_template(app, "APPROVED")
    preview = app.locator(".template-preview")
    expect(preview.locator('[data-preview="subject"]')).to_have_text("Your return RMA-000123 is approved")
    placeholders = app.locator(".placeholder-list li").evaluate_all("items => items.map(i => i.dataset.placeholder)")
    assert placeholders == ["rma_number", "order_number", "customer_name", "shop_name", "support_email", "return_link",
                            "items", "deadline", "label_url", "qr_code_url", "return_address"]

    # when: the subject is typed, a placeholder inserted from the list
    subject = form.locator('[data-field="subject"] input')
    subject.fill("Good news, ")
    app.locator('.placeholder-list [data-placeholder="customer_name"] button').click()
    subject.press("End")
    subject.type(": {{ rma_number }} may come back")

    # then: the preview follows with sample data, the HTML part in its sandbox
    expect(preview.locator('[data-preview="subject"]')).to_have_text("Good news, Alex Kim: RMA-000123 may come back")
    assert preview.locator("iframe.preview-html").get_attribute("sandbox") == "allow-same-origin"
    html = preview.frame_locator("iframe.preview-html")
    expect(html.locator("body")).to_contain_text("Hauptstr. 1")
    expect(html.locator("body")).to_have_css("max-width", "600px")  # the e-mail's own style
    expect(html.locator("title")).to_have_js_property("text", "Good news, Alex Kim: RMA-000123 may come back")
    expect(preview.locator('[data-preview="text"]')).to_contain_text("RMA-000123")

    # when
    form.locator('[data-action="save-template"]').click()

    # then: only the subject became the shop's own
    expect_notification(dashboard, "success", "Template saved: Approved (English)")
    saved = MessageTemplate.objects.get(installation=shop)
    assert (saved.event, saved.language) == ("approved", "en")
    assert (saved.subject, saved.text, saved.html) == ("Good news, {{ customer_name }}: {{ rma_number }} may come back", "", "")
    form = choose_template(app, "APPROVED")
    expect(form.locator('[data-field="subject"] [data-part-state]')).to_have_attribute("data-part-state", "customized")
    expect(form.locator('[data-field="text"] [data-part-state]')).to_have_attribute("data-part-state", "default")

    # when: the default is restored, after a confirmation
    form.locator('[data-action="restore-template"]').click()
    app.locator("dialog.modal button", has_text="Restore the default").click()

    # then
    expect_notification(dashboard, "success", "Default restored: Approved (English)")
    expect(app.locator('[data-field="subject"] input')).to_have_value("Your return {{ rma_number }} is approved")
    saved.refresh_from_db()
    assert (saved.subject, saved.text, saved.html) == ("", "", "")


def test_a_template_with_mistakes_names_each_field_and_saves_nothing(dashboard, shop):
    # given
    app = open_tab(dashboard, "templates")
    form = choose_template(app, "REJECTED", "ZH_HANS")

    # when: an unknown placeholder in the subject and an unclosed condition in the text
    form.locator('[data-field="subject"] input').fill("{{ nickname }}，您的退货未获批准")
    form.locator('[data-field="text"] textarea').fill("{% if reason %}{{ reason }}")
    form.locator('[data-action="save-template"]').click()

    # then: each error next to its field, and nothing saved
    subject_error = form.locator('[data-field="subject"] .field-error [data-code]')
    expect(subject_error).to_have_attribute("data-code", "UNKNOWN_PLACEHOLDER")
    expect(subject_error).to_contain_text("{{ nickname }} is not a placeholder of this message")
    expect(form.locator('[data-field="text"] .field-error [data-code]')).to_have_attribute("data-code", "TEMPLATE_SYNTAX")
    expect(form.locator('[data-field="subject"] input')).to_have_attribute("aria-invalid", "true")
    expect(app.locator(".template-preview .preview-status")).to_have_text("Correct the marked fields to update the preview.")
    assert not MessageTemplate.objects.exists()


# --------------------------------------------------------------------------- settings: the e-mail sender


def test_the_sender_is_saved_by_field_and_its_password_is_never_shown(dashboard, shop):
    # given: everything the app answers the desk, kept (read while its page is there)
    answers, bodies = [], []
    dashboard.page.on("response", lambda response: answers.append(response) if response.url.endswith("/graphql/") else None)

    def read_answers():
        while answers:
            bodies.append(answers.pop(0).text())

    app = open_tab(dashboard, "sender")
    form = app.locator("form.sender-form")
    form.locator('[data-field="fromName"] input').fill("Sneaker Shop")
    form.locator('[data-field="fromEmail"] input').fill("not an address")

    # when
    form.locator('[data-action="save-sender"]').click()

    # then
    expect(form.locator('[data-field="fromEmail"] .field-error')).to_have_text("This is not an e-mail address.")
    assert not SenderSettings.objects.exists()

    # when: corrected, with the shop's SMTP server
    form.locator('[data-field="fromEmail"] input').fill("returns@sneakers.example.com")
    form.locator('[data-field="replyTo"] input').fill("help@sneakers.example.com")
    form.locator('[data-field="transport"] select').select_option("SMTP")
    form.locator('[data-field="smtpHost"] input').fill("93.184.216.34")
    form.locator('[data-field="smtpPort"] input').fill("2525")
    form.locator('[data-field="smtpUsername"] input').fill("mailer")
    form.locator('[data-field="smtpPassword"] input').fill("s3cret-pass")
    form.locator('[data-action="save-sender"]').click()

    # then: saved, the password stored encrypted and gone from the form
    expect_notification(dashboard, "success", "E-mail sender saved")
    sender = SenderSettings.objects.get(installation=shop)
    assert (sender.from_name, sender.from_email, sender.reply_to, sender.transport, sender.smtp_host, sender.smtp_port,
            sender.smtp_username) == ("Sneaker Shop", "returns@sneakers.example.com", "help@sneakers.example.com", "smtp",
                                      "93.184.216.34", 2525, "mailer")
    assert sender.secrets == {"password": "s3cret-pass"}
    expect(form.locator('[data-field="smtpPassword"] input')).to_have_value("")
    expect(form.locator('[data-secret-state="smtpPassword"]')).to_have_text("Set")
    expect(form.locator(".sender-naming")).to_have_text("Messages are signed Sneaker Shop; questions go to help@sneakers.example.com.")
    read_answers()
    screenshot(dashboard.page, "settings-sender")

    # when: the tab is opened again
    app = open_tab(dashboard, "sender")

    # then: whether a password is stored, never the password
    form = app.locator("form.sender-form")
    expect(form.locator('[data-field="smtpHost"] input')).to_have_value("93.184.216.34")
    expect(form.locator('[data-field="smtpPassword"] input')).to_have_value("")
    expect(form.locator('[data-secret-state="smtpPassword"]')).to_have_text("Set")
    assert "s3cret-pass" not in dashboard.frame.content()
    read_answers()
    assert len(bodies) > 3 and not any("s3cret-pass" in body for body in bodies)


def test_the_alerts_address_and_language_are_set_with_the_sender(dashboard, shop):
    # given
    app = open_tab(dashboard, "sender")
    form = app.locator("form.sender-form")
    expect(form.locator('[data-field="alertsLanguage"] select')).to_have_value("EN")

    # when: a wrong address
    form.locator('[data-field="alertsEmail"] input').fill("the returns team")
    form.locator('[data-action="save-sender"]').click()

    # then
    expect(form.locator('[data-field="alertsEmail"] .field-error')).to_have_text("This is not an e-mail address.")
    assert not SenderSettings.objects.exists()

    # when: corrected, alerts in Chinese
    form.locator('[data-field="alertsEmail"] input').fill("returns-team@sneakers.example.com")
    form.locator('[data-field="alertsLanguage"] select').select_option("ZH_HANS")
    form.locator('[data-action="save-sender"]').click()

    # then
    expect_notification(dashboard, "success", "E-mail sender saved")
    sender = SenderSettings.objects.get(installation=shop)
    assert (sender.alerts_email, sender.alerts_language) == ("returns-team@sneakers.example.com", "zh-hans")

    # when: the tab is opened again
    form = open_tab(dashboard, "sender").locator("form.sender-form")

    # then
    expect(form.locator('[data-field="alertsEmail"] input')).to_have_value("returns-team@sneakers.example.com")
    expect(form.locator('[data-field="alertsLanguage"] select')).to_have_value("ZH_HANS")


# --------------------------------------------------------------------------- settings: webhooks


def endpoint_card(app, endpoint_id: str):
    return app.locator(f'article.endpoint[data-endpoint="{endpoint_id}"]')


def test_an_endpoint_is_added_its_secret_shown_once_and_tested(dashboard, shop, webhook_receiver):
    # given
    app = open_tab(dashboard, "webhooks")
    expect(app.locator(".endpoint-list .empty")).to_have_text("No endpoint yet.")
    form = app.locator("form.endpoint-form")
    form.locator('[data-field="url"] input').fill(webhook_receiver.url)
    form.locator('[data-field="description"] input').fill("ERP")
    form.locator('[data-field="eventTypes"] input[value="APPROVED"]').check()
    form.locator('[data-field="eventTypes"] input[value="REFUNDED"]').check()

    # when
    form.locator('[data-action="add-endpoint"]').click()

    # then: the signing secret, once, and the endpoint in the list
    result = app.locator(".webhook-result")
    expect(result.locator("h2")).to_have_text("Endpoint added: copy its signing secret now")
    endpoint = WebhookEndpoint.objects.get(installation=shop)
    assert result.locator("input").input_value() == endpoint.secret
    assert endpoint.secret.startswith("whsec_")
    assert (endpoint.url, endpoint.description, endpoint.event_types) == (webhook_receiver.url, "ERP", ["approved", "refunded"])
    card = endpoint_card(app, global_endpoint_id(endpoint))
    expect(card.locator(".endpoint-events")).to_have_text("Events: Approved, Refunded")
    expect(card.locator("[data-endpoint-state]")).to_have_text("Active")
    expect_notification(dashboard, "success", f"Endpoint {webhook_receiver.url} added")

    # when: a test event
    card.locator('[data-action="test-endpoint"]').click()

    # then: its delivery opens in the log, with what the endpoint answered
    delivery = card.locator("tr[data-delivery]")
    expect(delivery).to_have_count(1)
    expect(delivery.locator("[data-message-status]")).to_have_text("Sent")
    expect(delivery.locator("td").nth(0)).to_contain_text("Test event")
    expect(delivery.locator("[data-http-status]")).to_have_text("200")
    expect(delivery.locator("[data-latency]")).to_contain_text(" ms")
    expect(delivery.locator(".delivery-response")).to_have_text('{"ok": true}')
    expect(delivery.locator('[data-action="resend-message"]')).to_be_disabled()
    expect(delivery.locator("[data-resend-blocked]")).to_have_text("A test event is not delivered again: send a new one.")
    assert [payload["type"] for payload in webhook_receiver.payloads()] == ["webhook.test"]

    # when: the tab is opened again
    app = open_tab(dashboard, "webhooks")
    expect(endpoint_card(app, global_endpoint_id(endpoint))).to_be_visible()

    # then: the secret is not shown again
    expect(app.locator(".webhook-result")).to_have_count(0)
    assert endpoint.secret not in dashboard.frame.content()


def test_a_delivery_is_sent_again_from_the_log(dashboard, shop, return_request, webhook_receiver):
    # given: a delivered webhook about a return
    endpoint, _ = create_endpoint(installation=shop, url=webhook_receiver.url)
    tell(return_request, MessageEvent.APPROVED)
    message = Message.objects.get(channel="webhook")
    app = open_tab(dashboard, "webhooks")
    card = endpoint_card(app, global_endpoint_id(endpoint))
    card.locator('[data-action="delivery-log"]').click()
    delivery = card.locator(f'tr[data-delivery="{global_id(message)}"]')
    expect(delivery.locator("td").nth(0)).to_contain_text("Approved")

    # when
    delivery.locator('[data-action="resend-message"]').click()

    # then: a second attempt under the same webhook-id, asked by the staff member
    toggle = delivery.locator('[data-action="message-log"]')
    expect(toggle).to_be_focused()
    expect(toggle).to_have_text("Attempt log (2)")
    expect(delivery.locator("[data-message-status]")).to_have_text("Sent")
    toggle.click()
    log = card.locator(f'tr[data-log-of="{global_id(message)}"]')
    expect(log.locator("li")).to_have_count(2)
    expect(log.locator("li").nth(1)).to_contain_text("Resent by staff@example.com")
    assert [request["headers"]["webhook-id"] for request in webhook_receiver.requests] == [str(message.pk)] * 2
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    screenshot(dashboard.page, "settings-webhooks-deliveries")


def test_a_paused_endpoint_says_why_and_is_resumed(dashboard, shop, return_request, webhook_receiver):
    # given: an endpoint the app paused after its deliveries kept failing, with one delivery
    endpoint, _ = create_endpoint(installation=shop, url=webhook_receiver.url)
    tell(return_request, MessageEvent.APPROVED)
    pause_endpoint(endpoint, "Deliveries failed for 3 days; the last one: The endpoint answered 503.")
    app = open_tab(dashboard, "webhooks")
    card = endpoint_card(app, global_endpoint_id(endpoint))

    # then: the notice says why, and nothing is delivered again until it is resumed
    expect(card.locator("[data-endpoint-state]")).to_have_text("Paused")
    notice = card.locator("[data-paused] .banner")
    expect(notice).to_contain_text("nothing is delivered until it is resumed")
    expect(notice).to_contain_text("Deliveries failed for 3 days; the last one: The endpoint answered 503.")
    card.locator('[data-action="delivery-log"]').click()
    expect(card.locator('tr[data-delivery] [data-action="resend-message"]')).to_be_disabled()
    expect(card.locator("tr[data-delivery] [data-resend-blocked]")).to_have_text("Resume the endpoint to deliver again.")
    screenshot(dashboard.page, "settings-webhooks-paused")

    # when
    card.locator('[data-action="resume-endpoint"]').click()

    # then
    expect(card.locator("[data-endpoint-state]")).to_have_text("Active")
    expect(card.locator("[data-paused]")).to_have_count(0)
    expect(card.locator('[data-action="pause-endpoint"]')).to_be_focused()
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.pause_reason) == (True, "")
    expect(card.locator('tr[data-delivery] [data-action="resend-message"]')).to_be_enabled()


def test_an_endpoint_is_edited_and_deleted(dashboard, shop, webhook_receiver):
    # given
    endpoint, _ = create_endpoint(installation=shop, url=webhook_receiver.url, description="ERP")
    app = open_tab(dashboard, "webhooks")
    card = endpoint_card(app, global_endpoint_id(endpoint))
    card.locator('[data-action="edit-endpoint"]').click()
    form = card.locator("form.endpoint-form.editing")

    # when: moved to a private address
    form.locator('[data-field="url"] input').fill("https://10.1.2.3/hook")
    form.locator('[data-action="save-endpoint"]').click()

    # then
    expect(form.locator('[data-field="url"] .field-error')).to_have_text(
        "The URL's address is private: webhooks go to public addresses only.")
    endpoint.refresh_from_db()
    assert endpoint.url == webhook_receiver.url

    # when: only the refunds, under another description
    form.locator('[data-field="url"] input').fill(webhook_receiver.url)
    form.locator('[data-field="description"] input').fill("Accounting")
    form.locator('[data-field="eventTypes"] input[value="REFUNDED"]').check()
    form.locator('[data-action="save-endpoint"]').click()

    # then
    expect(card.locator(".endpoint-events")).to_have_text("Events: Refunded")
    expect(card.locator(".endpoint-description")).to_have_text("Accounting")
    endpoint.refresh_from_db()
    assert (endpoint.description, endpoint.event_types) == ("Accounting", ["refunded"])

    # when: deleted, after a confirmation
    card.locator('[data-action="delete-endpoint"]').click()
    app.locator("dialog.modal button", has_text="Delete").click()

    # then
    expect(app.locator(".endpoint-list .empty")).to_have_text("No endpoint yet.")
    assert not WebhookEndpoint.objects.exists()


# --------------------------------------------------------------------------- permissions, language, theme


def test_message_settings_need_the_permission_to_manage_apps(dashboard, fake_saleor, fake_app, live_server, shop):
    # given: a staff member with MANAGE_ORDERS and MANAGE_SETTINGS only
    member = fake_saleor.add_staff("clerk@example.com", ["MANAGE_ORDERS", "MANAGE_SETTINGS"])
    install_dashboard_double(fake_saleor, staff_email=member["email"])
    clerk = Dashboard(page=dashboard.page, fake=fake_saleor, app=fake_app, staff=member, app_base_url=live_server.url)

    for tab in ("templates", "sender", "webhooks"):
        # when
        app = open_tab(clerk, tab)

        # then: no form, and the reason
        expect(app.locator(f"#settings-panel-{tab} .banner")).to_have_text(
            "Not availableSeeing and changing these settings needs MANAGE_APPS in Saleor.")
        expect(app.locator(f"#settings-panel-{tab} form")).to_have_count(0)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_message_settings_in_chinese(dashboard, shop, webhook_receiver, theme):
    # given
    create_endpoint(installation=shop, url=webhook_receiver.url)

    # when
    app = open_tab(dashboard, "templates", theme=theme, locale="zh-Hans")

    # then: the Chinese template first, described in Chinese
    expect(app.locator('[role="tab"][data-tab="templates"]')).to_have_text("消息模板")
    form = app.locator('form.template-form[data-language="ZH_HANS"]')
    expect(form.locator('[data-action="save-template"]')).to_have_text("保存模板")
    expect(app.locator('.placeholder-list [data-placeholder="rma_number"] .muted')).to_have_text("退货编号，例如 RMA-000123。")
    expect(app.locator('.template-preview [data-preview="subject"]')).not_to_be_empty()
    screenshot(dashboard.page, f"settings-templates-{theme}-zh-Hans")

    # when
    app.locator('[role="tab"][data-tab="webhooks"]').click()

    # then
    expect(app.locator("article.endpoint [data-endpoint-state]")).to_have_text("启用中")
    expect(app.locator('article.endpoint [data-action="test-endpoint"]')).to_have_text("发送测试事件")
    screenshot(dashboard.page, f"settings-webhooks-{theme}-zh-Hans")
