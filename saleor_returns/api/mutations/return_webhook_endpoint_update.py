"""returnWebhookEndpointUpdate: staff change, pause or resume an endpoint, or rotate its secret."""

import graphene

from saleor_returns.ids import is_uuid
from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.mutations.base import InputError, ReturnMutation, decode_id, enum_value
from saleor_returns.api.notifications import ReturnMessageEventEnum, ReturnWebhookEndpoint
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models.notifications import WebhookEndpoint
from saleor_returns.notifications.webhooks import update_endpoint


def load_endpoint(requestor, global_id: str) -> WebhookEndpoint:
    pk = decode_id(global_id, "ReturnWebhookEndpoint")
    endpoint = (
        WebhookEndpoint.objects.filter(installation=requestor.installation, pk=pk).first() if is_uuid(pk) else None
    )
    if endpoint is None:
        raise InputError("id", ReturnErrorCode.NOT_FOUND, "No ReturnWebhookEndpoint has this id.")
    return endpoint


class ReturnWebhookEndpointUpdateInput(graphene.InputObjectType):
    url = graphene.String()
    event_types = graphene.List(graphene.NonNull(ReturnMessageEventEnum), description="Empty: every event.")
    description = graphene.String()
    is_active = graphene.Boolean(description="False pauses it; true resumes it (clearing a pause after failures).")
    rotate_secret = graphene.Boolean(description="Make a new signing secret; the old one stops working at once.")


class ReturnWebhookEndpointUpdate(ReturnMutation):
    """Fields left out stay as they are."""

    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        id = graphene.ID(required=True)
        input = ReturnWebhookEndpointUpdateInput(required=True)

    endpoint = graphene.Field(ReturnWebhookEndpoint)
    secret = graphene.String(description="The new signing secret when rotated, shown this once.")

    @classmethod
    def perform(cls, info, requestor, actor, id, input):
        endpoint = load_endpoint(requestor, id)
        event_types = input.get("event_types")
        endpoint, secret = update_endpoint(
            endpoint=endpoint, url=input.get("url"),
            event_types=[enum_value(value) for value in event_types] if event_types is not None else None,
            description=input["description"].strip()[:200] if input.get("description") is not None else None,
            is_active=input.get("is_active"), rotate_secret=bool(input.get("rotate_secret")),
        )
        return cls(endpoint=endpoint, secret=secret, errors=[])
