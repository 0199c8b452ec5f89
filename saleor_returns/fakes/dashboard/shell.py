"""The page around every route of the double: sidebar, top bar, notifications, and the Dashboard's script."""

from __future__ import annotations

import html
import json

from saleor_returns.fakes.dashboard.routes import DOUBLE_ROOT
from saleor_returns.fakes.dashboard.urls import INSTALLED_EXTENSIONS_PATH, app_deep_url, url_join

THEMES = ("light", "dark")
LOCALES = (("en", "English"), ("zh-Hans", "简体中文"))


def render_shell(
    *,
    banner: str,
    staff: dict | None,
    heading: str,
    content: str,
    active: str,
    navigation: list[tuple[dict, dict]],
    frame: dict | None,
) -> str:
    """A whole Dashboard page: ``content`` under ``heading``; the sidebar links the apps' ``navigation``.

    ``frame`` configures the app iframe in ``content``, if any, for the page's script.
    """
    links = "".join(
        f'<a class="sub" data-extension="{html.escape(extension.get("identifier") or "")}" '
        f'href="{html.escape(DOUBLE_ROOT + app_deep_url(app["id"], extension["url"]))}">'
        f'{html.escape(extension["label"])}</a>'
        for app, extension in navigation
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
<div id="dashboard-banner" role="note">{html.escape(banner)}</div>
<div class="shell">
  <nav class="sidebar" aria-label="Dashboard">
    <div class="logo">Saleor</div>
    <a class="{'active' if active == 'home' else ''}" href="{link('/home')}">Home</a>
    <a class="{'active' if active == 'orders' else ''}" href="{link('/orders/')}">Orders</a>{links}
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
.home-widgets { flex: 1; display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 16px; }
/* HomeWidgetCell.tsx: MIN_CELL_HEIGHT 320 */
.home-cell { display: flex; flex-direction: column; padding: 12px; min-height: 320px; }
.home-cell h3 { margin: 0 0 8px; font-size: 14px; }
.home-cell #app-frame { display: block; width: 100%; height: 100%; flex: 1; border: 0; }
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
  if (frameConfig.autoHeight) frame.style.height = frameConfig.widgetDefaultHeight + "px";

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
      // appActionsHandler.ts handleExternalHostChange: newContext is window.open(to) from the Dashboard's own
      // window, outside the app frame's sandbox; without it, a confirm() and then the whole tab leaves.
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
      // IframePost listens only for widgetResize (useWidgetIframeAutoHeight), and only with autoHeight.
      if (frameConfig.autoHeight && data && data.type === "widgetResize" && data.payload && typeof data.payload.actionId === "string" &&
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
