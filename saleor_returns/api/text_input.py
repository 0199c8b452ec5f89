"""Text input PostgreSQL cannot store — a NUL character, or a lone UTF-16 surrogate that JSON's `\\ud800`
escapes can carry but UTF-8 cannot encode — is refused as a field error before any query runs."""

from graphql import GraphQLError, OperationType

from saleor_returns.api.errors import camel
from saleor_returns.error_codes import ReturnErrorCode

NUL_MESSAGE = "Text must not contain NUL characters."
SURROGATE_MESSAGE = "Text must not contain unpaired surrogate characters."
# Decoded without touching the database; a bad one answers INVALID_CURSOR (api/pagination.py).
CURSOR_ARGUMENTS = frozenset({"after", "before"})


def unstorable_text(value, path: str = "") -> tuple[str, str] | None:
    """The camelCase path of the first string PostgreSQL cannot store, and the message saying why."""
    if isinstance(value, str):
        if "\x00" in value:
            return path, NUL_MESSAGE
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return path, SURROGATE_MESSAGE
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = unstorable_text(item, f"{path}.{camel(key)}" if path else camel(key))
            if found is not None:
                return found
    if isinstance(value, (list, tuple)):
        for item in value:
            found = unstorable_text(item, path)
            if found is not None:
                return found
    return None


class RefuseUnstorableTextMiddleware:
    """Answers a query field whose arguments hold text PostgreSQL cannot store with an INVALID error naming
    the argument.

    Mutations answer the same in their payload's `errors` (ReturnMutation.mutate), after their
    permission check, so they are left to it.
    """

    def resolve(self, next_, root, info, **args):
        if args and not (info.operation.operation == OperationType.MUTATION and info.path.prev is None):
            for name, value in args.items():
                found = None if name in CURSOR_ARGUMENTS else unstorable_text(value, camel(name))
                if found is not None:
                    field, message = found
                    raise GraphQLError(message, extensions={"code": ReturnErrorCode.INVALID.name, "field": field})
        return next_(root, info, **args)
