"""The double's pages: the order list, an order with its widget and menu, the installed apps, an app page."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from urllib.parse import unquote, urlencode

from saleor_returns.fakes.dashboard.routes import DOUBLE_ROOT, HOME_WIDGETS_PATH, TOKEN_PATH, app_route, order_route
from saleor_returns.fakes.dashboard.shell import render_shell
from saleor_returns.fakes.dashboard.urls import (
    INSTALLED_EXTENSIONS_PATH,
    app_complete_url,
    app_deep_url,
    app_iframe_url,
    url_join,
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

# Stands for the Dashboard's theme in an iframe address until the page's script knows it.
THEME_MARK = "__dashboard_theme__"
# The handshake's dashboardVersion: the Dashboard release of the fake's Saleor.
DASHBOARD_VERSION = f"{SCHEMA_VERSION}.27"
TEST_BANNER = "Dashboard double — test shop, not a real Saleor"
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
            if route in ("/home", "/home/"):
                return self._home_redirect(staff)
            if route.rstrip("/") == HOME_WIDGETS_PATH:
                return self._home(request, staff)
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

    def _home_redirect(self, staff: dict) -> Response:
        # HomePage.tsx: /home goes to the widgets tab when an app has a widget there (fullscreen tabs
        # are not served by the double); without any, the Dashboard's own home is the Orders list here.
        target = HOME_WIDGETS_PATH if self._extensions(staff, "HOMEPAGE_WIDGETS") else "/orders/"
        return 302, "text/plain", b"", {**PAGE_HEADERS, "Location": DOUBLE_ROOT + target}

    def _home(self, request: PageRequest, staff: dict) -> Response:
        """The home page's widgets tab (src/home/, saleor-dashboard 3.23.27).

        ExtensionIframe.tsx mounts a HOMEPAGE_WIDGETS extension with ``options.homeWidgetTarget.method``,
        POST unless GET is asked for, at ``url`` as is when absolute, else glued to appUrl. No mount
        context: no ``orderId`` nor any id. GET is an AppFrame (target WIDGET, no params: the address
        carries ``domain``, ``saleorApiUrl``, ``id`` and ``theme`` once, resolveAppIframeUrl in
        AppIFrame) whose ``widgetResize`` action sets the frame's height (appActionsHandler.ts); POST is
        an IframePost with ``saleorApiUrl``, ``accessToken`` and ``appId`` and without autoHeight, so
        ``widgetResize`` goes unheard. Either fills its card (HomeWidgetCell: at least 320 px).
        """
        frames, config = "", None
        for app, extension in self._extensions(staff, "HOMEPAGE_WIDGETS")[:1]:
            options = extension["settings"].get("homeWidgetTarget") or {}
            if options.get("fullscreen"):
                continue
            token = self.fake.issue_staff_app_token(staff, app)
            extension_url = widget_extension_url(extension["url"], app.get("appUrl"))
            if (options.get("method") or "POST") == "POST":
                frame_url = extension_url
                fields = {"saleorApiUrl": self.fake.api_url, "accessToken": token, "appId": app["id"]}
            else:
                search = f"?{request.query_string}" if request.query_string else ""
                frame_url = app_iframe_url(app["id"], extension_url, saleor_api_url=self.fake.api_url,
                                           location_search=search, params=[("theme", THEME_MARK)])
                fields = None
            config = self._frame_config(
                request, staff, app, frame_url, target="WIDGET", token=token, core_version="", post_fields=fields,
                auto_height=False,
            )
            frames = (
                f'<section class="card home-cell" data-extension="{html.escape(extension.get("identifier") or "")}">'
                f'<h3>{html.escape(extension["label"])}</h3>{_iframe(app)}</section>'
            )
        content = f'<div class="home-widgets" data-test-id="home-widgets-grid-panel">{frames}</div>'
        return self._ok(self._shell(request, staff, heading="Home", content=content, active="home", frame=config))

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
        self, request, staff, app, frame_url, *, target, token, core_version, post_fields, auto_height=None,
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
            # A details-page widget follows widgetResize from 200 px (AppWidgetExtensionItem's autoHeight).
            "autoHeight": target == "WIDGET" if auto_height is None else auto_height,
            "widgetDefaultHeight": WIDGET_DEFAULT_HEIGHT,
            "widgetMaxHeight": WIDGET_MAX_HEIGHT,
            "themeMark": THEME_MARK,
        }

    def _ok(self, page: str) -> Response:
        return 200, "text/html; charset=utf-8", page.encode(), PAGE_HEADERS

    def _shell(self, request, staff, *, heading: str, content: str, active: str, frame: dict | None = None) -> str:
        return render_shell(
            banner=self.banner,
            staff=staff,
            heading=heading,
            content=content,
            active=active,
            navigation=self._extensions(staff, "NAVIGATION_ORDERS") if staff else [],
            frame=frame,
        )


def _iframe(app: dict) -> str:
    # Its src (or form) is set by the script, once it listens for the load that triggers the handshake.
    return (
        f'<iframe id="app-frame" name="app" data-test-id="app-frame" title="{html.escape(app.get("name") or "App")}" '
        f'sandbox="{IFRAME_SANDBOX}"></iframe>'
    )

