"""The GraphQL endpoint keeps each query's parsed and validated document: answers stay the same on repeat;
plain fields are executed without graphql-core's per-field machinery, and answer the same."""

from types import SimpleNamespace

import graphene
import pytest
from graphql import ExecutionContext, execute, parse

from saleor_returns.api.documents import MAX_CACHED_QUERY_LENGTH, SyncExecutionContext, checked_document
from saleor_returns.api.limits import VALIDATION_RULES
from saleor_returns.api.schema import schema
from saleor_returns.api.text_input import RefuseUnstorableTextMiddleware
from saleor_returns.api.views import ReturnsGraphQLView
from tests.api.queries.test_return_requests import seed


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


# --------------------------------------------------------------------------- plain fields


class Colour(graphene.Enum):
    RED = "red"
    BLUE = "blue"


class Thing(graphene.ObjectType):
    name = graphene.String(required=True)
    note = graphene.String()
    count = graphene.Int()
    colour = graphene.Field(Colour)
    shout = graphene.String(text=graphene.String())

    @staticmethod
    def resolve_shout(root, info, text=""):
        return text.upper()


class ThingQuery(graphene.ObjectType):
    thing = graphene.Field(Thing)
    things = graphene.List(Thing)

    @staticmethod
    def resolve_thing(root, info):
        return root["thing"]

    @staticmethod
    def resolve_things(root, info):
        return root["things"]


THINGS = graphene.Schema(query=ThingQuery).graphql_schema


class Seen:
    """Middleware that notes every field it is asked to resolve."""

    def __init__(self):
        self.fields = []

    def resolve(self, next_, root, info, **args):
        self.fields.append(info.field_name)
        return next_(root, info, **args)


def run(query, root, context_class, middleware=None):
    result = execute(THINGS, parse(query), root_value=root, execution_context_class=context_class, middleware=middleware)
    return result.data, [(error.message, error.path) for error in result.errors or []]


@pytest.mark.parametrize(("case", "thing"), [
    ("attributes", SimpleNamespace(name="Anna", note=None, count=3, colour="red")),
    ("a dict", {"name": "Anna", "note": "kept", "count": 0, "colour": "blue"}),
    ("null for a non-null field", SimpleNamespace(name=None, note="x", count=1, colour="red")),
    ("a value the scalar refuses", SimpleNamespace(name="Anna", note="x", count="many", colour="red")),
    ("a value the enum refuses", SimpleNamespace(name="Anna", note="x", count=1, colour="green")),
    ("a missing attribute", SimpleNamespace(name="Anna")),
    ("an error as the value", SimpleNamespace(name="Anna", note=ValueError("broken"), count=1, colour="red")),
])
def test_plain_fields_answer_as_graphql_core_answers(case, thing):
    # given
    query = '{ thing { name note count colour shout(text: "hi") } things { name count } }'
    root = {"thing": thing, "things": [SimpleNamespace(name="B", count=2), {"name": "C", "count": None}]}

    # when
    fast = run(query, root, SyncExecutionContext)
    general = run(query, root, ExecutionContext)

    # then
    assert fast == general


def test_plain_fields_skip_only_middleware_that_looks_at_arguments():
    # given
    query = '{ thing { name count shout(text: "hi") } }'
    root = {"thing": SimpleNamespace(name="Anna", count=3)}
    argument_only, seen = RefuseUnstorableTextMiddleware(), Seen()

    # when: with middleware that acts on every field, every field passes it
    run(query, root, SyncExecutionContext, middleware=[argument_only, seen])

    # then
    assert seen.fields == ["thing", "name", "count", "shout"]


def test_a_field_with_arguments_still_passes_the_text_check():
    # when
    data, errors = run('{ thing { name shout(text: "a\\u0000b") } }', {"thing": SimpleNamespace(name="Anna")},
                       SyncExecutionContext, middleware=[RefuseUnstorableTextMiddleware()])

    # then
    assert data == {"thing": {"name": "Anna", "shout": None}}
    assert errors == [("Text must not contain NUL characters.", ["thing", "shout"])]


STAFF_PAGE = """
query($first: Int) {
  returnRequests(first: $first) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id number status kind resolution orderId orderNumber customerEmail channelSlug createdAt
                          updatedAt customerNote currency policyVersion isAutoApproved policyOverridden
                          exchangeVariantId rejectionMessage infoRequestedAt riskReasons
                          shipments { id method carrier trackingNumber trackingStatus labelStatus labelUrl cost { amount }
                                      lastEventAt deliveredAt events { status occurredAt message location } }
                          lines { id orderLineId variantId sku productName variantName comment requestedQuantity
                                  approvedQuantity receivedQuantity acceptedQuantity condition disposition
                                  reason { code label } unitPrice { amount currency } }
                          timeline { id type createdAt fromStatus toStatus note isVisibleToCustomer actor { kind email } }
                          requestedValue { amount currency } refund { status } } }
  }
}
"""


def test_the_staff_list_answers_the_same_as_graphql_core_would(as_staff, shop, monkeypatch):
    # given: returns with null fields among the values
    seed(shop, 12)
    executed = []
    general_execute_field = ExecutionContext.execute_field

    def counted(self, *args):
        executed.append(1)
        return general_execute_field(self, *args)

    monkeypatch.setattr(ExecutionContext, "execute_field", counted)

    # when: the app's execution, then graphql-core's own
    fast = as_staff(STAFF_PAGE, {"first": 100})
    fast_fields = len(executed)
    executed.clear()
    monkeypatch.setattr(ReturnsGraphQLView, "execution_context_class", ExecutionContext)
    general = as_staff(STAFF_PAGE, {"first": 100})

    # then: the same answer, with fewer fields taken the general way
    assert "errors" not in fast, fast
    assert len(fast["data"]["returnRequests"]["edges"]) == 12
    assert fast == general
    assert fast_fields < len(executed) / 2
