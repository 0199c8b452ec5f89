"""returnWebhookEndpointCreate: staff add a URL of the merchant's systems that receives signed events."""

import graphene

from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation, enum_value
from saleor_returns.api.notifications import ReturnMessageEventEnum, ReturnWebhookEndpoint
from saleor_returns.notifications.webhooks import create_endpoint


class ReturnWebhookEndpointCreateInput(graphene.InputObjectType):
    url = graphene.String(required=True, description="A public http(s) URL; no credentials in it.")
    event_types = graphene.List(graphene.NonNull(ReturnMessageEventEnum), description="Omit or empty: every event.")
    description = graphene.String()


class ReturnWebhookEndpointCreate(ReturnMutation):
    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        input = ReturnWebhookEndpointCreateInput(required=True)

    endpoint = graphene.Field(ReturnWebhookEndpoint)
    secret = graphene.String(description="The signing secret (whsec_…), shown this once.")

    @classmethod
    def perform(cls, info, requestor, actor, input):
        endpoint, secret = create_endpoint(
            installation=requestor.installation, url=input["url"],
            event_types=[enum_value(value) for value in input.get("event_types") or []],
            description=(input.get("description") or "").strip()[:200],
        )
        return cls(endpoint=endpoint, secret=secret, errors=[])
