"""returnApiKeyCreate: a key for an integrator (ERP, WMS) or a storefront's server, with chosen scopes."""

import graphene

from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.enums import ApiKeyScopeEnum
from saleor_returns.api.errors import PermissionDenied
from saleor_returns.api.mutations.base import InputError, ReturnMutation, enum_value
from saleor_returns.api.types.shop import ApiKey
from saleor_returns.installations import api_keys
from saleor_returns.models import ApiKey as ApiKeyModel
from saleor_returns.requestors import RequestorKind
from saleor_returns.saleor import staff


class ReturnApiKeyCreate(ReturnMutation):
    """Scopes are never more than the creator holds in Saleor (a key minting a key: its own scopes).

    The key answers to its creator: it dies when they leave, are deactivated or
    lose a permission it holds, so the app must be able to see them in Saleor.
    """

    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        name = graphene.String(required=True)
        scopes = graphene.List(graphene.NonNull(ApiKeyScopeEnum), required=True)
        expires_at = graphene.DateTime(description="Optional; a key minted by a key never outlives it.")

    api_key = graphene.Field(ApiKey)
    key = graphene.String(description="Shown once: send it as `Authorization: Bearer <key>`.")

    @classmethod
    def perform(cls, info, requestor, actor, name, scopes, expires_at=None):
        installation = requestor.installation
        if requestor.kind is RequestorKind.APP:
            parent = ApiKeyModel.objects.get(pk=requestor.api_key_id)
            creator = {
                "creator_user_id": parent.created_by_user_id, "creator_email": parent.created_by_email,
                "creator_key": parent, "creator_permissions": parent.scopes,
            }
        else:
            creator = {
                "creator_user_id": requestor.user_id, "creator_email": requestor.email or "",
                "creator_permissions": requestor.permissions,
            }

        def visible(user_id):
            user = staff.fetch_staff_user(installation, user_id)
            return bool(user and user.get("isActive"))

        try:
            api_key, key = api_keys.create_api_key(
                installation=installation, name=name, scopes=[enum_value(scope) for scope in scopes],
                expires_at=expires_at, creator_visible=visible, **creator,
            )
        except api_keys.ScopesNotHeld as refused:
            raise PermissionDenied(
                f"A key cannot hold more than its creator: you do not hold {', '.join(refused.missing)}.",
                permissions=refused.missing,
            ) from None
        except api_keys.ApiKeyError as problem:
            raise InputError(problem.field, problem.code, problem.message) from None
        return cls(api_key=api_key, key=key, errors=[])
