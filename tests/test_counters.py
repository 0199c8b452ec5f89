"""The PostgreSQL counter store behind rate limits: add, atomic incr, expiry."""

import threading
import time

import pytest
from django.core.cache import caches
from django.db import connection

from saleor_returns.counters import CounterCache


@pytest.fixture
def counters(db):
    store = caches["limits"]
    assert isinstance(store, CounterCache)
    return store


def wait_for_database_clock(seconds: float) -> None:
    # Expiry is on the database's clock (now() is the transaction's start): commit-free waiting
    # needs statement_timestamp, so the test moves past the lifetime with a real pause.
    time.sleep(seconds)


@pytest.mark.django_db(transaction=True)
def test_add_sets_only_a_missing_or_expired_key():
    counters = caches["limits"]
    assert counters.add("k", 1, 1) is True
    assert counters.add("k", 5, 1) is False
    assert counters.get("k") == 1
    wait_for_database_clock(1.2)
    assert counters.get("k") is None
    assert counters.add("k", 7, 60) is True
    assert counters.get("k") == 7
    counters.clear()


def test_incr_counts_and_refuses_a_missing_key(counters):
    counters.add("k", 0, 60)
    assert [counters.incr("k") for _ in range(3)] == [1, 2, 3]
    with pytest.raises(ValueError):
        counters.incr("missing")


def test_only_integers_are_stored(counters):
    with pytest.raises(TypeError):
        counters.set("k", "text")


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_lose_no_count():
    store = caches["limits"]
    store.add("shared", 0, 60)

    def bump():
        for _ in range(25):
            store.incr("shared")
        connection.close()

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert store.get("shared") == 200
    store.clear()


@pytest.mark.django_db(transaction=True)
def test_expired_counters_are_deleted():
    counters = caches["limits"]
    counters.add("old", 1, 1)
    counters.add("new", 1, 600)
    wait_for_database_clock(1.2)
    assert counters.delete_expired() == 1
    assert counters.get("new") == 1
    counters.clear()
