"""Integrators' API keys."""

import uuid

from django.db import models

from saleor_returns.models.installations import Installation


class ApiKey(models.Model):
    """An installation's key for integrators (ERP, WMS) or a storefront's server.

    A key holds the `scopes` its creator chose, never more than the creator held
    in Saleor; it dies with its creator's permissions (STAFF_UPDATED,
    STAFF_DELETED and a periodic check), at `expires_at`, or when revoked, and
    with it every key it minted.
    """

    class Scope(models.TextChoices):
        MANAGE_ORDERS = "MANAGE_ORDERS"
        HANDLE_PAYMENTS = "HANDLE_PAYMENTS"
        MANAGE_GIFT_CARD = "MANAGE_GIFT_CARD"
        MANAGE_PRODUCTS = "MANAGE_PRODUCTS"
        MANAGE_SETTINGS = "MANAGE_SETTINGS"
        MANAGE_APPS = "MANAGE_APPS"
        # Not a Saleor permission: a storefront's server looking orders up for its guests.
        GUEST_LOOKUP = "GUEST_LOOKUP"

    class RevokedReason(models.TextChoices):
        REVOKED = "revoked", "Revoked by staff"
        PARENT_REVOKED = "parent_revoked", "The key that created it was revoked"
        CREATOR_DELETED = "creator_deleted", "Its creator's staff account was deleted"
        CREATOR_DEACTIVATED = "creator_deactivated", "Its creator's staff account was deactivated"
        CREATOR_LOST_PERMISSIONS = "creator_lost_permissions", "Its creator lost permissions it holds"
        CREATOR_NOT_FOUND = "creator_not_found", "The app can no longer see its creator in Saleor"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True, help_text="Shown to staff to tell keys apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    # The staff member answerable for the key (for a key minted by a key: that key's creator).
    created_by_user_id = models.CharField(max_length=255, blank=True)
    created_by_email = models.CharField(max_length=254, blank=True)
    created_by_key = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="minted_keys"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    creator_checked_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, choices=RevokedReason.choices, blank=True)
