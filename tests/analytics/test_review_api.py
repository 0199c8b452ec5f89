"""The KPI review through the staff API, as a printable page and as a PDF."""

import io

import pytest
from pypdf import PdfReader

from tests.analytics.test_figures import seeded  # noqa: F401 - the seeded shop
from tests.analytics.test_review import reviewed  # noqa: F401 - the seeded shop with February
from tests.api.conftest import as_staff, as_viewer, staff_user, viewer_user  # noqa: F401 - the API tests' callers

REVIEW = """
query($from: Date!, $to: Date!, $channel: String, $compareTo: ReturnKpiComparison) {
  returnKpiReview(period: {from: $from, to: $to}, channel: $channel, compareTo: $compareTo) {
    errors { field code message }
    period { from to }
    previousPeriod { from to }
    compareTo
    timeZone
    channel
    currencies {
      currency
      returnedUnits { current previous change relativeChange direction }
      returnRateUnits { current previous changePoints direction }
      soldValue { current { amount currency } previous { amount } change { amount } }
      refundRate { current previous changePoints direction }
    }
    timeToRefund { requests { current previous } medianHours { current previous change }
                   p90Hours { current } withinTargetShare { current previous changePoints direction } targetHours }
    satisfaction { averageRating { current previous change direction } responseRate { current previous } }
    topReasons { reasonCode units { current previous } share { current previous changePoints } }
    topVariants { variantId label currency returnedUnits { current previous } returnRateUnits { current previous }
                  returnedValue { current { amount } } }
    alerts { id variantId label weekStart note notedBy dominantReasonCode }
    alertCount { current previous direction }
  }
}"""
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def test_staff_read_the_review(as_staff, reviewed):
    result = as_staff(REVIEW, MARCH)

    assert "errors" not in result, result
    review = result["data"]["returnKpiReview"]
    assert review["errors"] == []
    assert (review["period"], review["previousPeriod"], review["compareTo"], review["timeZone"], review["channel"]) == (
        {"from": "2026-03-01", "to": "2026-03-31"}, {"from": "2026-02-01", "to": "2026-02-28"}, "PREVIOUS_PERIOD",
        "UTC", None)
    eur, usd = review["currencies"]
    assert usd == {
        "currency": "USD",
        "returnedUnits": {"current": 9, "previous": 1, "change": 8, "relativeChange": 8.0, "direction": "UP"},
        "returnRateUnits": {"current": 0.45, "previous": 0.1, "changePoints": 35.0, "direction": "UP"},
        "soldValue": {"current": {"amount": "650.00", "currency": "USD"}, "previous": {"amount": "500.00"},
                      "change": {"amount": "150.00"}},
        "refundRate": {"current": 0.1231, "previous": 0.1, "changePoints": 2.31, "direction": "UP"},
    }
    assert eur["refundRate"] == {"current": 0.0, "previous": None, "changePoints": None, "direction": None}
    assert review["timeToRefund"] == {
        "requests": {"current": 2, "previous": 1}, "medianHours": {"current": 264.0, "previous": 312.0, "change": -48.0},
        "p90Hours": {"current": 360.0},
        "withinTargetShare": {"current": 0.5, "previous": 1.0, "changePoints": -50.0, "direction": "DOWN"},
        "targetHours": 336,
    }
    assert review["satisfaction"] == {
        "averageRating": {"current": 4.5, "previous": 2.0, "change": 2.5, "direction": "UP"},
        "responseRate": {"current": 1.0, "previous": 1.0},
    }
    assert review["topReasons"][0] == {"reasonCode": "DEFECT", "units": {"current": 8, "previous": 0},
                                       "share": {"current": 0.8, "previous": None, "changePoints": None}}
    assert review["topVariants"][-1] == {
        "variantId": "V-RED", "label": "P-Shoe / SKU-V-RED", "currency": "USD",
        "returnedUnits": {"current": 1, "previous": 1}, "returnRateUnits": {"current": 0.25, "previous": 0.1},
        "returnedValue": {"current": {"amount": "50.00"}},
    }
    assert [(alert["variantId"], alert["label"], alert["weekStart"], alert["note"], alert["notedBy"])
            for alert in review["alerts"]] == [
        ("V-BLUE", "P-Shoe / SKU-V-BLUE", "2026-03-09", "Size chart fixed", "ann@example.com"),
        ("V-RED", "P-Shoe / SKU-V-RED", "2026-02-23", "", ""),
    ]
    assert review["alertCount"] == {"current": 2, "previous": 2, "direction": "SAME"}


def test_the_same_period_a_year_before_and_one_channel(as_staff, reviewed):
    review = as_staff(REVIEW, {**MARCH, "compareTo": "PREVIOUS_YEAR", "channel": "europe"})["data"]["returnKpiReview"]

    assert (review["previousPeriod"], review["compareTo"], review["channel"]) == (
        {"from": "2025-03-01", "to": "2025-03-31"}, "PREVIOUS_YEAR", "europe")
    assert [row["currency"] for row in review["currencies"]] == ["EUR"]


@pytest.mark.parametrize(("period", "message"), [
    ({"from": "2026-03-31", "to": "2026-03-01"}, "The period ends before it starts."),
    ({"from": "2020-01-01", "to": "2026-03-01"}, "A period covers at most three years."),
])
def test_a_bad_period_is_a_field_error(as_staff, shop, period, message):
    review = as_staff(REVIEW, period)["data"]["returnKpiReview"]

    assert review["errors"] == [{"field": "period.to", "code": "INVALID", "message": message}]
    assert review["currencies"] is None and review["period"] is None and review["alerts"] is None


def test_a_viewer_is_refused(as_viewer, shop):
    result = as_viewer(REVIEW, MARCH)

    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "PermissionDenied"
