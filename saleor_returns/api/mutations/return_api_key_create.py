"""returnApiKeyCreate: staff create a key for an integrator (ERP, WMS)."""

import graphene

from saleor_returns import actions
from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.types import ApiKey


class ReturnApiKeyCreate(ReturnMutation):
    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        name = graphene.String(required=True)

    api_key = graphene.Field(ApiKey)
    key = graphene.String(description="Shown once: send it as `Authorization: Bearer <key>`.")

    @classmethod
    def perform(cls, info, requestor, actor, name):
        api_key, key = actions.create_api_key(installation=requestor.installation, name=name)
        return cls(api_key=api_key, key=key, errors=[])
