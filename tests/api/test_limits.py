"""One GraphQL request asks for bounded work: its depth and its top-level fields (aliases too) are capped."""

import pytest

from saleor_returns.api.limits import MAX_DEPTH, MAX_ROOT_FIELDS
from saleor_returns.models import ReturnRequest


def nested(depth: int) -> str:
    """A query whose leaf field sits `depth` levels below the top: returnReasons { children { … code } }."""
    inner = "code"
    for _ in range(depth - 1):
        inner = f"children {{ {inner} }}"
    return f"{{ returnReasons {{ {inner} }} }}"


def test_a_query_deeper_than_the_limit_is_refused_before_it_runs(as_staff, fake_saleor):
    # given
    requests_before = len(fake_saleor.requests)

    # when
    response = as_staff.post(nested(MAX_DEPTH + 1))

    # then: refused as an invalid document (HTTP 400, like every GraphQL validation error)
    assert response.status_code == 400
    result = response.json()
    assert [e["message"] for e in result["errors"]] == [f"'anonymous' exceeds maximum operation depth of {MAX_DEPTH}."]
    assert result.get("data") is None
    assert len(fake_saleor.requests) == requests_before


def test_a_query_within_the_depth_limit_runs(as_staff):
    result = as_staff(nested(MAX_DEPTH))
    assert "errors" not in result, result


@pytest.mark.parametrize(
    ("_case", "query"),
    [
        ("aliases", "{ " + " ".join(f"a{i}: appVersion" for i in range(MAX_ROOT_FIELDS + 1)) + " }"),
        ("aliases in a fragment", "query { ...F } fragment F on Query { "
         + " ".join(f"a{i}: appVersion" for i in range(MAX_ROOT_FIELDS + 1)) + " }"),
    ],
)
def test_too_many_top_level_fields_are_refused(as_anonymous, _case, query):
    response = as_anonymous.post(query)

    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        f"An operation may ask for at most {MAX_ROOT_FIELDS} top-level fields, aliases included."
    ]


def test_many_eligibility_aliases_never_reach_saleor(as_alice, fake_saleor, alices_order):
    # given: the amplification of one request into hundreds of Saleor calls
    query = "query($o: ID!) { " + " ".join(
        f"e{i}: returnEligibility(orderId: $o) {{ orderId }}" for i in range(200)) + " }"
    requests_before = len(fake_saleor.requests)

    # when
    response = as_alice.post(query, {"o": alices_order["id"]})

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("An operation may ask for at most")
    assert len(fake_saleor.requests) == requests_before
    assert not ReturnRequest.objects.exists()


def test_the_desks_requests_fit_the_limits(as_staff):
    result = as_staff("{ appVersion viewer { kind } returnStatusCounts { status count } returnAttentionCount }")
    assert "errors" not in result, result


@pytest.mark.parametrize(
    ("_case", "cursor"),
    [
        ("not base64", "!!!"),
        ("another kind", "cGFnZToz"),  # page:3
        ("negative", "b2Zmc2V0Oi0x"),  # offset:-1
        ("past what PostgreSQL can skip", "b2Zmc2V0Ojk5OTk5OTk5OTk5OTk5OTk5OTk5"),  # offset:99999999999999999999
    ],
)
def test_a_bad_cursor_is_a_clear_error_without_database_text(as_staff, _case, cursor):
    result = as_staff("query($after: String) { returnRequests(after: $after) { totalCount } }", {"after": cursor})

    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        ("The cursor is not valid.", "INVALID_CURSOR")
    ]


def test_fields_that_call_saleor_are_limited_by_cost(as_alice, fake_saleor, alices_order):
    # given: six eligibility checks (one Saleor call each) in one operation, within the root-field limit
    from saleor_returns.api.limits import MAX_SALEOR_COST

    query = "query($o: ID!) { " + " ".join(
        f"e{i}: returnEligibility(orderId: $o) {{ orderId }}" for i in range(MAX_SALEOR_COST + 1)) + " }"
    requests_before = len(fake_saleor.requests)

    # when
    response = as_alice.post(query, {"o": alices_order["id"]})

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith(f"This operation costs {MAX_SALEOR_COST + 1} calls to Saleor")
    assert len(fake_saleor.requests) == requests_before


def test_one_request_looks_at_a_few_distinct_orders_at_most(as_staff, fake_saleor, settings):
    # given: three different orders asked about in one request, two allowed
    from tests.api.conftest import shipped_order

    settings.MAX_ORDERS_PER_REQUEST = 2
    orders = [shipped_order(fake_saleor, email=f"c{i}@example.com") for i in range(3)]
    query = "query($a: ID!, $b: ID!, $c: ID!) { a: returnEligibility(orderId: $a) { orderId } " \
            "b: returnEligibility(orderId: $b) { orderId } c: returnEligibility(orderId: $c) { orderId } " \
            "again: returnEligibility(orderId: $a) { orderId } }"
    orders_read_before = sum(1 for r in fake_saleor.requests if r["operation_name"] == "OrderForReturns")

    # when
    result = as_staff(query, {"a": orders[0]["id"], "b": orders[1]["id"], "c": orders[2]["id"]})

    # then: the third distinct order is refused by name; the first asked again is fine
    assert result["data"]["a"]["orderId"] == orders[0]["id"]
    assert result["data"]["b"]["orderId"] == orders[1]["id"]
    assert result["data"]["again"]["orderId"] == orders[0]["id"]
    assert result["data"]["c"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in result["errors"]] == [(["c"], "TOO_MANY_ORDERS")]
    assert sum(1 for r in fake_saleor.requests if r["operation_name"] == "OrderForReturns") == orders_read_before + 2


def test_an_order_number_saleor_does_not_have_is_remembered(as_anonymous, fake_saleor):
    lookup = 'mutation { returnLookupTokenCreate(orderNumber: "424242", email: "x@example.com") { errors { code } } }'
    as_anonymous(lookup)
    calls = sum(1 for r in fake_saleor.requests if r["operation_name"] == "OrderByNumber")

    as_anonymous(lookup)

    assert sum(1 for r in fake_saleor.requests if r["operation_name"] == "OrderByNumber") == calls == 1


@pytest.mark.parametrize(
    ("_case", "query", "message"),
    [
        ("a fragment spreading itself", "{ ...A } fragment A on Query { ...A }", "Cannot spread fragment 'A' within itself."),
        ("a cycle through another fragment", "{ ...A } fragment A on Query { ...B } fragment B on Query { ... on Query { ...A } }",
         "Cannot spread fragment 'A' within itself via 'B'."),
    ],
)
def test_a_fragment_cycle_is_an_invalid_document_not_a_server_error(as_anonymous, _case, query, message):
    response = as_anonymous.post(query)

    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [message]


@pytest.mark.parametrize(
    ("_case", "query", "message"),
    [
        ("unknown field", "{ appVersion nope }", "Cannot query field 'nope' on type 'Query'."),
        ("unknown argument", "{ returnReasons(bogus: 1) { code } }", "Unknown argument 'bogus' on field 'Query.returnReasons'."),
        ("literal of the wrong type", "{ returnOverview(days: \"many\") { openCount } }", "Int cannot represent non-integer value: \"many\""),
        ("object without a selection", "{ viewer }",
         "Field 'viewer' of type 'Viewer!' must have a selection of subfields. Did you mean 'viewer { ... }'?"),
    ],
)
def test_graphqls_own_validation_applies_besides_the_limits(as_staff, _case, query, message):
    response = as_staff.post(query)

    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [message]


@pytest.mark.parametrize(
    ("_case", "document", "cycle"),
    [
        ("none", "{ ...A } fragment A on Query { ...B } fragment B on Query { appVersion }", False),
        ("the same fragment twice", "{ ...A ...B } fragment A on Query { ...C } fragment B on Query { ...C } "
         "fragment C on Query { appVersion }", False),
        ("itself", "{ ...A } fragment A on Query { ...A }", True),
        ("through a field and an inline fragment", "{ ...A } fragment A on Query { viewer { ...B } } "
         "fragment B on Viewer { ... on Viewer { ...C } } fragment C on Viewer { ...B }", True),
    ],
)
def test_has_fragment_cycle(_case, document, cycle):
    from graphql import parse

    from saleor_returns.api.limits import has_fragment_cycle

    assert has_fragment_cycle(parse(document)) is cycle
