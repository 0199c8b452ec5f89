"""Webhooks: subscriptions, signed payloads, event deliveries and ``webhookCreate``/``webhookUpdate``."""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from graphql import GraphQLError, execute, parse, validate

from .common import SALEOR_VERSION, USER_AGENT, _json_default, _now_iso
from .errors import _invalid
from .schema import RequestContext, _current, _permission_codes
from .server import _http_request
from .tokens import _b64url


# The permission an app needs to receive an event (saleor/webhook/event_types.py
# WebhookEventAsyncType.PERMISSIONS, 3.23.28; applied by saleor/webhook/utils.py
# `get_webhooks_for_event`). App lifecycle events go to the app itself only.
EVENT_PERMISSIONS = {
    "ORDER_CREATED": "MANAGE_ORDERS",
    "ORDER_UPDATED": "MANAGE_ORDERS",
    "ORDER_FULLY_PAID": "MANAGE_ORDERS",
    "ORDER_REFUNDED": "MANAGE_ORDERS",
    "ORDER_FULLY_REFUNDED": "MANAGE_ORDERS",
    "STAFF_CREATED": "MANAGE_STAFF",
    "STAFF_UPDATED": "MANAGE_STAFF",
    "STAFF_DELETED": "MANAGE_STAFF",
    "PERMISSION_GROUP_CREATED": "MANAGE_STAFF",
    "PERMISSION_GROUP_UPDATED": "MANAGE_STAFF",
    "PERMISSION_GROUP_DELETED": "MANAGE_STAFF",
}


def _event_typename(event_type: str) -> str:
    """``ORDER_FULLY_REFUNDED`` -> ``OrderFullyRefunded``: the subscription event type."""
    return "".join(part.capitalize() for part in event_type.lower().split("_"))


def _event_object(event_type: str) -> dict[str, str]:
    name = event_type.upper()
    return {"eventType": name, "name": name.replace("_", " ").capitalize()}


class WebhooksMixin:
    # ------------------------------------------------------------------ webhooks

    def sign_webhook(self, body: bytes) -> str:
        """Saleor's ``Saleor-Signature``: detached JWS over the raw body (RFC 7797).

        The protected header is compact JSON with sorted keys (PyJWT's encoding),
        byte for byte what every captured delivery carries, ``typ: "JWT"`` included:
        ``{"alg":"RS256","b64":false,"crit":["b64"],"kid":"…","typ":"JWT"}``.
        """
        key = self._key
        header = {"alg": "RS256", "b64": False, "crit": ["b64"], "kid": key.kid, "typ": "JWT"}
        header_segment = _b64url(json.dumps(header, separators=(",", ":")).encode())
        signature = key.private_key.sign(
            header_segment.encode() + b"." + body, padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{header_segment}..{_b64url(signature)}"

    @staticmethod
    def webhook_body(payload: Mapping[str, Any]) -> bytes:
        """Serialise like Saleor: ``json.dumps`` defaults (``", "``/``": "``), no newline."""
        return json.dumps(payload, default=_json_default).encode()

    def webhook_headers(self, event: str, body: bytes) -> dict[str, str]:
        """The Saleor-specific headers of a webhook delivery, in captured order."""
        signature = self.sign_webhook(body)
        event_name = event.lower()
        return {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json",
            "X-Saleor-Event": event_name,
            "X-Saleor-Domain": self.domain,
            "X-Saleor-Signature": signature,
            "Saleor-Event": event_name,
            "Saleor-Domain": self.domain,
            "Saleor-Signature": signature,
            "Saleor-Api-Url": self.api_url,
            "traceparent": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01",
        }

    def deliver_webhook(
        self, url: str, event: str, payload: Mapping[str, Any] | bytes, *, timeout: float = 20.0
    ) -> tuple[int, bytes]:
        """POST one signed webhook to ``url``; returns ``(status, body)``.

        ``payload`` is a dict (serialised with ``webhook_body``) or raw bytes. Network
        errors propagate (``OSError``).
        """
        body = payload if isinstance(payload, bytes) else self.webhook_body(payload)
        headers = self.webhook_headers(event, body)
        return _http_request("POST", url, headers, body, timeout)

    def add_webhook(
        self,
        app: dict,
        target_url: str,
        *,
        query: str,
        async_events: Iterable[str] = (),
        sync_events: Iterable[str] = (),
        name: str | None = None,
        is_active: bool = True,
    ) -> dict:
        """Register a subscription webhook of ``app`` (as a manifest webhook would)."""
        document = parse(query)
        errors = validate(self.schema, document)
        if errors:
            raise ValueError(f"Invalid subscription query: {errors[0].message}")
        hook = {
            "__typename": "Webhook",
            "id": self.new_id("Webhook"),
            "name": name,
            "isActive": is_active,
            "targetUrl": target_url,
            "app": app,
            "asyncEvents": [_event_object(e) for e in async_events],
            "syncEvents": [_event_object(e) for e in sync_events],
            "events": [],
            "subscriptionQuery": query,
            "customHeaders": None,
        }
        with self.lock:
            app["webhooks"].append(hook)
        return hook

    def emit_event(
        self,
        event_type: str,
        event: Mapping[str, Any],
        *,
        issuing_principal: Mapping | None = None,
        recipients: Iterable[dict] | None = None,
    ) -> list[dict]:
        """Send ``event_type`` to every active webhook subscribed to it.

        ``event`` holds the event's own fields (e.g. ``{"order": order}``); the fake
        adds ``__typename`` (``ORDER_UPDATED`` -> ``OrderUpdated``), ``issuedAt``,
        ``version``, ``issuingPrincipal`` and ``recipient``, runs each webhook's
        subscription query over it with the recipient app as requestor (so the body
        has the query's key order), signs and POSTs it. Payloads are built now; when
        called from a resolver, the HTTP deliveries run right after the operation,
        before its response. Returns delivery records, also kept in ``deliveries``.
        """
        with self.lock:
            records = self._prepare_deliveries(event_type, event, issuing_principal, recipients)
        self._dispatch(records)
        return records

    def _prepare_deliveries(
        self,
        event_type: str,
        event: Mapping[str, Any],
        issuing_principal: Mapping | None,
        recipients: Iterable[dict] | None,
    ) -> list[dict]:
        """Build (under the lock) one signed-to-be delivery per subscribed webhook."""
        event_type = event_type.upper()
        records = []
        required = EVENT_PERMISSIONS.get(event_type)
        for app in list(self.apps if recipients is None else recipients):
            if not app.get("isActive"):
                continue
            if required and required not in _permission_codes(app.get("permissions")):
                continue
            for hook in app["webhooks"]:
                subscribed = {e["eventType"] for e in hook["asyncEvents"] + hook["syncEvents"]}
                if hook["isActive"] and event_type in subscribed:
                    records.append(
                        self._build_delivery(app, hook, event_type, event, issuing_principal)
                    )
        self.deliveries.extend(records)
        return records

    def _dispatch(self, records: list[dict]) -> None:
        """POST the deliveries now, or right after the running operation if inside one."""
        context = getattr(_current, "context", None)
        for record in records:
            if context is not None:
                context.defer(functools.partial(self._send_delivery, record))
            else:
                self._send_delivery(record)

    def _build_delivery(
        self, app: dict, hook: dict, event_type: str, event: Mapping, principal: Mapping | None
    ) -> dict:
        root_event = {
            "__typename": _event_typename(event_type),
            "issuedAt": _now_iso(),
            "version": SALEOR_VERSION,
            "issuingPrincipal": principal,
            "recipient": app,
            **event,
        }
        context = RequestContext(self, None, app=app)
        result = execute(
            self.schema,
            parse(hook["subscriptionQuery"]),
            root_value={"event": root_event},
            context_value=context,
            field_resolver=self._resolve_field,
            type_resolver=self._resolve_type,
        )
        record: dict[str, Any] = {
            "event": event_type,
            "url": hook["targetUrl"],
            "app": app["id"],
            "body": None,
            "status": None,
            "response": None,
            "error": None,
        }
        if result.errors:
            record["error"] = "; ".join(e.message for e in result.errors)
            return record
        record["body"] = self.webhook_body((result.data or {}).get("event"))
        return record

    def _send_delivery(self, record: dict) -> None:
        if record["body"] is None:
            return
        try:
            status, body = self.deliver_webhook(record["url"], record["event"], record["body"])
        except OSError as exc:  # Saleor would log it and retry later
            record["error"] = f"{type(exc).__name__}: {exc}"
            return
        record["status"] = status
        record["response"] = body

    def _clean_subscription_query(self, query: str) -> None:
        """saleor/graphql/webhook/subscription_query.py: SYNTAX when it does not parse,
        GRAPHQL_ERROR when Saleor's schema refuses it, MISSING_SUBSCRIPTION without one."""
        try:
            document = parse(query)
        except GraphQLError as error:
            raise _invalid("query", f"Syntax Error: {error.message}", "SYNTAX") from None
        errors = validate(self.schema, document)
        if errors:
            raise _invalid("query", errors[0].message, "GRAPHQL_ERROR")
        if not any(getattr(d, "operation", None) and d.operation.value == "subscription" for d in document.definitions):
            raise _invalid("query", "Can't find a subscription in the query.", "MISSING_SUBSCRIPTION")

    def _resolve_webhook_create(self, info: Any, input: dict) -> dict:
        """``webhookCreate`` by an app (AUTHENTICATED_APP): the webhook is the calling app's own."""
        context: RequestContext = info.context
        if context.app is None:
            context.require("MANAGE_APPS")
            raise GraphQLError("Creating webhooks for another app is not implemented in the fake.")
        if input.get("query") is not None:
            self._clean_subscription_query(input["query"])
        hook = self.add_webhook(
            context.app, input.get("targetUrl") or "", query=input.get("query") or "subscription { event { __typename } }",
            async_events=input.get("asyncEvents") or [], sync_events=input.get("syncEvents") or [],
            name=input.get("name"), is_active=input.get("isActive", True),
        )
        return {"webhook": hook}

    def _resolve_webhook_update(self, info: Any, input: dict, id: str | None = None, identifier: str | None = None) -> dict:
        """``webhookUpdate``: an app finds only its own webhooks (webhook_update.py get_instance);
        staff need MANAGE_APPS. The subscription is checked as on create."""
        context: RequestContext = info.context
        if context.app is None:
            context.require("MANAGE_APPS")
        hooks = [h for app in self.apps if context.app is None or app is context.app for h in app["webhooks"]]
        hook = next((h for h in hooks if h["id"] == id), None)
        if hook is None:
            raise _invalid("id", f"Couldn't resolve to a node: {id}", "NOT_FOUND")
        if input.get("query") is not None:
            self._clean_subscription_query(input["query"])
        with self.lock:
            for name in ("name", "targetUrl", "isActive"):
                if input.get(name) is not None:
                    hook[name] = input[name]
            if input.get("query") is not None:
                hook["subscriptionQuery"] = input["query"]
            if input.get("asyncEvents") is not None:
                hook["asyncEvents"] = [_event_object(e) for e in input["asyncEvents"]]
        return {"webhook": hook}
