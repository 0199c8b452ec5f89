"""The portal's own rows: a shop's branding and embedding, and the customers' portal sessions."""

import uuid

from django.db import models

from saleor_returns import crypto


class PortalSettings(models.Model):
    """How a shop's portal looks and where it may be embedded; a shop without a row gets the defaults."""

    installation = models.OneToOneField(
        "saleor_returns.Installation", on_delete=models.CASCADE, primary_key=True, related_name="portal_settings"
    )
    is_enabled = models.BooleanField(default=True)
    shop_name = models.CharField(max_length=100, blank=True)
    logo_url = models.URLField(max_length=500, blank=True)
    primary_color = models.CharField(max_length=7, default="#1F4FD1")
    accent_color = models.CharField(max_length=7, default="#0F766E")
    support_email = models.EmailField(max_length=254, blank=True)
    # Origins allowed to frame the portal (Content-Security-Policy frame-ancestors); empty: the app only.
    frame_ancestors = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "saleor_returns"


class PortalSession(models.Model):
    """A visitor of the portal once proven: the token the portal calls the API with, kept here only.

    The browser holds a signed random key (an HttpOnly cookie); the row holds its hash and the
    token encrypted, so neither the page nor the cookie ever carries a token.
    """

    class Kind(models.TextChoices):
        GUEST = "guest"  # order number + e-mail: a lookup token
        CUSTOMER = "customer"  # signed in with the shop's account: Saleor's access and refresh tokens
        LINK = "link"  # a link from a message: one return

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="portal_sessions"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    encrypted_token = models.TextField()
    encrypted_refresh_token = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=254, blank=True)
    # The order a guest proved, or the return a link opens.
    order_id = models.CharField(max_length=255, blank=True)
    return_request_id = models.CharField(max_length=255, blank=True)
    # The order's language, when Saleor told it (en or zh-hans).
    language = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "saleor_returns"

    @property
    def token(self) -> str:
        return crypto.decrypt(self.encrypted_token)

    @token.setter
    def token(self, value: str) -> None:
        self.encrypted_token = crypto.encrypt(value)

    @property
    def refresh_token(self) -> str:
        return crypto.decrypt(self.encrypted_refresh_token) if self.encrypted_refresh_token else ""

    @refresh_token.setter
    def refresh_token(self, value: str) -> None:
        self.encrypted_refresh_token = crypto.encrypt(value) if value else ""
