"""returnApiKeyRevoke: the key, and every key it minted, stop working at once."""

import graphene

from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.mutations.base import InputError, ReturnMutation, decode_id
from saleor_returns.api.types.shop import ApiKey
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.ids import is_uuid
from saleor_returns.installations import api_keys
from saleor_returns.models import ApiKey as ApiKeyModel


class ReturnApiKeyRevoke(ReturnMutation):
    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        id = graphene.ID(required=True)

    api_key = graphene.Field(ApiKey)

    @classmethod
    def perform(cls, info, requestor, actor, id):
        pk = decode_id(id, "ApiKey")
        api_key = ApiKeyModel.objects.filter(installation=requestor.installation, pk=pk).first() if is_uuid(pk) else None
        if api_key is None:
            raise InputError("id", ReturnErrorCode.NOT_FOUND, "No ApiKey has this id.")
        return cls(api_key=api_keys.revoke_api_key(api_key=api_key), errors=[])
