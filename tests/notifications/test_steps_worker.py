"""A step's message and a reminder's beat task through a real Celery worker and a real broker."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from saleor_returns.models.notifications import Message
from saleor_returns.notifications.tasks import send_ship_reminders_task
from saleor_returns.requestors import Actor
from saleor_returns.requests import actions as request_actions
from tests.notifications.conftest import subject
from tests.notifications.steps import in_review  # noqa: F401 - fixture
from tests.notifications.test_worker import smtp_environment  # noqa: F401 - fixture
from tests.test_worker import wait_for, worker  # noqa: F401 - fixture

STAFF = Actor(kind="staff", id="VXNlcjox", email="staff@example.com")


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_a_steps_message_once_it_commits(smtp_environment, in_review, smtp_server, worker):  # noqa: F811
    # when: staff reject the return (the step commits and queues its message)
    request_actions.reject_return_request(return_request=in_review, actor=STAFF, message="Worn outside.")

    # then
    wait_for(lambda: Message.objects.get(event="rejected").status == "sent", seconds=60, worker=worker)
    wait_for(lambda: len(smtp_server.received) >= 1, seconds=10, worker=worker)
    (mail,) = smtp_server.received
    assert subject(mail) == f"您的退货申请 {in_review.rma_number} 未获批准"
    assert "Worn outside." in mail.get_body(("plain",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_a_worker_records_and_sends_a_due_reminder_once(smtp_environment, in_review, smtp_server, worker):  # noqa: F811
    # given: approved four days ago; the shop reminds after three
    with time_machine.travel(timezone.now() - timedelta(days=4)):
        request_actions.approve_return_request(return_request=in_review, actor=STAFF)
    wait_for(lambda: Message.objects.get(event="approved").status == "sent", seconds=60, worker=worker)

    # when: beat queues the task twice
    send_ship_reminders_task.delay()
    send_ship_reminders_task.delay()

    # then
    wait_for(lambda: Message.objects.filter(event="ship_reminder", status="sent").exists(), seconds=60, worker=worker)
    wait_for(lambda: len(smtp_server.received) >= 2, seconds=10, worker=worker)
    assert Message.objects.filter(event="ship_reminder").count() == 1
    assert [subject(mail).startswith("提醒：") for mail in smtp_server.received] == [False, True]
    assert smtp_server.received[1]["List-Unsubscribe"]
