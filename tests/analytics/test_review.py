"""The KPI review against values computed by hand on a seeded shop: March 2026 against February."""

from datetime import date
from decimal import Decimal

import pytest

from saleor_returns.analytics.review import Change, compared_period, kpi_review
from saleor_returns.analytics.rollups import roll_up_returns
from saleor_returns.models import Refund, ReturnsRollupMark, SpikeAlert, SurveyResponse
from tests.analytics.conftest import at, set_time_zone
from tests.analytics.figures_shop import returned, sold
from tests.analytics.test_figures import seeded  # noqa: F401 - the seeded shop

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def refund(request, amount: str, when: str, *, currency="USD", kind=Refund.Kind.ORIGINAL_PAYMENT):
    Refund.objects.create(return_request=request, kind=kind, status=Refund.Status.SUCCEEDED, currency=currency,
                          amount=Decimal(amount), preview={}, fingerprint="f", succeeded_at=at(when))


def answer(request, rating: int):
    SurveyResponse.objects.create(installation=request.installation, return_request=request, rating=rating,
                                  submitted_at=request.created_at, updated_at=request.created_at)


@pytest.fixture
def reviewed(seeded):
    """The seeded March, a February before it, refunds, survey answers and spike alerts in both months."""
    sold(seeded, "F1", "2026-02-10T10:00:00+00:00", [("V-RED", 10, "500.00")])
    february = returned(seeded, at("2026-02-12T09:00:00+00:00"), [("V-RED", "CHANGED_MIND", 1, "50.00")],
                        status="resolved")
    refund(february, "50.00", "2026-02-25T09:00:00+00:00")
    answer(february, 2)
    paid = returned(seeded, at("2026-03-14T09:00:00+00:00"), [("V-BLUE", "DEFECT", 2, "50.00")], status="resolved")
    refund(paid, "65.00", "2026-03-20T09:00:00+00:00")
    late = returned(seeded, at("2026-03-15T09:00:00+00:00"), [("V-CAP", "DEFECT", 1, "15.00")], status="closed")
    refund(late, "15.00", "2026-03-31T09:00:00+00:00")
    answer(paid, 5)
    answer(late, 4)
    # the requests are dated before the seeded shop's last sweep: sweep every day again
    ReturnsRollupMark.objects.filter(installation=seeded).delete()
    roll_up_returns(seeded)
    for variant, week, note in (("V-BLUE", date(2026, 3, 9), "Size chart fixed"), ("V-RED", date(2026, 2, 23), ""),
                                ("V-CAP", date(2026, 2, 9), "")):
        SpikeAlert.objects.create(
            installation=seeded, variant_id=variant, week_start=week, sold_units=100, returned_units=30,
            baseline_sold_units=800, baseline_returned_units=40, rate_lower_bound="0.2", baseline_upper_bound="0.1",
            dominant_reason_code="DEFECT", note=note, noted_by="ann@example.com" if note else "",
        )
    return seeded


@pytest.mark.parametrize(("_case", "first", "last", "comparison", "expected"), [
    ("a quarter against the quarter before", date(2026, 4, 1), date(2026, 6, 30), "previous_period",
     (date(2026, 1, 1), date(2026, 3, 31))),
    ("a first quarter against the year's last", date(2026, 1, 1), date(2026, 3, 31), "previous_period",
     (date(2025, 10, 1), date(2025, 12, 31))),
    ("a month of 31 days against February", date(2026, 3, 1), date(2026, 3, 31), "previous_period",
     (date(2026, 2, 1), date(2026, 2, 28))),
    ("ten days against the ten before", date(2026, 3, 10), date(2026, 3, 19), "previous_period",
     (date(2026, 2, 28), date(2026, 3, 9))),
    ("one day against the day before", date(2026, 3, 1), date(2026, 3, 1), "previous_period",
     (date(2026, 2, 28), date(2026, 2, 28))),
    ("a quarter against the same quarter a year before", date(2026, 4, 1), date(2026, 6, 30), "previous_year",
     (date(2025, 4, 1), date(2025, 6, 30))),
    ("a leap day a year before", date(2028, 2, 1), date(2028, 2, 29), "previous_year",
     (date(2027, 2, 1), date(2027, 2, 28))),
])
def test_the_period_compared_with(_case, first, last, comparison, expected):
    assert compared_period(first, last, comparison) == expected


def test_changes_in_points_and_relative():
    rate = Change(Decimal("0.3000"), Decimal("0.1000"))
    assert (rate.points, rate.relative, rate.direction) == (Decimal("20.00"), Decimal("2.0000"), "up")
    assert Change(Decimal(3), Decimal(4)).direction == "down" and Change(1, 1).direction == "same"
    assert (Change(None, 1).difference, Change(None, 1).direction, Change(2, 0).relative) == (None, "", None)


def test_return_rate_and_refund_rate_per_currency_against_the_previous_month(reviewed):
    review = kpi_review(reviewed, *MARCH)

    assert (review.previous_scope.first, review.previous_scope.last) == (date(2026, 2, 1), date(2026, 2, 28))
    eur, usd = review.currencies
    # March: USD 20 sold for 650.00; returned 6 + 2 + 1 units for 230.00 + 100.00 + 15.00; refunded 65 + 15
    assert usd.currency == "USD"
    assert (usd.sold_units, usd.returned_units) == (Change(20, 10), Change(9, 1))
    assert usd.return_rate_units == Change(Decimal("0.4500"), Decimal("0.1000"))
    assert usd.return_rate_units.points == Decimal("35.00")
    assert (usd.sold_value, usd.returned_value) == (Change(Decimal("650.00"), Decimal("500.00")),
                                                    Change(Decimal("345.00"), Decimal("50.00")))
    assert usd.return_rate_value == Change(Decimal("0.5308"), Decimal("0.1000"))
    assert usd.refunded_value == Change(Decimal("80.00"), Decimal("50.00"))
    assert usd.refund_rate == Change(Decimal("0.1231"), Decimal("0.1000"))
    assert usd.refund_rate.points == Decimal("2.31")
    # EUR: never added to USD; nothing in February
    assert (eur.currency, eur.sold_value, eur.returned_units) == ("EUR", Change(Decimal("100.00"), 0), Change(1, 0))
    assert (eur.return_rate_units, eur.refund_rate) == (Change(Decimal("0.2000"), None),
                                                        Change(Decimal("0.0000"), None))


def test_time_to_refund_and_satisfaction(reviewed):
    review = kpi_review(reviewed, *MARCH)

    # March: 144 h and 384 h (median 264, p90 144 + 0.9 * 240); February: 312 h; target 336 h
    time = review.time_to_refund
    assert (time.count, time.target_hours) == (Change(2, 1), 336)
    assert (time.median_hours, time.p90_hours) == (Change(Decimal("264.0"), Decimal("312.0")),
                                                   Change(Decimal("360.0"), Decimal("312.0")))
    assert time.within_target_share == Change(Decimal("0.5000"), Decimal("1.0000"))
    assert time.within_target_share.points == Decimal("-50.00")
    # March: answers 5 and 4 of 2 resolved or closed returns; February: 2 of 1
    assert review.satisfaction.average_rating == Change(Decimal("4.50"), Decimal("2.00"))
    assert review.satisfaction.response_rate == Change(Decimal("1.0000"), Decimal("1.0000"))
    assert review.satisfaction.responses.direction == "up"


def test_top_reasons_and_variants_with_their_change(reviewed):
    review = kpi_review(reviewed, *MARCH)

    # March: DEFECT 1 + 3 + 1 + 2 + 1 = 8 of 10 units, NOT_AS_DESCRIBED 2; February: CHANGED_MIND 1
    assert [(row.reason_code, row.units, row.share) for row in review.reasons] == [
        ("DEFECT", Change(8, 0), Change(Decimal("0.8000"), None)),
        ("NOT_AS_DESCRIBED", Change(2, 0), Change(Decimal("0.2000"), None)),
    ]
    assert [(row.variant_id, row.currency, row.returned_units, row.sold_units, row.return_rate_units)
            for row in review.variants] == [
        ("V-BLUE", "USD", Change(5, 0), Change(6, 0), Change(Decimal("0.8333"), None)),
        ("V-CAP", "USD", Change(3, 0), Change(10, 0), Change(Decimal("0.3000"), None)),
        ("V-CAP", "EUR", Change(1, 0), Change(5, 0), Change(Decimal("0.2000"), None)),
        ("V-RED", "USD", Change(1, 1), Change(4, 10), Change(Decimal("0.2500"), Decimal("0.1000"))),
    ]
    assert review.variants[0].label == "P-Shoe / SKU-V-BLUE"


def test_alerts_of_the_weeks_in_the_period_with_what_staff_noted(reviewed):
    review = kpi_review(reviewed, *MARCH)

    # the week of 23 February ends on 1 March: it overlaps the period
    assert [(alert.variant_id, alert.week_start, alert.note, alert.product_name) for alert in review.alerts] == [
        ("V-BLUE", date(2026, 3, 9), "Size chart fixed", "P-Shoe"),
        ("V-RED", date(2026, 2, 23), "", "P-Shoe"),
    ]
    assert review.alert_count == Change(2, 2)


def test_the_same_month_a_year_before(reviewed):
    review = kpi_review(reviewed, *MARCH, comparison="previous_year")

    assert (review.previous_scope.first, review.previous_scope.last) == (date(2025, 3, 1), date(2025, 3, 31))
    assert review.currencies[1].returned_units == Change(9, 0)
    assert review.alert_count == Change(2, 0)


def test_one_channel_only(reviewed):
    review = kpi_review(reviewed, *MARCH, "europe")

    assert [(row.currency, row.sold_value) for row in review.currencies] == [("EUR", Change(Decimal("100.00"), 0))]
    assert [row.variant_id for row in review.variants] == ["V-CAP"]


def test_the_previous_period_ends_at_the_shops_midnight(shop):
    # given: a Shanghai shop; 28 February 23:30 there is 15:30 UTC, 1 March 00:30 there is 16:30 UTC
    set_time_zone(shop, "Asia/Shanghai")
    sold(shop, "O1", "2026-02-28T15:30:00+00:00", [("V-RED", 2, "100.00")])
    sold(shop, "O2", "2026-02-28T16:30:00+00:00", [("V-RED", 4, "200.00")])
    returned(shop, at("2026-02-28T15:30:00+00:00"), [("V-RED", "DEFECT", 1, "50.00")])
    returned(shop, at("2026-02-28T16:30:00+00:00"), [("V-RED", "DEFECT", 3, "50.00")])
    roll_up_returns(shop)

    (usd,) = kpi_review(shop, *MARCH).currencies

    assert (usd.sold_units, usd.returned_units) == (Change(4, 2), Change(3, 1))
    assert usd.return_rate_units == Change(Decimal("0.7500"), Decimal("0.5000"))


@pytest.mark.parametrize(("first", "last", "comparison", "field", "message"), [
    (date(2026, 3, 2), date(2026, 3, 1), "previous_period", "to", "The period ends before it starts."),
    (date(2023, 1, 1), date(2026, 3, 1), "previous_period", "to", "A period covers at most three years."),
    (date(2026, 3, 1), date(2026, 3, 31), "last_decade", "compare", "Choose from previous_period, previous_year."),
    (date(1, 1, 1), date(1, 3, 31), "previous_period", "from", "The period compared with would start before year 1."),
    (date(1, 1, 1), date(1, 3, 31), "previous_year", "from", "The period compared with would start before year 1."),
])
def test_a_bad_period_is_refused(shop, first, last, comparison, field, message):
    with pytest.raises(Exception) as refused:
        kpi_review(shop, first, last, comparison=comparison)
    assert refused.value.message_dict == {field: [message]}


def test_figures_of_an_empty_shop(shop):
    review = kpi_review(shop, *MARCH)

    assert (review.currencies, review.reasons, review.variants, review.alerts) == ([], [], [], [])
    assert review.time_to_refund.median_hours == Change(None, None)
    assert review.satisfaction.average_rating == Change(None, None)
