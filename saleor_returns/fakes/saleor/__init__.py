"""In-process fake Saleor 3.23: real schema, real tokens, real signatures, over loopback HTTP.

The double answers the app's GraphQL calls by validating and executing them against
Saleor's own SDL (``shared/saleor/schema.graphql``), so an operation that asks for a
field Saleor does not have fails exactly as it would against a real shop. Data lives in
plain dicts on the instance (``apps``, ``users``, ``orders``); root fields are answered
by resolvers registered per field, and every other field reads the dict key of the same
(camelCase) name.

Everything that crosses the wire copies what a real Saleor 3.23.28 sent or answered,
as recorded in ``shared/saleor/captures/``:

* JWTs are RS256 with the ``{"alg","kid","typ"}`` header and Saleor's claim set
  (``saleor/core/jwt.py``); the JWKS is served in the captured shape with an
  RFC 7638 thumbprint as ``kid``.
* Webhooks carry a detached, unencoded-payload JWS (RFC 7797) whose protected header
  bytes match the captured ones (compact JSON, sorted keys), Python-style JSON bodies
  (``", "`` separators) and the captured headers, in the captured order (``Host``
  without the port).
* Responses are ``{"errors", "data", "extensions": {"cost"}}`` with Saleor's error
  format (``extensions.exception.code`` is the exception class name); validation
  errors answer HTTP 400, a dead app token answers HTTP 200 with ``PermissionDenied``.

Orders are built in, as Saleor 3.23 serves them to each requestor: ``order(id)`` is
public, ``orders`` needs MANAGE_ORDERS, ``me { orders }`` lists the customer's own,
and customers cannot read an order's ``channel``, ``transactions``,
``grantedRefunds``, ``events``, ``privateMetadata`` or grant totals (asking for any
of them nulls the whole order, captures/responses/order_customer_field_access.json).
Discounts, vouchers, taxes and shipping zones are not modelled.

So are the operations of a returns app (``register_returns_resolvers``), with
Saleor's permissions, validation order and error shapes (errors in the payload,
captures/responses/error_grant_refund_*.json): granted refunds and their payment
through a simulated payment app that owns every transaction
(``payment_app_mode``, ``fail_refund_requests``, ``settle_refund``; see
``PAYMENT_APP_MODES``), legacy ``orderRefund``, returns and replacements
(``orderFulfillmentReturnProducts``; never restocking), gift cards, draft orders
(``add_variant``, ``add_shipping_method``, stock allocation on completion), stock
(``add_warehouse``, ``set_stock``, ``productVariantStocksUpdate``), metadata and
order notes. Each sends the webhooks Saleor sends, in Saleor's order.

Known differences from a real Saleor: error messages of parse/validation errors are
graphql-core 3's wording (Saleor runs graphql-core 2), ``requestedQueryCost`` uses a
small default cost map (see ``FakeSaleor.cost_map``), field-level permissions are
only enforced where a registered resolver does so, the order builders (``fulfill``,
``cancel_fulfillment``) leave stock alone, and no refund or return reason types are
configured, so any ``reasonReference`` is refused as Saleor refuses it then.

Typical use::

    with FakeSaleor() as saleor:
        app = saleor.add_app(permissions=["MANAGE_ORDERS"])
        order = saleor.add_order(lines=[{"sku": "A", "quantity": 2, "unit_price": Decimal("25.00")}])
        saleor.fulfill(order)

        @saleor.mutation("orderCancel")
        def order_cancel(info, id):
            info.context.require("MANAGE_ORDERS")
            order = saleor.lookup(id)
            order["status"] = "CANCELED"
            return {"order": order, "errors": []}

        ...  # point the app at saleor.api_url and run it
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from graphql import GraphQLSchema

from .apps import AppsMixin
from .catalog import CatalogMixin
from .common import (
    ACCESS_TOKEN_TTL,
    APP_TOKEN_LENGTH,
    AUTHENTICATED_APP,
    AUTHENTICATED_STAFF_USER,
    AUTHENTICATED_USER,
    GRAPHQL_PATH,
    JWKS_PATH,
    MAX_PAGE_SIZE,
    MAX_QUERY_COST,
    OMIT,
    PERMISSION_NAMES,
    REFRESH_TOKEN_TTL,
    SALEOR_VERSION,
    SCHEMA_VERSION,
    USER_AGENT,
    PageHandler,
    PageRequest,
    from_global_id,
    global_id,
)
from .draft_orders import DraftOrdersMixin
from .errors import InstallationError, PermissionDenied, _mutation_payload, permission_denied
from .fulfillments import FulfillmentsMixin
from .gift_cards import GiftCardsMixin
from .metadata import MetadataMixin
from .order_edits import OrderEditsMixin
from .order_queries import OrderQueriesMixin
from .orders import ORDER_LINE_KEYS, OrdersMixin
from .refunds import RefundsMixin
from .returns import ReturnsMixin
from .schema import (
    RequestContext,
    SchemaMixin,
    _default_cost_map,
    _permission_codes,
    _permission_objects,
    get_schema,
    schema_path,
)
from .server import ServerMixin, _Fault
from .stocks import StocksMixin
from .tokens import TokensMixin, _SigningKey, jwk_thumbprint
from .transactions import PAYMENT_APP_MODES, REFUND_DECLINED, TransactionsMixin
from .webhooks import EVENT_PERMISSIONS, WebhooksMixin


__all__ = [
    "OMIT",
    "ORDER_LINE_KEYS",
    "PAYMENT_APP_MODES",
    "PERMISSION_NAMES",
    "REFUND_DECLINED",
    "SALEOR_VERSION",
    "SCHEMA_VERSION",
    "FakeSaleor",
    "InstallationError",
    "PermissionDenied",
    "RequestContext",
    "from_global_id",
    "get_schema",
    "global_id",
    "jwk_thumbprint",
    "permission_denied",
    "schema_path",
]


# ------------------------------------------------------------------------------ fake


class FakeSaleor(
    SchemaMixin,
    ServerMixin,
    TokensMixin,
    AppsMixin,
    WebhooksMixin,
    OrdersMixin,
    OrderEditsMixin,
    OrderQueriesMixin,
    FulfillmentsMixin,
    ReturnsMixin,
    TransactionsMixin,
    RefundsMixin,
    GiftCardsMixin,
    DraftOrdersMixin,
    CatalogMixin,
    StocksMixin,
    MetadataMixin,
):
    """A Saleor 3.23 double served over loopback HTTP; see the module docstring.

    Arrange state with the data API (``add_app``, ``add_customer``, ``add_staff``,
    ``add_order`` and its companions ``fulfill``, ``return_lines``, ``edit_order_line``, ``cancel_order``,
    ``add_transaction``, ``add_granted_refund``, ``add_payment``, or append dicts to
    ``orders``), register root resolvers with ``query`` /
    ``mutation`` (or the ``query_resolvers`` / ``mutation_resolvers`` dicts), and
    per-type field resolvers with ``field``. All data access from the server's
    threads happens under ``lock``.
    """

    def __init__(self, *, schema: GraphQLSchema | None = None) -> None:
        self.schema = schema or get_schema()
        self.lock = threading.RLock()
        self.apps: list[dict] = []
        self.users: list[dict] = []
        self.orders: list[dict] = []
        # Catalog and store-credit data beyond what orders bring along.
        self.channels: list[dict] = []
        self.variants: list[dict] = []
        self.warehouses: list[dict] = []
        self.stocks: list[dict] = []
        self.shipping_methods: list[dict] = []
        self.gift_cards: list[dict] = []
        # The simulated payment app that owns every transaction (see PAYMENT_APP_MODES);
        # ``fail_refund_requests`` declines that many next requests whatever the mode.
        self.payment_app_mode = "success"
        self.fail_refund_requests = 0
        self.refund_failure_message = REFUND_DECLINED
        self.refund_requests: list[dict] = []
        self.requests: list[dict] = []
        self.deliveries: list[dict] = []
        self.query_resolvers: dict[str, Callable[..., Any]] = {}
        self.mutation_resolvers: dict[str, Callable[..., Any]] = {}
        self.field_resolvers: dict[tuple[str, str], Callable[..., Any]] = {}
        # {type name: {field name: {"complexity": int, "multipliers": [arg, ...]}}}.
        # Saleor's real map is larger; by default every Query field costs 1, times its
        # first/last argument, which reproduces the captured costs of app/tokenVerify.
        self.cost_map: dict[str, dict[str, dict[str, Any]]] = _default_cost_map(self.schema)
        self._faults: deque[_Fault] = deque()
        # GET /.well-known/jwks.json: how often it was fetched, and statuses to
        # answer the next fetches with instead of the keys.
        self.jwks_fetches = 0
        self._jwks_faults: deque[int] = deque()
        # Extra GET routes (path -> handler), e.g. the Dashboard double of fakes/dashboard/;
        # a path that ends with "/*" serves everything under it.
        self.pages: dict[str, PageHandler] = {}
        self._pks: dict[str, itertools.count] = {}
        self._key = _SigningKey()
        self._register_builtin_resolvers()

    def reset(self, *, data: bool = False) -> None:
        """Forget the request log, deliveries and pending faults (between tests).

        The simulated payment app goes back to answering "success", with
        ``REFUND_DECLINED`` as its failure message. With ``data=True`` also drop
        apps, users, orders and the catalog, stock and gift cards. Registered
        resolvers and the signing key are kept.
        """
        with self.lock:
            self._faults.clear()
            self._jwks_faults.clear()
            self.jwks_fetches = 0
            self.requests.clear()
            self.deliveries.clear()
            self.payment_app_mode = "success"
            self.fail_refund_requests = 0
            self.refund_failure_message = REFUND_DECLINED
            self.refund_requests.clear()
            if data:
                self.apps.clear()
                self.users.clear()
                self.orders.clear()
                for collection in (
                    self.channels,
                    self.variants,
                    self.warehouses,
                    self.stocks,
                    self.shipping_methods,
                    self.gift_cards,
                ):
                    collection.clear()

    # ------------------------------------------------------------------ built-ins

    def _register_builtin_resolvers(self) -> None:
        self.query("app")(self._resolve_app)
        self.query("me")(self._resolve_me)
        self.query("user")(self._resolve_user)
        self.mutation("tokenVerify")(self._resolve_token_verify)
        self.mutation("tokenCreate")(self._resolve_token_create)
        self.mutation("tokenRefresh")(self._resolve_token_refresh)
        self.mutation("appTokenVerify")(self._resolve_app_token_verify)
        self.field("App", "accessToken")(self._resolve_app_access_token)
        self.register_order_resolvers()
        self.register_returns_resolvers()

    def register_returns_resolvers(self) -> None:
        """(Re)register the built-in resolvers of refunds, returns, store credit and exchanges.

        Mutations ``orderGrantRefundCreate``,
        ``transactionRequestRefundForGrantedRefund``, ``orderRefund``,
        ``orderFulfillmentReturnProducts``, ``giftCardCreate``,
        ``draftOrderCreate``, ``draftOrderComplete``, ``orderDiscountAdd``,
        ``webhookCreate``, ``webhookUpdate`` (an app's own webhooks),
        ``productVariantStocksUpdate``, ``updateMetadata``,
        ``updatePrivateMetadata`` and ``orderNoteAdd``; queries ``giftCards``,
        ``productVariant`` and ``warehouses``; the guarded fields ``GiftCard.code``
        and ``ProductVariant.stocks``; ``TransactionItem.order``.
        """
        # {mutation: (resolver, the deprecated field Saleor repeats the errors in)}
        mutations = {
            "orderGrantRefundCreate": (self._resolve_grant_refund_create, None),
            "transactionRequestRefundForGrantedRefund": (
                self._resolve_request_granted_refund,
                None,
            ),
            "orderRefund": (self._resolve_order_refund, "orderErrors"),
            "orderFulfillmentReturnProducts": (self._resolve_return_products, "orderErrors"),
            "giftCardCreate": (self._resolve_gift_card_create, "giftCardErrors"),
            "draftOrderCreate": (self._resolve_draft_order_create, "orderErrors"),
            "draftOrderComplete": (self._resolve_draft_order_complete, "orderErrors"),
            "orderDiscountAdd": (self._resolve_order_discount_add, "orderErrors"),
            "webhookCreate": (self._resolve_webhook_create, "webhookErrors"),
            "webhookUpdate": (self._resolve_webhook_update, "webhookErrors"),
            "productVariantStocksUpdate": (
                self._resolve_variant_stocks_update,
                "bulkStockErrors",
            ),
            "updateMetadata": (self._resolve_update_metadata, "metadataErrors"),
            "updatePrivateMetadata": (self._resolve_update_private_metadata, "metadataErrors"),
            "orderNoteAdd": (self._resolve_order_note_add, None),
        }
        for name, (resolver, legacy_errors_field) in mutations.items():
            self.mutation(name)(_mutation_payload(resolver, legacy_errors_field))
        self.query("giftCards")(self._resolve_gift_cards)
        self.query("productVariant")(self._resolve_product_variant)
        self.field("GiftCard", "code")(self._resolve_gift_card_code)
        self.field("TransactionItem", "order")(self._resolve_transaction_order)
        self.field("ProductVariant", "stocks")(self._resolve_variant_stocks)
        self.field("Product", "variants")(self._resolve_product_variants)
        self.field("ProductVariant", "channelListings")(self._resolve_variant_channel_listings)
        self.query("warehouses")(self._resolve_warehouses)
