"""Querysets that load what the API shows in a fixed number of queries."""

from django.db.models import Prefetch

from saleor_returns.models import CarrierWebhookEvent, Evidence, ReturnEvent, ReturnLine, ReturnRequest, ReturnShipment


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
