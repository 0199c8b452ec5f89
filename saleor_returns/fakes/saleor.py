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

Known differences from a real Saleor: error messages of parse/validation errors are
graphql-core 3's wording (Saleor runs graphql-core 2), ``requestedQueryCost`` uses a
small default cost map (see ``FakeSaleor.cost_map``), and field-level permissions are
only enforced where a registered resolver does so.

Typical use::

    with FakeSaleor() as saleor:
        app = saleor.add_app(permissions=["MANAGE_ORDERS"])

        @saleor.query("order")
        def resolve_order(info, id):
            info.context.require("MANAGE_ORDERS")
            return saleor.lookup(id)

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
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
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
    "PERMISSION_NAMES",
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
    repo_root = Path(__file__).resolve().parents[2]
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
    or append dicts to ``orders``), register root resolvers with ``query`` /
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
        self._pks: dict[str, itertools.count] = {}
        self._key = _SigningKey()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._register_builtin_resolvers()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSaleor:
        """Serve on 127.0.0.1 with a random port, in a daemon thread."""
        if self._server is not None:
            return self
        handler = type("FakeSaleorHandler", (_Handler,), {"fake": self})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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
        with self.lock:
            fault = self._faults.popleft() if self._faults else None
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
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

    def fail_next(self, count: int = 1, status: int = 502) -> None:
        """Answer the next ``count`` GraphQL requests with ``status`` without running them."""
        with self.lock:
            self._faults.extend(_Fault("fail", status=status) for _ in range(count))

    def delay_next(self, count: int = 1, seconds: float = 1.0) -> None:
        """Sleep ``seconds`` before handling each of the next ``count`` GraphQL requests.

        The operation still runs after the sleep (a slow Saleor finishes its work even
        if the client gave up), so state may change after a client-side timeout.
        """
        with self.lock:
            self._faults.extend(_Fault("delay", seconds=seconds) for _ in range(count))

    def fail_after_execute_next(
        self, count: int = 1, status: int = 502, *, drop: bool = False
    ) -> None:
        """Run the next ``count`` operations, then answer ``status`` (or drop the connection)."""
        with self.lock:
            self._faults.extend(
                _Fault("fail_after_execute", status=status, drop=drop) for _ in range(count)
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

        With ``data=True`` also drop apps, users and orders. Registered resolvers and
        the signing key are kept.
        """
        with self.lock:
            self._faults.clear()
            self._jwks_faults.clear()
            self.jwks_fetches = 0
            self.requests.clear()
            self.deliveries.clear()
            if data:
                self.apps.clear()
                self.users.clear()
                self.orders.clear()

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
        **fields: Any,
    ) -> dict:
        """Create a customer; returns its dict (``id`` is ``User:<n>``)."""
        return self._add_user(email, first_name, last_name, is_active, False, (), fields)

    def add_staff(
        self,
        email: str,
        permissions: Iterable[str] = (),
        *,
        first_name: str = "",
        last_name: str = "",
        is_active: bool = True,
        **fields: Any,
    ) -> dict:
        """Create a staff user holding ``permissions`` (PermissionEnum names)."""
        return self._add_user(email, first_name, last_name, is_active, True, permissions, fields)

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
        for app in list(self.apps if recipients is None else recipients):
            if not app.get("isActive"):
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
        self.mutation("tokenVerify")(self._resolve_token_verify)
        self.mutation("appTokenVerify")(self._resolve_app_token_verify)
        self.field("App", "accessToken")(self._resolve_app_access_token)

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
        return {
            "isValid": True,
            "payload": payload,
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


# ------------------------------------------------------------------------ HTTP handler


class _Handler(BaseHTTPRequestHandler):
    """Routes of the fake: POST /graphql/ and GET /.well-known/jwks.json."""

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
        else:
            self.send_plain(404, b"Not Found")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if urlsplit(self.path).path != GRAPHQL_PATH:
            self.send_plain(404, b"Not Found")
            return
        self.fake._serve_graphql(self, body)

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


def _event_typename(event_type: str) -> str:
    """``ORDER_FULLY_REFUNDED`` -> ``OrderFullyRefunded``: the subscription event type."""
    return "".join(part.capitalize() for part in event_type.lower().split("_"))


def _event_object(event_type: str) -> dict[str, str]:
    name = event_type.upper()
    return {"eventType": name, "name": name.replace("_", " ").capitalize()}
