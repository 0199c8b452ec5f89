"""Schemathesis against the live GraphQL endpoint for every caller kind: no 5xx, no database text.

One campaign per caller kind (anonymous, customer, guest, staff, API key) posts generated queries and
mutations, valid and invalid, to the app served over real HTTP, with the Saleor double behind it.
bench/fuzz.py runs the same campaign for longer.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from tests.fuzzing import CALLER_KINDS, database_text, fill_id_pool, load_schema, open_shop, run_campaign

pytestmark = pytest.mark.fuzz
# The live server reads and writes in its own thread: rows must be committed, and are flushed after.
on_live_server = pytest.mark.django_db(transaction=True)

# Bounded so that the whole module stays within about three minutes on a busy machine.
EXAMPLES_PER_CALLER = 400
SECONDS_PER_CALLER = 30
SEED = 20240601


@pytest.fixture(scope="module")
def campaign(django_db_setup, django_db_blocker, fake_saleor_server):
    """Results per caller kind of one fuzz run; afterwards the database is emptied as after a transactional test."""
    with django_db_blocker.unblock():
        fake_saleor_server.reset(data=True)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            graphql_url = f"{server.url}/graphql/"
            shop = open_shop(fake_saleor_server)
            fill_id_pool(shop, graphql_url)
            schema = load_schema()
            yield {
                kind: run_campaign(schema, caller=kind, graphql_url=graphql_url, headers=shop.headers[kind],
                                   max_examples=EXAMPLES_PER_CALLER, seconds=SECONDS_PER_CALLER, seed=SEED)
                for kind in CALLER_KINDS
            }
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            fake_saleor_server.reset(data=True)
            cache.clear()
            call_command("flush", verbosity=0, interactive=False)


@on_live_server
def test_every_caller_kind_was_fuzzed(campaign):
    assert set(campaign) == set(CALLER_KINDS)
    for kind, result in campaign.items():
        assert result.requests > 0, kind
        # The campaign reached the API, not only its refusals: some answers are 200 for every caller.
        assert result.statuses.get(200, 0) > 0, (kind, result.statuses)
        assert result.messages, kind


@on_live_server
@pytest.mark.parametrize("kind", CALLER_KINDS)
def test_no_request_gets_a_server_error(campaign, kind):
    result = campaign[kind]
    assert result.requests > 0
    assert result.server_errors == [], [(a.operation, a.status, a.body[:300]) for a in result.server_errors[:5]]


@on_live_server
def test_no_error_message_carries_database_text(campaign):
    messages = set().union(*(result.messages for result in campaign.values()))
    assert messages
    leaks = sorted({(database_text(message), message) for message in messages if database_text(message)})
    assert leaks == []


@pytest.mark.parametrize(
    ("_case", "message"),
    [
        ("driver", 'PostgreSQL text fields cannot contain NUL (0x00) bytes'),
        ("range", 'value "9999999999" is out of range for type integer'),
        ("constraint", 'duplicate key value violates unique constraint "return_reason_code_key"'),
        ("sql", 'SELECT "saleor_returns_returnrequest"."id" FROM ...'),
        ("traceback", "Traceback (most recent call last):"),
    ],
)
def test_database_text_is_recognised(_case, message):
    assert database_text(message) is not None


@pytest.mark.parametrize(
    "message",
    ["Text must not contain NUL characters.", "Text must not contain unpaired surrogate characters.",
     "No return request has this id.", "The cursor is not valid.",
     "first must be between 1 and 100."],
)
def test_our_own_messages_are_not_taken_for_database_text(message):
    assert database_text(message) is None
