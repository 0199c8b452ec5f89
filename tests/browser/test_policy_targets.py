"""The policy form's service targets, which return analytics measures each stage against."""

import pytest

from tests.browser.test_settings import current_policy, open_settings, wait_for_notification

pytestmark = pytest.mark.browser


def test_the_stage_targets_are_set_in_the_policy_form(dashboard, shop):
    # given
    frame = open_settings(dashboard)
    assert frame.locator('[data-field="targetHoursDecision"] input').input_value() == "48"
    assert frame.locator('[data-field="targetHoursRequestToMoney"] input').input_value() == "336"

    # when
    frame.fill('[data-field="targetHoursDecision"] input', "24")
    frame.fill('[data-field="targetHoursReceivedToResolved"] input', "72")
    frame.click('button[data-action="save-policy"]')

    # then
    wait_for_notification(dashboard, "success")
    frame.wait_for_selector('.policy-version strong[data-version="2"]')
    rules = current_policy(shop).rules
    assert (rules["target_hours_decision"], rules["target_hours_received_to_resolved"]) == (24, 72)
    assert rules["target_hours_approval_to_scan"] == 120


def test_a_target_of_no_hours_is_refused_next_to_its_field(dashboard, shop):
    # given
    frame = open_settings(dashboard)

    # when
    frame.fill('[data-field="targetHoursScanToReceived"] input', "0")
    frame.click('button[data-action="save-policy"]')

    # then
    error = frame.locator('[data-field="targetHoursScanToReceived"] .field-error')
    error.wait_for()
    assert error.inner_text() == "Must be between 1 and 8760."
    assert current_policy(shop).version == 1


def test_the_targets_are_labelled_in_chinese(dashboard, shop):
    frame = open_settings(dashboard, locale="zh-Hans")

    assert frame.locator('[data-field="targetHoursDecision"] label').first.inner_text().startswith("申请到审核决定")
