"""The outbox through a real Celery worker process and a real broker: the message is sent once, after commit."""

import pytest
from django.db import transaction

from saleor_returns.notifications.events import message_context
from saleor_returns.models.notifications import Message, MessageEvent
from saleor_returns.notifications.actions import record_message
from saleor_returns.notifications.tasks import send_message_task
from tests.notifications.conftest import subject
from tests.test_worker import wait_for, worker  # noqa: F401 - fixture


@pytest.fixture
def smtp_environment(smtp_server, monkeypatch):
    """The worker's e-mail goes to the test SMTP server (its environment is read when it starts: ask for this first)."""
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(smtp_server.port))


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_message_once_after_the_step_commits(smtp_environment, return_request, smtp_server, worker):  # noqa: F811
    # when: the step commits (queuing the task), and the task is queued once more
    with transaction.atomic():
        record_message(return_request, MessageEvent.APPROVED,
                       context=message_context(return_request, MessageEvent.APPROVED))
    message = Message.objects.get()
    send_message_task.delay(str(message.pk))

    # then
    wait_for(lambda: Message.objects.get().status == "sent", seconds=60, worker=worker)
    wait_for(lambda: len(smtp_server.received) >= 1, seconds=10, worker=worker)
    (mail,) = smtp_server.received
    assert subject(mail) == f"您的退货 {return_request.rma_number} 已获批准"
    assert Message.objects.get().attempts == 1
