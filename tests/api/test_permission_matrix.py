"""Who may do what: every query and mutation for anonymous callers, two customers, a guest, staff
with no permission, with MANAGE_ORDERS only, with each further permission, with all of them, staff
of another shop, and API keys of each kind of scope (an integrator's, a full one, a storefront's).

A staff member needs the Saleor permissions of the work the app does for them (DESIGN.md
§Permissions); a refusal names what is missing and changes nothing.
"""

from datetime import date

import pytest
from django.utils import timezone

from saleor_returns.analytics import actions as analytics_actions
from saleor_returns.fakes.saleor import FakeSaleor
from saleor_returns.installations import actions as installation_actions
from saleor_returns.installations import api_keys
from saleor_returns.models import (
    ApiKey,
    CarrierAccount,
    CustomerStatus,
    PortalSettings,
    ReturnPolicy,
    ReturnReason,
    ReturnRequest,
    SalesBackfill,
    SpikeAlert,
)
from saleor_returns.models.notifications import Message, MessageTemplate, SenderSettings, WebhookEndpoint
from saleor_returns.notifications.webhooks import create_endpoint
from saleor_returns.return_links import LinkPurpose, issue_link_token
from tests.api.conftest import ALL_STAFF_PERMISSIONS, Caller, create_input, create_request, guest_caller
from tests.conftest import SALEOR_SCHEMA, require_shared
from tests.factories import InstallationFactory

ALLOWED, DENIED, NOT_FOUND = "allowed", "denied", "not_found"
ORDERS = "MANAGE_ORDERS"
PAYMENTS, GIFT_CARDS, PRODUCTS = "HANDLE_PAYMENTS", "MANAGE_GIFT_CARD", "MANAGE_PRODUCTS"
SETTINGS, APPS = "MANAGE_SETTINGS", "MANAGE_APPS"

# Staff of this shop, by the permissions their Saleor groups give them.
STAFF = {
    "staff_without_orders": (PRODUCTS,),
    "orders_only": (ORDERS,),
    "orders_and_payments": (ORDERS, PAYMENTS),
    "orders_and_gift_cards": (ORDERS, GIFT_CARDS),
    "orders_and_products": (ORDERS, PRODUCTS),
    "orders_and_settings": (ORDERS, SETTINGS),
    "orders_and_apps": (ORDERS, APPS),
    "staff": ALL_STAFF_PERMISSIONS,
}
# API keys, by the scopes their creator (the shop owner) gave them.
API_KEYS = {
    "api_key": (ORDERS,),
    "api_key_all": ALL_STAFF_PERMISSIONS,
    "api_key_lookup": ("GUEST_LOOKUP",),
}
REQUESTORS = ["anonymous", "alice", "bob", "guest", *STAFF, "other_shop_staff", *API_KEYS]


def held_by(who: str) -> tuple[str, ...]:
    if who in API_KEYS:
        return API_KEYS[who]
    return ALL_STAFF_PERMISSIONS if who == "other_shop_staff" else STAFF[who]


@pytest.fixture(scope="module")
def other_saleor():
    require_shared(SALEOR_SCHEMA)
    fake = FakeSaleor().start()
    yield fake
    fake.stop()


@pytest.fixture
def callers(client, shop, fake_saleor, fake_app, alice, bob, alices_order, other_saleor):
    other_saleor.reset(data=True)
    other_app = other_saleor.add_app(identifier="saleor.returns", permissions=list(ALL_STAFF_PERMISSIONS))
    other_shop = InstallationFactory(
        saleor_api_url=other_saleor.api_url, app_id=other_app["id"], app_token=other_app["token"],
        jwks=other_saleor.jwks(), jwks_fetched_at=timezone.now(),
    )
    installation_actions.seed_default_reasons(installation=other_shop)
    other_staff = other_saleor.add_staff("staff@other.example.com", list(ALL_STAFF_PERMISSIONS))
    owner = fake_saleor.add_staff("owner@example.com", list(ALL_STAFF_PERMISSIONS))
    keys = {
        who: api_keys.create_api_key(
            installation=shop, name=who, scopes=scopes, creator_permissions=ALL_STAFF_PERMISSIONS,
            creator_user_id=owner["id"], creator_email=owner["email"],
        )[1]
        for who, scopes in API_KEYS.items()
    }
    callers = {
        "anonymous": Caller(client, shop.saleor_api_url, None),
        "alice": Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(alice)),
        "bob": Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(bob)),
        "guest": guest_caller(client, shop, alices_order),
        "other_shop_staff": Caller(client, other_saleor.api_url, other_saleor.issue_staff_app_token(other_staff, other_app)),
        **{who: Caller(client, shop.saleor_api_url, key) for who, key in keys.items()},
    }
    for name, permissions in STAFF.items():
        member = fake_saleor.add_staff(f"{name.replace('_', '-')}@example.com", list(permissions))
        callers[name] = Caller(client, shop.saleor_api_url, fake_saleor.issue_staff_app_token(member, fake_app))
    return callers


@pytest.fixture
def context(callers, alices_order, shop):
    reason = ReturnReason.objects.filter(installation=shop, parent__isnull=False).first()
    api_key = ApiKey.objects.get(installation=shop, name="api_key")
    account = CarrierAccount.objects.create(installation=shop, provider="generic", name="G",
                                            encrypted_credentials="", webhook_key="k-matrix")
    request_id = create_request(callers["alice"], alices_order)["id"]
    # The request's own e-mail, as sent.
    message = Message.objects.get(return_request=ReturnRequest.objects.get(), event="request_received", channel="email")
    message.status, message.attempts = "sent", 1
    message.save(update_fields=["status", "attempts"])
    endpoint, _ = create_endpoint(installation=shop, url=PUBLIC_HOOK)
    analytics_actions.start_install_backfill(installation=shop)
    alert = SpikeAlert.objects.create(
        installation=shop, variant_id="V1", week_start=date(2026, 3, 9), sold_units=100, returned_units=30,
        baseline_sold_units=800, baseline_returned_units=40, rate_lower_bound="0.2", baseline_upper_bound="0.1",
    )
    return {
        "alert": to_global("ReturnSpikeAlert", alert.pk),
        "id": request_id,
        "order": alices_order,
        "reason": to_global("ReturnReason", reason.pk),
        "api_key": to_global("ApiKey", api_key.pk),
        "account": to_global("CarrierAccount", account.pk),
        "message": to_global("ReturnMessage", message.pk),
        "endpoint": to_global("ReturnWebhookEndpoint", endpoint.pk),
        "survey_link": issue_link_token(ReturnRequest.objects.get(), LinkPurpose.SURVEY),
    }


def to_global(type_name: str, pk) -> str:
    from graphql_relay import to_global_id

    return to_global_id(type_name, str(pk))


# Who an operation is for: "public" (anyone naming the shop), "customers" (their own returns only),
# "customer_on_request" (the request's customer or guest, and staff), "staff" (the shop's staff),
# "staff_on_request" (the shop's staff, on one of its requests or orders), "customer_only" (the request's
# customer or guest, never staff: the survey is the customer's voice).
def op(audience, query, variables=lambda ctx: {}, payload=None, needs=(ORDERS,)):
    return {"audience": audience, "query": query, "variables": variables, "payload": payload, "needs": needs}


ID = lambda ctx: {"id": ctx["id"]}  # noqa: E731
ENDPOINT = lambda ctx: {"e": ctx["endpoint"]}  # noqa: E731
# An IP literal: a public address without a DNS lookup.
PUBLIC_HOOK = "https://93.184.216.34/hooks/returns"
OPERATIONS = {
    # queries
    "appVersion": op("public", "{ appVersion }"),
    "viewer": op("public", "{ viewer { kind permissions } }"),
    "returnReasons": op("public", "{ returnReasons { code } }"),
    "returnReasons(includeInactive)": op("staff", "{ returnReasons(includeInactive: true) { code } }"),
    "returnEligibility": op("customer_on_request", "query($o: ID!) { returnEligibility(orderId: $o) { orderId } }",
                            lambda ctx: {"o": ctx["order"]["id"]}),
    "returnRequest": op("customer_on_request", "query($id: ID!) { returnRequest(id: $id) { id } }", ID),
    "myReturnRequests": op("customers", "{ myReturnRequests { totalCount } }"),
    "returnRequests": op("staff", "{ returnRequests { totalCount } }"),
    "returnPolicy": op("staff", "{ returnPolicy { version } }"),
    "returnPolicyVersions": op("staff", "{ returnPolicyVersions { version } }"),
    "returnResolutionPreview": op("staff_on_request",
                                  "query($id: ID!) { returnResolutionPreview(id: $id) { fingerprint } }", ID),
    "returnCarrierAccounts": op("staff", "{ returnCarrierAccounts { id } }"),
    "returnOverview": op("staff", "{ returnOverview { openCount } }"),
    "returnStatusCounts": op("staff", "{ returnStatusCounts { status count } }"),
    "returnAttentionCount": op("staff", "{ returnAttentionCount }"),
    "returnChannels": op("staff", "{ returnChannels }"),
    "returnWarehouses": op("staff", "{ returnWarehouses { id } }"),
    "returnAddresses": op("staff", "{ returnAddresses { name } }"),
    "returnOrderByNumber": op("staff_on_request", "query($n: String!) { returnOrderByNumber(number: $n) { id } }",
                              lambda ctx: {"n": str(ctx["order"]["number"])}),
    "returnPolicyNotice": op("public", "{ returnPolicyNotice { version } }"),
    "myOrders": op("customers", "{ myOrders { id } }"),
    "returnExchangeCandidates": op(
        "customer_on_request", "query($o: ID!, $l: ID!) { returnExchangeCandidates(orderId: $o, orderLineId: $l) "
        "{ productName } }", lambda ctx: {"o": ctx["order"]["id"], "l": ctx["order"]["lines"][0]["id"]}),
    "returnRequest.portalUrl": op("customer_on_request", "query($id: ID!) { returnRequest(id: $id) { portalUrl } }", ID),
    "returnPortalSettings": op("staff", "{ returnPortalSettings { portalUrl } }"),
    "returnRequest.customerMessages": op(
        "customer_on_request", "query($id: ID!) { returnRequest(id: $id) { customerMessages { subject status } } }", ID),
    "returnSurvey(link)": op("public", "query($l: String) { returnSurvey(link: $l) { number isOpen } }",
                             lambda ctx: {"l": ctx["survey_link"]}),
    "returnSurvey(id)": op("customer_only", "query($id: ID) { returnSurvey(id: $id) { number isOpen } }", ID),
    # mutations
    "returnLookupTokenCreate": op(
        "public", 'mutation { returnLookupTokenCreate(orderNumber: "1", email: "x@example.com") { token errors { field code } } }',
        payload="returnLookupTokenCreate"),
    "returnRequestCreate": op(
        "customer_on_request",
        "mutation($i: ReturnRequestCreateInput!) { returnRequestCreate(input: $i) { returnRequest { id } errors { code field } } }",
        lambda ctx: {"i": create_input(ctx["order"], {1: 1})}, "returnRequestCreate"),
    "returnRequestCancel": op("customer_on_request", "mutation($id: ID!) { returnRequestCancel(id: $id) { errors { code field } } }",
                              ID, "returnRequestCancel"),
    "returnRequestAddInfo": op("customer_on_request",
                               'mutation($id: ID!) { returnRequestAddInfo(id: $id, message: "more") { errors { code field } } }',
                               ID, "returnRequestAddInfo"),
    "returnRequestTrackingAdd": op(
        "customer_on_request",
        'mutation($id: ID!) { returnRequestTrackingAdd(id: $id, carrier: "UPS", trackingNumber: "1Z") { errors { field code } } }',
        ID, "returnRequestTrackingAdd"),
    "returnRequestLabelRequest": op("customer_on_request",
                                    "mutation($id: ID!) { returnRequestLabelRequest(id: $id) { errors { field code } } }",
                                    ID, "returnRequestLabelRequest"),
    "returnRequestPickupSchedule": op(
        "customer_on_request",
        'mutation($id: ID!) { returnRequestPickupSchedule(id: $id, from: "2030-01-01T09:00:00+00:00", '
        'to: "2030-01-01T17:00:00+00:00") { errors { field code } } }',
        ID, "returnRequestPickupSchedule"),
    "returnRequestApprove": op("staff_on_request", "mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code field } } }",
                               ID, "returnRequestApprove"),
    "returnRequestReject": op("staff_on_request",
                              'mutation($id: ID!) { returnRequestReject(id: $id, message: "no") { errors { code field } } }',
                              ID, "returnRequestReject"),
    "returnRequestRequestInfo": op(
        "staff_on_request", 'mutation($id: ID!) { returnRequestRequestInfo(id: $id, message: "photo?") { errors { code field } } }',
        ID, "returnRequestRequestInfo"),
    "returnRequestNoteAdd": op("staff_on_request",
                               'mutation($id: ID!) { returnRequestNoteAdd(id: $id, note: "n") { errors { code field } } }',
                               ID, "returnRequestNoteAdd"),
    "returnRequestReceive": op("staff_on_request", "mutation($id: ID!) { returnRequestReceive(id: $id, lines: []) { errors { field code } } }",
                               ID, "returnRequestReceive"),
    "returnRequestInspect": op("staff_on_request", "mutation($id: ID!) { returnRequestInspect(id: $id, lines: []) { errors { field code } } }",
                               ID, "returnRequestInspect"),
    "returnRequestInspect(restock)": op(
        "staff_on_request",
        'mutation($id: ID!) { returnRequestInspect(id: $id, lines: [{lineId: "UmV0dXJuTGluZTox", acceptedQuantity: 1, '
        'condition: AS_NEW, disposition: RESTOCK, warehouseId: "V2FyZWhvdXNlOjE="}]) { errors { field code } } }',
        ID, "returnRequestInspect", needs=(ORDERS, PRODUCTS)),
    **{
        f"returnRequestResolve({resolution})": op(
            "staff_on_request",
            f"mutation($id: ID!) {{ returnRequestResolve(id: $id, resolution: {resolution}) {{ errors {{ field code }} }} }}",
            ID, "returnRequestResolve", needs=needs)
        for resolution, needs in [
            ("REFUND", (ORDERS, PAYMENTS)), ("KEEP_ITEM", (ORDERS, PAYMENTS)), ("STORE_CREDIT", (ORDERS, GIFT_CARDS)),
            ("EXCHANGE", (ORDERS, PAYMENTS)), ("REPLACEMENT", (ORDERS,)),
        ]
    },
    "returnRefundRetry": op("staff_on_request", "mutation($id: ID!) { returnRefundRetry(id: $id) { errors { field code } } }",
                            ID, "returnRefundRetry"),
    "returnReplacementRetry": op("staff_on_request",
                                 "mutation($id: ID!) { returnReplacementRetry(id: $id) { errors { field code } } }",
                                 ID, "returnReplacementRetry"),
    "returnCarrierClaimSet": op(
        "staff_on_request",
        'mutation($id: ID!) { returnCarrierClaimSet(id: $id, carrier: "DHL", amount: "1", status: FILED) { errors { field code } } }',
        ID, "returnCarrierClaimSet"),
    "returnPolicyUpdate": op("staff", 'mutation { returnPolicyUpdate(rules: "{}") { policy { version } errors { code } } }',
                             payload="returnPolicyUpdate", needs=(ORDERS, SETTINGS)),
    "returnReasonCreate": op("staff", 'mutation { returnReasonCreate(input: {code: "NEW_ONE", labelEn: "New"}) { errors { code } } }',
                             payload="returnReasonCreate", needs=(ORDERS, SETTINGS)),
    "returnReasonUpdate": op("staff_on_request", 'mutation($r: ID!) { returnReasonUpdate(id: $r, input: {labelEn: "Renamed"}) { errors { code } } }',
                             lambda ctx: {"r": ctx["reason"]}, "returnReasonUpdate", needs=(ORDERS, SETTINGS)),
    "returnReasonDelete": op("staff_on_request", "mutation($r: ID!) { returnReasonDelete(id: $r) { errors { code } } }",
                             lambda ctx: {"r": ctx["reason"]}, "returnReasonDelete", needs=(ORDERS, SETTINGS)),
    "returnAddressSet": op(
        "staff", 'mutation { returnAddressSet(input: {name: "R", street1: "1 St", city: "X", zip: "1", country: "DE"}) { errors { field code } } }',
        payload="returnAddressSet", needs=(ORDERS, SETTINGS)),
    "returnCarrierAccountSet": op(
        "staff", 'mutation { returnCarrierAccountSet(input: {provider: "generic", name: "G", webhookSecret: "s"}) { errors { field code } } }',
        payload="returnCarrierAccountSet", needs=(ORDERS, APPS)),
    "returnSurveySubmit": op(
        "customer_only", "mutation($id: ID!) { returnSurveySubmit(id: $id, rating: 5) { errors { field code } } }",
        ID, "returnSurveySubmit"),
    "returnSurveyFollowUp": op(
        "staff_on_request", 'mutation($id: ID!) { returnSurveyFollowUp(id: $id, note: "called") { errors { field code } } }',
        ID, "returnSurveyFollowUp"),
    "returnPortalSettingsUpdate": op(
        "staff", 'mutation { returnPortalSettingsUpdate(input: {shopName: "Shop"}) { errors { field code } } }',
        payload="returnPortalSettingsUpdate", needs=(ORDERS, SETTINGS)),
    "returnApiKeys": op("staff", "{ returnApiKeys { id } }", needs=(ORDERS, APPS)),
    "returnApiKeyCreate": op("staff",
                             'mutation { returnApiKeyCreate(name: "ERP", scopes: [MANAGE_ORDERS]) { key errors { code } } }',
                             payload="returnApiKeyCreate", needs=(ORDERS, APPS)),
    "returnApiKeyRevoke": op("staff_on_request", "mutation($k: ID!) { returnApiKeyRevoke(id: $k) { errors { code } } }",
                             lambda ctx: {"k": ctx["api_key"]}, "returnApiKeyRevoke", needs=(ORDERS, APPS)),
    # messages: a return's e-mails and webhooks (MANAGE_ORDERS); templates, sender, endpoints (integrations)
    "returnMessageResend": op("staff_on_request", "mutation($m: ID!) { returnMessageResend(id: $m) { errors { field code } } }",
                              lambda ctx: {"m": ctx["message"]}, "returnMessageResend"),
    "returnMessageTemplates": op("staff", "{ returnMessageTemplates(event: APPROVED) { subject } }", needs=(ORDERS, APPS)),
    "returnMessagePreview": op("staff", "{ returnMessagePreview(event: APPROVED, language: EN) { subject } }",
                               needs=(ORDERS, APPS)),
    "returnMessageTemplateUpdate": op(
        "staff", 'mutation { returnMessageTemplateUpdate(event: APPROVED, language: EN, input: {subject: "{{ rma_number }}"}) '
        "{ errors { field code } } }", payload="returnMessageTemplateUpdate", needs=(ORDERS, APPS)),
    "returnSenderSettings": op("staff", "{ returnSenderSettings { transport } }", needs=(ORDERS, APPS)),
    "returnSenderSettingsUpdate": op(
        "staff", 'mutation { returnSenderSettingsUpdate(input: {fromName: "Shop"}) { errors { field code } } }',
        payload="returnSenderSettingsUpdate", needs=(ORDERS, APPS)),
    "returnWebhookEndpoints": op("staff", "{ returnWebhookEndpoints { id } }", needs=(ORDERS, APPS)),
    "returnWebhookEndpointCreate": op(
        "staff", f'mutation {{ returnWebhookEndpointCreate(input: {{url: "{PUBLIC_HOOK}"}}) {{ errors {{ field code }} }} }}',
        payload="returnWebhookEndpointCreate", needs=(ORDERS, APPS)),
    "returnWebhookEndpointUpdate": op(
        "staff_on_request", 'mutation($e: ID!) { returnWebhookEndpointUpdate(id: $e, input: {description: "ERP"}) '
        "{ errors { field code } } }", ENDPOINT, "returnWebhookEndpointUpdate", needs=(ORDERS, APPS)),
    "returnWebhookEndpointTest": op(
        "staff_on_request", "mutation($e: ID!) { returnWebhookEndpointTest(id: $e) { errors { field code } } }",
        ENDPOINT, "returnWebhookEndpointTest", needs=(ORDERS, APPS)),
    "returnWebhookEndpointDelete": op(
        "staff_on_request", "mutation($e: ID!) { returnWebhookEndpointDelete(id: $e) { errors { field code } } }",
        ENDPOINT, "returnWebhookEndpointDelete", needs=(ORDERS, APPS)),
    # the sales ledger's backfill (the shop's own: another shop's staff find none)
    "returnSalesBackfill": op("staff_on_request", "{ returnSalesBackfill { id status } }"),
    "returnSalesBackfillStart": op(
        "staff", 'mutation { returnSalesBackfillStart(from: "2026-01-01", to: "2026-01-31") { errors { field code } } }',
        payload="returnSalesBackfillStart"),
    "returnFrequentReturners": op(
        "staff", '{ returnFrequentReturners(from: "2026-01-01", to: "2026-01-31") { edges { node { customer } } } }'),
    "returnSpikeAlerts": op("staff", "{ returnSpikeAlerts { id note } }"),
    "returnCustomerStatusSet": op(
        "staff",
        'mutation { returnCustomerStatusSet(customer: "email:x@example.com", status: WATCH, note: "n") '
        "{ errors { field code } } }",
        payload="returnCustomerStatusSet"),
    "returnSpikeAlertNote": op(
        "staff_on_request", 'mutation($a: ID!) { returnSpikeAlertNote(id: $a, note: "Size chart fixed") '
        "{ errors { field code } } }", lambda ctx: {"a": ctx["alert"]}, payload="returnSpikeAlertNote"),
    "returnSalesBackfillCancel": op("staff", "mutation { returnSalesBackfillCancel { errors { field code } } }",
                                    payload="returnSalesBackfillCancel"),
    # return analytics (a shop's own figures: another shop's staff see theirs)
    "returnAnalytics": op(
        "staff", '{ returnAnalytics(period: {from: "2026-01-01", to: "2026-01-31"}) { errors { field } '
        "returnRate(dimension: PRODUCT) { totalCount } reasons { units } stageTimes { stage } autoApproval { requests } } }"),
    "returnKpiReview": op(
        "staff", '{ returnKpiReview(period: {from: "2026-01-01", to: "2026-03-31"}) { errors { field } '
        "currencies { currency } timeToRefund { targetHours } topReasons { reasonCode } alerts { note } } }"),
    "returnKpiReviewLinkCreate": op(
        "staff", 'mutation { returnKpiReviewLinkCreate(period: {from: "2026-01-01", to: "2026-03-31"}) '
        "{ errors { field code } url expiresAt } }", payload="returnKpiReviewLinkCreate"),
}


def expected(name: str, who: str) -> tuple[str, list[str]]:
    """(outcome, permissions named in a refusal) of `who` calling `name`, from the design above."""
    spec = OPERATIONS[name]
    audience = spec["audience"]
    if audience == "public":
        return ALLOWED, []
    if who in ("anonymous", "alice", "bob", "guest"):
        if who != "anonymous" and audience == "customers":
            return ALLOWED, []
        if who != "anonymous" and audience in ("customer_on_request", "customer_only"):
            return (NOT_FOUND if who == "bob" else ALLOWED), []
        return DENIED, []
    if audience in ("customers", "customer_only"):
        return DENIED, []
    missing = sorted(set(spec["needs"]) - set(held_by(who)))
    if missing:
        return DENIED, missing
    if who == "other_shop_staff" and audience in ("customer_on_request", "staff_on_request"):
        return NOT_FOUND, []
    return ALLOWED, []


CASES = [(name, who) for name in OPERATIONS for who in REQUESTORS]


def outcome(result: dict, payload_key: str | None) -> tuple[str, list[str]]:
    errors = result.get("errors") or []
    denied = [e for e in errors if ((e.get("extensions") or {}).get("exception") or {}).get("code") == "PermissionDenied"]
    if denied:
        return DENIED, denied[0]["extensions"].get("permissions", [])
    if errors:
        # A query's business refusal (e.g. nothing to preview yet) comes past the permission check.
        return (NOT_FOUND if any((e.get("extensions") or {}).get("code") == "NOT_FOUND" for e in errors) else ALLOWED), []
    data = result["data"]
    if payload_key is None:
        value = next(iter(data.values()))
        return (ALLOWED if value is not None else NOT_FOUND), []
    payload_errors = data[payload_key]["errors"]
    if any(error["code"] == "NOT_FOUND" and error.get("field", "id") in ("id", "orderId") for error in payload_errors):
        return NOT_FOUND, []
    # Past the permission check; a business refusal (e.g. the wrong status) still counts as allowed in.
    return ALLOWED, []


def state(shop) -> tuple:
    """What a refused call must leave as it was."""
    return (
        set(ReturnRequest.objects.values_list("pk", "status", "updated_at")),
        set(ReturnPolicy.objects.values_list("pk", "version", "is_current")),
        set(ReturnReason.objects.values_list("pk", "code", "is_active")),
        set(ApiKey.objects.values_list("pk", "revoked_at")),
        set(CarrierAccount.objects.values_list("pk", "name", "updated_at")),
        set(PortalSettings.objects.values_list("pk", "shop_name", "updated_at")),
        set(Message.objects.values_list("pk", "status", "attempts", "updated_at")),
        set(MessageTemplate.objects.values_list("pk", "subject")),
        set(SenderSettings.objects.values_list("pk", "from_name")),
        set(WebhookEndpoint.objects.values_list("pk", "description", "updated_at")),
        set(SalesBackfill.objects.values_list("pk", "status", "updated_at")),
        set(CustomerStatus.objects.values_list("pk", "status", "set_at")),
        set(SpikeAlert.objects.values_list("pk", "note", "noted_at")),
    )


@pytest.mark.parametrize(("name", "who"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_permission_matrix(callers, context, shop, name, who):
    # given
    spec = OPERATIONS[name]
    before = state(shop)

    # when
    result = callers[who](spec["query"], spec["variables"](context))

    # then
    got = outcome(result, spec["payload"])
    assert got == expected(name, who)
    if got[0] != ALLOWED:
        assert state(shop) == before


def test_a_refusal_names_the_permissions_it_needs(callers, context):
    # when
    result = callers["orders_only"](
        "mutation($id: ID!) { returnRequestResolve(id: $id, resolution: STORE_CREDIT) { errors { code } } }",
        {"id": context["id"]},
    )

    # then
    (error,) = result["errors"]
    assert error["message"] == "You need the MANAGE_GIFT_CARD permission in Saleor for this."
    assert error["extensions"]["permissions"] == ["MANAGE_GIFT_CARD"]
    assert result["data"]["returnRequestResolve"] is None


VIEWER_ACTIONS = "{ viewer { permissions actions { action permissions missing } } }"


def test_the_viewer_says_what_each_kind_of_operation_needs_and_what_is_missing(callers):
    # when
    viewer = callers["orders_and_payments"](VIEWER_ACTIONS)["data"]["viewer"]

    # then
    assert viewer["permissions"] == ["HANDLE_PAYMENTS", "MANAGE_ORDERS"]
    actions = {entry["action"]: (entry["permissions"], entry["missing"]) for entry in viewer["actions"]}
    assert actions["review"] == (["MANAGE_ORDERS"], [])
    assert actions["resolve:REFUND"] == (["MANAGE_ORDERS", "HANDLE_PAYMENTS"], [])
    assert actions["resolve:STORE_CREDIT"] == (["MANAGE_ORDERS", "MANAGE_GIFT_CARD"], ["MANAGE_GIFT_CARD"])
    assert actions["refundRetry:STORE_CREDIT"] == (["MANAGE_ORDERS", "MANAGE_GIFT_CARD"], ["MANAGE_GIFT_CARD"])
    assert actions["inspect:RESTOCK"] == (["MANAGE_ORDERS", "MANAGE_PRODUCTS"], ["MANAGE_PRODUCTS"])
    assert actions["settings"] == (["MANAGE_ORDERS", "MANAGE_SETTINGS"], ["MANAGE_SETTINGS"])
    assert actions["integrations"] == (["MANAGE_ORDERS", "MANAGE_APPS"], ["MANAGE_APPS"])


@pytest.mark.parametrize("who", ["anonymous", "alice", "guest"])
def test_only_staff_are_told_about_staff_operations(callers, who):
    assert callers[who](VIEWER_ACTIONS)["data"]["viewer"]["actions"] == []


def upload_evidence(caller: Caller):
    """returnEvidenceUpload, a GraphQL multipart request with one small PNG."""
    import json
    import struct
    import zlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    image = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
             + chunk(b"IDAT", zlib.compress(b"\x00" + b"\x10\x20\x30" * 2)) + chunk(b"IEND", b""))
    query = "mutation($file: Upload!) { returnEvidenceUpload(file: $file) { evidence { id } errors { code } } }"
    headers = {"Saleor-Api-Url": caller.api_url}
    if caller.token:
        headers["Authorization"] = f"Bearer {caller.token}"
    response = caller.client.post(
        "/graphql/",
        {"operations": json.dumps({"query": query, "variables": {"file": None}}),
         "map": json.dumps({"0": ["variables.file"]}), "0": SimpleUploadedFile("photo.png", image, "image/png")},
        headers=headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("who", REQUESTORS)
def test_evidence_upload_matrix(callers, who):
    # given: customers and guests upload photos for a request they are about to make; staff need MANAGE_ORDERS
    from saleor_returns.models import Evidence

    if who == "anonymous":
        expected_outcome = (DENIED, [])
    elif who in ("alice", "bob", "guest"):
        expected_outcome = (ALLOWED, [])
    else:
        missing = sorted({ORDERS} - set(held_by(who)))
        expected_outcome = (DENIED, missing) if missing else (ALLOWED, [])
    before = Evidence.objects.count()

    # when
    result = upload_evidence(callers[who])

    # then
    assert outcome(result, "returnEvidenceUpload") == expected_outcome
    assert Evidence.objects.count() == before + (1 if expected_outcome[0] == ALLOWED else 0)


def test_every_operation_of_the_api_is_in_the_matrix():
    from saleor_returns.api.schema import schema

    graphql_schema = schema.graphql_schema
    operations = set(graphql_schema.query_type.fields) | set(graphql_schema.mutation_type.fields)
    covered = {name.split("(")[0] for name in OPERATIONS} | {"returnEvidenceUpload"}
    assert sorted(operations - covered) == []


def test_the_viewer_says_resending_a_message_needs_what_the_resend_needs(callers):
    # when
    clerk = callers["orders_only"](VIEWER_ACTIONS)["data"]["viewer"]
    outsider = callers["staff_without_orders"](VIEWER_ACTIONS)["data"]["viewer"]

    # then: the same permissions the matrix holds returnMessageResend to
    needs = list(OPERATIONS["returnMessageResend"]["needs"])
    assert {entry["action"]: (entry["permissions"], entry["missing"]) for entry in clerk["actions"]}[
        "messageResend"] == (needs, [])
    assert {entry["action"]: (entry["permissions"], entry["missing"]) for entry in outsider["actions"]}[
        "messageResend"] == (needs, needs)
