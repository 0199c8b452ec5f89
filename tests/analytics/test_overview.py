"""The overview's figures: status counts, the review queue, time to refund, refunds per month, requests per day."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import time_machine

from saleor_returns.analytics import overview as analytics
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import Refund, ReturnRequest
from saleor_returns.requestors import SYSTEM
from tests.factories import InstallationFactory, ReturnLineFactory, ReturnRequestFactory, reason_for

# 12:00 in UTC is 20:00 in Shanghai (UTC+8, no daylight saving time).
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def shop(db):
    return InstallationFactory()


@pytest.fixture
def shanghai_shop(shop):
    installation_actions.update_return_policy(
        installation=shop, channel_slug="", rules={"time_zone": "Asia/Shanghai"}, preset=None, actor=SYSTEM
    )
    return shop


def request_at(shop, moment: datetime, *, status="pending_review", reasons=(), **fields) -> ReturnRequest:
    """A return request created at `moment`, with one line per reason code."""
    with time_machine.travel(moment, tick=False):
        return_request = ReturnRequestFactory(installation=shop, status=status, **fields)
        for code in reasons:
            ReturnLineFactory(return_request=return_request, reason=reason_for(shop, code), reason_code=code)
    return return_request


def refund_for(return_request, *, succeeded_at=None, status="succeeded", amount="10.00", currency=None) -> Refund:
    return Refund.objects.create(
        return_request=return_request,
        kind=Refund.Kind.ORIGINAL_PAYMENT,
        status=status,
        currency=currency or return_request.currency,
        amount=Decimal(amount),
        preview={},
        fingerprint="0" * 64,
        succeeded_at=succeeded_at,
    )


def counts(pairs) -> dict:
    return dict(pairs)


def test_status_counts_list_every_status_in_lifecycle_order_with_zeros(shop):
    # given
    request_at(shop, NOW)
    request_at(shop, NOW)
    request_at(shop, NOW, status="approved")
    request_at(InstallationFactory(), NOW, status="approved")  # another shop's

    # when
    pairs = analytics.status_counts(ReturnRequest.objects.filter(installation=shop))

    # then
    assert pairs == [
        ("requested", 0),
        ("pending_review", 2),
        ("approved", 1),
        ("rejected", 0),
        ("canceled", 0),
        ("awaiting_shipment", 0),
        ("in_transit", 0),
        ("received", 0),
        ("inspected", 0),
        ("resolved", 0),
        ("closed", 0),
    ]


def test_status_counts_count_a_request_once_even_when_joined_to_its_lines(shop):
    # given: two lines match the reason filter
    return_request = request_at(shop, NOW, reasons=["DEFECT", "CHANGED_MIND"])

    # when
    joined = ReturnRequest.objects.filter(
        pk=return_request.pk, lines__reason_code__in=["DEFECT", "CHANGED_MIND"]
    ).distinct()
    pairs = analytics.status_counts(joined)

    # then
    assert counts(pairs)["pending_review"] == 1


def test_open_count_leaves_out_final_statuses(shop):
    # given
    for status in ["requested", "pending_review", "in_transit", "inspected", "resolved", "rejected", "canceled", "closed"]:
        request_at(shop, NOW, status=status)

    # when
    figures = analytics.overview(shop, now=NOW)

    # then
    assert figures.open_count == 4
    assert counts(figures.status_counts)["closed"] == 1


def test_review_queue_ages_buckets_and_median_at_a_frozen_time(shop):
    # given: four requests waiting 2 h, 30 h, 100 h and 200 h; one already approved
    for hours, status in [(2, "pending_review"), (30, "requested"), (100, "pending_review"), (200, "requested")]:
        request_at(shop, NOW - timedelta(hours=hours), status=status)
    request_at(shop, NOW - timedelta(hours=500), status="approved")

    # when
    with time_machine.travel(NOW, tick=False):
        queue = analytics.overview(shop).review_queue

    # then
    assert queue.count == 4
    assert queue.oldest_created_at == NOW - timedelta(hours=200)
    assert queue.median_age_hours == 65.0
    assert queue.buckets == [("<1d", 1), ("1-3d", 1), ("3-7d", 1), (">7d", 1)]


def test_review_queue_bucket_bounds_are_inclusive_below(shop):
    # given: exactly 24 h and exactly 72 h old
    request_at(shop, NOW - timedelta(hours=24))
    request_at(shop, NOW - timedelta(hours=72))

    # when
    queue = analytics.review_queue(shop, now=NOW)

    # then
    assert queue.buckets == [("<1d", 0), ("1-3d", 1), ("3-7d", 1), (">7d", 0)]
    assert queue.median_age_hours == 48.0


def test_an_empty_queue_has_no_oldest_and_no_median(shop):
    # given
    request_at(shop, NOW, status="approved")

    # when
    queue = analytics.review_queue(shop, now=NOW)

    # then
    assert queue == analytics.QueueAge(
        count=0, oldest_created_at=None, median_age_hours=None, buckets=[("<1d", 0), ("1-3d", 0), ("3-7d", 0), (">7d", 0)]
    )


def test_median_hours_to_refund_counts_succeeded_refunds_only(shop):
    # given: refunds confirmed 10 h and 30 h after the request; one failed, one still processing
    start = NOW - timedelta(days=5)
    refund_for(request_at(shop, start, status="resolved"), succeeded_at=start + timedelta(hours=10))
    refund_for(request_at(shop, start, status="resolved"), succeeded_at=start + timedelta(hours=30))
    refund_for(request_at(shop, start, status="inspected"), status="failed")
    refund_for(request_at(shop, start, status="inspected"), status="processing")

    # when
    figures = analytics.overview(shop, now=NOW)

    # then
    assert figures.median_hours_to_refund == 20.0


def test_median_hours_to_refund_only_looks_back_ninety_days(shop):
    # given: one refund inside the window, one confirmed 91 days ago
    old = NOW - timedelta(days=95)
    refund_for(request_at(shop, old, status="resolved"), succeeded_at=NOW - timedelta(days=91))
    recent = NOW - timedelta(days=2)
    refund_for(request_at(shop, recent, status="resolved"), succeeded_at=recent + timedelta(hours=6))

    # when
    figures = analytics.overview(shop, now=NOW)

    # then
    assert figures.median_hours_to_refund == 6.0


def test_no_refund_means_no_median(shop):
    assert analytics.overview(shop, now=NOW).median_hours_to_refund is None


def test_refunds_this_month_are_summed_per_currency_in_the_shop_time_zone(shanghai_shop):
    # given: March 1st begins at 2026-02-28 16:00 UTC in Shanghai
    local_midnight = datetime(2026, 2, 28, 16, 0, tzinfo=timezone.utc)
    created = NOW - timedelta(days=20)
    refund_for(request_at(shanghai_shop, created, status="resolved"), succeeded_at=local_midnight - timedelta(minutes=1),
               amount="99.00")  # 23:59 on February 28th, local time: last month
    refund_for(request_at(shanghai_shop, created, status="resolved"), succeeded_at=local_midnight + timedelta(minutes=1),
               amount="12.50")  # still February in UTC, March in Shanghai
    refund_for(request_at(shanghai_shop, created, status="resolved"), succeeded_at=NOW - timedelta(hours=1),
               amount="7.25")
    refund_for(request_at(shanghai_shop, created, status="resolved", currency="JPY"), succeeded_at=NOW, amount="2500")
    refund_for(request_at(shanghai_shop, created, status="resolved", currency="KWD"), succeeded_at=NOW,
               amount="1.125")
    refund_for(request_at(shanghai_shop, created, status="inspected"), status="failed", amount="40.00")

    # when
    figures = analytics.overview(shanghai_shop, now=NOW)

    # then
    assert figures.time_zone == "Asia/Shanghai"
    assert figures.refunds_this_month == [
        analytics.MoneyTotal(currency="JPY", count=1, amount=Decimal("2500")),
        analytics.MoneyTotal(currency="KWD", count=1, amount=Decimal("1.125")),
        analytics.MoneyTotal(currency="USD", count=2, amount=Decimal("19.75")),
    ]
    assert str(figures.refunds_this_month[0].amount) == "2500"
    assert str(figures.refunds_this_month[2].amount) == "19.75"


def test_refunds_this_month_start_at_local_midnight_of_the_first(shanghai_shop):
    # given: it is 00:30 on April 1st in Shanghai (still March 31st in UTC)
    now = datetime(2026, 3, 31, 16, 30, tzinfo=timezone.utc)
    refund_for(request_at(shanghai_shop, now - timedelta(days=3), status="resolved"), succeeded_at=now - timedelta(hours=1))
    refund_for(request_at(shanghai_shop, now - timedelta(days=3), status="resolved"), succeeded_at=now - timedelta(minutes=10))

    # when
    figures = analytics.overview(shanghai_shop, now=now)

    # then: only the refund after local midnight counts
    assert figures.refunds_this_month == [analytics.MoneyTotal(currency="USD", count=1, amount=Decimal("10.00"))]


def test_requests_per_day_are_zero_filled_days_in_the_shop_time_zone(shanghai_shop):
    # given: NOW is March 10th, 20:00 in Shanghai
    request_at(shanghai_shop, datetime(2026, 3, 9, 17, 0, tzinfo=timezone.utc))  # March 10th, 01:00 local
    request_at(shanghai_shop, datetime(2026, 3, 9, 15, 0, tzinfo=timezone.utc))  # March 9th, 23:00 local
    request_at(shanghai_shop, NOW)
    request_at(shanghai_shop, datetime(2026, 3, 7, 15, 59, tzinfo=timezone.utc))  # March 7th, 23:59 local: too old

    # when
    figures = analytics.overview(shanghai_shop, days=3, now=NOW)

    # then
    assert figures.requests_by_day == [(date(2026, 3, 8), 0), (date(2026, 3, 9), 1), (date(2026, 3, 10), 2)]


def test_requests_per_day_cover_thirty_days_by_default(shop):
    figures = analytics.overview(shop, now=NOW)

    assert len(figures.requests_by_day) == 30
    assert figures.requests_by_day[0] == (date(2026, 2, 9), 0)
    assert figures.requests_by_day[-1] == (date(2026, 3, 10), 0)


def test_top_reasons_are_counted_per_line_most_frequent_first(shop):
    # given
    request_at(shop, NOW - timedelta(days=1), reasons=["DEFECT", "CHANGED_MIND"])
    request_at(shop, NOW - timedelta(days=2), reasons=["DEFECT"])
    request_at(shop, NOW - timedelta(days=3), reasons=["LATE_DELIVERY", "EXPIRED", "COUNTERFEIT", "PRICE_DROPPED"])
    request_at(shop, NOW - timedelta(days=40), reasons=["ORDERED_BY_MISTAKE", "ORDERED_BY_MISTAKE", "ORDERED_BY_MISTAKE"])

    # when
    figures = analytics.overview(shop, now=NOW)

    # then: five at most, ties by code, requests older than the window left out
    assert figures.top_reasons == [
        ("DEFECT", 2),
        ("CHANGED_MIND", 1),
        ("COUNTERFEIT", 1),
        ("EXPIRED", 1),
        ("LATE_DELIVERY", 1),
    ]


def test_a_channel_narrows_every_figure(shop):
    # given
    eu = request_at(shop, NOW - timedelta(hours=5), channel_slug="eu", reasons=["DEFECT"])
    us = request_at(shop, NOW - timedelta(hours=50), channel_slug="us", reasons=["EXPIRED"], status="resolved")
    refund_for(us, succeeded_at=NOW - timedelta(hours=1))

    # when
    figures = analytics.overview(shop, channel_slug="eu", now=NOW)

    # then
    assert counts(figures.status_counts) == {**{status: 0 for status, _ in figures.status_counts}, "pending_review": 1}
    assert figures.open_count == 1
    assert figures.review_queue.count == 1
    assert figures.review_queue.oldest_created_at == eu.created_at
    assert figures.median_hours_to_refund is None
    assert figures.refunds_this_month == []
    assert figures.top_reasons == [("DEFECT", 1)]
    assert sum(count for _, count in figures.requests_by_day) == 1
