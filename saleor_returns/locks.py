"""The locks writes take: a return request's row, or a named lock held until the transaction ends."""

from django.db import connection

from saleor_returns.models import ReturnRequest


def lock_return_request(return_request: ReturnRequest) -> ReturnRequest:
    """The request re-read under its row lock; the caller is inside a transaction."""
    return ReturnRequest.objects.select_for_update().get(pk=return_request.pk)


def advisory_lock(key: str) -> None:
    """A lock on `key` until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
