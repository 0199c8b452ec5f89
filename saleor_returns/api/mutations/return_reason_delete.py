"""returnReasonDelete: remove an unused reason; a used one is deactivated instead."""

import graphene

from saleor_returns.access import SETTINGS_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.mutations.reason_access import load_reason
from saleor_returns.api.types.return_requests import ReturnReason
from saleor_returns.installations import actions as installation_actions


class ReturnReasonDelete(ReturnMutation):
    permissions = SETTINGS_PERMISSIONS

    class Arguments:
        id = graphene.ID(required=True)

    deleted = graphene.Boolean(description="False when the reason was in use and is now deactivated.")
    reason = graphene.Field(ReturnReason, description="The deactivated reason, when it was kept.")

    @classmethod
    def perform(cls, info, requestor, actor, id):
        reason = load_reason(requestor, id)
        deleted = installation_actions.delete_return_reason(reason=reason)
        return cls(deleted=deleted, reason=None if deleted else reason, errors=[])
