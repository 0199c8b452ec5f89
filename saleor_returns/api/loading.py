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

# ReturnRequest fields that read a related row, and the relation each needs joined.
JOINED = {"policyVersion": "policy", "refund": "refund", "replacementOrder": "replacement_order"}
PREFETCHED_PREFIX = "prefetched_"


def prefetched(instance, relation: str) -> list:
    """The rows of `relation` (e.g. "lines") that `return_requests_queryset` loaded into a list, or read now.

    Prefetched to lists rather than to the related managers' caches: Django builds a queryset per row for
    each of those, which costs more than the rows themselves on a page of 100."""
    rows = getattr(instance, PREFETCHED_PREFIX + relation, None)
    return rows if rows is not None else list(getattr(instance, relation).all())


def _wants(fields: dict | None, *names: str) -> bool:
    return fields is None or any(name in fields for name in names)


def _below(fields: dict | None, name: str) -> dict | None:
    return None if fields is None else fields.get(name, {})


def _to_list(relation: str, queryset) -> Prefetch:
    return Prefetch(relation, queryset=queryset, to_attr=PREFETCHED_PREFIX + relation)


def return_requests_queryset(fields: dict | None = None):
    """Return requests with what `fields` (ReturnRequest fields as `selections.selected_fields` gives them)
    shows, each relation in one query whatever the number of rows; everything when `fields` is None."""
    joined = [relation for field, relation in JOINED.items() if _wants(fields, field)]
    queryset = ReturnRequest.objects.select_related(*joined) if joined else ReturnRequest.objects.all()
    prefetches = []
    if _wants(fields, "lines", "requestedValue"):
        line_fields = _below(fields, "lines")
        lines = ReturnLine.objects.select_related("reason") if _wants(line_fields, "reason") else ReturnLine.objects.all()
        if _wants(line_fields, "evidence"):
            lines = lines.prefetch_related(_to_list("evidence", Evidence.objects.order_by("created_at")))
        prefetches.append(_to_list("lines", lines))
    if _wants(fields, "timeline"):
        prefetches.append(_to_list("events", ReturnEvent.objects.order_by("created_at", "id")))
    if _wants(fields, "carrierClaims"):
        prefetches.append(_to_list("carrier_claims", None))
    if _wants(fields, "shipments"):
        shipments = ReturnShipment.objects.order_by("created_at")
        if _wants(_below(fields, "shipments"), "events"):
            shipments = shipments.prefetch_related(
                _to_list("events", CarrierWebhookEvent.objects.filter(status="applied").order_by("occurred_at"))
            )
        prefetches.append(_to_list("shipments", shipments))
    return queryset.prefetch_related(*prefetches)


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
