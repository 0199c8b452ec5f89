// App-bridge: the conversation with the Saleor Dashboard that frames the desk,
// in the protocol of @saleor/app-sdk (app-bridge/actions.ts, events.ts).
//
// The Dashboard opens the desk in an iframe with ?domain=&saleorApiUrl=&id=&theme=
// (keys may come twice) and posts {type: "handshake", payload: {token, version,
// saleorVersion, dashboardVersion}} on the iframe's load and again after the desk's
// notifyReady; then "localeChanged", "theme" and "redirect", later "tokenRefresh",
// and a "response" {actionId, ok} to every action the desk dispatches. Actions are
// {type, payload: {..., actionId}}; the Dashboard ignores a message without an
// actionId.
//
// Only messages from the Dashboard's origin are believed, and every message is
// posted to that origin alone. The origin is the referrer of this frame (the
// Dashboard's page, kept across origins by the default referrer policy); the desk
// moves between its pages with the History API, so the referrer stays. Without it
// the desk believes nothing and says so. The token lives in memory only: no
// cookie, no storage.

const EVENTS = ["handshake", "tokenRefresh", "theme", "localeChanged", "redirect", "response"];
const RESPONSE_TIMEOUT_MS = 1000;

function actionId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

function originOf(url) {
  try {
    const origin = url ? new URL(url).origin : null;
    return origin && origin !== "null" ? origin : null;
  } catch (error) {
    return null;
  }
}

// The Dashboard's origin: the referrer's, unless that is the desk itself (a page
// reloaded inside the frame no longer knows who framed it).
export function dashboardOriginFrom(referrer, ownOrigin) {
  const origin = originOf(referrer);
  return origin && origin !== ownOrigin ? origin : null;
}

export class Bridge {
  constructor({ location = window.location, referrer = document.referrer, initialToken = null } = {}) {
    const params = new URL(location.href).searchParams;
    this.params = params;
    this.state = {
      id: params.get("id") || "",
      saleorApiUrl: params.get("saleorApiUrl") || "",
      theme: params.get("theme") === "dark" ? "dark" : "light",
      // The Dashboard sends the language only as a localeChanged event; the desk's
      // own links carry it so that a reload inside the frame keeps it.
      locale: params.get("locale") || "en",
      token: initialToken,
      ready: Boolean(initialToken),
      dashboardVersion: null,
      saleorVersion: null,
    };
    this.dashboardOrigin = dashboardOriginFrom(referrer, new URL(location.href).origin);
    this.framed = window.parent && window.parent !== window;
    this.listeners = Object.fromEntries(EVENTS.map((name) => [name, new Set()]));
    this._readyWaiters = [];
    this._lastHeight = null;
    this._onMessage = this._onMessage.bind(this);
    window.addEventListener("message", this._onMessage);
  }

  // Whether the Dashboard can talk to this page at all (framed, its origin known).
  get connected() {
    return Boolean(this.framed && this.dashboardOrigin);
  }

  // Resolves with the token once the Dashboard has handed it over.
  whenReady() {
    if (this.state.ready) return Promise.resolve(this.state.token);
    return new Promise((resolve) => this._readyWaiters.push(resolve));
  }

  get token() {
    return this.state.token;
  }

  subscribe(type, callback) {
    this.listeners[type].add(callback);
    return () => this.listeners[type].delete(callback);
  }

  _onMessage(event) {
    if (!this.dashboardOrigin || event.origin !== this.dashboardOrigin) return;
    if (this.framed && event.source !== window.parent) return;
    const data = event.data;
    if (!data || typeof data !== "object" || !EVENTS.includes(data.type)) return;
    const payload = data.payload || {};
    switch (data.type) {
      case "handshake":
        // Sent twice per load (iframe load, then after notifyReady): the later token wins.
        if (typeof payload.token !== "string" || !payload.token) return;
        this.state.token = payload.token;
        this.state.ready = true;
        this.state.saleorVersion = payload.saleorVersion || null;
        this.state.dashboardVersion = payload.dashboardVersion || null;
        this._readyWaiters.splice(0).forEach((resolve) => resolve(payload.token));
        break;
      case "tokenRefresh":
        if (typeof payload.token !== "string" || !payload.token) return;
        this.state.token = payload.token;
        break;
      case "theme":
        if (payload.theme !== "dark" && payload.theme !== "light") return;
        this.state.theme = payload.theme;
        break;
      case "localeChanged":
        if (typeof payload.locale !== "string") return;
        this.state.locale = payload.locale;
        break;
      default:
        break;
    }
    this.listeners[data.type].forEach((callback) => callback(payload));
  }

  // Posts an action to the Dashboard; resolves with its `ok` (false after a second unanswered).
  dispatch(type, payload = {}) {
    if (!this.connected) return Promise.resolve(false);
    const id = actionId();
    const message = { type, payload: { ...payload, actionId: id } };
    return new Promise((resolve) => {
      let timer = null;
      const unsubscribe = this.subscribe("response", (response) => {
        if (response.actionId !== id) return;
        unsubscribe();
        clearTimeout(timer);
        resolve(Boolean(response.ok));
      });
      timer = setTimeout(() => {
        unsubscribe();
        resolve(false);
      }, RESPONSE_TIMEOUT_MS);
      window.parent.postMessage(message, this.dashboardOrigin);
    });
  }

  notifyReady() {
    return this.dispatch("notifyReady", {});
  }

  notify(status, title, text = "", apiMessage = undefined) {
    const payload = { status, title, text };
    if (apiMessage) payload.apiMessage = apiMessage;
    return this.dispatch("notification", payload);
  }

  // `to` is a Dashboard path (/orders/<id>, /extensions/app/<id>/<path>) or an absolute URL.
  redirect(to, newContext = false) {
    return this.dispatch("redirect", { to, newContext });
  }

  updateRouting(newRoute) {
    return this.dispatch("updateRouting", { newRoute });
  }

  // app-sdk's WidgetResize: sent when the height changes, and only then.
  reportHeight(height) {
    if (!(height > 0) || !Number.isFinite(height)) return Promise.resolve(false);
    const rounded = Math.ceil(height);
    if (rounded === this._lastHeight) return Promise.resolve(true);
    this._lastHeight = rounded;
    return this.dispatch("widgetResize", { height: rounded });
  }
}
