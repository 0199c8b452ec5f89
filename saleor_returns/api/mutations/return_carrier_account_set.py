"""returnCarrierAccountSet: staff connect a shipping provider (credentials are stored encrypted)."""

import graphene

from saleor_returns import ids
from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.mutations.base import InputError, ReturnMutation, decode_id
from saleor_returns.api.types.shop import CarrierAccount
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import CarrierAccount as CarrierAccountModel


class CarrierAccountInput(graphene.InputObjectType):
    provider = graphene.String(required=True, description="easypost, shippo, aftership or generic.")
    name = graphene.String(required=True)
    api_key = graphene.String()
    webhook_secret = graphene.String()
    webhook_token = graphene.String(description="Shippo: the secret token carried in the webhook URL.")
    options = graphene.JSONString(description="Adapter options, e.g. a preferred carrier or service.")
    is_default = graphene.Boolean(default_value=True)


class ReturnCarrierAccountSet(ReturnMutation):
    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        id = graphene.ID(description="Omit to connect a new account.")
        input = CarrierAccountInput(required=True)

    carrier_account = graphene.Field(CarrierAccount)

    @classmethod
    def perform(cls, info, requestor, actor, input, id=None):
        account = None
        if id:
            pk = decode_id(id, "CarrierAccount")
            account = CarrierAccountModel.objects.filter(installation=requestor.installation, pk=pk).first() if ids.is_uuid(pk) else None
            if account is None:
                raise InputError("id", ReturnErrorCode.NOT_FOUND, "No CarrierAccount has this id.")
        credentials = {
            name: input[name] for name in ("api_key", "webhook_secret", "webhook_token") if input.get(name)
        }
        if input.get("options"):
            credentials["options"] = input["options"]
        account = installation_actions.set_carrier_account(
            installation=requestor.installation,
            provider=input["provider"],
            name=input["name"],
            credentials=credentials,
            is_default=bool(input.get("is_default", True)),
            account=account,
        )
        return cls(carrier_account=account, errors=[])
