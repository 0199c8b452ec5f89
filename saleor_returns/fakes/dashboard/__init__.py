"""A double of the Saleor Dashboard (3.23) around the app, served by FakeSaleor (browser tests, the demo shop).

``pages.install_dashboard_double(fake, staff_email=...)`` serves, under ``/dashboard-double``
(the double's mount point, like the Dashboard's ``APP_MOUNT_URI``), the routes of the
real Dashboard that lead to an app, for the signed-in staff member:

* ``/orders/`` the order list, with the apps' NAVIGATION_ORDERS items in the sidebar
  under Orders;
* ``/orders/<id>`` an order page with the apps' ORDER_DETAILS_WIDGETS (WIDGET, GET or
  POST) and a "More actions" menu of ORDER_DETAILS_MORE_ACTIONS;
* ``/home`` and ``/home/widgets`` the home page's widgets tab with the apps' HOMEPAGE_WIDGETS
  (WIDGET; POST unless ``homeWidgetTarget.method`` is GET; no mount context; in a card of at
  least 320 px; fullscreen tabs are not served);
* ``/extensions/installed`` the installed apps; ``/extensions/app/<encoded id>/<path>``
  an app page (APP_PAGE, and every deep link into an app);
* ``/apps/…`` the legacy app paths, which the real Dashboard forwards to the
  Extensions list;
* ``/token?appId=…&staff=…`` ``{"token": …}``, a fresh staff token for the app, as the
  Dashboard's ``App.accessToken``.

It reads the app's ``appUrl`` and ``extensions`` from the fake (as installed from the
manifest, or ``FakeSaleor.set_app_extensions``) and builds every iframe address with the
real Dashboard's rules (``urls.py``: url-join drops the trailing slash
and repeats query keys; an APP_PAGE ``url`` is a path inside ``appUrl``; a relative
WIDGET ``url`` is glued to ``appUrl``). The staff member is the one given at install.
The Dashboard's theme and language are its own: kept in its localStorage like the real
one's, set by its controls or by a ``#theme=dark&locale=zh-Hans`` fragment on any of its
addresses; the language reaches the app only as ``localeChanged``.

The page's script (``shell.py``) is the Dashboard's side of @saleor/app-sdk's app-bridge, as in
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
