"""Relay cursor pagination over a queryset: one count query and one page query."""

import base64

import graphene
from graphql import GraphQLError

MAX_PAGE_SIZE = 100
# Past any real list; a larger offset would overflow PostgreSQL's bigint OFFSET.
MAX_OFFSET = 10**9


class InvalidCursor(ValueError):
    pass


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(value)
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor("The cursor is not valid.") from None
    if kind != "offset" or not 0 <= offset <= MAX_OFFSET:
        raise InvalidCursor("The cursor is not valid.")
    return offset


def paginate(connection_type, queryset, *, first: int | None, after: str | None):
    """A connection for `first` rows after `after`; first is 1..100 (default 20)."""
    first = 20 if first is None else first
    if first < 1 or first > MAX_PAGE_SIZE:
        raise GraphQLError(f"first must be between 1 and {MAX_PAGE_SIZE}.")
    try:
        start = decode_cursor(after) + 1 if after else 0
    except InvalidCursor as error:
        raise GraphQLError(str(error), extensions={"code": "INVALID_CURSOR", "field": "after"}) from None
    total = queryset.count()
    rows = list(queryset[start : start + first])
    edges = [connection_type.Edge(node=row, cursor=encode_cursor(start + index)) for index, row in enumerate(rows)]
    page_info = graphene.relay.PageInfo(
        has_next_page=start + len(rows) < total,
        has_previous_page=start > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return connection_type(edges=edges, page_info=page_info, total_count=total)


class CountableConnection(graphene.relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(required=True)
