"""The GraphQL endpoint keeps each query's parsed and validated document: answers stay the same on repeat."""

import pytest

from saleor_returns.api.documents import MAX_CACHED_QUERY_LENGTH, SyncExecutionContext, checked_document
from saleor_returns.api.limits import VALIDATION_RULES
from saleor_returns.api.schema import schema


def test_a_repeated_query_is_answered_the_same(as_staff, shop):
    # when
    first = as_staff("{ returnReasons { code } }")
    second = as_staff("{ returnReasons { code } }")

    # then
    assert "errors" not in first
    assert first == second


def test_a_repeated_invalid_query_is_refused_each_time(as_staff, shop):
    # when
    responses = [as_staff.post("{ returnReasons { noSuchField } }") for _ in range(2)]

    # then
    assert [response.status_code for response in responses] == [400, 400]
    assert responses[0].json() == responses[1].json()
    assert "noSuchField" in responses[0].json()["errors"][0]["message"]


def test_a_repeated_syntax_error_is_told_each_time(as_staff, shop):
    responses = [as_staff.post("{ returnReasons { code }") for _ in range(2)]
    assert [response.status_code for response in responses] == [400, 400]
    assert responses[0].json() == responses[1].json()
    assert responses[0].json()["errors"][0]["message"].startswith("Syntax Error")


def test_one_document_with_two_operations_runs_the_one_named(as_staff, shop):
    # given
    document = "query Reasons { returnReasons { code } } query Version { appVersion }"

    # then
    assert set(as_staff.client.post(
        "/graphql/", {"query": document, "operationName": "Version"}, content_type="application/json",
        headers={"Saleor-Api-Url": shop.saleor_api_url, "Authorization": f"Bearer {as_staff.token}"},
    ).json()["data"]) == {"appVersion"}
    assert set(as_staff.client.post(
        "/graphql/", {"query": document, "operationName": "Reasons"}, content_type="application/json",
        headers={"Saleor-Api-Url": shop.saleor_api_url, "Authorization": f"Bearer {as_staff.token}"},
    ).json()["data"]) == {"returnReasons"}


def test_a_mutation_is_refused_over_get(client, shop, as_staff):
    # given: the same text first run as it should be, so its document is kept
    mutation = 'mutation { returnRequestCancel(id: "x") { errors { code } } }'
    as_staff(mutation)

    # when
    response = client.get(
        "/graphql/", {"query": mutation}, headers={"Saleor-Api-Url": shop.saleor_api_url, "Accept": "application/json"}
    )

    # then
    assert response.status_code == 405


def test_a_long_query_is_checked_without_being_kept():
    # given: past the length kept, padded with a comment
    query = "{ appVersion }\n#" + "x" * MAX_CACHED_QUERY_LENGTH

    # when
    document, errors = checked_document(schema.graphql_schema, query, tuple(VALIDATION_RULES))
    again, _ = checked_document(schema.graphql_schema, query, tuple(VALIDATION_RULES))

    # then: parsed and valid each time, two documents
    assert errors == ()
    assert document is not again
    assert checked_document(schema.graphql_schema, "{ appVersion }", tuple(VALIDATION_RULES))[0] is checked_document(
        schema.graphql_schema, "{ appVersion }", tuple(VALIDATION_RULES)
    )[0]


@pytest.mark.parametrize("value", ["text", 1, 1.5, True, None, [], {}, ()])
def test_plain_values_are_not_awaitable(value):
    assert SyncExecutionContext.is_awaitable(value) is False


def test_a_coroutine_is_awaitable():
    async def answer():
        return 1

    coroutine = answer()
    assert SyncExecutionContext.is_awaitable(coroutine) is True
    coroutine.close()
