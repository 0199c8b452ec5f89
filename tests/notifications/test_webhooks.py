"""Outbound webhooks: signed per Standard Webhooks, verified with the package's own verifier on what a real
HTTP server received; retried for three days, then the endpoint paused; never sent to internal addresses."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from saleor_returns.notifications.events import message_context
from saleor_returns.models.notifications import Message, MessageEvent, WebhookEndpoint
from saleor_returns.notifications.actions import record_message, resend_message
from saleor_returns.notifications.tasks import send_due_messages_task
from saleor_returns.notifications.actions import send_test_event
from saleor_returns.notifications.webhooks import create_endpoint, update_endpoint
from tests.test_runner import free_port


@pytest.fixture
def endpoint(return_request, webhook_receiver):
    """An endpoint of the merchant's ERP for every event, and its secret."""
    return create_endpoint(installation=return_request.installation, url=webhook_receiver.url, description="ERP")


@pytest.fixture
def deliver(return_request, django_capture_on_commit_callbacks):
    def record(event=MessageEvent.APPROVED) -> Message:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            record_message(return_request, event, context=message_context(return_request, event))
        return Message.objects.get(return_request=return_request, event=event, channel="webhook")

    return record


def make_due(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_delivery_is_signed_and_verifies_with_the_standard_webhooks_verifier(
    return_request, endpoint, deliver, webhook_receiver
):
    # given
    _, secret = endpoint

    # when
    message = deliver(MessageEvent.APPROVED)

    # then
    (request,) = webhook_receiver.requests
    verified = Webhook(secret).verify(request["body"], request["headers"])
    assert verified["type"] == "return.approved"
    assert verified["timestamp"] == message.created_at.isoformat().replace("+00:00", "Z")
    data = verified["data"]
    assert (data["schema_version"], data["rma_number"], data["order_id"], data["status"]) == (
        1, return_request.rma_number, return_request.order_id, "approved"
    )
    assert data["saleor_api_url"] == return_request.installation.saleor_api_url
    assert [line["approved_quantity"] for line in data["lines"]] == [1]
    assert request["headers"]["webhook-id"] == str(message.pk)
    assert request["headers"]["Content-Type"] == "application/json"
    assert secret.startswith("whsec_")
    # then: the delivery log
    assert message.status == "sent"
    (attempt,) = message.attempt_log.all()
    assert (attempt.outcome, attempt.status_code, attempt.response_excerpt) == ("sent", 200, '{"ok": true}')
    assert attempt.latency_ms is not None and attempt.latency_ms < 5000


def test_a_changed_body_or_another_secret_does_not_verify(endpoint, deliver, webhook_receiver):
    # given
    deliver(MessageEvent.APPROVED)
    (request,) = webhook_receiver.requests
    _, secret = endpoint

    # then
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request["body"].replace(b"approved", b"rejected"), request["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUJD" * 8).verify(request["body"], request["headers"])


def test_a_failing_endpoint_is_retried_with_backoff_and_redelivered_under_the_same_id(
    endpoint, deliver, webhook_receiver
):
    # given: the endpoint fails twice, the first time with a long answer
    _, secret = endpoint
    webhook_receiver.answer((500, "x" * 5000), (502, "Bad gateway"))

    # when
    message = deliver(MessageEvent.REFUNDED)
    waits = [message.next_attempt_at - timezone.now()]
    make_due(message)
    send_due_messages_task()
    message.refresh_from_db()
    waits.append(message.next_attempt_at - timezone.now())
    make_due(message)
    send_due_messages_task()

    # then
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    assert [round(wait.total_seconds()) for wait in waits] == [30, 60]
    log = list(message.attempt_log.values_list("outcome", "status_code", "error"))
    assert log == [("retry", 500, "The endpoint answered 500."), ("retry", 502, "The endpoint answered 502."),
                   ("sent", 200, "")]
    assert [len(attempt.response_excerpt) for attempt in message.attempt_log.all()] == [1024, 11, 12]
    ids = {request["headers"]["webhook-id"] for request in webhook_receiver.requests}
    assert ids == {str(message.pk)}
    assert len({request["body"] for request in webhook_receiver.requests}) == 1
    for request in webhook_receiver.requests:
        Webhook(secret).verify(request["body"], request["headers"])


def test_a_redelivery_sends_the_same_message_again(endpoint, deliver, webhook_receiver, django_capture_on_commit_callbacks):
    # given
    message = deliver(MessageEvent.APPROVED)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        resend_message(message_id=message.pk, requested_by="staff@example.com")

    # then
    first, second = webhook_receiver.requests
    assert first["body"] == second["body"]
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"] == str(message.pk)
    assert list(message.attempt_log.values_list("trigger", "outcome")) == [("automatic", "sent"), ("resend", "sent")]


def test_after_three_days_of_failures_the_message_fails_and_the_endpoint_is_paused(
    return_request, endpoint, deliver, webhook_receiver, django_capture_on_commit_callbacks
):
    # given: a delivery failing since three days
    endpoint, _ = endpoint
    webhook_receiver.default = (503, b"")
    message = deliver(MessageEvent.APPROVED)
    assert message.status == "pending"
    Message.objects.filter(pk=message.pk).update(queued_at=timezone.now() - timedelta(days=3))
    make_due(message)

    # when
    send_due_messages_task()

    # then
    message.refresh_from_db()
    endpoint.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 2, None)
    assert (endpoint.is_active, endpoint.pause_reason) == (
        False, "Deliveries failed for 3 days; the last one: The endpoint answered 503."
    )
    assert endpoint.paused_at is not None

    # when: the next step of the return
    deliver_count = len(webhook_receiver.requests)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_message(return_request, MessageEvent.PARCEL_RECEIVED,
                       context=message_context(return_request, MessageEvent.PARCEL_RECEIVED))

    # then: a paused endpoint gets nothing new, and resuming it clears the notice
    assert not Message.objects.filter(event="parcel_received", channel="webhook").exists()
    assert len(webhook_receiver.requests) == deliver_count
    update_endpoint(endpoint=endpoint, is_active=True)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.paused_at, endpoint.pause_reason) == (True, None, "")


def test_a_message_waiting_for_a_paused_endpoint_fails_and_can_be_redelivered_after_resuming(
    endpoint, deliver, webhook_receiver, django_capture_on_commit_callbacks
):
    # given: a delivery waiting for its retry when staff pause the endpoint
    endpoint, _ = endpoint
    webhook_receiver.answer((500, ""))
    message = deliver(MessageEvent.APPROVED)
    update_endpoint(endpoint=endpoint, is_active=False)
    make_due(message)

    # when
    send_due_messages_task()

    # then
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("failed", "The endpoint is paused.")
    with pytest.raises(ValidationError):
        resend_message(message_id=message.pk)

    # when
    update_endpoint(endpoint=endpoint, is_active=True)
    with django_capture_on_commit_callbacks(execute=True):
        resend_message(message_id=message.pk)

    # then
    message.refresh_from_db()
    assert message.status == "sent"
    assert [request["headers"]["webhook-id"] for request in webhook_receiver.requests] == [str(message.pk)] * 2


def test_a_test_event_is_sent_once_even_to_a_paused_endpoint(
    endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    # given
    endpoint, secret = endpoint
    update_endpoint(endpoint=endpoint, is_active=False)
    webhook_receiver.answer((500, "not yet"))

    # when: the first test fails, the second passes
    with django_capture_on_commit_callbacks(execute=True):
        failed = send_test_event(endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        passed = send_test_event(endpoint=endpoint)

    # then: one attempt each, no retry, and the endpoint is left as staff set it
    failed.refresh_from_db()
    passed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("failed", 1, None)
    assert (passed.status, passed.attempts) == ("sent", 1)
    payloads = [Webhook(secret).verify(r["body"], r["headers"]) for r in webhook_receiver.requests]
    assert [payload["type"] for payload in payloads] == ["webhook.test", "webhook.test"]
    assert payloads[0]["data"]["schema_version"] == 1
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.pause_reason) == (False, "Paused by staff.")


@pytest.mark.parametrize(
    ("_case", "url", "names", "message"),
    [
        ("loopback", "http://127.0.0.1:9/hook", {}, "The URL's address is loopback: webhooks go to public addresses only."),
        ("private", "https://10.0.0.5/hook", {}, "The URL's address is private: webhooks go to public addresses only."),
        ("cloud metadata", "http://169.254.169.254/latest/meta-data", {},
         "The URL's address is link-local: webhooks go to public addresses only."),
        ("a name pointing inward", "https://erp.shop.example/hook", {"erp.shop.example": ["93.184.216.34", "192.168.1.20"]},
         "The URL's address is private: webhooks go to public addresses only."),
        ("unknown host", "https://nowhere.invalid/hook", {}, "The URL's host name could not be resolved."),
        ("credentials", "https://user:pw@erp.shop.example/hook", {"erp.shop.example": ["93.184.216.34"]},
         "Put no credentials in the URL: check each delivery's signature instead."),
        ("not http", "ftp://erp.shop.example/hook", {}, "Give an http:// or https:// URL."),
    ],
)
def test_an_endpoint_on_an_internal_or_bad_address_is_refused(
    installation, settings, fake_dns, _case, url, names, message
):
    # given
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False
    fake_dns.names.update(names)

    # when
    with pytest.raises(ValidationError) as refused:
        create_endpoint(installation=installation, url=url)

    # then
    assert refused.value.message_dict == {"url": [message]}
    assert not WebhookEndpoint.objects.exists()


def test_unknown_event_types_are_refused(installation, webhook_receiver):
    with pytest.raises(ValidationError) as refused:
        create_endpoint(installation=installation, url=webhook_receiver.url, event_types=["approved", "shipped"])
    assert refused.value.message_dict == {"eventTypes": ["Unknown event types: shipped."]}


def test_a_delivery_to_an_address_that_became_internal_fails_and_pauses_the_endpoint(
    endpoint, deliver, webhook_receiver, settings
):
    # given: loopback was allowed when the endpoint was made, no longer now
    endpoint, _ = endpoint
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False

    # when
    message = deliver(MessageEvent.APPROVED)

    # then
    assert (message.status, message.last_error) == (
        "failed", "The endpoint's address is loopback: webhooks go to public addresses only."
    )
    assert webhook_receiver.requests == []
    endpoint.refresh_from_db()
    assert endpoint.is_active is False


def test_an_endpoint_that_is_down_is_retried(return_request, deliver):
    # given
    create_endpoint(installation=return_request.installation, url=f"http://127.0.0.1:{free_port()}/hook")

    # when
    message = deliver(MessageEvent.APPROVED)

    # then
    assert (message.status, message.last_error) == ("pending", "The endpoint could not be reached (ConnectError).")


def test_a_redirect_is_a_failure_not_followed(endpoint, deliver, webhook_receiver):
    # given
    webhook_receiver.answer((302, ""))

    # when
    message = deliver(MessageEvent.APPROVED)

    # then
    assert (message.status, message.last_error) == ("pending", "The endpoint answered 302.")
    assert len(webhook_receiver.requests) == 1


def test_the_payload_carries_the_events_data_as_documented(return_request, endpoint, deliver, webhook_receiver):
    # when
    deliver(MessageEvent.INFO_REQUESTED)

    # then
    (payload,) = webhook_receiver.payloads()
    assert sorted(payload) == ["data", "timestamp", "type"]
    assert sorted(payload["data"]) == [
        "kind", "lines", "order_id", "order_number", "question", "resolution", "return_request_id", "rma_number",
        "saleor_api_url", "schema_version", "status",
    ]
    assert json.dumps(payload["data"]["lines"][0], sort_keys=True).startswith('{"accepted_quantity": null')
