"""A Django cache backend for counters shared by every process, kept in PostgreSQL.

Rate limits (django-ratelimit) need `add` and an atomic `incr` seen by every
gunicorn worker and machine. Redis gives that (REDIS_URL); without it, this
backend keeps counters in the `RateCounter` table, each change one statement
(`INSERT … ON CONFLICT`, `UPDATE … RETURNING`), so concurrent increments never
lose a count. Expiry is reckoned on the database's clock, the one clock every
process shares. It stores integers only: it is not a general cache.
"""

from celery import shared_task
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connection

TABLE = "saleor_returns_ratecounter"


class CounterCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def _seconds(self, timeout) -> float:
        """The lifetime in seconds, for `now() + make_interval(secs => …)` on the database."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        # None means "never": a century is forever for a counter.
        return 100 * 365 * 86400 if timeout is None else max(float(timeout), 0)

    def _key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return key[:255]

    @staticmethod
    def _integer(value) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("CounterCache stores integers only.")
        return value

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Set `key` unless it holds a live value; True when it was set."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (key, value, expires_at) VALUES (%s, %s, now() + make_interval(secs => %s)) "
                f"ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at "
                f"WHERE {TABLE}.expires_at <= now() RETURNING key",
                [self._key(key, version), self._integer(value), self._seconds(timeout)],
            )
            return cursor.fetchone() is not None

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (key, value, expires_at) VALUES (%s, %s, now() + make_interval(secs => %s)) "
                f"ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at",
                [self._key(key, version), self._integer(value), self._seconds(timeout)],
            )

    def get(self, key, default=None, version=None):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {TABLE} WHERE key = %s AND expires_at > now()", [self._key(key, version)]
            )
            row = cursor.fetchone()
        return default if row is None else row[0]

    def incr(self, key, delta=1, version=None):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET value = value + %s WHERE key = %s AND expires_at > now() RETURNING value",
                [self._integer(delta), self._key(key, version)],
            )
            row = cursor.fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return row[0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET expires_at = now() + make_interval(secs => %s) WHERE key = %s AND expires_at > now()",
                [self._seconds(timeout), self._key(key, version)],
            )
            return cursor.rowcount == 1

    def delete(self, key, version=None):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE key = %s", [self._key(key, version)])
            return cursor.rowcount == 1

    def has_key(self, key, version=None):
        return self.get(key, version=version) is not None

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def delete_expired(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE expires_at <= now()")
            return cursor.rowcount


@shared_task(name="saleor_returns.delete_expired_counters")
def delete_expired_counters_task() -> None:
    """Beat: rate-limit counters past their window, when they live in PostgreSQL."""
    limits = caches["limits"]
    if isinstance(limits, CounterCache):
        limits.delete_expired()
