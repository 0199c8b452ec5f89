"""Text input PostgreSQL cannot store: a NUL character is refused as a field error before any query runs."""

from graphql import GraphQLError, OperationType

from saleor_returns.api.errors import camel
from saleor_returns.error_codes import ReturnErrorCode

NUL_MESSAGE = "Text must not contain NUL characters."
# Decoded without touching the database; a bad one answers INVALID_CURSOR (api/pagination.py).
CURSOR_ARGUMENTS = frozenset({"after", "before"})


def field_with_nul(value, path: str = "") -> str | None:
    """The camelCase path of the first string holding a NUL character (PostgreSQL cannot store one)."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = field_with_nul(item, f"{path}.{camel(key)}" if path else camel(key))
            if found is not None:
                return found
    if isinstance(value, (list, tuple)):
        for item in value:
            found = field_with_nul(item, path)
            if found is not None:
                return found
    return None


class RefuseNulMiddleware:
    """Answers a query field whose arguments hold a NUL character with an INVALID error naming the argument.

    Mutations answer the same in their payload's `errors` (ReturnMutation.mutate), after their
    permission check, so they are left to it.
    """

    def resolve(self, next_, root, info, **args):
        if args and not (info.operation.operation == OperationType.MUTATION and info.path.prev is None):
            for name, value in args.items():
                field = None if name in CURSOR_ARGUMENTS else field_with_nul(value, camel(name))
                if field is not None:
                    raise GraphQLError(NUL_MESSAGE, extensions={"code": ReturnErrorCode.INVALID.name, "field": field})
        return next_(root, info, **args)
