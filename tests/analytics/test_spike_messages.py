"""Spike alerts told to the shop: one e-mail to its alerts address and one signed webhook per subscribed
endpoint, written with the alert, never twice, in the shop's language, and listed with the alert."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection, transaction
from graphql_relay import to_global_id
from standardwebhooks import Webhook

from saleor_returns.analytics.spikes import record_spike_alerts, spike_alert_data
from saleor_returns.analytics.tasks import report_spike_alerts_task
from saleor_returns.models import Message, SoldVariant, SpikeAlert
from saleor_returns.notifications.sender import update_sender_settings
from saleor_returns.notifications.shop_messages import record_spike_alert_messages
from saleor_returns.notifications.webhooks import create_endpoint
from tests.analytics.test_spikes import WEEK, series
from tests.api.conftest import as_staff, staff_user  # noqa: F401 - the API tests' staff member
from tests.notifications.conftest import (  # noqa: F401 - the outbox's SMTP server and webhook receiver
    smtp_server,
    smtp_settings,
    subject,
    text_of,
    webhook_receiver,
)

pytestmark = pytest.mark.usefixtures("smtp_settings")

# The beat task's hour in the week after WEEK: it reports WEEK.
WEEK_AFTER = "2026-03-17T08:00:00+00:00"
# How Babel writes the week in English (thin spaces around the dash).
WEEK_IN_ENGLISH = "Mar 9\u2009–\u200915, 2026"


@pytest.fixture
def spiking(shop):
    """A trail sneaker returned 30 of 100 this week (mostly too small) against 5 % in the 8 weeks before."""
    SoldVariant.objects.create(installation=shop, variant_id="UHJvZHVjdFZhcmlhbnQ6NDI=", sku="SNEAKER-42",
                               product_name="Trail Sneaker")
    series(shop, "UHJvZHVjdFZhcmlhbnQ6NDI=", baseline=(800, 40), week=(100, 30),
           reasons={"DEFECT": 18, "WRONG_ITEM": 12})
    return shop


@pytest.fixture
def alerts_address(spiking):
    return update_sender_settings(installation=spiking, alerts_email="returns-team@shop.example.com")


@pytest.fixture
def endpoints(spiking, webhook_receiver):
    """The ERP subscribed to spike alerts, a BI tool to every event, a helpdesk to approvals only."""
    erp = create_endpoint(installation=spiking, url=webhook_receiver.url + "?erp", event_types=["spike_alert"])
    every = create_endpoint(installation=spiking, url=webhook_receiver.url + "?bi")
    create_endpoint(installation=spiking, url=webhook_receiver.url + "?helpdesk", event_types=["approved"])
    return {"erp": erp, "bi": every}


def report(django_capture_on_commit_callbacks, shop) -> list[SpikeAlert]:
    with django_capture_on_commit_callbacks(execute=True):
        return record_spike_alerts(shop, week_start=WEEK)


def test_an_alert_writes_one_email_and_one_webhook_per_subscribed_endpoint(
    spiking, alerts_address, endpoints, django_capture_on_commit_callbacks, smtp_server, webhook_receiver
):
    # when
    (alert,) = report(django_capture_on_commit_callbacks, spiking)

    # then: the outbox holds the e-mail to the staff and one delivery per endpoint that takes the event
    messages = Message.objects.filter(spike_alert=alert)
    assert sorted((m.channel, m.recipient, m.endpoint.url.rsplit("?")[1] if m.endpoint else "", m.status)
                  for m in messages) == [
        ("email", "returns-team@shop.example.com", "", "sent"),
        ("webhook", "", "bi", "sent"),
        ("webhook", "", "erp", "sent"),
    ]
    assert not Message.objects.filter(return_request__isnull=False).exists()
    # then: the e-mail says the variant, the rates with their intervals, units, the reason and the desk link
    (mail,) = smtp_server.received
    assert mail["To"] == "returns-team@shop.example.com"
    assert subject(mail) == "Return spike: Trail Sneaker (30.0% returned in Mar 9 – 15, 2026)"  # a subject keeps plain spaces
    text = text_of(mail)
    assert f"Returns of Trail Sneaker (SKU SNEAKER-42) spiked in the week {WEEK_IN_ENGLISH}." in text
    assert "This week: 30.0% returned (30 of 100 units), 95 % interval 21.9% – 39.6%." in text
    assert "The 8 weeks before: 5.0% (40 of 800 units), 95 % interval 3.7% – 6.7%." in text
    assert "Main reason this week: Defective or faulty." in text
    app_id = quote(spiking.app_id, safe="")
    assert f"https://{spiking.saleor_domain}/dashboard/extensions/app/{app_id}/returners" in text


def test_the_webhook_is_signed_and_shaped_like_the_other_events(
    spiking, alerts_address, endpoints, django_capture_on_commit_callbacks, webhook_receiver
):
    # when
    (alert,) = report(django_capture_on_commit_callbacks, spiking)

    # then: each delivery verifies with its endpoint's secret
    by_endpoint = {request["path"].rsplit("?")[1]: request for request in webhook_receiver.requests}
    assert sorted(by_endpoint) == ["bi", "erp"]
    _, secret = endpoints["erp"]
    request = by_endpoint["erp"]
    verified = Webhook(secret).verify(request["body"], request["headers"])
    message = Message.objects.get(spike_alert=alert, endpoint=endpoints["erp"][0])
    assert request["headers"]["webhook-id"] == str(message.pk)
    assert verified["type"] == "shop.spike_alert"
    assert verified["timestamp"] == message.created_at.isoformat().replace("+00:00", "Z")
    assert verified["data"] == {
        "spike_alert_id": to_global_id("ReturnSpikeAlert", str(alert.pk)),
        "variant_id": "UHJvZHVjdFZhcmlhbnQ6NDI=", "sku": "SNEAKER-42", "product_name": "Trail Sneaker",
        "week_start": "2026-03-09", "week_end": "2026-03-15",
        "sold_units": 100, "returned_units": 30, "return_rate": "0.3000",
        "rate_interval": {"lower": "0.2189", "upper": "0.3958"},
        "baseline_weeks": 8, "baseline_sold_units": 800, "baseline_returned_units": 40, "baseline_rate": "0.0500",
        "baseline_interval": {"lower": "0.0369", "upper": "0.0674"},
        "dominant_reason_code": "DEFECT",
        "dominant_reason_labels": {"en": "Defective or faulty", "zh-hans": "商品有缺陷或故障"},
        "desk_url": f"https://{spiking.saleor_domain}/dashboard/extensions/app/{quote(spiking.app_id, safe='')}/returners",
        "saleor_api_url": spiking.saleor_api_url, "schema_version": 1,
    }
    assert json.loads(by_endpoint["bi"]["body"])["data"] == verified["data"]


def test_the_beat_task_run_twice_tells_the_shop_once(spiking, alerts_address, endpoints, smtp_server, webhook_receiver,
                                                     django_capture_on_commit_callbacks):
    # when: the hourly task runs twice in the week after
    with time_machine.travel(WEEK_AFTER, tick=False), django_capture_on_commit_callbacks(execute=True):
        report_spike_alerts_task()
        report_spike_alerts_task()

    # then
    alert = SpikeAlert.objects.get(installation=spiking)
    assert sorted(Message.objects.filter(spike_alert=alert).values_list("channel", flat=True)) == [
        "email", "webhook", "webhook"
    ]
    assert len(smtp_server.received) == 1
    assert len(webhook_receiver.requests) == 2


def test_an_alert_rolled_back_tells_nothing_and_is_told_on_the_next_run(
    spiking, alerts_address, endpoints, django_capture_on_commit_callbacks, smtp_server, webhook_receiver
):
    # when: the run's transaction is rolled back after the alerts were recorded
    with django_capture_on_commit_callbacks(execute=True) as queued, pytest.raises(RuntimeError):
        with transaction.atomic():
            record_spike_alerts(spiking, week_start=WEEK)
            raise RuntimeError("the worker stopped")

    # then: no alert, no message, nothing sent
    assert not SpikeAlert.objects.exists()
    assert not Message.objects.exists()
    assert queued == []
    assert smtp_server.received == [] and webhook_receiver.requests == []

    # when: the next run
    (alert,) = report(django_capture_on_commit_callbacks, spiking)

    # then: told now, once
    assert Message.objects.filter(spike_alert=alert).count() == 3
    assert len(smtp_server.received) == 1


def test_without_an_alerts_address_the_email_is_skipped_and_says_why(
    spiking, endpoints, django_capture_on_commit_callbacks, smtp_server, webhook_receiver
):
    # when
    (alert,) = report(django_capture_on_commit_callbacks, spiking)

    # then: the e-mail is recorded as skipped, with the reason; the webhooks go out
    email = Message.objects.get(spike_alert=alert, channel="email")
    assert (email.status, email.recipient, email.last_error, email.attempts) == (
        "skipped", "", "No alerts address is set in the e-mail sender settings.", 0
    )
    assert smtp_server.received == []
    assert len(webhook_receiver.requests) == 2


def test_the_email_is_written_in_the_shops_alerts_language(spiking, django_capture_on_commit_callbacks, smtp_server):
    # given
    update_sender_settings(installation=spiking, alerts_email="returns-team@shop.example.com",
                           alerts_language="zh-hans")

    # when
    (alert,) = report(django_capture_on_commit_callbacks, spiking)

    # then
    (mail,) = smtp_server.received
    assert subject(mail).startswith("退货激增：Trail Sneaker（")
    text = text_of(mail)
    assert "本周：退货率 30.0%（100 件中退回 30 件），95% 区间 21.9% – 39.6%。" in text
    assert "本周主要原因：商品有缺陷或故障。" in text
    assert Message.objects.get(spike_alert=alert, channel="email").language == "zh-hans"


def test_staff_see_how_the_shop_was_told_on_the_alert(
    as_staff, spiking, endpoints, django_capture_on_commit_callbacks, webhook_receiver
):
    # given
    report(django_capture_on_commit_callbacks, spiking)

    # when
    (listed,) = as_staff("{ returnSpikeAlerts { variantId messages { event type channel status lastError "
                         "endpoint { url } } } }")["data"]["returnSpikeAlerts"]

    # then
    assert listed["variantId"] == "UHJvZHVjdFZhcmlhbnQ6NDI="
    assert sorted((m["channel"], m["status"], (m["endpoint"] or {}).get("url", "").rsplit("?")[-1])
                  for m in listed["messages"]) == [("EMAIL", "SKIPPED", ""), ("WEBHOOK", "SENT", "bi"),
                                                   ("WEBHOOK", "SENT", "erp")]
    assert {(m["event"], m["type"]) for m in listed["messages"]} == {("SPIKE_ALERT", "shop.spike_alert")}


def test_a_returns_customer_messages_never_show_the_alert(
    as_staff, spiking, alerts_address, django_capture_on_commit_callbacks
):
    # when
    (alert,) = report(django_capture_on_commit_callbacks, spiking)

    # then: the alert's messages belong to no return
    assert Message.objects.filter(spike_alert=alert).count() == 1
    assert not Message.objects.filter(spike_alert=alert, return_request__isnull=False).exists()


def test_templates_and_the_sender_settings_offer_the_alert(as_staff, spiking):
    # when
    templates = as_staff('{ returnMessageTemplates(event: SPIKE_ALERT) { event language subject placeholders { name } } }')
    saved = as_staff(
        "mutation($input: ReturnSenderSettingsInput!) { returnSenderSettingsUpdate(input: $input) { "
        "senderSettings { alertsEmail alertsLanguage } errors { field code message } } }",
        {"input": {"alertsEmail": " team@shop.example.com ", "alertsLanguage": "ZH_HANS"}},
    )["data"]["returnSenderSettingsUpdate"]
    refused = as_staff(
        "mutation($input: ReturnSenderSettingsInput!) { returnSenderSettingsUpdate(input: $input) { "
        "errors { field code message } } }", {"input": {"alertsEmail": "team at shop"}},
    )["data"]["returnSenderSettingsUpdate"]

    # then
    listed = templates["data"]["returnMessageTemplates"]
    assert [(t["event"], t["language"]) for t in listed] == [("SPIKE_ALERT", "EN"), ("SPIKE_ALERT", "ZH_HANS")]
    assert [p["name"] for p in listed[0]["placeholders"]] == [
        "shop_name", "product", "sku", "week", "return_rate", "rate_interval", "baseline_rate", "baseline_interval",
        "baseline_weeks", "units", "baseline_units", "dominant_reason", "desk_link",
    ]
    assert saved == {"senderSettings": {"alertsEmail": "team@shop.example.com", "alertsLanguage": "ZH_HANS"},
                     "errors": []}
    assert refused == {"errors": [{"field": "alertsEmail", "code": "INVALID",
                                   "message": "This is not an e-mail address."}]}


def test_a_skipped_email_sent_again_goes_to_the_address_set_since(
    as_staff, spiking, django_capture_on_commit_callbacks, smtp_server
):
    # given: an alert e-mailed to no one
    (alert,) = report(django_capture_on_commit_callbacks, spiking)
    email = Message.objects.get(spike_alert=alert, channel="email")
    update_sender_settings(installation=spiking, alerts_email="returns-team@shop.example.com")

    # when: staff send it again
    with django_capture_on_commit_callbacks(execute=True):
        resent = as_staff('mutation($id: ID!) { returnMessageResend(id: $id) { errors { field code } } }',
                          {"id": to_global_id("ReturnMessage", str(email.pk))})

    # then
    assert resent == {"data": {"returnMessageResend": {"errors": []}}}
    email.refresh_from_db()
    assert (email.status, email.recipient, email.attempts) == ("sent", "returns-team@shop.example.com", 1)
    (mail,) = smtp_server.received
    assert mail["To"] == "returns-team@shop.example.com"


def test_messages_are_written_once_per_alert_whoever_writes_them(
    spiking, alerts_address, endpoints, django_capture_on_commit_callbacks
):
    # given
    (alert,) = report(django_capture_on_commit_callbacks, spiking)

    # when: the alert's messages are written again (a second worker that got past the alert's lock)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        again = record_spike_alert_messages(alert, data=spike_alert_data(spiking, alert))

    # then
    assert again == [] and queued == []
    assert Message.objects.filter(spike_alert=alert).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_tell_the_shop_once(spiking, alerts_address, endpoints, smtp_server, webhook_receiver):
    # given: two workers starting the week's report together, each on its own connection
    start = threading.Barrier(2)

    def run() -> int:
        try:
            start.wait()
            return len(record_spike_alerts(spiking, week_start=WEEK))
        finally:
            connection.close()

    # when
    with ThreadPoolExecutor(max_workers=2) as pool:
        reported = sorted(pool.map(lambda _: run(), range(2)))

    # then: one of them reported the alert, with one e-mail and one delivery per endpoint
    assert reported == [0, 1]
    alert = SpikeAlert.objects.get(installation=spiking)
    assert sorted(Message.objects.filter(spike_alert=alert).values_list("channel", flat=True)) == [
        "email", "webhook", "webhook"
    ]
    assert len(smtp_server.received) == 1
    assert len(webhook_receiver.requests) == 2
