"""returnWebhookEndpointDelete: staff remove an endpoint and its delivery log."""

import graphene

from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.mutations.return_webhook_endpoint_update import load_endpoint
from saleor_returns.notifications.webhooks import delete_endpoint


class ReturnWebhookEndpointDelete(ReturnMutation):
    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        id = graphene.ID(required=True)

    deleted_id = graphene.ID()

    @classmethod
    def perform(cls, info, requestor, actor, id):
        delete_endpoint(endpoint=load_endpoint(requestor, id))
        return cls(deleted_id=id, errors=[])
