"""The staff API of messages: a return's messages and resend, templates with preview, the sender, webhook endpoints."""

import json

import pytest
from django.db import transaction
from graphql_relay import to_global_id

from saleor_returns.notifications.events import message_context
from saleor_returns.models.notifications import Message, MessageEvent, MessageTemplate, SenderSettings, WebhookEndpoint
from saleor_returns.notifications.actions import record_message
from tests.api.conftest import Caller, as_staff, shop, staff_user  # noqa: F401 - fixtures
from tests.notifications.conftest import subject

pytestmark = pytest.mark.usefixtures("smtp_settings")

MESSAGES = """query($id: ID!) { returnRequest(id: $id) { messages {
  id event type channel status recipient subject language attempts lastError nextAttemptAt sentAt
  endpoint { url } attemptLog { number trigger requestedBy outcome statusCode error } } } }"""
RESEND = """mutation($id: ID!) { returnMessageResend(id: $id) {
  message { status attempts attemptLog { trigger requestedBy outcome } } errors { field code message } } }"""
TEMPLATE_UPDATE = """mutation($event: ReturnMessageEventEnum!, $language: ReturnMessageLanguageEnum!,
  $input: ReturnMessageTemplateInput!) { returnMessageTemplateUpdate(event: $event, language: $language, input: $input) {
  template { event language subject customized } errors { field code message } } }"""
TEMPLATES = """query($event: ReturnMessageEventEnum, $language: ReturnMessageLanguageEnum) {
  returnMessageTemplates(event: $event, language: $language) {
  event language subject customized isTransactional placeholders { name description } } }"""
PREVIEW = """query($event: ReturnMessageEventEnum!, $language: ReturnMessageLanguageEnum!, $subject: String, $html: String) {
  returnMessagePreview(event: $event, language: $language, subject: $subject, html: $html) {
  subject text html errors { field code message } } }"""
SENDER_UPDATE = """mutation($input: ReturnSenderSettingsInput!) { returnSenderSettingsUpdate(input: $input) {
  senderSettings { fromName fromEmail replyTo transport smtpHost smtpPort smtpSecurity hasSmtpPassword hasApiKey shopName }
  errors { field code message } } }"""
SENDER = "{ returnSenderSettings { transport smtpHost hasSmtpPassword esp hasApiKey defaultFromEmail } }"
ENDPOINT_CREATE = """mutation($input: ReturnWebhookEndpointCreateInput!) { returnWebhookEndpointCreate(input: $input) {
  endpoint { id url eventTypes isActive } secret errors { field code message } } }"""
ENDPOINT_UPDATE = """mutation($id: ID!, $input: ReturnWebhookEndpointUpdateInput!) {
  returnWebhookEndpointUpdate(id: $id, input: $input) {
  endpoint { url isActive pausedAt pauseReason eventTypes } secret errors { field code message } } }"""
ENDPOINTS = """{ returnWebhookEndpoints { id url description eventTypes isActive pauseReason
  deliveries { type status attempts attemptLog { statusCode responseExcerpt outcome } } } }"""
ENDPOINT_TEST = """mutation($id: ID!) { returnWebhookEndpointTest(id: $id) { delivery { type status } errors { field code } } }"""
ENDPOINT_DELETE = """mutation($id: ID!) { returnWebhookEndpointDelete(id: $id) { deletedId errors { field code } } }"""


@pytest.fixture
def sent_message(return_request, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_message(return_request, MessageEvent.APPROVED,
                       context=message_context(return_request, MessageEvent.APPROVED))
    return Message.objects.get(channel="email")


def global_id(message) -> str:
    return to_global_id("ReturnMessage", str(message.pk))


def test_staff_see_a_returns_messages_with_their_attempts(as_staff, return_request, sent_message, smtp_server):
    # when
    result = as_staff(MESSAGES, {"id": to_global_id("ReturnRequest", str(return_request.pk))})

    # then
    (message,) = result["data"]["returnRequest"]["messages"]
    assert message == {
        "id": global_id(sent_message), "event": "APPROVED", "type": "return.approved", "channel": "EMAIL",
        "status": "SENT", "recipient": "wang.fang@example.com", "subject": subject(smtp_server.received[0]),
        "language": "zh-hans", "attempts": 1, "lastError": None, "nextAttemptAt": None,
        "sentAt": message["sentAt"], "endpoint": None,
        "attemptLog": [{"number": 1, "trigger": "automatic", "requestedBy": None, "outcome": "SENT",
                        "statusCode": None, "error": None}],
    }


def test_customers_do_not_see_messages(client, installation, fake_saleor, return_request, sent_message):
    # given: the return's customer
    customer = next(user for user in fake_saleor.users if user["email"] == "wang.fang@example.com")
    as_customer = Caller(client, installation.saleor_api_url, fake_saleor.issue_customer_token(customer))

    # when
    result = as_customer(MESSAGES, {"id": to_global_id("ReturnRequest", str(return_request.pk))})

    # then
    assert result["data"]["returnRequest"] == {"messages": None}


def test_staff_resend_a_message_and_the_attempt_names_them(
    as_staff, sent_message, smtp_server, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = as_staff(RESEND, {"id": global_id(sent_message)})

    # then: queued by the call, sent after it
    payload = result["data"]["returnMessageResend"]
    assert payload["errors"] == []
    assert payload["message"]["status"] == "PENDING"
    sent_message.refresh_from_db()
    assert (sent_message.status, sent_message.attempts) == ("sent", 2)
    assert list(sent_message.attempt_log.values_list("trigger", "requested_by")) == [
        ("automatic", ""), ("resend", "staff@example.com")
    ]
    assert len(smtp_server.received) == 2


@pytest.mark.parametrize(("_case", "id", "field", "code", "message"), [
    ("unknown", to_global_id("ReturnMessage", "8e1f7c1e-4a5b-4c9d-9f00-000000000000"), "id", "NOT_FOUND",
     "No ReturnMessage has this id."),
    ("another type", to_global_id("ReturnRequest", "8e1f7c1e-4a5b-4c9d-9f00-000000000000"), "id", "NOT_FOUND",
     "No ReturnMessage has this id."),
])
def test_resending_an_unknown_message_is_refused(as_staff, sent_message, _case, id, field, code, message):
    result = as_staff(RESEND, {"id": id})
    assert result["data"]["returnMessageResend"]["errors"] == [{"field": field, "code": code, "message": message}]
    assert Message.objects.get().attempts == 1


def test_a_template_update_with_mistakes_names_each_part_and_saves_nothing(as_staff):
    # when
    result = as_staff(TEMPLATE_UPDATE, {"event": "REJECTED", "language": "EN", "input": {
        "subject": "Sorry {{ customer }}", "html": "<p>{{ reason.__class__ }}</p>", "text": "{% if reason %}",
    }})

    # then
    payload = result["data"]["returnMessageTemplateUpdate"]
    assert payload["template"] is None
    assert [(error["field"], error["code"]) for error in payload["errors"]] == [
        ("subject", "UNKNOWN_PLACEHOLDER"), ("text", "TEMPLATE_SYNTAX"), ("html", "TEMPLATE_FORBIDDEN"),
    ]
    assert payload["errors"][0]["message"].startswith("{{ customer }} is not a placeholder of this message")
    assert not MessageTemplate.objects.exists()


def test_a_shops_template_is_saved_listed_and_used(as_staff, return_request, django_capture_on_commit_callbacks, smtp_server):
    # when
    result = as_staff(TEMPLATE_UPDATE, {"event": "APPROVED", "language": "ZH_HANS",
                                        "input": {"subject": "{{ rma_number }} 审核通过，请于 {{ deadline }} 前寄回"}})
    listed = as_staff(TEMPLATES, {"event": "APPROVED"})["data"]["returnMessageTemplates"]

    # then
    assert result["data"]["returnMessageTemplateUpdate"] == {"template": {
        "event": "APPROVED", "language": "ZH_HANS", "subject": "{{ rma_number }} 审核通过，请于 {{ deadline }} 前寄回",
        "customized": ["subject"]}, "errors": []}
    assert [(t["language"], t["customized"], t["isTransactional"]) for t in listed] == [
        ("EN", [], True), ("ZH_HANS", ["subject"], True)
    ]
    assert "deadline" in [placeholder["name"] for placeholder in listed[0]["placeholders"]]

    # when: the next approval is told
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_message(return_request, MessageEvent.APPROVED,
                       context=message_context(return_request, MessageEvent.APPROVED))

    # then
    assert subject(smtp_server.received[0]).startswith(f"{return_request.rma_number} 审核通过，请于 20")


def test_a_preview_renders_sample_data_or_says_what_is_wrong(as_staff):
    # when
    good = as_staff(PREVIEW, {"event": "SURVEY_INVITATION", "language": "EN", "subject": "Rate {{ rma_number }}"})
    bad = as_staff(PREVIEW, {"event": "SURVEY_INVITATION", "language": "EN", "html": "{{ amount }}"})

    # then
    preview = good["data"]["returnMessagePreview"]
    assert (preview["subject"], preview["errors"]) == ("Rate RMA-000123", [])
    assert "https://returns.example.com/portal/preview/survey?link=preview" in preview["text"]
    assert bad["data"]["returnMessagePreview"]["subject"] is None
    assert [(e["field"], e["code"]) for e in bad["data"]["returnMessagePreview"]["errors"]] == [
        ("html", "UNKNOWN_PLACEHOLDER")
    ]


def test_sender_secrets_are_written_and_never_read_back(as_staff):
    # when
    result = as_staff(SENDER_UPDATE, {"input": {
        "fromName": "Trail Outfitters", "fromEmail": "returns@trail.example", "replyTo": "help@trail.example",
        "transport": "SMTP", "smtpHost": "127.0.0.1", "smtpSecurity": "STARTTLS", "smtpUsername": "mailer",
        "smtpPassword": "hunter2-secret",
    }})
    read = as_staff(SENDER)

    # then
    assert result["data"]["returnSenderSettingsUpdate"] == {"senderSettings": {
        "fromName": "Trail Outfitters", "fromEmail": "returns@trail.example", "replyTo": "help@trail.example",
        "transport": "SMTP", "smtpHost": "127.0.0.1", "smtpPort": 587, "smtpSecurity": "STARTTLS",
        "hasSmtpPassword": True, "hasApiKey": False, "shopName": "Trail Outfitters"}, "errors": []}
    assert read["data"]["returnSenderSettings"] == {
        "transport": "SMTP", "smtpHost": "127.0.0.1", "hasSmtpPassword": True, "esp": None, "hasApiKey": False,
        "defaultFromEmail": "returns@shop.example.com",
    }
    assert "hunter2-secret" not in json.dumps(result) + json.dumps(read)
    assert "hunter2-secret" not in SenderSettings.objects.get().encrypted_secrets


def test_a_shop_that_never_set_its_sender_reads_the_defaults(as_staff):
    # when
    result = as_staff("{ returnSenderSettings { fromName transport smtpSecurity smtpPort hasSmtpPassword esp "
                      "defaultFromEmail updatedAt } }")

    # then
    assert result == {"data": {"returnSenderSettings": {
        "fromName": "", "transport": "DEFAULT", "smtpSecurity": "STARTTLS", "smtpPort": None, "hasSmtpPassword": False,
        "esp": None, "defaultFromEmail": "returns@shop.example.com", "updatedAt": None,
    }}}
    assert not SenderSettings.objects.exists()


def test_bad_sender_settings_are_refused_by_field(as_staff):
    result = as_staff(SENDER_UPDATE, {"input": {"fromEmail": "nope", "transport": "ESP", "esp": "SENDGRID"}})
    assert result["data"]["returnSenderSettingsUpdate"]["errors"] == [
        {"field": "fromEmail", "code": "INVALID", "message": "This is not an e-mail address."},
        {"field": "apiKey", "code": "REQUIRED", "message": "Give the mail service's API key."},
    ]
    assert not SenderSettings.objects.exists()


@pytest.mark.parametrize(
    ("_case", "changes", "field", "message"),
    [
        ("a negative port", {"smtpPort": -1}, "smtpPort", "A port is a number from 1 to 65535."),
        ("a port past 65535", {"smtpPort": 70000}, "smtpPort", "A port is a number from 1 to 65535."),
        ("a host too long", {"smtpHost": "h" * 256}, "smtpHost", "At most 255 characters."),
        ("a user name too long", {"smtpUsername": "u" * 256}, "smtpUsername", "At most 255 characters."),
        ("a sender name too long", {"fromName": "n" * 101}, "fromName", "At most 100 characters on one line."),
    ],
)
def test_smtp_settings_kept_for_another_transport_are_checked_too(as_staff, _case, changes, field, message):
    # SMTP fields given while the transport stays the deployment's default are saved as well,
    # so they must fit: never a database error.
    result = as_staff(SENDER_UPDATE, {"input": {"transport": "DEFAULT", **changes}})

    assert result["data"]["returnSenderSettingsUpdate"]["errors"] == [{"field": field, "code": "INVALID", "message": message}]
    assert not SenderSettings.objects.exists()


def test_staff_manage_an_endpoint_test_it_and_read_its_deliveries(
    as_staff, webhook_receiver, django_capture_on_commit_callbacks
):
    # when: created
    created = as_staff(ENDPOINT_CREATE, {"input": {"url": webhook_receiver.url, "eventTypes": ["REFUNDED", "APPROVED"],
                                                   "description": "ERP"}})["data"]["returnWebhookEndpointCreate"]

    # then: the secret is shown once
    assert created["errors"] == []
    assert created["secret"].startswith("whsec_")
    assert created["endpoint"]["eventTypes"] == ["APPROVED", "REFUNDED"]
    endpoint_id = created["endpoint"]["id"]

    # when: a test event
    with django_capture_on_commit_callbacks(execute=True):
        tested = as_staff(ENDPOINT_TEST, {"id": endpoint_id})["data"]["returnWebhookEndpointTest"]
    listed = as_staff(ENDPOINTS)["data"]["returnWebhookEndpoints"]

    # then
    assert tested == {"delivery": {"type": "webhook.test", "status": "PENDING"}, "errors": []}
    assert listed == [{
        "id": endpoint_id, "url": webhook_receiver.url, "description": "ERP", "eventTypes": ["APPROVED", "REFUNDED"],
        "isActive": True, "pauseReason": None,
        "deliveries": [{"type": "webhook.test", "status": "SENT", "attempts": 1,
                        "attemptLog": [{"statusCode": 200, "responseExcerpt": '{"ok": true}', "outcome": "SENT"}]}],
    }]
    assert created["secret"] not in json.dumps(listed)

    # when: paused, then moved to a private address
    paused = as_staff(ENDPOINT_UPDATE, {"id": endpoint_id, "input": {"isActive": False}})
    moved = as_staff(ENDPOINT_UPDATE, {"id": endpoint_id, "input": {"url": "https://10.1.2.3/hook"}})

    # then
    assert paused["data"]["returnWebhookEndpointUpdate"]["endpoint"]["pauseReason"] == "Paused by staff."
    assert moved["data"]["returnWebhookEndpointUpdate"] == {"endpoint": None, "secret": None, "errors": [{
        "field": "url", "code": "INVALID",
        "message": "The URL's address is private: webhooks go to public addresses only."}]}
    assert WebhookEndpoint.objects.get().url == webhook_receiver.url

    # when: the secret rotated, then deleted
    rotated = as_staff(ENDPOINT_UPDATE, {"id": endpoint_id, "input": {"rotateSecret": True, "isActive": True}})
    deleted = as_staff(ENDPOINT_DELETE, {"id": endpoint_id})

    # then
    payload = rotated["data"]["returnWebhookEndpointUpdate"]
    assert payload["secret"].startswith("whsec_") and payload["secret"] != created["secret"]
    assert (payload["endpoint"]["isActive"], payload["endpoint"]["pausedAt"]) == (True, None)
    assert deleted["data"]["returnWebhookEndpointDelete"] == {"deletedId": endpoint_id, "errors": []}
    assert not WebhookEndpoint.objects.exists() and not Message.objects.exists()
