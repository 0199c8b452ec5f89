"""The policy form's settings for the customer's messages: the reminder to ship and the satisfaction survey."""

import pytest

from saleor_returns.models import ReturnPolicy
from tests.browser.test_settings import current_policy, open_settings, wait_for_notification

pytestmark = pytest.mark.browser


def test_the_reminder_and_the_survey_are_set_in_the_policy_form(dashboard, shop):
    # given
    frame = open_settings(dashboard)
    assert frame.locator('[data-field="shipReminderDays"] input').input_value() == "3"
    assert frame.locator('[data-field="surveyEnabled"] input').is_checked()
    assert frame.locator('[data-field="surveyDelayDays"] input').input_value() == "2"

    # when
    frame.fill('[data-field="shipReminderDays"] input', "5")
    frame.uncheck('[data-field="surveyEnabled"] input')
    frame.fill('[data-field="surveyDelayDays"] input', "7")
    frame.click('button[data-action="save-policy"]')

    # then
    wait_for_notification(dashboard, "success")
    frame.wait_for_selector('.policy-version strong[data-version="2"]')
    rules = current_policy(shop).rules
    assert (rules["ship_reminder_days"], rules["survey_enabled"], rules["survey_delay_days"]) == (5, False, 7)
    assert frame.locator('[data-field="shipReminderDays"] input').input_value() == "5"
    assert not frame.locator('[data-field="surveyEnabled"] input').is_checked()


def test_a_reminder_after_the_expiry_is_refused_next_to_its_field(dashboard, shop):
    # given
    frame = open_settings(dashboard)

    # when: approved returns expire after 30 days
    frame.fill('[data-field="shipReminderDays"] input', "30")
    frame.click('button[data-action="save-policy"]')

    # then
    error = frame.locator('[data-field="shipReminderDays"] .field-error')
    error.wait_for()
    assert error.inner_text() == "Remind before an approved return expires: fewer than 30 days, or 0 for no reminder."
    assert list(ReturnPolicy.objects.filter(installation=shop).values_list("version", flat=True)) == [1]


def test_the_message_settings_are_labelled_in_chinese(dashboard, shop):
    # when
    frame = open_settings(dashboard, locale="zh-Hans")

    # then
    assert frame.locator('[data-field="shipReminderDays"] label').first.inner_text().startswith("提醒顾客寄回的天数")
    assert frame.locator('[data-field="surveyEnabled"]').inner_text().strip().startswith("邀请顾客参加满意度调查")
