"""STAFF_UPDATED, STAFF_DELETED, PERMISSION_GROUP_*: API keys die with their creator's rights.

A deletion is final and applied from the payload; for any other change the
app asks Saleor for the account as it is now, since deliveries may arrive out
of order and an older body could show permissions since taken away.
"""

from saleor_returns.installations import api_keys


def _user_id(delivery) -> str | None:
    user = (delivery.payload or {}).get("user") or {}
    return user.get("id") if isinstance(user, dict) else None


def handle_updated(delivery) -> bool:
    user_id = _user_id(delivery)
    if not user_id or not api_keys.live_keys_of(delivery.installation, user_id).exists():
        return False
    api_keys.check_key_creator(delivery.installation, user_id)
    return True


def handle_deleted(delivery) -> bool:
    user_id = _user_id(delivery)
    if not user_id or not api_keys.live_keys_of(delivery.installation, user_id).exists():
        return False
    api_keys.apply_creator_state(delivery.installation, user_id, None, deleted=True)
    return True


def handle_group_changed(delivery) -> bool:
    if not api_keys.creators_to_check(delivery.installation):
        return False
    api_keys.check_key_creators(delivery.installation)
    return True
