"""Figures read from the database when Prometheus scrapes: the same for every process, so never per process.

Each is one small query over an index (see the models' Meta): refunds by status, the
webhooks waiting to be applied and the oldest one's age, the outbox's backlog.
"""

import logging

from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from saleor_returns.models import CarrierWebhookEvent, Message, Refund, SaleorWebhookDelivery
from saleor_returns.models.notifications import MessageStatus

logger = logging.getLogger(__name__)

# Outbox statuses still owed a send (or a human, once failed).
BACKLOG_STATUSES = (MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.FAILED)


def _counts(queryset, statuses) -> dict[str, int]:
    counts = dict.fromkeys((str(status) for status in statuses), 0)
    for row in queryset.values("status").annotate(count=Count("*")).order_by():
        counts[row["status"]] = row["count"]
    return counts


def _waiting(model) -> tuple[int, float]:
    """(how many, age in seconds of the oldest) of `model`'s rows not yet applied."""
    found = model.objects.filter(status=model.Status.PENDING).aggregate(count=Count("*"), oldest=Min("received_at"))
    oldest = found["oldest"]
    return found["count"], (timezone.now() - oldest).total_seconds() if oldest else 0.0


class DatabaseCollector:
    """A prometheus_client collector: gauges computed at each scrape."""

    def collect(self):
        refunds = _counts(Refund.objects.all(), Refund.Status)
        webhooks = {"saleor": _waiting(SaleorWebhookDelivery), "carrier": _waiting(CarrierWebhookEvent)}
        backlog = _counts(Message.objects.filter(status__in=BACKLOG_STATUSES), BACKLOG_STATUSES)
        oldest_message = Message.objects.filter(status=MessageStatus.PENDING).aggregate(oldest=Min("queued_at"))["oldest"]

        by_outcome = GaugeMetricFamily("saleor_returns_refunds", "Refunds by status.", labels=["status"])
        for status, count in refunds.items():
            by_outcome.add_metric([status], count)
        pending = GaugeMetricFamily(
            "saleor_returns_webhook_events_pending",
            "Verified webhook events stored and not yet applied, by source (saleor, carrier).",
            labels=["source"],
        )
        lag = GaugeMetricFamily(
            "saleor_returns_webhook_ingest_lag_seconds",
            "Age of the oldest webhook event not yet applied, by source; 0 when none waits.",
            labels=["source"],
        )
        for source, (count, age) in webhooks.items():
            pending.add_metric([source], count)
            lag.add_metric([source], age)
        outbox = GaugeMetricFamily(
            "saleor_returns_outbox_messages", "Messages in the outbox not sent yet, by status.", labels=["status"]
        )
        for status, count in backlog.items():
            outbox.add_metric([status], count)
        outbox_age = GaugeMetricFamily(
            "saleor_returns_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending message since it was queued; 0 when none is pending.",
            value=(timezone.now() - oldest_message).total_seconds() if oldest_message else 0.0,
        )
        return [by_outcome, pending, lag, outbox, outbox_age]


_registry = CollectorRegistry(auto_describe=False)
_registry.register(DatabaseCollector())


def database_metrics() -> bytes:
    """The text exposition of the database's figures; empty (and logged) when the database cannot answer."""
    try:
        return generate_latest(_registry)
    except DatabaseError:
        logger.exception("Metrics: the database could not be read")
        return b""
