"""What every mutation shares: permission check, error payloads, id decoding."""

import logging

import graphene
from graphql_relay import from_global_id
from django.core.exceptions import ValidationError
from graphene import relay

from saleor_returns.access import (
    HANDLE_PAYMENTS,
    MANAGE_APPS,
    MANAGE_GIFT_CARD,
    MANAGE_ORDERS,
    MANAGE_SETTINGS,
    NotFound,
    access_return_request,
    missing_permissions,
)
from saleor_returns.api.loading import return_requests_queryset
from saleor_returns.api.errors import PermissionDenied, ReturnError, error, errors_from_validation
from saleor_returns.api.text_input import unstorable_text
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.ids import is_uuid
from saleor_returns.requestors import RequestorKind, actor_of
from saleor_returns.saleor import staff
from saleor_returns.saleor.client import SaleorError, SaleorUnavailable
from saleor_returns.saleor.orders import TooManyOrders

logger = logging.getLogger(__name__)

CUSTOMERS = frozenset({RequestorKind.CUSTOMER, RequestorKind.GUEST})
# Work needing these moves money or changes settings: the staff token is confirmed with Saleor first.
CONFIRMED_PERMISSIONS = frozenset({HANDLE_PAYMENTS, MANAGE_GIFT_CARD, MANAGE_SETTINGS, MANAGE_APPS})
REVOKED_SESSION = "Saleor no longer accepts your session (signed out or revoked): reload the Dashboard and sign in."


class InputError(Exception):
    """Turns into one ReturnError in the payload."""

    def __init__(self, field, code: ReturnErrorCode, message: str, lines=None):
        super().__init__(message)
        self.error = error(field, code, message, lines)


def enum_value(value):
    """The plain value of a GraphQL enum argument (graphene hands over enum members)."""
    return getattr(value, "value", value)


def decode_id(global_id: str, expected_type: str, field: str = "id") -> str:
    try:
        type_name, pk = from_global_id(global_id)
    except Exception:  # noqa: BLE001 - graphql-relay raises several kinds for garbage
        type_name, pk = None, None
    if type_name != expected_type or not pk:
        raise InputError(field, ReturnErrorCode.NOT_FOUND, f"No {expected_type} has this id.")
    return pk


def confirm_staff_session(requestor) -> None:
    """Refuse a staff member whose token Saleor revoked since it was issued (raises SaleorUnavailable too)."""
    if requestor.kind is RequestorKind.STAFF and not staff.staff_token_is_live(requestor.installation, requestor.token):
        raise PermissionDenied(REVOKED_SESSION)


def require_permissions(requestor, permissions) -> None:
    """Raise PermissionDenied naming what a staff member lacks of `permissions`; checked before any write."""
    missing = missing_permissions(requestor, permissions)
    if missing:
        raise PermissionDenied.missing(missing)


class ReturnMutation(graphene.Mutation):
    """Base: declare the staff `permissions` (or `staff_permissions(data)`) and `customers_allowed`; implement `perform`."""

    class Meta:
        abstract = True

    errors = graphene.List(graphene.NonNull(ReturnError), required=True)

    # What a staff member must hold in Saleor for this call (DESIGN.md §Permissions).
    permissions: tuple[str, ...] = (MANAGE_ORDERS,)
    customers_allowed = False
    # Work that gives value away though it needs only MANAGE_ORDERS (orders at no charge, refund retries
    # whose kind is known only in `perform`): the staff token is confirmed with Saleor as for money.
    moves_money = False

    @classmethod
    def confirms_staff_session(cls, data: dict) -> bool:
        return cls.moves_money or bool(CONFIRMED_PERMISSIONS.intersection(cls.staff_permissions(data)))

    @classmethod
    def staff_permissions(cls, data: dict) -> tuple[str, ...]:
        """The permissions this call needs; mutations whose work depends on their arguments add to them."""
        return cls.permissions

    @classmethod
    def check_permissions(cls, requestor, data: dict) -> None:
        if requestor.installation is None:
            raise PermissionDenied("Name the shop with the Saleor-Api-Url header.")
        if requestor.is_staff:
            require_permissions(requestor, cls.staff_permissions(data))
            return
        if cls.customers_allowed and requestor.kind in CUSTOMERS:
            return
        raise PermissionDenied()

    @classmethod
    def mutate(cls, root, info, **data):
        requestor = info.context.requestor
        cls.check_permissions(requestor, data)
        unstorable = unstorable_text(data)
        if unstorable is not None:
            # Fields are named relative to `input`, like every other payload error.
            field, message = unstorable
            return cls(errors=[error(field.removeprefix("input."), ReturnErrorCode.INVALID, message)])
        try:
            if requestor.kind is RequestorKind.STAFF and cls.confirms_staff_session(data):
                confirm_staff_session(requestor)
            return cls.perform(info, requestor, actor_of(requestor), **data)
        except InputError as problem:
            return cls(errors=[problem.error])
        except NotFound:
            return cls(errors=[error("id", ReturnErrorCode.NOT_FOUND, "No return request has this id.")])
        except TooManyOrders as problem:
            return cls(errors=[error(None, ReturnErrorCode.TOO_MANY_ORDERS, problem.message)])
        except ValidationError as problem:
            return cls(errors=[with_global_line_ids(e) for e in errors_from_validation(problem)])
        except SaleorUnavailable:
            logger.warning("Saleor unavailable during a mutation", extra={"mutation": cls.__name__})
            return cls(errors=[error(None, ReturnErrorCode.SALEOR_UNAVAILABLE, "The shop did not answer; try again.")])
        except SaleorError:
            logger.exception("Saleor refused a call during a mutation", extra={"mutation": cls.__name__})
            return cls(errors=[error(None, ReturnErrorCode.SALEOR_UNAVAILABLE, "The shop refused the request.")])

    @classmethod
    def perform(cls, info, requestor, actor, **data):
        raise NotImplementedError


def with_global_line_ids(problem: ReturnError) -> ReturnError:
    """Return lines are named in errors by their API ids (order lines already are Saleor ids)."""
    if problem.lines:
        problem.lines = [
            relay.Node.to_global_id("ReturnLine", line_id) if is_uuid(line_id) else line_id for line_id in problem.lines
        ]
    return problem


def load_return_request(requestor, global_id: str):
    return access_return_request(requestor, decode_id(global_id, "ReturnRequest"))


def reloaded(return_request):
    """The request with what its payload shows, prefetched."""
    return return_requests_queryset().get(pk=return_request.pk)
