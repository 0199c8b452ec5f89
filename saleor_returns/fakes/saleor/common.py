"""Constants, global IDs, money and small helpers shared by every part of the double."""

from __future__ import annotations

import base64
import datetime
import json
import re
import secrets
import string
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import get_currency_precision
from graphql import GraphQLError


SALEOR_VERSION = "3.23.28"
SCHEMA_VERSION = "3.23"
USER_AGENT = f"Saleor/{SCHEMA_VERSION}"
MAX_QUERY_COST = 50000  # GRAPHQL_QUERY_MAX_COMPLEXITY, echoed as maximumAvailable

ACCESS_TOKEN_TTL = 300  # JWT_TTL_ACCESS and JWT_TTL_APP_ACCESS: 5 minutes
REFRESH_TOKEN_TTL = 30 * 24 * 3600  # JWT_TTL_REFRESH: 30 days

# Names Saleor stores for each PermissionEnum value (the models' Meta.permissions);
# they come back as `Permission.name`, e.g. in captures/responses/app_self_*.json.
PERMISSION_NAMES = {
    "MANAGE_USERS": "Manage customers.",
    "MANAGE_STAFF": "Manage staff.",
    "IMPERSONATE_USER": "Impersonate user.",
    "MANAGE_APPS": "Manage apps",
    "MANAGE_OBSERVABILITY": "Manage observability",
    "MANAGE_CHECKOUTS": "Manage checkouts",
    "HANDLE_CHECKOUTS": "Handle checkouts",
    "HANDLE_TAXES": "Handle taxes",
    "MANAGE_TAXES": "Manage taxes",
    "MANAGE_CHANNELS": "Manage channels.",
    "MANAGE_CUSTOMER_TYPES_AND_ATTRIBUTES": "Manage customer types and attributes.",
    "MANAGE_DISCOUNTS": "Manage promotions and vouchers.",
    "MANAGE_GIFT_CARD": "Manage gift cards.",
    "MANAGE_MENUS": "Manage navigation.",
    "MANAGE_ORDERS": "Manage orders.",
    "MANAGE_ORDERS_IMPORT": "Manage orders import.",
    "MANAGE_PAGES": "Manage pages.",
    "MANAGE_PAGE_TYPES_AND_ATTRIBUTES": "Manage page types and attributes.",
    "HANDLE_PAYMENTS": "Handle payments",
    "MANAGE_PLUGINS": "Manage plugins",
    "MANAGE_PRODUCTS": "Manage products.",
    "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES": "Manage product types and attributes.",
    "MANAGE_SHIPPING": "Manage shipping.",
    "MANAGE_SETTINGS": "Manage settings.",
    "MANAGE_TRANSLATIONS": "Manage translations.",
}

# Authorization filters Saleor lists next to real permissions in PermissionDenied.
AUTHENTICATED_APP = "AUTHENTICATED_APP"
AUTHENTICATED_STAFF_USER = "AUTHENTICATED_STAFF_USER"
AUTHENTICATED_USER = "AUTHENTICATED_USER"

APP_TOKEN_LENGTH = 30
_TOKEN_ALPHABET = string.ascii_letters + string.digits

GRAPHQL_PATH = "/graphql/"
JWKS_PATH = "/.well-known/jwks.json"


@dataclass(frozen=True)
class PageRequest:
    """A GET to an added page: its path, its query (raw, and the first value of each key), its headers."""

    path: str
    query_string: str
    query: Mapping[str, str]
    headers: Mapping[str, str]


# An added GET route: the request in; status, content type, body and extra headers out.
PageHandler = Callable[[PageRequest], tuple[int, str, bytes, Mapping[str, str]]]


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()
"""Pass as a claim override to leave that claim out of an issued token."""


# ------------------------------------------------------------------------ global ids


def global_id(type_name: str, pk: Any) -> str:
    """Saleor's (graphene's) global ID: base64 of ``"Type:pk"``, e.g. ``VXNlcjo5``."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(value: str) -> tuple[str, str]:
    """Split a global ID into ``(type, pk)``; raise ``ValueError`` if it is not one."""
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"Couldn't resolve id: {value}.") from exc
    type_name, sep, pk = decoded.partition(":")
    if not sep or not type_name or not pk:
        raise ValueError(f"Couldn't resolve id: {value}.")
    return type_name, pk


def _from_global_id_or_error(value: str, only_type: str) -> str:
    """Like Saleor's ``from_global_id_or_error``: a GraphQL error on a bad or foreign ID."""
    try:
        type_name, pk = from_global_id(value)
    except ValueError as exc:
        raise GraphQLError(str(exc)) from exc
    if type_name != only_type:
        raise GraphQLError(f"Must receive a {only_type} id.")
    return pk


def _new_app_token() -> str:
    return _random_string(APP_TOKEN_LENGTH)


def _random_string(length: int) -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))


def _timestamp(value: Any) -> int:
    if value is None:
        return int(time.time())
    if isinstance(value, datetime.datetime):
        return int(value.timestamp())
    return int(value)


def _now_iso() -> str:
    return datetime.datetime.now(tz=datetime.timezone.utc).isoformat()


def _json_default(value: Any) -> Any:
    # Saleor's payloads come out of GraphQL, where money is a Float and dates strings.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
MAX_PAGE_SIZE = 100  # GRAPHQL_PAGINATION_LIMIT


def _decimal(value: Any, name: str) -> Decimal:
    if isinstance(value, (float, bool)):
        raise TypeError(f"{name} must be a Decimal, int or str, never {type(value).__name__}.")
    return Decimal(value)


def _quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit as Saleor's quantize_price does (half up)."""
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def _money(amount: Decimal | int, currency: str) -> dict:
    """Saleor's Money: exact ``fractionalAmount`` / ``fractionDigits`` and the float ``amount``."""
    digits = get_currency_precision(currency)
    value = _quantize(Decimal(amount), currency)
    return {
        "__typename": "Money",
        "currency": currency,
        "amount": float(value),
        "fractionalAmount": int(value.scaleb(digits)),
        "fractionDigits": digits,
    }


def _taxed_money(gross: Decimal, net: Decimal, currency: str) -> dict:
    return {
        "__typename": "TaxedMoney",
        "currency": currency,
        "gross": _money(gross, currency),
        "net": _money(net, currency),
        "tax": _money(gross - net, currency),
    }


def _net_of(gross: Decimal, rate: Decimal, currency: str) -> Decimal:
    return _quantize(gross / (1 + rate), currency) if rate else gross


def _amount(money: Mapping) -> Decimal:
    return Decimal(money["fractionalAmount"]).scaleb(-money["fractionDigits"])


def _sum_amounts(items: Iterable[Mapping]) -> Decimal:
    return sum((_amount(item) for item in items), Decimal(0))


def _metadata_items(values: Mapping[str, str] | None) -> list[dict]:
    return [
        {"__typename": "MetadataItem", "key": key, "value": value}
        for key, value in (values or {}).items()
    ]


def _metadata_dict(items: Iterable[Mapping] | None) -> dict[str, str]:
    return {item["key"]: item["value"] for item in items or ()}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _iso(value: Any) -> str:
    """A DateTime as Saleor sends it; ``value`` is None (now), an aware datetime or a string."""
    if value is None:
        return _now_iso()
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("Use an aware datetime; Saleor's timestamps carry a time zone.")
        return value.isoformat()
    return str(value)


def _append_once(items: list, item: Any) -> None:
    if all(existing is not item for existing in items):
        items.append(item)


def _shift(holder: dict, key: str, delta: Decimal) -> None:
    """Add ``delta`` to the Money at ``holder[key]``."""
    money = holder[key]
    holder[key] = _money(_amount(money) + delta, money["currency"])


def _connection(
    items: list[dict], info: Any, args: Mapping[str, Any], type_name: str, cursor_key: str
) -> dict:
    """A ``<type_name>CountableConnection`` page of ``items`` (already filtered and sorted)."""
    first = args.get("first")
    last = args.get("last")
    field = info.field_name
    for name, value in (("first", first), ("last", last)):
        if value and value > MAX_PAGE_SIZE:
            raise AssertionError(
                f"Requesting {value} records on the `{field}` connection "
                f"exceeds the `{name}` limit of {MAX_PAGE_SIZE} records."
            )
    if first is None and last is None:
        raise GraphQLError(
            "You must provide a `first` or `last` value to properly paginate "
            f"the `{field}` connection."
        )
    return _connection_page(items, first, last, type_name, lambda item: item[cursor_key])


def _encode_cursor(values: Any) -> str:
    """Saleor's to_global_cursor: the sorting fields' values as strings, a JSON list in base64."""
    values = values if isinstance(values, (list, tuple)) else [values]
    return base64.b64encode(json.dumps([str(value) for value in values]).encode()).decode()


def _decode_cursor(cursor: str) -> list:
    """Saleor's from_global_cursor, with its error for anything that is not such a list."""
    try:
        values = json.loads(base64.b64decode(cursor, validate=True))
    except ValueError:
        raise GraphQLError("Received cursor is invalid.") from None
    if not isinstance(values, list):
        raise GraphQLError("Received cursor is invalid.")
    return values


def _connection_page(
    items: list[dict], first: int | None, last: int | None, type_name: str, cursor: Callable[[dict], Any]
) -> dict:
    """The page of ``items`` that ``first``/``last`` select, with cursors of ``cursor(item)`` (a value or a list)."""
    page = items[:first] if first is not None else items
    if last is not None:
        page = page[len(page) - last :] if last else []
    edges = [
        {
            "__typename": f"{type_name}CountableEdge",
            "node": item,
            "cursor": _encode_cursor(cursor(item)),
        }
        for item in page
    ]
    return {
        "__typename": f"{type_name}CountableConnection",
        "totalCount": len(items),
        "edges": edges,
        "pageInfo": {
            "__typename": "PageInfo",
            "hasNextPage": first is not None and len(items) > first,
            "hasPreviousPage": last is not None and len(items) > last,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
