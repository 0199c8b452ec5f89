"""Error codes shared by the domain and the API (the `ReturnErrorCode` GraphQL enum)."""

from enum import Enum

from django.core.exceptions import ValidationError


class ReturnErrorCode(str, Enum):
    """Why a request about returns was refused. Values are stable API strings."""

    ALREADY_RETURNED = "already_returned"
    ALREADY_RUNNING = "already_running"
    EVIDENCE_REQUIRED = "evidence_required"
    FINAL_SALE = "final_sale"
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    INVALID_FILE = "invalid_file"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_REASON = "invalid_reason"
    INVALID_RESOLUTION = "invalid_resolution"
    INVALID_TRANSITION = "invalid_transition"
    LIMIT_EXCEEDED = "limit_exceeded"
    NOT_FOUND = "not_found"
    NOT_FULFILLED = "not_fulfilled"
    NOT_RETURNABLE = "not_returnable"
    ORDER_NOT_RETURNABLE = "order_not_returnable"
    PREVIEW_CHANGED = "preview_changed"
    QUANTITY_EXCEEDS_RETURNABLE = "quantity_exceeds_returnable"
    REQUIRED = "required"
    SALEOR_UNAVAILABLE = "saleor_unavailable"
    TEMPLATE_FORBIDDEN = "template_forbidden"
    TEMPLATE_SYNTAX = "template_syntax"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    TOO_MANY_ORDERS = "too_many_orders"
    UNIQUE = "unique"
    UNKNOWN_PLACEHOLDER = "unknown_placeholder"
    WINDOW_EXPIRED = "window_expired"


def invalid(field_name: str | None, message: str, code: ReturnErrorCode, *, lines: list[str] | None = None):
    """A ValidationError the API turns into `ReturnError {field code message lines}`."""
    params = {"lines": lines} if lines else None
    error = ValidationError(message, code=code.value, params=params)
    return ValidationError({field_name or "__all__": error})
