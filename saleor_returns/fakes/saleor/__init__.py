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

import base64
import datetime
import functools
import gzip
import hashlib
import http.client
import itertools
import json
import os
import re
import secrets
import socket
import string
import threading
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from babel import Locale
from babel.numbers import get_currency_precision
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from graphql import (
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    execute,
    get_named_type,
    get_operation_ast,
    is_non_null_type,
    parse,
    validate,
)
from graphql.execution.values import get_argument_values
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
)

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

SALEOR_VERSION = "3.23.28"
SCHEMA_VERSION = "3.23"
USER_AGENT = f"Saleor/{SCHEMA_VERSION}"
MAX_QUERY_COST = 50000  # GRAPHQL_QUERY_MAX_COMPLEXITY, echoed as maximumAvailable

ACCESS_TOKEN_TTL = 300  # JWT_TTL_ACCESS and JWT_TTL_APP_ACCESS: 5 minutes
REFRESH_TOKEN_TTL = 30 * 24 * 3600  # JWT_TTL_REFRESH: 30 days

# Names Saleor stores for each PermissionEnum value (the models' Meta.permissions);
# they come back as `Permission.name`, e.g. in captures/responses/app_self_*.json.
PERMISSION_NAMES = {
    "MANAGE_USERS": "Manage customers.",
    "MANAGE_STAFF": "Manage staff.",
    "IMPERSONATE_USER": "Impersonate user.",
    "MANAGE_APPS": "Manage apps",
    "MANAGE_OBSERVABILITY": "Manage observability",
    "MANAGE_CHECKOUTS": "Manage checkouts",
    "HANDLE_CHECKOUTS": "Handle checkouts",
    "HANDLE_TAXES": "Handle taxes",
    "MANAGE_TAXES": "Manage taxes",
    "MANAGE_CHANNELS": "Manage channels.",
    "MANAGE_CUSTOMER_TYPES_AND_ATTRIBUTES": "Manage customer types and attributes.",
    "MANAGE_DISCOUNTS": "Manage promotions and vouchers.",
    "MANAGE_GIFT_CARD": "Manage gift cards.",
    "MANAGE_MENUS": "Manage navigation.",
    "MANAGE_ORDERS": "Manage orders.",
    "MANAGE_ORDERS_IMPORT": "Manage orders import.",
    "MANAGE_PAGES": "Manage pages.",
    "MANAGE_PAGE_TYPES_AND_ATTRIBUTES": "Manage page types and attributes.",
    "HANDLE_PAYMENTS": "Handle payments",
    "MANAGE_PLUGINS": "Manage plugins",
    "MANAGE_PRODUCTS": "Manage products.",
    "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES": "Manage product types and attributes.",
    "MANAGE_SHIPPING": "Manage shipping.",
    "MANAGE_SETTINGS": "Manage settings.",
    "MANAGE_TRANSLATIONS": "Manage translations.",
}

# Authorization filters Saleor lists next to real permissions in PermissionDenied.
AUTHENTICATED_APP = "AUTHENTICATED_APP"
AUTHENTICATED_STAFF_USER = "AUTHENTICATED_STAFF_USER"
AUTHENTICATED_USER = "AUTHENTICATED_USER"

APP_TOKEN_LENGTH = 30
_TOKEN_ALPHABET = string.ascii_letters + string.digits

GRAPHQL_PATH = "/graphql/"
JWKS_PATH = "/.well-known/jwks.json"



@dataclass(frozen=True)
class PageRequest:
    """A GET to an added page: its path, its query (raw, and the first value of each key), its headers."""

    path: str
    query_string: str
    query: Mapping[str, str]
    headers: Mapping[str, str]


# An added GET route: the request in; status, content type, body and extra headers out.
PageHandler = Callable[[PageRequest], tuple[int, str, bytes, Mapping[str, str]]]


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()
"""Pass as a claim override to leave that claim out of an issued token."""


# --------------------------------------------------------------------------- schema

_schemas: dict[Path, GraphQLSchema] = {}
_schemas_lock = threading.Lock()


def schema_path() -> Path:
    """Saleor's SDL: ``$SALEOR_SCHEMA``, else ``<repo>/../shared/saleor/schema.graphql``."""
    configured = os.environ.get("SALEOR_SCHEMA")
    if configured:
        return Path(configured).resolve()
    repo_root = Path(__file__).resolve().parents[3]
    return (repo_root / ".." / "shared" / "saleor" / "schema.graphql").resolve()


def get_schema(path: Path | str | None = None) -> GraphQLSchema:
    """Build Saleor's schema once per process (about 1.5 s) and reuse it."""
    resolved = Path(path).resolve() if path else schema_path()
    with _schemas_lock:
        schema = _schemas.get(resolved)
        if schema is None:
            schema = build_schema(resolved.read_text(encoding="utf-8"))
            _schemas[resolved] = schema
        return schema


# ------------------------------------------------------------------------ global ids


def global_id(type_name: str, pk: Any) -> str:
    """Saleor's (graphene's) global ID: base64 of ``"Type:pk"``, e.g. ``VXNlcjo5``."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(value: str) -> tuple[str, str]:
    """Split a global ID into ``(type, pk)``; raise ``ValueError`` if it is not one."""
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"Couldn't resolve id: {value}.") from exc
    type_name, sep, pk = decoded.partition(":")
    if not sep or not type_name or not pk:
        raise ValueError(f"Couldn't resolve id: {value}.")
    return type_name, pk


def _from_global_id_or_error(value: str, only_type: str) -> str:
    """Like Saleor's ``from_global_id_or_error``: a GraphQL error on a bad or foreign ID."""
    try:
        type_name, pk = from_global_id(value)
    except ValueError as exc:
        raise GraphQLError(str(exc)) from exc
    if type_name != only_type:
        raise GraphQLError(f"Must receive a {only_type} id.")
    return pk


# ---------------------------------------------------------------------------- errors


class PermissionDenied(Exception):
    """Saleor's ``core.exceptions.PermissionDenied``.

    Raised from a resolver it becomes a top-level GraphQL error with
    ``extensions.exception.code == "PermissionDenied"`` and the field set to null,
    answered with HTTP 200 (captures/responses/app_self_with_deleted_app_token.json).
    """

    def __init__(self, message: str | None = None, *, permissions: Iterable[str] = ()):
        self.permissions = list(permissions)
        if not message:
            if self.permissions:
                message = (
                    "To access this path, you need one of the following permissions: "
                    + ", ".join(self.permissions)
                )
            else:
                message = "You do not have permission to perform this action"
        super().__init__(message)


def permission_denied(*permissions: str, message: str | None = None) -> PermissionDenied:
    """Build the error Saleor raises when the requestor lacks all of ``permissions``.

    Use as ``raise permission_denied("MANAGE_ORDERS")``.
    """
    return PermissionDenied(message, permissions=permissions)


def _format_error(error: GraphQLError | str) -> dict[str, Any]:
    """Render an error the way Saleor's ``graphql.utils.format_error`` does (DEBUG off).

    ``extensions.exception.code`` is the class name of the innermost original error,
    so a resolver raising ``PermissionDenied`` reports ``"PermissionDenied"`` and a
    validation error reports ``"GraphQLError"``.
    """
    if isinstance(error, str):
        # Saleor formats a bare string for unparsable bodies; its "class" is str.
        return {"message": error, "extensions": {"exception": {"code": "str"}}}
    result: dict[str, Any] = {"message": error.message}
    if error.locations:
        result["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        result["path"] = list(error.path)
    extensions = dict(error.extensions or {})
    original: BaseException = error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    extensions["exception"] = {"code": type(original).__name__}
    result["extensions"] = extensions
    return result


class InstallationError(Exception):
    """``install_from_manifest`` failed; Saleor deletes the app in that case too."""


# ------------------------------------------------------------------------------ keys


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_to_b64url(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of an RSA JWK: what Saleor uses as ``kid``."""
    canonical = json.dumps(
        {"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
    )
    return _b64url(hashlib.sha256(canonical.encode()).digest())


class _SigningKey:
    """One RSA-2048 key with its public JWK in the exact shape Saleor serves."""

    def __init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self.private_key.public_key().public_numbers()
        # Key order as in captures/jwks.json (PyJWT's to_jwk, then use/kid/alg).
        self.jwk: dict[str, Any] = {
            "kty": "RSA",
            "key_ops": ["verify"],
            "n": _int_to_b64url(numbers.n),
            "e": _int_to_b64url(numbers.e),
        }
        self.kid = jwk_thumbprint(self.jwk)
        self.jwk.update({"use": "sig", "kid": self.kid, "alg": "RS256"})


# --------------------------------------------------------------------------- context


_UNSET: Any = object()
_current = threading.local()


class RequestContext:
    """What root resolvers see as ``info.context``: the requestor of one operation.

    Authentication follows Saleor: a 30-character bearer token is looked up as an app
    token (unknown or dead tokens make the request anonymous); anything else is tried
    as a Saleor JWT. The user is resolved lazily, so an expired or tampered JWT only
    fails the fields that look at the user, with the PyJWT error as the GraphQL error
    (e.g. code ``ExpiredSignatureError``), as in Saleor.
    """

    def __init__(self, fake: FakeSaleor, token: str | None, *, app: dict | None = _UNSET):
        self.fake = fake
        self.token = token
        if app is _UNSET:
            app = fake._app_by_token(token) if token and len(token) == APP_TOKEN_LENGTH else None
        self.app: dict | None = app
        self.token_payload: dict | None = None
        self._user: Any = _UNSET
        self._user_error: Exception | None = None
        self._user_permissions: list[str] = []
        self._user_is_staff = False
        self._deferred: list[Callable[[], Any]] = []

    @property
    def user(self) -> dict | None:
        """The authenticated user, or None; raises the JWT error for a bad token."""
        if self.app is not None:
            return None
        if self._user is _UNSET:
            try:
                self._user = self._load_user()
            except jwt.PyJWTError as exc:
                self._user = None
                self._user_error = exc
        if self._user_error is not None:
            raise self._user_error
        return self._user

    def _load_user(self) -> dict | None:
        token = self.token
        if not token:
            return None
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None  # not a JWT at all: Saleor hands it to plugins, i.e. anonymous
        if unverified.get("owner") != "saleor":
            return None
        payload = self.fake._decode_jwt(token)
        invalid = "Invalid token. Create new one by using tokenCreate mutation."
        if payload.get("type") not in ("access", "thirdparty"):
            raise jwt.InvalidTokenError(invalid)
        user = self.fake._user_by_email(payload.get("email"))
        if not payload.get("token"):
            raise jwt.InvalidTokenError(invalid)
        if user is None:
            raise jwt.InvalidTokenError("Invalid token. User does not exist or is inactive.")
        if user["_jwt_token_key"] != payload["token"]:
            raise jwt.InvalidTokenError(invalid)
        self.token_payload = payload
        permissions = payload.get("permissions")
        if permissions is not None:
            # Third-party (Dashboard) tokens act with app ∩ user permissions only.
            self._user_permissions = list(permissions)
            self._user_is_staff = bool(permissions)
        else:
            self._user_permissions = _permission_codes(user.get("userPermissions"))
            self._user_is_staff = bool(user.get("isStaff"))
        if payload.get("is_staff"):
            self._user_is_staff = True
        return user

    @property
    def requestor(self) -> dict | None:
        """The calling app or user (None when anonymous)."""
        return self.app if self.app is not None else self.user

    @property
    def is_staff(self) -> bool:
        return self.user is not None and self._user_is_staff

    @property
    def permissions(self) -> set[str]:
        """Effective PermissionEnum names of the requestor."""
        if self.app is not None:
            if not self.app.get("isActive"):
                return set()
            return set(_permission_codes(self.app.get("permissions")))
        if self.user is None:
            return set()
        return set(self._user_permissions)

    def has_perm(self, *permissions: str) -> bool:
        """True if the requestor satisfies any one of ``permissions``.

        Besides PermissionEnum names this understands Saleor's authorization filters
        ``AUTHENTICATED_APP``, ``AUTHENTICATED_STAFF_USER`` and ``AUTHENTICATED_USER``.
        """
        held = self.permissions
        for permission in permissions:
            if permission == AUTHENTICATED_APP and self.app is not None:
                return True
            if permission == AUTHENTICATED_STAFF_USER and self.is_staff:
                return True
            if permission == AUTHENTICATED_USER and self.user is not None:
                return True
            if permission in held:
                return True
        return False

    def require(self, *permissions: str) -> None:
        """Raise Saleor's ``PermissionDenied`` unless ``has_perm(*permissions)``."""
        if not self.has_perm(*permissions):
            raise permission_denied(*permissions)

    def defer(self, action: Callable[[], Any]) -> None:
        """Run ``action`` after the operation, before its response is sent.

        Saleor without a Celery broker delivers webhooks inside the request that
        caused them. Deferring until execution has released the data lock lets the
        app call back into the fake while handling such a webhook.
        """
        self._deferred.append(action)


def _permission_codes(items: Iterable[Any] | None) -> list[str]:
    codes = []
    for item in items or ():
        codes.append(item["code"] if isinstance(item, Mapping) else str(item))
    return codes


def _permission_objects(codes: Iterable[str]) -> list[dict[str, str]]:
    """Permission dicts sorted by code, the order Saleor returns them in."""
    objects = []
    for code in sorted(set(codes)):
        if code not in PERMISSION_NAMES:
            raise ValueError(f"Unknown Saleor permission: {code}")
        objects.append({"code": code, "name": PERMISSION_NAMES[code]})
    return objects


# ---------------------------------------------------------------------------- faults


@dataclass
class _Fault:
    kind: str  # "fail" | "delay" | "fail_after_execute"
    status: int = 502
    seconds: float = 0.0
    drop: bool = False
    # Only requests running this operation (by name) meet the fault; None: any request.
    operation: str | None = None

    def describe(self) -> str:
        if self.kind == "delay":
            return f"delay {self.seconds}s"
        if self.drop:
            return f"{self.kind}: dropped connection"
        return f"{self.kind}: HTTP {self.status}"


_FAULT_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
)


# ------------------------------------------------------------------------------ fake


class FakeSaleor:
    """A Saleor 3.23 double served over loopback HTTP; see the module docstring.

    Arrange state with the data API (``add_app``, ``add_customer``, ``add_staff``,
    ``add_order`` and its companions ``fulfill``, ``return_lines``,
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
        # Extra GET routes (path -> handler), e.g. the Dashboard double of fakes/dashboard.py;
        # a path that ends with "/*" serves everything under it.
        self.pages: dict[str, PageHandler] = {}
        self._pks: dict[str, itertools.count] = {}
        self._key = _SigningKey()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._register_builtin_resolvers()

    # ------------------------------------------------------------------ lifecycle

    def start(self, *, port: int = 0) -> FakeSaleor:
        """Serve on 127.0.0.1, on ``port`` or a free one, in a daemon thread."""
        if self._server is not None:
            return self
        handler = type("FakeSaleorHandler", (_Handler,), {"fake": self})
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="fake-saleor", kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSaleor:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSaleor is not started; call start() first")
        return self._server.server_address[1]

    @property
    def domain(self) -> str:
        """``Saleor-Domain``: host and port, as Saleor sends it."""
        return f"127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """``Saleor-Api-Url`` and the ``iss`` of every token."""
        return f"http://{self.domain}{GRAPHQL_PATH}"

    @property
    def jwks_url(self) -> str:
        return f"http://{self.domain}{JWKS_PATH}"

    def add_page(self, path: str, handler: PageHandler) -> None:
        """Serve ``GET <path>`` with ``handler(request)``, e.g. a page around an app's iframe.

        A ``path`` ending in ``/*`` serves that folder and everything under it. The
        handler gets a ``PageRequest`` and returns ``(status, content type, body bytes,
        extra headers)``. It runs on a server thread, so it takes ``lock`` to read the
        fake's data.
        """
        self.pages[path] = handler

    def page_for(self, path: str) -> PageHandler | None:
        if path in self.pages:
            return self.pages[path]
        for pattern, handler in self.pages.items():
            if pattern.endswith("/*") and (path + "/").startswith(pattern[:-1]):
                return handler
        return None

    # ------------------------------------------------------------------ resolvers

    def query(self, field_name: str) -> Callable[[Callable], Callable]:
        """Decorator registering ``fn(info, **args)`` as the resolver of ``Query.<field>``."""
        return self._register(self.query_resolvers, self.schema.query_type, field_name)

    def mutation(self, field_name: str) -> Callable[[Callable], Callable]:
        """Decorator registering ``fn(info, **args)`` as the resolver of ``Mutation.<field>``."""
        return self._register(self.mutation_resolvers, self.schema.mutation_type, field_name)

    def field(self, type_name: str, field_name: str) -> Callable[[Callable], Callable]:
        """Decorator registering ``fn(source, info, **args)`` for ``<Type>.<field>``.

        Use it for computed fields (connections, permission-guarded fields); plain
        fields are read from the dict key of the same name.
        """
        type_ = self.schema.get_type(type_name)
        if type_ is None or field_name not in getattr(type_, "fields", {}):
            raise ValueError(f"Saleor's schema has no field {type_name}.{field_name}")

        def decorator(fn: Callable) -> Callable:
            self.field_resolvers[(type_name, field_name)] = fn
            return fn

        return decorator

    @staticmethod
    def _register(registry: dict, root_type: Any, field_name: str) -> Callable:
        if field_name not in root_type.fields:
            raise ValueError(f"Saleor's schema has no field {root_type.name}.{field_name}")

        def decorator(fn: Callable) -> Callable:
            registry[field_name] = fn
            return fn

        return decorator

    def _resolve_field(self, source: Any, info: Any, **args: Any) -> Any:
        parent = info.parent_type
        name = info.field_name
        if parent is self.schema.query_type or parent is self.schema.mutation_type:
            registry = (
                self.query_resolvers
                if parent is self.schema.query_type
                else self.mutation_resolvers
            )
            resolver = registry.get(name)
            if resolver is None:
                raise GraphQLError(f"{parent.name}.{name} is not implemented in the fake.")
            return resolver(info, **args)
        custom = self.field_resolvers.get((parent.name, name))
        if custom is not None:
            return custom(source, info, **args)
        if isinstance(source, Mapping):
            if name not in source:
                if is_non_null_type(info.return_type):
                    raise GraphQLError(
                        f"{parent.name}.{name} is missing from the fake's data "
                        f"(keys: {sorted(k for k in source if not k.startswith('_'))})."
                    )
                return None
            value = source[name]
            # A callable value is a lazily computed field: fn(info, **args).
            return value(info, **args) if callable(value) else value
        return getattr(source, name, None)

    @staticmethod
    def _resolve_type(value: Any, info: Any, abstract_type: Any) -> str:
        type_name = value.get("__typename") if isinstance(value, Mapping) else None
        if not type_name:
            raise GraphQLError(
                f"The fake's data for abstract type {abstract_type.name} needs a "
                f"'__typename' key naming one of its object types."
            )
        return type_name

    # ------------------------------------------------------------------ execution

    def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        operation_name: str | None = None,
    ) -> tuple[int, dict]:
        """Run one operation in-process, as if POSTed with ``Bearer <token>``.

        Returns ``(http_status, response_json)``; deferred work (webhook deliveries)
        has run when this returns.
        """
        payload: dict[str, Any] = {"query": query, "variables": variables}
        if operation_name:
            payload["operationName"] = operation_name
        return self._run_request(payload, token)

    def _run_request(self, data: Any, token: str | None) -> tuple[int, Any]:
        """Saleor's ``GraphQLView.get_response`` for one parsed request body."""
        if isinstance(data, list):  # query batching
            results = [self._run_request(entry, token) for entry in data]
            return max((status for status, _ in results), default=200), [r for _, r in results]
        if not isinstance(data, Mapping):
            data = {}
        context = RequestContext(self, token)
        result, invalid = self._execute_operation(data, context)
        for action in context._deferred:
            action()
        return (400 if invalid else 200), result

    def _execute_operation(self, data: Mapping, context: RequestContext) -> tuple[dict, bool]:
        query = data.get("query")
        variables = data.get("variables")
        operation_name = data.get("operationName")
        if operation_name == "null":
            operation_name = None
        if not query or not isinstance(query, str):
            return {"errors": [_format_error(GraphQLError("Must provide a query string."))]}, True
        try:
            document = parse(query)
        except GraphQLError as exc:
            return {"errors": [_format_error(exc)]}, True
        cost = {
            "cost": {
                "requestedQueryCost": self._query_cost(document, operation_name, variables),
                "maximumAvailable": MAX_QUERY_COST,
            }
        }
        validation_errors = validate(self.schema, document)
        if validation_errors:
            return {
                "errors": [_format_error(e) for e in validation_errors],
                "extensions": cost,
            }, True
        previous = getattr(_current, "context", None)
        _current.context = context
        try:
            with self.lock:
                result = execute(
                    self.schema,
                    document,
                    context_value=context,
                    variable_values=variables if isinstance(variables, Mapping) else None,
                    operation_name=operation_name,
                    field_resolver=self._resolve_field,
                    type_resolver=self._resolve_type,
                )
        finally:
            _current.context = previous
        errors = list(result.errors or [])
        # No data and only path-less errors: the operation never ran (bad variables,
        # unknown operation name). Saleor reports those as invalid, HTTP 400.
        invalid = result.data is None and bool(errors) and all(not e.path for e in errors)
        response: dict[str, Any] = {}
        if errors:
            response["errors"] = [_format_error(e) for e in errors]
        if not invalid:
            response["data"] = result.data
        response["extensions"] = cost
        return response, invalid

    def _query_cost(self, document: Any, operation_name: str | None, variables: Any) -> int:
        operation = get_operation_ast(document, operation_name)
        if not isinstance(operation, OperationDefinitionNode):
            return 0
        root = self.schema.get_root_type(operation.operation)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        variables = variables if isinstance(variables, Mapping) else {}

        def selection_cost(selection_set: Any, type_: Any) -> int:
            total = 0
            fields = getattr(type_, "fields", {})
            for node in selection_set.selections if selection_set else ():
                if isinstance(node, FieldNode):
                    field_def = fields.get(node.name.value)
                    if field_def is None:
                        continue
                    entry = self.cost_map.get(type_.name, {}).get(node.name.value)
                    cost = selection_cost(node.selection_set, get_named_type(field_def.type))
                    if entry:
                        cost += entry.get("complexity", 1)
                        try:
                            args = get_argument_values(field_def, node, variables)
                        except (GraphQLError, TypeError, ValueError):
                            args = {}
                        for arg in entry.get("multipliers", ()):
                            if isinstance(args.get(arg), int):
                                cost *= args[arg]
                    total += cost
                elif isinstance(node, InlineFragmentNode):
                    inner = (
                        self.schema.get_type(node.type_condition.name.value)
                        if node.type_condition
                        else type_
                    )
                    total += selection_cost(node.selection_set, inner)
                elif isinstance(node, FragmentSpreadNode):
                    fragment = fragments.get(node.name.value)
                    if fragment is not None:
                        inner = self.schema.get_type(fragment.type_condition.name.value)
                        total += selection_cost(fragment.selection_set, inner)
            return total

        return selection_cost(operation.selection_set, root)

    # ------------------------------------------------------------------ HTTP side

    def _serve_graphql(self, handler: _Handler, body: bytes) -> None:
        """Answer one POST /graphql/, applying the next injected fault if any."""
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        with self.lock:
            fault = self._take_fault(_operation_name(data))
        entry = {
            "operation_name": _operation_name(data),
            "query": data.get("query") if isinstance(data, Mapping) else None,
            "variables": data.get("variables") if isinstance(data, Mapping) else None,
            "has_authorization": bool(
                handler.headers.get("Authorization") or handler.headers.get("Authorization-Bearer")
            ),
            "user_agent": handler.headers.get("User-Agent"),
            "fault": fault.describe() if fault else None,
            "status": None,
        }
        with self.lock:
            self.requests.append(entry)

        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
        if fault is not None and fault.kind == "fail":
            entry["status"] = fault.status
            handler.send_fault_page(fault.status)
            return

        if data is None:
            status = 400
            result: Any = {"errors": [_format_error("Unable to parse query.")]}
        else:
            status, result = self._run_request(data, _token_from_headers(handler.headers))

        if fault is not None and fault.kind == "fail_after_execute":
            # Saleor did the work; the app sees a failure and must not assume either way.
            if fault.drop:
                handler.drop_connection()
                return
            entry["status"] = fault.status
            handler.send_fault_page(fault.status)
            return
        entry["status"] = status
        handler.send_json(status, json.dumps(result).encode())

    # ------------------------------------------------------------------ faults

    def _take_fault(self, operation_name: str | None) -> _Fault | None:
        """The first pending fault meant for this operation (caller holds the lock)."""
        for fault in self._faults:
            if fault.operation is None or fault.operation == operation_name:
                self._faults.remove(fault)
                return fault
        return None

    def fail_next(self, count: int = 1, status: int = 502, *, operation: str | None = None) -> None:
        """Answer the next ``count`` GraphQL requests (of ``operation``, if named) with ``status`` without running them."""
        with self.lock:
            self._faults.extend(_Fault("fail", status=status, operation=operation) for _ in range(count))

    def delay_next(self, count: int = 1, seconds: float = 1.0, *, operation: str | None = None) -> None:
        """Sleep ``seconds`` before handling each of the next ``count`` GraphQL requests.

        The operation still runs after the sleep (a slow Saleor finishes its work even
        if the client gave up), so state may change after a client-side timeout.
        """
        with self.lock:
            self._faults.extend(_Fault("delay", seconds=seconds, operation=operation) for _ in range(count))

    def fail_after_execute_next(
        self, count: int = 1, status: int = 502, *, drop: bool = False, operation: str | None = None
    ) -> None:
        """Run the next ``count`` operations (of ``operation``, if named), then answer ``status`` (or drop the connection)."""
        with self.lock:
            self._faults.extend(
                _Fault("fail_after_execute", status=status, drop=drop, operation=operation) for _ in range(count)
            )

    def fail_jwks_next(self, count: int = 1, status: int = 503) -> None:
        """Answer the next ``count`` JWKS fetches with ``status``."""
        with self.lock:
            self._jwks_faults.extend([status] * count)

    def serve_jwks(self) -> tuple[int, bytes]:
        """One JWKS fetch: ``(status, body)``, counting it and honouring faults."""
        with self.lock:
            self.jwks_fetches += 1
            status = self._jwks_faults.popleft() if self._jwks_faults else None
        if status is not None:
            return status, b'{"error": "unavailable"}'
        return 200, self.jwks_bytes()

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()
            self._jwks_faults.clear()

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

    # ------------------------------------------------------------------ data API

    def next_pk(self, type_name: str) -> int:
        """Next integer primary key for ``type_name`` (1, 2, ...)."""
        with self.lock:
            counter = self._pks.setdefault(type_name, itertools.count(1))
            return next(counter)

    def new_id(self, type_name: str) -> str:
        """A fresh global ID for ``type_name``."""
        return global_id(type_name, self.next_pk(type_name))

    def lookup(self, node_id: str) -> dict | None:
        """Find an app, user or order by global ID (apps/users/orders lists)."""
        with self.lock:
            for collection in (self.apps, self.users, self.orders):
                for item in collection:
                    if item.get("id") == node_id:
                        return item
        return None

    def add_app(
        self,
        identifier: str = "saleor.returns",
        name: str = "Returns",
        permissions: Iterable[str] = ("MANAGE_ORDERS",),
        *,
        is_active: bool = True,
        **fields: Any,
    ) -> dict:
        """Install an app directly; returns its dict with ``id`` and a fresh ``token``.

        Extra keyword arguments are stored as App fields (camelCase), e.g.
        ``appUrl=...``, ``version=...``.
        """
        token = _new_app_token()
        pk = self.next_pk("App")
        app = {
            "__typename": "App",
            "id": global_id("App", pk),
            "identifier": identifier,
            "name": name,
            "isActive": is_active,
            "type": "THIRDPARTY",
            "permissions": _permission_objects(permissions),
            "created": _now_iso(),
            "metadata": [],
            "privateMetadata": [],
            "extensions": [],
            "breakerState": "CLOSED",
            "tokens": [],
            "webhooks": [],
            "token": token,
            "_auth_tokens": [],
        }
        app.update(fields)
        self._attach_app_token(app, token, "Default token")
        with self.lock:
            self.apps.append(app)
        return app

    def set_app_extensions(self, app: dict, extensions: Iterable[Mapping], *, app_url: str | None = None) -> None:
        """Store a manifest's ``extensions`` on ``app`` as Saleor keeps them (``App.extensions``).

        Saleor upper-cases mount and target (default target POPUP) and keeps the
        manifest's ``options`` as ``settings`` (saleor/app/installation_utils.py).
        ``app_url`` sets ``appUrl`` too, for apps added without a manifest.
        """
        stored = []
        for extension in extensions:
            stored.append({
                "__typename": "AppExtension",
                "id": self.new_id("AppExtension"),
                "identifier": extension.get("identifier"),
                "label": extension["label"],
                "url": extension["url"],
                "mountName": extension["mount"].upper(),
                "targetName": (extension.get("target") or "POPUP").upper(),
                "permissions": _permission_objects(extension.get("permissions", [])),
                "settings": dict(extension.get("options") or {}),
            })
        with self.lock:
            app["extensions"] = stored
            if app_url is not None:
                app["appUrl"] = app_url

    def add_app_token(self, app: dict, name: str | None = None) -> str:
        """Create one more token for ``app`` (like ``appTokenCreate``)."""
        token = _new_app_token()
        with self.lock:
            self._attach_app_token(app, token, name)
        return token

    def _attach_app_token(self, app: dict, token: str, name: str | None) -> None:
        app["_auth_tokens"].append(token)
        app["tokens"].append(
            {
                "__typename": "AppToken",
                "id": self.new_id("AppToken"),
                "name": name,
                "authToken": token[-4:],  # Saleor keeps only the last 4 characters
            }
        )

    def delete_app(self, app: dict, *, notify: bool = True) -> list[dict]:
        """Remove ``app``: its tokens die at once (``appDelete``).

        With ``notify`` (the default) APP_DELETED is sent to every subscribed webhook,
        including the deleted app's own, as the captures show. Returns the deliveries.
        """
        with self.lock:
            recipients = [a for a in self.apps if a is not app] + [app]
            records = []
            if notify:
                records = self._prepare_deliveries("APP_DELETED", {"app": app}, None, recipients)
            if app in self.apps:
                self.apps.remove(app)
            app["_auth_tokens"] = []
            app["_removed"] = True
        # Sent outside the lock so the receiving app may call back into the fake.
        self._dispatch(records)
        return records

    def add_customer(
        self,
        email: str,
        *,
        first_name: str = "",
        last_name: str = "",
        is_active: bool = True,
        password: str | None = None,
        **fields: Any,
    ) -> dict:
        """Create a customer; returns its dict (``id`` is ``User:<n>``). A ``password`` enables ``tokenCreate``."""
        return self._add_user(email, first_name, last_name, is_active, False, (), dict(fields, _password=password))

    def add_staff(
        self,
        email: str,
        permissions: Iterable[str] = (),
        *,
        first_name: str = "",
        last_name: str = "",
        is_active: bool = True,
        password: str | None = None,
        **fields: Any,
    ) -> dict:
        """Create a staff user holding ``permissions`` (PermissionEnum names); a ``password`` enables ``tokenCreate``."""
        return self._add_user(email, first_name, last_name, is_active, True, permissions, dict(fields, _password=password))

    def _add_user(
        self,
        email: str,
        first_name: str,
        last_name: str,
        is_active: bool,
        is_staff: bool,
        permissions: Iterable[str],
        fields: Mapping[str, Any],
    ) -> dict:
        now = _now_iso()
        user = {
            "__typename": "User",
            "id": self.new_id("User"),
            "email": email,
            "firstName": first_name,
            "lastName": last_name,
            "isStaff": is_staff,
            "isActive": is_active,
            "isConfirmed": True,
            "languageCode": "EN_US",
            "dateJoined": now,
            "updatedAt": now,
            "metadata": [],
            "privateMetadata": [],
            "assignedAttributes": [],
            "addresses": [],
            "restrictedAccessToChannels": False,
            "userPermissions": _permission_objects(permissions),
            # Saleor's User.jwt_token_key: embedded in tokens, rotated on revocation.
            "_jwt_token_key": _random_string(12),
        }
        user.update(fields)
        with self.lock:
            self.users.append(user)
        return user

    def deactivate_all_tokens(self, user: dict) -> None:
        """Revoke every token of ``user`` (``tokensDeactivateAll``).

        Tokens still verify offline against the JWKS, but the fake (like Saleor)
        rejects them from then on.
        """
        with self.lock:
            user["_jwt_token_key"] = _random_string(12)

    def _app_by_token(self, token: str) -> dict | None:
        with self.lock:
            for app in self.apps:
                if app.get("isActive") and token in app["_auth_tokens"]:
                    return app
        return None

    def _user_by_email(self, email: Any) -> dict | None:
        with self.lock:
            for user in self.users:
                if user["email"] == email and user.get("isActive"):
                    return user
        return None

    # ------------------------------------------------------------------ orders

    def add_order(
        self,
        *,
        channel_slug: str = "default-channel",
        currency: str = "USD",
        user: Mapping | None = None,
        user_email: str | None = None,
        lines: Iterable[Mapping[str, Any]] = (),
        shipping: Decimal | int | str = Decimal("0"),
        created: Any = None,
        status: str = "UNFULFILLED",
        metadata: Mapping[str, str] | None = None,
        number: int | str | None = None,
        **fields: Any,
    ) -> dict:
        """Place an order; returns its dict, shaped like Saleor's ``Order``.

        ``lines`` describe what was bought, one mapping per line (see
        ``ORDER_LINE_KEYS``), e.g. ``{"sku": "A", "quantity": 2, "unit_price":
        Decimal("25.00"), "product_type": "Shoes", "metadata": {...},
        "variant_metadata": {...}}``. Prices are gross, as paid, with
        ``tax_rate`` (a fraction, default 0) included. Channels, products,
        variants, product types, categories and collections are reused by slug,
        name or SKU across the fake's orders, so two orders of SKU "A" share one
        variant; describing an existing one differently is a ``ValueError``.
        ``shipping`` is the gross shipping price (untaxed). Extra keyword
        arguments are stored as Order fields (camelCase), e.g.
        ``externalReference=...``. Money is exact for 0-, 2- and 3-decimal
        currencies: ``fractionalAmount`` and ``fractionDigits`` follow the
        currency's precision, and ``amount`` is the float Saleor sends.
        """
        currency = currency.upper()
        shipping_amount = _quantize(_decimal(shipping, "shipping"), currency)
        with self.lock:
            catalog = self._catalog()
            channel = self._channel_for(catalog, channel_slug, currency)
            order_lines = [self._build_order_line(spec, currency, catalog) for spec in lines]
            when = _iso(created)
            order: dict[str, Any] = {
                "__typename": "Order",
                "id": global_id("Order", uuid.uuid4()),
                "number": str(number if number is not None else self.next_pk("OrderNumber")),
                "token": str(uuid.uuid4()),
                "created": when,
                "updatedAt": when,
                "status": status,
                "origin": "CHECKOUT",
                "original": None,
                "userEmail": user_email or (user["email"] if user else None),
                "user": user,
                "channel": channel,
                "metadata": _metadata_items(metadata),
                "privateMetadata": [],
                "externalReference": None,
                "customerNote": "",
                "trackingClientId": "",
                "languageCodeEnum": "EN_US",
                "displayGrossPrices": True,
                "isShippingRequired": True,
                "taxExemption": False,
                "canFinalize": True,
                "shippingMethodName": "Standard" if shipping_amount else None,
                "shippingTaxRate": 0.0,
                "undiscountedShippingPrice": _money(shipping_amount, currency),
                "shippingPrice": _taxed_money(shipping_amount, shipping_amount, currency),
                "voucherCode": None,
                "giftCards": [],
                "discounts": [],
                "invoices": [],
                "errors": [],
                "events": [],
                "lines": order_lines,
                "fulfillments": [],
                "transactions": [],
                "grantedRefunds": [],
                "payments": [],
                "_currency": currency,
            }
            order.update(fields)
            self.refresh_order(order)
            self.orders.append(order)
        return order

    def _build_order_line(self, spec: Mapping[str, Any], currency: str, catalog: dict) -> dict:
        unknown = set(spec) - ORDER_LINE_KEYS
        if unknown:
            raise ValueError(
                f"Unknown order line keys {sorted(unknown)}; use {sorted(ORDER_LINE_KEYS)}."
            )
        sku = spec["sku"]
        quantity = int(spec.get("quantity", 1))
        rate = _decimal(spec.get("tax_rate", 0), "tax_rate")
        gross = _quantize(_decimal(spec["unit_price"], "unit_price"), currency)
        undiscounted = _quantize(
            _decimal(spec.get("undiscounted_unit_price", gross), "undiscounted_unit_price"),
            currency,
        )
        net = _net_of(gross, rate, currency)
        undiscounted_net = _net_of(undiscounted, rate, currency)
        variant = self._variant_for(spec, catalog)
        product = variant["product"]
        return {
            "__typename": "OrderLine",
            "id": global_id("OrderLine", uuid.uuid4()),
            "productName": product["name"],
            "variantName": variant["name"],
            "translatedProductName": "",
            "translatedVariantName": "",
            "productSku": sku,
            "productVariantId": variant["id"],
            # A deleted variant leaves the line's copies of its SKU, names and ID.
            "variant": None if spec.get("variant_deleted") else variant,
            "isShippingRequired": True,
            "quantity": quantity,
            "quantityFulfilled": 0,
            "quantityToFulfill": quantity,
            "taxRate": float(rate),
            "unitPrice": _taxed_money(gross, net, currency),
            "undiscountedUnitPrice": _taxed_money(undiscounted, undiscounted_net, currency),
            "totalPrice": _taxed_money(gross * quantity, net * quantity, currency),
            "undiscountedTotalPrice": _taxed_money(
                undiscounted * quantity, undiscounted_net * quantity, currency
            ),
            "unitDiscount": _money(undiscounted - gross, currency),
            "unitDiscountValue": float(undiscounted - gross),
            "unitDiscountType": "FIXED" if undiscounted != gross else None,
            "unitDiscountReason": None,
            "isPriceOverridden": False,
            "isGift": bool(spec.get("is_gift", False)),
            "voucherCode": None,
            "saleId": None,
            "discounts": [],
            "allocations": [],
            "taxClassName": None,
            "taxClassMetadata": [],
            "taxClassPrivateMetadata": [],
            "metadata": _metadata_items(spec.get("line_metadata")),
            "privateMetadata": [],
        }

    def _variant_for(self, spec: Mapping[str, Any], catalog: dict) -> dict:
        """The variant of ``spec["sku"]``, created with its product on first use."""
        sku = spec["sku"]
        variant = catalog.get(("ProductVariant", sku))
        if variant is not None:
            _check_same_variant(variant, spec)
            return variant
        product_name = spec.get("product_name", f"Product {sku}")
        product = catalog.get(("Product", product_name))
        if product is not None:
            _check_same_product(product, spec)
        else:
            category_name = spec.get("category", "Default category")
            product = {
                "__typename": "Product",
                "id": self.new_id("Product"),
                "name": product_name,
                "slug": _slug(product_name),
                "productType": self._catalog_entry(
                    catalog,
                    "ProductType",
                    spec.get("product_type", "Default type"),
                    {
                        "hasVariants": True,
                        "isShippingRequired": True,
                        "isDigital": False,
                        "kind": "NORMAL",
                    },
                ),
                "category": (
                    self._catalog_entry(catalog, "Category", category_name, {"level": 0})
                    if category_name is not None
                    else None
                ),
                "collections": [
                    self._catalog_entry(catalog, "Collection", name, {})
                    for name in spec.get("collections", ())
                ],
                "metadata": _metadata_items(spec.get("metadata")),
                "privateMetadata": [],
                "_visible": bool(spec.get("product_visible", True)),
            }
            catalog[("Product", product_name)] = product
        variant = {
            "__typename": "ProductVariant",
            "id": self.new_id("ProductVariant"),
            "sku": sku,
            "name": spec.get("variant_name", sku),
            "product": product,
            "trackInventory": True,
            "metadata": _metadata_items(spec.get("variant_metadata")),
            "privateMetadata": [],
        }
        catalog[("ProductVariant", sku)] = variant
        return variant

    def _catalog_entry(self, catalog: dict, type_name: str, name: str, extra: Mapping) -> dict:
        entry = catalog.get((type_name, name))
        if entry is None:
            entry = {
                "__typename": type_name,
                "id": self.new_id(type_name),
                "name": name,
                "slug": _slug(name),
                "metadata": [],
                "privateMetadata": [],
                **extra,
            }
            catalog[(type_name, name)] = entry
        return entry

    def _catalog(self) -> dict[tuple[str, str], dict]:
        """Channels, products and the like already in use, by slug, name or SKU.

        Derived from ``orders`` and the ``channels``, ``variants`` and ``warehouses``
        lists so that ``reset(data=True)`` forgets them too.
        """
        catalog: dict[tuple[str, str], dict] = {}
        for order in self.orders:
            channel = order.get("channel")
            if isinstance(channel, Mapping) and channel.get("slug"):
                catalog[("Channel", channel["slug"])] = channel
            for line in order.get("lines") or ():
                _catalog_variant(catalog, line.get("variant"))
            for fulfillment in order.get("fulfillments") or ():
                warehouse = fulfillment.get("warehouse")
                if warehouse:
                    catalog[("Warehouse", warehouse["name"])] = warehouse
        for channel in self.channels:
            catalog[("Channel", channel["slug"])] = channel
        for variant in self.variants:
            _catalog_variant(catalog, variant)
        for warehouse in self.warehouses:
            catalog[("Warehouse", warehouse["name"])] = warehouse
        return catalog

    def refresh_order(self, order: dict) -> None:
        """Recompute an order's derived fields from its lines, shipping and payments.

        That is the totals, the amounts charged, refunded and granted, the
        payment statuses and ``quantityToFulfill``. The builders call it; call it
        after editing an order's dict by hand. The order ``status`` is left
        alone: fulfilling and returning set it.
        """
        with self.lock:
            currency = order["_currency"]
            for line in order["lines"]:
                line["quantityToFulfill"] = line["quantity"] - line["quantityFulfilled"]
            subtotal_gross = _sum_amounts(line["totalPrice"]["gross"] for line in order["lines"])
            subtotal_net = _sum_amounts(line["totalPrice"]["net"] for line in order["lines"])
            shipping_gross = _amount(order["shippingPrice"]["gross"])
            shipping_net = _amount(order["shippingPrice"]["net"])
            undiscounted = _sum_amounts(
                line["undiscountedTotalPrice"]["gross"] for line in order["lines"]
            ) + _amount(order["undiscountedShippingPrice"])
            undiscounted_net = _sum_amounts(
                line["undiscountedTotalPrice"]["net"] for line in order["lines"]
            ) + _amount(order["undiscountedShippingPrice"])
            subtotal_gross, shipping_gross = _apply_manual_discounts(order, subtotal_gross, shipping_gross)
            subtotal_net, shipping_net = min(subtotal_net, subtotal_gross), min(shipping_net, shipping_gross)
            total = subtotal_gross + shipping_gross
            order["subtotal"] = _taxed_money(subtotal_gross, subtotal_net, currency)
            order["shippingPrice"] = _taxed_money(shipping_gross, shipping_net, currency)
            order["total"] = _taxed_money(total, subtotal_net + shipping_net, currency)
            order["undiscountedTotal"] = _taxed_money(undiscounted, undiscounted_net, currency)

            transactions = order["transactions"]
            payments = [payment for payment in order["payments"] if payment.get("isActive")]
            charged = _sum_amounts(t["chargedAmount"] for t in transactions) + _sum_amounts(
                p["capturedAmount"] for p in payments if p.get("capturedAmount")
            )
            refunded = _sum_amounts(t["refundedAmount"] for t in transactions) + _sum_amounts(
                legacy["amount"]
                for p in payments
                for legacy in p.get("transactions") or ()
                if legacy["kind"] == "REFUND" and legacy["isSuccess"]
            )
            refund_pending = _sum_amounts(t["refundPendingAmount"] for t in transactions)
            granted = _sum_amounts(g["amount"] for g in order["grantedRefunds"])
            # What the customer still owes once granted refunds are taken off.
            due = total - granted
            zero = _money(0, currency)
            order["totalCharged"] = _money(charged, currency)
            order["totalCaptured"] = _money(charged, currency)
            order["totalRefunded"] = _money(refunded, currency)
            order["totalRefundPending"] = _money(refund_pending, currency)
            order["totalGrantedRefund"] = _money(granted, currency)
            order["totalRemainingGrant"] = _money(
                max(granted - refunded - refund_pending, Decimal(0)), currency
            )
            order["totalBalance"] = _money(charged - due, currency)
            for name in (
                "totalAuthorized",
                "totalCanceled",
                "totalAuthorizePending",
                "totalChargePending",
                "totalCancelPending",
            ):
                order[name] = dict(zero)
            order["isPaid"] = charged >= total
            if charged <= 0:
                order["chargeStatus"] = "NONE" if due > 0 else "FULL"
            elif charged < due:
                order["chargeStatus"] = "PARTIAL"
            elif charged == due:
                order["chargeStatus"] = "FULL"
            else:
                order["chargeStatus"] = "OVERCHARGED"
            order["authorizeStatus"] = (
                "FULL" if charged >= due else "PARTIAL" if charged > 0 else "NONE"
            )
            if transactions:
                # Saleor's get_payment_status_for_order.
                if charged >= due:
                    order["paymentStatus"] = "FULLY_CHARGED"
                elif charged > 0:
                    order["paymentStatus"] = "PARTIALLY_CHARGED"
                else:
                    order["paymentStatus"] = "NOT_CHARGED"
            elif order["payments"]:
                order["paymentStatus"] = order["payments"][-1]["chargeStatus"]
            else:
                order["paymentStatus"] = "FULLY_CHARGED" if total == 0 else "NOT_CHARGED"
            order["updatedAt"] = _now_iso()

    def fulfill(
        self,
        order: dict,
        lines: Mapping[str, int] | None = None,
        *,
        created: Any = None,
        status: str = "FULFILLED",
        tracking_number: str | None = None,
        metadata: Mapping[str, str] | None = None,
        warehouse: str = "Default warehouse",
    ) -> dict:
        """Ship ``lines`` (``{order line id: quantity}``; default: everything unfulfilled).

        ``status`` is FULFILLED or WAITING_FOR_APPROVAL (created but not yet
        approved). Like Saleor, both raise the lines' ``quantityFulfilled`` and
        the order status becomes PARTIALLY_FULFILLED or FULFILLED (an
        awaiting fulfillment does not count). Returns the fulfillment dict.
        """
        if status not in ("FULFILLED", "WAITING_FOR_APPROVAL"):
            raise ValueError("fulfill() creates FULFILLED or WAITING_FOR_APPROVAL fulfillments.")
        with self.lock:
            if lines is None:
                lines = {
                    line["id"]: line["quantity"] - line["quantityFulfilled"]
                    for line in order["lines"]
                    if line["quantity"] > line["quantityFulfilled"]
                }
            moves = []
            for line_id, quantity in lines.items():
                line = _order_line(order, line_id)
                unfulfilled = line["quantity"] - line["quantityFulfilled"]
                if not 0 < quantity <= unfulfilled:
                    raise ValueError(
                        f"Cannot fulfill {quantity} of line {line_id}: {unfulfilled} unfulfilled."
                    )
                moves.append((line, quantity))
            if not moves:
                raise ValueError("Nothing to fulfill.")
            fulfillment = self._new_fulfillment(
                order, status, created, tracking_number or "", metadata, warehouse, reason=""
            )
            for line, quantity in moves:
                line["quantityFulfilled"] += quantity
                fulfillment["lines"].append(self._new_fulfillment_line(line, quantity, ""))
            order["fulfillments"].append(fulfillment)
            _refresh_order_status(order)
            self.refresh_order(order)
        return fulfillment

    def return_lines(
        self,
        order: dict,
        lines: Mapping[str, int],
        *,
        status: str = "RETURNED",
        created: Any = None,
        reason: str = "",
    ) -> dict:
        """Move shipped units of ``lines`` (``{order line id: quantity}``) into a new fulfillment.

        As ``orderFulfillmentReturnProducts`` (status RETURNED, or
        REFUNDED_AND_RETURNED, or REPLACED) and ``orderFulfillmentRefundProducts``
        (REFUNDED) do with fulfilled lines: the quantity leaves the FULFILLED
        fulfillments (earliest first; emptied lines and fulfillments are deleted),
        ``quantityFulfilled`` stays, and the order status follows (e.g.
        PARTIALLY_RETURNED). The replacement draft order Saleor creates for
        REPLACED is not made. Returns the new fulfillment.
        """
        if status not in _MOVED_FULFILLMENT_STATUSES:
            raise ValueError(f"status must be one of {sorted(_MOVED_FULFILLMENT_STATUSES)}.")
        with self.lock:
            moves = []
            for line_id, quantity in lines.items():
                line = _order_line(order, line_id)
                shipped = sum(
                    fulfillment_line["quantity"]
                    for fulfillment in order["fulfillments"]
                    if fulfillment["status"] == "FULFILLED"
                    for fulfillment_line in fulfillment["lines"]
                    if fulfillment_line["orderLine"] is line
                )
                if not 0 < quantity <= shipped:
                    raise ValueError(
                        f"Cannot move {quantity} of line {line_id}: {shipped} in FULFILLED fulfillments."
                    )
                moves.append((line, quantity))
            target = self._new_fulfillment(order, status, created, "", None, None, reason=reason)
            for line, quantity in moves:
                remaining = quantity
                for fulfillment in order["fulfillments"]:
                    if fulfillment["status"] != "FULFILLED":
                        continue
                    for fulfillment_line in fulfillment["lines"]:
                        if fulfillment_line["orderLine"] is line and remaining:
                            taken = min(fulfillment_line["quantity"], remaining)
                            fulfillment_line["quantity"] -= taken
                            remaining -= taken
                    fulfillment["lines"] = [fl for fl in fulfillment["lines"] if fl["quantity"]]
                target["lines"].append(self._new_fulfillment_line(line, quantity, reason))
            order["fulfillments"] = [
                fulfillment
                for fulfillment in order["fulfillments"]
                if fulfillment["lines"]
                or fulfillment["status"] not in ("FULFILLED", "WAITING_FOR_APPROVAL")
            ]
            order["fulfillments"].append(target)
            _refresh_order_status(order)
            self.refresh_order(order)
        return target

    def cancel_fulfillment(self, order: dict, fulfillment: dict) -> dict:
        """``orderFulfillmentCancel``: the fulfillment becomes CANCELED and its units unfulfilled."""
        with self.lock:
            if fulfillment["status"] not in ("FULFILLED", "WAITING_FOR_APPROVAL"):
                raise ValueError(f"A {fulfillment['status']} fulfillment cannot be canceled.")
            for fulfillment_line in fulfillment["lines"]:
                fulfillment_line["orderLine"]["quantityFulfilled"] -= fulfillment_line["quantity"]
            fulfillment["status"] = "CANCELED"
            _refresh_order_status(order)
            self.refresh_order(order)
        return fulfillment

    def _new_fulfillment(
        self,
        order: dict,
        status: str,
        created: Any,
        tracking_number: str,
        metadata: Mapping[str, str] | None,
        warehouse: str | None,
        *,
        reason: str,
    ) -> dict:
        if warehouse is None:
            earlier = [f.get("warehouse") for f in order["fulfillments"] if f.get("warehouse")]
            warehouse_entry = earlier[0] if earlier else None
        else:
            warehouse_entry = self._catalog().get(("Warehouse", warehouse)) or self._new_warehouse(
                warehouse
            )
        return {
            "__typename": "Fulfillment",
            "id": self.new_id("Fulfillment"),
            "fulfillmentOrder": max(
                (f["fulfillmentOrder"] for f in order["fulfillments"]), default=0
            )
            + 1,
            "status": status,
            "trackingNumber": tracking_number,
            "created": _iso(created),
            "reason": reason,
            "reasonReference": None,
            "warehouse": warehouse_entry,
            "shippingRefundedAmount": None,
            "totalRefundedAmount": None,
            "metadata": _metadata_items(metadata),
            "privateMetadata": [],
            "lines": [],
        }

    def _new_fulfillment_line(self, line: dict, quantity: int, reason: str) -> dict:
        return {
            "__typename": "FulfillmentLine",
            "id": self.new_id("FulfillmentLine"),
            "quantity": quantity,
            "orderLine": line,
            "reason": reason,
            "reasonReference": None,
        }

    def add_transaction(
        self,
        order: dict,
        charged: Decimal | int | str,
        *,
        refunded: Decimal | int | str = Decimal("0"),
        refund_pending: Decimal | int | str = Decimal("0"),
        name: str = "Credit card",
        psp_reference: str | None = None,
        actions: Iterable[str] = ("REFUND",),
        app: Mapping | None = None,
        created: Any = None,
    ) -> dict:
        """A Transactions API payment of ``charged`` (the amount first charged).

        As in Saleor, refunds are taken off the charged amount: with
        ``refunded=25`` of ``charged=100``, ``chargedAmount`` is 75 and
        ``refundedAmount`` 25; a pending refund is likewise moved out of
        ``chargedAmount`` into ``refundPendingAmount``. ``app`` is the creator
        (``createdBy``). Returns the transaction dict.
        """
        with self.lock:
            currency = order["_currency"]
            charged_amount = _quantize(_decimal(charged, "charged"), currency)
            refunded_amount = _quantize(_decimal(refunded, "refunded"), currency)
            pending_amount = _quantize(_decimal(refund_pending, "refund_pending"), currency)
            remaining = charged_amount - refunded_amount - pending_amount
            if remaining < 0:
                raise ValueError("Refunds exceed the charged amount.")
            when = _iso(created)
            psp_reference = psp_reference or f"psp-{secrets.token_hex(6)}"
            zero = _money(0, currency)
            events = [
                self._transaction_event("CHARGE_SUCCESS", charged_amount, currency, when, "", app)
            ]
            if refunded_amount:
                events.append(
                    self._transaction_event(
                        "REFUND_REQUEST",
                        refunded_amount,
                        currency,
                        when,
                        f"{psp_reference}-r",
                        None,
                    )
                )
                events.append(
                    self._transaction_event(
                        "REFUND_SUCCESS", refunded_amount, currency, when, f"{psp_reference}-r", app
                    )
                )
            if pending_amount:
                events.append(
                    self._transaction_event(
                        "REFUND_REQUEST", pending_amount, currency, when, f"{psp_reference}-p", None
                    )
                )
            transaction = {
                "__typename": "TransactionItem",
                "id": global_id("TransactionItem", uuid.uuid4()),
                "token": str(uuid.uuid4()),
                "name": name,
                "message": "",
                "pspReference": psp_reference,
                "externalUrl": "",
                "createdAt": when,
                "modifiedAt": when,
                "actions": list(actions),
                "authorizedAmount": dict(zero),
                "authorizePendingAmount": dict(zero),
                "chargedAmount": _money(remaining, currency),
                "chargePendingAmount": dict(zero),
                "refundedAmount": _money(refunded_amount, currency),
                "refundPendingAmount": _money(pending_amount, currency),
                "canceledAmount": dict(zero),
                "cancelPendingAmount": dict(zero),
                "createdBy": app,
                # Saleor lists a transaction's events newest first.
                "events": events[::-1],
                "paymentMethodDetails": None,
                "reason": None,
                "reasonReference": None,
                "metadata": [],
                "privateMetadata": [],
            }
            order["transactions"].append(transaction)
            self.refresh_order(order)
        return transaction

    def pay(self, order: dict, amount: Decimal | int | str | None = None, *, name: str = "Credit card") -> dict:
        """The customer pays ``amount`` (default: what is still due), reported by a payment app.

        As Saleor's order_charged: a charged transaction, the order's payment figures
        refreshed, then ORDER_PAID, ORDER_FULLY_PAID (once paid in full) and
        ORDER_UPDATED to the subscribed apps. Returns the transaction.
        """
        with self.lock:
            if order["status"] == "DRAFT":
                raise ValueError("A draft order is completed before it is paid.")
            due = _amount(order["total"]["gross"]) - _amount(order["totalGrantedRefund"]) - _amount(order["totalCharged"])
            paid = _decimal(amount, "amount") if amount is not None else due
            transaction = self.add_transaction(order, charged=paid, name=name)
        events = _charged_again_events(order)
        for event_type in events:
            self.emit_event(event_type, {"order": order})
        return transaction

    def _transaction_event(
        self,
        type_: str,
        amount: Decimal,
        currency: str,
        when: str,
        psp_reference: str,
        created_by: Mapping | None,
    ) -> dict:
        return {
            "__typename": "TransactionEvent",
            "id": self.new_id("TransactionEvent"),
            "type": type_,
            "createdAt": when,
            "pspReference": psp_reference,
            "message": "",
            "externalUrl": "",
            "idempotencyKey": None,
            "reasonReference": None,
            "amount": _money(amount, currency),
            "createdBy": created_by,
        }

    def add_granted_refund(
        self,
        order: dict,
        *,
        lines: Mapping[str, int] | None = None,
        amount: Decimal | int | str | None = None,
        shipping_costs_included: bool = False,
        transaction: Mapping | None = None,
        status: str = "NONE",
        reason: str = "",
        user: Mapping | None = None,
        app: Mapping | None = None,
        created: Any = None,
    ) -> dict:
        """``orderGrantRefundCreate``: grant a refund of ``lines`` (``{order line id: quantity}``).

        ``amount`` defaults to the lines' unit gross prices times their
        quantities, plus the shipping price when ``shipping_costs_included``;
        ``transaction`` to the order's first. Quantities over what earlier
        granted refunds left are a ``ValueError``, as Saleor refuses them.
        ``status`` is what Saleor computes from the refund's transaction events
        (NONE, PENDING, SUCCESS, FAILURE). Returns the granted refund dict.
        """
        with self.lock:
            currency = order["_currency"]
            granted_lines = []
            computed = Decimal(0)
            for line_id, quantity in (lines or {}).items():
                line = _order_line(order, line_id)
                already = sum(
                    granted_line["quantity"]
                    for granted in order["grantedRefunds"]
                    for granted_line in granted.get("lines") or ()
                    if granted_line["orderLine"] is line
                )
                if not 0 < quantity <= line["quantity"] - already:
                    raise ValueError(
                        f"Cannot grant {quantity} of line {line_id}: "
                        f"{line['quantity'] - already} left to grant."
                    )
                computed += _amount(line["unitPrice"]["gross"]) * quantity
                granted_lines.append(
                    {
                        "__typename": "OrderGrantedRefundLine",
                        "id": self.new_id("OrderGrantedRefundLine"),
                        "quantity": quantity,
                        "orderLine": line,
                        "reason": "",
                        "reasonReference": None,
                    }
                )
            if shipping_costs_included:
                computed += _amount(order["shippingPrice"]["gross"])
            value = computed if amount is None else _decimal(amount, "amount")
            if transaction is None and order["transactions"]:
                transaction = order["transactions"][0]
            when = _iso(created)
            granted_refund = {
                "__typename": "OrderGrantedRefund",
                "id": self.new_id("OrderGrantedRefund"),
                "createdAt": when,
                "updatedAt": when,
                "amount": _money(value, currency),
                "reason": reason,
                "reasonReference": None,
                "user": user,
                "app": app,
                "shippingCostsIncluded": shipping_costs_included,
                "lines": granted_lines,
                "status": status,
                "transactionEvents": [],
                "transaction": transaction,
            }
            order["grantedRefunds"].append(granted_refund)
            self.refresh_order(order)
        return granted_refund

    def add_payment(
        self,
        order: dict,
        *,
        total: Decimal | int | str | None = None,
        refunded: Decimal | int | str = Decimal("0"),
        gateway: str = "manual",
        is_active: bool = True,
        psp_reference: str | None = None,
        created: Any = None,
    ) -> dict:
        """A legacy (Payments API) payment of ``total`` (default: the order total).

        As in captures/responses/order_staff_legacy_payment.json: an EXTERNAL
        transaction for the total, a REFUND transaction for ``refunded``, and
        ``capturedAmount`` reduced by the refund. Returns the payment dict.
        """
        with self.lock:
            currency = order["_currency"]
            total_amount = (
                _amount(order["total"]["gross"])
                if total is None
                else _quantize(_decimal(total, "total"), currency)
            )
            refunded_amount = _quantize(_decimal(refunded, "refunded"), currency)
            if not 0 <= refunded_amount <= total_amount:
                raise ValueError("The refund exceeds the payment.")
            captured = total_amount - refunded_amount
            if not refunded_amount:
                charge_status = "FULLY_CHARGED"
            elif captured:
                charge_status = "PARTIALLY_REFUNDED"
            else:
                charge_status = "FULLY_REFUNDED"
            when = _iso(created)
            payment: dict[str, Any] = {
                "__typename": "Payment",
                "id": self.new_id("Payment"),
                "gateway": gateway,
                "isActive": is_active,
                "created": when,
                "modified": when,
                "token": "",
                "pspReference": psp_reference,
                "paymentMethodType": "",
                "customerIpAddress": None,
                "chargeStatus": charge_status,
                "actions": ["REFUND"] if captured else [],
                "total": _money(total_amount, currency),
                "capturedAmount": _money(captured, currency),
                "availableCaptureAmount": _money(0, currency),
                "availableRefundAmount": _money(captured, currency),
                "creditCard": None,
                "metadata": [],
                "privateMetadata": [],
                "transactions": [],
            }
            payment["transactions"].append(
                self._legacy_transaction(payment, "EXTERNAL", total_amount, currency, when)
            )
            if refunded_amount:
                payment["transactions"].append(
                    self._legacy_transaction(payment, "REFUND", refunded_amount, currency, when)
                )
            order["payments"].append(payment)
            self.refresh_order(order)
        return payment

    def _legacy_transaction(
        self, payment: dict, kind: str, amount: Decimal, currency: str, when: str
    ) -> dict:
        return {
            "__typename": "Transaction",
            "id": self.new_id("Transaction"),
            "created": when,
            "token": "",
            "kind": kind,
            "isSuccess": True,
            "error": None,
            "gatewayResponse": "{}",
            "amount": _money(amount, currency),
            "payment": payment,
        }

    # Root and field resolvers of orders. Saleor's rules, from saleor/graphql/order/:
    # ``order(id)`` is public (an order's UUID is its secret), but who may read
    # which field depends on the requestor, and a denied non-null field nulls the
    # whole order, with only that first error reported.

    def register_order_resolvers(self) -> None:
        """(Re)register the built-in resolvers of orders, e.g. after a test replaced one.

        Root fields ``order`` and ``orders``, ``User.orders`` (for ``me { orders }``),
        and the Order and OrderLine fields whose visibility depends on the requestor.
        """
        self.query("order")(self._resolve_order)
        self.query("orders")(self._resolve_orders)
        self.field("User", "orders")(self._resolve_user_orders)
        self.field("Order", "user")(self._resolve_order_user)
        self.field("Order", "fulfillments")(self._resolve_order_fulfillments)
        self.field("Order", "privateMetadata")(self._resolve_order_private_metadata)
        for name in _ORDER_FIELD_PERMISSIONS:
            self.field("Order", name)(self._resolve_guarded_order_field)
        self.field("OrderLine", "variant")(self._resolve_order_line_variant)

    def _resolve_order(
        self, info: Any, id: str | None = None, externalReference: str | None = None  # noqa: N803
    ) -> dict | None:
        if id and externalReference:
            raise GraphQLError("Argument 'id' cannot be combined with 'external_reference'")
        if not id and not externalReference:
            raise GraphQLError("At least one of arguments is required: 'id', 'external_reference'.")
        with self.lock:
            if not id:
                info.context.require("MANAGE_ORDERS")
                return next(
                    (o for o in self.orders if o.get("externalReference") == externalReference),
                    None,
                )
            # Saleor's from_global_id_or_error(id, Order) without raise_error: a
            # malformed ID is an error, an ID of another type just finds nothing.
            try:
                type_name, pk = from_global_id(id)
                if not pk.isdigit():
                    uuid.UUID(pk)
            except ValueError as exc:
                raise GraphQLError(f"Invalid ID: {id}. Expected: Order.") from exc
            if type_name != "Order":
                return None
            return next((o for o in self.orders if o.get("id") == id), None)

    def _resolve_orders(self, info: Any, **args: Any) -> dict:
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        unsupported = set(args) - {"first", "last", "filter", "channel"}
        if unsupported:
            raise GraphQLError(
                f"orders({', '.join(sorted(unsupported))}) is not implemented in the fake."
            )
        filter_ = args.get("filter") or {}
        unsupported = set(filter_) - {"numbers", "ids", "customer"}
        if unsupported:
            raise GraphQLError(
                f"orders(filter: {', '.join(sorted(unsupported))}) is not implemented in the fake."
            )
        if "ids" in filter_ and "numbers" in filter_:
            raise GraphQLError("'ids' and 'numbers` are not allowed to use together in filter.")
        with self.lock:
            orders = [o for o in self.orders if o.get("status") != "DRAFT"]
            if args.get("channel"):
                orders = [
                    o for o in orders if (o.get("channel") or {}).get("slug") == args["channel"]
                ]
            if filter_.get("numbers"):
                numbers = {str(number) for number in filter_["numbers"]}
                orders = [o for o in orders if str(o.get("number")) in numbers]
            if filter_.get("ids"):
                orders = [o for o in orders if o.get("id") in filter_["ids"]]
            if filter_.get("customer"):
                orders = [o for o in orders if _order_matches_customer(o, filter_["customer"])]
            return _order_connection(orders, info, args)

    def _resolve_user_orders(self, user: dict, info: Any, **args: Any) -> dict:
        if "orders" in user:
            return _read_field(user, info, args)
        context: RequestContext = info.context
        requestor = context.requestor
        is_owner = requestor is not None and requestor.get("id") == user.get("id")
        if requestor is None or not (is_owner or context.has_perm("MANAGE_ORDERS")):
            raise PermissionDenied(permissions=["OWNER", "MANAGE_ORDERS"])
        if set(args) - {"first", "last"}:
            raise GraphQLError("User.orders filters are not implemented in the fake.")
        with self.lock:
            orders = [o for o in self.orders if (o.get("user") or {}).get("id") == user.get("id")]
            if not context.has_perm("MANAGE_ORDERS"):
                orders = [o for o in orders if o.get("status") != "DRAFT"]
            return _order_connection(orders, info, args)

    @staticmethod
    def _resolve_order_user(order: dict, info: Any, **args: Any) -> dict | None:
        user = _read_field(order, info, args)
        if user is None:
            return None
        context: RequestContext = info.context
        requestor = context.requestor
        if requestor is not None and requestor.get("id") == user.get("id"):
            return user
        if context.has_perm(*_ORDER_USER_PERMISSIONS):
            return user
        raise permission_denied(*_ORDER_USER_PERMISSIONS, "OWNER")

    @staticmethod
    def _resolve_order_fulfillments(order: dict, info: Any, **args: Any) -> list | None:
        fulfillments = _read_field(order, info, args)
        context: RequestContext = info.context
        if fulfillments is None or context.app is not None or context.is_staff:
            return fulfillments
        # Customers never see canceled fulfillments.
        return [f for f in fulfillments if f.get("status") != "CANCELED"]

    @staticmethod
    def _resolve_order_private_metadata(order: dict, info: Any, **args: Any) -> Any:
        if not info.context.has_perm("MANAGE_ORDERS"):
            raise PermissionDenied()  # Saleor names no permission here
        return _read_field(order, info, args)

    @staticmethod
    def _resolve_guarded_order_field(order: dict, info: Any, **args: Any) -> Any:
        info.context.require(*_ORDER_FIELD_PERMISSIONS[info.field_name])
        return _read_field(order, info, args)

    @staticmethod
    def _resolve_order_line_variant(line: dict, info: Any, **args: Any) -> dict | None:
        variant = _read_field(line, info, args)
        if variant is None or info.context.has_perm(*_ALL_PRODUCTS_PERMISSIONS):
            return variant
        # Others see the variant only while its product is visible in the channel.
        product = variant.get("product") or {}
        return variant if product.get("_visible", True) else None

    # ------------------------------------------------------------------ keys & tokens

    @property
    def kid(self) -> str:
        return self._key.kid

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        return self._key.private_key

    def jwks(self) -> dict:
        """The JWKS document (one key, captured shape), as a fresh dict."""
        return {"keys": [dict(self._key.jwk)]}

    def jwks_bytes(self) -> bytes:
        """The exact bytes served at /.well-known/jwks.json (Django's JsonResponse)."""
        return json.dumps(self.jwks()).encode()

    def rotate_key(self) -> str:
        """Replace the signing key; the JWKS then lists only the new key. Returns its kid.

        Tokens signed with the old key stop working against the fake, as they would
        against a Saleor restarted with a new RSA_PRIVATE_KEY.
        """
        key = _SigningKey()
        with self.lock:
            self._key = key
        return key.kid

    def _decode_jwt(self, token: str) -> dict:
        """Saleor's ``jwt_decode``: RS256 with the current key, ``aud`` not checked."""
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "RS256":
            # Saleor falls back to HS256 with its SECRET_KEY, which the fake never signs with.
            raise jwt.InvalidSignatureError("Signature verification failed")
        return jwt.decode(
            token,
            self._key.private_key.public_key(),
            algorithms=["RS256"],
            options={"verify_aud": False},
        )

    def _encode_jwt(self, claims: dict) -> str:
        key = self._key
        return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})

    def _user_claims(self, user: Mapping, token_type: str, iat: Any, ttl: int | None) -> dict:
        issued = _timestamp(iat)
        claims: dict[str, Any] = {"iat": issued, "owner": "saleor", "iss": self.api_url}
        if ttl is not None:
            claims["exp"] = issued + int(ttl)
        claims.update(
            {
                "token": user["_jwt_token_key"],
                "email": user["email"],
                "type": token_type,
                "user_id": user["id"],
                "is_staff": bool(user.get("isStaff")),
            }
        )
        return claims

    def issue_customer_token(
        self,
        user: Mapping,
        *,
        iat: Any = None,
        ttl: int | None = ACCESS_TOKEN_TTL,
        **claim_overrides: Any,
    ) -> str:
        """An access token as ``tokenCreate`` returns it (works for staff users too).

        ``iat`` is a Unix time or datetime (default: now); ``claim_overrides`` replace
        claims, and ``OMIT`` removes one.
        """
        claims = self._user_claims(user, "access", iat, ttl)
        return self._encode_jwt(_apply_overrides(claims, claim_overrides))

    issue_access_token = issue_customer_token

    def issue_refresh_token(
        self,
        user: Mapping,
        *,
        iat: Any = None,
        ttl: int | None = REFRESH_TOKEN_TTL,
        csrf_token: str | None = None,
        **claim_overrides: Any,
    ) -> str:
        """A refresh token (30 days, with ``csrfToken``) as ``tokenCreate`` returns it."""
        claims = self._user_claims(user, "refresh", iat, ttl)
        claims["csrfToken"] = csrf_token or _random_string(64)
        return self._encode_jwt(_apply_overrides(claims, claim_overrides))

    def issue_staff_app_token(
        self,
        user: Mapping,
        app: Mapping,
        *,
        permissions: Iterable[str] | None = None,
        user_permissions: Iterable[str] | None = None,
        audience: str | None = None,
        iat: Any = None,
        ttl: int | None = ACCESS_TOKEN_TTL,
        **claim_overrides: Any,
    ) -> str:
        """The Dashboard's ``thirdparty`` token for ``app`` (``App.accessToken``).

        ``permissions`` defaults to app ∩ user permissions and ``user_permissions`` to
        all of the user's; ``aud`` is added only when there is an ``audience`` (given,
        or the app's manifest ``audience``).
        """
        held = _permission_codes(user.get("userPermissions"))
        if audience is None:
            audience = app.get("audience")
        if user_permissions is None:
            user_permissions = held
        if permissions is None:
            app_codes = set(_permission_codes(app.get("permissions")))
            permissions = [code for code in held if code in app_codes]
        claims = self._user_claims(user, "thirdparty", iat, ttl)
        claims["app"] = app["id"]
        claims["permissions"] = list(permissions)
        claims["user_permissions"] = list(user_permissions)
        if audience:
            claims["aud"] = audience
        return self._encode_jwt(_apply_overrides(claims, claim_overrides))

    # ------------------------------------------------------------------ webhooks

    def sign_webhook(self, body: bytes) -> str:
        """Saleor's ``Saleor-Signature``: detached JWS over the raw body (RFC 7797).

        The protected header is compact JSON with sorted keys (PyJWT's encoding),
        byte for byte what every captured delivery carries, ``typ: "JWT"`` included:
        ``{"alg":"RS256","b64":false,"crit":["b64"],"kid":"…","typ":"JWT"}``.
        """
        key = self._key
        header = {"alg": "RS256", "b64": False, "crit": ["b64"], "kid": key.kid, "typ": "JWT"}
        header_segment = _b64url(json.dumps(header, separators=(",", ":")).encode())
        signature = key.private_key.sign(
            header_segment.encode() + b"." + body, padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{header_segment}..{_b64url(signature)}"

    @staticmethod
    def webhook_body(payload: Mapping[str, Any]) -> bytes:
        """Serialise like Saleor: ``json.dumps`` defaults (``", "``/``": "``), no newline."""
        return json.dumps(payload, default=_json_default).encode()

    def webhook_headers(self, event: str, body: bytes) -> dict[str, str]:
        """The Saleor-specific headers of a webhook delivery, in captured order."""
        signature = self.sign_webhook(body)
        event_name = event.lower()
        return {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json",
            "X-Saleor-Event": event_name,
            "X-Saleor-Domain": self.domain,
            "X-Saleor-Signature": signature,
            "Saleor-Event": event_name,
            "Saleor-Domain": self.domain,
            "Saleor-Signature": signature,
            "Saleor-Api-Url": self.api_url,
            "traceparent": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01",
        }

    def deliver_webhook(
        self, url: str, event: str, payload: Mapping[str, Any] | bytes, *, timeout: float = 20.0
    ) -> tuple[int, bytes]:
        """POST one signed webhook to ``url``; returns ``(status, body)``.

        ``payload`` is a dict (serialised with ``webhook_body``) or raw bytes. Network
        errors propagate (``OSError``).
        """
        body = payload if isinstance(payload, bytes) else self.webhook_body(payload)
        headers = self.webhook_headers(event, body)
        return _http_request("POST", url, headers, body, timeout)

    def add_webhook(
        self,
        app: dict,
        target_url: str,
        *,
        query: str,
        async_events: Iterable[str] = (),
        sync_events: Iterable[str] = (),
        name: str | None = None,
        is_active: bool = True,
    ) -> dict:
        """Register a subscription webhook of ``app`` (as a manifest webhook would)."""
        document = parse(query)
        errors = validate(self.schema, document)
        if errors:
            raise ValueError(f"Invalid subscription query: {errors[0].message}")
        hook = {
            "__typename": "Webhook",
            "id": self.new_id("Webhook"),
            "name": name,
            "isActive": is_active,
            "targetUrl": target_url,
            "app": app,
            "asyncEvents": [_event_object(e) for e in async_events],
            "syncEvents": [_event_object(e) for e in sync_events],
            "events": [],
            "subscriptionQuery": query,
            "customHeaders": None,
        }
        with self.lock:
            app["webhooks"].append(hook)
        return hook

    def emit_event(
        self,
        event_type: str,
        event: Mapping[str, Any],
        *,
        issuing_principal: Mapping | None = None,
        recipients: Iterable[dict] | None = None,
    ) -> list[dict]:
        """Send ``event_type`` to every active webhook subscribed to it.

        ``event`` holds the event's own fields (e.g. ``{"order": order}``); the fake
        adds ``__typename`` (``ORDER_UPDATED`` -> ``OrderUpdated``), ``issuedAt``,
        ``version``, ``issuingPrincipal`` and ``recipient``, runs each webhook's
        subscription query over it with the recipient app as requestor (so the body
        has the query's key order), signs and POSTs it. Payloads are built now; when
        called from a resolver, the HTTP deliveries run right after the operation,
        before its response. Returns delivery records, also kept in ``deliveries``.
        """
        with self.lock:
            records = self._prepare_deliveries(event_type, event, issuing_principal, recipients)
        self._dispatch(records)
        return records

    def _prepare_deliveries(
        self,
        event_type: str,
        event: Mapping[str, Any],
        issuing_principal: Mapping | None,
        recipients: Iterable[dict] | None,
    ) -> list[dict]:
        """Build (under the lock) one signed-to-be delivery per subscribed webhook."""
        event_type = event_type.upper()
        records = []
        required = EVENT_PERMISSIONS.get(event_type)
        for app in list(self.apps if recipients is None else recipients):
            if not app.get("isActive"):
                continue
            if required and required not in _permission_codes(app.get("permissions")):
                continue
            for hook in app["webhooks"]:
                subscribed = {e["eventType"] for e in hook["asyncEvents"] + hook["syncEvents"]}
                if hook["isActive"] and event_type in subscribed:
                    records.append(
                        self._build_delivery(app, hook, event_type, event, issuing_principal)
                    )
        self.deliveries.extend(records)
        return records

    def _dispatch(self, records: list[dict]) -> None:
        """POST the deliveries now, or right after the running operation if inside one."""
        context = getattr(_current, "context", None)
        for record in records:
            if context is not None:
                context.defer(functools.partial(self._send_delivery, record))
            else:
                self._send_delivery(record)

    def _build_delivery(
        self, app: dict, hook: dict, event_type: str, event: Mapping, principal: Mapping | None
    ) -> dict:
        root_event = {
            "__typename": _event_typename(event_type),
            "issuedAt": _now_iso(),
            "version": SALEOR_VERSION,
            "issuingPrincipal": principal,
            "recipient": app,
            **event,
        }
        context = RequestContext(self, None, app=app)
        result = execute(
            self.schema,
            parse(hook["subscriptionQuery"]),
            root_value={"event": root_event},
            context_value=context,
            field_resolver=self._resolve_field,
            type_resolver=self._resolve_type,
        )
        record: dict[str, Any] = {
            "event": event_type,
            "url": hook["targetUrl"],
            "app": app["id"],
            "body": None,
            "status": None,
            "response": None,
            "error": None,
        }
        if result.errors:
            record["error"] = "; ".join(e.message for e in result.errors)
            return record
        record["body"] = self.webhook_body((result.data or {}).get("event"))
        return record

    def _send_delivery(self, record: dict) -> None:
        if record["body"] is None:
            return
        try:
            status, body = self.deliver_webhook(record["url"], record["event"], record["body"])
        except OSError as exc:  # Saleor would log it and retry later
            record["error"] = f"{type(exc).__name__}: {exc}"
            return
        record["status"] = status
        record["response"] = body

    # ------------------------------------------------------------------ installation

    def fetch_manifest(self, url: str, *, timeout: float = 20.0) -> tuple[int, bytes]:
        """GET the app manifest with Saleor's headers; returns ``(status, body)``."""
        headers = {"User-Agent": USER_AGENT, "Saleor-Schema-Version": SCHEMA_VERSION}
        return _http_request("GET", url, headers, None, timeout)

    def install_app(
        self, token_target_url: str, app: Mapping, *, timeout: float = 20.0
    ) -> tuple[int, bytes]:
        """POST ``{"auth_token": ...}`` to the app's tokenTargetUrl, unsigned, as Saleor does."""
        body = json.dumps({"auth_token": app["token"]}).encode()
        headers = {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json",
            "X-Saleor-Domain": self.domain,
            "Saleor-Domain": self.domain,
            "Saleor-Api-Url": self.api_url,
            "Saleor-Schema-Version": SCHEMA_VERSION,
        }
        return _http_request("POST", token_target_url, headers, body, timeout)

    def install_from_manifest(
        self, manifest_url: str, *, permissions: Iterable[str] | None = None
    ) -> dict:
        """``appInstall``: fetch the manifest, create the app and its webhooks, hand over the token.

        ``permissions`` defaults to the manifest's. A non-2xx answer from
        tokenTargetUrl (or a network error) deletes the app and raises
        ``InstallationError``, as Saleor fails the installation.
        """
        status, body = self.fetch_manifest(manifest_url)
        if not 200 <= status < 300:
            raise InstallationError(f"Manifest GET answered HTTP {status}")
        manifest = json.loads(body)
        for required in ("id", "name", "version"):
            if not manifest.get(required):
                raise InstallationError(f"Manifest lacks '{required}'")
        with self.lock:
            if any(a.get("identifier") == manifest["id"] for a in self.apps):
                raise InstallationError(f"App {manifest['id']} is already installed")
        app = self.add_app(
            identifier=manifest["id"],
            extensions=[],
            name=manifest["name"],
            permissions=manifest.get("permissions", []) if permissions is None else permissions,
            version=manifest["version"],
            manifestUrl=manifest_url,
            appUrl=manifest.get("appUrl"),
            aboutApp=manifest.get("about"),
            author=manifest.get("author"),
            homepageUrl=manifest.get("homepageUrl"),
            supportUrl=manifest.get("supportUrl"),
            dataPrivacyUrl=manifest.get("dataPrivacyUrl"),
            audience=manifest.get("audience"),
            tokenTargetUrl=manifest.get("tokenTargetUrl"),
        )
        try:
            self.set_app_extensions(app, manifest.get("extensions", []))
            for webhook in manifest.get("webhooks", []):
                self.add_webhook(
                    app,
                    webhook["targetUrl"],
                    query=webhook["query"],
                    async_events=webhook.get("asyncEvents", []),
                    sync_events=webhook.get("syncEvents", []),
                    name=webhook.get("name"),
                    is_active=webhook.get("isActive", True),
                )
            if manifest.get("tokenTargetUrl"):
                status, _ = self.install_app(manifest["tokenTargetUrl"], app)
                if not 200 <= status < 300:
                    raise InstallationError(f"tokenTargetUrl answered HTTP {status}")
        except (InstallationError, OSError, ValueError, KeyError) as exc:
            self.delete_app(app, notify=False)
            if isinstance(exc, InstallationError):
                raise
            raise InstallationError(f"{type(exc).__name__}: {exc}") from exc
        return app

    # ------------------------------------------------------------------ built-ins

    def _register_builtin_resolvers(self) -> None:
        self.query("app")(self._resolve_app)
        self.query("me")(self._resolve_me)
        self.query("user")(self._resolve_user)
        self.mutation("tokenVerify")(self._resolve_token_verify)
        self.mutation("tokenCreate")(self._resolve_token_create)
        self.mutation("appTokenVerify")(self._resolve_app_token_verify)
        self.field("App", "accessToken")(self._resolve_app_access_token)
        self.register_order_resolvers()
        self.register_returns_resolvers()

    def _resolve_app(self, info: Any, id: str | None = None) -> dict | None:
        context: RequestContext = info.context
        # Saleor's PermissionsField(AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP).
        context.require(AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP)
        app = context.app
        if app is not None:
            if not id or id == app["id"]:
                return app
            if not context.has_perm("MANAGE_APPS"):
                raise permission_denied("MANAGE_APPS")
        if not id:
            return None
        _from_global_id_or_error(id, "App")
        found = self.lookup(id)
        return found if found is not None and found.get("__typename") == "App" else None

    @staticmethod
    def _resolve_me(info: Any) -> dict | None:
        return info.context.user

    def _resolve_user(
        self, info: Any, id: str | None = None, email: str | None = None,
        externalReference: str | None = None,  # noqa: N803
    ) -> dict | None:
        """Saleor 3.23's `user`: PermissionsField(MANAGE_STAFF, MANAGE_USERS, MANAGE_ORDERS).

        saleor/graphql/account/resolvers.py `resolve_user`: MANAGE_STAFF and
        MANAGE_USERS together see every user, MANAGE_STAFF alone staff only,
        MANAGE_USERS or MANAGE_ORDERS customers only; anyone else gets null.
        """
        context: RequestContext = info.context
        context.require("MANAGE_STAFF", "MANAGE_USERS", "MANAGE_ORDERS")
        if id:
            _from_global_id_or_error(id, "User")
        held = context.permissions
        if {"MANAGE_STAFF", "MANAGE_USERS"} <= held:
            visible = lambda user: True  # noqa: E731
        elif "MANAGE_STAFF" in held:
            visible = lambda user: bool(user.get("isStaff"))  # noqa: E731
        else:
            visible = lambda user: not user.get("isStaff")  # noqa: E731
        with self.lock:
            for user in self.users:
                if id and user["id"] != id:
                    continue
                if email and user["email"].lower() != email.lower():
                    continue
                if externalReference and user.get("externalReference") != externalReference:
                    continue
                return user if visible(user) else None
        return None

    def delete_staff(self, user: dict) -> None:
        """`staffDelete`: the account is gone (STAFF_DELETED carries its last state)."""
        with self.lock:
            self.users = [other for other in self.users if other is not user]
        self.emit_event("STAFF_DELETED", {"user": user})

    def update_staff(self, user: dict, *, permissions: Iterable[str] | None = None, is_active: bool | None = None):
        """`staffUpdate` (or a group change): new permissions or activity, then STAFF_UPDATED."""
        with self.lock:
            if permissions is not None:
                user["userPermissions"] = _permission_objects(permissions)
            if is_active is not None:
                user["isActive"] = is_active
        self.emit_event("STAFF_UPDATED", {"user": user})

    def _resolve_token_verify(self, info: Any, token: str) -> dict:
        error = None
        payload = None
        user = None
        try:
            payload = self._decode_jwt(token)
        except jwt.ExpiredSignatureError:
            error = ("Signature has expired", "JWT_SIGNATURE_EXPIRED")
        except jwt.DecodeError:
            error = ("Error decoding signature", "JWT_DECODE_ERROR")
        except jwt.InvalidTokenError:
            error = ("Invalid token", "JWT_INVALID_TOKEN")
        if error is None:
            user = self._user_by_email(payload.get("email"))
            if (
                user is None
                or not payload.get("token")
                or user["_jwt_token_key"] != payload["token"]
            ):
                error = ("Invalid token", "JWT_INVALID_TOKEN")
        if error is not None:
            errors = [
                {"field": "token", "message": error[0], "code": error[1], "addressType": None}
            ]
            return {
                "isValid": False,
                "payload": None,
                "user": None,
                "errors": errors,
                "accountErrors": errors,
            }
        # saleor/graphql/account/mutations/authentication/utils.py `get_user`: a token's
        # `permissions` claim (thirdparty tokens) becomes the returned user's
        # effective permissions, so `user.userPermissions` shows the token's, not the account's.
        if payload.get("permissions") is not None:
            user = {**user, "userPermissions": _permission_objects(payload["permissions"])}
        return {
            "isValid": True,
            "payload": payload,
            "user": user,
            "errors": [],
            "accountErrors": [],
        }

    def _resolve_token_create(
        self, info: Any, email: str, password: str, audience: str | None = None
    ) -> dict:
        """Saleor 3.23's `tokenCreate` for users given a password (add_customer/add_staff).

        saleor/graphql/account/mutations/authentication/create_token.py: wrong
        credentials and unknown e-mails answer the same INVALID_CREDENTIALS error on
        `email`; an inactive account INACTIVE. A success returns an access token, a
        refresh token carrying the new CSRF token, the CSRF token and the user.
        """
        with self.lock:
            user = next((u for u in self.users if u["email"].lower() == str(email).strip().lower()), None)
        stored = (user or {}).get("_password")
        error = None
        if user is None or not stored or not secrets.compare_digest(str(stored), str(password)):
            error = ("Please, enter valid credentials", "INVALID_CREDENTIALS")
        elif not user.get("isActive"):
            error = ("Account inactive.", "INACTIVE")
        if error is not None:
            errors = [{"field": "email", "message": error[0], "code": error[1], "addressType": None}]
            return {"token": None, "refreshToken": None, "csrfToken": None, "user": None,
                    "errors": errors, "accountErrors": errors}
        extra = {"aud": f"custom:{audience}"} if audience else {}
        csrf_token = _random_string(64)
        return {
            "token": self.issue_customer_token(user, **extra),
            "refreshToken": self.issue_refresh_token(user, csrf_token=csrf_token, **extra),
            "csrfToken": csrf_token,
            "user": user,
            "errors": [],
            "accountErrors": [],
        }

    def _resolve_app_token_verify(self, info: Any, token: str) -> dict:
        return {"valid": self._app_by_token(token) is not None, "errors": [], "appErrors": []}

    def _resolve_app_access_token(self, app: dict, info: Any) -> str | None:
        # Staff-only: the Dashboard's thirdparty token for this app and user.
        context: RequestContext = info.context
        if context.app is not None or not context.is_staff:
            return None
        return self.issue_staff_app_token(context.user, app)


    # ------------------------------------------------------------------ catalog data API

    def add_channel(
        self,
        slug: str = "default-channel",
        currency: str = "USD",
        *,
        is_active: bool = True,
        automatically_confirm_all_new_orders: bool = True,
    ) -> dict:
        """A channel, reused by slug (``add_order`` makes its own on first use too).

        With ``automatically_confirm_all_new_orders`` off (a channel order
        setting), ``draftOrderComplete`` leaves orders UNCONFIRMED.
        """
        with self.lock:
            channel = self._channel_for(self._catalog(), slug, currency)
            channel["isActive"] = is_active
            channel["_automatically_confirm_all_new_orders"] = automatically_confirm_all_new_orders
            _append_once(self.channels, channel)
        return channel

    def add_warehouse(self, name: str = "Default warehouse") -> dict:
        """A warehouse, reused by name; ``fulfill(warehouse=name)`` ships from the same one."""
        with self.lock:
            warehouse = self._catalog().get(("Warehouse", name)) or self._new_warehouse(name)
            _append_once(self.warehouses, warehouse)
        return warehouse

    def add_variant(
        self,
        sku: str,
        *,
        price: Decimal | int | str | None = None,
        channel_slug: str = "default-channel",
        currency: str | None = None,
        track_inventory: bool = True,
        stocks: Mapping[str, int] | None = None,
        **spec: Any,
    ) -> dict:
        """A product variant, e.g. the one an exchange ships; an existing SKU is reused.

        ``spec`` takes the catalog keys of an order line (``product_name``,
        ``variant_name``, ``product_type``, ``category``, ``collections``,
        ``metadata``, ``variant_metadata``, ``product_visible``). ``price`` (gross)
        lists the variant in the channel at that price, which ``draftOrderCreate``
        needs; a variant already sold in a channel is listed there at its
        undiscounted unit price. ``currency`` is needed for a new channel only
        (default USD). ``stocks`` sets ``{warehouse name: quantity}``.
        """
        unknown = set(spec) - _VARIANT_SPEC_KEYS
        if unknown:
            raise ValueError(
                f"Unknown variant keys {sorted(unknown)}; use {sorted(_VARIANT_SPEC_KEYS)}."
            )
        with self.lock:
            catalog = self._catalog()
            variant = self._variant_for({"sku": sku, **spec}, catalog)
            variant["trackInventory"] = track_inventory
            _append_once(self.variants, variant)
            if price is not None:
                channel = self._channel_for(catalog, channel_slug, currency)
                _append_once(self.channels, channel)
                amount = _quantize(_decimal(price, "price"), channel["currencyCode"])
                variant.setdefault("_channel_prices", {})[channel_slug] = amount
            for warehouse, quantity in (stocks or {}).items():
                self.set_stock(sku, quantity, warehouse=warehouse)
        return variant

    def set_stock(
        self,
        sku: str,
        quantity: int,
        *,
        warehouse: str = "Default warehouse",
        allocated: int | None = None,
    ) -> dict:
        """Set the stock of ``sku`` in ``warehouse`` (created if new); returns the Stock dict."""
        with self.lock:
            variant = self._catalog().get(("ProductVariant", sku))
            if variant is None:
                raise ValueError(f"No variant {sku!r}: use add_variant() or add_order() first.")
            stock = self._stock(variant, self.add_warehouse(warehouse))
            stock["quantity"] = int(quantity)
            if allocated is not None:
                stock["quantityAllocated"] = int(allocated)
        return stock

    def stock_levels(self, sku: str) -> dict[str, int]:
        """``{warehouse name: quantity}`` of ``sku``, e.g. to see that a return did not restock."""
        with self.lock:
            return {
                stock["warehouse"]["name"]: stock["quantity"]
                for stock in self.stocks
                if stock["productVariant"]["sku"] == sku
            }

    def add_shipping_method(
        self,
        name: str = "Standard",
        price: Decimal | int | str = Decimal("0"),
        *,
        channel_slug: str = "default-channel",
        currency: str | None = None,
    ) -> dict:
        """A shipping method of a channel, for ``draftOrderCreate(input: {shippingMethod})``.

        ``currency`` is needed for a new channel only (default USD).
        """
        with self.lock:
            channel = self._channel_for(self._catalog(), channel_slug, currency)
            _append_once(self.channels, channel)
            method = {
                "__typename": "ShippingMethodType",
                "id": self.new_id("ShippingMethodType"),
                "name": name,
                "price": _money(_decimal(price, "price"), channel["currencyCode"]),
                "metadata": [],
                "privateMetadata": [],
                "_channel": channel,
            }
            self.shipping_methods.append(method)
        return method

    def _channel_for(self, catalog: dict, slug: str, currency: str | None) -> dict:
        """The channel ``slug``, created in ``currency`` (default USD) when new."""
        channel = catalog.get(("Channel", slug))
        if currency is None:
            currency = channel["currencyCode"] if channel else "USD"
        currency = currency.upper()
        if channel is None:
            channel = {
                "__typename": "Channel",
                "id": self.new_id("Channel"),
                "slug": slug,
                "name": slug.replace("-", " ").title(),
                "currencyCode": currency,
                "isActive": True,
                "hasOrders": True,
                "metadata": [],
                "privateMetadata": [],
            }
            catalog[("Channel", slug)] = channel
        elif channel["currencyCode"] != currency:
            raise ValueError(f"Channel {slug} exists with currency {channel['currencyCode']}.")
        return channel

    def _new_warehouse(self, name: str) -> dict:
        return {
            "__typename": "Warehouse",
            "id": global_id("Warehouse", uuid.uuid4()),
            "name": name,
            "slug": _slug(name),
            "email": "",
            "isPrivate": True,
            "companyName": "",
            "clickAndCollectOption": "DISABLED",
            "externalReference": None,
            "address": _address_dict(
                {"companyName": name, "country": "US"}, self.new_id("Address")
            ),
            "metadata": [],
            "privateMetadata": [],
        }

    def _stock(self, variant: dict, warehouse: dict) -> dict:
        """The Stock of ``variant`` in ``warehouse``, created empty if missing."""
        for stock in self.stocks:
            if stock["productVariant"] is variant and stock["warehouse"] is warehouse:
                return stock
        stock = {
            "__typename": "Stock",
            "id": self.new_id("Stock"),
            "warehouse": warehouse,
            "productVariant": variant,
            "quantity": 0,
            "quantityAllocated": 0,
            "quantityReserved": 0,
        }
        self.stocks.append(stock)
        return stock

    def _variant_price(self, variant: Mapping, channel: Mapping) -> Decimal | None:
        """The variant's price in ``channel``, or None when it is not listed there."""
        listed = (variant.get("_channel_prices") or {}).get(channel["slug"])
        if listed is not None:
            return listed
        for order in reversed(self.orders):
            if order.get("channel") is not channel or order.get("status") == "DRAFT":
                continue
            for line in order["lines"]:
                if line.get("variant") is variant:
                    return _amount(line["undiscountedUnitPrice"]["gross"])
        return None

    # ------------------------------------------------------------------ simulated payment app

    def settle_refund(
        self, granted_refund_id: str, success: bool = True, message: str = ""
    ) -> dict:
        """The payment app reports the outcome of a PENDING refund (``transactionEventReport``).

        A success moves the amount from ``refundPendingAmount`` to
        ``refundedAmount`` and sends ORDER_REFUNDED, ORDER_UPDATED (and
        ORDER_FULLY_REFUNDED once everything is refunded); a failure gives the
        amount back to ``chargedAmount`` and sends ORDER_PAID, ORDER_FULLY_PAID
        (when fully charged again) and ORDER_UPDATED. As in Saleor, those
        payloads still show the grant as PENDING; its status changes after them.
        Returns the new REFUND_SUCCESS or REFUND_FAILURE TransactionEvent.
        """
        with self.lock:
            found = self._find_granted_refund(granted_refund_id)
            if found is None:
                raise ValueError(f"No granted refund {granted_refund_id}.")
            order, grant = found
            if grant["status"] != "PENDING":
                raise ValueError(
                    f"Granted refund {granted_refund_id} is {grant['status']}, not PENDING."
                )
            request = next(e for e in grant["transactionEvents"] if e["type"] == "REFUND_REQUEST")
            transaction = grant["transaction"]
            amount = _amount(request["amount"])
            event = self._transaction_event(
                "REFUND_SUCCESS" if success else "REFUND_FAILURE",
                amount,
                order["_currency"],
                _now_iso(),
                request["pspReference"],
                _payment_app(transaction),
            )
            event["message"] = message
            _add_refund_event(transaction, grant, event)
            _shift(transaction, "refundPendingAmount", -amount)
            _shift(transaction, "refundedAmount" if success else "chargedAmount", amount)
            self.refresh_order(order)
            event_types = _refunded_events(order) if success else _charged_again_events(order)
            records = [
                record
                for event_type in event_types
                for record in self._prepare_deliveries(event_type, {"order": order}, None, None)
            ]
            grant["status"] = "SUCCESS" if success else "FAILURE"
        self._dispatch(records)
        return event

    def _payment_app_outcome(self) -> str:
        if self.payment_app_mode not in PAYMENT_APP_MODES:
            raise ValueError(f"payment_app_mode must be one of {PAYMENT_APP_MODES}.")
        if self.fail_refund_requests > 0:
            self.fail_refund_requests -= 1
            return "failure"
        return self.payment_app_mode

    def _request_refund(
        self, order: dict, transaction: dict, grant: dict, amount: Decimal, context: RequestContext
    ) -> None:
        """Record REFUND_REQUEST and let the simulated payment app answer it.

        Saleor delivers TRANSACTION_REFUND_REQUESTED to the app owning the
        transaction; its answer decides the events. Webhooks caused by the
        answer are built before the grant's status is recalculated, which is
        why they show the status it had before (captures: NONE).
        """
        currency = order["_currency"]
        outcome = self._payment_app_outcome()
        request = self._transaction_event("REFUND_REQUEST", amount, currency, _now_iso(), "", None)
        _add_refund_event(transaction, grant, request)
        record = {
            "grantedRefund": grant["id"],
            "transaction": transaction["id"],
            "amount": amount,
            "currency": currency,
            "pspReference": "",
            "outcome": outcome,
        }
        self.refund_requests.append(record)
        app = _payment_app(transaction)
        if outcome == "no_app":
            failure = self._transaction_event(
                "REFUND_FAILURE", amount, currency, _now_iso(), "", None
            )
            failure["message"] = _NO_PAYMENT_APP
            _add_refund_event(transaction, grant, failure)
            grant["status"] = "FAILURE"
            raise _invalid(None, _NO_PAYMENT_APP, "MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK")
        psp_reference = f"refund-{secrets.token_hex(6)}"
        request["pspReference"] = record["pspReference"] = psp_reference
        transaction["modifiedAt"] = _now_iso()
        if outcome == "failure":
            failure = self._transaction_event(
                "REFUND_FAILURE", amount, currency, _now_iso(), psp_reference, app
            )
            failure["message"] = self.refund_failure_message
            _add_refund_event(transaction, grant, failure)
            status = "FAILURE"  # nothing moved, so Saleor sends no webhook
        elif outcome == "pending":
            _shift(transaction, "chargedAmount", -amount)
            _shift(transaction, "refundPendingAmount", amount)
            self.refresh_order(order)
            self.emit_event("ORDER_UPDATED", {"order": order})
            status = "PENDING"
        else:
            success = self._transaction_event(
                "REFUND_SUCCESS", amount, currency, _now_iso(), psp_reference, app
            )
            _add_refund_event(transaction, grant, success)
            _shift(transaction, "chargedAmount", -amount)
            _shift(transaction, "refundedAmount", amount)
            self.refresh_order(order)
            for event_type in _refunded_events(order):
                self.emit_event(event_type, {"order": order})
            status = "SUCCESS"
        grant["status"] = status
        self._add_order_event(order, "TRANSACTION_REFUND_REQUESTED", context, amount=amount)

    # ------------------------------------------------------------------ returns resolvers

    def _resolve_variant_channel_listings(self, variant: dict, info: Any) -> list[dict] | None:
        """The channels a variant is sold in and its price there (MANAGE_PRODUCTS, as in Saleor)."""
        context: RequestContext = info.context
        if not context.has_perm("MANAGE_PRODUCTS"):
            raise PermissionDenied(permissions=["MANAGE_PRODUCTS"])
        listings = []
        with self.lock:
            channels = {channel["slug"]: channel for channel in self.channels}
            for slug, amount in (variant.get("_channel_prices") or {}).items():
                channel = channels.get(slug)
                if channel is None:
                    continue
                listings.append(
                    {
                        "__typename": "ProductVariantChannelListing",
                        "id": self.new_id("ProductVariantChannelListing"),
                        "channel": channel,
                        "price": _money(amount, channel["currencyCode"]),
                        "costPrice": None,
                        "priorPrice": None,
                        "preorderThreshold": None,
                    }
                )
        return listings

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
        and ``ProductVariant.stocks``.
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
        self.field("ProductVariant", "stocks")(self._resolve_variant_stocks)
        self.field("ProductVariant", "channelListings")(self._resolve_variant_channel_listings)
        self.query("warehouses")(self._resolve_warehouses)

    def _resolve_warehouses(self, info: Any, **args: Any) -> dict:
        """``warehouses``: every warehouse of the shop (added, stocked or shipped from)."""
        info.context.require("MANAGE_PRODUCTS", "MANAGE_ORDERS", "MANAGE_SHIPPING")
        unsupported = set(args) - {"first", "last", "filter", "sortBy"}
        if unsupported:
            raise GraphQLError(
                f"warehouses({', '.join(sorted(unsupported))}) is not implemented in the fake."
            )
        filter_ = args.get("filter") or {}
        unsupported = set(filter_) - {"ids", "slugs"}
        if unsupported:
            raise GraphQLError(
                f"warehouses(filter: {', '.join(sorted(unsupported))}) "
                "is not implemented in the fake."
            )
        with self.lock:
            warehouses = [
                item for (type_name, _), item in self._catalog().items() if type_name == "Warehouse"
            ]
        if filter_.get("ids"):
            warehouses = [w for w in warehouses if w["id"] in filter_["ids"]]
        if filter_.get("slugs"):
            warehouses = [w for w in warehouses if w["slug"] in filter_["slugs"]]
        sort_by = args.get("sortBy")
        if sort_by:
            # WarehouseSortField.NAME sorts by name, then slug.
            warehouses.sort(
                key=lambda w: (w["name"], w["slug"]), reverse=sort_by["direction"] == "DESC"
            )
        else:
            # Warehouse's default ordering is by slug, descending.
            warehouses.sort(key=lambda w: w["slug"], reverse=True)
        return _connection(warehouses, info, args, "Warehouse", "slug")

    def _resolve_grant_refund_create(self, info: Any, id: str, input: dict) -> dict:
        """``orderGrantRefundCreate``, validated in the order of Saleor's clean_input."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        order = self._order_or_error(id, "id")
        amount = input.get("amount")
        lines_input = input.get("lines") or []
        for_shipping = bool(input.get("grantRefundForShipping"))
        if amount is None and not lines_input and not for_shipping:
            fields = ("amount", "lines", "grantRefundForShipping")
            message = (
                "You must provide at least one of `amount`, `lines`, `grantRefundForShipping`."
            )
            raise _MutationErrors(*(_error(field, message, "REQUIRED") for field in fields))
        _refuse_reason_reference(input.get("reasonReference"))
        granted_lines = self._clean_grant_lines(order, lines_input)
        if for_shipping and any(g["shippingCostsIncluded"] for g in order["grantedRefunds"]):
            raise _invalid(
                "grantRefundForShipping",
                "Shipping costs have already been granted.",
                "SHIPPING_COSTS_ALREADY_GRANTED",
            )
        transaction = self._order_transaction_or_error(order, input["transactionId"])
        currency = order["_currency"]
        charged = _amount(transaction["chargedAmount"])
        if amount is None:
            computed = sum(
                (
                    _amount(line["orderLine"]["unitPrice"]["gross"]) * line["quantity"]
                    for line in granted_lines
                ),
                Decimal(0),
            )
            if for_shipping:
                computed += _amount(order["shippingPrice"]["gross"])
            value = min(computed, charged)
        else:
            value = _quantize(_decimal_argument(amount, "amount"), currency)
            if value > charged:
                raise _invalid(
                    "amount",
                    "Amount cannot be greater than the charged amount of provided transaction.",
                    "AMOUNT_GREATER_THAN_AVAILABLE",
                )
        now = _now_iso()
        grant = {
            "__typename": "OrderGrantedRefund",
            "id": self.new_id("OrderGrantedRefund"),
            "createdAt": now,
            "updatedAt": now,
            "amount": _money(value, currency),
            "reason": input.get("reason") or "",
            "reasonReference": None,
            "user": context.user,
            "app": context.app,
            "shippingCostsIncluded": for_shipping,
            "lines": granted_lines,
            "status": "NONE",
            "transactionEvents": [],
            "transaction": transaction,
        }
        order["grantedRefunds"].append(grant)
        self.refresh_order(order)
        return {"order": order, "grantedRefund": grant}

    def _clean_grant_lines(self, order: dict, lines_input: list[dict]) -> list[dict]:
        """Granted refund lines, or Saleor's INVALID error with one nested error per bad line."""
        errors = []
        for line_input in lines_input:
            if line_input.get("reasonReference"):
                errors.append(
                    {
                        "lineId": line_input["id"],
                        "field": "reasonReference",
                        "message": "Reason reference type is not configured.",
                        "code": "NOT_CONFIGURED",
                    }
                )
        # Keyed by line ID: a line given twice counts once, with its last quantity.
        requested: dict[str, dict] = {}
        for line_input in lines_input:
            try:
                _parse_global_id(line_input["id"], "OrderLine")
            except GraphQLError as exc:
                errors.append(
                    {
                        "lineId": line_input["id"],
                        "field": "id",
                        "message": exc.message,
                        "code": "GRAPHQL_ERROR",
                    }
                )
                continue
            requested[line_input["id"]] = line_input
        lines = {line["id"]: line for line in order["lines"]}
        for line_id in requested:
            if line_id not in lines:
                errors.append(
                    {
                        "lineId": line_id,
                        "field": "id",
                        "message": "Could not resolve to a line.",
                        "code": "NOT_FOUND",
                    }
                )
        for line_id, line_input in requested.items():
            line = lines.get(line_id)
            if line is None:
                continue
            already = sum(
                granted_line["quantity"]
                for granted in order["grantedRefunds"]
                for granted_line in granted.get("lines") or ()
                if granted_line["orderLine"] is line
            )
            if line_input["quantity"] + already > line["quantity"]:
                errors.append(
                    {
                        "lineId": line_id,
                        "field": "quantity",
                        "message": (
                            "Cannot grant refund for more than the available quantity "
                            f"of the line ({line['quantity'] - already})."
                        ),
                        "code": "QUANTITY_GREATER_THAN_AVAILABLE",
                    }
                )
        if errors:
            raise _invalid("lines", "Provided input for lines is invalid.", "INVALID", lines=errors)
        return [
            {
                "__typename": "OrderGrantedRefundLine",
                "id": self.new_id("OrderGrantedRefundLine"),
                "quantity": line_input["quantity"],
                "orderLine": lines[line_id],
                "reason": line_input.get("reason"),
                "reasonReference": None,
            }
            for line_id, line_input in requested.items()
        ]

    def _order_transaction_or_error(self, order: dict, transaction_id: str) -> dict:
        # A malformed ID escapes Saleor's mutation as a top-level GraphQL error.
        _parse_global_id(transaction_id, "TransactionItem")
        for transaction in order["transactions"]:
            if transaction["id"] == transaction_id:
                return transaction
        raise _invalid("transactionId", f"{_MISSING_NODE} {transaction_id}", "NOT_FOUND")

    def _resolve_request_granted_refund(
        self,
        info: Any,
        grantedRefundId: str,  # noqa: N803
        id: str | None = None,
        token: str | None = None,
    ) -> dict:
        """``transactionRequestRefundForGrantedRefund``: refuse PENDING or paid grants, else pay."""
        context: RequestContext = info.context
        context.require("HANDLE_PAYMENTS")
        order, grant = self._granted_refund_or_error(grantedRefundId)
        transaction = grant.get("transaction")
        if transaction is not None:
            if grant["status"] == "PENDING":
                raise _invalid(
                    "grantedRefundId",
                    "The refund request is already in progress.",
                    "REFUND_IS_PENDING",
                )
            if grant["status"] == "SUCCESS":
                raise _invalid(
                    "grantedRefundId",
                    "The granted refund is already processed.",
                    "REFUND_ALREADY_PROCESSED",
                )
            charged = _amount(transaction["chargedAmount"])
            granted = _amount(grant["amount"])
            if charged < granted:
                # Saleor prints the stored values, with 3 decimal places.
                raise _invalid(
                    "grantedRefundId",
                    f"The granted refund amount {granted:.3f} is greater than available "
                    f"charged amount on transactionItem ({charged:.3f}).Update the order "
                    "granted refund amount to process the grant refund.",
                    "AMOUNT_GREATER_THAN_AVAILABLE",
                )
        else:
            transaction = self._grant_transaction_or_error(order, id, token)
            grant["transaction"] = transaction
        charged = _amount(transaction["chargedAmount"])
        amount = min(_amount(grant["amount"]) or charged, charged)
        self._request_refund(order, transaction, grant, amount, context)
        return {"transaction": transaction}

    def _grant_transaction_or_error(self, order: dict, id: str | None, token: str | None) -> dict:
        """The transaction named by ``id`` or ``token`` for a grant that has none yet."""
        if id and token:
            raise _invalid(None, "Argument 'id' cannot be combined with 'token'", "GRAPHQL_ERROR")
        if not id and not token:
            message = "At least one of arguments is required: 'id', 'token'."
            raise _invalid(None, message, "GRAPHQL_ERROR")
        if id:
            _parse_global_id(id, "TransactionItem")
        for candidate in self.orders:
            for transaction in candidate["transactions"]:
                if transaction["id"] == id or (token and transaction.get("token") == str(token)):
                    if candidate is not order:
                        raise _MutationErrors(
                            _error(
                                "grantedRefundId",
                                "The granted refund belongs to different order than transaction.",
                                "INVALID",
                            ),
                            _error(
                                "id",
                                "The transaction belongs to different order than granted refund.",
                                "INVALID",
                            ),
                        )
                    return transaction
        raise _invalid("id", f"{_MISSING_NODE} {id or token}", "NOT_FOUND")

    def _resolve_order_refund(self, info: Any, id: str, amount: Any) -> dict:
        """``orderRefund`` (legacy Payments API): refunds through the order's last Payment."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        value = _decimal_argument(amount, "amount")
        if value <= 0:
            raise _invalid("amount", "Amount should be a positive number.", "ZERO_QUANTITY")
        order = self._order_or_error(id, "id")
        currency = order["_currency"]
        value = _quantize(value, currency)
        payment = order["payments"][-1] if order["payments"] else None
        if payment is None:
            message = "There's no payment associated with the order."
            raise _invalid("payment", message, "PAYMENT_MISSING")
        if payment["chargeStatus"] not in _REFUNDABLE_PAYMENT_STATUSES:
            raise _invalid("payment", "Payment cannot be refunded.", "CANNOT_REFUND")
        if value > _amount(payment["capturedAmount"]):
            raise _invalid("payment", "Cannot refund more than captured.", "PAYMENT_ERROR")
        self._refund_payment(payment, value, currency)
        self._add_order_event(order, "PAYMENT_REFUNDED", context, amount=value)
        # Saleor records the refund as a REFUNDED fulfillment without lines or warehouse.
        fulfillment = self._new_fulfillment(order, "REFUNDED", None, "", None, None, reason="")
        fulfillment["warehouse"] = None
        fulfillment["totalRefundedAmount"] = _money(value, currency)
        order["fulfillments"].append(fulfillment)
        self.refresh_order(order)
        for event_type in _refunded_events(order):
            self.emit_event(event_type, {"order": order}, issuing_principal=context.requestor)
        return {"order": order}

    def _refund_payment(self, payment: dict, amount: Decimal, currency: str) -> None:
        """A successful legacy REFUND transaction: ``capturedAmount`` falls by ``amount``."""
        captured = _amount(payment["capturedAmount"]) - amount
        payment["transactions"].append(
            self._legacy_transaction(payment, "REFUND", amount, currency, _now_iso())
        )
        payment["capturedAmount"] = _money(captured, currency)
        payment["availableRefundAmount"] = _money(captured, currency)
        payment["chargeStatus"] = "PARTIALLY_REFUNDED" if captured else "FULLY_REFUNDED"
        payment["actions"] = ["REFUND"] if captured else []
        payment["modified"] = _now_iso()

    def _resolve_return_products(self, info: Any, order: str, input: dict) -> dict:
        """``orderFulfillmentReturnProducts``: returned units go to new fulfillments, unstocked."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        target = self._order_or_error(order, "order")
        currency = target["_currency"]
        payment = None
        amount_to_refund = None
        if input.get("refund"):
            payment = target["payments"][-1] if target["payments"] else None
            if payment is None or payment["chargeStatus"] not in _REFUNDABLE_PAYMENT_STATUSES:
                raise _invalid("order", "Order cannot be refunded.", "CANNOT_REFUND")
            if input.get("amountToRefund") is not None:
                amount_to_refund = _quantize(
                    _decimal_argument(input["amountToRefund"], "amountToRefund"), currency
                )
                if amount_to_refund > _amount(payment["capturedAmount"]):
                    raise _invalid(
                        "amountToRefund",
                        "The amountToRefund is greater than the maximal possible amount "
                        "to refund.",
                        "CANNOT_REFUND",
                    )
        _refuse_reason_reference(input.get("reasonReference"))
        order_moves = self._clean_returned_order_lines(target, input.get("orderLines") or [])
        fulfillment_moves = self._clean_returned_fulfillment_lines(
            target, input.get("fulfillmentLines") or []
        )
        reason = input.get("reason") or ""
        include_shipping = bool(input.get("includeShippingCosts"))

        refunded = None
        if payment is not None:
            refunded = self._refund_returned_lines(
                target,
                payment,
                order_moves + fulfillment_moves,
                amount_to_refund,
                include_shipping,
                context,
            )
        replace_fulfillment = replace_order = None
        if any(move.replace for move in order_moves + fulfillment_moves):
            replace_fulfillment = self._returned_fulfillment(target, "REPLACED", reason)
            replaced = [move for move in order_moves + fulfillment_moves if move.replace]
            self._move_returned_lines(replace_fulfillment, replaced)
            replace_order = self._replace_order(target, replaced)
            self._add_order_event(target, "FULFILLMENT_REPLACED", context, moves=replaced)
            self._add_order_event(target, "ORDER_REPLACEMENT_CREATED", context)
            self._add_order_event(replace_order, "DRAFT_CREATED_FROM_REPLACE", context)
        status = "RETURNED" if refunded is None else "REFUNDED_AND_RETURNED"
        return_fulfillment = self._returned_fulfillment(target, status, reason)
        if refunded is not None:
            return_fulfillment["totalRefundedAmount"] = _money(refunded, currency)
            if include_shipping and amount_to_refund is None:
                shipping = dict(target["shippingPrice"]["gross"])
                return_fulfillment["shippingRefundedAmount"] = shipping
        returned = [move for move in order_moves + fulfillment_moves if not move.replace]
        # Units refunded earlier (a REFUNDED fulfillment) go to a REFUNDED_AND_RETURNED one.
        already_refunded = [move for move in returned if move.refunded_before]
        self._move_returned_lines(
            return_fulfillment, [move for move in returned if not move.refunded_before]
        )
        if already_refunded:
            destination = return_fulfillment
            if status != "REFUNDED_AND_RETURNED":
                destination = self._returned_fulfillment(target, "REFUNDED_AND_RETURNED", reason)
            self._move_returned_lines(destination, already_refunded)
        target["fulfillments"] = [
            fulfillment
            for fulfillment in target["fulfillments"]
            if fulfillment["lines"]
            or fulfillment["status"] not in ("FULFILLED", "WAITING_FOR_APPROVAL")
        ]
        _refresh_order_status(target)
        self.refresh_order(target)
        self._add_order_event(target, "FULFILLMENT_RETURNED", context, moves=returned)
        principal = context.requestor
        self.emit_event("ORDER_UPDATED", {"order": target}, issuing_principal=principal)
        if replace_order is not None:
            self.emit_event(
                "DRAFT_ORDER_CREATED", {"order": replace_order}, issuing_principal=principal
            )
        return {
            "returnFulfillment": return_fulfillment,
            "replaceFulfillment": replace_fulfillment,
            "order": target,
            "replaceOrder": replace_order,
        }

    def _clean_returned_order_lines(
        self, order: dict, lines_input: list[dict]
    ) -> list[_ReturnMove]:
        lines = self._nodes_or_error(
            [line_input["orderLineId"] for line_input in lines_input],
            "OrderLine",
            "orderLines",
            {line["id"]: line for line in order["lines"]},
        )
        moves = []
        for line, line_input in zip(lines, lines_input, strict=True):
            quantity = line_input["quantity"]
            unfulfilled = line["quantity"] - line["quantityFulfilled"]
            if quantity < 1:
                # Saleor does not check this; the fake refuses it to keep its books straight.
                problem = "Provided quantity must be greater than 0."
            elif quantity > line["quantity"]:
                problem = "Provided quantity is bigger than quantity from order line."
            elif quantity > unfulfilled:
                problem = "Provided quantity is bigger than unfulfilled quantity."
            elif line_input.get("replace") and line.get("variant") is None:
                problem = "Unable to replace line as the assigned product doesn't exist."
            else:
                problem = None
            if problem:
                raise _invalid("orderLineId", problem, "INVALID_QUANTITY")
            _refuse_reason_reference(line_input.get("reasonReference"))
            moves.append(
                _ReturnMove(
                    line,
                    None,
                    None,
                    quantity,
                    bool(line_input.get("replace")),
                    line_input.get("reason") or "",
                )
            )
        return moves

    def _clean_returned_fulfillment_lines(
        self, order: dict, lines_input: list[dict]
    ) -> list[_ReturnMove]:
        owners = {
            fulfillment_line["id"]: (fulfillment, fulfillment_line)
            for fulfillment in order["fulfillments"]
            for fulfillment_line in fulfillment["lines"]
        }
        found = self._nodes_or_error(
            [line_input["fulfillmentLineId"] for line_input in lines_input],
            "FulfillmentLine",
            "fulfillmentLines",
            owners,
        )
        moves = []
        for (fulfillment, fulfillment_line), line_input in zip(found, lines_input, strict=True):
            quantity = line_input["quantity"]
            if quantity < 1:
                message = "Provided quantity must be greater than 0."
                raise _invalid("fulfillmentLineId", message, "INVALID_QUANTITY")
            if quantity > fulfillment_line["quantity"]:
                raise _invalid(
                    "fulfillmentLineId",
                    "Provided quantity is bigger than quantity from fulfillment line",
                    "INVALID_QUANTITY",
                )
            if fulfillment["status"] not in _RETURNABLE_FULFILLMENT_STATUSES:
                raise _invalid(
                    "fulfillmentLineId",
                    "Unable to process action for fulfillmentLine with different status than "
                    + ", ".join(status.lower() for status in _RETURNABLE_FULFILLMENT_STATUSES)
                    + ".",
                    "INVALID",
                )
            line = fulfillment_line["orderLine"]
            if line_input.get("replace") and line.get("variant") is None:
                message = "Unable to replace line as the assigned product doesn't exist."
                raise _invalid("orderLineId", message, "INVALID_QUANTITY")
            _refuse_reason_reference(line_input.get("reasonReference"))
            moves.append(
                _ReturnMove(
                    line,
                    fulfillment,
                    fulfillment_line,
                    quantity,
                    bool(line_input.get("replace")),
                    line_input.get("reason") or "",
                )
            )
        return moves

    def _refund_returned_lines(
        self,
        order: dict,
        payment: dict,
        moves: list[_ReturnMove],
        amount_to_refund: Decimal | None,
        include_shipping: bool,
        context: RequestContext,
    ) -> Decimal:
        """``refund: true`` with a legacy Payment: refund the returned (not replaced) units."""
        currency = order["_currency"]
        amount = amount_to_refund
        if amount is None:
            amount = sum(
                (
                    _amount(move.line["unitPrice"]["gross"]) * move.quantity
                    for move in moves
                    if not move.replace and not move.refunded_before
                ),
                Decimal(0),
            )
            if include_shipping:
                amount += _amount(order["shippingPrice"]["gross"])
        if amount:
            amount = min(_amount(payment["capturedAmount"]), amount)
            self._refund_payment(payment, amount, currency)
            self._add_order_event(order, "PAYMENT_REFUNDED", context, amount=amount)
            self.refresh_order(order)
            # The ORDER_UPDATED of the return itself follows, so none is sent here.
            for event_type in _refunded_events(order):
                if event_type != "ORDER_UPDATED":
                    self.emit_event(
                        event_type, {"order": order}, issuing_principal=context.requestor
                    )
        self._add_order_event(order, "FULFILLMENT_REFUNDED", context, amount=amount)
        return amount

    def _returned_fulfillment(self, order: dict, status: str, reason: str) -> dict:
        fulfillment = self._new_fulfillment(order, status, None, "", None, None, reason=reason)
        order["fulfillments"].append(fulfillment)
        return fulfillment

    def _move_returned_lines(self, target: dict, moves: list[_ReturnMove]) -> None:
        """Move units into ``target``: unfulfilled ones count as fulfilled from now on."""
        for move in moves:
            if move.fulfillment_line is None:
                move.line["quantityFulfilled"] += move.quantity
            else:
                move.fulfillment_line["quantity"] -= move.quantity
                if not move.fulfillment_line["quantity"]:
                    move.fulfillment["lines"].remove(move.fulfillment_line)
            target["lines"].append(
                self._new_fulfillment_line(move.line, move.quantity, move.reason)
            )

    def _replace_order(self, original: dict, moves: list[_ReturnMove]) -> dict:
        """The REISSUE draft Saleor makes for replaced units: the customer's data, no shipping."""
        quantities: dict[str, int] = {}
        for move in moves:
            quantities[move.line["id"]] = quantities.get(move.line["id"], 0) + move.quantity
        draft = self.add_order(
            channel_slug=original["channel"]["slug"],
            currency=original["_currency"],
            user=original.get("user"),
            user_email=original.get("userEmail"),
            status="DRAFT",
            metadata=_metadata_dict(original.get("metadata")),
            origin="REISSUE",
            original=original["id"],
            privateMetadata=[dict(item) for item in original.get("privateMetadata") or ()],
            shippingAddress=self._copy_address(original.get("shippingAddress")),
            billingAddress=self._copy_address(original.get("billingAddress")),
            languageCodeEnum=original.get("languageCodeEnum", "EN_US"),
        )
        lines_by_id = {line["id"]: line for line in original["lines"]}
        for line_id, quantity in quantities.items():
            draft["lines"].append(
                _copy_order_line(lines_by_id[line_id], quantity, draft["_currency"])
            )
        self.refresh_order(draft)
        return draft

    def _resolve_gift_card_create(self, info: Any, input: dict) -> dict:
        """``giftCardCreate``: store credit with an exact balance and a generated code."""
        context: RequestContext = info.context
        context.require("MANAGE_GIFT_CARD")
        code = input.get("code")
        if code and any(card["code"] == code for card in self.gift_cards):
            raise _invalid("code", "Promo code already exists.", "ALREADY_EXISTS")
        code = code or self._new_gift_card_code()
        expiry_date = input.get("expiryDate")
        if expiry_date and datetime.date.fromisoformat(str(expiry_date)) <= datetime.date.today():
            raise _invalid("expiryDate", "Expiry date must be in the future.", "INVALID")
        balance = input["balance"]
        currency = balance["currency"]
        amount = _decimal_argument(balance["amount"], "balance")
        precision = get_currency_precision(currency)
        if amount and amount.normalize().as_tuple().exponent < -precision:
            message = f"Value cannot have more than {precision} decimal places."
            raise _invalid("balance", message, "INVALID")
        if not amount > 0:
            raise _invalid("balance", "Balance amount have to be greater than 0.", "INVALID")
        email = input.get("userEmail")
        if email:
            if not _EMAIL.fullmatch(email):
                raise _invalid("email", "Provided email is invalid.", "INVALID")
            if not input.get("channel"):
                message = "Channel slug must be specified when user_email is provided."
                raise _invalid("channel", message, "REQUIRED")
        assigned_to = None
        if input.get("assignedTo"):
            assigned_to = self._user_or_error(input["assignedTo"], "assignedTo")
        metadata = _metadata_input(input.get("metadata"), "metadata")
        private_metadata = _metadata_input(input.get("privateMetadata"), "privateMetadata")
        user = context.user
        card = {
            "__typename": "GiftCard",
            "id": self.new_id("GiftCard"),
            "code": code,
            "displayCode": code[-4:],
            "last4CodeChars": code[-4:],
            "created": _now_iso(),
            "createdBy": user,
            "createdByEmail": user["email"] if user else None,
            "usedBy": None,
            "usedByEmail": None,
            "assignedTo": assigned_to,
            "assignedToEmail": assigned_to["email"] if assigned_to else None,
            "app": context.app,
            "product": None,
            "lastUsedOn": None,
            "expiryDate": str(expiry_date) if expiry_date else None,
            "isActive": bool(input["isActive"]),
            "boughtInChannel": None,
            "initialBalance": _money(amount, currency),
            "currentBalance": _money(amount, currency),
            "tags": [
                {"__typename": "GiftCardTag", "id": self.new_id("GiftCardTag"), "name": tag}
                for tag in input.get("addTags") or ()
            ],
            "events": [],
            "metadata": _sorted_metadata(metadata),
            "privateMetadata": _sorted_metadata(private_metadata),
            "_note": input.get("note"),
        }
        self.gift_cards.append(card)
        self.emit_event(
            "GIFT_CARD_CREATED", {"giftCard": card}, issuing_principal=context.requestor
        )
        return {"giftCard": card}

    def _new_gift_card_code(self) -> str:
        """Saleor's generate_promo_code: 12 upper-case hex digits in groups of 4, unique."""
        while True:
            digits = secrets.token_hex(6).upper()
            code = "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))
            if all(card["code"] != code for card in self.gift_cards):
                return code

    def _resolve_gift_cards(self, info: Any, **args: Any) -> dict:
        info.context.require("MANAGE_GIFT_CARD")
        unsupported = set(args) - {"first", "last", "filter"}
        if unsupported:
            raise GraphQLError(
                f"giftCards({', '.join(sorted(unsupported))}) is not implemented in the fake."
            )
        filter_ = args.get("filter") or {}
        unsupported = set(filter_) - {"metadata", "isActive", "tags", "used"}
        if unsupported:
            raise GraphQLError(
                f"giftCards(filter: {', '.join(sorted(unsupported))}) "
                "is not implemented in the fake."
            )
        cards = list(self.gift_cards)
        for item in filter_.get("metadata") or ():
            cards = [
                card
                for card in cards
                if _has_metadata(card["metadata"], item["key"], item.get("value"))
            ]
        if filter_.get("isActive") is not None:
            cards = [card for card in cards if card["isActive"] == filter_["isActive"]]
        if filter_.get("tags"):
            wanted = set(filter_["tags"])
            cards = [card for card in cards if wanted & {tag["name"] for tag in card["tags"]}]
        if filter_.get("used") is not None:
            cards = [card for card in cards if (card["usedByEmail"] is not None) == filter_["used"]]
        # GiftCard's default ordering is by code.
        cards.sort(key=lambda card: card["code"])
        return _connection(cards, info, args, "GiftCard", "code")

    @staticmethod
    def _resolve_gift_card_code(card: dict, info: Any, **args: Any) -> str:
        context: RequestContext = info.context
        requestor = context.requestor
        owners = {(card.get(key) or {}).get("id") for key in ("usedBy", "assignedTo")} - {None}
        if requestor is not None and (
            requestor.get("id") in owners or context.has_perm("MANAGE_GIFT_CARD")
        ):
            return card["code"]
        raise PermissionDenied(permissions=["OWNER", "MANAGE_GIFT_CARD"])

    def _resolve_draft_order_create(self, info: Any, input: dict) -> dict:
        """``draftOrderCreate``: lines by variant, an optional custom price each (0 allowed)."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        shipping_method = None
        if input.get("shippingMethod"):
            shipping_method = self._shipping_method_or_error(input["shippingMethod"])
        user = None
        email = input.get("userEmail")
        if email:
            user = self._user_by_email(email)
        elif input.get("user"):
            user = self._user_or_error(input["user"], "user")
        if not input.get("channelId"):
            raise _invalid("channel", "Channel id is required.", "REQUIRED")
        channel = self._channel_or_error(input["channelId"])
        lines = self._clean_draft_lines(input.get("lines") or [], channel)
        shipping_address = billing_address = None
        if input.get("shippingAddress"):
            shipping_address = self._address_or_error(input["shippingAddress"], "SHIPPING")
        elif input.get("saveShippingAddress") is not None:
            raise _invalid(
                "saveShippingAddress",
                "This option can only be selected if a shipping address is provided.",
                "MISSING_ADDRESS_DATA",
            )
        if input.get("billingAddress"):
            billing_address = self._address_or_error(input["billingAddress"], "BILLING")
        elif input.get("saveBillingAddress") is not None:
            raise _invalid(
                "saveBillingAddress",
                "This option can only be selected if a billing address is provided.",
                "MISSING_ADDRESS_DATA",
            )
        if input.get("voucher") or input.get("voucherCode"):
            raise GraphQLError("Vouchers on draft orders are not implemented in the fake.")
        metadata = _metadata_input(input.get("metadata"), "metadata")
        private_metadata = _metadata_input(input.get("privateMetadata"), "privateMetadata")
        reference = input.get("externalReference")
        if reference and any(o.get("externalReference") == reference for o in self.orders):
            message = "Order with this External reference already exists."
            raise _invalid("externalReference", message, "UNIQUE")
        currency = channel["currencyCode"]
        shipping_price = _amount(shipping_method["price"]) if shipping_method else Decimal(0)
        draft = self.add_order(
            channel_slug=channel["slug"],
            currency=currency,
            user=user,
            user_email=email or (user["email"] if user else None),
            shipping=shipping_price,
            status="DRAFT",
            origin="DRAFT",
            externalReference=reference,
            customerNote=input.get("customerNote") or "",
            shippingAddress=shipping_address,
            billingAddress=billing_address,
            shippingMethodName=shipping_method["name"] if shipping_method else None,
            languageCodeEnum=input.get("languageCode") or "EN_US",
            redirectUrl=input.get("redirectUrl"),
            _shipping_method=shipping_method,
        )
        draft["metadata"] = _sorted_metadata(metadata)
        draft["privateMetadata"] = _sorted_metadata(private_metadata)
        catalog = self._catalog()
        for variant, quantity, price in lines:
            spec = {"sku": variant["sku"], "quantity": quantity, "unit_price": price[0]}
            line = self._build_order_line(spec, currency, catalog)
            line["isPriceOverridden"] = price[1]
            draft["lines"].append(line)
        self.refresh_order(draft)
        self._add_order_event(draft, "DRAFT_CREATED", context)
        self.emit_event(
            "DRAFT_ORDER_CREATED", {"order": draft}, issuing_principal=context.requestor
        )
        return {"order": draft}

    def _clean_draft_lines(
        self, lines_input: list[dict], channel: dict
    ) -> list[tuple[dict, int, tuple[Decimal, bool]]]:
        """``(variant, quantity, (unit price, overridden))`` per line, grouped as Saleor groups.

        Lines with ``forceNewLine`` stay apart; the others merge per variant.
        """
        if not lines_input:
            return []
        variant_ids = [line_input["variantId"] for line_input in lines_input]
        for variant_id in variant_ids:
            try:
                _parse_global_id(variant_id, "ProductVariant")
            except GraphQLError:
                message = _COULD_NOT_RESOLVE_IDS % [variant_id]
                raise _invalid("variantId", message, "GRAPHQL_ERROR") from None
        variants_by_id = self._catalog_by_id("ProductVariant")
        for variant_id in variant_ids:
            if variant_id not in variants_by_id:
                raise _invalid("variantId", f"{_MISSING_NODE} {variant_id}", "NOT_FOUND")
        unpublished = [
            v for v in variant_ids if not variants_by_id[v]["product"].get("_visible", True)
        ]
        if unpublished:
            raise _invalid(
                "lines",
                "Can't add product variant that are not published in the channel "
                "associated with this draft order.",
                "PRODUCT_NOT_PUBLISHED",
                variants=list(dict.fromkeys(unpublished)),
            )
        unlisted = [
            v for v in variant_ids if self._variant_price(variants_by_id[v], channel) is None
        ]
        if unlisted:
            raise _invalid(
                "lines",
                "Cannot add lines with unavailable variants.",
                "NOT_AVAILABLE_IN_CHANNEL",
                variants=list(dict.fromkeys(unlisted)),
            )
        if not all(line_input["quantity"] > 0 for line_input in lines_input):
            raise _invalid("quantity", "Ensure this value is greater than 0.", "ZERO_QUANTITY")
        currency = channel["currencyCode"]
        forced: list[list] = []
        grouped: dict[str, list] = {}
        for line_input in lines_input:
            variant = variants_by_id[line_input["variantId"]]
            custom = line_input.get("price")
            if custom is not None:
                price = (_quantize(_decimal_argument(custom, "price"), currency), True)
            else:
                price = (self._variant_price(variant, channel), False)
            if line_input.get("forceNewLine"):
                forced.append([variant, line_input["quantity"], price])
            else:
                entry = grouped.setdefault(variant["id"], [variant, 0, price])
                entry[1] += line_input["quantity"]
                entry[2] = price
        return [tuple(entry) for entry in forced + list(grouped.values())]

    def _resolve_order_discount_add(self, info: Any, orderId: str, input: dict) -> dict:  # noqa: N803 - GraphQL name
        """``orderDiscountAdd``: one manual discount on a draft or unconfirmed order.

        As saleor/graphql/order/mutations/order_discount_add.py and
        order_discount_common.py: CANNOT_DISCOUNT unless the order is DRAFT or
        UNCONFIRMED or when it has a discount already; a FIXED value above the
        undiscounted total, or a percentage above 100, is INVALID on ``value``.
        The totals follow base_calculations.propagate_order_discount_on_order_prices.
        """
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        order = self._order_or_error(orderId, "orderId")
        if order["status"] not in ("DRAFT", "UNCONFIRMED"):
            raise _invalid("orderId", "Only draft and unconfirmed order can be modified.", "CANNOT_DISCOUNT")
        if order["discounts"]:
            raise _invalid("orderId", "Order already has assigned discount.", "CANNOT_DISCOUNT")
        value = _decimal_argument(input["value"], "value")
        value_type = input["valueType"]
        max_total = _amount(order["undiscountedTotal"]["gross"])
        if value_type == "FIXED" and value > max_total:
            raise _invalid(
                "value", f"The value ({value}) cannot be higher than {max_total} {order['_currency']}", "INVALID"
            )
        if value_type == "PERCENTAGE" and value > 100:
            raise _invalid("value", f"The percentage value ({value}) cannot be higher than 100.", "INVALID")
        with self.lock:
            order["discounts"].append({
                "__typename": "OrderDiscount",
                "id": self.new_id("OrderDiscount"),
                "type": "MANUAL",
                "name": None,
                "translatedName": None,
                "valueType": value_type,
                "value": float(value),
                "reason": input.get("reason"),
                "_value": value,
                "amount": _money(0, order["_currency"]),
                "total": _money(0, order["_currency"]),
            })
        self.refresh_order(order)
        self._add_order_event(order, "ORDER_DISCOUNT_ADDED", context)
        return {"order": order}

    def _clean_subscription_query(self, query: str) -> None:
        """saleor/graphql/webhook/subscription_query.py: SYNTAX when it does not parse,
        GRAPHQL_ERROR when Saleor's schema refuses it, MISSING_SUBSCRIPTION without one."""
        try:
            document = parse(query)
        except GraphQLError as error:
            raise _invalid("query", f"Syntax Error: {error.message}", "SYNTAX") from None
        errors = validate(self.schema, document)
        if errors:
            raise _invalid("query", errors[0].message, "GRAPHQL_ERROR")
        if not any(getattr(d, "operation", None) and d.operation.value == "subscription" for d in document.definitions):
            raise _invalid("query", "Can't find a subscription in the query.", "MISSING_SUBSCRIPTION")

    def _resolve_webhook_create(self, info: Any, input: dict) -> dict:
        """``webhookCreate`` by an app (AUTHENTICATED_APP): the webhook is the calling app's own."""
        context: RequestContext = info.context
        if context.app is None:
            context.require("MANAGE_APPS")
            raise GraphQLError("Creating webhooks for another app is not implemented in the fake.")
        if input.get("query") is not None:
            self._clean_subscription_query(input["query"])
        hook = self.add_webhook(
            context.app, input.get("targetUrl") or "", query=input.get("query") or "subscription { event { __typename } }",
            async_events=input.get("asyncEvents") or [], sync_events=input.get("syncEvents") or [],
            name=input.get("name"), is_active=input.get("isActive", True),
        )
        return {"webhook": hook}

    def _resolve_webhook_update(self, info: Any, input: dict, id: str | None = None, identifier: str | None = None) -> dict:
        """``webhookUpdate``: an app finds only its own webhooks (webhook_update.py get_instance);
        staff need MANAGE_APPS. The subscription is checked as on create."""
        context: RequestContext = info.context
        if context.app is None:
            context.require("MANAGE_APPS")
        hooks = [h for app in self.apps if context.app is None or app is context.app for h in app["webhooks"]]
        hook = next((h for h in hooks if h["id"] == id), None)
        if hook is None:
            raise _invalid("id", f"Couldn't resolve to a node: {id}", "NOT_FOUND")
        if input.get("query") is not None:
            self._clean_subscription_query(input["query"])
        with self.lock:
            for name in ("name", "targetUrl", "isActive"):
                if input.get(name) is not None:
                    hook[name] = input[name]
            if input.get("query") is not None:
                hook["subscriptionQuery"] = input["query"]
            if input.get("asyncEvents") is not None:
                hook["asyncEvents"] = [_event_object(e) for e in input["asyncEvents"]]
        return {"webhook": hook}

    def _resolve_draft_order_complete(self, info: Any, id: str) -> dict:
        """``draftOrderComplete``: validate like Saleor, allocate stock, place the order unpaid."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        order = self._order_or_error(id, "id")
        if order["status"] != "DRAFT":
            raise _invalid("id", "The order is not draft.", "INVALID")
        problems: dict[str, list[dict]] = {}

        def problem(field: str, message: str, code: str, **extra: Any) -> None:
            problems.setdefault(field, []).append(_error(field, message, code, **extra))

        if not order.get("billingAddress"):
            problem(
                "order", "Can't finalize draft with no billing address.", "BILLING_ADDRESS_NOT_SET"
            )
        shipping_required = any(line["isShippingRequired"] for line in order["lines"])
        if shipping_required:
            if not order.get("shippingAddress"):
                problem(
                    "order",
                    "Can't finalize draft with no shipping address.",
                    "ORDER_NO_SHIPPING_ADDRESS",
                )
            if not order.get("_shipping_method"):
                problem("shipping", "Shipping method is required.", "SHIPPING_METHOD_REQUIRED")
        if not sum(line["quantity"] for line in order["lines"]):
            problem("lines", "Could not create order without any products.", "REQUIRED")
        for line in order["lines"]:
            variant = line.get("variant")
            if variant is None:
                problem("lines", "Could not create orders with non-existing products.", "NOT_FOUND")
            elif variant.get("trackInventory", True) and line["quantity"] > self._available(
                variant
            ):
                problem(
                    "lines",
                    "Insufficient product stock.",
                    "INSUFFICIENT_STOCK",
                    orderLines=[line["id"]],
                )
        channel = order["channel"]
        if not channel.get("isActive", True):
            problem(
                "channel", "Cannot complete draft order with inactive channel.", "CHANNEL_INACTIVE"
            )
        variants = [line["variant"] for line in order["lines"] if line.get("variant")]
        if any(not variant["product"].get("_visible", True) for variant in variants):
            problem(
                "lines", "Can't finalize draft with unpublished product.", "PRODUCT_NOT_PUBLISHED"
            )
        if problems:
            raise _MutationErrors(*(error for errors in problems.values() for error in errors))

        confirmed = channel.get("_automatically_confirm_all_new_orders", True)
        order["status"] = "UNFULFILLED" if confirmed else "UNCONFIRMED"
        if not shipping_required:
            order["shippingMethodName"] = None
            order["shippingAddress"] = None
            order["shippingPrice"] = _taxed_money(Decimal(0), Decimal(0), order["_currency"])
        for line in order["lines"]:
            variant = line.get("variant")
            if variant is not None and variant.get("trackInventory", True):
                self._allocate(variant, line["quantity"])
        self.refresh_order(order)
        self._add_order_event(order, "PLACED_FROM_DRAFT", context)
        if confirmed:
            self._add_order_event(order, "CONFIRMED", context)
        principal = context.requestor
        self.emit_event("ORDER_CREATED", {"order": order}, issuing_principal=principal)
        if order["chargeStatus"] in ("FULL", "OVERCHARGED"):
            # A 0.00 order (an even exchange) counts as paid in full at once.
            for event_type in ("ORDER_PAID", "ORDER_FULLY_PAID", "ORDER_UPDATED"):
                self.emit_event(event_type, {"order": order}, issuing_principal=principal)
        if confirmed:
            self.emit_event("ORDER_CONFIRMED", {"order": order}, issuing_principal=principal)
        return {"order": order}

    def _available(self, variant: dict) -> int:
        return sum(
            stock["quantity"] - stock["quantityAllocated"]
            for stock in self.stocks
            if stock["productVariant"] is variant
        )

    def _allocate(self, variant: dict, quantity: int) -> None:
        """Allocate ``quantity`` from the variant's stocks, in warehouse order."""
        for stock in self.stocks:
            if stock["productVariant"] is not variant or not quantity:
                continue
            taken = min(quantity, stock["quantity"] - stock["quantityAllocated"])
            if taken > 0:
                stock["quantityAllocated"] += taken
                quantity -= taken

    def _resolve_product_variant(
        self,
        info: Any,
        id: str | None = None,
        sku: str | None = None,
        externalReference: str | None = None,  # noqa: N803
        channel: str | None = None,
    ) -> dict | None:
        arguments = (("id", id), ("sku", sku), ("external_reference", externalReference))
        given = [name for name, value in arguments if value]
        if len(given) > 1:
            rest = ", ".join(f"'{name}'" for name in given[1:])
            raise GraphQLError(f"Argument '{given[0]}' cannot be combined with {rest}")
        if not given:
            raise GraphQLError(
                "At least one of arguments is required: 'id', 'sku', 'external_reference'."
            )
        if id:
            _parse_global_id(id, "ProductVariant")
        variants = self._catalog_by_id("ProductVariant").values()
        variant = next(
            (
                v
                for v in variants
                if (id and v["id"] == id)
                or (sku and v["sku"] == sku)
                or (externalReference and v.get("externalReference") == externalReference)
            ),
            None,
        )
        if variant is None:
            return None
        # Without a products permission only variants of visible products are found.
        if variant["product"].get("_visible", True):
            return variant
        return variant if info.context.has_perm(*_ALL_PRODUCTS_PERMISSIONS) else None

    def _resolve_variant_stocks(self, variant: dict, info: Any, **args: Any) -> list[dict]:
        info.context.require("MANAGE_PRODUCTS", "MANAGE_ORDERS")
        return [stock for stock in self.stocks if stock["productVariant"] is variant]

    def _resolve_variant_stocks_update(
        self,
        info: Any,
        stocks: list[dict],
        variantId: str | None = None,  # noqa: N803
        sku: str | None = None,
    ) -> dict:
        """``productVariantStocksUpdate``: set absolute quantities per warehouse."""
        context: RequestContext = info.context
        context.require("MANAGE_PRODUCTS")
        if sku and variantId:
            message = "Argument 'sku' cannot be combined with 'variant_id'"
            raise _invalid(None, message, "GRAPHQL_ERROR")
        if not sku and not variantId:
            message = "At least one of arguments is required: 'sku', 'variant_id'."
            raise _invalid(None, message, "GRAPHQL_ERROR")
        variants = self._catalog_by_id("ProductVariant")
        if variantId:
            _parse_node_id(variantId, "ProductVariant", "id")
            variant = variants.get(variantId)
            if variant is None:
                raise _invalid("id", f"{_MISSING_NODE} {variantId}", "NOT_FOUND")
        else:
            variant = next((v for v in variants.values() if v["sku"] == sku), None)
            if variant is None:
                raise _invalid("sku", f"{_MISSING_NODE} {sku}", "NOT_FOUND")
        warehouse_ids = [stock_input["warehouse"] for stock_input in stocks]
        duplicates = []
        for duplicated in dict.fromkeys(w for w in warehouse_ids if warehouse_ids.count(w) > 1):
            last = max(index for index, w in enumerate(warehouse_ids) if w == duplicated)
            duplicates.append(_error("warehouse", "Duplicated warehouse ID.", "UNIQUE", index=last))
        if duplicates:
            raise _MutationErrors(*duplicates)
        warehouses = self._nodes_or_error(
            warehouse_ids,
            "Warehouse",
            "warehouse",
            self._catalog_by_id("Warehouse"),
        )
        principal = context.requestor
        events = []
        for stock_input, warehouse in zip(stocks, warehouses, strict=True):
            # Kept in the catalog even if the fulfillment that brought it goes away.
            _append_once(self.warehouses, warehouse)
            stock = self._stock(variant, warehouse)
            before = stock["quantity"] - stock["quantityAllocated"]
            stock["quantity"] = stock_input["quantity"]
            after = stock["quantity"] - stock["quantityAllocated"]
            event = {"productVariant": variant, "warehouse": warehouse}
            events.append(event)
            if before <= 0 < after:
                self.emit_event("PRODUCT_VARIANT_BACK_IN_STOCK", event, issuing_principal=principal)
            if before > 0 >= after:
                self.emit_event("PRODUCT_VARIANT_OUT_OF_STOCK", event, issuing_principal=principal)
        # Saleor reports the updated stocks together, after the availability changes.
        for event in events:
            self.emit_event("PRODUCT_VARIANT_STOCK_UPDATED", event, issuing_principal=principal)
        return {"productVariant": variant}

    def _resolve_update_metadata(self, info: Any, id: str, input: list[dict]) -> dict:
        return self._update_metadata(info, id, input, "metadata")

    def _resolve_update_private_metadata(self, info: Any, id: str, input: list[dict]) -> dict:
        return self._update_metadata(info, id, input, "privateMetadata")

    def _update_metadata(self, info: Any, id: str, input: list[dict], key: str) -> dict:
        """``updateMetadata`` and ``updatePrivateMetadata``: set the given keys, keep the rest.

        Implemented for Order (by ID or token), OrderLine, Fulfillment, GiftCard and
        TransactionItem, the objects a returns app writes to.
        """
        context: RequestContext = info.context
        try:
            type_name, _ = from_global_id(id)
        except ValueError:
            type_name = "Order" if any(o.get("token") == id for o in self.orders) else None
            if type_name is None:
                raise _invalid("id", "Couldn't resolve to a node.", "GRAPHQL_ERROR") from None
        schema_type = self.schema.get_type(type_name)
        if schema_type is None:
            raise _invalid("id", f"Invalid type: {type_name}", "GRAPHQL_ERROR")
        if "ObjectWithMetadata" not in {i.name for i in getattr(schema_type, "interfaces", ())}:
            raise _invalid("id", f"Couldn't resolve to a item with meta: {id}", "NOT_FOUND")
        if type_name not in _METADATA_PERMISSIONS:
            raise GraphQLError(f"Metadata of {type_name} is not implemented in the fake.")
        if type_name == "TransactionItem" and context.app is None and not context.is_staff:
            raise permission_denied("HANDLE_PAYMENTS")
        context.require(*_METADATA_PERMISSIONS[type_name])
        found = self._metadata_owner(type_name, id)
        if found is None:
            raise _invalid("id", f"{_MISSING_NODE} {id}", "NOT_FOUND")
        order, instance = found
        items = _metadata_input(input, "input")
        before = _metadata_dict(instance.get(key))
        after = {**before, **items}
        instance[key] = _sorted_metadata(after)
        if after != before:
            event_type, event = _metadata_updated_event(type_name, instance, order)
            if event_type:
                self.emit_event(event_type, event, issuing_principal=context.requestor)
        return {"item": instance}

    def _metadata_owner(self, type_name: str, id: str) -> tuple[dict | None, dict] | None:
        """``(order, object)`` for an object with metadata, by ID (orders also by token)."""
        if type_name == "GiftCard":
            card = next((card for card in self.gift_cards if card["id"] == id), None)
            return (None, card) if card is not None else None
        for order in self.orders:
            if type_name == "Order" and id in (order.get("id"), order.get("token")):
                return order, order
            collection = {
                "OrderLine": order["lines"],
                "Fulfillment": order["fulfillments"],
                "TransactionItem": order["transactions"],
            }.get(type_name, ())
            for item in collection:
                if item.get("id") == id:
                    return order, item
        return None

    def _resolve_order_note_add(self, info: Any, order: str, input: dict) -> dict:
        """``orderNoteAdd``: a NOTE_ADDED event on the order's timeline."""
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        target = self._order_or_error(order, "id")
        message = (input.get("message") or "").strip()
        if not message:
            raise _invalid("message", "Message can't be empty.", "REQUIRED")
        event = self._add_order_event(target, "NOTE_ADDED", context, message=message)
        event_type = "DRAFT_ORDER_UPDATED" if target["status"] == "DRAFT" else "ORDER_UPDATED"
        self.emit_event(event_type, {"order": target}, issuing_principal=context.requestor)
        return {"order": target, "event": event}

    # ------------------------------------------------------------------ lookups for mutations

    def _order_or_error(self, value: str, field: str) -> dict:
        """Saleor's get_node_or_error for an Order (drafts included)."""
        _parse_node_id(value, "Order", field)
        order = next((o for o in self.orders if o.get("id") == value), None)
        if order is None:
            raise _invalid(field, f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return order

    def _find_granted_refund(self, value: str) -> tuple[dict, dict] | None:
        for order in self.orders:
            for grant in order["grantedRefunds"]:
                if grant["id"] == value:
                    return order, grant
        return None

    def _granted_refund_or_error(self, value: str) -> tuple[dict, dict]:
        _parse_node_id(value, "OrderGrantedRefund", "grantedRefundId")
        found = self._find_granted_refund(value)
        if found is None:
            raise _invalid("grantedRefundId", f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return found

    def _user_or_error(self, value: str, field: str) -> dict:
        _parse_node_id(value, "User", field)
        user = next((u for u in self.users if u["id"] == value), None)
        if user is None:
            raise _invalid(field, f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return user

    def _channel_or_error(self, value: str) -> dict:
        _parse_node_id(value, "Channel", "channelId")
        channel = self._catalog_by_id("Channel").get(value)
        if channel is None:
            raise _invalid("channelId", f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return channel

    def _shipping_method_or_error(self, value: str) -> dict:
        _parse_node_id(value, "ShippingMethodType", "shippingMethod")
        method = next((m for m in self.shipping_methods if m["id"] == value), None)
        if method is None:
            raise _invalid("shippingMethod", f"{_MISSING_NODE} {value}", "NOT_FOUND")
        return method

    def _address_or_error(self, address_input: Mapping[str, Any], address_type: str) -> dict:
        if not address_input.get("country"):
            message = "This field is required."
            raise _invalid("country", message, "REQUIRED", addressType=address_type)
        return _address_dict(address_input, self.new_id("Address"))

    def _copy_address(self, address: Mapping[str, Any] | None) -> dict | None:
        """A copy of an address under a new ID, as Saleor copies them onto a replace order."""
        if address is None:
            return None
        return {**address, "id": self.new_id("Address")}

    def _catalog_by_id(self, type_name: str) -> dict[str, dict]:
        """Catalog entries of one type (e.g. ProductVariant) by global ID."""
        catalog = self._catalog()
        return {entry["id"]: entry for (kind, _), entry in catalog.items() if kind == type_name}

    @staticmethod
    def _nodes_or_error(
        ids: list[str], type_name: str, field: str, known: Mapping[str, Any]
    ) -> list[Any]:
        """Saleor's get_nodes_or_error: the objects of ``ids`` in order, or one GRAPHQL_ERROR."""
        invalid = []
        for value in ids:
            try:
                found_type, _ = from_global_id(value)
            except ValueError:
                invalid.append(value)
                continue
            if found_type != type_name:
                message = f"Must receive {type_name} id: {value}."
                raise _invalid(field, message, "GRAPHQL_ERROR")
        if invalid:
            raise _invalid(field, _COULD_NOT_RESOLVE_IDS % invalid, "GRAPHQL_ERROR")
        if any(value not in known for value in ids):
            raise _invalid(field, _COULD_NOT_RESOLVE_IDS % ids, "GRAPHQL_ERROR")
        return [known[value] for value in ids]

    def _add_order_event(
        self,
        order: dict,
        type_: str,
        context: RequestContext,
        *,
        message: str | None = None,
        amount: Decimal | None = None,
        moves: list[_ReturnMove] | None = None,
    ) -> dict:
        """Append an OrderEvent to the order's timeline (what ``Order.events`` lists)."""
        event = {
            "__typename": "OrderEvent",
            "id": self.new_id("OrderEvent"),
            "date": _now_iso(),
            "type": type_,
            "message": message,
            "amount": float(amount) if amount is not None else None,
            "user": context.user,
            "app": context.app,
            "email": None,
            "emailType": None,
            "lines": (
                [
                    {
                        "__typename": "OrderEventOrderLineObject",
                        "quantity": move.quantity,
                        "orderLine": move.line,
                        "itemName": move.line["productName"],
                        "discount": None,
                    }
                    for move in moves
                ]
                if moves is not None
                else None
            ),
        }
        order["events"].append(event)
        return event


# ------------------------------------------------------------------------ HTTP handler


class _Handler(BaseHTTPRequestHandler):
    """Routes of the fake: POST /graphql/, GET /.well-known/jwks.json and added pages."""

    fake: FakeSaleor
    protocol_version = "HTTP/1.1"
    server_version = "uvicorn"  # what Saleor's ASGI server calls itself

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output clean; fake.requests is the log

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        if path == JWKS_PATH:
            self.send_json(*self.fake.serve_jwks())
        elif path == GRAPHQL_PATH:
            self.send_plain(405, b"", extra={"Allow": "OPTIONS, POST"})
        elif (handler := self.fake.page_for(path)) is not None:
            self.send_page(handler)
        else:
            self.send_plain(404, b"Not Found")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if urlsplit(self.path).path != GRAPHQL_PATH:
            self.send_plain(404, b"Not Found")
            return
        self.fake._serve_graphql(self, body)

    def send_page(self, handler: PageHandler) -> None:
        parts = urlsplit(self.path)
        request = PageRequest(
            path=parts.path,
            query_string=parts.query,
            query={name: values[0] for name, values in parse_qs(parts.query).items()},
            headers={name: value for name, value in self.headers.items()},
        )
        try:
            status, content_type, body, headers = handler(request)
        except Exception as error:  # noqa: BLE001 - a broken page answers 500, not a dropped socket
            self.send_plain(500, f"{type(error).__name__}: {error}".encode())
            return
        self.send_plain(status, body, content_type=content_type, extra=headers)

    def send_json(self, status: int, body: bytes) -> None:
        self.send_plain(status, body, content_type="application/json")

    def send_plain(
        self,
        status: int,
        body: bytes,
        *,
        content_type: str = "text/plain",
        extra: Mapping[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. its timeout fired during delay_next).
            self.close_connection = True

    def send_fault_page(self, status: int) -> None:
        reason = self.responses.get(status, ("Error",))[0]
        page = _FAULT_PAGE.format(status=status, reason=reason).encode()
        self.close_connection = True
        self.send_plain(status, page, content_type="text/html", extra={"Connection": "close"})

    def drop_connection(self) -> None:
        """Close the socket without answering, like a proxy losing the upstream."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _apply_manual_discounts(order: dict, subtotal: Decimal, shipping: Decimal) -> tuple[Decimal, Decimal]:
    """Saleor's propagate_order_discount_on_order_prices for MANUAL discounts (base_calculations.py).

    A percentage comes off the subtotal and the shipping alike; a fixed amount comes
    off their sum, split in proportion. The base shipping price is the method's, kept
    in ``undiscountedShippingPrice``. Each discount's ``amount``/``total`` is what it took.
    """
    currency = order["_currency"]
    shipping = _amount(order["undiscountedShippingPrice"]) if order["discounts"] else shipping
    for discount in order["discounts"]:
        before = subtotal + shipping
        value = discount["_value"]
        if discount["valueType"] == "PERCENTAGE":
            subtotal = _quantize(subtotal - subtotal * value / 100, currency)
            shipping = _quantize(shipping - shipping * value / 100, currency)
        elif before > 0:
            taken = min(value, before)
            subtotal_share = _quantize(subtotal / before * taken, currency)
            subtotal -= subtotal_share
            shipping -= taken - subtotal_share
        discount["amount"] = discount["total"] = _money(before - subtotal - shipping, currency)
    return subtotal, shipping


def _token_from_headers(headers: Any) -> str | None:
    """Saleor's ``get_token_from_request``: ``Authorization-Bearer``, else ``Authorization``."""
    token = headers.get("Authorization-Bearer")
    if token:
        return token
    parts = (headers.get("Authorization") or "").split(maxsplit=1)
    if len(parts) == 2 and parts[0].upper() in ("JWT", "BEARER"):
        return parts[1]
    return None


def _operation_name(data: Any) -> str | None:
    if not isinstance(data, Mapping):
        return None
    if data.get("operationName"):
        return data["operationName"]
    query = data.get("query")
    if isinstance(query, str):
        match = re.search(r"\b(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)", query)
        if match:
            return match.group(2)
    return None


# --------------------------------------------------------------------- outgoing HTTP


def _http_request(
    method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
) -> tuple[int, bytes]:
    """Send one request the way Saleor's ``requests`` client puts it on the wire.

    http.client keeps header names exactly as given and in order (urllib would
    re-case them), so the receiver sees the captured sequence: User-Agent,
    Accept-Encoding, Accept, Connection, <Saleor headers>, Content-Length, Host.
    ``Host`` carries no port, as Saleor pins the resolved IP and rewrites it.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"Unsupported URL: {url}")
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    ordered = [("User-Agent", headers.get("User-Agent", USER_AGENT))]
    ordered += [
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", "*/*"),
        ("Connection", "keep-alive"),
    ]
    ordered += [(name, value) for name, value in headers.items() if name != "User-Agent"]
    if body is not None:
        ordered.append(("Content-Length", str(len(body))))
    ordered.append(("Host", parts.hostname))
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in ordered:
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        content = response.read()
        encoding = (response.getheader("Content-Encoding") or "").lower()
        if encoding == "gzip":
            content = gzip.decompress(content)
        elif encoding == "deflate":
            content = zlib.decompress(content)
        return response.status, content
    finally:
        connection.close()


# --------------------------------------------------------------------------- helpers


def _default_cost_map(schema: GraphQLSchema) -> dict[str, dict[str, dict[str, Any]]]:
    query_costs = {}
    for name, field_def in schema.query_type.fields.items():
        multipliers = [arg for arg in ("first", "last") if arg in field_def.args]
        query_costs[name] = {"complexity": 1, "multipliers": multipliers}
    return {"Query": query_costs}


def _new_app_token() -> str:
    return _random_string(APP_TOKEN_LENGTH)


def _random_string(length: int) -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))


def _timestamp(value: Any) -> int:
    if value is None:
        return int(time.time())
    if isinstance(value, datetime.datetime):
        return int(value.timestamp())
    return int(value)


def _now_iso() -> str:
    return datetime.datetime.now(tz=datetime.timezone.utc).isoformat()


def _apply_overrides(claims: dict, overrides: Mapping[str, Any]) -> dict:
    for name, value in overrides.items():
        if value is OMIT:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


def _json_default(value: Any) -> Any:
    # Saleor's payloads come out of GraphQL, where money is a Float and dates strings.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The permission an app needs to receive an event (saleor/webhook/event_types.py
# WebhookEventAsyncType.PERMISSIONS, 3.23.28; applied by saleor/webhook/utils.py
# `get_webhooks_for_event`). App lifecycle events go to the app itself only.
EVENT_PERMISSIONS = {
    "ORDER_CREATED": "MANAGE_ORDERS",
    "ORDER_UPDATED": "MANAGE_ORDERS",
    "ORDER_FULLY_PAID": "MANAGE_ORDERS",
    "ORDER_REFUNDED": "MANAGE_ORDERS",
    "ORDER_FULLY_REFUNDED": "MANAGE_ORDERS",
    "STAFF_CREATED": "MANAGE_STAFF",
    "STAFF_UPDATED": "MANAGE_STAFF",
    "STAFF_DELETED": "MANAGE_STAFF",
    "PERMISSION_GROUP_CREATED": "MANAGE_STAFF",
    "PERMISSION_GROUP_UPDATED": "MANAGE_STAFF",
    "PERMISSION_GROUP_DELETED": "MANAGE_STAFF",
}


def _event_typename(event_type: str) -> str:
    """``ORDER_FULLY_REFUNDED`` -> ``OrderFullyRefunded``: the subscription event type."""
    return "".join(part.capitalize() for part in event_type.lower().split("_"))


def _event_object(event_type: str) -> dict[str, str]:
    name = event_type.upper()
    return {"eventType": name, "name": name.replace("_", " ").capitalize()}


# ---------------------------------------------------------------------------- orders

# Keys of one ``add_order(lines=[...])`` entry.
ORDER_LINE_KEYS = frozenset(
    {
        "sku",  # required; identifies the variant across orders
        "quantity",  # default 1
        "unit_price",  # required: gross unit price paid, after discounts (Decimal, int or str)
        "undiscounted_unit_price",  # default unit_price
        "tax_rate",  # a fraction included in the prices, e.g. Decimal("0.23"); default 0
        "product_name",  # default "Product <sku>"; identifies the product across orders
        "variant_name",  # default the SKU
        "product_type",  # name, default "Default type"
        "category",  # name or None, default "Default category"
        "collections",  # names, default none
        "metadata",  # the product's public metadata
        "variant_metadata",  # the variant's public metadata
        "line_metadata",  # the order line's own public metadata
        "is_gift",  # default False
        "variant_deleted",  # the variant was deleted since: OrderLine.variant is null
        "product_visible",  # default True; False hides the variant from customers
    }
)

_MOVED_FULFILLMENT_STATUSES = frozenset(
    {"RETURNED", "REFUNDED_AND_RETURNED", "REPLACED", "REFUNDED"}
)

# Order fields Saleor guards with permissions (as seen in
# captures/responses/order_customer_field_access.json); all are non-null, so a
# denial nulls the whole order.
_ORDER_FIELD_PERMISSIONS = {
    "channel": (AUTHENTICATED_APP, AUTHENTICATED_STAFF_USER),
    "transactions": ("MANAGE_ORDERS", "HANDLE_PAYMENTS"),
    "grantedRefunds": ("MANAGE_ORDERS",),
    "events": ("MANAGE_ORDERS",),
    "totalGrantedRefund": ("MANAGE_ORDERS",),
    "totalRemainingGrant": ("MANAGE_ORDERS",),
    "totalRefundPending": ("MANAGE_ORDERS",),
}
# Who besides the owner may read Order.user.
_ORDER_USER_PERMISSIONS = ("MANAGE_USERS", "MANAGE_ORDERS", "HANDLE_PAYMENTS", "HANDLE_TAXES")
# Saleor's ALL_PRODUCTS_PERMISSIONS: each shows unpublished products too.
_ALL_PRODUCTS_PERMISSIONS = ("MANAGE_ORDERS", "MANAGE_DISCOUNTS", "MANAGE_PRODUCTS")
MAX_PAGE_SIZE = 100  # GRAPHQL_PAGINATION_LIMIT


def _catalog_variant(catalog: dict, variant: Any) -> None:
    """Index a variant with its product, product type, category and collections."""
    if not isinstance(variant, Mapping) or "product" not in variant:
        return
    catalog[("ProductVariant", variant["sku"])] = variant
    product = variant["product"]
    catalog[("Product", product["name"])] = product
    related = [product.get("productType"), product.get("category")]
    for entry in related + list(product.get("collections") or ()):
        if entry:
            catalog[(entry["__typename"], entry["name"])] = entry


def _decimal(value: Any, name: str) -> Decimal:
    if isinstance(value, (float, bool)):
        raise TypeError(f"{name} must be a Decimal, int or str, never {type(value).__name__}.")
    return Decimal(value)


def _quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit as Saleor's quantize_price does (half up)."""
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def _money(amount: Decimal | int, currency: str) -> dict:
    """Saleor's Money: exact ``fractionalAmount`` / ``fractionDigits`` and the float ``amount``."""
    digits = get_currency_precision(currency)
    value = _quantize(Decimal(amount), currency)
    return {
        "__typename": "Money",
        "currency": currency,
        "amount": float(value),
        "fractionalAmount": int(value.scaleb(digits)),
        "fractionDigits": digits,
    }


def _taxed_money(gross: Decimal, net: Decimal, currency: str) -> dict:
    return {
        "__typename": "TaxedMoney",
        "currency": currency,
        "gross": _money(gross, currency),
        "net": _money(net, currency),
        "tax": _money(gross - net, currency),
    }


def _net_of(gross: Decimal, rate: Decimal, currency: str) -> Decimal:
    return _quantize(gross / (1 + rate), currency) if rate else gross


def _amount(money: Mapping) -> Decimal:
    return Decimal(money["fractionalAmount"]).scaleb(-money["fractionDigits"])


def _sum_amounts(items: Iterable[Mapping]) -> Decimal:
    return sum((_amount(item) for item in items), Decimal(0))


def _metadata_items(values: Mapping[str, str] | None) -> list[dict]:
    return [
        {"__typename": "MetadataItem", "key": key, "value": value}
        for key, value in (values or {}).items()
    ]


def _metadata_dict(items: Iterable[Mapping] | None) -> dict[str, str]:
    return {item["key"]: item["value"] for item in items or ()}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _iso(value: Any) -> str:
    """A DateTime as Saleor sends it; ``value`` is None (now), an aware datetime or a string."""
    if value is None:
        return _now_iso()
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("Use an aware datetime; Saleor's timestamps carry a time zone.")
        return value.isoformat()
    return str(value)


def _order_line(order: Mapping, line_id: str) -> dict:
    for line in order["lines"]:
        if line["id"] == line_id:
            return line
    raise ValueError(f"Order {order['id']} has no line {line_id}.")


def _check_same_product(product: Mapping, spec: Mapping[str, Any]) -> None:
    """A product is described once; a later line may repeat, never change, its description."""
    existing = {
        "product_type": product["productType"]["name"],
        "category": (product.get("category") or {}).get("name"),
        "collections": [collection["name"] for collection in product.get("collections") or ()],
        "metadata": _metadata_dict(product.get("metadata")),
        "product_visible": product.get("_visible", True),
    }
    _check_same(existing, spec, f"Product {product['name']!r}")


def _check_same_variant(variant: Mapping, spec: Mapping[str, Any]) -> None:
    product = variant["product"]
    existing = {
        "product_name": product["name"],
        "variant_name": variant["name"],
        "variant_metadata": _metadata_dict(variant.get("metadata")),
    }
    _check_same(existing, spec, f"SKU {variant['sku']!r}")
    _check_same_product(product, spec)


def _check_same(existing: Mapping[str, Any], spec: Mapping[str, Any], what: str) -> None:
    for key, value in existing.items():
        if key not in spec:
            continue
        given = spec[key]
        if key == "collections":
            given = list(given)
        elif key.endswith("metadata"):
            given = dict(given or {})
        if given != value:
            raise ValueError(f"{what} already exists with {key}={value!r}, not {given!r}.")


def _fulfilled_quantities(order: Mapping, statuses: Iterable[str]) -> int:
    statuses = set(statuses)
    return sum(
        line["quantity"]
        for fulfillment in order["fulfillments"]
        if fulfillment["status"] in statuses
        for line in fulfillment.get("lines") or ()
    )


def _refresh_order_status(order: dict) -> None:
    """Saleor's refresh_order_status: the status that the lines and fulfillments imply."""
    replaced = _fulfilled_quantities(order, ["REPLACED"])
    total = sum(line["quantity"] for line in order["lines"]) - replaced
    fulfilled = sum(line["quantityFulfilled"] for line in order["lines"]) - replaced
    returned = _fulfilled_quantities(order, ["RETURNED", "REFUNDED_AND_RETURNED"])
    awaiting_approval = _fulfilled_quantities(order, ["WAITING_FOR_APPROVAL"])
    if total == 0:  # everything was replaced: Saleor keeps the status
        return
    if fulfilled - awaiting_approval <= 0:
        order["status"] = "UNFULFILLED"
    elif 0 < returned < total:
        order["status"] = "PARTIALLY_RETURNED"
    elif returned == total:
        order["status"] = "RETURNED"
    elif fulfilled - awaiting_approval < total:
        order["status"] = "PARTIALLY_FULFILLED"
    else:
        order["status"] = "FULFILLED"


def _read_field(source: Any, info: Any, args: Mapping[str, Any]) -> Any:
    """The fake's default field value: the dict key of the field's name (callables computed)."""
    if isinstance(source, Mapping):
        value = source.get(info.field_name)
        return value(info, **args) if callable(value) else value
    return getattr(source, info.field_name, None)


def _order_matches_customer(order: Mapping, value: str) -> bool:
    """Saleor's ``customer`` order filter: an e-mail matches exactly, anything else names."""
    user = order.get("user") or {}
    wanted = value.strip().lower()
    emails = [(order.get("userEmail") or "").lower(), (user.get("email") or "").lower()]
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", wanted):
        return wanted in emails
    first = (user.get("firstName") or "").lower()
    last = (user.get("lastName") or "").lower()
    if " " in wanted:
        given, family = wanted.split(" ", 1)
        return f"{first} {last}" in (wanted, f"{family} {given}")
    return any(wanted in text for text in [*emails, first, last] if text)


def _order_number(order: Mapping) -> int:
    number = str(order.get("number") or "")
    return int(number) if number.isdigit() else 0


def _order_connection(orders: list[dict], info: Any, args: Mapping[str, Any]) -> dict:
    """An OrderCountableConnection, newest number first (Order's default ordering)."""
    first = args.get("first")
    last = args.get("last")
    field = info.field_name
    selections = info.field_nodes[0].selection_set.selections
    if not (first or last) and any(
        isinstance(node, FieldNode) and node.name.value == "edges" for node in selections
    ):
        raise GraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the `{field}` connection."
        )
    for name, value in (("first", first), ("last", last)):
        if value and value > MAX_PAGE_SIZE:
            # Saleor checks this with an assert, so its error code is AssertionError.
            raise AssertionError(
                f"Requesting {value} records on the `{field}` connection "
                f"exceeds the `{name}` limit of {MAX_PAGE_SIZE} records."
            )
    ordered = sorted(orders, key=_order_number, reverse=True)
    page = ordered
    if first is not None:
        page = page[:first]
    if last is not None:
        page = page[len(page) - last :] if last else []
    edges = [
        {
            "__typename": "OrderCountableEdge",
            "node": order,
            "cursor": base64.b64encode(json.dumps([str(order.get("number"))]).encode()).decode(),
        }
        for order in page
    ]
    return {
        "__typename": "OrderCountableConnection",
        "totalCount": len(ordered),
        "edges": edges,
        "pageInfo": {
            "__typename": "PageInfo",
            "hasNextPage": first is not None and len(ordered) > first,
            "hasPreviousPage": last is not None and len(ordered) > last,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


# ------------------------------------------------------------------ refunds, returns, exchanges

# What the simulated payment app does with TRANSACTION_REFUND_REQUESTED:
# "success" answers REFUND_SUCCESS at once (what the captures show without a
# Celery broker), "failure" answers REFUND_FAILURE, "pending" answers with a
# pspReference only and reports later through ``FakeSaleor.settle_refund``
# (what a production Saleor with a broker and an asynchronous PSP looks like),
# and "no_app" means no app handles the event.
PAYMENT_APP_MODES = ("success", "failure", "pending", "no_app")
# The message of the simulated payment app's REFUND_FAILURE (``refund_failure_message``).
REFUND_DECLINED = "The payment provider declined the refund."

_MISSING_NODE = "Couldn't resolve to a node:"
_COULD_NOT_RESOLVE_IDS = "Could not resolve to a node with the global id list of '%s'."
_NO_PAYMENT_APP = "No app or plugin is configured to handle payment action requests."
_REFUNDABLE_PAYMENT_STATUSES = ("PARTIALLY_CHARGED", "FULLY_CHARGED", "PARTIALLY_REFUNDED")
_RETURNABLE_FULFILLMENT_STATUSES = ("FULFILLED", "REFUNDED", "WAITING_FOR_APPROVAL")
# Saleor's PUBLIC/PRIVATE_META_PERMISSION_MAP for the objects the returns app writes to.
_METADATA_PERMISSIONS = {
    "Order": ("MANAGE_ORDERS", "HANDLE_TAXES"),
    "OrderLine": ("MANAGE_ORDERS", "HANDLE_TAXES"),
    "Fulfillment": ("MANAGE_ORDERS", "HANDLE_TAXES"),
    "GiftCard": ("MANAGE_GIFT_CARD",),
    "TransactionItem": ("HANDLE_PAYMENTS",),
}
# Keys of ``add_variant(**spec)``: the catalog part of ORDER_LINE_KEYS.
_VARIANT_SPEC_KEYS = frozenset(
    {
        "product_name",
        "variant_name",
        "product_type",
        "category",
        "collections",
        "metadata",
        "variant_metadata",
        "product_visible",
    }
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class _MutationErrors(Exception):
    """Saleor's ValidationError inside a mutation: answered in the payload's ``errors``."""

    def __init__(self, *errors: dict) -> None:
        super().__init__(errors)
        self.errors = list(errors)


def _error(field: str | None, message: str, code: str, **extra: Any) -> dict:
    """One mutation error (``field`` camelCase, ``code`` the enum name) plus the type's extras."""
    return {"field": field, "message": message, "code": code, **extra}


def _invalid(field: str | None, message: str, code: str, **extra: Any) -> _MutationErrors:
    """One mutation error, to raise: ``raise _invalid("amount", "…", "INVALID")``."""
    return _MutationErrors(_error(field, message, code, **extra))


def _mutation_payload(resolver: Callable[..., dict], legacy_errors_field: str | None) -> Callable:
    """Wrap a mutation resolver so validation errors become the payload, as in BaseMutation.

    The payload also carries the deprecated error list (e.g. ``orderErrors``),
    which Saleor fills with the same errors.
    """

    @functools.wraps(resolver)
    def resolve(info: Any, **args: Any) -> dict:
        try:
            payload = dict(resolver(info, **args))
            payload.setdefault("errors", [])
        except _MutationErrors as exc:
            payload = {"errors": exc.errors}
        if legacy_errors_field:
            payload[legacy_errors_field] = payload["errors"]
        return payload

    return resolve


@dataclass(eq=False)
class _ReturnMove:
    """Units of one order line to return or replace, from a fulfillment line or unfulfilled."""

    line: dict
    fulfillment: dict | None
    fulfillment_line: dict | None
    quantity: int
    replace: bool
    reason: str

    @property
    def refunded_before(self) -> bool:
        """The units sit in a REFUNDED fulfillment: they were refunded without being returned."""
        return self.fulfillment is not None and self.fulfillment["status"] == "REFUNDED"


def _parse_global_id(value: str, type_name: str) -> str:
    """Saleor's from_global_id_or_error(value, type_name, raise_error=True); returns the pk."""
    try:
        found_type, pk = from_global_id(value)
        if not pk.isdigit():
            uuid.UUID(pk)
    except ValueError as exc:
        raise GraphQLError(f"Invalid ID: {value}. Expected: {type_name}.") from exc
    if found_type != type_name:
        raise GraphQLError(f"Invalid ID: {value}. Expected: {type_name}, received: {found_type}.")
    return pk


def _parse_node_id(value: str, type_name: str, field: str) -> str:
    """Like ``_parse_global_id`` inside get_node_or_error: a GRAPHQL_ERROR on ``field``."""
    try:
        return _parse_global_id(value, type_name)
    except GraphQLError as exc:
        raise _invalid(field, exc.message, "GRAPHQL_ERROR") from None


def _decimal_argument(value: Any, name: str) -> Decimal:
    """A Decimal or PositiveDecimal argument (a JSON number or string) as a Decimal."""
    try:
        return Decimal(str(value))
    except ArithmeticError as exc:
        raise GraphQLError(f"{name}: {value!r} is not a valid decimal.") from exc


def _refuse_reason_reference(value: Any) -> None:
    # The fake configures no refund or return reason types (refundSettings,
    # returnSettings), and Saleor refuses a reference then.
    if value:
        raise _invalid("reasonReference", "Reason reference type is not configured.", "INVALID")


def _append_once(items: list, item: Any) -> None:
    if all(existing is not item for existing in items):
        items.append(item)


def _shift(holder: dict, key: str, delta: Decimal) -> None:
    """Add ``delta`` to the Money at ``holder[key]``."""
    money = holder[key]
    holder[key] = _money(_amount(money) + delta, money["currency"])


def _add_refund_event(transaction: dict, grant: dict, event: dict) -> None:
    # Saleor lists the events of a transaction and of a grant newest first.
    transaction["events"].insert(0, event)
    grant["transactionEvents"].insert(0, event)


def _payment_app(transaction: Mapping) -> dict | None:
    """The app owning a transaction: the one Saleor asks to refund it."""
    created_by = transaction.get("createdBy")
    if isinstance(created_by, dict) and created_by.get("__typename") == "App":
        return created_by
    return None


def _refunded_events(order: Mapping) -> list[str]:
    """Saleor's order_refunded: ORDER_REFUNDED, ORDER_UPDATED, then ORDER_FULLY_REFUNDED if due."""
    events = ["ORDER_REFUNDED", "ORDER_UPDATED"]
    if _amount(order["totalRefunded"]) >= _amount(order["total"]["gross"]):
        events.append("ORDER_FULLY_REFUNDED")
    return events


def _charged_again_events(order: Mapping) -> list[str]:
    """Saleor's order_charged, when a failed refund gives the money back to the charge."""
    if order["chargeStatus"] in ("FULL", "OVERCHARGED"):
        return ["ORDER_PAID", "ORDER_FULLY_PAID", "ORDER_UPDATED"]
    return ["ORDER_PAID", "ORDER_UPDATED"]


def _metadata_input(items: Iterable[Mapping] | None, field: str) -> dict[str, str]:
    """MetadataInput items as a dict; an empty key is Saleor's REQUIRED error on ``field``."""
    values: dict[str, str] = {}
    for item in items or ():
        if not item["key"].strip():
            raise _invalid(field, "Metadata key cannot be empty.", "REQUIRED")
        values[item["key"]] = item["value"]
    return values


def _sorted_metadata(values: Mapping[str, str]) -> list[dict]:
    """Metadata items sorted by key, the order Saleor's resolve_metadata answers in."""
    return _metadata_items(dict(sorted(values.items())))


def _has_metadata(items: Iterable[Mapping], key: str, value: str | None) -> bool:
    """Saleor's metadata filter: the key with that value, or just the key when value is null."""
    stored = _metadata_dict(items)
    return key in stored and (value is None or stored[key] == value)


def _metadata_updated_event(
    type_name: str, instance: dict, order: dict | None
) -> tuple[str | None, dict]:
    """The webhook Saleor's TYPE_EXTRA_METHODS send after a metadata change (none for OrderLine)."""
    if type_name == "Order":
        return "ORDER_METADATA_UPDATED", {"order": instance}
    if type_name == "Fulfillment":
        return "FULFILLMENT_METADATA_UPDATED", {"fulfillment": instance, "order": order}
    if type_name == "GiftCard":
        return "GIFT_CARD_METADATA_UPDATED", {"giftCard": instance}
    if type_name == "TransactionItem":
        return "TRANSACTION_ITEM_METADATA_UPDATED", {"transaction": instance}
    return None, {}


def _address_dict(address_input: Mapping[str, Any], address_id: str) -> dict:
    """An Address from an AddressInput (no i18n validation: only the country is required)."""
    code = str(address_input.get("country") or "").upper()
    return {
        "__typename": "Address",
        "id": address_id,
        "firstName": address_input.get("firstName") or "",
        "lastName": address_input.get("lastName") or "",
        "companyName": address_input.get("companyName") or "",
        "streetAddress1": address_input.get("streetAddress1") or "",
        "streetAddress2": address_input.get("streetAddress2") or "",
        "city": (address_input.get("city") or "").upper(),
        "cityArea": address_input.get("cityArea") or "",
        "postalCode": address_input.get("postalCode") or "",
        "country": {
            "__typename": "CountryDisplay",
            "code": code,
            "country": Locale("en").territories.get(code, code),
            "vat": None,
        },
        "countryArea": address_input.get("countryArea") or "",
        "phone": address_input.get("phone") or "",
        "isDefaultShippingAddress": None,
        "isDefaultBillingAddress": None,
        "metadata": [],
        "privateMetadata": [],
    }


def _copy_order_line(line: Mapping[str, Any], quantity: int, currency: str) -> dict:
    """A copy of an order line for ``quantity`` units, as Saleor puts it on a replace order."""
    gross = _amount(line["unitPrice"]["gross"])
    net = _amount(line["unitPrice"]["net"])
    undiscounted = _amount(line["undiscountedUnitPrice"]["gross"])
    undiscounted_net = _amount(line["undiscountedUnitPrice"]["net"])
    return {
        **line,
        "id": global_id("OrderLine", uuid.uuid4()),
        "quantity": quantity,
        "quantityFulfilled": 0,
        "quantityToFulfill": quantity,
        "totalPrice": _taxed_money(gross * quantity, net * quantity, currency),
        "undiscountedTotalPrice": _taxed_money(
            undiscounted * quantity, undiscounted_net * quantity, currency
        ),
        "allocations": [],
        "metadata": [dict(item) for item in line.get("metadata") or ()],
        "privateMetadata": [dict(item) for item in line.get("privateMetadata") or ()],
    }


def _connection(
    items: list[dict], info: Any, args: Mapping[str, Any], type_name: str, cursor_key: str
) -> dict:
    """A ``<type_name>CountableConnection`` page of ``items`` (already filtered and sorted)."""
    first = args.get("first")
    last = args.get("last")
    field = info.field_name
    for name, value in (("first", first), ("last", last)):
        if value and value > MAX_PAGE_SIZE:
            raise AssertionError(
                f"Requesting {value} records on the `{field}` connection "
                f"exceeds the `{name}` limit of {MAX_PAGE_SIZE} records."
            )
    if first is None and last is None:
        raise GraphQLError(
            "You must provide a `first` or `last` value to properly paginate "
            f"the `{field}` connection."
        )
    page = items[:first] if first is not None else items
    if last is not None:
        page = page[len(page) - last :] if last else []
    edges = [
        {
            "__typename": f"{type_name}CountableEdge",
            "node": item,
            "cursor": base64.b64encode(json.dumps([str(item[cursor_key])]).encode()).decode(),
        }
        for item in page
    ]
    return {
        "__typename": f"{type_name}CountableConnection",
        "totalCount": len(items),
        "edges": edges,
        "pageInfo": {
            "__typename": "PageInfo",
            "hasNextPage": first is not None and len(items) > first,
            "hasPreviousPage": last is not None and len(items) > last,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
