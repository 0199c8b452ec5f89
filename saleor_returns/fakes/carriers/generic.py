"""Deliveries of the app's own generic signed JSON webhook (`saleor_returns.carriers.generic`)."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from saleor_returns.fakes.carriers.base import hex_id, json_body


def generic_signature(secret: str, body: bytes, timestamp: int) -> str:
    """`X-Returns-Signature` of the generic scheme: `sha256=<hex of HMAC-SHA256 over "<t>.<body>">`."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class GenericWebhookSender:
    """A sender of the generic signed JSON webhook (`saleor_returns.carriers.generic`)."""

    def __init__(self, secret: str = "generic_secret") -> None:
        self.secret = secret

    @staticmethod
    def event(
        tracking_number: str,
        *,
        status: str,
        occurred_at: datetime,
        carrier: str = "dhl_de",
        event_id: str | None = None,
        event_type: str = "tracking.updated",
        **optional: Any,
    ) -> dict:
        """An event body; `optional` adds documented optional fields (message, location, …)."""
        return {
            "id": event_id or hex_id("evt_"),
            "type": event_type,
            "occurred_at": occurred_at.isoformat(),
            "tracking_number": tracking_number,
            "carrier": carrier,
            "status": status,
            **optional,
        }

    def signed_webhook(
        self, event: Mapping[str, Any] | bytes, *, timestamp: int | None = None, secret: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        body = json_body(event)
        timestamp = int(time.time()) if timestamp is None else timestamp
        return (
            {
                "Content-Type": "application/json",
                "X-Returns-Timestamp": str(timestamp),
                "X-Returns-Signature": generic_signature(self.secret if secret is None else secret, body, timestamp),
            },
            body,
        )
