"""Shippo adapter against FakeShippo: return labels, voids, tracks, URL-token and HMAC webhooks."""

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from saleor_returns.carriers.errors import (
    CarrierRejected,
    CarrierUnavailable,
    NotSupported,
    WebhookPayloadError,
    WebhookSignatureError,
)
from saleor_returns.carriers.registry import get_carrier
from saleor_returns.carriers.shipments import Label, LabelFormat, Parcel
from saleor_returns.carriers.shippo import map_status, signature
from saleor_returns.carriers.tracking import Location, MappedStatus, TrackingEvent, TrackingStatus
from saleor_returns.fakes.carriers.shippo import FakeShippo, shippo_signature
from saleor_returns.money import money
from tests.carriers.conftest import apply_all

SECRET = "shippo_secret"
TOKEN = "url-token-7d1a"
S = TrackingStatus
UTC = timezone.utc
VECTOR_BODY = b'{"event":"track_updated","test":true}'
VECTOR_TIME = 1700000000
VECTOR_NOW = datetime.fromtimestamp(VECTOR_TIME + 10, tz=UTC)

# The track_updated delivery of spec §2.3, verbatim.
SPEC_EVENT = {
    "event": "track_updated",
    "test": False,
    "data": {
        "carrier": "usps",
        "tracking_number": "9205590000000000000000",
        "transaction": "2f3c0d1e9a8b4c7d9e6f5a4b3c2d1e0f",
        "metadata": "rma:RMA-1001",
        "eta": "2026-03-05T00:00:00Z",
        "original_eta": "2026-03-05T00:00:00Z",
        "address_from": {"city": "Austin", "state": "TX", "zip": "78701", "country": "US"},
        "address_to": {"city": "Reno", "state": "NV", "zip": "89501", "country": "US"},
        "servicelevel": {"token": "usps_priority", "name": "Priority Mail"},
        "messages": [],
        "tracking_status": {
            "object_id": "7d1a0c9b8e2f4a6b9c3d5e7f1a2b3c4d",
            "object_created": "2026-03-02T10:15:03.120Z",
            "object_updated": "2026-03-02T10:15:03.120Z",
            "status": "TRANSIT",
            "status_details": "Your package has been accepted.",
            "status_date": "2026-03-02T09:41:00Z",
            "substatus": {"code": "package_accepted", "text": "Package has been accepted.", "action_required": False},
            "location": {"city": "Austin", "state": "TX", "zip": "78701", "country": "US"},
        },
        "tracking_history": [],
    },
}


@pytest.fixture(scope="module")
def shippo_server():
    with FakeShippo(webhook_token=TOKEN, webhook_secret=SECRET) as fake:
        yield fake


@pytest.fixture
def shippo(shippo_server):
    shippo_server.reset()
    shippo_server.transaction_status = "SUCCESS"
    shippo_server.transaction_messages = []
    shippo_server.refund_status = "QUEUED"
    shippo_server.qr_codes = False
    return shippo_server


def carrier_for(fake=None, *, webhook_token=TOKEN, webhook_secret=SECRET, api_key=None, **options):
    credentials = {"webhook_token": webhook_token, "webhook_secret": webhook_secret, "options": options}
    if fake is not None:
        credentials.update(api_key=fake.api_key if api_key is None else api_key, base_url=fake.base_url)
    return get_carrier("shippo", credentials)


def buy_label(fake, customer, returns_address, parcel, **options):
    return carrier_for(fake, **options).create_return_label(
        from_address=customer,
        to_address=returns_address,
        parcel=parcel,
        reference="RMA-000123",
        idempotency_key="label:rma-000123",
    )


def paths(fake):
    return [(request.method, request.path) for request in fake.requests]


# ---------------------------------------------------------------- signatures


def test_signature_matches_the_spec_vector():
    expected = "6c04bc6f4dab29565a8bb09268ae1f65fc97dfe75ffd4223b9f8041ca818b467"

    assert signature(SECRET, VECTOR_BODY, str(VECTOR_TIME)) == expected
    assert shippo_signature(SECRET, VECTOR_BODY, VECTOR_TIME) == f"t={VECTOR_TIME},v1={expected}"


def test_hmac_and_token_together_are_accepted(shippo):
    headers, body = shippo.signed_webhook(VECTOR_BODY, timestamp=VECTOR_TIME)

    carrier_for().verify_webhook(headers, body, query=shippo.webhook_query(), now=VECTOR_NOW)


def test_any_of_several_v1_signatures_may_match():
    valid = signature(SECRET, VECTOR_BODY, str(VECTOR_TIME))
    headers = {"Shippo-Auth-Signature": f"t={VECTOR_TIME},v1={'0' * 64},v1={valid}"}

    carrier_for(webhook_token="").verify_webhook(headers, VECTOR_BODY, now=VECTOR_NOW)


@pytest.mark.parametrize(
    ("_case", "headers", "body", "now", "message"),
    [
        (
            "body altered by one byte",
            {"Shippo-Auth-Signature": shippo_signature(SECRET, VECTOR_BODY, VECTOR_TIME)},
            VECTOR_BODY.replace(b"true", b"tru3"),
            VECTOR_NOW,
            "Invalid signature.",
        ),
        (
            "wrong secret",
            {"Shippo-Auth-Signature": shippo_signature("other", VECTOR_BODY, VECTOR_TIME)},
            VECTOR_BODY,
            VECTOR_NOW,
            "Invalid signature.",
        ),
        (
            "timestamp swapped after signing",
            {
                "Shippo-Auth-Signature": shippo_signature(SECRET, VECTOR_BODY, VECTOR_TIME).replace(
                    "t=1700000000", "t=1700000001"
                )
            },
            VECTOR_BODY,
            VECTOR_NOW,
            "Invalid signature.",
        ),
        ("header missing", {}, VECTOR_BODY, VECTOR_NOW, "Missing Shippo-Auth-Signature header."),
        (
            "no timestamp",
            {"Shippo-Auth-Signature": "v1=abc"},
            VECTOR_BODY,
            VECTOR_NOW,
            "Malformed Shippo-Auth-Signature header.",
        ),
        (
            "no digest",
            {"Shippo-Auth-Signature": "t=1700000000"},
            VECTOR_BODY,
            VECTOR_NOW,
            "Malformed Shippo-Auth-Signature header.",
        ),
        (
            "timestamp not a number",
            {"Shippo-Auth-Signature": "t=soon,v1=abc"},
            VECTOR_BODY,
            VECTOR_NOW,
            "Malformed timestamp.",
        ),
        (
            "older than the tolerance",
            {"Shippo-Auth-Signature": shippo_signature(SECRET, VECTOR_BODY, VECTOR_TIME)},
            VECTOR_BODY,
            datetime.fromtimestamp(VECTOR_TIME + 301, tz=UTC),
            "Timestamp outside the tolerance.",
        ),
        (
            "too far in the future",
            {"Shippo-Auth-Signature": shippo_signature(SECRET, VECTOR_BODY, VECTOR_TIME)},
            VECTOR_BODY,
            datetime.fromtimestamp(VECTOR_TIME - 301, tz=UTC),
            "Timestamp outside the tolerance.",
        ),
    ],
)
def test_unverifiable_hmac_requests_are_refused(_case, headers, body, now, message):
    with pytest.raises(WebhookSignatureError) as error:
        carrier_for(webhook_token="").verify_webhook(headers, body, now=now)

    assert error.value.message == message


def test_tolerance_is_an_option():
    headers = {"Shippo-Auth-Signature": shippo_signature(SECRET, VECTOR_BODY, VECTOR_TIME)}
    carrier = carrier_for(webhook_token="", signature_tolerance=timedelta(minutes=10))

    carrier.verify_webhook(headers, VECTOR_BODY, now=datetime.fromtimestamp(VECTOR_TIME + 599, tz=UTC))


@pytest.mark.parametrize(
    ("_case", "query", "message"),
    [
        ("token missing", {}, "Missing token."),
        ("no query at all", None, "Missing token."),
        ("wrong token", {"token": "guessed"}, "Invalid token."),
        ("token with a different case", {"token": TOKEN.upper()}, "Invalid token."),
    ],
)
def test_a_wrong_url_token_is_refused(_case, query, message):
    with pytest.raises(WebhookSignatureError) as error:
        carrier_for(webhook_secret="").verify_webhook({}, VECTOR_BODY, query=query)

    assert error.value.message == message


def test_the_url_token_alone_does_not_protect_the_body():
    # Documented limit of Shippo's self-service option: only HMAC covers the body.
    carrier_for(webhook_secret="").verify_webhook({}, b'{"anything": "goes"}', query={"token": TOKEN})


def test_with_both_configured_both_are_required(shippo):
    headers, body = shippo.signed_webhook(VECTOR_BODY, timestamp=VECTOR_TIME)

    with pytest.raises(WebhookSignatureError) as error:
        carrier_for().verify_webhook(headers, body, query={}, now=VECTOR_NOW)

    assert error.value.message == "Missing token."


def test_without_a_token_or_secret_nothing_is_accepted():
    with pytest.raises(WebhookSignatureError) as error:
        carrier_for(webhook_token="", webhook_secret="").verify_webhook({}, VECTOR_BODY, query={"token": ""})

    assert error.value.message == "No Shippo webhook token or secret is configured."


# ------------------------------------------------------------------- parsing


def test_the_spec_example_parses_to_one_event():
    events = carrier_for().parse_webhook(json.dumps(SPEC_EVENT).encode())

    assert events == [
        TrackingEvent(
            provider="shippo",
            event_id="track_updated:7d1a0c9b8e2f4a6b9c3d5e7f1a2b3c4d",
            tracking_number="9205590000000000000000",
            carrier="usps",
            status=S.IN_TRANSIT,
            provider_status="TRANSIT",
            occurred_at=datetime(2026, 3, 2, 9, 41, tzinfo=UTC),
            detail_code="package_accepted",
            action_required=False,
            completed=False,
            message="Your package has been accepted.",
            location=Location(city="Austin", state="TX", postal_code="78701", country="US"),
            estimated_delivery=datetime(2026, 3, 5, tzinfo=UTC),
            tracker_id="usps/9205590000000000000000",
            label_id="2f3c0d1e9a8b4c7d9e6f5a4b3c2d1e0f",
        )
    ]


def test_a_redelivered_scan_has_the_same_dedupe_key_and_changes_nothing(shippo):
    # given
    scan_time = datetime(2026, 3, 2, 9, 41, tzinfo=UTC)
    first = shippo.track_event(
        "9205590000000000000001", status="TRANSIT", substatus="package_accepted", at=scan_time, object_id="scan_1"
    )
    again = shippo.track_event(
        "9205590000000000000001", status="TRANSIT", substatus="package_accepted", at=scan_time, object_id="scan_1"
    )
    carrier = carrier_for()

    # when
    events = [event for envelope in (first, again) for event in carrier.parse_webhook(json.dumps(envelope).encode())]

    # then
    assert [event.event_id for event in events] == ["track_updated:scan_1", "track_updated:scan_1"]
    assert apply_all(events, status=S.LABEL_CREATED)[3] == ["track_updated:scan_1"]


def test_a_track_without_a_status_yet_has_no_event():
    envelope = {"event": "track_updated", "test": True, "data": {**SPEC_EVENT["data"], "tracking_status": None}}

    assert carrier_for().parse_webhook(json.dumps(envelope).encode()) == []


def test_without_a_scan_time_the_recording_time_is_used():
    scan = {**SPEC_EVENT["data"]["tracking_status"], "status": "UNKNOWN", "substatus": None, "status_date": None}
    envelope = {**SPEC_EVENT, "data": {**SPEC_EVENT["data"], "tracking_status": scan}}

    [event] = carrier_for().parse_webhook(json.dumps(envelope).encode())

    assert (event.status, event.occurred_at, event.detail_code) == (
        S.UNKNOWN,
        datetime(2026, 3, 2, 10, 15, 3, 120000, tzinfo=UTC),
        None,
    )


@pytest.mark.parametrize("event", ["transaction_created", "batch_created", "batch_purchased", "something_new"])
def test_other_events_are_ignored(event):
    assert carrier_for().parse_webhook(json.dumps({"event": event, "test": True, "data": {}}).encode()) == []


def test_a_refunded_label_is_cancelled(shippo, customer, returns_address, parcel):
    # given
    label = buy_label(shippo, customer, returns_address, parcel)
    envelope = shippo.transaction_event(label.label_id, status="REFUNDED")
    headers, body = shippo.signed_webhook(envelope)
    carrier = carrier_for()

    # when
    carrier.verify_webhook(headers, body, query=shippo.webhook_query())
    [event] = carrier.parse_webhook(body)

    # then
    assert event == TrackingEvent(
        provider="shippo",
        event_id=f"transaction_updated:{label.label_id}:REFUNDED",
        tracking_number=label.tracking_number,
        carrier="",
        status=S.CANCELLED,
        provider_status="REFUNDED",
        occurred_at=datetime.fromisoformat(envelope["data"]["object_updated"]),
        message="Label refunded.",
        label_id=label.label_id,
    )


def test_other_transaction_updates_are_ignored(shippo, customer, returns_address, parcel):
    label = buy_label(shippo, customer, returns_address, parcel)
    envelope = shippo.transaction_event(label.label_id, status="REFUNDPENDING")

    assert carrier_for().parse_webhook(json.dumps(envelope).encode()) == []


@pytest.mark.parametrize(
    ("_case", "envelope", "message"),
    [
        ("no data", {"event": "track_updated"}, "track_updated.data is missing."),
        (
            "status not an object",
            {"event": "track_updated", "data": {"tracking_status": "TRANSIT"}},
            "data.tracking_status is not an object.",
        ),
        (
            "no status",
            {
                "event": "track_updated",
                "data": {
                    **SPEC_EVENT["data"],
                    "tracking_status": {"object_id": "x", "status_date": "2026-03-02T09:41:00Z"},
                },
            },
            "data.tracking_status.status is missing.",
        ),
        (
            "no scan id",
            {
                "event": "track_updated",
                "data": {
                    **SPEC_EVENT["data"],
                    "tracking_status": {"status": "TRANSIT", "status_date": "2026-03-02T09:41:00Z"},
                },
            },
            "data.tracking_status.object_id is missing.",
        ),
        (
            "no time",
            {
                "event": "track_updated",
                "data": {**SPEC_EVENT["data"], "tracking_status": {"object_id": "x", "status": "TRANSIT"}},
            },
            "data.tracking_status has no time.",
        ),
        (
            "no carrier",
            {"event": "track_updated", "data": {**SPEC_EVENT["data"], "carrier": None}},
            "data.carrier is missing.",
        ),
    ],
)
def test_bad_payloads_are_refused(_case, envelope, message):
    with pytest.raises(WebhookPayloadError) as error:
        carrier_for().parse_webhook(json.dumps(envelope).encode())

    assert error.value.message == message


@pytest.mark.parametrize(
    ("_case", "status", "substatus", "action_required", "expected"),
    [
        ("pre transit", "PRE_TRANSIT", "information_received", False, S.LABEL_CREATED),
        ("pre transit without substatus", "PRE_TRANSIT", None, False, S.LABEL_CREATED),
        ("unknown", "UNKNOWN", "other", False, S.UNKNOWN),
        ("transit", "TRANSIT", "package_accepted", False, S.IN_TRANSIT),
        ("transit without substatus", "TRANSIT", None, False, S.IN_TRANSIT),
        ("out for delivery", "TRANSIT", "out_for_delivery", False, S.OUT_FOR_DELIVERY),
        ("pickup available", "TRANSIT", "pickup_available", True, S.AVAILABLE_FOR_PICKUP),
        ("address issue", "TRANSIT", "address_issue", True, S.EXCEPTION),
        ("contact carrier", "TRANSIT", "contact_carrier", True, S.EXCEPTION),
        ("delivery attempted", "TRANSIT", "delivery_attempted", True, S.EXCEPTION),
        ("location inaccessible", "TRANSIT", "location_inaccessible", True, S.EXCEPTION),
        ("notice left", "TRANSIT", "notice_left", True, S.EXCEPTION),
        ("package damaged", "TRANSIT", "package_damaged", True, S.EXCEPTION),
        ("package held", "TRANSIT", "package_held", True, S.EXCEPTION),
        ("reschedule delivery", "TRANSIT", "reschedule_delivery", True, S.EXCEPTION),
        ("unknown code needing action", "TRANSIT", "brand_new_problem", True, S.EXCEPTION),
        ("unknown code without action", "TRANSIT", "brand_new_scan", False, S.IN_TRANSIT),
        ("delayed keeps moving", "TRANSIT", "delayed", False, S.IN_TRANSIT),
        ("delivered", "DELIVERED", "delivered", False, S.DELIVERED),
        ("returned to sender", "RETURNED", "return_to_sender", False, S.RETURNED_TO_SENDER),
        ("returned without substatus", "RETURNED", None, False, S.RETURNED_TO_SENDER),
        ("unclaimed", "RETURNED", "package_unclaimed", True, S.EXCEPTION),
        ("lost", "FAILURE", "package_lost", True, S.LOST),
        ("disposed", "FAILURE", "package_disposed", False, S.LOST),
        ("undeliverable", "FAILURE", "package_undeliverable", True, S.EXCEPTION),
        ("other failure", "FAILURE", None, False, S.EXCEPTION),
        ("unmapped", "TELEPORTED", None, False, S.UNKNOWN),
    ],
)
def test_status_mapping_table(_case, status, substatus, action_required, expected):
    assert map_status(status, substatus, action_required) == MappedStatus(expected, action_required=action_required)


def test_action_required_is_carried_on_the_event(shippo):
    envelope = shippo.track_event(
        "9205590000000000000002", status="TRANSIT", substatus="notice_left", action_required=True
    )

    [event] = carrier_for().parse_webhook(json.dumps(envelope).encode())

    assert (event.status, event.action_required, event.detail_code) == (S.EXCEPTION, True, "notice_left")


# -------------------------------------------------------------------- labels


def test_a_return_label_is_bought_with_the_request_the_spec_requires(shippo, customer, returns_address, parcel):
    # when
    label = buy_label(shippo, customer, returns_address, parcel)

    # then
    create, buy = shippo.requests
    assert (create.method, create.path) == ("POST", "/shipments")
    assert (create.headers["authorization"], create.headers["shippo-api-version"]) == (
        "ShippoToken shippo_test_key",
        "2018-02-08",
    )
    assert create.json == {
        # §2.5.1: outbound orientation, Shippo swaps them on the label.
        "address_from": returns_address.as_dict(),
        "address_to": customer.as_dict(),
        "parcels": [
            {"length": "30", "width": "20", "height": "10", "distance_unit": "cm", "weight": "500", "mass_unit": "g"}
        ],
        "extra": {"is_return": True, "reference_1": "RMA-000123"},
        "async": False,
    }
    shipment = shippo.shipments[label.shipment_id]
    cheapest = next(rate for rate in shipment["rates"] if rate["servicelevel"]["token"] == "usps_ground_advantage")
    assert (buy.method, buy.path, buy.json) == (
        "POST",
        "/transactions",
        {"rate": cheapest["object_id"], "label_file_type": "PDF_4x6", "async": False, "metadata": "rma:RMA-000123"},
    )
    transaction = shippo.transactions[label.label_id]
    assert label == Label(
        provider="shippo",
        label_id=transaction["object_id"],
        shipment_id=shipment["object_id"],
        tracking_number=transaction["tracking_number"],
        carrier="USPS",
        service="Ground Advantage",
        label_url=transaction["label_url"],
        label_format=LabelFormat.PDF,
        cost=money("5.93", "USD"),
        created_at=datetime.fromisoformat(transaction["object_created"]),
    )
    assert shipment["extra"]["is_return"] is True


@pytest.mark.parametrize(
    ("_case", "options", "carrier", "service", "cost", "label_format"),
    [
        ("cheapest of all", {}, "USPS", "Ground Advantage", "5.93", LabelFormat.PDF),
        ("carrier", {"carrier": "UPS"}, "UPS", "Ground", "9.10", LabelFormat.PDF),
        ("service level", {"servicelevel": "usps_priority"}, "USPS", "Priority Mail", "7.58", LabelFormat.PDF),
        ("PNG labels", {"label_file_type": "PNG"}, "USPS", "Ground Advantage", "5.93", LabelFormat.PNG),
        ("ZPL labels", {"label_file_type": "ZPLII"}, "USPS", "Ground Advantage", "5.93", LabelFormat.ZPL),
    ],
)
def test_the_rate_and_format_follow_the_options(
    _case, options, carrier, service, cost, label_format, shippo, customer, returns_address, parcel
):
    label = buy_label(shippo, customer, returns_address, parcel, **options)

    assert (label.carrier, label.service, label.cost, label.label_format) == (
        carrier,
        service,
        money(cost, "USD"),
        label_format,
    )


def test_qr_codes_are_kept(shippo, customer, returns_address, parcel):
    shippo.qr_codes = True

    label = buy_label(shippo, customer, returns_address, parcel)

    assert label.qr_code_url == shippo.transactions[label.label_id]["qr_code_url"]


def test_parcels_without_dimensions_are_refused_before_calling_shippo(shippo, customer, returns_address):
    with pytest.raises(ValueError, match="length, width and height"):
        buy_label(shippo, customer, returns_address, Parcel(weight=Decimal("500")))

    assert shippo.requests == []


def test_a_failed_label_is_rejected_with_shippos_messages(shippo, customer, returns_address, parcel):
    # given
    shippo.transaction_status = "ERROR"
    shippo.transaction_messages = [{"source": "USPS", "code": "address_invalid", "text": "Recipient address invalid."}]

    # when
    with pytest.raises(CarrierRejected) as error:
        buy_label(shippo, customer, returns_address, parcel)

    # then
    assert error.value.message == "Recipient address invalid."


def test_a_resumed_purchase_returns_the_label_already_bought(shippo, customer, returns_address, parcel):
    # given
    label = buy_label(shippo, customer, returns_address, parcel)
    shippo.requests.clear()

    # when
    resumed = carrier_for(shippo).create_return_label(
        from_address=customer,
        to_address=returns_address,
        parcel=parcel,
        reference="RMA-000123",
        idempotency_key="label:rma-000123",
        shipment_id=label.shipment_id,
    )

    # then
    assert resumed == label
    assert paths(shippo) == [("GET", f"/shipments/{label.shipment_id}"), ("GET", "/transactions")]
    assert shippo.requests[1].query == {"rate": shippo.transactions[label.label_id]["rate"]}


def test_a_resumed_purchase_buys_when_nothing_was_bought(shippo, customer, returns_address, parcel):
    # given
    shipment_ids = []
    with pytest.raises(CarrierUnavailable):
        carrier_for(shippo).create_return_label(
            from_address=customer,
            to_address=returns_address,
            parcel=parcel,
            reference="RMA-000123",
            idempotency_key="label:rma-000123",
            on_shipment_created=lambda shipment_id: (shipment_ids.append(shipment_id), shippo.fail_next(status=500)),
        )

    # when
    label = carrier_for(shippo).create_return_label(
        from_address=customer,
        to_address=returns_address,
        parcel=parcel,
        reference="RMA-000123",
        idempotency_key="label:rma-000123",
        shipment_id=shipment_ids[0],
    )

    # then
    assert label.shipment_id == shipment_ids[0]
    assert paths(shippo)[-3:] == [
        ("GET", f"/shipments/{shipment_ids[0]}"),
        ("GET", "/transactions"),
        ("POST", "/transactions"),
    ]


@pytest.mark.parametrize(
    ("_case", "refund_status", "expected"), [("queued", "QUEUED", True), ("error", "ERROR", False)]
)
def test_void_label(_case, refund_status, expected, shippo, customer, returns_address, parcel):
    # given
    label = buy_label(shippo, customer, returns_address, parcel)
    shippo.refund_status = refund_status

    # when
    voided = carrier_for(shippo).void_label(label.label_id)

    # then
    assert voided is expected
    assert (shippo.requests[-1].path, shippo.requests[-1].json) == (
        "/refunds",
        {"transaction": label.label_id, "async": False},
    )


def test_pickups_are_not_supported(shippo, customer, returns_address, parcel):
    label = buy_label(shippo, customer, returns_address, parcel)

    with pytest.raises(NotSupported):
        carrier_for(shippo).schedule_pickup(
            label=label,
            address=customer,
            min_datetime=datetime(2026, 3, 3, 9, tzinfo=UTC),
            max_datetime=datetime(2026, 3, 3, 17, tzinfo=UTC),
        )


# -------------------------------------------------------------------- tracks


def test_register_tracker_posts_a_track_each_time(shippo):
    carrier = carrier_for(shippo)

    ids = [carrier.register_tracker(tracking_number="1Z999AA10123456784", carrier="ups") for _ in range(2)]

    assert ids == ["ups/1Z999AA10123456784"] * 2
    assert [request.json for request in shippo.requests] == [
        {"carrier": "ups", "tracking_number": "1Z999AA10123456784", "metadata": ""}
    ] * 2


# -------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("_case", "fault", "error_class", "message", "status_code"),
    [
        ("proxy 502 page", {"status": 502}, CarrierUnavailable, "Shippo answered HTTP 502.", 502),
        (
            "rate limited",
            {"status": 429, "message": "Rate limit exceeded."},
            CarrierUnavailable,
            "Shippo answered HTTP 429.",
            429,
        ),
        (
            "timeout answer",
            {"status": 408, "message": "Request timeout."},
            CarrierUnavailable,
            "Shippo answered HTTP 408.",
            408,
        ),
        ("refused", {"status": 400, "message": "Address is invalid."}, CarrierRejected, "Address is invalid.", 400),
    ],
)
def test_http_errors_are_mapped(
    _case, fault, error_class, message, status_code, shippo, customer, returns_address, parcel
):
    shippo.fail_next(**fault)

    with pytest.raises(error_class) as error:
        buy_label(shippo, customer, returns_address, parcel)

    assert type(error.value) is error_class
    assert (error.value.message, error.value.status_code) == (message, status_code)
    assert paths(shippo) == [("POST", "/shipments")]


def test_field_errors_become_the_message(shippo, customer, returns_address, parcel):
    with pytest.raises(CarrierRejected) as error:
        buy_label(shippo, customer, returns_address, parcel, label_file_type="GIF")

    assert (error.value.message, error.value.status_code) == ('label_file_type: "GIF" is not a valid choice.', 400)


def test_a_wrong_token_is_rejected(shippo):
    with pytest.raises(CarrierRejected) as error:
        carrier_for(shippo, api_key="shippo_test_wrong").register_tracker(tracking_number="x", carrier="usps")

    assert (error.value.message, error.value.status_code) == ("Authentication failed.", 401)
