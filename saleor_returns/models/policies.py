"""A shop's return reasons and the versions of its return policy."""

import uuid

from django.db import models

from saleor_returns.models.installations import Installation


class ReturnReason(models.Model):
    """A two-level taxonomy per shop: groups (QUALITY, LOGISTICS, ...) and their reasons.

    `code` is the stable name storefronts send (DAMAGED_IN_TRANSIT); labels are
    translated. A reason once used is deactivated rather than deleted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="return_reasons")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(max_length=64)
    label_en = models.CharField(max_length=200)
    label_zh_hans = models.CharField(max_length=200, blank=True)
    is_merchant_fault = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["installation", "code"], name="return_reason_code_unique")]

    def __str__(self) -> str:
        return self.code

    def label(self, language: str = "en") -> str:
        if language.lower().startswith("zh") and self.label_zh_hans:
            return self.label_zh_hans
        return self.label_en


class ReturnPolicy(models.Model):
    """One version of a shop's return policy, for one channel (or all channels).

    Versions are never edited: an update writes a new version and marks it
    current, and every return request keeps the version it was judged by.
    `rules` is validated by `policies.PolicyRules`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="return_policies")
    channel_slug = models.CharField(max_length=255, blank=True, help_text="Empty: every channel without its own.")
    version = models.PositiveIntegerField()
    rules = models.JSONField()
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["channel_slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "channel_slug", "version"], name="return_policy_version_unique"),
            models.UniqueConstraint(
                fields=["installation", "channel_slug"],
                condition=models.Q(is_current=True),
                name="return_policy_one_current",
            ),
        ]
