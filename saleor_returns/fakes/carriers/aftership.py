"""A loopback fake of AfterShip Tracking: trackings and signed `tracking_update` webhooks (§3)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import re
import secrets
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from saleor_returns.fakes.carriers.base import ProviderFake, Route, RouteMatch, iso, utc_now


def aftership_signature(secret: str, body: bytes) -> str:
    """`aftership-hmac-sha256` (§3.2): base64 of HMAC-SHA256 over the body."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode()


class FakeAfterShip(ProviderFake):
    """AfterShip Tracking (dated API): create and list trackings, `tracking_update` webhooks.

    `base_url` goes into the adapter's credentials (the adapter appends
    `/tracking/<version>`). Authenticates the `as-api-key` header.
    """

    thread_name = "fake-aftership"

    def __init__(self, *, api_key: str = "asat_test_key", webhook_secret: str = "") -> None:
        super().__init__()
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.trackings: dict[str, dict] = {}

    @property
    def base_url(self) -> str:
        return self.root_url

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        return headers.get("as-api-key") == self.api_key

    def _error(self, status: int, message: str, code: str | None = None) -> Any:
        types = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound", 429: "TooManyRequests"}
        meta_code = int(code) if code else status
        return {"meta": {"code": meta_code, "message": message, "type": types.get(status, "InternalError")}, "data": {}}

    def _routes(self) -> Iterable[Route]:
        return (
            ("POST", re.compile(r"/tracking/(?P<version>[^/]+)/trackings"), self._create_tracking),
            ("GET", re.compile(r"/tracking/(?P<version>[^/]+)/trackings"), self._list_trackings),
        )

    def _create_tracking(self, match: RouteMatch) -> tuple[int, Any]:
        data = match.request.json if isinstance(match.request.json, dict) else {}
        tracking_number = data.get("tracking_number")
        if not tracking_number:
            return 400, self._error(400, "tracking_number is required.", "4007")
        slug = data.get("slug") or "ups"
        if self.tracking_for(tracking_number, slug) is not None:
            return 400, self._error(400, "Tracking already exists.", "4003")
        tracking = self._new_tracking(tracking_number, slug, title=data.get("title"), order_id=data.get("order_id"))
        return 201, {"meta": {"code": 201, "message": "", "type": "Created"}, "data": tracking}

    def _new_tracking(
        self, tracking_number: str, slug: str, *, title: str | None = None, order_id: str | None = None
    ) -> dict:
        now = iso(utc_now())
        tracking = {
            "id": secrets.token_hex(12),
            "tracking_number": tracking_number,
            "slug": slug,
            "title": title or tracking_number,
            "order_id": order_id,
            "tag": "Pending",
            "subtag": "Pending_001",
            "subtag_message": "Pending",
            "active": True,
            "return_to_sender": False,
            "checkpoints": [],
            "created_at": now,
            "updated_at": now,
        }
        self.trackings[tracking["id"]] = tracking
        return tracking

    def _list_trackings(self, match: RouteMatch) -> tuple[int, Any]:
        numbers = set(filter(None, (match.request.query.get("tracking_numbers") or "").split(",")))
        slug = match.request.query.get("slug")
        found = [
            tracking
            for tracking in self.trackings.values()
            if (not numbers or tracking["tracking_number"] in numbers) and (not slug or tracking["slug"] == slug)
        ]
        return 200, {
            "meta": {"code": 200, "message": "", "type": "OK"},
            "data": {
                "pagination": {"total": len(found), "next_cursor": None, "has_next_page": False},
                "trackings": found,
            },
        }

    def tracking_for(self, tracking_number: str, slug: str | None = None) -> dict | None:
        return self._find(self.trackings.values(), "tracking_number", tracking_number, slug=slug)

    def tracking_event(
        self,
        tracking_number: str,
        *,
        tag: str,
        subtag: str | None = None,
        slug: str = "ups",
        checkpoint_time: datetime | None = None,
        message: str = "",
        location: Mapping[str, str] | None = None,
        event: str = "tracking_update",
        event_id: str | None = None,
        ts: int | None = None,
        return_to_sender: bool | None = None,
    ) -> dict:
        """A webhook envelope (§3.3) for the tracking of `tracking_number` (created if unknown).

        The tracking takes `tag`/`subtag`; for a `tracking_update` it also gains a
        checkpoint at `checkpoint_time` (default now), as AfterShip accumulates them.
        """
        with self.lock:
            tracking = self.tracking_for(tracking_number, slug) or self._new_tracking(tracking_number, slug)
            first_tag = tracking["tag"] != tag
            subtag = subtag or f"{tag}_001"
            subtag_message = message or subtag
            if event == "tracking_update":
                tracking["checkpoints"].append(
                    {
                        "slug": slug,
                        "checkpoint_time": (checkpoint_time or utc_now()).isoformat(),
                        "tag": tag,
                        "subtag": subtag,
                        "subtag_message": subtag_message,
                        "message": message,
                        "city": None,
                        "state": None,
                        "postal_code": None,
                        "country_region": None,
                        "location": None,
                        "created_at": iso(utc_now()),
                        **(location or {}),
                    }
                )
            tracking.update(
                {
                    "tag": tag,
                    "subtag": subtag,
                    "subtag_message": subtag_message,
                    "return_to_sender": bool(return_to_sender)
                    if return_to_sender is not None
                    else subtag in ("Exception_010", "Exception_011"),
                    "updated_at": iso(utc_now()),
                }
            )
            return {
                "ts": int(time.time()) if ts is None else ts,
                "event": event,
                "event_id": event_id or str(uuid.uuid4()),
                "is_tracking_first_tag": first_tag,
                "msg": copy.deepcopy(tracking),
            }

    def signed_webhook(
        self, event: Mapping[str, Any] | bytes, *, secret: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        """Headers and raw body of AfterShip's POST; unsigned when no secret is set."""
        return self._signed(event, secret, "aftership-hmac-sha256", aftership_signature)


# -------------------------------------------------------------------------- generic
