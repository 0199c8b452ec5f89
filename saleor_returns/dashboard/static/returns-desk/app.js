// The returns desk: one page app, no build step. Routes map to page modules in
// ./pages/, each exporting `render(ctx)`.

import { Api, ApiError } from "./api.js";
import { Bridge } from "./bridge.js";
import { locale, normalizeLocale, setLocale, t } from "./i18n.js";
import { banner, clear, h, spinner } from "./ui.js";

const config = JSON.parse(document.getElementById("desk-config").textContent);
const BASE = config.basePath; // "/dashboard/"
const DASHBOARD_PARAMS = ["id", "saleorApiUrl", "theme", "locale", "domain"];

const ROUTES = [
  { name: "list", pattern: /^$/, module: "list", nav: "returns" },
  { name: "overview", pattern: /^overview\/?$/, module: "overview", nav: "overview" },
  { name: "returners", pattern: /^returners\/?$/, module: "returners", nav: "returners" },
  { name: "analytics", pattern: /^analytics\/?$/, module: "analytics", nav: "analytics" },
  // The KPI review: outside the nav, Analytics links to it (?from=&to=&channel=).
  { name: "review", pattern: /^review\/?$/, module: "review", nav: "analytics" },
  { name: "settings", pattern: /^settings\/?$/, module: "settings", nav: "settings" },
  { name: "create", pattern: /^returns\/new\/?$/, module: "create", nav: "returns" },
  { name: "detail", pattern: /^returns\/(?<id>[^/]+)\/?$/, module: "detail", nav: "returns" },
  { name: "widget", pattern: /^widgets\/order\/?$/, module: "widget", chrome: false },
  { name: "home-widget", pattern: /^widgets\/home\/?$/, module: "home-widget", chrome: false },
];

const bridge = new Bridge({ initialToken: config.accessToken || null });
if (config.saleorApiUrl && !bridge.state.saleorApiUrl) bridge.state.saleorApiUrl = config.saleorApiUrl;
if (config.appId && !bridge.state.id) bridge.state.id = config.appId;
const api = new Api({ endpoint: config.apiUrl, bridge, language: () => locale() });

// Which staff actions the signed-in staff member lacks permissions for ({action: [missing]}),
// asked once per page load; the API refuses them anyway.
const STAFF_ACTIONS = "query ViewerActions { viewer { actions { action missing } } }";
let staffActions = null;

function loadStaffActions() {
  if (!staffActions) {
    staffActions = api.query(STAFF_ACTIONS)
      .then((data) => Object.fromEntries(data.viewer.actions.map((entry) => [entry.action, entry.missing])))
      .catch(() => {
        staffActions = null;
        return {};
      });
  }
  return staffActions;
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme === "dark" ? "dark" : "light";
  document.documentElement.style.colorScheme = theme === "dark" ? "dark" : "light";
}

// "/dashboard/" → "dashboard": what pages of the first manifest repeated after the base.
const LEGACY_PREFIX = new RegExp(`^${BASE.replace(/^\/|\/$/g, "")}(?:/+|$)`);

// The desk's path under BASE ("" for the list), or null outside the desk. The Dashboard
// asks without the trailing slash (/dashboard?…), and shops that installed the first
// manifest still ask for /dashboard/dashboard/… and /dashboard//dashboard/widgets/order/.
export function deskPath(pathname) {
  let rest;
  if (pathname === BASE.slice(0, -1)) rest = "";
  else if (pathname.startsWith(BASE)) rest = pathname.slice(BASE.length);
  else return null;
  return rest.replace(/^\/+/, "").replace(LEGACY_PREFIX, "");
}

function match(pathname) {
  const rest = deskPath(pathname);
  if (rest === null) return null;
  for (const route of ROUTES) {
    const found = rest.match(route.pattern);
    if (found) return { ...route, params: found.groups || {} };
  }
  return null;
}

// Keeps the Dashboard's parameters (shop, app id, theme, locale) on every desk URL.
export function deskUrl(path, query = {}) {
  const url = new URL(path.startsWith("/") ? path : BASE + path, window.location.origin);
  const current = new URL(window.location.href).searchParams;
  for (const name of DASHBOARD_PARAMS) {
    if (current.has(name)) url.searchParams.set(name, current.get(name));
  }
  url.searchParams.set("theme", bridge.state.theme);
  url.searchParams.set("locale", locale());
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  return url.pathname + url.search;
}

function appRoute() {
  const url = new URL(window.location.href);
  for (const name of DASHBOARD_PARAMS) url.searchParams.delete(name);
  const rest = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length - 1) : url.pathname;
  return rest + url.search;
}

// Rewrites the desk URL (filters, tabs) without drawing the page again, and
// tells the Dashboard, so a reload or the way back keeps them.
export function replaceRoute(path, query = {}) {
  const target = deskUrl(path, query);
  if (window.location.pathname + window.location.search === target) return;
  window.history.replaceState({}, "", target);
  bridge.updateRouting(appRoute());
}

export function navigate(path, query = {}, { replace = false } = {}) {
  const target = deskUrl(path, query);
  if (replace) window.history.replaceState({}, "", target);
  else window.history.pushState({}, "", target);
  render();
  bridge.updateRouting(appRoute());
}

// Sends the user to a page of the Saleor Dashboard, e.g. the order.
export function openInDashboard(path) {
  return bridge.redirect(path);
}

function chrome(route) {
  const links = [
    ["returns", "", t("nav.returns")],
    ["overview", "overview/", t("nav.overview")],
    ["returners", "returners/", t("nav.returners")],
    ["analytics", "analytics/", t("nav.analytics")],
    ["settings", "settings/", t("nav.settings")],
  ];
  return h(
    "header",
    { class: "desk-header" },
    h("a", { class: "skip-link", href: "#main" }, "Skip to content"),
    h(
      "nav",
      { class: "desk-nav", "aria-label": t("nav.returns") },
      links.map(([key, path, label]) =>
        h(
          "a",
          {
            href: deskUrl(BASE + path),
            class: route && route.nav === key ? "nav-link active" : "nav-link",
            "aria-current": route && route.nav === key ? "page" : null,
            "data-nav": key,
            onclick: (event) => {
              if (event.metaKey || event.ctrlKey || event.shiftKey) return;
              event.preventDefault();
              navigate(BASE + path);
            },
          },
          label,
        ),
      ),
    ),
    config.demo ? h("span", { class: "badge badge-demo", title: t("app.demo") }, t("app.demo")) : null,
  );
}

let renderCount = 0;
let cleanup = null;
const root = document.getElementById("app");

export function describeError(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) return t("common.unauthorized", { message: error.message });
    if (error.status === 0) return t("common.networkError");
    if (error.message === "server") return t("common.serverError");
    return error.message;
  }
  return String(error && error.message ? error.message : error);
}

export async function render() {
  const ticket = ++renderCount;
  if (cleanup) {
    try {
      cleanup();
    } catch (error) {
      // a page's cleanup failing must not stop the next page
    }
    cleanup = null;
  }
  const route = match(window.location.pathname);
  const main = h("main", { id: "main", class: "desk-main", tabindex: "-1" });
  const parts = route && route.chrome === false ? [main] : [chrome(route), main];
  document.body.classList.toggle("widget", Boolean(route && route.chrome === false));
  clear(root, ...parts);
  if (!route) {
    clear(main, banner("error", t("app.notFound")));
    return;
  }
  if (!bridge.state.ready) {
    // Nothing but the Dashboard can hand over the token; without its origin nothing is believed.
    if (!bridge.connected) {
      clear(main, banner("info", t("app.notFramed")));
      return;
    }
    clear(main, spinner());
    await bridge.whenReady();
    if (ticket !== renderCount) return;
  }
  clear(main, spinner());
  const lacking = route.chrome === false ? {} : await loadStaffActions();
  if (ticket !== renderCount) return;
  const ctx = {
    root: main,
    route,
    params: route.params,
    query: new URL(window.location.href).searchParams,
    api,
    bridge,
    config,
    navigate,
    replaceRoute,
    deskUrl,
    openInDashboard,
    describeError,
    // The permissions the staff member lacks for an action ("resolve:REFUND", "settings", …).
    missing: (action) => lacking[action] || [],
    refresh: render,
    isCurrent: () => ticket === renderCount,
  };
  try {
    const page = await import(`./pages/${route.module}.js`);
    if (ticket !== renderCount) return;
    const result = await page.render(ctx);
    if (typeof result === "function") cleanup = result;
  } catch (error) {
    if (ticket !== renderCount) return;
    clear(main, banner("error", t("common.errorTitle"), describeError(error)));
  }
  if (ticket === renderCount && route.chrome !== false && document.activeElement === document.body) {
    const heading = main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }
}

function start() {
  // The desk names its pages with a trailing slash, whatever the Dashboard asked for, and
  // keeps a POST mount's context (orderId) in its URL like a GET mount's.
  const rest = deskPath(window.location.pathname);
  const url = new URL(window.location.href);
  if (rest !== null) url.pathname = BASE + (rest && !rest.endsWith("/") ? `${rest}/` : rest);
  for (const [name, value] of Object.entries(config.context || {})) {
    if (!url.searchParams.has(name)) url.searchParams.set(name, value);
  }
  if (url.href !== window.location.href) window.history.replaceState({}, "", url.pathname + url.search);
  applyTheme(bridge.state.theme);
  setLocale(normalizeLocale(bridge.state.locale));
  bridge.subscribe("theme", ({ theme }) => applyTheme(theme));
  bridge.subscribe("localeChanged", ({ locale: code }) => {
    setLocale(code);
    render();
  });
  // The Dashboard's "redirect" event after the handshake is not followed: the frame's own
  // URL already names the page, and in 3.23 the event carries the Dashboard's whole path
  // (its mount point included), not a path inside the app.
  window.addEventListener("popstate", () => render());
  bridge.notifyReady();
  render();
}

start();
