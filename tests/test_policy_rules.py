"""Policy settings: validated, versionable JSON; presets; auto-approval checks."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saleor_returns import policies
from saleor_returns.policy_rules import PolicyRules


def error_of(data):
    with pytest.raises(ValidationError) as raised:
        PolicyRules.from_json(data)
    (field, errors), = raised.value.error_dict.items()
    return field, errors[0].code, errors[0].message


def test_defaults_round_trip_through_json():
    rules = PolicyRules()
    assert PolicyRules.from_json(rules.to_json()) == rules
    assert rules.to_json()["window_days"] == 30
    assert rules.to_json()["customer_return_shipping_fee"] == "0"


def test_a_full_policy_round_trips():
    data = {
        "window_days": 45,
        "time_zone": "Asia/Shanghai",
        "overrides": [{"kind": "category", "id": "Q2F0ZWdvcnk6MQ==", "window_days": 90}, {"kind": "product_type", "id": "UHJvZHVjdFR5cGU6Mg==", "is_returnable": False}],
        "allowed_resolutions": ["refund", "keep_item"],
        "restocking_fees": [{"percentage": "15", "reason_codes": ["CHANGED_MIND"]}, {"fixed_amount": "2.50"}],
        "customer_return_shipping_fee": "5.99",
        "auto_approval": {"enabled": True, "max_value": "100", "max_customer_return_rate": "0.3", "max_order_age_days": 20},
    }
    rules = PolicyRules.from_json(data)
    assert rules.window_days == 45
    assert rules.overrides[1] == policies.Override(kind="product_type", id="UHJvZHVjdFR5cGU6Mg==", window_days=None, is_returnable=False)
    assert rules.restocking_fees[0].percentage == Decimal("15")
    assert rules.restocking_fees[1].fixed_amount == Decimal("2.50")
    assert rules.auto_approval.max_customer_return_rate == Decimal("0.3")
    assert PolicyRules.from_json(rules.to_json()) == rules


@pytest.mark.parametrize(
    ("_case", "data", "expected"),
    [
        ("negative window", {"window_days": -1}, ("window_days", "invalid", "Must be between 0 and 3650.")),
        ("window as text", {"window_days": "30"}, ("window_days", "invalid", "Must be a whole number.")),
        ("unknown zone", {"time_zone": "Mars/Olympus"}, ("time_zone", "invalid", "Unknown time zone; use an IANA name such as Europe/Berlin.")),
        ("float money", {"customer_return_shipping_fee": 5.99}, ("customer_return_shipping_fee", "invalid", "Give amounts as strings or integers, never floats.")),
        ("unknown resolution", {"allowed_resolutions": ["cash"]}, ("allowed_resolutions", "invalid_resolution", "Choose from refund, store_credit, exchange, keep_item.")),
        ("no resolution", {"allowed_resolutions": []}, ("allowed_resolutions", "invalid_resolution", "Choose from refund, store_credit, exchange, keep_item.")),
        ("fee with both", {"restocking_fees": [{"percentage": "10", "fixed_amount": "1"}]}, ("restocking_fees.0", "invalid", "Give either a percentage or a fixed amount.")),
        ("percentage over 100", {"restocking_fees": [{"percentage": "120"}]}, ("restocking_fees.0.percentage", "invalid", "Must be at most 100.")),
        ("override without id", {"overrides": [{"kind": "category"}]}, ("overrides.0", "invalid", "An override needs a kind (product_type, category, collection) and an id.")),
        ("unknown setting", {"windows": 3}, ("windows", "invalid", "Unknown policy setting.")),
        ("rate over 1", {"auto_approval": {"max_customer_return_rate": "2"}}, ("auto_approval.max_customer_return_rate", "invalid", "Must be at most 1.")),
        ("unknown auto setting", {"auto_approval": {"max_vale": "2"}}, ("auto_approval.max_vale", "invalid", "Unknown auto-approval setting.")),
        ("unknown preset", {"preset": "us_30_day"}, ("preset", "invalid", "Choose from cn_7_day, eu_14_day.")),
    ],
)
def test_invalid_settings_name_the_field(_case, data, expected):
    assert error_of(data) == expected


def test_cn_preset_is_seven_days_for_any_reason():
    rules = PolicyRules(window_days=3, allowed_reason_codes=("DEFECT",)).with_preset("cn_7_day")
    assert (rules.preset, rules.window_days, rules.allowed_reason_codes) == ("cn_7_day", 7, ())


def test_eu_preset_is_fourteen_days_with_original_shipping_refunded():
    rules = PolicyRules(window_days=30, allowed_resolutions=("store_credit",)).with_preset("eu_14_day")
    assert rules.window_days == 30  # a longer window of the shop's own stays
    assert rules.refund_original_shipping_on_withdrawal is True
    assert rules.allowed_resolutions == ("refund", "store_credit")
    assert PolicyRules(window_days=7).with_preset("eu_14_day").window_days == 14


@pytest.mark.parametrize(
    ("_case", "value", "reasons", "rate", "age", "risk", "expected"),
    [
        ("all pass", Decimal("80"), ["DEFECT"], Decimal("0.1"), 3, [], True),
        ("too valuable", Decimal("120"), ["DEFECT"], Decimal("0.1"), 3, [], False),
        ("reason outside the set", Decimal("80"), ["CHANGED_MIND"], Decimal("0.1"), 3, [], False),
        ("customer returns a lot", Decimal("80"), ["DEFECT"], Decimal("0.5"), 3, [], False),
        ("unknown return rate", Decimal("80"), ["DEFECT"], None, 3, [], False),
        ("old order", Decimal("80"), ["DEFECT"], Decimal("0.1"), 40, [], False),
        ("risk flag", Decimal("80"), ["DEFECT"], Decimal("0.1"), 3, ["evidence_reused"], False),
    ],
)
def test_auto_approval_needs_every_configured_check(_case, value, reasons, rate, age, risk, expected):
    rules = PolicyRules.from_json(
        {
            "auto_approval": {
                "enabled": True,
                "max_value": "100",
                "reason_codes": ["DEFECT", "DAMAGED_IN_TRANSIT"],
                "max_customer_return_rate": "0.25",
                "max_order_age_days": 30,
            }
        }
    )
    checks = policies.auto_approval_checks(
        rules=rules, request_value=value, reason_codes=reasons, customer_return_rate=rate, order_age_days=age, risk_reasons=risk
    )
    assert [check.name for check in checks] == ["max_value", "reasons", "customer_return_rate", "order_age_days", "risk_flags"]
    assert policies.auto_approves(rules, checks) is expected


def test_disabled_auto_approval_approves_nothing():
    rules = PolicyRules()
    checks = policies.auto_approval_checks(
        rules=rules, request_value=Decimal(1), reason_codes=[], customer_return_rate=None, order_age_days=0, risk_reasons=[]
    )
    assert policies.auto_approves(rules, checks) is False
