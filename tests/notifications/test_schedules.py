"""Reminders to ship and survey invitations: recorded once when the policy's days have passed, not before,
not for returns on their way or answered, and the policy's settings for them validated."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.db import transaction

from saleor_returns import lifecycle
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import ReturnRequest, ReturnShipment
from saleor_returns.models.notifications import EmailOptOut, Message
from saleor_returns.models.surveys import SurveyResponse
from saleor_returns.notifications.tasks import send_ship_reminders_task, send_survey_invitations_task
from saleor_returns.policy_rules import PolicyRules
from saleor_returns.requestors import SYSTEM, Actor
from saleor_returns.requests import actions as request_actions
from saleor_returns.return_links import LinkPurpose, read_link_token
from saleor_returns.states import ReturnStatus
from tests.api.conftest import as_staff, shop, staff_user  # noqa: F401 - fixtures
from tests.api.mutations.test_settings_mutations import POLICY_UPDATE
from tests.factories import ReturnLineFactory, ReturnRequestFactory
from tests.notifications.steps import TOLD, email, in_review, subscribe, told  # noqa: F401 - fixtures

STAFF = Actor(kind="staff", id="VXNlcjox", email="staff@example.com")
APPROVED_AT = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
RESOLVED_AT = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)


def set_policy(installation, channel_slug="", **rules):
    return installation_actions.update_return_policy(
        installation=installation, channel_slug=channel_slug, rules=rules, preset=None, actor=SYSTEM
    )


def at(moment: datetime, task) -> None:
    with time_machine.travel(moment, tick=False):
        task()


def run_around(due: datetime, task, event: str) -> list[str]:
    """Run `task` a minute before `due` (returning what was told then), at `due`, and two days later."""
    at(due - timedelta(minutes=1), task)
    before = told(event)
    at(due, task)
    at(due + timedelta(days=2), task)
    return before


@pytest.fixture
def approved_return(in_review):
    """Approved on APPROVED_AT (the shop sells no labels: the customer sends the parcel)."""
    with time_machine.travel(APPROVED_AT, tick=False):
        return request_actions.approve_return_request(return_request=in_review, actor=STAFF)


@pytest.fixture
def resolved_return(in_review):
    """Resolved on RESOLVED_AT."""
    with time_machine.travel(RESOLVED_AT, tick=False), transaction.atomic():
        lifecycle.transition(in_review, to=ReturnStatus.APPROVED, actor=STAFF)
        lifecycle.transition(in_review, to=ReturnStatus.RESOLVED, actor=SYSTEM)
    return in_review


# --------------------------------------------------------------------------- reminders to ship


def test_a_reminder_is_recorded_once_when_its_day_comes(approved_return, subscribe):
    # given
    subscribe("ship_reminder")

    # when: the beat runs before the third day, on it, and again after
    before = run_around(APPROVED_AT + timedelta(days=3), send_ship_reminders_task, "ship_reminder")

    # then
    assert before == []
    assert told("ship_reminder") == TOLD
    reminder = email("ship_reminder")
    approval = approved_return.events.get(to_status="approved")
    assert reminder.occurrence == str(approval.pk)
    assert reminder.data["ship_by"] == "2026-06-02"


@pytest.mark.parametrize(("_case", "shipment"), [
    ("scanned by the carrier", {"method": "label", "label_status": "created", "first_scan_at": APPROVED_AT}),
    ("shipped by the customer, with tracking", {"method": "self_ship", "carrier": "UPS", "tracking_number": "1Z"}),
])
def test_a_return_on_its_way_is_not_reminded(approved_return, _case, shipment):
    # given
    ReturnShipment.objects.create(return_request=approved_return, **shipment)

    # when
    at(APPROVED_AT + timedelta(days=4), send_ship_reminders_task)

    # then
    assert told("ship_reminder") == []


@pytest.mark.parametrize(("_case", "rules", "days"), [
    ("reminders off", {"ship_reminder_days": 0}, 29),
    ("a later day", {"ship_reminder_days": 7}, 6),
])
def test_the_policy_in_force_decides_the_reminders_day(installation, approved_return, _case, rules, days):
    # given: the shop changed its settings after the approval
    set_policy(installation, **rules)

    # when
    at(APPROVED_AT + timedelta(days=days), send_ship_reminders_task)

    # then
    assert told("ship_reminder") == []


def test_a_channels_own_policy_decides_for_its_returns(installation, approved_return):
    # given: the shop reminds after 3 days, the return's channel after 10
    set_policy(installation, channel_slug=approved_return.channel_slug, ship_reminder_days=10)

    # when
    at(APPROVED_AT + timedelta(days=9), send_ship_reminders_task)
    early = told("ship_reminder")
    at(APPROVED_AT + timedelta(days=10), send_ship_reminders_task)

    # then
    assert early == []
    assert told("ship_reminder") == ["email"]


def test_claims_and_returns_kept_by_the_customer_are_not_reminded(installation, order):
    # given: an approved claim and an approved keep-the-item return
    for values in ({"kind": "parcel_lost"}, {"resolution": "keep_item"}):
        request = ReturnRequestFactory(installation=installation, order_id=order["id"], **values)
        ReturnLineFactory(return_request=request, requested_quantity=1)
        with time_machine.travel(APPROVED_AT, tick=False):
            request_actions.approve_return_request(return_request=request, actor=STAFF)

    # when
    at(APPROVED_AT + timedelta(days=4), send_ship_reminders_task)

    # then
    assert told("ship_reminder") == []


def test_a_customer_who_opted_out_gets_no_reminder_but_the_merchant_hears_of_it(
    approved_return, subscribe, django_capture_on_commit_callbacks
):
    # given
    EmailOptOut.objects.create(installation=approved_return.installation, email="wang.fang@example.com")
    subscribe("ship_reminder")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        at(APPROVED_AT + timedelta(days=3), send_ship_reminders_task)

    # then
    assert told("ship_reminder") == TOLD
    assert email("ship_reminder").status == "skipped"
    assert set(Message.objects.filter(event="ship_reminder", channel="webhook").values_list("status", flat=True)) == {"sent"}


def test_no_reminder_once_the_last_day_to_ship_has_passed(installation, approved_return):
    # given: the return was judged by a version whose returns expire in 2 days; the one in force
    # now reminds on the third
    ReturnRequest.objects.filter(pk=approved_return.pk).update(
        policy=set_policy(installation, approved_return_expiry_days=2)
    )
    set_policy(installation, ship_reminder_days=3)

    # when
    at(APPROVED_AT + timedelta(days=3), send_ship_reminders_task)

    # then: the expiry tells the customer instead
    assert told("ship_reminder") == []


# --------------------------------------------------------------------------- survey invitations


def test_a_survey_invitation_is_recorded_once_after_the_delay(resolved_return, subscribe):
    # given
    subscribe("survey_invitation")

    # when: the beat runs before the second day, on it, and again after
    before = run_around(RESOLVED_AT + timedelta(days=2), send_survey_invitations_task, "survey_invitation")

    # then
    assert before == []
    assert told("survey_invitation") == TOLD
    invitation = email("survey_invitation")
    assert invitation.occurrence == ""
    (token,) = parse_qs(urlparse(invitation.data["survey_link"]).query)["link"]
    with time_machine.travel(RESOLVED_AT + timedelta(days=3), tick=False):
        link = read_link_token(token, installation_id=resolved_return.installation_id, purpose=LinkPurpose.SURVEY)
    assert link.return_request_id == str(resolved_return.pk)


def test_a_delay_of_zero_invites_at_the_next_run(installation, resolved_return):
    # given
    set_policy(installation, survey_delay_days=0)

    # when
    at(RESOLVED_AT + timedelta(minutes=5), send_survey_invitations_task)

    # then
    assert told("survey_invitation") == ["email"]


@pytest.mark.parametrize("_case", ["surveys off", "already answered", "resolved long ago"])
def test_no_invitation_where_none_is_wanted(installation, resolved_return, _case):
    # given
    days = 2
    if _case == "surveys off":
        set_policy(installation, survey_enabled=False)
    elif _case == "already answered":
        SurveyResponse.objects.create(installation=installation, return_request=resolved_return, rating=5,
                                      submitted_at=RESOLVED_AT, updated_at=RESOLVED_AT)
    else:
        days = 10

    # when
    at(RESOLVED_AT + timedelta(days=days), send_survey_invitations_task)

    # then
    assert told("survey_invitation") == []


def test_a_return_closed_without_resolution_gets_no_invitation(installation, in_review):
    # given: rejected long enough ago
    with time_machine.travel(RESOLVED_AT, tick=False):
        request_actions.reject_return_request(return_request=in_review, actor=STAFF, message="Worn.")

    # when
    at(RESOLVED_AT + timedelta(days=2), send_survey_invitations_task)

    # then
    assert told("survey_invitation") == []


# --------------------------------------------------------------------------- the settings


@pytest.mark.parametrize(("_case", "rules", "field", "message"), [
    ("negative", '{"ship_reminder_days": -1}', "shipReminderDays", "Must be between 0 and 3650."),
    ("not a number", '{"ship_reminder_days": "3"}', "shipReminderDays", "Must be a whole number."),
    ("after the expiry", '{"ship_reminder_days": 14, "approved_return_expiry_days": 14}', "shipReminderDays",
     "Remind before an approved return expires: fewer than 14 days, or 0 for no reminder."),
    ("no delay given", '{"survey_delay_days": null}', "surveyDelayDays", "Must be a whole number."),
    ("too long", '{"survey_delay_days": 366}', "surveyDelayDays", "Must be between 0 and 365."),
    ("not a switch", '{"survey_enabled": "no"}', "surveyEnabled", "Must be true or false."),
])
def test_message_settings_are_checked_by_field(as_staff, shop, _case, rules, field, message):  # noqa: F811
    # when
    payload = as_staff(POLICY_UPDATE, {"rules": rules})["data"]["returnPolicyUpdate"]

    # then
    assert payload["errors"] == [{"field": field, "code": "INVALID", "message": message}]
    assert shop.return_policies.count() == 1


def test_message_settings_are_saved_and_a_version_without_them_shows_their_defaults(as_staff, shop):  # noqa: F811
    # given: a version saved before the settings existed
    policy = shop.return_policies.get()
    policy.rules = {key: value for key, value in policy.rules.items()
                    if key not in ("ship_reminder_days", "survey_enabled", "survey_delay_days")}
    policy.save(update_fields=["rules"])
    shown = as_staff("{ returnPolicy { rules } }")["data"]["returnPolicy"]["rules"]

    # when
    saved = as_staff(POLICY_UPDATE, {"rules": '{"ship_reminder_days": 0, "survey_enabled": false, "survey_delay_days": 5}'})

    # then
    assert all(fragment in shown for fragment in ('"ship_reminder_days": 3', '"survey_enabled": true', '"survey_delay_days": 2'))
    rules = saved["data"]["returnPolicyUpdate"]["policy"]["rules"]
    assert all(fragment in rules for fragment in ('"ship_reminder_days": 0', '"survey_enabled": false', '"survey_delay_days": 5'))


@pytest.mark.parametrize(("_case", "rules", "days"), [
    ("the default", {}, 3),
    ("returns that expire sooner", {"approved_return_expiry_days": 2}, 1),
    ("returns that expire the next day", {"approved_return_expiry_days": 1}, 0),
    ("given", {"approved_return_expiry_days": 2, "ship_reminder_days": 0}, 0),
])
def test_rules_without_a_reminder_day_remind_before_their_returns_expire(_case, rules, days):
    assert PolicyRules.from_json(rules).ship_reminder_days == days
    assert PolicyRules.from_json(PolicyRules.from_json(rules).to_json()).ship_reminder_days == days


def test_a_version_saved_without_a_reminder_day_reminds_before_its_returns_expire(installation, approved_return):
    # given: the version in force predates the setting, and its approved returns expire after 2 days
    policy = set_policy(installation, approved_return_expiry_days=2)
    policy.rules = {key: value for key, value in policy.rules.items() if key != "ship_reminder_days"}
    policy.save(update_fields=["rules"])
    ReturnRequest.objects.filter(pk=approved_return.pk).update(policy=policy)

    # when
    before = run_around(APPROVED_AT + timedelta(days=1), send_ship_reminders_task, "ship_reminder")

    # then: reminded on the first day, as the version reads
    assert before == []
    assert told("ship_reminder") == ["email"]
