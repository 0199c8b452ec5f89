"""Errors as Saleor reports them: permission denials, GraphQL errors and the errors of mutation payloads."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from graphql import GraphQLError

from .common import from_global_id


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

_MISSING_NODE = "Couldn't resolve to a node:"
_COULD_NOT_RESOLVE_IDS = "Could not resolve to a node with the global id list of '%s'."
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


def _split_global_id(value: str, type_name: str) -> tuple[str, str]:
    """Saleor's from_global_id_or_error(value, type_name) without raise_error: ``(type, pk)``.

    A malformed ID is an error; an ID of another type is the caller's to judge.
    """
    try:
        found_type, pk = from_global_id(value)
        if not pk.isdigit():
            uuid.UUID(pk)
    except ValueError as exc:
        raise GraphQLError(f"Invalid ID: {value}. Expected: {type_name}.") from exc
    return found_type, pk


def _parse_global_id(value: str, type_name: str) -> str:
    """Saleor's from_global_id_or_error(value, type_name, raise_error=True); returns the pk."""
    found_type, pk = _split_global_id(value, type_name)
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
