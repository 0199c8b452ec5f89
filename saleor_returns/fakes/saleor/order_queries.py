"""Who may read which order, and which fields of it: ``order``, ``orders`` and ``me { orders }``."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError
from graphql.language import FieldNode

from .common import (
    AUTHENTICATED_APP,
    AUTHENTICATED_STAFF_USER,
    MAX_PAGE_SIZE,
    _connection_page,
    _decode_cursor,
    from_global_id,
)
from .errors import PermissionDenied, _split_global_id, permission_denied
from .schema import RequestContext, _read_field


# Order fields Saleor guards with permissions (as seen in
# captures/responses/order_customer_field_access.json); all are non-null, so a
# denial nulls the whole order.
_ORDER_FIELD_PERMISSIONS = {
    "channel": (AUTHENTICATED_APP, AUTHENTICATED_STAFF_USER),
    "transactions": ("MANAGE_ORDERS", "HANDLE_PAYMENTS"),
    "grantedRefunds": ("MANAGE_ORDERS",),
    "events": ("MANAGE_ORDERS",),
    "totalGrantedRefund": ("MANAGE_ORDERS",),
    "totalRemainingGrant": ("MANAGE_ORDERS",),
    "totalRefundPending": ("MANAGE_ORDERS",),
}
# Who besides the owner may read Order.user.
_ORDER_USER_PERMISSIONS = ("MANAGE_USERS", "MANAGE_ORDERS", "HANDLE_PAYMENTS", "HANDLE_TAXES")
# Saleor's ALL_PRODUCTS_PERMISSIONS: each shows unpublished products too.
_ALL_PRODUCTS_PERMISSIONS = ("MANAGE_ORDERS", "MANAGE_DISCOUNTS", "MANAGE_PRODUCTS")


def _order_matches_customer(order: Mapping, value: str) -> bool:
    """Saleor's ``customer`` order filter: an e-mail matches exactly, anything else names."""
    user = order.get("user") or {}
    wanted = value.strip().lower()
    emails = [(order.get("userEmail") or "").lower(), (user.get("email") or "").lower()]
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", wanted):
        return wanted in emails
    first = (user.get("firstName") or "").lower()
    last = (user.get("lastName") or "").lower()
    if " " in wanted:
        given, family = wanted.split(" ", 1)
        return f"{first} {last}" in (wanted, f"{family} {given}")
    return any(wanted in text for text in [*emails, first, last] if text)


def _order_number(order: Mapping) -> int:
    number = str(order.get("number") or "")
    return int(number) if number.isdigit() else 0


def _order_key(order: Mapping) -> tuple[int, str]:
    """Saleor's default order of orders, newest number first: ``-number`` with ``-pk`` as tie-breaker.

    saleor/graphql/utils/sorting.py ``sort_queryset_by_default`` appends ``pk`` to the model's
    ordering (``-number``), so a cursor holds both values.
    """
    try:
        pk = from_global_id(str(order.get("id")))[1]
    except ValueError:
        pk = str(order.get("id"))
    return _order_number(order), pk


def _created_between(orders: list[dict], value: Mapping | None) -> list[dict]:
    """``where: {createdAt: {gte, lte}}`` as Saleor applies it, both ends inclusive.

    saleor/graphql/order/filters.py ``filter_where_created_at_range`` calls
    saleor/graphql/utils/filters.py ``filter_where_by_range_field``: no value, or neither
    ``gte`` nor ``lte``, matches nothing; otherwise ``created_at__gte`` / ``created_at__lte``.
    """
    gte, lte = (value or {}).get("gte"), (value or {}).get("lte")
    if gte is None and lte is None:
        return []

    def moment(text: str) -> datetime.datetime:
        try:
            parsed = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        except ValueError:
            raise GraphQLError(f"Invalid DateTime value: {text!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)

    low = moment(gte) if gte is not None else None
    high = moment(lte) if lte is not None else None
    return [
        order for order in orders
        if (low is None or moment(order["created"]) >= low) and (high is None or moment(order["created"]) <= high)
    ]


def _order_connection(orders: list[dict], info: Any, args: Mapping[str, Any]) -> dict:
    """An OrderCountableConnection, newest number first (Order's default ordering).

    ``after`` takes the cursor of an edge Saleor served: the orders after it are those below its
    (number, pk) (saleor/graphql/core/connection.py ``_prepare_filter``, descending).
    ``totalCount`` counts every order the filters match, whatever the cursor.
    """
    first = args.get("first")
    last = args.get("last")
    field = info.field_name
    selections = info.field_nodes[0].selection_set.selections
    if not (first or last) and any(
        isinstance(node, FieldNode) and node.name.value == "edges" for node in selections
    ):
        raise GraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the `{field}` connection."
        )
    for name, value in (("first", first), ("last", last)):
        if value and value > MAX_PAGE_SIZE:
            # Saleor checks this with an assert, so its error code is AssertionError.
            raise AssertionError(
                f"Requesting {value} records on the `{field}` connection "
                f"exceeds the `{name}` limit of {MAX_PAGE_SIZE} records."
            )
    if last and args.get("after"):
        raise GraphQLError("Argument `last` cannot be combined with `after`.")
    ordered = sorted(orders, key=_order_key, reverse=True)
    remaining = ordered
    if args.get("after"):
        cursor = _decode_cursor(args["after"])
        if len(cursor) != 2 or not str(cursor[0]).isdigit():
            raise GraphQLError("Received cursor is invalid.")
        after = (int(cursor[0]), str(cursor[1]))
        remaining = [order for order in ordered if _order_key(order) < after]
    page = _connection_page(remaining, first, last, "Order", _order_key)
    page["totalCount"] = len(ordered)
    if args.get("after") and first:
        page["pageInfo"]["hasPreviousPage"] = True
    return page


class OrderQueriesMixin:
    # Root and field resolvers of orders. Saleor's rules, from saleor/graphql/order/:
    # ``order(id)`` is public (an order's UUID is its secret), but who may read
    # which field depends on the requestor, and a denied non-null field nulls the
    # whole order, with only that first error reported.

    def register_order_resolvers(self) -> None:
        """(Re)register the built-in resolvers of orders, e.g. after a test replaced one.

        Root fields ``order`` and ``orders``, ``User.orders`` (for ``me { orders }``),
        and the Order and OrderLine fields whose visibility depends on the requestor.
        """
        self.query("order")(self._resolve_order)
        self.query("orders")(self._resolve_orders)
        self.field("User", "orders")(self._resolve_user_orders)
        self.field("Order", "user")(self._resolve_order_user)
        self.field("Order", "fulfillments")(self._resolve_order_fulfillments)
        self.field("Order", "privateMetadata")(self._resolve_order_private_metadata)
        for name in _ORDER_FIELD_PERMISSIONS:
            self.field("Order", name)(self._resolve_guarded_order_field)
        self.field("OrderLine", "variant")(self._resolve_order_line_variant)

    def _resolve_order(
        self, info: Any, id: str | None = None, externalReference: str | None = None  # noqa: N803
    ) -> dict | None:
        if id and externalReference:
            raise GraphQLError("Argument 'id' cannot be combined with 'external_reference'")
        if not id and not externalReference:
            raise GraphQLError("At least one of arguments is required: 'id', 'external_reference'.")
        with self.lock:
            if not id:
                info.context.require("MANAGE_ORDERS")
                return next(
                    (o for o in self.orders if o.get("externalReference") == externalReference),
                    None,
                )
            # Saleor's from_global_id_or_error(id, Order) without raise_error: a
            # malformed ID is an error, an ID of another type just finds nothing.
            type_name, _pk = _split_global_id(id, "Order")
            if type_name != "Order":
                return None
            return next((o for o in self.orders if o.get("id") == id), None)

    def _resolve_orders(self, info: Any, **args: Any) -> dict:
        context: RequestContext = info.context
        context.require("MANAGE_ORDERS")
        unsupported = set(args) - {"first", "last", "after", "filter", "where", "channel"}
        if unsupported:
            raise GraphQLError(
                f"orders({', '.join(sorted(unsupported))}) is not implemented in the fake."
            )
        if args.get("filter") and args.get("where"):
            # saleor/graphql/core/connection.py filter_connection_queryset
            raise GraphQLError("Only one filtering argument (filter or where) can be specified.")
        filter_ = args.get("filter") or {}
        unsupported = set(filter_) - {"numbers", "ids", "customer"}
        if unsupported:
            raise GraphQLError(
                f"orders(filter: {', '.join(sorted(unsupported))}) is not implemented in the fake."
            )
        where = args.get("where") or {}
        unsupported = set(where) - {"createdAt"}
        if unsupported:
            raise GraphQLError(
                f"orders(where: {', '.join(sorted(unsupported))}) is not implemented in the fake."
            )
        if "ids" in filter_ and "numbers" in filter_:
            raise GraphQLError("'ids' and 'numbers` are not allowed to use together in filter.")
        with self.lock:
            orders = [o for o in self.orders if o.get("status") != "DRAFT"]
            if args.get("channel"):
                orders = [
                    o for o in orders if (o.get("channel") or {}).get("slug") == args["channel"]
                ]
            if filter_.get("numbers"):
                numbers = {str(number) for number in filter_["numbers"]}
                orders = [o for o in orders if str(o.get("number")) in numbers]
            if filter_.get("ids"):
                orders = [o for o in orders if o.get("id") in filter_["ids"]]
            if filter_.get("customer"):
                orders = [o for o in orders if _order_matches_customer(o, filter_["customer"])]
            if "createdAt" in where:
                orders = _created_between(orders, where["createdAt"])
            return _order_connection(orders, info, args)

    def _resolve_user_orders(self, user: dict, info: Any, **args: Any) -> dict:
        if "orders" in user:
            return _read_field(user, info, args)
        context: RequestContext = info.context
        requestor = context.requestor
        is_owner = requestor is not None and requestor.get("id") == user.get("id")
        if requestor is None or not (is_owner or context.has_perm("MANAGE_ORDERS")):
            raise PermissionDenied(permissions=["OWNER", "MANAGE_ORDERS"])
        if set(args) - {"first", "last"}:
            raise GraphQLError("User.orders filters are not implemented in the fake.")
        with self.lock:
            orders = [o for o in self.orders if (o.get("user") or {}).get("id") == user.get("id")]
            if not context.has_perm("MANAGE_ORDERS"):
                orders = [o for o in orders if o.get("status") != "DRAFT"]
            return _order_connection(orders, info, args)

    @staticmethod
    def _resolve_order_user(order: dict, info: Any, **args: Any) -> dict | None:
        user = _read_field(order, info, args)
        if user is None:
            return None
        context: RequestContext = info.context
        requestor = context.requestor
        if requestor is not None and requestor.get("id") == user.get("id"):
            return user
        if context.has_perm(*_ORDER_USER_PERMISSIONS):
            return user
        raise permission_denied(*_ORDER_USER_PERMISSIONS, "OWNER")

    @staticmethod
    def _resolve_order_fulfillments(order: dict, info: Any, **args: Any) -> list | None:
        fulfillments = _read_field(order, info, args)
        context: RequestContext = info.context
        if fulfillments is None or context.app is not None or context.is_staff:
            return fulfillments
        # Customers never see canceled fulfillments.
        return [f for f in fulfillments if f.get("status") != "CANCELED"]

    @staticmethod
    def _resolve_order_private_metadata(order: dict, info: Any, **args: Any) -> Any:
        if not info.context.has_perm("MANAGE_ORDERS"):
            raise PermissionDenied()  # Saleor names no permission here
        return _read_field(order, info, args)

    @staticmethod
    def _resolve_guarded_order_field(order: dict, info: Any, **args: Any) -> Any:
        info.context.require(*_ORDER_FIELD_PERMISSIONS[info.field_name])
        return _read_field(order, info, args)

    @staticmethod
    def _resolve_order_line_variant(line: dict, info: Any, **args: Any) -> dict | None:
        variant = _read_field(line, info, args)
        if variant is None or info.context.has_perm(*_ALL_PRODUCTS_PERMISSIONS):
            return variant
        # Others see the variant only while its product is visible in the channel.
        product = variant.get("product") or {}
        return variant if product.get("_visible", True) else None
