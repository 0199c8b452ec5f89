"""What a return resolves into: a refund or store credit, a replacement order, a claim against the carrier."""

import uuid

from django.db import models

from saleor_returns.models.fields import money_field
from saleor_returns.models.requests import ReturnRequest


class Refund(models.Model):
    """The money (or credit) a return request resolves into: one per request, retried in place.

    Exactly once: the row's id is the idempotency key; every Saleor object made
    for it (granted refund, gift card) is recorded here before the next call,
    and the outcome is confirmed from Saleor, never assumed.
    """

    class Kind(models.TextChoices):
        ORIGINAL_PAYMENT = "original_payment"
        LEGACY_PAYMENT = "legacy_payment"
        STORE_CREDIT = "store_credit"

    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSING = "processing"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    return_request = models.OneToOneField(ReturnRequest, on_delete=models.CASCADE, related_name="refund")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    currency = models.CharField(max_length=3)
    amount = money_field()
    preview = models.JSONField()
    fingerprint = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=128, blank=True)
    saleor_transaction_id = models.CharField(max_length=255, blank=True)
    saleor_granted_refund_id = models.CharField(max_length=255, blank=True)
    refund_requested_at = models.DateTimeField(null=True, blank=True)
    # Legacy payments: the order's refunded total before the app's orderRefund,
    # kept before the call so a retry can tell whether Saleor already refunded.
    # Legacy payments, refunds begun before the app noted its refund events: the order's refunded total then.
    legacy_refunded_before = money_field(null=True, blank=True)
    # Legacy payments: the ids of this app's PAYMENT_REFUNDED order events before orderRefund was called.
    legacy_refund_events_before = models.JSONField(null=True, blank=True)
    gift_card_id = models.CharField(max_length=255, blank=True)
    gift_card_last4 = models.CharField(max_length=8, blank=True)
    returned_in_saleor = models.BooleanField(default=False)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Refunds by status, counted at every metrics scrape from the index alone.
        indexes = [models.Index(fields=["status"], name="refund_status")]

    @property
    def marker(self) -> str:
        """Written into Saleor (grant reason, gift card metadata) to find what a lost answer made."""
        return f"saleor-returns:{self.pk}"


class CarrierClaim(models.Model):
    """The shop's own claim against its carrier for a damaged or lost parcel, tracked beside the customer's claim."""

    class Status(models.TextChoices):
        FILED = "filed"
        APPROVED = "approved"
        REJECTED = "rejected"
        PAID = "paid"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="carrier_claims")
    carrier = models.CharField(max_length=64)
    reference = models.CharField(max_length=128, blank=True)
    currency = models.CharField(max_length=3)
    amount = money_field()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FILED)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class ReplacementOrder(models.Model):
    """The Saleor order that sends the customer an exchanged item or a replacement, at no charge.

    Made from a draft order tagged with `externalReference` = `marker`, so a
    retry finds the draft an earlier run created instead of making another.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        # The new item costs more: a draft order waits for the customer to pay the difference.
        AWAITING_PAYMENT = "awaiting_payment"
        COMPLETED = "completed"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    return_request = models.OneToOneField(ReturnRequest, on_delete=models.CASCADE, related_name="replacement_order")
    currency = models.CharField(max_length=3, blank=True)
    # Exchanges: what the new item costs more (to pay) or less (refunded) than what was paid.
    price_difference = money_field(null=True, blank=True)
    variant_id = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    saleor_order_id = models.CharField(max_length=255, blank=True)
    saleor_order_number = models.CharField(max_length=64, blank=True)
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def marker(self) -> str:
        return f"saleor-returns:{self.pk}"
