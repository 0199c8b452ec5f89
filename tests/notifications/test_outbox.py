"""The outbox: one message per return × event × channel, written with the step, sent once after commit."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from saleor_returns.celery import app as celery_app
from saleor_returns.notifications.events import message_context
from saleor_returns.models.notifications import Message, MessageAttempt, MessageEvent
from saleor_returns.notifications.actions import record_message, resend_message
from saleor_returns.notifications.attempts import claim_message
from saleor_returns.notifications.tasks import send_due_messages_task, send_message_task
from saleor_returns.notifications.webhooks import create_endpoint, update_endpoint
from tests.notifications.conftest import subject, text_of

pytestmark = pytest.mark.usefixtures("smtp_settings")


def record(return_request, event=MessageEvent.APPROVED, occurrence="", **facts):
    with transaction.atomic():
        return record_message(
            return_request, event, context=message_context(return_request, event, **facts), occurrence=occurrence
        )


def test_a_step_writes_one_message_per_channel_and_sends_them_after_commit(
    return_request, smtp_server, webhook_receiver, django_capture_on_commit_callbacks
):
    # given
    create_endpoint(installation=return_request.installation, url=webhook_receiver.url)

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        record(return_request)
        # then: nothing goes out before the step commits
        assert (len(smtp_server.received), len(webhook_receiver.requests)) == (0, 0)
        assert set(Message.objects.values_list("channel", "status")) == {("email", "pending"), ("webhook", "pending")}
    for callback in callbacks:
        callback()

    # then
    assert set(Message.objects.values_list("channel", "status")) == {("email", "sent"), ("webhook", "sent")}
    assert len(smtp_server.received) == 1
    assert [payload["type"] for payload in webhook_receiver.payloads()] == ["return.approved"]


def test_a_step_that_runs_twice_writes_and_sends_nothing_new(
    return_request, smtp_server, webhook_receiver, django_capture_on_commit_callbacks
):
    # given
    create_endpoint(installation=return_request.installation, url=webhook_receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        record(return_request)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = record(return_request)

    # then
    assert again == []
    assert callbacks == []
    assert Message.objects.count() == 2
    assert (len(smtp_server.received), len(webhook_receiver.requests)) == (1, 1)


def test_an_event_that_may_happen_again_is_told_once_per_occurrence(
    return_request, smtp_server, django_capture_on_commit_callbacks
):
    # when: staff ask twice, and the first question's step runs twice
    with django_capture_on_commit_callbacks(execute=True):
        record(return_request, MessageEvent.INFO_REQUESTED, occurrence="2026-05-01T09:00", question="A photo?")
        record(return_request, MessageEvent.INFO_REQUESTED, occurrence="2026-05-01T09:00", question="A photo?")
        record(return_request, MessageEvent.INFO_REQUESTED, occurrence="2026-05-02T10:00", question="The box too?")

    # then
    assert sorted(Message.objects.values_list("occurrence", flat=True)) == ["2026-05-01T09:00", "2026-05-02T10:00"]
    assert [subject(mail) for mail in smtp_server.received] == [f"关于您的退货 {return_request.rma_number}，我们需要更多信息"] * 2
    assert ["A photo?" in text_of(mail) for mail in smtp_server.received] == [True, False]


def test_an_endpoint_receives_the_events_it_chose_and_nothing_while_paused(
    return_request, webhook_receiver, django_capture_on_commit_callbacks
):
    # given
    chooser, _ = create_endpoint(installation=return_request.installation, url=webhook_receiver.url,
                                 event_types=["refunded"])
    paused, _ = create_endpoint(installation=return_request.installation, url=webhook_receiver.url)
    update_endpoint(endpoint=paused, is_active=False)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        record(return_request, MessageEvent.APPROVED)

    # then
    assert list(Message.objects.values_list("channel", flat=True)) == ["email"]
    assert webhook_receiver.requests == []


def test_data_an_event_does_not_carry_is_refused_and_nothing_is_written(return_request):
    # given
    context = message_context(return_request, MessageEvent.STORE_CREDIT_ISSUED)

    # when
    with pytest.raises(ValueError, match="carries no gift_card_code"):
        record_message(return_request, MessageEvent.STORE_CREDIT_ISSUED,
                       context={**context, "gift_card_code": "GC-SECRET-1234"})

    # then
    assert not Message.objects.exists()


def test_a_step_that_rolls_back_leaves_no_message_and_sends_nothing(
    return_request, smtp_server, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            record(return_request)
            raise RuntimeError("the step failed")

    # then
    assert callbacks == []
    assert not Message.objects.exists()
    assert smtp_server.received == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_claim_the_same_message(return_request):
    # given: a due message, and two workers asking for it at the same moment
    message = Message.objects.create(
        installation=return_request.installation, return_request=return_request, event="approved", channel="email",
        recipient=return_request.customer_email, next_attempt_at=timezone.now(),
    )
    start = threading.Barrier(2)
    claims = []

    def worker():
        try:
            start.wait()
            claims.append(claim_message(message.pk))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert len([claim for claim in claims if claim is not None]) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.attempt_log.count()) == ("sending", 1, 1)


def test_sending_a_message_twice_sends_it_once(return_request, smtp_server, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = record(return_request)

    # when: the task is delivered again (a broker redelivery, the sweep)
    send_message_task(str(message.pk))
    send_message_task(str(message.pk))

    # then
    assert len(smtp_server.received) == 1
    assert Message.objects.get().attempts == 1


def test_a_message_lost_with_its_worker_is_sent_again_by_the_sweep(return_request, smtp_server):
    # given: a worker took the message eleven minutes ago and died
    message = Message.objects.create(
        installation=return_request.installation, return_request=return_request, event="approved", channel="email",
        recipient=return_request.customer_email, data=message_context(return_request, "approved"),
        status="sending", attempts=1, sending_started_at=timezone.now() - timedelta(minutes=11),
    )
    MessageAttempt.objects.create(message=message, number=1, started_at=message.sending_started_at)

    # when
    send_due_messages_task()

    # then
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert list(message.attempt_log.values_list("number", "outcome")) == [(1, "interrupted"), (2, "sent")]
    assert len(smtp_server.received) == 1


def test_a_message_still_being_sent_is_left_alone_by_the_sweep(return_request, smtp_server):
    # given
    Message.objects.create(
        installation=return_request.installation, return_request=return_request, event="approved", channel="email",
        recipient=return_request.customer_email, status="sending", attempts=1,
        sending_started_at=timezone.now() - timedelta(minutes=2),
    )

    # when
    send_due_messages_task()

    # then
    assert Message.objects.get().status == "sending"
    assert smtp_server.received == []


def test_beat_sends_due_messages_with_a_task_the_worker_knows():
    entry = settings.CELERY_BEAT_SCHEDULE["send-due-messages"]
    assert entry["task"] == "saleor_returns.send_due_messages"
    assert entry["schedule"] == 30.0
    assert {"saleor_returns.send_due_messages", "saleor_returns.send_message"} <= set(celery_app.tasks)


def test_resending_makes_a_new_attempt_that_names_who_asked(
    return_request, smtp_server, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = record(return_request)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        resend_message(message_id=message.pk, requested_by="staff@example.com")

    # then
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert list(message.attempt_log.values_list("number", "trigger", "requested_by", "outcome")) == [
        (1, "automatic", "", "sent"), (2, "resend", "staff@example.com", "sent"),
    ]
    assert len(smtp_server.received) == 2


def test_a_message_waiting_to_be_sent_is_not_resent(return_request):
    # given
    (message,) = record(return_request)

    # when
    with pytest.raises(ValidationError) as refused:
        resend_message(message_id=message.pk)

    # then
    assert refused.value.message_dict == {"id": ["This message is being sent already."]}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
