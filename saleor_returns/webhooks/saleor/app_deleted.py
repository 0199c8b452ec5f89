"""APP_DELETED: the shop removed the app; stop serving it."""

from saleor_returns.installations import actions as installation_actions


def handle(delivery) -> bool:
    app = (delivery.payload or {}).get("app") or {}
    app_id = app.get("id")
    if not app_id:
        return False
    return installation_actions.deactivate_installation(installation_id=delivery.installation_id, app_id=app_id)
