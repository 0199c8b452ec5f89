"""returnReasonUpdate: staff relabel, reorder, activate or deactivate a reason."""

import graphene

from saleor_returns.access import SETTINGS_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.mutations.reason_access import load_reason
from saleor_returns.api.types.return_requests import ReturnReason
from saleor_returns.installations import actions as installation_actions


class ReturnReasonUpdateInput(graphene.InputObjectType):
    label_en = graphene.String()
    label_zh_hans = graphene.String()
    is_merchant_fault = graphene.Boolean()
    is_active = graphene.Boolean()
    position = graphene.Int()


class ReturnReasonUpdate(ReturnMutation):
    permissions = SETTINGS_PERMISSIONS

    class Arguments:
        id = graphene.ID(required=True)
        input = ReturnReasonUpdateInput(required=True)

    reason = graphene.Field(ReturnReason)

    @classmethod
    def perform(cls, info, requestor, actor, id, input):
        reason = load_reason(requestor, id)
        reason = installation_actions.update_return_reason(reason=reason, changes=dict(input))
        return cls(reason=reason, errors=[])
