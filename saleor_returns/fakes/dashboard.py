"""The Saleor Dashboard's frame around an app page, served by FakeSaleor (browser tests, the demo shop).

``install_dashboard_double(fake)`` adds two GET routes to a running FakeSaleor:

* ``/dashboard-double/?app=<absolute app page URL>&appId=<App id>&staff=<staff e-mail>``
  (optional ``theme``, ``locale``, ``mode=page|widget``, ``orderId``): a page with
  Dashboard-like chrome around an iframe (``#app-frame``, name ``app``) that loads the
  app page with the query the Dashboard adds (``id``, ``saleorApiUrl``, ``theme``,
  ``locale``, and ``orderId`` when given). ``mode=widget`` shows the app as an order
  details widget: a narrow box whose height follows ``saleor:widget:resize``.
* ``/dashboard-double/token?appId=...&staff=...``: ``{"token": ...}``, a fresh staff
  token for the app, as the Dashboard's ``App.accessToken``.

The page speaks the app-bridge protocol of @saleor/app-sdk as the Dashboard does: on
iframe load it posts ``handshake`` with a token minted by
``FakeSaleor.issue_staff_app_token`` (targetOrigin: the app's origin), answers each
action (``notifyReady``, ``notification``, ``redirect``, ``updateRouting``) with a
``response``, and posts ``theme``, ``localeChanged`` and ``tokenRefresh`` from its
controls (``tokenRefresh`` also every four minutes, before the token expires). It never
navigates: notifications become toasts in ``#dashboard-notifications``
(``<li data-status="success">title — text</li>``), redirects are listed in
``#dashboard-redirects`` and the reported route is shown in ``#dashboard-route``.
Controls: ``#dashboard-theme`` (button), ``#dashboard-locale`` (select: en, zh-Hans),
``#dashboard-refresh-token`` (button). ``window.dashboardDouble`` holds ``messages``
(every message the app posted), ``token``, ``handshakes`` and ``post(type, payload)``
for tests.

The page is served with ``Referrer-Policy: origin``: apps believe only messages from
the origin of ``document.referrer``, so the app must run on another origin than the
fake (another port is enough) and see the fake's origin as its referrer.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from saleor_returns.fakes.saleor import (
    ACCESS_TOKEN_TTL,
    SALEOR_VERSION,
    SCHEMA_VERSION,
    FakeSaleor,
    from_global_id,
)

__all__ = [
    "DASHBOARD_VERSION",
    "DOUBLE_PATH",
    "TEST_BANNER",
    "TOKEN_PATH",
    "app_frame_url",
    "dashboard_double_url",
    "install_dashboard_double",
]

DOUBLE_PATH = "/dashboard-double/"
TOKEN_PATH = "/dashboard-double/token"
# The handshake's dashboardVersion: the Dashboard release of the fake's Saleor.
DASHBOARD_VERSION = f"{SCHEMA_VERSION}.0"
TEST_BANNER = "Dashboard double — test shop, not a real Saleor"
THEMES = ("light", "dark")
LOCALES = (("en", "English"), ("zh-Hans", "简体中文"))
MODES = ("page", "widget")
# Staff tokens live ACCESS_TOKEN_TTL (300 s); the page posts a fresh one a minute before.
TOKEN_REFRESH_SECONDS = ACCESS_TOKEN_TTL - 60
# What the Dashboard's AppFrame lets an app iframe do.
IFRAME_SANDBOX = "allow-same-origin allow-forms allow-scripts allow-downloads"

Response = tuple[int, str, bytes, Mapping[str, str]]


def install_dashboard_double(fake: FakeSaleor, *, banner: str = TEST_BANNER) -> None:
    """Serve the Dashboard double on ``fake``; ``banner`` is shown across the top of the page."""
    fake.add_page(DOUBLE_PATH, lambda query: _double_page(fake, query, banner))
    fake.add_page(TOKEN_PATH, lambda query: _token(fake, query))


def dashboard_double_url(
    fake: FakeSaleor,
    *,
    app_url: str,
    app_id: str,
    staff_email: str,
    theme: str = "light",
    locale: str = "en",
    mode: str = "page",
    order_id: str | None = None,
) -> str:
    """The double page showing ``app_url`` (absolute) to the staff user ``staff_email``.

    Parameters at their defaults are left out, and URLs stay readable, since people
    open this address from the log of ``make run``.
    """
    params = {"app": app_url, "appId": app_id, "staff": staff_email}
    params.update((name, value) for name, value, default in (
        ("theme", theme, "light"), ("locale", locale, "en"), ("mode", mode, "page"), ("orderId", order_id, None)
    ) if value and value != default)
    return f"http://{fake.domain}{DOUBLE_PATH}?{urlencode(params, safe=':/@')}"


def app_frame_url(
    app_url: str, *, app_id: str, saleor_api_url: str, theme: str, locale: str, order_id: str | None = None
) -> str:
    """``app_url`` with the query the Dashboard adds to an app's iframe (kept: the app's own query)."""
    parts = urlsplit(app_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [("id", app_id), ("saleorApiUrl", saleor_api_url), ("theme", theme), ("locale", locale)]
    if order_id:
        query.append(("orderId", order_id))
    return urlunsplit(parts._replace(query=urlencode(query)))


# --------------------------------------------------------------------------- routes


class _BadRequest(Exception):
    pass


def _find_app_and_staff(fake: FakeSaleor, query: Mapping[str, str]) -> tuple[dict, dict]:
    app_id = query.get("appId", "")
    email = query.get("staff", "")
    if not app_id or not email:
        raise _BadRequest("appId and staff are required.")
    app = fake.lookup(app_id)
    if app is None or app.get("__typename") != "App":
        raise _BadRequest(f"No app {app_id} is installed in this fake Saleor.")
    with fake.lock:
        staff = next(
            (u for u in fake.users if u["email"] == email and u.get("isStaff") and u.get("isActive")), None
        )
    if staff is None:
        raise _BadRequest(f"No active staff user {email} in this fake Saleor.")
    return app, staff


def _token(fake: FakeSaleor, query: Mapping[str, str]) -> Response:
    headers = {"Cache-Control": "no-store"}
    try:
        app, staff = _find_app_and_staff(fake, query)
    except _BadRequest as error:
        return 400, "application/json", json.dumps({"error": str(error)}).encode(), headers
    token = fake.issue_staff_app_token(staff, app)
    return 200, "application/json", json.dumps({"token": token}).encode(), headers


def _double_page(fake: FakeSaleor, query: Mapping[str, str], banner: str) -> Response:
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "origin"}
    try:
        app, staff = _find_app_and_staff(fake, query)
        app_url = query.get("app", "")
        app_parts = urlsplit(app_url)
        if app_parts.scheme not in ("http", "https") or not app_parts.netloc:
            raise _BadRequest("app must be the absolute URL of the app page.")
        theme = query.get("theme", "light")
        locale = query.get("locale", "en")
        mode = query.get("mode", "page")
        if theme not in THEMES or mode not in MODES:
            raise _BadRequest(f"theme is one of {THEMES}, mode one of {MODES}.")
    except _BadRequest as error:
        body = f"<!doctype html><title>Bad request</title><p>{html.escape(str(error))}</p>"
        return 400, "text/html; charset=utf-8", body.encode(), headers
    order_id = query.get("orderId") or None
    config = {
        "appOrigin": f"{app_parts.scheme}://{app_parts.netloc}",
        "frameUrl": app_frame_url(
            app_url, app_id=app["id"], saleor_api_url=fake.api_url, theme=theme, locale=locale, order_id=order_id
        ),
        "tokenUrl": f"{TOKEN_PATH}?{urlencode({'appId': app['id'], 'staff': staff['email']})}",
        "token": fake.issue_staff_app_token(staff, app),
        "tokenRefreshSeconds": TOKEN_REFRESH_SECONDS,
        "theme": theme,
        "locale": locale,
        "mode": mode,
        "saleorVersion": SALEOR_VERSION,
        "dashboardVersion": DASHBOARD_VERSION,
    }
    page = _render(
        config=config, banner=banner, app_name=app.get("name") or "App", staff_email=staff["email"],
        order_title=_order_title(fake, order_id),
    )
    return 200, "text/html; charset=utf-8", page.encode(), headers


def _order_title(fake: FakeSaleor, order_id: str | None) -> str:
    if not order_id:
        return ""
    order = fake.lookup(order_id)
    if order is not None:
        return f"Order #{order['number']}"
    try:
        from_global_id(order_id)
    except ValueError:
        return "Order"
    return "Order (not in this shop)"


# --------------------------------------------------------------------------- page


def _json_for_script(value: object) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _render(*, config: dict, banner: str, app_name: str, staff_email: str, order_title: str) -> str:
    mode = config["mode"]
    frame = (
        f'<iframe id="app-frame" name="app" title="{html.escape(app_name)}" '
        f'sandbox="{IFRAME_SANDBOX}"></iframe>'
    )  # its src is set by the script, once it listens for the load that triggers the handshake
    if mode == "widget":
        content = f"""
      <section class="card order-card">
        <h2>{html.escape(order_title or "Order")}</h2>
        <p class="muted">Order details as the Dashboard shows them: lines, payments, fulfillments.</p>
        <div class="placeholder"></div><div class="placeholder short"></div><div class="placeholder"></div>
      </section>
      <aside class="widget-column">
        <div class="card widget-box"><h3>{html.escape(app_name)}</h3>{frame}</div>
      </aside>"""
        heading = order_title or "Order"
    else:
        content = f'<section class="app-page">{frame}</section>'
        heading = f"Apps / {app_name}"
    locale_options = "".join(
        f'<option value="{code}"{" selected" if code == config["locale"] else ""}>{label}</option>'
        for code, label in LOCALES
    )
    theme_label = "Light theme" if config["theme"] == "dark" else "Dark theme"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(heading)} — Saleor Dashboard double</title>
<style>{_CSS}</style>
</head>
<body class="theme-{config['theme']} mode-{mode}">
<div id="dashboard-banner" role="note">{html.escape(banner)}</div>
<div class="shell">
  <nav class="sidebar" aria-label="Dashboard">
    <div class="logo">Saleor</div>
    <a>Home</a><a>Products</a><a class="{'active' if mode == 'widget' else ''}">Orders</a>
    <a>Customers</a><a>Discounts</a><a class="{'active' if mode == 'page' else ''}">Apps</a>
    <div class="staff" title="Signed in">{html.escape(staff_email)}</div>
  </nav>
  <div class="main">
    <header class="topbar">
      <h1>{html.escape(heading)}</h1>
      <div class="controls">
        <button id="dashboard-theme" type="button">{theme_label}</button>
        <select id="dashboard-locale" aria-label="Dashboard language">{locale_options}</select>
        <button id="dashboard-refresh-token" type="button">Refresh token</button>
      </div>
    </header>
    <main class="content">{content}
    </main>
    <footer class="log">
      <div>App route: <code id="dashboard-route"></code></div>
      <div>Redirects asked for: <ul id="dashboard-redirects"></ul></div>
    </footer>
  </div>
</div>
<ul id="dashboard-notifications" aria-live="polite"></ul>
<script id="dashboard-config" type="application/json">{_json_for_script(config)}</script>
<script>{_JS}</script>
</body>
</html>
"""


_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  --bg: #f6f6f7; --panel: #ffffff; --text: #202124; --muted: #6b6f76; --line: #e2e3e6; --accent: #2563eb; }
body.theme-dark { color-scheme: dark;
  --bg: #111316; --panel: #1c1f24; --text: #e8eaed; --muted: #9aa0a6; --line: #2e333a; --accent: #7aa2ff; }
body { background: var(--bg); color: var(--text); }
#dashboard-banner { background: #fde68a; color: #3b2f00; text-align: center; font-weight: 600; padding: 6px 12px;
  border-bottom: 1px solid #e0c44c; }
.shell { display: flex; min-height: calc(100vh - 33px); }
.sidebar { width: 200px; flex: none; background: var(--panel); border-right: 1px solid var(--line); padding: 16px 12px;
  display: flex; flex-direction: column; gap: 4px; }
.sidebar .logo { font-weight: 700; font-size: 18px; margin-bottom: 12px; }
.sidebar a { padding: 6px 10px; border-radius: 6px; color: var(--muted); }
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
.app-page #app-frame { flex: 1; width: 100%; min-height: calc(100vh - 200px); border: 0; border-radius: 8px;
  background: var(--panel); }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
.order-card { flex: 1; min-width: 0; }
.order-card h2 { margin: 0 0 4px; font-size: 16px; }
.muted { color: var(--muted); }
.placeholder { height: 44px; border-radius: 6px; background: var(--bg); margin-top: 10px; }
.placeholder.short { width: 60%; }
.widget-column { width: 360px; flex: none; }
.widget-box { padding: 12px; }
.widget-box h3 { margin: 0 0 8px; font-size: 14px; }
.widget-box #app-frame { display: block; width: 100%; height: 200px; border: 0; }
.log { border-top: 1px solid var(--line); padding: 8px 24px; font-size: 12px; color: var(--muted);
  display: flex; gap: 24px; }
.log ul { display: inline; margin: 0; padding: 0; list-style: none; }
.log li { display: inline; margin-right: 8px; }
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
  var frame = document.getElementById("app-frame");
  var ACTIONS = ["notifyReady", "notification", "redirect", "updateRouting"];
  var state = { messages: [], token: config.token, theme: config.theme, locale: config.locale, handshakes: 0 };
  window.dashboardDouble = state;

  function post(type, payload) {
    frame.contentWindow.postMessage({ type: type, payload: payload }, config.appOrigin);
  }
  state.post = post;

  function appendItem(listId, text, attributes) {
    var item = document.createElement("li");
    item.textContent = text;
    Object.keys(attributes || {}).forEach(function (name) { item.setAttribute(name, attributes[name]); });
    document.getElementById(listId).appendChild(item);
    return item;
  }

  frame.addEventListener("load", function () {
    state.handshakes += 1;
    post("handshake", { token: state.token, version: 1, saleorVersion: config.saleorVersion,
                        dashboardVersion: config.dashboardVersion });
  });

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== config.appOrigin) return;
    var data = event.data;
    if (!data || typeof data !== "object") return;
    state.messages.push(data);
    if (data.type === "saleor:widget:resize") {
      if (config.mode === "widget" && data.height > 0) frame.style.height = Math.ceil(data.height) + "px";
      return;
    }
    if (ACTIONS.indexOf(data.type) === -1) return;
    var payload = data.payload || {};
    if (data.type === "notification") {
      var text = payload.title || "";
      if (payload.text) text += " — " + payload.text;
      var toast = appendItem("dashboard-notifications", text, { "data-status": payload.status || "info" });
      if (payload.apiMessage) toast.title = payload.apiMessage;
      toast.addEventListener("click", function () { toast.remove(); });
    } else if (data.type === "redirect") {
      var newContext = String(Boolean(payload.newContext));
      appendItem("dashboard-redirects", String(payload.to), { "data-new-context": newContext });
    } else if (data.type === "updateRouting") {
      document.getElementById("dashboard-route").textContent = String(payload.newRoute);
    }
    post("response", { actionId: payload.actionId, ok: true });
  });

  document.getElementById("dashboard-theme").addEventListener("click", function (event) {
    state.theme = state.theme === "dark" ? "light" : "dark";
    document.body.classList.toggle("theme-dark", state.theme === "dark");
    document.body.classList.toggle("theme-light", state.theme === "light");
    event.target.textContent = state.theme === "dark" ? "Light theme" : "Dark theme";
    post("theme", { theme: state.theme });
  });

  document.getElementById("dashboard-locale").addEventListener("change", function (event) {
    state.locale = event.target.value;
    post("localeChanged", { locale: state.locale });
  });

  function refreshToken() {
    return fetch(config.tokenUrl, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body.token) return;
        state.token = body.token;
        post("tokenRefresh", { token: body.token });
      });
  }
  document.getElementById("dashboard-refresh-token").addEventListener("click", refreshToken);
  // Tokens live five minutes; like the Dashboard, hand the app a new one before that.
  setInterval(refreshToken, config.tokenRefreshSeconds * 1000);

  frame.src = config.frameUrl;
})();
"""
