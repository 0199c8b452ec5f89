"""Querysets that load what the API shows in a fixed number of queries."""

from django.db.models import Prefetch

from saleor_returns.models import Evidence, ReturnEvent, ReturnLine, ReturnRequest


def return_requests_queryset():
    return ReturnRequest.objects.select_related("policy").prefetch_related(
        Prefetch(
            "lines",
            queryset=ReturnLine.objects.select_related("reason").prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.order_by("created_at"))
            ),
        ),
        Prefetch("events", queryset=ReturnEvent.objects.order_by("created_at", "id")),
    )
