"""The double's own addresses: its mount point, its token endpoint and the Dashboard routes it serves."""

from __future__ import annotations

from saleor_returns.fakes.dashboard.urls import encode_uri_component, url_join, view_manifest_extension_path
from saleor_returns.fakes.saleor import FakeSaleor

DOUBLE_ROOT = "/dashboard-double"
TOKEN_PATH = f"{DOUBLE_ROOT}/token"
# src/home/urls.ts homeWidgetsUrl: the home page's tab of HOMEPAGE_WIDGETS widgets.
HOME_WIDGETS_PATH = "/home/widgets"


def dashboard_double_url(fake: FakeSaleor, route: str = "/orders/") -> str:
    """The absolute address of a Dashboard ``route`` in the double, e.g. ``/orders/<id>``.

    Routes are the Dashboard's own (react-router paths under its mount point): put
    after the mount as they are, never url-joined.
    """
    return f"http://{fake.domain}{DOUBLE_ROOT}{route}"


def order_route(order_id: str) -> str:
    """The Dashboard's order page (``orderUrl``: the id URI-encoded)."""
    return f"/orders/{encode_uri_component(order_id)}"


def app_route(app_id: str, path: str = "") -> str:
    """The Dashboard route of an app page: ``/extensions/app/<encoded id>/<path inside appUrl>``."""
    base = view_manifest_extension_path(app_id)
    return url_join(base, path) if path else base

