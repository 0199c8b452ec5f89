"""The outbox and what it is sent with: messages and their attempts, templates, sender, endpoints, opt-outs."""

import json
import uuid

from django.db import models
from django.utils import timezone

from saleor_returns import crypto

__all__ = [
    "EVENTS",
    "EmailOptOut",
    "Message",
    "MessageAttempt",
    "MessageTemplate",
    "OrderContact",
    "SenderSettings",
    "WebhookEndpoint",
]


class MessageEvent(models.TextChoices):
    """A step of a return the customer (e-mail) and the merchant's systems (webhooks) are told about."""

    REQUEST_RECEIVED = "request_received"
    APPROVED = "approved"
    INFO_REQUESTED = "info_requested"
    REJECTED = "rejected"
    SHIP_REMINDER = "ship_reminder"
    PARCEL_RECEIVED = "parcel_received"
    INSPECTED = "inspected"
    REFUNDED = "refunded"
    STORE_CREDIT_ISSUED = "store_credit_issued"
    REPLACEMENT_PLACED = "replacement_placed"
    CLAIM_DECIDED = "claim_decided"
    CANCELED = "canceled"
    EXPIRED = "expired"
    SURVEY_INVITATION = "survey_invitation"


class ShopEvent(models.TextChoices):
    """An event of the shop rather than of one return: told to its staff (e-mail) and its systems (webhooks)."""

    # A variant's return rate in a week stood significantly above its own baseline.
    SPIKE_ALERT = "spike_alert"


# Every event that has messages and templates, in the order lists show them: a return's steps, then the shop's.
EVENTS = (*MessageEvent.values, *ShopEvent.values)
EVENT_CHOICES = MessageEvent.choices + ShopEvent.choices


# A webhook endpoint's "send test event": a message of no return and no step.
TEST_EVENT = "test"


class MessageChannel(models.TextChoices):
    EMAIL = "email"
    WEBHOOK = "webhook"


class MessageStatus(models.TextChoices):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Not sent on purpose: the address opted out of non-transactional mail, or there is none.
    SKIPPED = "skipped"


class Message(models.Model):
    """One row of the outbox: one return × event × channel (× endpoint for webhooks), sent once.

    A shop-level event has no return: a spike alert's messages hang on the alert instead,
    once per alert × channel (× endpoint), and its e-mail goes to the shop's alerts address.

    Webhooks get one row per subscribed endpoint, so each endpoint has its own status,
    retries and delivery log, and a failing endpoint never holds up another one.
    `occurrence` tells apart repeats of an event that may happen more than once
    (information requested twice, a second reminder); it is empty for the others, so a
    step that runs twice writes nothing new. `data` is the event's language-neutral data:
    the webhook payload's `data`, and what the e-mail's placeholders are made from.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey("saleor_returns.Installation", on_delete=models.CASCADE, related_name="messages")
    return_request = models.ForeignKey(
        "saleor_returns.ReturnRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    spike_alert = models.ForeignKey(
        "saleor_returns.SpikeAlert", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    event = models.CharField(max_length=32)
    channel = models.CharField(max_length=16, choices=MessageChannel.choices)
    endpoint = models.ForeignKey(
        "saleor_returns.WebhookEndpoint", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    occurrence = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    recipient = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=16, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    # Start of the retry window: when the message was recorded, or last resent.
    queued_at = models.DateTimeField(default=timezone.now)
    resend_requested_at = models.DateTimeField(null=True, blank=True)
    resend_requested_by = models.CharField(max_length=254, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["return_request", "created_at"]),
            models.Index(fields=["endpoint", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["return_request", "event", "occurrence"],
                condition=models.Q(channel="email"),
                name="message_email_once",
            ),
            models.UniqueConstraint(
                fields=["return_request", "event", "endpoint", "occurrence"],
                condition=models.Q(channel="webhook"),
                name="message_webhook_once",
            ),
            models.UniqueConstraint(
                fields=["spike_alert"],
                condition=models.Q(channel="email", spike_alert__isnull=False),
                name="message_spike_alert_email_once",
            ),
            models.UniqueConstraint(
                fields=["spike_alert", "endpoint"],
                condition=models.Q(channel="webhook", spike_alert__isnull=False),
                name="message_spike_alert_webhook_once",
            ),
        ]


class MessageAttempt(models.Model):
    """One try at sending a message: its outcome and, for webhooks, what the endpoint answered."""

    class Trigger(models.TextChoices):
        AUTOMATIC = "automatic"
        RESEND = "resend"

    class Outcome(models.TextChoices):
        SENT = "sent"
        # Failed; another attempt follows.
        RETRY = "retry"
        FAILED = "failed"
        SKIPPED = "skipped"
        # The worker stopped before it could record an outcome.
        INTERRUPTED = "interrupted"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.AUTOMATIC)
    requested_by = models.CharField(max_length=254, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["message", "number"]


class MessageTemplate(models.Model):
    """A shop's own subject, text or HTML for one event in one language; a blank part uses the default."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="message_templates"
    )
    event = models.CharField(max_length=32, choices=EVENT_CHOICES)
    language = models.CharField(max_length=16)
    subject = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    updated_by = models.CharField(max_length=254, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "event", "language"], name="message_template_unique")
        ]


class AlertsLanguage(models.TextChoices):
    """The languages messages are written in (`notifications.defaults.LANGUAGES`)."""

    EN = "en"
    ZH_HANS = "zh-hans"


class SenderSettings(models.Model):
    """Who a shop's e-mail comes from and how it leaves: the deployment's mail settings, SMTP, or a mail service."""

    class Transport(models.TextChoices):
        DEFAULT = "default"
        SMTP = "smtp"
        ESP = "esp"

    class Security(models.TextChoices):
        NONE = "none"
        STARTTLS = "starttls"
        SSL = "ssl"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.OneToOneField(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="sender_settings"
    )
    from_name = models.CharField(max_length=100, blank=True)
    from_email = models.EmailField(max_length=254, blank=True)
    reply_to = models.EmailField(max_length=254, blank=True)
    # The shop's staff: where alerts (a spike in returns) are e-mailed, and in which language.
    alerts_email = models.EmailField(max_length=254, blank=True)
    alerts_language = models.CharField(max_length=16, choices=AlertsLanguage.choices, default=AlertsLanguage.EN)
    transport = models.CharField(max_length=16, choices=Transport.choices, default=Transport.DEFAULT)
    smtp_host = models.CharField(max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(null=True, blank=True)
    smtp_username = models.CharField(max_length=255, blank=True)
    smtp_security = models.CharField(max_length=16, choices=Security.choices, default=Security.STARTTLS)
    # A mail service by its name in `email.ESP_BACKENDS`, with its settings that are not secret.
    esp = models.CharField(max_length=32, blank=True)
    esp_options = models.JSONField(default=dict, blank=True)
    # SMTP password, a mail service's API key or secret key: encrypted, never shown again.
    encrypted_secrets = models.TextField(blank=True)
    updated_by = models.CharField(max_length=254, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def secrets(self) -> dict:
        return json.loads(crypto.decrypt(self.encrypted_secrets)) if self.encrypted_secrets else {}

    @secrets.setter
    def secrets(self, value: dict) -> None:
        self.encrypted_secrets = crypto.encrypt(json.dumps(value)) if value else ""


class EmailOptOut(models.Model):
    """An address that asked a shop for no more reminders and surveys (transactional mail still goes)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey("saleor_returns.Installation", on_delete=models.CASCADE, related_name="email_opt_outs")
    # Lower-cased.
    email = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installation", "email"], name="email_opt_out_unique")]


class WebhookEndpoint(models.Model):
    """A URL of the merchant's systems that receives the chosen events, signed per Standard Webhooks.

    Paused by staff, or by the app after three days of failed deliveries (`pause_reason`
    says why, for the desk); a paused endpoint receives nothing until it is resumed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=1000)
    description = models.CharField(max_length=200, blank=True)
    encrypted_secret = models.TextField()
    # MessageEvent values; empty: every event.
    event_types = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.encrypted_secret)

    @secret.setter
    def secret(self, value: str) -> None:
        self.encrypted_secret = crypto.encrypt(value)

    def receives(self, event: str) -> bool:
        return not self.event_types or event in self.event_types


class OrderContact(models.Model):
    """Whom a return's e-mail addresses and in which language, read once from the order in Saleor."""

    return_request = models.OneToOneField(
        "saleor_returns.ReturnRequest", primary_key=True, on_delete=models.CASCADE, related_name="message_contact"
    )
    # Saleor's LanguageCodeEnum value of the order (e.g. "ZH_HANS"); empty when unknown.
    language_code = models.CharField(max_length=16, blank=True)
    customer_name = models.CharField(max_length=255, blank=True)
    fetched_at = models.DateTimeField(auto_now=True)
