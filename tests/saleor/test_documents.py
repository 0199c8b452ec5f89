"""Every operation the app sends to Saleor validates against Saleor's real schema."""

from functools import lru_cache

import pytest
from graphql import OperationType, build_schema, parse, validate

from saleor_returns.saleor.documents import document, operation_names
from tests.conftest import SALEOR_SCHEMA, require_shared


@lru_cache(maxsize=1)
def saleor_schema():
    return build_schema(require_shared(SALEOR_SCHEMA).read_text())


def test_the_app_sends_operations():
    assert {"AppSelf", "AppDeletedSubscription"} <= set(operation_names())


@pytest.mark.parametrize("operation_name", operation_names())
def test_operation_is_valid_against_saleor_schema(operation_name):
    # given
    schema = saleor_schema()

    # when
    errors = validate(schema, parse(document(operation_name)))

    # then
    assert [error.message for error in errors] == []


def test_a_field_saleor_lacks_fails_validation():
    # given: the check above is able to fail
    schema = saleor_schema()
    broken = document("AppSelf").replace("isActive", "isActive\n    returnPolicy")

    # then
    errors = validate(schema, parse(broken))
    assert [error.message for error in errors] == ["Cannot query field 'returnPolicy' on type 'App'."]


def test_subscriptions_select_the_event_they_subscribe_to():
    schema = saleor_schema()
    for name in operation_names():
        definition = parse(document(name)).definitions[0]
        if definition.operation is OperationType.SUBSCRIPTION:
            assert definition.selection_set.selections[0].name.value == "event"
    assert schema.subscription_type is not None
