"""Return requests: their lines, timeline and evidence."""

import uuid
from decimal import Decimal

from django.db import models
from prices import Money

from saleor_returns.events import EventType
from saleor_returns.models.fields import money_field
from saleor_returns.models.inspection import Condition, Disposition
from saleor_returns.models.installations import Installation
from saleor_returns.models.policies import ReturnPolicy, ReturnReason
from saleor_returns.states import ReturnStatus


class ReturnKind(models.TextChoices):
    RETURN = "return"
    EXCHANGE = "exchange"
    DAMAGED_ON_ARRIVAL = "damaged_on_arrival"
    MISSING_ITEM = "missing_item"
    WRONG_ITEM = "wrong_item"
    PARCEL_LOST = "parcel_lost"


CLAIM_KINDS = frozenset({ReturnKind.DAMAGED_ON_ARRIVAL, ReturnKind.MISSING_ITEM, ReturnKind.WRONG_ITEM, ReturnKind.PARCEL_LOST})


class Resolution(models.TextChoices):
    REFUND = "refund"
    STORE_CREDIT = "store_credit"
    EXCHANGE = "exchange"
    KEEP_ITEM = "keep_item"
    # A claim resolved by sending the same item again, at no charge.
    REPLACEMENT = "replacement"


class ReturnRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.PROTECT, related_name="return_requests")
    # From the database sequence return_request_number_seq; shown as RMA-000123.
    number = models.BigIntegerField(unique=True, editable=False)
    status = models.CharField(max_length=32, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED)
    kind = models.CharField(max_length=32, choices=ReturnKind.choices, default=ReturnKind.RETURN)
    resolution = models.CharField(max_length=32, choices=Resolution.choices, default=Resolution.REFUND)
    exchange_variant_id = models.CharField(max_length=255, blank=True)
    order_id = models.CharField(max_length=255)
    order_number = models.CharField(max_length=64)
    order_created_at = models.DateTimeField(null=True, blank=True)
    channel_slug = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    customer_user_id = models.CharField(max_length=255, blank=True)
    customer_email = models.EmailField(max_length=254)
    created_by_kind = models.CharField(max_length=16)
    created_by_id = models.CharField(max_length=255, blank=True)
    policy = models.ForeignKey(ReturnPolicy, on_delete=models.PROTECT, related_name="return_requests")
    policy_overridden = models.BooleanField(default=False)
    override_justification = models.TextField(blank=True)
    is_auto_approved = models.BooleanField(default=False)
    risk_reasons = models.JSONField(default=list, blank=True)
    customer_note = models.TextField(blank=True)
    rejection_message = models.TextField(blank=True)
    info_requested_at = models.DateTimeField(null=True, blank=True)
    info_requested_message = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    order_snapshot = models.JSONField(default=dict, blank=True)
    # The RETURNED fulfillment the app recorded in Saleor for the accepted units.
    saleor_return_fulfillment_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["installation", "status", "-created_at"]),
            models.Index(fields=["installation", "order_id"]),
            models.Index(fields=["installation", "customer_user_id"]),
            models.Index(fields=["installation", "customer_email"]),
            models.Index(fields=["installation", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "created_by_kind", "created_by_id", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="return_request_idempotency_key_unique",
            )
        ]

    def __str__(self) -> str:
        return self.rma_number

    @property
    def rma_number(self) -> str:
        return f"RMA-{self.number:06d}"

    @property
    def is_claim(self) -> bool:
        return self.kind in CLAIM_KINDS


class ReturnLine(models.Model):
    """One order line in a return, with what was paid for it when the request was made.

    Quantities answer separate questions: requested by the customer, approved
    by review, received in the warehouse, accepted at inspection.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line_id = models.CharField(max_length=255)
    variant_id = models.CharField(max_length=255, blank=True)
    product_id = models.CharField(max_length=255, blank=True)
    product_type_id = models.CharField(max_length=255, blank=True)
    category_id = models.CharField(max_length=255, blank=True)
    sku = models.CharField(max_length=255, blank=True)
    product_name = models.CharField(max_length=386)
    variant_name = models.CharField(max_length=255, blank=True)
    reason = models.ForeignKey(ReturnReason, on_delete=models.PROTECT, related_name="lines")
    reason_code = models.CharField(max_length=64)
    comment = models.TextField(blank=True)
    requested_quantity = models.PositiveIntegerField()
    approved_quantity = models.PositiveIntegerField(null=True, blank=True)
    received_quantity = models.PositiveIntegerField(default=0)
    accepted_quantity = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    unit_price_gross_amount = money_field()
    unit_price_net_amount = money_field()
    unit_tax_amount = money_field()
    undiscounted_unit_price_gross_amount = money_field()
    tax_rate = models.DecimalField(max_digits=8, decimal_places=5, default=Decimal(0))
    condition = models.CharField(max_length=32, choices=Condition.choices, blank=True)
    disposition = models.CharField(max_length=32, choices=Disposition.choices, blank=True)
    restock_warehouse_id = models.CharField(max_length=255, blank=True)
    # Stock level set in Saleor for the restock, kept before the call so a retry
    # sets the same level instead of adding the units twice.
    restock_target_quantity = models.IntegerField(null=True, blank=True)
    restocked_at = models.DateTimeField(null=True, blank=True)
    inspection_note = models.TextField(blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    inspected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["return_request", "order_line_id"], name="return_line_once_per_order_line"),
            models.CheckConstraint(condition=models.Q(requested_quantity__gt=0), name="return_line_requested_positive"),
            models.CheckConstraint(
                condition=models.Q(approved_quantity__isnull=True) | models.Q(approved_quantity__lte=models.F("requested_quantity")),
                name="return_line_approved_at_most_requested",
            ),
        ]

    @property
    def unit_price_gross(self) -> Money:
        return Money(self.unit_price_gross_amount, self.currency)


class ReturnEvent(models.Model):
    """The timeline: who did what to a return request, and when."""

    Type = EventType

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=32, choices=Type.choices)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=255, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True)
    is_visible_to_customer = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["return_request", "created_at"])]


def evidence_upload_to(instance, filename: str) -> str:
    return f"evidence/{instance.installation_id}/{instance.id}/{filename}"


class Evidence(models.Model):
    """A photo or document a customer (or staff) uploaded for a return.

    Uploaded first, then referenced by id from a request's lines; unreferenced
    uploads are only visible to whoever uploaded them.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="evidence")
    return_request = models.ForeignKey(
        ReturnRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    return_line = models.ForeignKey(ReturnLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by_kind = models.CharField(max_length=16)
    uploaded_by_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
