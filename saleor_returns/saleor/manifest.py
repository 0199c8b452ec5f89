"""The Saleor App manifest, served at /api/manifest.

Every URL comes from APP_PUBLIC_URL: Saleor sends `Host` without the port, so
URLs rebuilt from the request would point nowhere.
"""

from django.conf import settings

from saleor_returns import __version__
from saleor_returns.saleor.documents import document

APP_IDENTIFIER = "saleor.returns"

# What the app does in Saleor, and why it needs each permission.
PERMISSIONS = [
    "MANAGE_ORDERS",  # read orders, grant refunds, mark returns, notes, metadata, draft orders
    "HANDLE_PAYMENTS",  # request the refund of a granted refund
    "MANAGE_GIFT_CARD",  # store credit
    "MANAGE_PRODUCTS",  # restock returned goods, read variants for exchanges
    # follow the staff member each API key answers to (STAFF_* webhooks, `user(id)`),
    # so a key dies when its creator leaves or loses a permission it holds
    "MANAGE_STAFF",
]


APP_URL_PATH = "/dashboard/"

# The Saleor events the app subscribes to, by the Saleor-Event header's value (lower case):
# (subscription operation in graphql/saleor/, Saleor's event type). webhooks/saleor/ handles each.
WEBHOOK_EVENTS = {
    "app_deleted": ("AppDeletedSubscription", "APP_DELETED"),
    "order_created": ("OrderCreatedSubscription", "ORDER_CREATED"),
    "order_refunded": ("OrderRefundedSubscription", "ORDER_REFUNDED"),
    # Also each cancellation and expiry of an order (Saleor sends ORDER_UPDATED with ORDER_CANCELLED
    # and ORDER_EXPIRED: saleor/order/actions.py WEBHOOK_EVENTS_FOR_ORDER_CANCELED, order/tasks.py).
    "order_updated": ("OrderUpdatedSubscription", "ORDER_UPDATED"),
    "order_fully_paid": ("OrderFullyPaidSubscription", "ORDER_FULLY_PAID"),
    # These need the app's MANAGE_STAFF; without it Saleor sends none and the periodic check revokes.
    "staff_updated": ("StaffUpdatedSubscription", "STAFF_UPDATED"),
    "staff_deleted": ("StaffDeletedSubscription", "STAFF_DELETED"),
    "permission_group_updated": ("PermissionGroupUpdatedSubscription", "PERMISSION_GROUP_UPDATED"),
    "permission_group_deleted": ("PermissionGroupDeletedSubscription", "PERMISSION_GROUP_DELETED"),
}


def absolute(path: str) -> str:
    return settings.APP_PUBLIC_URL + path


# How the Dashboard (3.23) turns an extension's `url` into the iframe's address
# (src/extensions/urls.ts, AppWidgetExtensionItem.tsx; shared/specs/saleor.md §j):
# - APP_PAGE: the URL must start with "/" and is joined to `appUrl` with url-join,
#   so it is a path *inside* appUrl: "/" is the desk's list, not the app's origin.
# - WIDGET: a relative URL is glued on as f"{appUrl}{url}" (a double slash after
#   "/dashboard/"), so the widget gets an absolute URL, used as it is.
def desk_page_url(path: str) -> str:
    """An APP_PAGE extension `url` for the desk page at `path` (relative to appUrl)."""
    return "/" + path.lstrip("/")


def desk_widget_url(path: str) -> str:
    """A WIDGET extension `url`: the desk page at `path`, absolute."""
    return absolute(APP_URL_PATH + path.lstrip("/"))


def build_manifest() -> dict:
    return {
        "id": APP_IDENTIFIER,
        "name": "Returns",
        "version": __version__,
        "about": (
            "Returns management for Saleor: return policy and eligibility, customer return requests, "
            "review, return labels and tracking, inspection, refunds exactly once, store credit, "
            "exchanges, claims and return analytics."
        ),
        "author": "saleor-returns",
        "permissions": PERMISSIONS,
        # fractionalAmount/fractionDigits, read for exact money, arrived in 3.22.
        "requiredSaleorVersion": ">=3.22",
        "appUrl": absolute(APP_URL_PATH),
        "tokenTargetUrl": absolute("/api/register"),
        "dataPrivacyUrl": settings.APP_DATA_PRIVACY_URL or absolute("/privacy/"),
        "homepageUrl": settings.APP_HOMEPAGE_URL or absolute("/"),
        "supportUrl": settings.APP_SUPPORT_URL or absolute("/support/"),
        "webhooks": [
            {
                "name": event.replace("_", "-"),
                "targetUrl": absolute(f"/webhooks/saleor/{event.replace('_', '-')}/"),
                "asyncEvents": [enum_name],
                "query": document(operation),
                "isActive": True,
            }
            for event, (operation, enum_name) in WEBHOOK_EVENTS.items()
        ],
        "extensions": [
            {
                "identifier": "returns-list",
                "label": "Returns",
                "mount": "NAVIGATION_ORDERS",
                "target": "APP_PAGE",
                "url": desk_page_url("/"),
                "permissions": ["MANAGE_ORDERS"],
            },
            {
                "identifier": "order-create-return",
                "label": "Create return",
                "mount": "ORDER_DETAILS_MORE_ACTIONS",
                "target": "APP_PAGE",
                "url": desk_page_url("returns/new/"),
                "permissions": ["MANAGE_ORDERS"],
            },
            {
                "identifier": "order-returns-widget",
                "label": "Returns",
                "mount": "ORDER_DETAILS_WIDGETS",
                "target": "WIDGET",
                "url": desk_widget_url("widgets/order/"),
                "permissions": ["MANAGE_ORDERS"],
                "options": {"widgetTarget": {"method": "GET"}},
            },
            {
                # The Dashboard's home page (3.23, src/home/ExtensionIframe.tsx) mounts a widget with
                # homeWidgetTarget.method, POST by default: a form of saleorApiUrl, accessToken and appId,
                # with no handshake, so no theme or language. GET is an app-bridge frame like the order
                # widget's: the handshake brings the token, then the theme and the language follow.
                # No context (no orderId); widgetResize sets its height.
                "identifier": "home-returns-widget",
                "label": "Returns",
                "mount": "HOMEPAGE_WIDGETS",
                "target": "WIDGET",
                "url": desk_widget_url("widgets/home/"),
                "permissions": ["MANAGE_ORDERS"],
                "options": {"homeWidgetTarget": {"method": "GET"}},
            },
        ],
    }
