"""Incoming webhooks, stored once and applied by a task."""

import uuid

from django.db import models

from saleor_returns.models.installations import Installation
from saleor_returns.models.shipping import CarrierAccount, ReturnShipment


class SaleorWebhookDelivery(models.Model):
    """A verified webhook from Saleor, stored once and applied by a task.

    A JWS carries no timestamp or nonce, so a replay verifies again: the body's
    SHA-256 (Saleor re-sends identical bytes on retry) makes a repeat a no-op.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        APPLIED = "applied"
        IGNORED = "ignored"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.CharField(max_length=64)
    body_sha256 = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "event", "body_sha256"], name="saleor_webhook_delivery_once"
            )
        ]
        # Deliveries still to apply: how many and since when (the ingest lag metric).
        indexes = [
            models.Index(fields=["received_at"], condition=models.Q(status="pending"), name="saleor_webhook_pending")
        ]


class CarrierWebhookEvent(models.Model):
    """A verified tracking event, stored once per (provider, event id) and applied by a task."""

    class Status(models.TextChoices):
        PENDING = "pending"
        APPLIED = "applied"
        IGNORED = "ignored"
        UNMATCHED = "unmatched"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    carrier_account = models.ForeignKey(CarrierAccount, on_delete=models.CASCADE, related_name="events")
    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    tracking_number = models.CharField(max_length=128)
    tracking_status = models.CharField(max_length=32)
    completed = models.BooleanField(default=False)
    occurred_at = models.DateTimeField()
    message = models.TextField(blank=True)
    location = models.CharField(max_length=255, blank=True)
    raw = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    shipment = models.ForeignKey(ReturnShipment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurred_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="carrier_event_once")]
        # Tracking events still to apply: how many and since when (the ingest lag metric).
        indexes = [
            models.Index(fields=["received_at"], condition=models.Q(status="pending"), name="carrier_event_pending")
        ]
