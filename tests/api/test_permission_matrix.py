"""Who may do what: every operation for anonymous callers, two customers, a guest, staff
without and with MANAGE_ORDERS, and staff of another shop."""

import pytest
from django.utils import timezone

from saleor_returns import actions
from saleor_returns.fakes.saleor import FakeSaleor
from saleor_returns.models import ReturnRequest
from tests.api.conftest import Caller, create_input, create_request, guest_caller
from tests.conftest import SALEOR_SCHEMA, require_shared
from tests.factories import InstallationFactory

ALLOWED, DENIED, NOT_FOUND = "allowed", "denied", "not_found"
REQUESTORS = ["anonymous", "alice", "bob", "guest", "viewer", "staff", "other_shop_staff"]


@pytest.fixture(scope="module")
def other_saleor():
    require_shared(SALEOR_SCHEMA)
    fake = FakeSaleor().start()
    yield fake
    fake.stop()


@pytest.fixture
def callers(client, shop, fake_saleor, fake_app, alice, bob, staff_user, viewer_user, alices_order, other_saleor):
    other_app = other_saleor.add_app(identifier="saleor.returns", permissions=["MANAGE_ORDERS"])
    other_shop = InstallationFactory(
        saleor_api_url=other_saleor.api_url, app_id=other_app["id"], app_token=other_app["token"],
        jwks=other_saleor.jwks(), jwks_fetched_at=timezone.now(),
    )
    actions.seed_default_reasons(installation=other_shop)
    other_staff = other_saleor.add_staff("staff@other.example.com", ["MANAGE_ORDERS"])
    return {
        "anonymous": Caller(client, shop.saleor_api_url, None),
        "alice": Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(alice)),
        "bob": Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(bob)),
        "guest": guest_caller(client, shop, alices_order),
        "viewer": Caller(client, shop.saleor_api_url, fake_saleor.issue_staff_app_token(viewer_user, fake_app)),
        "staff": Caller(client, shop.saleor_api_url, fake_saleor.issue_staff_app_token(staff_user, fake_app)),
        "other_shop_staff": Caller(client, other_saleor.api_url, other_saleor.issue_staff_app_token(other_staff, other_app)),
    }


@pytest.fixture
def request_id(callers, alices_order):
    return create_request(callers["alice"], alices_order)["id"]


def operation(name, query, variables, payload_key):
    return pytest.param(name, query, variables, payload_key, id=name)


OPERATIONS = {
    "returnEligibility": ("query($o: ID!) { returnEligibility(orderId: $o) { orderId } }", lambda ctx: {"o": ctx["order"]["id"]}, None),
    "returnRequest": ("query($id: ID!) { returnRequest(id: $id) { id } }", lambda ctx: {"id": ctx["id"]}, None),
    "myReturnRequests": ("{ myReturnRequests { totalCount } }", lambda ctx: {}, None),
    "returnRequests": ("{ returnRequests { totalCount } }", lambda ctx: {}, None),
    "returnPolicy": ("{ returnPolicy { version } }", lambda ctx: {}, None),
    "returnRequestCreate": (
        "mutation($i: ReturnRequestCreateInput!) { returnRequestCreate(input: $i) { returnRequest { id } errors { code } } }",
        lambda ctx: {"i": create_input(ctx["order"], {1: 1})},
        "returnRequestCreate",
    ),
    "returnRequestCancel": ("mutation($id: ID!) { returnRequestCancel(id: $id) { returnRequest { id } errors { code } } }", lambda ctx: {"id": ctx["id"]}, "returnRequestCancel"),
    "returnRequestAddInfo": ('mutation($id: ID!) { returnRequestAddInfo(id: $id, message: "more") { returnRequest { id } errors { code } } }', lambda ctx: {"id": ctx["id"]}, "returnRequestAddInfo"),
    "returnRequestApprove": ("mutation($id: ID!) { returnRequestApprove(id: $id) { returnRequest { id } errors { code } } }", lambda ctx: {"id": ctx["id"]}, "returnRequestApprove"),
    "returnRequestReject": ('mutation($id: ID!) { returnRequestReject(id: $id, message: "no") { returnRequest { id } errors { code } } }', lambda ctx: {"id": ctx["id"]}, "returnRequestReject"),
    "returnRequestRequestInfo": ('mutation($id: ID!) { returnRequestRequestInfo(id: $id, message: "photo?") { returnRequest { id } errors { code } } }', lambda ctx: {"id": ctx["id"]}, "returnRequestRequestInfo"),
    "returnRequestNoteAdd": ('mutation($id: ID!) { returnRequestNoteAdd(id: $id, note: "n") { returnRequest { id } errors { code } } }', lambda ctx: {"id": ctx["id"]}, "returnRequestNoteAdd"),
    "returnPolicyUpdate": ('mutation { returnPolicyUpdate(rules: "{}") { policy { version } errors { code } } }', lambda ctx: {}, "returnPolicyUpdate"),
    "returnReasonCreate": ('mutation { returnReasonCreate(input: {code: "NEW_ONE", labelEn: "New"}) { reason { code } errors { code } } }', lambda ctx: {}, "returnReasonCreate"),
    "returnApiKeyCreate": ('mutation { returnApiKeyCreate(name: "ERP") { key errors { code } } }', lambda ctx: {}, "returnApiKeyCreate"),
    "returnRequestTrackingAdd": ('mutation($id: ID!) { returnRequestTrackingAdd(id: $id, carrier: "UPS", trackingNumber: "1Z") { errors { field code } } }', lambda ctx: {"id": ctx["id"]}, "returnRequestTrackingAdd"),
    "returnRequestReceive": ("mutation($id: ID!) { returnRequestReceive(id: $id, lines: []) { errors { field code } } }", lambda ctx: {"id": ctx["id"]}, "returnRequestReceive"),
    "returnRequestInspect": ("mutation($id: ID!) { returnRequestInspect(id: $id, lines: []) { errors { field code } } }", lambda ctx: {"id": ctx["id"]}, "returnRequestInspect"),
    "returnRequestResolve": ("mutation($id: ID!) { returnRequestResolve(id: $id, resolution: REFUND) { errors { field code } } }", lambda ctx: {"id": ctx["id"]}, "returnRequestResolve"),
    "returnRefundRetry": ("mutation($id: ID!) { returnRefundRetry(id: $id) { errors { field code } } }", lambda ctx: {"id": ctx["id"]}, "returnRefundRetry"),
    "returnReplacementRetry": ("mutation($id: ID!) { returnReplacementRetry(id: $id) { errors { field code } } }", lambda ctx: {"id": ctx["id"]}, "returnReplacementRetry"),
    "returnCarrierClaimSet": ('mutation($id: ID!) { returnCarrierClaimSet(id: $id, carrier: "DHL", amount: "1", status: FILED) { errors { field code } } }', lambda ctx: {"id": ctx["id"]}, "returnCarrierClaimSet"),
    "returnCarrierAccountSet": ('mutation { returnCarrierAccountSet(input: {provider: "generic", name: "G", webhookSecret: "s"}) { errors { field code } } }', lambda ctx: {}, "returnCarrierAccountSet"),
    "returnAddressSet": ('mutation { returnAddressSet(input: {name: "R", street1: "1 St", city: "X", zip: "1", country: "DE"}) { errors { field code } } }', lambda ctx: {}, "returnAddressSet"),
    "returnCarrierAccounts": ("{ returnCarrierAccounts { id } }", lambda ctx: {}, None),
}

STAFF_ONLY = {"anonymous": DENIED, "alice": DENIED, "bob": DENIED, "guest": DENIED, "viewer": DENIED, "staff": ALLOWED, "other_shop_staff": ALLOWED}
STAFF_ON_REQUEST = dict(STAFF_ONLY, other_shop_staff=NOT_FOUND)
CUSTOMER_ON_REQUEST = {"anonymous": DENIED, "alice": ALLOWED, "bob": NOT_FOUND, "guest": ALLOWED, "viewer": DENIED, "staff": ALLOWED, "other_shop_staff": NOT_FOUND}
EXPECTED = {
    "returnEligibility": CUSTOMER_ON_REQUEST,
    "returnRequest": CUSTOMER_ON_REQUEST,
    "myReturnRequests": {"anonymous": DENIED, "alice": ALLOWED, "bob": ALLOWED, "guest": ALLOWED, "viewer": DENIED, "staff": DENIED, "other_shop_staff": DENIED},
    "returnRequests": STAFF_ONLY,
    "returnPolicy": STAFF_ONLY,
    "returnRequestCreate": CUSTOMER_ON_REQUEST,
    "returnRequestCancel": CUSTOMER_ON_REQUEST,
    "returnRequestAddInfo": CUSTOMER_ON_REQUEST,
    "returnRequestApprove": STAFF_ON_REQUEST,
    "returnRequestReject": STAFF_ON_REQUEST,
    "returnRequestRequestInfo": STAFF_ON_REQUEST,
    "returnRequestNoteAdd": STAFF_ON_REQUEST,
    "returnPolicyUpdate": STAFF_ONLY,
    "returnReasonCreate": STAFF_ONLY,
    "returnApiKeyCreate": STAFF_ONLY,
    "returnRequestTrackingAdd": CUSTOMER_ON_REQUEST,
    "returnRequestReceive": STAFF_ON_REQUEST,
    "returnRequestInspect": STAFF_ON_REQUEST,
    "returnRequestResolve": STAFF_ON_REQUEST,
    "returnRefundRetry": STAFF_ON_REQUEST,
    "returnReplacementRetry": STAFF_ON_REQUEST,
    "returnCarrierClaimSet": STAFF_ON_REQUEST,
    "returnCarrierAccountSet": STAFF_ONLY,
    "returnAddressSet": STAFF_ONLY,
    "returnCarrierAccounts": STAFF_ONLY,
}
CASES = [(name, who) for name in OPERATIONS for who in REQUESTORS]


def outcome(result: dict, payload_key: str | None) -> str:
    errors = result.get("errors") or []
    if any(((e.get("extensions") or {}).get("exception") or {}).get("code") == "PermissionDenied" for e in errors):
        return DENIED
    assert not errors, errors
    data = result["data"]
    if payload_key is None:
        value = next(iter(data.values()))
        return ALLOWED if value is not None else NOT_FOUND
    payload_errors = data[payload_key]["errors"]
    if any(error["code"] == "NOT_FOUND" and error.get("field", "id") in ("id", "orderId") for error in payload_errors):
        return NOT_FOUND
    # Past the permission check; a business refusal (e.g. the wrong status) still counts as allowed in.
    return ALLOWED


@pytest.mark.parametrize(("name", "who"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_permission_matrix(callers, request_id, alices_order, name, who):
    # given
    query, variables, payload_key = OPERATIONS[name]
    requests_before = set(ReturnRequest.objects.values_list("pk", "status"))

    # when
    result = callers[who](query, variables({"id": request_id, "order": alices_order}))

    # then
    got = outcome(result, payload_key)
    assert got == EXPECTED[name][who]
    if got != ALLOWED:
        assert set(ReturnRequest.objects.values_list("pk", "status")) == requests_before
