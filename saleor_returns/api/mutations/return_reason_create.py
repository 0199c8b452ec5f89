"""returnReasonCreate: staff add a reason (or a group, without parentCode)."""

import graphene

from saleor_returns.access import SETTINGS_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.types.return_requests import ReturnReason
from saleor_returns.installations import actions as installation_actions


class ReturnReasonCreateInput(graphene.InputObjectType):
    code = graphene.String(required=True, description="Stable code, e.g. WRONG_SIZE.")
    label_en = graphene.String(required=True)
    label_zh_hans = graphene.String()
    parent_code = graphene.String(description="The group's code; omit to create a group.")
    is_merchant_fault = graphene.Boolean(default_value=False)


class ReturnReasonCreate(ReturnMutation):
    permissions = SETTINGS_PERMISSIONS

    class Arguments:
        input = ReturnReasonCreateInput(required=True)

    reason = graphene.Field(ReturnReason)

    @classmethod
    def perform(cls, info, requestor, actor, input):
        reason = installation_actions.create_return_reason(
            installation=requestor.installation,
            code=input["code"],
            label_en=input["label_en"],
            label_zh_hans=input.get("label_zh_hans") or "",
            parent_code=input.get("parent_code"),
            is_merchant_fault=bool(input.get("is_merchant_fault")),
        )
        return cls(reason=reason, errors=[])
