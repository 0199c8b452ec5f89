"""Database models."""

import json
import uuid
from decimal import Decimal

from django.db import models
from prices import Money

from saleor_returns import crypto
from saleor_returns.states import ReturnStatus


class Installation(models.Model):
    """One Saleor shop that installed the app, keyed by its GraphQL API URL.

    Re-installing replaces the app token and app id; the shop's returns stay.
    APP_DELETED deactivates it, and nothing of it is served until it is
    installed again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    saleor_api_url = models.URLField(max_length=500, unique=True)
    saleor_domain = models.CharField(max_length=255, blank=True)
    app_id = models.CharField(max_length=255, help_text="Saleor's global ID of this app in that shop.")
    encrypted_app_token = models.TextField()
    permissions = models.JSONField(default=list, blank=True)
    jwks = models.JSONField(default=dict, blank=True)
    jwks_fetched_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    installed_at = models.DateTimeField()
    deactivated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["saleor_api_url"]

    def __str__(self) -> str:
        return self.saleor_api_url

    @property
    def app_token(self) -> str:
        return crypto.decrypt(self.encrypted_app_token)

    @app_token.setter
    def app_token(self, value: str) -> None:
        self.encrypted_app_token = crypto.encrypt(value)


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


def money_field(**kwargs) -> models.DecimalField:
    """An amount; the currency sits in a `currency` field on the same row."""
    return models.DecimalField(max_digits=20, decimal_places=3, **kwargs)


class ApiKey(models.Model):
    """An installation's key for integrators (ERP, WMS) or a storefront's server.

    A key holds the `scopes` its creator chose, never more than the creator held
    in Saleor; it dies with its creator's permissions (STAFF_UPDATED,
    STAFF_DELETED and a periodic check), at `expires_at`, or when revoked, and
    with it every key it minted.
    """

    class Scope(models.TextChoices):
        MANAGE_ORDERS = "MANAGE_ORDERS"
        HANDLE_PAYMENTS = "HANDLE_PAYMENTS"
        MANAGE_GIFT_CARD = "MANAGE_GIFT_CARD"
        MANAGE_PRODUCTS = "MANAGE_PRODUCTS"
        MANAGE_SETTINGS = "MANAGE_SETTINGS"
        MANAGE_APPS = "MANAGE_APPS"
        # Not a Saleor permission: a storefront's server looking orders up for its guests.
        GUEST_LOOKUP = "GUEST_LOOKUP"

    class RevokedReason(models.TextChoices):
        REVOKED = "revoked", "Revoked by staff"
        PARENT_REVOKED = "parent_revoked", "The key that created it was revoked"
        CREATOR_DELETED = "creator_deleted", "Its creator's staff account was deleted"
        CREATOR_DEACTIVATED = "creator_deactivated", "Its creator's staff account was deactivated"
        CREATOR_LOST_PERMISSIONS = "creator_lost_permissions", "Its creator lost permissions it holds"
        CREATOR_NOT_FOUND = "creator_not_found", "The app can no longer see its creator in Saleor"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True, help_text="Shown to staff to tell keys apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    # The staff member answerable for the key (for a key minted by a key: that key's creator).
    created_by_user_id = models.CharField(max_length=255, blank=True)
    created_by_email = models.CharField(max_length=254, blank=True)
    created_by_key = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="minted_keys"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    creator_checked_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, choices=RevokedReason.choices, blank=True)


class RateCounter(models.Model):
    """A shared counter with an expiry: the store behind rate limits when there is no Redis.

    Read and written only through `saleor_returns.counters.CounterCache`, whose
    increments are single atomic statements.
    """

    key = models.CharField(max_length=255, primary_key=True)
    value = models.BigIntegerField()
    expires_at = models.DateTimeField(db_index=True)


class ReturnReason(models.Model):
    """A two-level taxonomy per shop: groups (QUALITY, LOGISTICS, ...) and their reasons.

    `code` is the stable name storefronts send (DAMAGED_IN_TRANSIT); labels are
    translated. A reason once used is deactivated rather than deleted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="return_reasons")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(max_length=64)
    label_en = models.CharField(max_length=200)
    label_zh_hans = models.CharField(max_length=200, blank=True)
    is_merchant_fault = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["installation", "code"], name="return_reason_code_unique")]

    def __str__(self) -> str:
        return self.code

    def label(self, language: str = "en") -> str:
        if language.lower().startswith("zh") and self.label_zh_hans:
            return self.label_zh_hans
        return self.label_en


class ReturnPolicy(models.Model):
    """One version of a shop's return policy, for one channel (or all channels).

    Versions are never edited: an update writes a new version and marks it
    current, and every return request keeps the version it was judged by.
    `rules` is validated by `policies.PolicyRules`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="return_policies")
    channel_slug = models.CharField(max_length=255, blank=True, help_text="Empty: every channel without its own.")
    version = models.PositiveIntegerField()
    rules = models.JSONField()
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["channel_slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "channel_slug", "version"], name="return_policy_version_unique"),
            models.UniqueConstraint(
                fields=["installation", "channel_slug"],
                condition=models.Q(is_current=True),
                name="return_policy_one_current",
            ),
        ]


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


class Condition(models.TextChoices):
    AS_NEW = "as_new"
    OPENED = "opened"
    DAMAGED = "damaged"
    MISSING_PARTS = "missing_parts"


class Disposition(models.TextChoices):
    RESTOCK = "restock"
    REFURBISH = "refurbish"
    SCRAP = "scrap"
    RETURN_TO_VENDOR = "return_to_vendor"
    RESELL_DISCOUNTED = "resell_discounted"


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

    class Type(models.TextChoices):
        CREATED = "created"
        STATUS_CHANGED = "status_changed"
        LINES_APPROVED = "lines_approved"
        INFO_REQUESTED = "info_requested"
        INFO_ADDED = "info_added"
        NOTE_ADDED = "note_added"
        POLICY_OVERRIDDEN = "policy_overridden"
        AUTO_REVIEWED = "auto_reviewed"
        TRACKING_ADDED = "tracking_added"
        LINES_RECEIVED = "lines_received"
        LINES_INSPECTED = "lines_inspected"
        REFUND_STARTED = "refund_started"
        REFUND_SUCCEEDED = "refund_succeeded"
        REFUND_FAILED = "refund_failed"
        SHIPPING_FLAGGED = "shipping_flagged"

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


class TaskSchedule(models.Model):
    """A task one process has queued for every process (web and workers): "one at a time" across them.

    A row means the task is queued and not started yet; see `claim_task_schedule`.
    """

    name = models.CharField(max_length=64, primary_key=True)
    scheduled_at = models.DateTimeField()


from saleor_returns.notifications.models import EmailOptOut, Message, MessageAttempt, MessageTemplate, OrderContact, SenderSettings, WebhookEndpoint  # noqa: E402,F401,I001
