// App-bridge: the conversation with the Saleor Dashboard that frames the desk.
//
// The Dashboard opens the desk in an iframe with ?id=&saleorApiUrl=&theme=&locale=
// and posts {type: "handshake", payload: {token, version}}; later "tokenRefresh",
// "theme", "localeChanged" and "redirect" events, and a "response" to every
// action the desk dispatches. Only messages from the Dashboard's origin (the
// referrer of this frame) are believed. The token lives in memory only: no
// cookie, no storage.

const EVENTS = ["handshake", "tokenRefresh", "theme", "localeChanged", "redirect", "response"];
const RESPONSE_TIMEOUT_MS = 1000;

function actionId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

function originOf(url) {
  try {
    return url ? new URL(url).origin : null;
  } catch (error) {
    return null;
  }
}

export class Bridge {
  constructor({ location = window.location, referrer = document.referrer, initialToken = null } = {}) {
    const params = new URL(location.href).searchParams;
    this.params = params;
    this.state = {
      id: params.get("id") || "",
      saleorApiUrl: params.get("saleorApiUrl") || "",
      theme: params.get("theme") === "dark" ? "dark" : "light",
      locale: params.get("locale") || "en",
      token: initialToken,
      ready: Boolean(initialToken),
      dashboardVersion: null,
      saleorVersion: null,
    };
    this.dashboardOrigin = originOf(referrer);
    this.framed = window.parent && window.parent !== window;
    this.listeners = Object.fromEntries(EVENTS.map((name) => [name, new Set()]));
    this._readyWaiters = [];
    this._onMessage = this._onMessage.bind(this);
    window.addEventListener("message", this._onMessage);
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
    const data = event.data;
    if (!data || typeof data !== "object" || !EVENTS.includes(data.type)) return;
    const payload = data.payload || {};
    switch (data.type) {
      case "handshake":
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

  // Posts an action to the Dashboard; resolves when it answers (or after a second).
  dispatch(type, payload = {}) {
    if (!this.framed) return Promise.resolve(false);
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
      window.parent.postMessage(message, "*");
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

  // `to` is a Dashboard path such as /orders/<id>, or an absolute URL.
  redirect(to, newContext = false) {
    return this.dispatch("redirect", { to, newContext });
  }

  updateRouting(newRoute) {
    return this.dispatch("updateRouting", { newRoute });
  }

  reportHeight(height) {
    if (!this.framed || !(height > 0) || !Number.isFinite(height)) return;
    window.parent.postMessage({ type: "saleor:widget:resize", height: Math.ceil(height) }, "*");
  }
}
