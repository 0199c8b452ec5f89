"""returnWebhookEndpointTest: staff send an endpoint a signed `webhook.test` event and see how it answered."""

import graphene

from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.mutations.return_webhook_endpoint_update import load_endpoint
from saleor_returns.api.notifications import ReturnMessage, messages_queryset
from saleor_returns.notifications.actions import send_test_event


class ReturnWebhookEndpointTest(ReturnMutation):
    """One attempt, sent by a worker right after the call: read its outcome in `delivery` or the endpoint's deliveries."""

    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        id = graphene.ID(required=True)

    delivery = graphene.Field(ReturnMessage)

    @classmethod
    def perform(cls, info, requestor, actor, id):
        message = send_test_event(endpoint=load_endpoint(requestor, id))
        return cls(delivery=messages_queryset().get(pk=message.pk), errors=[])
