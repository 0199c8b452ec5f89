"""A shop for the benches that run against the Saleor double: the app installed in it, as Saleor would."""

from django.utils import timezone

from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import Installation


def install_in_double(saleor, permissions=("MANAGE_ORDERS", "HANDLE_PAYMENTS")) -> tuple[dict, Installation]:
    """The app in the double's shop with its token, the default reasons and policy: (Saleor's app, ours)."""
    app = saleor.add_app(permissions=list(permissions))
    installation = Installation.objects.create(
        saleor_api_url=saleor.api_url, app_id=app["id"], encrypted_app_token="", installed_at=timezone.now()
    )
    installation.app_token = app["token"]
    installation.save()
    installation_actions.seed_default_reasons(installation=installation)
    installation_actions.current_policy(installation=installation, channel_slug="")
    return app, installation
