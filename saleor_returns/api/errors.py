"""Errors in mutation payloads (business failures) and top-level errors (permissions)."""

import re

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from graphql import GraphQLError

from saleor_returns.api.enums import ReturnErrorCodeEnum
from saleor_returns.error_codes import ReturnErrorCode


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
