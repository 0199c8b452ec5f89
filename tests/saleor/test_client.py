"""SaleorClient: timeouts, retries and typed errors, against a fake Saleor over loopback."""

import pytest

from saleor_returns.fakes.saleor import FakeSaleor, permission_denied
from saleor_returns.saleor.client import (
    SaleorAddressForbidden,
    SaleorClient,
    SaleorGraphQLError,
    SaleorHTTPError,
    SaleorMutationError,
    SaleorRedirect,
    SaleorUnavailable,
)
from tests.conftest import SALEOR_SCHEMA, require_shared

METADATA_VARIABLES = {"id": "T3JkZXI6MQ==", "input": [{"key": "rma", "value": "RMA-000001"}]}


@pytest.fixture(scope="module")
def saleor():
    """A fake of its own: the resolvers these tests register must not leak into other tests."""
    require_shared(SALEOR_SCHEMA)
    fake = FakeSaleor().start()
    metadata_calls = []

    @fake.mutation("updateMetadata")
    def update_metadata(info, id, input):
        metadata_calls.append(id)
        if id == "missing":
            return {"item": None, "errors": [{"field": "id", "code": "NOT_FOUND", "message": "No order."}]}
        if id == "forbidden":
            raise permission_denied("MANAGE_ORDERS")
        return {"item": {"__typename": "Order", "metadata": input}, "errors": []}

    fake.metadata_calls = metadata_calls
    yield fake
    fake.stop()


@pytest.fixture
def app(saleor):
    saleor.reset(data=True)
    saleor.clear_faults()
    saleor.metadata_calls.clear()
    return saleor.add_app(identifier="saleor.returns", permissions=["MANAGE_ORDERS"])


def client_for(saleor, app, **options):
    return SaleorClient(saleor.api_url, app["token"], backoff=0, **options)


def test_query_returns_data(saleor, app):
    data = client_for(saleor, app).query("AppSelf")
    assert data["app"]["id"] == app["id"]
    assert data["app"]["permissions"] == [{"code": "MANAGE_ORDERS"}]


def test_query_is_retried_after_5xx(saleor, app):
    # given
    saleor.fail_next(count=2, status=502)

    # when
    data = client_for(saleor, app, retries=3).query("AppSelf")

    # then
    assert data["app"]["id"] == app["id"]
    assert [request["status"] for request in saleor.requests] == [502, 502, 200]


def test_query_gives_up_after_the_retries(saleor, app):
    saleor.fail_next(count=5, status=503)
    with pytest.raises(SaleorUnavailable, match="Saleor answered HTTP 503."):
        client_for(saleor, app, retries=2).query("AppSelf")
    assert len(saleor.requests) == 3


def test_query_is_retried_after_a_timeout(saleor, app):
    # given: the first answer comes too late
    saleor.delay_next(count=1, seconds=1.0)

    # when
    data = client_for(saleor, app, timeout=0.3, retries=1).query("AppSelf")

    # then
    assert data["app"]["id"] == app["id"]
    assert len(saleor.requests) == 2


def test_mutation_is_not_retried_after_saleor_may_have_done_the_work(saleor, app):
    # given: Saleor runs the mutation, then the answer is lost
    saleor.fail_after_execute_next(count=1, status=502)

    # when
    with pytest.raises(SaleorUnavailable):
        client_for(saleor, app, retries=3).mutate("UpdateMetadata", METADATA_VARIABLES)

    # then: sent once; the caller must confirm the outcome before trying again
    assert saleor.metadata_calls == ["T3JkZXI6MQ=="]
    assert len(saleor.requests) == 1


def test_mutation_is_not_retried_after_a_timeout(saleor, app):
    saleor.delay_next(count=1, seconds=1.0)
    with pytest.raises(SaleorUnavailable, match="did not answer in time"):
        client_for(saleor, app, timeout=0.3, retries=3).mutate("UpdateMetadata", METADATA_VARIABLES)
    assert len(saleor.requests) == 1


def test_mutation_is_retried_when_the_connection_was_never_made(saleor, app, caplog):
    # given: nothing listens there
    client = SaleorClient("http://127.0.0.1:9/graphql/", app["token"], backoff=0, retries=2, connect_timeout=0.5)

    # then: three attempts (the first and two retries), as the client reports when it gives up
    with caplog.at_level("WARNING", logger="saleor_returns.saleor.client"):
        with pytest.raises(SaleorUnavailable, match="Cannot connect to Saleor"):
            client.mutate("UpdateMetadata", METADATA_VARIABLES)
    (failure,) = [record for record in caplog.records if record.getMessage() == "Saleor call failed"]
    assert failure.attempts == 3


def test_mutation_payload_errors_are_raised(saleor, app):
    with pytest.raises(SaleorMutationError) as raised:
        client_for(saleor, app).mutate("UpdateMetadata", dict(METADATA_VARIABLES, id="missing"))
    assert raised.value.mutation == "updateMetadata"
    assert raised.value.codes == {"NOT_FOUND"}
    assert [(e.field, e.code, e.message) for e in raised.value.errors] == [("id", "NOT_FOUND", "No order.")]


def test_mutation_success_returns_data(saleor, app):
    data = client_for(saleor, app).mutate("UpdateMetadata", METADATA_VARIABLES)
    assert data["updateMetadata"]["item"]["metadata"] == [{"key": "rma", "value": "RMA-000001"}]


def test_permission_denied_is_a_typed_graphql_error(saleor, app):
    with pytest.raises(SaleorGraphQLError) as raised:
        client_for(saleor, app).mutate("UpdateMetadata", dict(METADATA_VARIABLES, id="forbidden"))
    assert raised.value.is_permission_denied is True


def test_a_dead_app_token_is_permission_denied_not_401(saleor, app):
    # given: Saleor answers HTTP 200 with PermissionDenied (captures/responses)
    saleor.delete_app(app, notify=False)

    # then
    with pytest.raises(SaleorGraphQLError) as raised:
        client_for(saleor, app).query("AppSelf")
    assert raised.value.is_permission_denied is True
    assert raised.value.data == {"app": None}


def test_4xx_without_graphql_errors_is_not_retried(saleor, app):
    saleor.fail_next(count=1, status=413)
    with pytest.raises(SaleorHTTPError) as raised:
        client_for(saleor, app, retries=3).query("AppSelf")
    assert raised.value.status_code == 413
    assert len(saleor.requests) == 1


@pytest.mark.parametrize("operation", ["query", "mutate"])
def test_a_saleor_on_loopback_is_refused_unless_allowed(settings, saleor, app, operation):
    # given
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False
    client = client_for(saleor, app, retries=3)
    call = getattr(client, operation)
    name, variables = ("AppSelf", None) if operation == "query" else ("UpdateMetadata", METADATA_VARIABLES)

    # when / then: refused without a request, and not retried
    with pytest.raises(SaleorAddressForbidden) as refused:
        call(name, variables)
    assert refused.value.reason == "loopback"
    assert saleor.requests == []

    # when: loopback is allowed
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
    call(name, variables)

    # then
    assert len(saleor.requests) == 1


@pytest.mark.parametrize(
    ("_case", "api_url", "names", "reason"),
    [
        ("a private address", "http://10.0.0.5/graphql/", {}, "private"),
        ("a unique local IPv6 address", "http://[fd00::5]/graphql/", {}, "private"),
        ("cloud metadata", "http://169.254.169.254/graphql/", {}, "link-local"),
        (
            "a name resolving to loopback",
            "https://shop.example.com/graphql/",
            {"shop.example.com": ["127.0.0.1"]},
            "loopback",
        ),
        (
            "a name resolving to a private address",
            "https://shop.example.com/graphql/",
            {"shop.example.com": ["192.168.0.9"]},
            "private",
        ),
    ],
)
def test_a_saleor_on_an_inward_address_is_refused(settings, fake_dns, _case, api_url, names, reason):
    # given
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False
    fake_dns.names.update(names)

    # then
    with pytest.raises(SaleorAddressForbidden) as refused:
        SaleorClient(api_url, "x" * 30, backoff=0, retries=3).query("AppSelf")
    assert refused.value.reason == reason


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_an_error_and_not_followed(canned_server, saleor, app, status):
    # given: a redirect to the real Saleor, with a body that would pass for an answer
    canned_server.answer(status, {"data": {"app": {"id": "QXBwOjE=", "identifier": "saleor.returns"}}},
                         {"Location": saleor.api_url})

    # then
    with pytest.raises(SaleorRedirect) as raised:
        SaleorClient(canned_server.url(), app["token"], backoff=0, retries=3).query("AppSelf")
    assert raised.value.status_code == status
    assert len(canned_server.requests) == 1
    assert saleor.requests == []
