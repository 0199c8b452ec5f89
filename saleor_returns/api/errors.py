"""Errors in mutation payloads (business failures) and top-level errors (permissions)."""

import logging
import re

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from graphql import GraphQLError

from saleor_returns.api.enums import ReturnErrorCodeEnum
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.saleor.client import SaleorError, SaleorUnavailable

logger = logging.getLogger(__name__)

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side; it has been logged."


class ReturnError(graphene.ObjectType):
    field = graphene.String(description="The input field at fault (camelCase); null for the whole input.")
    code = graphene.Field(ReturnErrorCodeEnum, required=True)
    message = graphene.String(required=True, description="A message that can be shown to the user.")
    lines = graphene.List(graphene.NonNull(graphene.ID), description="The order lines or return lines at fault.")


class PermissionDenied(GraphQLError):
    def __init__(self, message: str = "You do not have permission to perform this action.", *, permissions=()):
        extensions = {"exception": {"code": "PermissionDenied"}, "code": "PermissionDenied"}
        if permissions:
            extensions["permissions"] = list(permissions)
        super().__init__(message, extensions=extensions)

    @classmethod
    def missing(cls, permissions) -> "PermissionDenied":
        """Names the Saleor permissions the caller lacks for this call."""
        names = ", ".join(permissions)
        noun = "permission" if len(permissions) == 1 else "permissions"
        return cls(f"You need the {names} {noun} in Saleor for this.", permissions=permissions)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _field_path(name: str) -> str | None:
    if name in (NON_FIELD_ERRORS, None):
        return None
    return ".".join(camel(part) for part in re.split(r"\.", name))


def errors_from_validation(error: ValidationError) -> list[ReturnError]:
    """Flatten a Django ValidationError into ReturnErrors."""
    results = []
    error_dict = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.error_list}
    for name, errors in error_dict.items():
        for item in errors:
            for single in item.error_list if hasattr(item, "error_list") else [item]:
                code = single.code if single.code in {c.value for c in ReturnErrorCode} else ReturnErrorCode.INVALID.value
                message = single.message % single.params if single.params and "%(" in single.message else single.message
                lines = (single.params or {}).get("lines") if isinstance(single.params, dict) else None
                results.append(ReturnError(field=_field_path(name), code=code, message=str(message), lines=lines))
    return results


def error(field: str | None, code: ReturnErrorCode, message: str, lines=None) -> ReturnError:
    return ReturnError(field=field, code=code.value, message=message, lines=lines)


def format_error(error) -> dict:
    """A top-level error as the caller sees it: what we raised on purpose, or a bug told in our words only.

    An exception that is not a GraphQLError, raised while a field resolves, is a bug: its text may
    come from the database driver (SQL, table and column names, the values sent), so it is logged
    and never shown. Errors without a path come from parsing and validation, whose messages
    graphql-core writes about the document itself.
    """
    if not isinstance(error, GraphQLError):
        logger.error("Unexpected error outside GraphQL execution", exc_info=error)
        return {"message": INTERNAL_ERROR_MESSAGE, "extensions": {"code": "INTERNAL_ERROR"}}
    original = error.original_error
    if error.path is None or original is None or isinstance(original, GraphQLError):
        return error.formatted
    if isinstance(original, SaleorError):
        # The shop, not the app, failed: say so in our words, as mutations do.
        unavailable = isinstance(original, SaleorUnavailable)
        logger.warning("Saleor failed during a query", extra={"path": error.path, "error": type(original).__name__})
        formatted = {
            "message": "The shop did not answer; try again." if unavailable else "The shop refused the request.",
            "path": error.path,
            "extensions": {"code": "SALEOR_UNAVAILABLE"},
        }
        if error.locations is not None:
            formatted["locations"] = [location.formatted for location in error.locations]
        return formatted
    logger.error("Unexpected error in a GraphQL resolver", exc_info=original, extra={"path": error.path})
    formatted = {"message": INTERNAL_ERROR_MESSAGE, "path": error.path, "extensions": {"code": "INTERNAL_ERROR"}}
    if error.locations is not None:
        formatted["locations"] = [location.formatted for location in error.locations]
    return formatted
