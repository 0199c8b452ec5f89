"""The shops that installed the app."""

import uuid

from django.db import models

from saleor_returns import crypto


class Installation(models.Model):
    """One Saleor shop that installed the app, keyed by its GraphQL API URL.

    Re-installing replaces the app token and app id; the shop's returns stay.
    APP_DELETED deactivates it, and nothing of it is served until it is
    installed again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    saleor_api_url = models.URLField(max_length=500, unique=True)
    saleor_domain = models.CharField(max_length=255, blank=True)
    app_id = models.CharField(max_length=255, help_text="Saleor's global ID of this app in that shop.")
    encrypted_app_token = models.TextField()
    permissions = models.JSONField(default=list, blank=True)
    jwks = models.JSONField(default=dict, blank=True)
    jwks_fetched_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    installed_at = models.DateTimeField()
    deactivated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["saleor_api_url"]

    def __str__(self) -> str:
        return self.saleor_api_url

    @property
    def app_token(self) -> str:
        return crypto.decrypt(self.encrypted_app_token)

    @app_token.setter
    def app_token(self, value: str) -> None:
        self.encrypted_app_token = crypto.encrypt(value)
