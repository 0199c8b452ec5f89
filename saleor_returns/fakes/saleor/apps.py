"""Apps, their tokens and extensions, and installation from a manifest."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .common import (
    AUTHENTICATED_APP,
    AUTHENTICATED_STAFF_USER,
    SCHEMA_VERSION,
    USER_AGENT,
    _from_global_id_or_error,
    _new_app_token,
    _now_iso,
    global_id,
)
from .errors import InstallationError, permission_denied
from .schema import RequestContext, _permission_objects
from .server import _http_request


class AppsMixin:
    def add_app(
        self,
        identifier: str = "saleor.returns",
        name: str = "Returns",
        permissions: Iterable[str] = ("MANAGE_ORDERS",),
        *,
        is_active: bool = True,
        **fields: Any,
    ) -> dict:
        """Install an app directly; returns its dict with ``id`` and a fresh ``token``.

        Extra keyword arguments are stored as App fields (camelCase), e.g.
        ``appUrl=...``, ``version=...``.
        """
        token = _new_app_token()
        pk = self.next_pk("App")
        app = {
            "__typename": "App",
            "id": global_id("App", pk),
            "identifier": identifier,
            "name": name,
            "isActive": is_active,
            "type": "THIRDPARTY",
            "permissions": _permission_objects(permissions),
            "created": _now_iso(),
            "metadata": [],
            "privateMetadata": [],
            "extensions": [],
            "breakerState": "CLOSED",
            "tokens": [],
            "webhooks": [],
            "token": token,
            "_auth_tokens": [],
        }
        app.update(fields)
        self._attach_app_token(app, token, "Default token")
        with self.lock:
            self.apps.append(app)
        return app

    def set_app_extensions(self, app: dict, extensions: Iterable[Mapping], *, app_url: str | None = None) -> None:
        """Store a manifest's ``extensions`` on ``app`` as Saleor keeps them (``App.extensions``).

        Saleor upper-cases mount and target (default target POPUP) and keeps the
        manifest's ``options`` as ``settings`` (saleor/app/installation_utils.py).
        ``app_url`` sets ``appUrl`` too, for apps added without a manifest.
        """
        stored = []
        for extension in extensions:
            stored.append({
                "__typename": "AppExtension",
                "id": self.new_id("AppExtension"),
                "identifier": extension.get("identifier"),
                "label": extension["label"],
                "url": extension["url"],
                "mountName": extension["mount"].upper(),
                "targetName": (extension.get("target") or "POPUP").upper(),
                "permissions": _permission_objects(extension.get("permissions", [])),
                "settings": dict(extension.get("options") or {}),
            })
        with self.lock:
            app["extensions"] = stored
            if app_url is not None:
                app["appUrl"] = app_url

    def add_app_token(self, app: dict, name: str | None = None) -> str:
        """Create one more token for ``app`` (like ``appTokenCreate``)."""
        token = _new_app_token()
        with self.lock:
            self._attach_app_token(app, token, name)
        return token

    def _attach_app_token(self, app: dict, token: str, name: str | None) -> None:
        app["_auth_tokens"].append(token)
        app["tokens"].append(
            {
                "__typename": "AppToken",
                "id": self.new_id("AppToken"),
                "name": name,
                "authToken": token[-4:],  # Saleor keeps only the last 4 characters
            }
        )

    def delete_app(self, app: dict, *, notify: bool = True) -> list[dict]:
        """Remove ``app``: its tokens die at once (``appDelete``).

        With ``notify`` (the default) APP_DELETED is sent to every subscribed webhook,
        including the deleted app's own, as the captures show. Returns the deliveries.
        """
        with self.lock:
            recipients = [a for a in self.apps if a is not app] + [app]
            records = []
            if notify:
                records = self._prepare_deliveries("APP_DELETED", {"app": app}, None, recipients)
            if app in self.apps:
                self.apps.remove(app)
            app["_auth_tokens"] = []
            app["_removed"] = True
        # Sent outside the lock so the receiving app may call back into the fake.
        self._dispatch(records)
        return records

    def _app_by_token(self, token: str) -> dict | None:
        with self.lock:
            for app in self.apps:
                if app.get("isActive") and token in app["_auth_tokens"]:
                    return app
        return None

    # ------------------------------------------------------------------ installation

    def fetch_manifest(self, url: str, *, timeout: float = 20.0) -> tuple[int, bytes]:
        """GET the app manifest with Saleor's headers; returns ``(status, body)``."""
        headers = {"User-Agent": USER_AGENT, "Saleor-Schema-Version": SCHEMA_VERSION}
        return _http_request("GET", url, headers, None, timeout)

    def install_app(
        self, token_target_url: str, app: Mapping, *, timeout: float = 20.0
    ) -> tuple[int, bytes]:
        """POST ``{"auth_token": ...}`` to the app's tokenTargetUrl, unsigned, as Saleor does."""
        body = json.dumps({"auth_token": app["token"]}).encode()
        headers = {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json",
            "X-Saleor-Domain": self.domain,
            "Saleor-Domain": self.domain,
            "Saleor-Api-Url": self.api_url,
            "Saleor-Schema-Version": SCHEMA_VERSION,
        }
        return _http_request("POST", token_target_url, headers, body, timeout)

    def install_from_manifest(
        self, manifest_url: str, *, permissions: Iterable[str] | None = None
    ) -> dict:
        """``appInstall``: fetch the manifest, create the app and its webhooks, hand over the token.

        ``permissions`` defaults to the manifest's. A non-2xx answer from
        tokenTargetUrl (or a network error) deletes the app and raises
        ``InstallationError``, as Saleor fails the installation.
        """
        status, body = self.fetch_manifest(manifest_url)
        if not 200 <= status < 300:
            raise InstallationError(f"Manifest GET answered HTTP {status}")
        manifest = json.loads(body)
        for required in ("id", "name", "version"):
            if not manifest.get(required):
                raise InstallationError(f"Manifest lacks '{required}'")
        with self.lock:
            if any(a.get("identifier") == manifest["id"] for a in self.apps):
                raise InstallationError(f"App {manifest['id']} is already installed")
        app = self.add_app(
            identifier=manifest["id"],
            extensions=[],
            name=manifest["name"],
            permissions=manifest.get("permissions", []) if permissions is None else permissions,
            version=manifest["version"],
            manifestUrl=manifest_url,
            appUrl=manifest.get("appUrl"),
            aboutApp=manifest.get("about"),
            author=manifest.get("author"),
            homepageUrl=manifest.get("homepageUrl"),
            supportUrl=manifest.get("supportUrl"),
            dataPrivacyUrl=manifest.get("dataPrivacyUrl"),
            audience=manifest.get("audience"),
            tokenTargetUrl=manifest.get("tokenTargetUrl"),
        )
        try:
            self.set_app_extensions(app, manifest.get("extensions", []))
            for webhook in manifest.get("webhooks", []):
                self.add_webhook(
                    app,
                    webhook["targetUrl"],
                    query=webhook["query"],
                    async_events=webhook.get("asyncEvents", []),
                    sync_events=webhook.get("syncEvents", []),
                    name=webhook.get("name"),
                    is_active=webhook.get("isActive", True),
                )
            if manifest.get("tokenTargetUrl"):
                status, _ = self.install_app(manifest["tokenTargetUrl"], app)
                if not 200 <= status < 300:
                    raise InstallationError(f"tokenTargetUrl answered HTTP {status}")
        except (InstallationError, OSError, ValueError, KeyError) as exc:
            self.delete_app(app, notify=False)
            if isinstance(exc, InstallationError):
                raise
            raise InstallationError(f"{type(exc).__name__}: {exc}") from exc
        return app

    def _resolve_app(self, info: Any, id: str | None = None) -> dict | None:
        context: RequestContext = info.context
        # Saleor's PermissionsField(AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP).
        context.require(AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP)
        app = context.app
        if app is not None:
            if not id or id == app["id"]:
                return app
            if not context.has_perm("MANAGE_APPS"):
                raise permission_denied("MANAGE_APPS")
        if not id:
            return None
        _from_global_id_or_error(id, "App")
        found = self.lookup(id)
        return found if found is not None and found.get("__typename") == "App" else None

    def _resolve_app_token_verify(self, info: Any, token: str) -> dict:
        return {"valid": self._app_by_token(token) is not None, "errors": [], "appErrors": []}

    def _resolve_app_access_token(self, app: dict, info: Any) -> str | None:
        # Staff-only: the Dashboard's thirdparty token for this app and user.
        context: RequestContext = info.context
        if context.app is not None or not context.is_staff:
            return None
        return self.issue_staff_app_token(context.user, app)
