"""returnSenderSettingsUpdate: staff set who the shop's e-mail comes from and how it is sent (secrets write-only)."""

import graphene

from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation, enum_value
from saleor_returns.api.notifications import (
    ReturnMailServiceEnum,
    ReturnMailTransportEnum,
    ReturnMessageLanguageEnum,
    ReturnSenderSettings,
    ReturnSmtpSecurityEnum,
)
from saleor_returns.notifications.sender import update_sender_settings


class ReturnSenderSettingsInput(graphene.InputObjectType):
    from_name = graphene.String()
    from_email = graphene.String()
    reply_to = graphene.String()
    alerts_email = graphene.String(description="Where alerts to the shop's staff go; empty: not e-mailed.")
    alerts_language = ReturnMessageLanguageEnum()
    transport = ReturnMailTransportEnum()
    smtp_host = graphene.String()
    smtp_port = graphene.Int()
    smtp_username = graphene.String()
    smtp_password = graphene.String(description="Write-only; empty clears it.")
    smtp_security = ReturnSmtpSecurityEnum()
    esp = ReturnMailServiceEnum()
    api_key = graphene.String(
        description="Write-only: Postmark's server token, Mailgun's or SendGrid's API key, Amazon SES's access key id."
    )
    secret_key = graphene.String(description="Write-only: Amazon SES's secret access key.")
    region = graphene.String(description="Amazon SES: the AWS region; Mailgun: us or eu.")
    sender_domain = graphene.String(description="Mailgun: the sending domain.")
    message_stream = graphene.String(description="Postmark: the message stream.")


class ReturnSenderSettingsUpdate(ReturnMutation):
    """Fields left out stay as they are."""

    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        input = ReturnSenderSettingsInput(required=True)

    sender_settings = graphene.Field(ReturnSenderSettings)

    @classmethod
    def perform(cls, info, requestor, actor, input):
        changes = {name: enum_value(value) for name, value in input.items()}
        sender = update_sender_settings(installation=requestor.installation, updated_by=actor.email or actor.id, **changes)
        return cls(sender_settings=ReturnSenderSettings.build(requestor.installation, sender), errors=[])
