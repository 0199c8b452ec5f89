"""GraphQL types and queries of messages: a return's e-mails and webhooks, templates, sender, endpoints.

Staff with MANAGE_ORDERS see a return's messages; templates, the sender and webhook endpoints
are shop settings of the app's integrations and need MANAGE_ORDERS + MANAGE_APPS.
"""

import graphene
from django.conf import settings
from django.core.exceptions import ValidationError
from graphene import relay

from saleor_returns.access import INTEGRATION_PERMISSIONS, MANAGE_ORDERS, missing_permissions
from saleor_returns.api.errors import PermissionDenied, ReturnError, errors_from_validation
from saleor_returns.notifications import catalog
from saleor_returns.notifications.defaults import FIELDS, LANGUAGES, default_template
from saleor_returns.notifications.email import ESP_BACKENDS, shop_name, support_email
from saleor_returns.models.notifications import (
    EVENTS,
    TEST_EVENT,
    Message,
    MessageAttempt,
    MessageChannel,
    MessageStatus,
    MessageTemplate,
    SenderSettings,
    WebhookEndpoint,
)
from saleor_returns.notifications.templates import preview_message


def _enum(name: str, values, description: str):
    return graphene.Enum(name, [(value.upper().replace("-", "_"), value) for value in values], description=description)


ReturnMessageEventEnum = _enum(
    "ReturnMessageEventEnum", EVENTS, "A step of a return that is told, or an event of the shop (spike_alert)."
)
ReturnMessageChannelEnum = _enum("ReturnMessageChannelEnum", MessageChannel.values, "E-mail or outbound webhook.")
ReturnMessageStatusEnum = _enum(
    "ReturnMessageStatusEnum", MessageStatus.values,
    "pending (waiting for its first or next attempt), sending, sent, failed, or skipped (the address opted out).",
)
ReturnMessageAttemptOutcomeEnum = _enum(
    "ReturnMessageAttemptOutcomeEnum", MessageAttempt.Outcome.values,
    "How one attempt ended: sent, retry (failed, tried again later), failed, skipped or interrupted.",
)
ReturnMessageLanguageEnum = _enum("ReturnMessageLanguageEnum", LANGUAGES, "A language templates exist in.")
ReturnMailTransportEnum = _enum(
    "ReturnMailTransportEnum", SenderSettings.Transport.values,
    "default (the app's own mail settings), smtp (the shop's server) or esp (a mail service).",
)
ReturnSmtpSecurityEnum = _enum("ReturnSmtpSecurityEnum", SenderSettings.Security.values, "How the SMTP connection is secured.")
ReturnMailServiceEnum = _enum("ReturnMailServiceEnum", list(ESP_BACKENDS), "A mail service reached through django-anymail.")


def to_global(type_name: str, pk) -> str:
    return relay.Node.to_global_id(type_name, str(pk))


def require_integrations(info):
    """The caller may manage the shop's integrations: staff with MANAGE_ORDERS + MANAGE_APPS."""
    requestor = info.context.requestor
    if requestor.installation is None:
        raise PermissionDenied("Name the shop with the Saleor-Api-Url header.")
    missing = missing_permissions(requestor, INTEGRATION_PERMISSIONS)
    if missing:
        raise PermissionDenied.missing(missing) if requestor.is_staff else PermissionDenied()
    return requestor


class ReturnMessageAttempt(graphene.ObjectType):
    number = graphene.Int(required=True)
    trigger = graphene.String(required=True, description="automatic, or resend (staff asked).")
    requested_by = graphene.String(description="The staff member who asked for a resend.")
    started_at = graphene.DateTime(required=True)
    finished_at = graphene.DateTime()
    outcome = graphene.Field(ReturnMessageAttemptOutcomeEnum, description="Null while the attempt runs.")
    status_code = graphene.Int(description="Webhooks: the endpoint's HTTP status.")
    latency_ms = graphene.Int(description="Webhooks: how long the endpoint took to answer.")
    response_excerpt = graphene.String(description="Webhooks: the start of the endpoint's answer (at most 1 KB).")
    error = graphene.String()

    def resolve_requested_by(attempt, info):
        return attempt.requested_by or None

    def resolve_outcome(attempt, info):
        return attempt.outcome or None

    def resolve_response_excerpt(attempt, info):
        return attempt.response_excerpt or None

    def resolve_error(attempt, info):
        return attempt.error or None


class ReturnMessageEndpoint(graphene.ObjectType):
    id = graphene.ID(required=True)
    url = graphene.String(required=True)

    def resolve_id(endpoint, info):
        return to_global("ReturnWebhookEndpoint", endpoint.pk)


class ReturnMessage(graphene.ObjectType):
    """One e-mail or one webhook delivery about a return, a shop-level event (a spike alert), or a
    webhook endpoint's test event."""

    id = graphene.ID(required=True)
    event = graphene.Field(ReturnMessageEventEnum, description="Null for a webhook endpoint's test event.")
    type = graphene.String(required=True, description="The webhook type, e.g. return.approved or webhook.test.")
    channel = graphene.Field(ReturnMessageChannelEnum, required=True)
    status = graphene.Field(ReturnMessageStatusEnum, required=True)
    recipient = graphene.String(description="E-mail: the customer's address (the shop's alerts address for alerts).")
    endpoint = graphene.Field(ReturnMessageEndpoint, description="Webhook: where it goes.")
    language = graphene.String(description="E-mail: the language it was written in (en or zh-hans).")
    subject = graphene.String(description="E-mail: its subject, as last sent.")
    attempts = graphene.Int(required=True)
    last_error = graphene.String()
    next_attempt_at = graphene.DateTime(description="When a pending message is tried next.")
    sent_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)
    attempt_log = graphene.List(graphene.NonNull(ReturnMessageAttempt), required=True, description="Oldest first.")

    def resolve_id(message, info):
        return to_global("ReturnMessage", message.pk)

    def resolve_event(message, info):
        return None if message.event == TEST_EVENT else message.event

    def resolve_type(message, info):
        return catalog.webhook_type(message.event)

    def resolve_recipient(message, info):
        return message.recipient or None

    def resolve_language(message, info):
        return message.language or None

    def resolve_subject(message, info):
        return message.subject or None

    def resolve_last_error(message, info):
        return message.last_error or None

    def resolve_next_attempt_at(message, info):
        return message.next_attempt_at if message.status == MessageStatus.PENDING else None

    def resolve_attempt_log(message, info):
        return list(message.attempt_log.all())


def messages_queryset():
    return Message.objects.select_related("endpoint").prefetch_related("attempt_log")


def resolve_return_request_messages(return_request, info):
    """The `messages` of a ReturnRequest: staff with MANAGE_ORDERS only, null for anyone else."""
    if not info.context.requestor.has_permission(MANAGE_ORDERS):
        return None
    return list(messages_queryset().filter(return_request=return_request))


class ReturnMessagePlaceholder(graphene.ObjectType):
    name = graphene.String(required=True, description="Written {{ name }} in a template.")
    description = graphene.String(required=True)


class ReturnMessageTemplate(graphene.ObjectType):
    """What an event's e-mail says in one language: the shop's own parts, the shipped default for the rest."""

    event = graphene.Field(ReturnMessageEventEnum, required=True)
    language = graphene.Field(ReturnMessageLanguageEnum, required=True)
    subject = graphene.String(required=True)
    text = graphene.String(required=True)
    html = graphene.String(required=True)
    customized = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="The parts the shop changed: subject, text, html."
    )
    is_transactional = graphene.Boolean(
        required=True, description="False for reminders and surveys: they carry an unsubscribe link."
    )
    placeholders = graphene.List(graphene.NonNull(ReturnMessagePlaceholder), required=True)
    updated_at = graphene.DateTime()

    @staticmethod
    def build(event: str, language: str, own: MessageTemplate | None) -> "ReturnMessageTemplate":
        parts = default_template(event, language)
        customized = [field for field in FIELDS if own is not None and getattr(own, field)]
        parts.update({field: getattr(own, field) for field in customized})
        return ReturnMessageTemplate(
            event=event, language=language, customized=customized, updated_at=own.updated_at if own else None,
            is_transactional=catalog.is_transactional(event),
            placeholders=[
                ReturnMessagePlaceholder(name=name, description=catalog.PLACEHOLDER_DESCRIPTIONS[name])
                for name in catalog.placeholders(event)
            ],
            **parts,
        )


class ReturnMessagePreview(graphene.ObjectType):
    subject = graphene.String()
    text = graphene.String()
    html = graphene.String()
    errors = graphene.List(graphene.NonNull(ReturnError), required=True)


class ReturnSenderSettings(graphene.ObjectType):
    """Who the shop's e-mail comes from and how it is sent. Secrets are never shown: only whether one is set."""

    from_name = graphene.String(required=True, description="Also the shop's name in messages; empty: its domain.")
    from_email = graphene.String(required=True, description="Empty: the app's default sender address.")
    default_from_email = graphene.String(required=True)
    reply_to = graphene.String(required=True)
    alerts_email = graphene.String(
        required=True, description="Where alerts to the shop's staff (a spike in returns) go; empty: not e-mailed."
    )
    alerts_language = graphene.Field(ReturnMessageLanguageEnum, required=True, description="The alerts' language.")
    transport = graphene.Field(ReturnMailTransportEnum, required=True)
    smtp_host = graphene.String(required=True)
    smtp_port = graphene.Int()
    smtp_username = graphene.String(required=True)
    smtp_security = graphene.Field(ReturnSmtpSecurityEnum, required=True)
    has_smtp_password = graphene.Boolean(required=True)
    esp = graphene.Field(ReturnMailServiceEnum)
    has_api_key = graphene.Boolean(required=True)
    has_secret_key = graphene.Boolean(required=True)
    region = graphene.String(required=True, description="Amazon SES: the AWS region; Mailgun: us or eu.")
    sender_domain = graphene.String(required=True, description="Mailgun: the sending domain.")
    message_stream = graphene.String(required=True, description="Postmark: the message stream.")
    shop_name = graphene.String(required=True, description="How messages name the shop.")
    support_email = graphene.String(required=True, description="The address messages give for questions.")
    updated_at = graphene.DateTime()

    @staticmethod
    def build(installation, sender: SenderSettings | None) -> "ReturnSenderSettings":
        stored = sender or SenderSettings(installation=installation)
        secrets = stored.secrets
        options = stored.esp_options or {}
        return ReturnSenderSettings(
            from_name=stored.from_name, from_email=stored.from_email, default_from_email=settings.DEFAULT_FROM_EMAIL,
            reply_to=stored.reply_to, alerts_email=stored.alerts_email, alerts_language=_value(stored.alerts_language),
            transport=_value(stored.transport), smtp_host=stored.smtp_host,
            smtp_port=stored.smtp_port, smtp_username=stored.smtp_username, smtp_security=_value(stored.smtp_security),
            has_smtp_password=bool(secrets.get("password")), esp=stored.esp or None,
            has_api_key=bool(secrets.get("api_key")), has_secret_key=bool(secrets.get("secret_key")),
            region=options.get("region", ""), sender_domain=options.get("sender_domain", ""),
            message_stream=options.get("message_stream", ""), shop_name=shop_name(installation, sender),
            support_email=support_email(sender), updated_at=sender.updated_at if sender else None,
        )


class ReturnWebhookEndpoint(graphene.ObjectType):
    """A URL of the merchant's systems that receives signed events (Standard Webhooks)."""

    id = graphene.ID(required=True)
    url = graphene.String(required=True)
    description = graphene.String(required=True)
    event_types = graphene.List(
        graphene.NonNull(ReturnMessageEventEnum), required=True, description="Empty: every event."
    )
    is_active = graphene.Boolean(required=True)
    paused_at = graphene.DateTime()
    pause_reason = graphene.String(description="Why it is paused: by staff, or after three days of failed deliveries.")
    created_at = graphene.DateTime(required=True)
    deliveries = graphene.List(
        graphene.NonNull(ReturnMessage), required=True, first=graphene.Int(default_value=20),
        description="The latest deliveries, newest first (at most 100).",
    )

    def resolve_id(endpoint, info):
        return to_global("ReturnWebhookEndpoint", endpoint.pk)

    def resolve_event_types(endpoint, info):
        return list(endpoint.event_types)

    def resolve_pause_reason(endpoint, info):
        return endpoint.pause_reason or None

    def resolve_deliveries(endpoint, info, first=20):
        return list(messages_queryset().filter(endpoint=endpoint).order_by("-created_at", "-id")[: max(0, min(first, 100))])


def _value(enum_member):
    """The plain value of an enum member (graphene's, or a model's default choice), else the value itself."""
    return getattr(enum_member, "value", enum_member)


class NotificationsQuery(graphene.ObjectType):
    return_message_templates = graphene.List(
        graphene.NonNull(ReturnMessageTemplate), required=True,
        event=ReturnMessageEventEnum(), language=ReturnMessageLanguageEnum(),
        description="Staff with MANAGE_APPS: every event's e-mail in every language (or the one asked for).",
    )
    return_message_preview = graphene.Field(
        ReturnMessagePreview, required=True,
        event=ReturnMessageEventEnum(required=True), language=ReturnMessageLanguageEnum(required=True),
        subject=graphene.String(), text=graphene.String(), html=graphene.String(),
        description="Staff with MANAGE_APPS: an e-mail rendered with sample data, from the parts given "
        "(unsaved) and the saved ones; what is wrong with them in `errors`.",
    )
    return_sender_settings = graphene.Field(
        ReturnSenderSettings, required=True, description="Staff with MANAGE_APPS: the shop's e-mail sender."
    )
    return_webhook_endpoints = graphene.List(
        graphene.NonNull(ReturnWebhookEndpoint), required=True,
        description="Staff with MANAGE_APPS: the shop's outbound webhook endpoints.",
    )

    def resolve_return_message_templates(root, info, event=None, language=None):
        requestor = require_integrations(info)
        events = [_value(event)] if event is not None else EVENTS
        languages = [_value(language)] if language is not None else list(LANGUAGES)
        own = {
            (template.event, template.language): template
            for template in MessageTemplate.objects.filter(installation=requestor.installation)
        }
        return [ReturnMessageTemplate.build(e, lang, own.get((e, lang))) for e in events for lang in languages]

    def resolve_return_message_preview(root, info, event, language, subject=None, text=None, html=None):
        requestor = require_integrations(info)
        installation = requestor.installation
        sender = SenderSettings.objects.filter(installation=installation).first()
        try:
            rendered = preview_message(
                installation=installation, event=_value(event), language=_value(language),
                parts={"subject": subject, "text": text, "html": html},
                shop_name=shop_name(installation, sender), support_email=support_email(sender),
            )
        except ValidationError as error:
            return ReturnMessagePreview(errors=errors_from_validation(error))
        return ReturnMessagePreview(subject=rendered.subject, text=rendered.text, html=rendered.html, errors=[])

    def resolve_return_sender_settings(root, info):
        requestor = require_integrations(info)
        installation = requestor.installation
        return ReturnSenderSettings.build(installation, SenderSettings.objects.filter(installation=installation).first())

    def resolve_return_webhook_endpoints(root, info):
        requestor = require_integrations(info)
        return list(WebhookEndpoint.objects.filter(installation=requestor.installation))
