"""Parsed and validated GraphQL documents, kept per query text: clients send the same few queries over and
over, and parsing and validating one costs more than running a small one."""

from functools import lru_cache

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate
from graphql.execution import ExecutionContext
from graphql.pyutils import is_awaitable

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
    """Execution for the app's synchronous resolvers: asks only of values that could be awaitable."""

    @staticmethod
    def is_awaitable(value) -> bool:
        return type(value) not in _PLAIN_TYPES and is_awaitable(value)
