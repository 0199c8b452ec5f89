"""Querysets that load what the API shows in a fixed number of queries."""

from django.db.models import Prefetch

from saleor_returns.models import (
    CarrierWebhookEvent,
    CustomerStatus,
    Evidence,
    ReturnEvent,
    ReturnLine,
    ReturnRequest,
    ReturnShipment,
)


def return_requests_queryset():
    return ReturnRequest.objects.select_related("policy", "refund", "replacement_order").prefetch_related(
        Prefetch(
            "lines",
            queryset=ReturnLine.objects.select_related("reason").prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.order_by("created_at"))
            ),
        ),
        Prefetch("events", queryset=ReturnEvent.objects.order_by("created_at", "id")),
        "carrier_claims",
        Prefetch(
            "shipments",
            queryset=ReturnShipment.objects.order_by("created_at").prefetch_related(
                Prefetch("events", queryset=CarrierWebhookEvent.objects.filter(status="applied").order_by("occurred_at"))
            ),
        ),
    )


class CustomerStatusLoader:
    """The customer statuses of a page of returns, read in one query when the first one is asked for."""

    def __init__(self, return_requests):
        self.return_requests = list(return_requests)
        self.statuses = None

    def load(self, return_request) -> CustomerStatus | None:
        if self.statuses is None:
            self.statuses = CustomerStatus.of_requests(self.return_requests)
        return self.statuses.get(return_request.pk)


def batch_customer_statuses(connection):
    """Let the returns of a connection's page read their customer statuses together (`customer_status_of`)."""
    nodes = [edge.node for edge in connection.edges]
    loader = CustomerStatusLoader(nodes)
    for node in nodes:
        node.customer_status_loader = loader
    return connection


def customer_status_of(return_request) -> CustomerStatus | None:
    """The return's customer status, with those of its page when it came in one (`batch_customer_statuses`)."""
    loader = getattr(return_request, "customer_status_loader", None) or CustomerStatusLoader([return_request])
    return loader.load(return_request)
