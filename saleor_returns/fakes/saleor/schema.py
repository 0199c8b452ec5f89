"""Saleor's schema, the request context, the resolver registry and the execution of operations."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING

import jwt
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
from graphql.language import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode

from .common import (
    APP_TOKEN_LENGTH,
    AUTHENTICATED_APP,
    AUTHENTICATED_STAFF_USER,
    AUTHENTICATED_USER,
    MAX_QUERY_COST,
    PERMISSION_NAMES,
    from_global_id,
    global_id,
)
from .errors import _COULD_NOT_RESOLVE_IDS, _format_error, _invalid, permission_denied

if TYPE_CHECKING:
    from . import FakeSaleor


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


# --------------------------------------------------------------------------- helpers


def _default_cost_map(schema: GraphQLSchema) -> dict[str, dict[str, dict[str, Any]]]:
    query_costs = {}
    for name, field_def in schema.query_type.fields.items():
        multipliers = [arg for arg in ("first", "last") if arg in field_def.args]
        query_costs[name] = {"complexity": 1, "multipliers": multipliers}
    return {"Query": query_costs}


def _read_field(source: Any, info: Any, args: Mapping[str, Any]) -> Any:
    """The fake's default field value: the dict key of the field's name (callables computed)."""
    if isinstance(source, Mapping):
        value = source.get(info.field_name)
        return value(info, **args) if callable(value) else value
    return getattr(source, info.field_name, None)


class SchemaMixin:
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
