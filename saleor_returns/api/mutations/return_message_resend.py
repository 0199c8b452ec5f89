"""returnMessageResend: staff send a return's or a spike alert's e-mail again, or redeliver its webhook, as a new
recorded attempt."""

import graphene
from django.db.models import Q

from saleor_returns.access import MESSAGE_RESEND_PERMISSIONS
from saleor_returns.ids import is_uuid
from saleor_returns.api.mutations.base import InputError, ReturnMutation, decode_id
from saleor_returns.api.notifications import ReturnMessage, messages_queryset
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models.notifications import Message
from saleor_returns.notifications.actions import resend_message


def load_return_message(requestor, global_id: str) -> Message:
    """A message about one of the shop's returns or spike alerts (a webhook endpoint's test event is neither)."""
    pk = decode_id(global_id, "ReturnMessage")
    message = None
    if is_uuid(pk):
        message = Message.objects.filter(
            Q(return_request__isnull=False) | Q(spike_alert__isnull=False), pk=pk, installation=requestor.installation
        ).first()
    if message is None:
        raise InputError("id", ReturnErrorCode.NOT_FOUND, "No ReturnMessage has this id.")
    return message


class ReturnMessageResend(ReturnMutation):
    """Send the message again: an e-mail to the customer, or the webhook to its endpoint (the same webhook-id)."""

    permissions = MESSAGE_RESEND_PERMISSIONS

    class Arguments:
        id = graphene.ID(
            required=True, description="A ReturnMessage of ReturnRequest.messages or ReturnSpikeAlert.messages."
        )

    message = graphene.Field(ReturnMessage)

    @classmethod
    def perform(cls, info, requestor, actor, id):
        message = load_return_message(requestor, id)
        resend_message(message_id=message.pk, requested_by=actor.email or actor.id)
        return cls(message=messages_queryset().get(pk=message.pk), errors=[])
