"""returnPortalSettingsUpdate: the shop's branding of the hosted returns portal and who may embed it."""

import graphene

from saleor_returns.access import SETTINGS_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.portal_queries import ReturnPortalSettings
from saleor_returns.portal.settings import update_portal_settings


class ReturnPortalSettingsInput(graphene.InputObjectType):
    is_enabled = graphene.Boolean(description="Off: the portal answers that returns are handled elsewhere.")
    shop_name = graphene.String()
    logo_url = graphene.String(description="An https:// image address; empty for none.")
    primary_color = graphene.String(description="#RRGGBB; text on it is chosen to stay readable.")
    accent_color = graphene.String(description="#RRGGBB.")
    support_email = graphene.String()
    frame_ancestors = graphene.List(
        graphene.NonNull(graphene.String),
        description="Origins that may show the portal in a frame, e.g. https://shop.example.com or "
        "https://*.example.com; empty: none but the app itself.",
    )


class ReturnPortalSettingsUpdate(ReturnMutation):
    """Fields left out keep their value."""

    permissions = SETTINGS_PERMISSIONS

    class Arguments:
        input = ReturnPortalSettingsInput(required=True)

    portal_settings = graphene.Field(ReturnPortalSettings)

    @classmethod
    def perform(cls, info, requestor, actor, input):
        changes = {name: value for name, value in input.items() if value is not None}
        portal_settings = update_portal_settings(installation=requestor.installation, changes=changes)
        return cls(portal_settings=portal_settings, errors=[])
