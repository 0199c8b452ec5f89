"""How returns travel back: carrier accounts, return addresses and shipments."""

import json
import uuid

from django.db import models

from saleor_returns import crypto
from saleor_returns.models.fields import money_field
from saleor_returns.models.installations import Installation
from saleor_returns.models.requests import ReturnRequest


class CarrierAccount(models.Model):
    """A shop's account with a shipping provider: credentials (encrypted) and its webhook URL key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="carrier_accounts")
    provider = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    encrypted_credentials = models.TextField()
    # The unguessable part of /webhooks/carriers/<provider>/<key>/ that names the shop.
    webhook_key = models.CharField(max_length=64, unique=True)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["installation"], condition=models.Q(is_default=True), name="carrier_account_one_default"
            )
        ]

    @property
    def credentials(self) -> dict:
        return json.loads(crypto.decrypt(self.encrypted_credentials))

    @credentials.setter
    def credentials(self, value: dict) -> None:
        self.encrypted_credentials = crypto.encrypt(json.dumps(value))


class ReturnAddress(models.Model):
    """Where returns go, per warehouse; the default one is used when a return names none."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="return_addresses")
    warehouse_id = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255)
    company = models.CharField(max_length=255, blank=True)
    street1 = models.CharField(max_length=255)
    street2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255)
    state = models.CharField(max_length=255, blank=True)
    zip = models.CharField(max_length=32)
    country = models.CharField(max_length=2)
    phone = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=254, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "warehouse_id"], name="return_address_per_warehouse"),
        ]


class ReturnShipment(models.Model):
    """How a return travels back: a label the app bought, or the customer's own tracking number."""

    class Method(models.TextChoices):
        LABEL = "label"
        SELF_SHIP = "self_ship"

    class LabelStatus(models.TextChoices):
        NONE = "none"
        PENDING = "pending"
        CREATED = "created"
        FAILED = "failed"
        VOIDED = "voided"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="shipments")
    carrier_account = models.ForeignKey(CarrierAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="shipments")
    method = models.CharField(max_length=16, choices=Method.choices)
    carrier = models.CharField(max_length=64, blank=True)
    tracking_number = models.CharField(max_length=128, blank=True)
    label_status = models.CharField(max_length=16, choices=LabelStatus.choices, default=LabelStatus.NONE)
    label_error = models.TextField(blank=True)
    provider_shipment_id = models.CharField(max_length=128, blank=True)
    label_id = models.CharField(max_length=128, blank=True)
    tracker_id = models.CharField(max_length=128, blank=True)
    label_url = models.URLField(max_length=1000, blank=True)
    label_format = models.CharField(max_length=8, blank=True)
    qr_code_url = models.URLField(max_length=1000, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    cost_amount = money_field(null=True, blank=True)
    tracking_status = models.CharField(max_length=32, blank=True)
    tracking_completed = models.BooleanField(default=False)
    last_event_at = models.DateTimeField(null=True, blank=True)
    first_scan_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    flagged_reason = models.CharField(max_length=64, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    label_created_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    # A carrier pickup at the customer's address, when they chose one.
    pickup_requested_from = models.DateTimeField(null=True, blank=True)
    pickup_requested_to = models.DateTimeField(null=True, blank=True)
    pickup_instructions = models.CharField(max_length=500, blank=True)
    pickup_id = models.CharField(max_length=128, blank=True)
    pickup_confirmation = models.CharField(max_length=128, blank=True)
    pickup_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["tracking_number"])]
