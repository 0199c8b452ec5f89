"""What a return's customer is shown of the e-mails sent to them: `ReturnRequest.customerMessages`.

Anyone who may see the return reads them: its customer (their token, a guest's lookup token, the
return's link) and staff with MANAGE_ORDERS, who see the same list. Only e-mail to the customer
is listed, never a webhook delivery; an e-mail not sent on purpose (the address opted out) is left
out. What the outbox keeps for staff (attempts, errors, the mail server's answers, endpoints)
stays in `ReturnRequest.messages`.
"""

from dataclasses import dataclass
from functools import cached_property

import graphene

from saleor_returns.api.notifications import ReturnMessageEventEnum, to_global
from saleor_returns.models.notifications import (
    Message,
    MessageChannel,
    MessageStatus,
    OrderContact,
    SenderSettings,
)
from saleor_returns.notifications.defaults import language_for
from saleor_returns.notifications.email import render_email
from saleor_returns.notifications.templates import RenderedMessage


class ReturnCustomerMessageStatusEnum(graphene.Enum):
    """Where an e-mail to the customer stands, in the customer's terms."""

    SENT = "sent"
    SENDING = "sending"
    NOT_DELIVERED = "not_delivered"

    @property
    def description(self):
        return {
            "SENT": "The shop's mail server took it.",
            "SENDING": "Being sent (a first attempt, or another after one that failed).",
            "NOT_DELIVERED": "It could not be delivered.",
        }[self.name]


# The outbox's statuses as the customer is told them; "skipped" (never sent on purpose) is not listed.
CUSTOMER_STATUS = {
    MessageStatus.PENDING: ReturnCustomerMessageStatusEnum.SENDING.value,
    MessageStatus.SENDING: ReturnCustomerMessageStatusEnum.SENDING.value,
    MessageStatus.SENT: ReturnCustomerMessageStatusEnum.SENT.value,
    MessageStatus.FAILED: ReturnCustomerMessageStatusEnum.NOT_DELIVERED.value,
}


@dataclass
class CustomerCopy:
    """One e-mail to the customer, rendered (once, when a field asks for it) as the customer read it."""

    message: Message
    contact: OrderContact | None
    sender: SenderSettings | None

    @property
    def language(self) -> str:
        # The language it was written in; before its first attempt, the order's as already known.
        return self.message.language or language_for(self.contact.language_code if self.contact else "")

    @cached_property
    def rendered(self) -> RenderedMessage:
        """From the message's own data, with no call to Saleor and without the unsubscribe line."""
        return render_email(
            self.message, language=self.language, customer_name=self.contact.customer_name if self.contact else "",
            sender=self.sender, unsubscribe=False,
        )


class ReturnCustomerMessage(graphene.ObjectType):
    """An e-mail the shop sent (or is sending) the customer about their return, as the customer may read it."""

    id = graphene.ID(required=True, description="The same id as in the staff's `messages`.")
    event = graphene.Field(ReturnMessageEventEnum, required=True, description="The step of the return it tells of.")
    subject = graphene.String(required=True, description="As sent; while it is being sent, as it will read.")
    status = graphene.Field(ReturnCustomerMessageStatusEnum, required=True)
    language = graphene.String(required=True, description="The language it is written in: en or zh-hans.")
    created_at = graphene.DateTime(required=True, description="When the step it tells of wrote it.")
    sent_at = graphene.DateTime(description="When the mail server took it; null until then.")
    text_body = graphene.String(
        required=True,
        description="Its plain-text part, written again from the message's own data with the shop's current "
        "template, in its language. Its links (the return's page, the survey) are new signed links to this "
        "return, like `portalUrl`; a gift card is named by its last four characters only.",
    )

    def resolve_id(copy, info):
        return to_global("ReturnMessage", copy.message.pk)

    def resolve_event(copy, info):
        return copy.message.event

    def resolve_subject(copy, info):
        return copy.message.subject or copy.rendered.subject

    def resolve_status(copy, info):
        return CUSTOMER_STATUS[copy.message.status]

    def resolve_language(copy, info):
        return copy.language

    def resolve_created_at(copy, info):
        return copy.message.created_at

    def resolve_sent_at(copy, info):
        return copy.message.sent_at

    def resolve_text_body(copy, info):
        return copy.rendered.text


def resolve_customer_messages(return_request, info) -> list[CustomerCopy]:
    """The return's e-mails to its customer, oldest first: for everyone who may see the return."""
    messages = list(
        Message.objects.filter(return_request=return_request, channel=MessageChannel.EMAIL, status__in=CUSTOMER_STATUS)
        .order_by("created_at", "id")
    )
    if not messages:
        return []
    contact = OrderContact.objects.filter(return_request=return_request).first()
    sender = SenderSettings.objects.filter(installation_id=return_request.installation_id).first()
    return [CustomerCopy(message=message, contact=contact, sender=sender) for message in messages]
