"""Parsed and validated GraphQL documents, kept per query text: clients send the same few queries over and
over, and parsing and validating one costs more than running a small one."""

from functools import lru_cache, partial

from graphene.types.resolver import dict_or_attr_resolver
from graphql import DocumentNode, GraphQLError, GraphQLSchema, is_leaf_type, is_non_null_type, parse, validate
from graphql.execution import ExecutionContext
from graphql.execution.execute import get_field_def
from graphql.pyutils import Undefined, is_awaitable

from saleor_returns.api.text_input import RefuseUnstorableTextMiddleware

# Longer texts are parsed and validated on every request, which bounds the cache's memory.
MAX_CACHED_QUERY_LENGTH = 20_000
CACHED_DOCUMENTS = 256


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _checked(schema: GraphQLSchema, query: str, rules: tuple, max_errors: int | None):
    document = parse(query)
    return document, tuple(validate(schema, document, rules, max_errors))


def checked_document(
    schema: GraphQLSchema, query: str, rules: tuple, max_errors: int | None = None
) -> tuple[DocumentNode, tuple[GraphQLError, ...]]:
    """`query` parsed, and what validating it against `schema` with `rules` found. A syntax error is raised
    (and never kept)."""
    if len(query) > MAX_CACHED_QUERY_LENGTH:
        return _checked.__wrapped__(schema, query, rules, max_errors)
    return _checked(schema, query, rules, max_errors)


# Values the app's resolvers return that are never awaitable: graphql-core asks of every value.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None), list, dict, tuple})


class SyncExecutionContext(ExecutionContext):
    """Execution for the app's synchronous resolvers.

    - asks only of values that could be awaitable whether they are;
    - runs a plain field (a scalar or enum without arguments, read by graphene's default resolver:
      an attribute, or a key of a dict) without the resolve info, argument values and middleware
      graphql-core builds for every field: about half the fields of a list page. The value and its
      serialization are the same (null for a nullable field's None); any value that would not
      complete as a plain one (None for a non-null field, an error, something awaitable, a value the
      scalar refuses) goes the general way, which reads it again and reports it as graphql-core does.
    """

    # Middleware that acts only on fields with arguments: a plain field may pass it by.
    ARGUMENT_MIDDLEWARE: tuple[type, ...] = (RefuseUnstorableTextMiddleware,)

    @staticmethod
    def is_awaitable(value) -> bool:
        return type(value) not in _PLAIN_TYPES and is_awaitable(value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._plain_fields = manager is None or all(
            isinstance(middleware, self.ARGUMENT_MIDDLEWARE) for middleware in manager.middlewares
        )

    def execute_field(self, parent_type, source, field_nodes, path):
        if self._plain_fields:
            field_def = get_field_def(self.schema, parent_type, field_nodes[0])
            plan = _plain_field(field_def) if field_def else None
            if plan is not None:
                attname, default, leaf_type, nullable = plan
                value = source.get(attname, default) if isinstance(source, dict) else getattr(source, attname, default)
                if value is None and nullable:
                    return None
                if value is not None and not isinstance(value, Exception) and not self.is_awaitable(value):
                    try:
                        serialized = leaf_type.serialize(value)
                    except Exception:  # noqa: BLE001 - told by the general way below
                        serialized = None
                    if serialized is not None and serialized is not Undefined:
                        return serialized
        return super().execute_field(parent_type, source, field_nodes, path)


# What `_plain_field` found for each field definition (GraphQLField cannot be hashed: kept by id, with the field).
_plans: dict[int, tuple] = {}


def _plain_field(field_def) -> tuple | None:
    """(attribute name, default, leaf type, nullable) of a plain field (see SyncExecutionContext), else None."""
    kept = _plans.get(id(field_def))
    if kept is not None and kept[0] is field_def:
        return kept[1]
    plan = None
    resolve = field_def.resolve
    if (not field_def.args and isinstance(resolve, partial) and resolve.func is dict_or_attr_resolver
            and len(resolve.args) == 2 and not resolve.keywords):
        nullable = not is_non_null_type(field_def.type)
        field_type = field_def.type if nullable else field_def.type.of_type
        if is_leaf_type(field_type):
            plan = (resolve.args[0], resolve.args[1], field_type, nullable)
    _plans[id(field_def)] = (field_def, plan)
    return plan
