"""Top-level errors: what the API raises on purpose is shown; a bug's own text (often the driver's) never is."""

import logging

from django.db import DataError
from graphql import GraphQLError, Source

from saleor_returns.api.errors import INTERNAL_ERROR_MESSAGE, PermissionDenied, format_error

DRIVER_TEXT = "PostgreSQL text fields cannot contain NUL (0x00) bytes"


def test_an_unexpected_exception_in_a_resolver_is_told_in_our_words_and_logged(caplog):
    # given: what graphql-core makes of an exception a resolver let through
    error = GraphQLError(DRIVER_TEXT, source=Source("{ returnOverview { openCount } }"), positions=[2],
                         path=["returnOverview"], original_error=DataError(DRIVER_TEXT))

    # when
    with caplog.at_level(logging.ERROR, logger="saleor_returns.api.errors"):
        formatted = format_error(error)

    # then
    assert formatted == {"message": INTERNAL_ERROR_MESSAGE, "path": ["returnOverview"],
                         "locations": [{"line": 1, "column": 3}], "extensions": {"code": "INTERNAL_ERROR"}}
    assert [record.message for record in caplog.records] == ["Unexpected error in a GraphQL resolver"]
    assert DRIVER_TEXT not in caplog.records[0].message


def test_an_exception_outside_execution_is_told_in_our_words():
    assert format_error(RecursionError("maximum recursion depth exceeded")) == {
        "message": INTERNAL_ERROR_MESSAGE, "extensions": {"code": "INTERNAL_ERROR"}}


def test_errors_raised_on_purpose_keep_their_message_and_extensions():
    error = GraphQLError("You need the MANAGE_APPS permission in Saleor for this.", path=["returnPolicy"],
                         original_error=PermissionDenied.missing(["MANAGE_APPS"]))

    formatted = format_error(error)

    assert formatted["message"] == "You need the MANAGE_APPS permission in Saleor for this."
    assert formatted["extensions"]["permissions"] == ["MANAGE_APPS"]


def test_validation_errors_keep_graphql_cores_message():
    # A scalar's parse error reaches validation as original_error; graphql-core's message is about the document.
    message = "Expected value of type 'JSONString!', found \"x\"; Badly formed JSONString"
    error = GraphQLError(message, original_error=ValueError("Badly formed JSONString"))

    assert format_error(error)["message"] == message


def test_a_query_when_saleor_does_not_answer_says_so(as_alice, fake_saleor, alices_order):
    fake_saleor.fail_next(count=10, status=503, operation="OrderForReturns")

    result = as_alice("query($o: ID!) { returnEligibility(orderId: $o) { orderId } }", {"o": alices_order["id"]})

    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        ("The shop did not answer; try again.", "SALEOR_UNAVAILABLE")
    ]
