"""The carrier layer's failures: retry later, refused as is, not offered, or an untrustworthy webhook."""

from __future__ import annotations

from typing import Any


class CarrierError(Exception):
    """Base of every failure in the carrier layer; `message` is safe to show and log."""

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status_code: int | None = None,
        code: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.code = code


class CarrierUnavailable(CarrierError):
    """Timeout, connection error, 408, 429 or 5xx: retry later with backoff.

    After a timeout or 5xx on a purchase the provider may have done the work:
    retry `create_return_label` with the stored `shipment_id` so it resumes.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class CarrierRejected(CarrierError):
    """The provider refused the request (4xx) with its own message: do not retry as is."""


class NotSupported(CarrierError):
    """This provider (or this adapter) does not offer the operation."""


class WebhookSignatureError(CarrierError):
    """The request is not provably from the provider: unsigned, tampered, wrong secret or stale.

    Answer 4xx: the sender should not retry what will never be accepted.
    """


class WebhookPayloadError(CarrierError):
    """A verified body that cannot be understood (not JSON, required fields missing)."""
