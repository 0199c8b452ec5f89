"""A double of the Saleor Dashboard (3.23) around the app, served by FakeSaleor (browser tests, the demo shop).

``install_dashboard_double(fake, staff_email=...)`` serves, under ``/dashboard-double``
(the double's mount point, like the Dashboard's ``APP_MOUNT_URI``), the routes of the
real Dashboard that lead to an app, for the signed-in staff member:

* ``/orders/`` the order list, with the apps' NAVIGATION_ORDERS items in the sidebar
  under Orders;
* ``/orders/<id>`` an order page with the apps' ORDER_DETAILS_WIDGETS (WIDGET, GET or
  POST) and a "More actions" menu of ORDER_DETAILS_MORE_ACTIONS;
* ``/extensions/installed`` the installed apps; ``/extensions/app/<encoded id>/<path>``
  an app page (APP_PAGE, and every deep link into an app);
* ``/apps/…`` the legacy app paths, which the real Dashboard forwards to the
  Extensions list;
* ``/token?appId=…&staff=…`` ``{"token": …}``, a fresh staff token for the app, as the
  Dashboard's ``App.accessToken``.

It reads the app's ``appUrl`` and ``extensions`` from the fake (as installed from the
manifest, or ``FakeSaleor.set_app_extensions``) and builds every iframe address with the
real Dashboard's rules (``fakes/dashboard_urls.py``: url-join drops the trailing slash
and repeats query keys; an APP_PAGE ``url`` is a path inside ``appUrl``; a relative
WIDGET ``url`` is glued to ``appUrl``). The staff member is the one given at install.
The Dashboard's theme and language are its own: kept in its localStorage like the real
one's, set by its controls or by a ``#theme=dark&locale=zh-Hans`` fragment on any of its
addresses; the language reaches the app only as ``localeChanged``.

The page's script is the Dashboard's side of @saleor/app-sdk's app-bridge, as in
saleor-dashboard 3.23.27 (``AppFrame.tsx``, ``useAppActions.ts``,
``appActionsHandler.ts``, ``useAppDashboardUpdates.ts``, ``IframePost.tsx``,
``widgetIframeResize.ts``):

* on the iframe's load: ``handshake`` (token, version 1, saleorVersion — ``""`` in a
  widget —, dashboardVersion), then ``localeChanged``, ``theme`` and ``redirect``
  ``{path}`` (in 3.23 the Dashboard's whole path, mount point included: its pattern
  never matches); every event goes to the app's origin;
* an app message counts only from the app's origin with a ``type`` and a
  ``payload.actionId``; ``notifyReady`` is answered with a second handshake;
  ``notification`` becomes a toast in ``#dashboard-notifications``; ``redirect`` and
  ``updateRouting`` change the Dashboard's route as the real one does (a legacy
  ``/apps/<id>/app/…`` path lands on the Extensions list); ``widgetResize``
  ``{height}`` sets the frame's height (a widget starts at 200 px and changes only
  so); every handled action is answered ``{type: "response", payload: {actionId, ok}}``;
  anything else is ignored;
* a POST widget gets a form with ``saleorApiUrl``, ``accessToken``, ``appId`` and the
  context, no handshake, and only ``widgetResize`` is listened to.

``window.dashboardDouble`` holds ``messages`` (what the app posted), ``token``,
``handshakes`` and ``post(type, payload)`` for tests; the redirects asked for are kept
in ``sessionStorage["dashboard-double.redirects"]``, across the navigations they cause. Served with
``Referrer-Policy: strict-origin-when-cross-origin``, the real Dashboard's: an app on
another origin (another port is enough) sees the Dashboard's origin as its referrer.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from urllib.parse import unquote, urlencode

from saleor_returns.fakes.dashboard_urls import (
    INSTALLED_EXTENSIONS_PATH,
    app_complete_url,
    app_deep_url,
    app_iframe_url,
    encode_uri_component,
    url_join,
    view_manifest_extension_path,
    widget_extension_url,
    widget_iframe_url,
)
from saleor_returns.fakes.saleor import (
    ACCESS_TOKEN_TTL,
    SALEOR_VERSION,
    SCHEMA_VERSION,
    FakeSaleor,
    PageRequest,
    _permission_codes,
)

__all__ = [
    "DASHBOARD_VERSION",
    "DOUBLE_ROOT",
    "TEST_BANNER",
    "TOKEN_PATH",
    "WIDGET_DEFAULT_HEIGHT",
    "dashboard_double_url",
    "install_dashboard_double",
]

DOUBLE_ROOT = "/dashboard-double"
TOKEN_PATH = f"{DOUBLE_ROOT}/token"
# Stands for the Dashboard's theme in an iframe address until the page's script knows it.
THEME_MARK = "__dashboard_theme__"
# The handshake's dashboardVersion: the Dashboard release of the fake's Saleor.
DASHBOARD_VERSION = f"{SCHEMA_VERSION}.27"
TEST_BANNER = "Dashboard double — test shop, not a real Saleor"
THEMES = ("light", "dark")
LOCALES = (("en", "English"), ("zh-Hans", "简体中文"))
# widgetIframeResize.ts: WIDGET_DEFAULT_HEIGHT and WIDGET_MAX_HEIGHT.
WIDGET_DEFAULT_HEIGHT = 200
WIDGET_MAX_HEIGHT = 5000
# Staff tokens live ACCESS_TOKEN_TTL (300 s); the page posts a fresh one a minute before.
TOKEN_REFRESH_SECONDS = ACCESS_TOKEN_TTL - 60
# What the Dashboard's AppIFrame and IframePost let an app iframe do.
IFRAME_SANDBOX = "allow-same-origin allow-forms allow-scripts allow-downloads allow-popups"
PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "strict-origin-when-cross-origin"}

Response = tuple[int, str, bytes, Mapping[str, str]]


def install_dashboard_double(fake: FakeSaleor, *, staff_email: str, banner: str = TEST_BANNER) -> None:
    """Serve the Dashboard double on ``fake`` for the staff member ``staff_email``."""
    double = _Double(fake, staff_email=staff_email, banner=banner)
    fake.add_page(DOUBLE_ROOT, double.serve)
    fake.add_page(f"{DOUBLE_ROOT}/*", double.serve)


def dashboard_double_url(fake: FakeSaleor, route: str = "/orders/") -> str:
    """The absolute address of a Dashboard ``route`` in the double, e.g. ``/orders/<id>``.

    Routes are the Dashboard's own (react-router paths under its mount point): put
    after the mount as they are, never url-joined.
    """
    return f"http://{fake.domain}{DOUBLE_ROOT}{route}"


def order_route(order_id: str) -> str:
    """The Dashboard's order page (``orderUrl``: the id URI-encoded)."""
    return f"/orders/{encode_uri_component(order_id)}"


class _NotFound(Exception):
    pass


class _Double:
    def __init__(self, fake: FakeSaleor, *, staff_email: str, banner: str):
        self.fake = fake
        self.staff_email = staff_email
        self.banner = banner

    # ------------------------------------------------------------------ routing

    def serve(self, request: PageRequest) -> Response:
        route = request.path[len(DOUBLE_ROOT):] or "/"
        try:
            if route == "/token":
                return self._token(request)
            staff = self._staff(request)
            if route in ("/", "/orders", "/orders/"):
                return self._orders(request, staff)
            if match := re.fullmatch(r"/orders/([^/]+)/?", route):
                return self._order(request, staff, unquote(match.group(1)))
            if route.rstrip("/") == INSTALLED_EXTENSIONS_PATH:
                return self._installed(request, staff)
            if match := re.fullmatch(r"/extensions/app/([^/]+)(/.*)?", route):
                return self._app_page(request, staff, unquote(match.group(1)), route)
            if route.startswith("/apps/") or route == "/apps":
                # The legacy app routes lead to the Extensions list (src/extensions/urls.ts LegacyAppPaths).
                location = url_join(DOUBLE_ROOT, INSTALLED_EXTENSIONS_PATH)
                return 302, "text/plain", b"", {**PAGE_HEADERS, "Location": location}
            raise _NotFound("This page does not exist in the Dashboard.")
        except _NotFound as error:
            body = self._shell(request, self._staff_or_none(request), heading="Not found",
                               content=f'<p class="not-found">{html.escape(str(error))}</p>', active="")
            return 404, "text/html; charset=utf-8", body.encode(), PAGE_HEADERS

    def _staff_or_none(self, request: PageRequest) -> dict | None:
        try:
            return self._staff(request)
        except _NotFound:
            return None

    def _staff(self, request: PageRequest) -> dict:
        email = self.staff_email
        with self.fake.lock:
            staff = next(
                (u for u in self.fake.users if u["email"] == email and u.get("isStaff") and u.get("isActive")), None
            )
        if staff is None:
            raise _NotFound(f"No active staff user {email} in this Saleor.")
        return staff

    def _apps(self) -> list[dict]:
        with self.fake.lock:
            return [app for app in self.fake.apps if app.get("isActive")]

    def _extensions(self, staff: dict, mount: str) -> list[tuple[dict, dict]]:
        """The (app, extension) pairs on ``mount`` the staff member may see (all its permissions held)."""
        held = set(_permission_codes(staff.get("userPermissions")))
        return [
            (app, extension)
            for app in self._apps()
            for extension in app.get("extensions") or []
            if extension["mountName"] == mount and set(_permission_codes(extension["permissions"])) <= held
        ]

    # ------------------------------------------------------------------ pages

    def _token(self, request: PageRequest) -> Response:
        headers = {"Cache-Control": "no-store"}
        app = self.fake.lookup(request.query.get("appId", ""))
        email = request.query.get("staff", "")
        with self.fake.lock:
            staff = next((u for u in self.fake.users if u["email"] == email and u.get("isStaff")), None)
        if app is None or app.get("__typename") != "App" or staff is None:
            body = json.dumps({"error": "appId and staff must name an installed app and a staff user."})
            return 400, "application/json", body.encode(), headers
        token = self.fake.issue_staff_app_token(staff, app)
        return 200, "application/json", json.dumps({"token": token}).encode(), headers

    def _orders(self, request: PageRequest, staff: dict) -> Response:
        with self.fake.lock:
            orders = [(o["id"], o["number"], o.get("userEmail") or "") for o in self.fake.orders]
        rows = "".join(
            f'<tr><td><a href="{html.escape(url_join(DOUBLE_ROOT, order_route(order_id)))}">#{html.escape(str(number))}'
            f"</a></td><td>{html.escape(email)}</td></tr>"
            for order_id, number, email in reversed(orders)
        )
        content = (
            '<section class="card"><table class="orders"><thead><tr><th>Number</th><th>Customer</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></section>"
        )
        return self._ok(self._shell(request, staff, heading="Orders", content=content, active="orders"))

    def _order(self, request: PageRequest, staff: dict, order_id: str) -> Response:
        order = self.fake.lookup(order_id)
        if order is None or order.get("__typename") != "Order":
            raise _NotFound("This order does not exist.")
        params = [("orderId", order_id)]
        search = f"?{request.query_string}" if request.query_string else ""
        actions = "".join(
            f'<li><a role="menuitem" data-extension="{html.escape(extension.get("identifier") or "")}" '
            f'href="{html.escape(DOUBLE_ROOT + app_deep_url(app["id"], extension["url"], dict(params)))}">'
            f'{html.escape(extension["label"])}</a></li>'
            for app, extension in self._extensions(staff, "ORDER_DETAILS_MORE_ACTIONS")
            if extension["targetName"] == "APP_PAGE"
        )
        widgets = self._extensions(staff, "ORDER_DETAILS_WIDGETS")
        frames, config = "", None
        for app, extension in widgets[:1]:  # one app frame per page is all the double needs
            post = (extension["settings"].get("widgetTarget") or {}).get("method") == "POST"
            token = self.fake.issue_staff_app_token(staff, app)
            theme = THEME_MARK
            if post:
                frame_url = widget_extension_url(extension["url"], app.get("appUrl"))
                fields = {"saleorApiUrl": self.fake.api_url, "accessToken": token, "appId": app["id"], **dict(params)}
            else:
                frame_url = widget_iframe_url(
                    app_id=app["id"], extension_url=extension["url"], app_url=app.get("appUrl"),
                    saleor_api_url=self.fake.api_url, location_search=search, theme=theme, params=params,
                )
                fields = None
            config = self._frame_config(
                request, staff, app, frame_url, target="WIDGET", token=token, core_version="", post_fields=fields,
            )
            frames = (
                f'<aside class="widget-column"><div class="card widget-box">'
                f'<h3>{html.escape(extension["label"])}</h3>{_iframe(app)}</div></aside>'
            )
        menu = (
            '<details class="more-actions"><summary aria-label="More actions">⋯</summary>'
            f'<ul role="menu">{actions}</ul></details>' if actions else ""
        )
        content = f"""
      <section class="card order-card">
        <div class="order-head"><h2>Order #{html.escape(str(order["number"]))}</h2>{menu}</div>
        <p class="muted">Order details as the Dashboard shows them: lines, payments, fulfillments.</p>
        <div class="placeholder"></div><div class="placeholder short"></div><div class="placeholder"></div>
      </section>{frames}"""
        return self._ok(self._shell(
            request, staff, heading=f"Order #{order['number']}", content=content, active="orders", frame=config,
        ))

    def _installed(self, request: PageRequest, staff: dict) -> Response:
        items = "".join(
            f'<li><a data-app="{html.escape(app["id"])}" href="{html.escape(DOUBLE_ROOT + app_route(app["id"]))}">'
            f'{html.escape(app.get("name") or "App")}</a></li>'
            for app in self._apps()
        )
        content = f'<section class="card"><ul class="installed">{items}</ul></section>'
        return self._ok(self._shell(request, staff, heading="Extensions", content=content, active="extensions"))

    def _app_page(self, request: PageRequest, staff: dict, app_id: str, route: str) -> Response:
        app = self.fake.lookup(app_id)
        if app is None or app.get("__typename") != "App":
            raise _NotFound("This app is not installed.")
        if not app.get("appUrl"):
            raise _NotFound("This app has no page (no appUrl).")
        # ViewManifestExtensionIframe + AppPage + AppIFrame: no mount params, the route's own query.
        complete = app_complete_url(route, app["appUrl"], app["id"], request.query.get("appPath"))
        search = f"?{request.query_string}" if request.query_string else ""
        frame_url = app_iframe_url(
            app["id"], complete, saleor_api_url=self.fake.api_url, location_search=search,
            params=[("theme", THEME_MARK)],
        )
        config = self._frame_config(
            request, staff, app, frame_url, target="APP_PAGE", token=self.fake.issue_staff_app_token(staff, app),
            core_version=SALEOR_VERSION, post_fields=None,
        )
        content = f'<section class="app-page">{_iframe(app)}</section>'
        return self._ok(self._shell(
            request, staff, heading=f"Apps / {app.get('name') or 'App'}", content=content, active="extensions",
            frame=config,
        ))

    # ------------------------------------------------------------------ parts

    def _frame_config(
        self, request, staff, app, frame_url, *, target, token, core_version, post_fields,
    ) -> dict:
        origin = re.match(r"^[a-z]+://[^/?#]+", frame_url)
        return {
            "appId": app["id"],
            "appOrigin": origin.group(0) if origin else "",
            "frameUrl": frame_url,
            "target": target,
            "postFields": post_fields,
            "token": token,
            "tokenUrl": f"{TOKEN_PATH}?{urlencode({'appId': app['id'], 'staff': staff['email']})}",
            "tokenRefreshSeconds": TOKEN_REFRESH_SECONDS,
            "coreVersion": core_version,
            "dashboardVersion": DASHBOARD_VERSION,
            "mountUri": DOUBLE_ROOT,
            "widgetDefaultHeight": WIDGET_DEFAULT_HEIGHT,
            "widgetMaxHeight": WIDGET_MAX_HEIGHT,
            "themeMark": THEME_MARK,
        }

    def _ok(self, page: str) -> Response:
        return 200, "text/html; charset=utf-8", page.encode(), PAGE_HEADERS

    def _shell(self, request, staff, *, heading: str, content: str, active: str, frame: dict | None = None) -> str:
        navigation = "".join(
            f'<a class="sub" data-extension="{html.escape(extension.get("identifier") or "")}" '
            f'href="{html.escape(DOUBLE_ROOT + app_deep_url(app["id"], extension["url"]))}">'
            f'{html.escape(extension["label"])}</a>'
            for app, extension in (self._extensions(staff, "NAVIGATION_ORDERS") if staff else [])
            if extension["targetName"] == "APP_PAGE"
        )
        locale_options = "".join(f'<option value="{code}">{label}</option>' for code, label in LOCALES)
        config = {"themes": THEMES, "locales": [code for code, _ in LOCALES], "frame": frame}
        link = lambda path: html.escape(url_join(DOUBLE_ROOT, path))  # noqa: E731
        return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(heading)} — Saleor Dashboard double</title>
<style>{_CSS}</style>
</head>
<body class="theme-light">
<div id="dashboard-banner" role="note">{html.escape(self.banner)}</div>
<div class="shell">
  <nav class="sidebar" aria-label="Dashboard">
    <div class="logo">Saleor</div>
    <a class="{'active' if active == 'orders' else ''}" href="{link('/orders/')}">Orders</a>{navigation}
    <a>Customers</a><a>Discounts</a>
    <a class="{'active' if active == 'extensions' else ''}" href="{link(INSTALLED_EXTENSIONS_PATH)}">Extensions</a>
    <div class="staff" title="Signed in">{html.escape(staff['email'] if staff else '')}</div>
  </nav>
  <div class="main">
    <header class="topbar">
      <h1>{html.escape(heading)}</h1>
      <div class="controls">
        <button id="dashboard-theme" type="button">Dark theme</button>
        <select id="dashboard-locale" aria-label="Dashboard language">{locale_options}</select>
        <button id="dashboard-refresh-token" type="button">Refresh token</button>
      </div>
    </header>
    <main class="content">{content}
    </main>
  </div>
</div>
<ul id="dashboard-notifications" aria-live="polite"></ul>
<script id="dashboard-config" type="application/json">{_json_for_script(config)}</script>
<script>{_JS}</script>
</body>
</html>
"""


def app_route(app_id: str, path: str = "") -> str:
    """The Dashboard route of an app page: ``/extensions/app/<encoded id>/<path inside appUrl>``."""
    base = view_manifest_extension_path(app_id)
    return url_join(base, path) if path else base


def _iframe(app: dict) -> str:
    # Its src (or form) is set by the script, once it listens for the load that triggers the handshake.
    return (
        f'<iframe id="app-frame" name="app" data-test-id="app-frame" title="{html.escape(app.get("name") or "App")}" '
        f'sandbox="{IFRAME_SANDBOX}"></iframe>'
    )


def _json_for_script(value: object) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  --bg: #f6f6f7; --panel: #ffffff; --text: #202124; --muted: #6b6f76; --line: #e2e3e6; --accent: #2563eb; }
body.theme-dark { color-scheme: dark;
  --bg: rgb(38, 40, 54); --panel: rgb(34, 36, 48); --text: #ffffff; --muted: #a1a4b5; --line: #363a4d;
  --accent: #3d8eff; }
body { background: var(--bg); color: var(--text); }
a { color: inherit; }
#dashboard-banner { background: #fde68a; color: #3b2f00; text-align: center; font-weight: 600; padding: 6px 12px;
  border-bottom: 1px solid #e0c44c; }
.shell { display: flex; min-height: calc(100vh - 33px); }
.sidebar { width: 200px; flex: none; background: var(--panel); border-right: 1px solid var(--line); padding: 16px 12px;
  display: flex; flex-direction: column; gap: 4px; }
.sidebar .logo { font-weight: 700; font-size: 18px; margin-bottom: 12px; }
.sidebar a { padding: 6px 10px; border-radius: 6px; color: var(--muted); text-decoration: none; }
.sidebar a.sub { padding-left: 24px; }
.sidebar a.active { background: var(--bg); color: var(--text); font-weight: 600; }
.sidebar .staff { margin-top: auto; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.topbar { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 12px 24px;
  border-bottom: 1px solid var(--line); background: var(--panel); }
.topbar h1 { font-size: 18px; margin: 0; }
.controls { display: flex; gap: 8px; }
.controls button, .controls select { font: inherit; padding: 4px 10px; border: 1px solid var(--line);
  border-radius: 6px; background: var(--bg); color: var(--text); cursor: pointer; }
.content { flex: 1; padding: 16px 24px; display: flex; gap: 16px; align-items: flex-start; }
.app-page { flex: 1; align-self: stretch; display: flex; }
.app-page #app-frame { flex: 1; width: 100%; min-height: calc(100vh - 200px); border: 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
.order-card { flex: 1; min-width: 0; }
.order-head { display: flex; justify-content: space-between; align-items: center; }
.order-card h2 { margin: 0 0 4px; font-size: 16px; }
.more-actions { position: relative; }
.more-actions summary { list-style: none; cursor: pointer; padding: 2px 10px; border: 1px solid var(--line);
  border-radius: 6px; }
.more-actions ul { position: absolute; right: 0; margin: 4px 0 0; padding: 4px; list-style: none;
  background: var(--panel); border: 1px solid var(--line); border-radius: 6px; min-width: 160px; z-index: 5; }
.more-actions a { display: block; padding: 6px 10px; text-decoration: none; }
.muted { color: var(--muted); }
.placeholder { height: 44px; border-radius: 6px; background: var(--bg); margin-top: 10px; }
.placeholder.short { width: 60%; }
.widget-column { width: 360px; flex: none; }
.widget-box { padding: 12px; }
.widget-box h3 { margin: 0 0 8px; font-size: 14px; }
.widget-box #app-frame { display: block; width: 100%; border: 0; }
table.orders { border-collapse: collapse; width: 100%; }
table.orders td, table.orders th { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); }
#dashboard-notifications { position: fixed; right: 16px; bottom: 16px; margin: 0; padding: 0; list-style: none;
  display: flex; flex-direction: column; gap: 8px; max-width: 380px; z-index: 10; }
#dashboard-notifications li { background: var(--panel); color: var(--text); border: 1px solid var(--line);
  border-left: 4px solid var(--accent); border-radius: 6px; padding: 10px 12px;
  box-shadow: 0 4px 12px rgb(0 0 0 / 0.15); cursor: pointer; }
#dashboard-notifications li[data-status="success"] { border-left-color: #16a34a; }
#dashboard-notifications li[data-status="warning"] { border-left-color: #d97706; }
#dashboard-notifications li[data-status="error"] { border-left-color: #dc2626; }
"""

# Plain script, no third-party code: the Dashboard's side of @saleor/app-sdk's app-bridge.
_JS = r"""
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("dashboard-config").textContent);
  // The Dashboard's own settings, kept in its localStorage; a #theme=…&locale=… fragment sets them.
  var fragment = new URLSearchParams(location.hash.slice(1));
  ["theme", "locale"].forEach(function (name) {
    var allowed = name === "theme" ? config.themes : config.locales;
    if (allowed.indexOf(fragment.get(name)) !== -1) localStorage.setItem("dashboard-double." + name, fragment.get(name));
  });
  var storedTheme = localStorage.getItem("dashboard-double.theme");
  var storedLocale = localStorage.getItem("dashboard-double.locale");
  var state = { messages: [], token: null, handshakes: 0,
                theme: config.themes.indexOf(storedTheme) !== -1 ? storedTheme : "light",
                locale: config.locales.indexOf(storedLocale) !== -1 ? storedLocale : "en" };
  window.dashboardDouble = state;
  document.body.classList.toggle("theme-dark", state.theme === "dark");
  document.body.classList.toggle("theme-light", state.theme === "light");
  document.getElementById("dashboard-theme").textContent = state.theme === "dark" ? "Light theme" : "Dark theme";
  document.getElementById("dashboard-locale").value = state.locale;

  // url-join 4.0.1, as the Dashboard joins every app URL.
  function urlJoin() {
    var parts = Array.prototype.slice.call(arguments);
    if (parts[0].match(/^[^/:]+:\/*$/) && parts.length > 1) { var first = parts.shift(); parts[0] = first + parts[0]; }
    parts[0] = parts[0].match(/^file:\/\/\//) ? parts[0].replace(/^([^/:]+):\/*/, "$1:///")
                                             : parts[0].replace(/^([^/:]+):\/*/, "$1://");
    var result = [];
    for (var i = 0; i < parts.length; i++) {
      var component = parts[i];
      if (component === "") continue;
      if (i > 0) component = component.replace(/^[\/]+/, "");
      if (i < parts.length - 1) component = component.replace(/[\/]+$/, "");
      else component = component.replace(/[\/]+$/, "/");
      result.push(component);
    }
    var str = result.join("/").replace(/\/(\?|&|#[^!])/g, "$1");
    var split = str.split("?");
    return split.shift() + (split.length > 0 ? "?" : "") + split.join("&");
  }

  function toast(payload) {
    var item = document.createElement("li");
    item.textContent = (payload.title || "") + (payload.text ? " — " + payload.text : "");
    item.setAttribute("data-status", payload.status || "info");
    if (payload.apiMessage) item.title = payload.apiMessage;
    item.addEventListener("click", function () { item.remove(); });
    document.getElementById("dashboard-notifications").appendChild(item);
  }

  document.getElementById("dashboard-theme").addEventListener("click", function (event) {
    state.theme = state.theme === "dark" ? "light" : "dark";
    localStorage.setItem("dashboard-double.theme", state.theme);
    document.body.classList.toggle("theme-dark", state.theme === "dark");
    document.body.classList.toggle("theme-light", state.theme === "light");
    event.target.textContent = state.theme === "dark" ? "Light theme" : "Dark theme";
    if (state.post && state.handshakeDone) state.post("theme", { theme: state.theme });
  });
  document.getElementById("dashboard-locale").addEventListener("change", function (event) {
    state.locale = event.target.value;
    localStorage.setItem("dashboard-double.locale", state.locale);
    if (state.post && state.handshakeDone) state.post("localeChanged", { locale: state.locale });
  });

  var frameConfig = config.frame;
  if (!frameConfig) return;
  var frame = document.getElementById("app-frame");
  var appId = frameConfig.appId;
  // The theme in the iframe's address is the one when the frame was made (AppIFrame's themeRef).
  var frameUrl = frameConfig.frameUrl.split(frameConfig.themeMark).join(state.theme);
  state.token = frameConfig.token;

  function post(type, payload) { frame.contentWindow.postMessage({ type: type, payload: payload }, frameConfig.appOrigin); }
  state.post = post;
  function respond(actionId, ok) { post("response", { actionId: actionId, ok: ok }); }

  function handshake() {
    state.handshakes += 1;
    post("handshake", { token: state.token, version: 1, saleorVersion: frameConfig.coreVersion,
                        dashboardVersion: frameConfig.dashboardVersion });
  }

  function applyHeight(height) {
    if (!(typeof height === "number" && isFinite(height) && height > 0)) return;
    frame.style.height = Math.min(Math.ceil(height), frameConfig.widgetMaxHeight) + "px";
  }
  if (frameConfig.target === "WIDGET") frame.style.height = frameConfig.widgetDefaultHeight + "px";

  // ExtensionsUrls.isAppDeepUrlChange, given window.location.pathname (mount URI included):
  // note the app id encoded twice, as the Dashboard does.
  function isAppDeepUrlChange(from, to) {
    var appPath = "/extensions/app/" + encodeURIComponent(encodeURIComponent(appId));
    var legacyPath = urlJoin("/apps/", appId, "app");
    return (to.indexOf(appPath) === 0 || to.indexOf(legacyPath) === 0) &&
           (from.indexOf(appPath) === 0 || from.indexOf(legacyPath) === 0);
  }

  // For tests and people: every redirect asked for, kept across the navigations it causes.
  function logRedirect(to, newContext) {
    var log = JSON.parse(sessionStorage.getItem("dashboard-double.redirects") || "[]");
    log.push({ to: to, newContext: Boolean(newContext) });
    sessionStorage.setItem("dashboard-double.redirects", JSON.stringify(log));
  }

  function handleRedirect(payload) {
    var to = String(payload.to || "");
    logRedirect(to, payload.newContext);
    if (isAppDeepUrlChange(location.pathname, to)) {
      var legacyPath = urlJoin("/apps/", appId, "app");
      var exact = to.indexOf(legacyPath) === 0
        ? urlJoin(frameConfig.mountUri, urlJoin("/extensions/app", encodeURIComponent(appId), to.replace(legacyPath, "")) + "?")
        : urlJoin(frameConfig.mountUri, to);
      if (payload.newContext) window.open(exact); else history.pushState(null, "", exact);
      return true;
    }
    if (to.charAt(0) === "/") {
      if (payload.newContext) window.open(urlJoin(frameConfig.mountUri, to));
      // useNavigator: a router push of `to` as it is (under the mount point), no url-join
      else setTimeout(function () { location.assign(frameConfig.mountUri + to); }, 0);
      return true;
    }
    var external;
    try { external = new URL(to).host !== location.host; } catch (error) { return false; }
    if (external) {
      if (payload.newContext) { window.open(to); return true; }
      if (window.confirm("You are about to leave the Dashboard. Do you want to continue?")) {
        location.href = to; return true;
      }
      return false;
    }
    return false;
  }

  function handleAction(data) {
    var payload = data.payload;
    switch (data.type) {
      case "notification": toast(payload); return true;
      case "redirect": return handleRedirect(payload);
      case "updateRouting":
        var exact = urlJoin(frameConfig.mountUri, "/extensions/app/" + encodeURIComponent(appId), String(payload.newRoute));
        if (location.pathname !== exact) history.pushState(null, "", exact);
        return true;
      case "notifyReady": handshake(); state.handshakeDone = true; return true;
      case "widgetResize": applyHeight(payload.height); return true;
      case "refreshEntity": return true;
      default: return undefined;  // unknown actions get no answer
    }
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== frameConfig.appOrigin || event.source !== frame.contentWindow) return;
    var data = event.data;
    state.messages.push(data);
    if (frameConfig.postFields) {
      // IframePost listens only for widgetResize (useWidgetIframeAutoHeight).
      if (data && data.type === "widgetResize" && data.payload && typeof data.payload.actionId === "string" &&
          typeof data.payload.height === "number" && isFinite(data.payload.height) && data.payload.height > 0) {
        applyHeight(data.payload.height);
        respond(data.payload.actionId, true);
      }
      return;
    }
    if (!data || !data.type || !data.payload || !data.payload.actionId) return;
    var ok = handleAction(data);
    if (ok !== undefined) respond(data.payload.actionId, ok);
  });

  frame.addEventListener("load", function () {
    if (frameConfig.postFields) { state.handshakeDone = true; return; }
    handshake();
    state.handshakeDone = true;
    post("localeChanged", { locale: state.locale });
    post("theme", { theme: state.theme });
    // useAppDashboardUpdates: resolveAppDeepPathFromDashboardUrl(location.pathname, appId), whose
    // pattern (the id encoded twice, and a trailing "?") never matches: the whole Dashboard path.
    var pattern = "/extensions/app/" + encodeURIComponent(encodeURIComponent(appId)) + "?";
    post("redirect", { path: location.pathname.replace(pattern, "") || "/" });
  });

  function refreshToken() {
    return fetch(frameConfig.tokenUrl, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body.token || body.token === state.token) return;
        state.token = body.token;
        if (state.handshakeDone) post("tokenRefresh", { token: body.token });
      });
  }
  document.getElementById("dashboard-refresh-token").addEventListener("click", refreshToken);
  setInterval(refreshToken, frameConfig.tokenRefreshSeconds * 1000);

  if (frameConfig.postFields) {
    var form = document.createElement("form");
    form.method = "POST";
    form.action = frameUrl;
    form.target = "app";
    Object.keys(frameConfig.postFields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = frameConfig.postFields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  } else {
    frame.src = frameUrl;
  }
})();
"""
