"""returnAddressSet: where returns go, per warehouse."""

import graphene

from saleor_returns.access import SETTINGS_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.installations import actions as installation_actions


class ReturnAddressInput(graphene.InputObjectType):
    warehouse_id = graphene.ID(description="Saleor's Warehouse id; omit for the shop's only address.")
    name = graphene.String(required=True)
    company = graphene.String()
    street1 = graphene.String(required=True)
    street2 = graphene.String()
    city = graphene.String(required=True)
    state = graphene.String()
    zip = graphene.String(required=True)
    country = graphene.String(required=True, description="Two-letter code, e.g. DE.")
    phone = graphene.String()
    email = graphene.String()
    is_default = graphene.Boolean(default_value=True)


class ReturnAddressSet(ReturnMutation):
    permissions = SETTINGS_PERMISSIONS

    class Arguments:
        input = ReturnAddressInput(required=True)

    ok = graphene.Boolean()

    @classmethod
    def perform(cls, info, requestor, actor, input):
        fields = {k: input.get(k) or "" for k in ("name", "company", "street1", "street2", "city", "state", "zip",
                                                   "country", "phone", "email")}
        installation_actions.set_return_address(
            installation=requestor.installation, warehouse_id=input.get("warehouse_id") or "", fields=fields,
            is_default=bool(input.get("is_default", True)),
        )
        return cls(ok=True, errors=[])
