"""Carrier webhook intake: verified, then stored once and the apply task claimed in one statement."""

from datetime import UTC, datetime

import pytest

from django.db import connection, transaction

from saleor_returns import task_schedule
from saleor_returns.carriers.generic import GenericCarrier
from saleor_returns.fakes.carriers.generic import GenericWebhookSender
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import CarrierAccount, CarrierWebhookEvent
from saleor_returns.shipping import actions as shipping_actions
from saleor_returns.shipping.actions import APPLY_EVENTS_SCHEDULE
from saleor_returns.webhooks.carriers import VerifiedAccounts
from tests.test_task_schedule import in_another_connection

SECRET = "ingest-secret"


@pytest.fixture
def account(installation):
    return installation_actions.set_carrier_account(
        installation=installation, provider="generic", name="Feed", credentials={"webhook_secret": SECRET}, is_default=False
    )


def post(client, account, headers, body):
    return client.generic("POST", f"/webhooks/carriers/generic/{account.webhook_key}/", data=body,
                          content_type="application/json", headers={k: v for k, v in headers.items() if k != "Content-Type"})


def test_a_new_event_costs_the_account_read_and_one_statement(client, account, django_assert_num_queries, django_capture_on_commit_callbacks):
    # given
    sender = GenericWebhookSender(SECRET)
    occurred_at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    event = sender.event(" 1z 999 ", status="in_transit", occurred_at=occurred_at, event_id="evt_1", message="Sorted")
    headers, body = sender.signed_webhook(event)

    # when
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(2):
        response = post(client, account, headers, body)

    # then: stored as parsed, the apply task claimed, and queued after commit
    assert (response.status_code, response.json()) == (200, {"received": 1, "new": 1})
    stored = CarrierWebhookEvent.objects.get()
    assert (stored.carrier_account_id, stored.provider, stored.event_id, stored.tracking_number) == (
        account.pk, "generic", "evt_1", "1Z999")
    assert (stored.tracking_status, stored.completed, stored.occurred_at, stored.message) == (
        "in_transit", False, occurred_at, "Sorted")
    assert (stored.status, stored.raw["id"]) == ("pending", "evt_1")
    assert stored.received_at is not None
    assert len(callbacks) == 1


def test_the_same_event_twice_is_stored_once_and_queues_nothing_more(client, account, django_capture_on_commit_callbacks):
    # given
    sender = GenericWebhookSender(SECRET)
    event = sender.event("1Z999", status="in_transit", occurred_at=datetime.now(UTC), event_id="evt_twice")
    headers, body = sender.signed_webhook(event)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, account, headers, body)

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, account, headers, body)

    # then
    assert (response.status_code, response.json()) == (200, {"received": 1, "new": 0})
    assert CarrierWebhookEvent.objects.count() == 1
    assert callbacks == []


def test_a_bad_signature_stores_nothing(client, account, django_capture_on_commit_callbacks):
    # given
    sender = GenericWebhookSender("another-secret")
    headers, body = sender.signed_webhook(sender.event("1Z999", status="in_transit", occurred_at=datetime.now(UTC)))

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, account, headers, body)

    # then
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "INVALID_SIGNATURE", "message": "Invalid signature."}}
    assert CarrierWebhookEvent.objects.count() == 0
    assert callbacks == []


def test_no_task_is_queued_while_one_is_already_scheduled(client, account, django_capture_on_commit_callbacks):
    # given: a task is queued and has not started
    assert task_schedule.claim_task_schedule(APPLY_EVENTS_SCHEDULE) is True
    sender = GenericWebhookSender(SECRET)
    headers, body = sender.signed_webhook(sender.event("1Z999", status="in_transit", occurred_at=datetime.now(UTC)))

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, account, headers, body)

    # then: stored, and left to the queued task
    assert response.json() == {"received": 1, "new": 1}
    assert CarrierWebhookEvent.objects.count() == 1
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_a_task_releasing_its_mark_waits_for_the_events_stored_meanwhile(account):
    # given: a task is queued, and a webhook's events are stored but not committed yet
    assert in_another_connection(lambda: task_schedule.claim_task_schedule(APPLY_EVENTS_SCHEDULE)) is True
    sender = GenericWebhookSender(SECRET)
    headers, body = sender.signed_webhook(sender.event("1Z999", status="in_transit", occurred_at=datetime.now(UTC)))
    events = GenericCarrier({"webhook_secret": SECRET}).parse_webhook(body)

    def release_then_read():
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        try:
            task_schedule.release_task_schedule(APPLY_EVENTS_SCHEDULE)
        except Exception as error:  # noqa: BLE001 - the lock timeout is what is looked for
            return type(error).__name__
        return CarrierWebhookEvent.objects.count()

    with transaction.atomic():
        assert shipping_actions.record_carrier_events(account=account, parsed=events) == 1
        # when: the task starts meanwhile
        blocked = in_another_connection(release_then_read)

    # then: its release waited on the stored events' transaction, and after commit it sees them
    assert blocked == "OperationalError"
    assert in_another_connection(release_then_read) == 1


def test_a_known_account_costs_only_the_statement(client, account, django_assert_num_queries, django_capture_on_commit_callbacks):
    # given: the process has verified a webhook with this account already
    sender = GenericWebhookSender(SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, account, *sender.signed_webhook(sender.event("1Z999", status="in_transit", occurred_at=datetime.now(UTC))))
    headers, body = sender.signed_webhook(sender.event("1Z999", status="delivered", occurred_at=datetime.now(UTC)))

    # when
    with django_assert_num_queries(1):
        response = post(client, account, headers, body)

    # then
    assert (response.status_code, response.json()) == (200, {"received": 1, "new": 1})
    assert CarrierWebhookEvent.objects.count() == 2


def test_a_rotated_secret_takes_effect_at_once(client, installation, account):
    # given: the process keeps the account with its old secret
    old_sender, new_sender = GenericWebhookSender(SECRET), GenericWebhookSender("rotated-secret")
    post(client, account, *old_sender.signed_webhook(old_sender.event("1Z999", status="in_transit", occurred_at=datetime.now(UTC))))
    installation_actions.set_carrier_account(installation=installation, provider="generic", name="Feed",
                                             credentials={"webhook_secret": "rotated-secret"}, is_default=False,
                                             account=account)

    # when
    old = post(client, account, *old_sender.signed_webhook(old_sender.event("1Z999", status="delivered", occurred_at=datetime.now(UTC))))
    new = post(client, account, *new_sender.signed_webhook(new_sender.event("1Z999", status="delivered", occurred_at=datetime.now(UTC))))

    # then: the old secret is refused, nothing of it stored; the new one is accepted
    assert old.status_code == 401
    assert old.json() == {"error": {"code": "INVALID_SIGNATURE", "message": "Invalid signature."}}
    assert (new.status_code, new.json()) == (200, {"received": 1, "new": 1})
    assert CarrierWebhookEvent.objects.count() == 2


def test_a_disabled_account_stores_nothing_though_the_process_kept_it(client, account, django_capture_on_commit_callbacks):
    # given
    sender = GenericWebhookSender(SECRET)
    post(client, account, *sender.signed_webhook(sender.event("1Z999", status="in_transit", occurred_at=datetime.now(UTC))))
    account.is_active = False
    account.save(update_fields=["is_active"])

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, account, *sender.signed_webhook(sender.event("1Z999", status="delivered", occurred_at=datetime.now(UTC))))

    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "UNKNOWN_WEBHOOK"
    assert CarrierWebhookEvent.objects.count() == 1
    assert callbacks == []


def test_an_account_changed_after_it_was_read_stores_nothing(account):
    # given: the events were verified with the account as it was read
    sender = GenericWebhookSender(SECRET)
    events = GenericCarrier({"webhook_secret": SECRET}).parse_webhook(
        sender.signed_webhook(sender.event("1Z999", status="in_transit", occurred_at=datetime.now(UTC)))[1])
    read = CarrierAccount.objects.get(pk=account.pk)
    account.credentials = {"webhook_secret": "rotated-secret"}
    account.save()

    # when / then
    with pytest.raises(shipping_actions.CarrierAccountChanged):
        shipping_actions.record_carrier_events(account=read, parsed=events)
    assert CarrierWebhookEvent.objects.count() == 0


@pytest.mark.parametrize(("_case", "ttl", "kept"), [("within its time", 60, True), ("past its time", 0, False)])
def test_an_account_is_kept_for_its_time(account, _case, ttl, kept):
    # given
    accounts = VerifiedAccounts(ttl=ttl)

    # when
    loaded = accounts.load("generic", account.webhook_key)

    # then
    assert loaded.account.pk == account.pk
    assert (accounts.get("generic", account.webhook_key) is loaded) is kept


@pytest.mark.django_db(transaction=True)
def test_webhooks_stored_meanwhile_do_not_wait_for_one_another(account):
    # given: a task is queued, and one webhook's events are stored but not committed yet
    assert in_another_connection(lambda: task_schedule.claim_task_schedule(APPLY_EVENTS_SCHEDULE)) is True
    sender = GenericWebhookSender(SECRET)
    carrier = GenericCarrier({"webhook_secret": SECRET})

    def parsed(event_id):
        return carrier.parse_webhook(sender.signed_webhook(
            sender.event("1Z999", status="in_transit", occurred_at=datetime.now(UTC), event_id=event_id))[1])

    def store_another():
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        return shipping_actions.record_carrier_events(account=account, parsed=parsed("evt_second"))

    with transaction.atomic():
        assert shipping_actions.record_carrier_events(account=account, parsed=parsed("evt_first")) == 1
        # when: another webhook is stored meanwhile
        second = in_another_connection(store_another)

    # then: it did not wait for the first one's transaction
    assert second == 1
    assert CarrierWebhookEvent.objects.count() == 2
