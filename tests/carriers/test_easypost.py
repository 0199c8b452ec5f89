"""EasyPost adapter against FakeEasyPost: labels, voids, trackers, pickups, signed tracker webhooks."""

import base64
import json
import logging
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest

from saleor_returns.carriers.easypost import map_status, signature
from saleor_returns.carriers.errors import (
    CarrierRejected,
    CarrierUnavailable,
    WebhookPayloadError,
    WebhookSignatureError,
)
from saleor_returns.carriers.registry import get_carrier
from saleor_returns.carriers.shipments import Label, LabelFormat, Pickup
from saleor_returns.carriers.tracking import Location, MappedStatus, TrackingEvent, TrackingStatus
from saleor_returns.fakes.carriers.easypost import EASYPOST_RATES, FakeEasyPost, easypost_signature
from saleor_returns.money import money

SECRET = "sekret"
S = TrackingStatus
UTC = timezone.utc

# The Event of spec §1.3, verbatim.
SPEC_EVENT = {
    "id": "evt_0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "object": "Event",
    "mode": "test",
    "description": "tracker.updated",
    "previous_attributes": {"status": "pre_transit"},
    "status": "pending",
    "pending_urls": ["https://returns.example/webhooks/easypost"],
    "completed_urls": [],
    "user_id": "user_0123",
    "created_at": "2026-03-02T10:15:00Z",
    "updated_at": "2026-03-02T10:15:00Z",
    "result": {
        "id": "trk_9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "object": "Tracker",
        "mode": "test",
        "tracking_code": "9400100000000000000000",
        "carrier": "USPS",
        "status": "in_transit",
        "status_detail": "arrived_at_facility",
        "is_return": True,
        "finalized": False,
        "shipment_id": "shp_1234",
        "est_delivery_date": "2026-03-05T00:00:00Z",
        "signed_by": None,
        "weight": None,
        "public_url": "https://track.easypost.com/abc",
        "created_at": "2026-03-01T09:00:00Z",
        "updated_at": "2026-03-02T10:14:58Z",
        "tracking_details": [
            {
                "object": "TrackingDetail",
                "message": "Arrived at facility",
                "description": "Arrived at facility",
                "status": "in_transit",
                "status_detail": "arrived_at_facility",
                "datetime": "2026-03-02T09:40:00Z",
                "source": "USPS",
                "carrier_code": "AR",
                "tracking_location": {
                    "object": "TrackingLocation",
                    "city": "HOUSTON",
                    "state": "TX",
                    "country": "US",
                    "zip": "77063",
                },
            }
        ],
        "carrier_detail": {"object": "CarrierDetail", "service": "Priority", "est_delivery_date_local": None},
    },
}
SPEC_EVENT_SENT_AT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
VECTOR_BODY = b'{"id":"evt_1","object":"Event","description":"tracker.updated"}'


@pytest.fixture(scope="module")
def easypost_server():
    with FakeEasyPost(webhook_secret=SECRET) as fake:
        yield fake


@pytest.fixture
def easypost(easypost_server):
    easypost_server.reset()
    easypost_server.rates = [dict(rate) for rate in EASYPOST_RATES]
    easypost_server.rate_messages = []
    easypost_server.refund_status = "submitted"
    return easypost_server


def carrier_for(fake, *, api_key=None, timeout=5.0, **options):
    return get_carrier(
        "easypost",
        {
            "api_key": fake.api_key if api_key is None else api_key,
            "webhook_secret": SECRET,
            "base_url": fake.base_url,
            "timeout": timeout,
            "options": options,
        },
    )


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


def wait_until(condition, timeout=5.0):
    deadline = datetime.now(tz=UTC) + timedelta(seconds=timeout)
    while not condition():
        if datetime.now(tz=UTC) > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


# ---------------------------------------------------------------- signatures


@pytest.mark.parametrize(
    ("_case", "secret", "expected"),
    [
        ("spec vector", "sekret", "hmac-sha256-hex=2268da2c1d64c62479c9e9b80de4c9c2a9eaf1e6f8015453955859c4605ed6bd"),
        (
            "NFKD secret",
            "s\u00e9cret",
            "hmac-sha256-hex=4a90dd8864e1c99ae07acd717a55a1b95b9e735f56034260dfeb58d11e814f88",
        ),
    ],
)
def test_signatures_match_the_spec_vectors(_case, secret, expected):
    assert signature(secret, VECTOR_BODY) == expected
    assert easypost_signature(secret, VECTOR_BODY) == expected


@pytest.mark.parametrize(
    ("_case", "secret"),
    [("ascii secret", "sekret"), ("NFKD secret", "s\u00e9cret")],
)
def test_valid_signature_is_accepted(_case, secret, easypost):
    # given
    carrier = get_carrier("easypost", {"webhook_secret": secret, "options": {"max_event_age": None}})
    headers, body = easypost.signed_webhook(VECTOR_BODY, secret=secret)

    # when / then
    carrier.verify_webhook(headers, body)


def test_header_names_are_case_insensitive(easypost):
    carrier = get_carrier("easypost", {"webhook_secret": SECRET, "options": {"max_event_age": None}})

    carrier.verify_webhook({"x-hmac-signature": signature(SECRET, VECTOR_BODY)}, VECTOR_BODY)


@pytest.mark.parametrize(
    ("_case", "headers", "body", "message"),
    [
        (
            "body altered by one byte",
            {"X-Hmac-Signature": signature(SECRET, VECTOR_BODY)},
            VECTOR_BODY.replace(b"evt_1", b"evt_2"),
            "Invalid signature.",
        ),
        ("wrong secret", {"X-Hmac-Signature": signature("other", VECTOR_BODY)}, VECTOR_BODY, "Invalid signature."),
        ("header missing", {}, VECTOR_BODY, "Missing X-Hmac-Signature header."),
        (
            "prefix missing",
            {"X-Hmac-Signature": signature(SECRET, VECTOR_BODY).removeprefix("hmac-sha256-hex=")},
            VECTOR_BODY,
            "Invalid signature.",
        ),
        (
            "upper-case digest",
            {"X-Hmac-Signature": "hmac-sha256-hex=" + signature(SECRET, VECTOR_BODY).split("=", 1)[1].upper()},
            VECTOR_BODY,
            "Invalid signature.",
        ),
        ("non-ASCII garbage", {"X-Hmac-Signature": "hmac-sha256-hex=\u00e9"}, VECTOR_BODY, "Invalid signature."),
    ],
)
def test_unverifiable_requests_are_refused(_case, headers, body, message):
    carrier = get_carrier("easypost", {"webhook_secret": SECRET, "options": {"max_event_age": None}})

    with pytest.raises(WebhookSignatureError) as error:
        carrier.verify_webhook(headers, body)

    assert error.value.message == message


def test_a_replayed_old_event_is_refused(easypost):
    # given
    carrier = carrier_for(easypost)
    headers, body = easypost.signed_webhook(SPEC_EVENT)

    # when
    with pytest.raises(WebhookSignatureError) as error:
        carrier.verify_webhook(headers, body, now=SPEC_EVENT_SENT_AT + timedelta(days=3, seconds=1))

    # then
    assert error.value.message == "Event is older than the replay window."


def test_an_event_within_the_retry_window_is_accepted(easypost):
    carrier = carrier_for(easypost)
    headers, body = easypost.signed_webhook(SPEC_EVENT)

    carrier.verify_webhook(headers, body, now=SPEC_EVENT_SENT_AT + timedelta(hours=24))


def test_without_a_configured_secret_nothing_is_accepted(easypost):
    carrier = get_carrier("easypost", {"api_key": "key"})
    headers, body = easypost.signed_webhook(SPEC_EVENT)

    with pytest.raises(WebhookSignatureError) as error:
        carrier.verify_webhook(headers, body, now=SPEC_EVENT_SENT_AT)

    assert error.value.message == "No EasyPost webhook secret is configured."


# ------------------------------------------------------------------- parsing


def test_the_spec_example_parses_to_one_event():
    body = json.dumps(SPEC_EVENT).encode()

    events = get_carrier("easypost", {}).parse_webhook(body)

    assert events == [
        TrackingEvent(
            provider="easypost",
            event_id="evt_0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            tracking_number="9400100000000000000000",
            carrier="USPS",
            status=S.IN_TRANSIT,
            provider_status="in_transit",
            occurred_at=datetime(2026, 3, 2, 9, 40, tzinfo=UTC),
            detail_code="arrived_at_facility",
            action_required=False,
            completed=False,
            message="Arrived at facility",
            location=Location(city="HOUSTON", state="TX", postal_code="77063", country="US"),
            estimated_delivery=datetime(2026, 3, 5, tzinfo=UTC),
            tracker_id="trk_9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            label_id="shp_1234",
        )
    ]
    assert events[0].raw == SPEC_EVENT


def test_the_newest_scan_gives_the_event_time(easypost):
    # given
    tracking_code = "EZ2000000002"
    easypost.tracker_event(tracking_code, status="pre_transit", at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    event = easypost.tracker_event(
        tracking_code,
        status="out_for_delivery",
        status_detail="out_for_delivery",
        at=datetime(2026, 3, 3, 7, 5, tzinfo=UTC),
        message="Out for delivery",
    )
    # Details arrive earliest-first, but nothing promises it.
    event["result"]["tracking_details"].reverse()

    # when
    [parsed] = carrier_for(easypost).parse_webhook(json.dumps(event).encode())

    # then
    assert (parsed.status, parsed.occurred_at, parsed.message) == (
        S.OUT_FOR_DELIVERY,
        datetime(2026, 3, 3, 7, 5, tzinfo=UTC),
        "Out for delivery",
    )


def test_a_tracker_without_scans_is_timed_by_its_update():
    event = json.loads(json.dumps(SPEC_EVENT))
    event["description"] = "tracker.created"
    event["result"].update({"status": "unknown", "status_detail": "unknown", "tracking_details": []})

    [parsed] = get_carrier("easypost", {}).parse_webhook(json.dumps(event).encode())

    assert (parsed.status, parsed.occurred_at, parsed.location, parsed.message) == (
        S.UNKNOWN,
        datetime(2026, 3, 2, 10, 14, 58, tzinfo=UTC),
        None,
        "",
    )


@pytest.mark.parametrize("description", ["batch.created", "refund.successful", "scan_form.updated", "payment.created"])
def test_other_event_families_are_ignored(description):
    event = dict(SPEC_EVENT, description=description, result={"id": "x", "object": "Other"})

    assert get_carrier("easypost", {}).parse_webhook(json.dumps(event).encode()) == []


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        ("not JSON", b"<html>", "Body is not JSON."),
        ("not an object", b"[]", "Body is not a JSON object."),
        ("no id", json.dumps({**SPEC_EVENT, "id": None}).encode(), "Event.id is missing."),
        ("no result", json.dumps({**SPEC_EVENT, "result": None}).encode(), "Event.result is missing."),
        (
            "no status",
            json.dumps({**SPEC_EVENT, "result": {**SPEC_EVENT["result"], "status": None}}).encode(),
            "Event.result.status is missing.",
        ),
        (
            "no tracking code",
            json.dumps({**SPEC_EVENT, "result": {**SPEC_EVENT["result"], "tracking_code": ""}}).encode(),
            "Event.result.tracking_code is missing.",
        ),
        (
            "no time at all",
            json.dumps(
                {
                    **SPEC_EVENT,
                    "created_at": None,
                    "result": {**SPEC_EVENT["result"], "tracking_details": [], "updated_at": None},
                }
            ).encode(),
            "Event.result has no time.",
        ),
    ],
)
def test_bad_payloads_are_refused(_case, body, message):
    with pytest.raises(WebhookPayloadError) as error:
        get_carrier("easypost", {}).parse_webhook(body)

    assert error.value.message == message


@pytest.mark.parametrize(
    ("_case", "status", "detail", "expected", "action_required"),
    [
        ("pre transit", "pre_transit", "label_created", S.LABEL_CREATED, False),
        ("unknown", "unknown", "unknown", S.UNKNOWN, False),
        ("in transit", "in_transit", "arrived_at_facility", S.IN_TRANSIT, False),
        ("delivery exception", "in_transit", "delivery_exception", S.EXCEPTION, True),
        ("address correction", "in_transit", "address_correction", S.EXCEPTION, True),
        ("awaiting information", "in_transit", "awaiting_information", S.EXCEPTION, True),
        ("held", "in_transit", "held", S.EXCEPTION, False),
        ("missorted", "in_transit", "missorted", S.EXCEPTION, False),
        ("transit exception", "in_transit", "transit_exception", S.EXCEPTION, False),
        ("delayed keeps moving", "in_transit", "delayed", S.IN_TRANSIT, False),
        ("weather delay keeps moving", "in_transit", "weather_delay", S.IN_TRANSIT, False),
        ("out for delivery", "out_for_delivery", "out_for_delivery", S.OUT_FOR_DELIVERY, False),
        ("available for pickup", "available_for_pickup", "arrived_at_pickup_location", S.AVAILABLE_FOR_PICKUP, False),
        ("delivered", "delivered", "arrived_at_destination", S.DELIVERED, False),
        ("return to sender", "return_to_sender", "return", S.RETURNED_TO_SENDER, False),
        ("return to sender without detail", "return_to_sender", None, S.RETURNED_TO_SENDER, False),
        ("return detail wins", "in_transit", "return", S.RETURNED_TO_SENDER, False),
        ("lost", "failure", "lost", S.LOST, False),
        ("damaged", "failure", "damaged", S.EXCEPTION, False),
        ("refused", "failure", "refused", S.EXCEPTION, False),
        ("other failure", "failure", "failure", S.EXCEPTION, False),
        ("expired", "unknown", "expired", S.EXPIRED, False),
        ("expired detail wins", "pre_transit", "expired", S.EXPIRED, False),
        ("cancelled", "cancelled", "cancelled", S.CANCELLED, False),
        ("cancelled detail wins", "pre_transit", "cancelled", S.CANCELLED, False),
        ("tracker error", "error", None, S.UNKNOWN, False),
    ],
)
def test_status_mapping_table(_case, status, detail, expected, action_required):
    assert map_status(status, detail) == MappedStatus(expected, action_required=action_required)


def test_finalized_only_completes_a_return_to_sender():
    assert map_status("return_to_sender", "return", finalized=True) == MappedStatus(
        S.RETURNED_TO_SENDER, completed=True
    )
    assert map_status("delivered", "arrived_at_destination", finalized=True) == MappedStatus(S.DELIVERED)


def test_unmapped_statuses_are_unknown_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="saleor_returns.carriers.easypost"):
        assert map_status("teleported", "beamed") == MappedStatus(S.UNKNOWN)

    [record] = caplog.records
    assert (record.getMessage(), record.provider_status, record.detail_code) == (
        "Unmapped carrier status",
        "teleported",
        "beamed",
    )


@pytest.mark.parametrize(("_case", "finalized", "completed"), [("returning", False, False), ("returned", True, True)])
def test_a_finalized_return_to_sender_is_completed(_case, finalized, completed, easypost):
    event = easypost.tracker_event(
        "EZ5000000005", status="return_to_sender", status_detail="return", finalized=finalized
    )

    [parsed] = carrier_for(easypost).parse_webhook(json.dumps(event).encode())

    assert (parsed.status, parsed.completed, parsed.is_terminal) == (S.RETURNED_TO_SENDER, completed, completed)


def test_fake_events_verify_and_parse_with_new_ids(easypost):
    # given
    carrier = carrier_for(easypost)
    created = easypost.tracker_event("EZ1000000001", status="pre_transit", description="tracker.created")
    updated = easypost.tracker_event("EZ1000000001", status="in_transit", status_detail="arrived_at_facility")

    # when
    events = []
    for envelope in (created, updated):
        headers, body = easypost.signed_webhook(envelope)
        carrier.verify_webhook(headers, body)
        events.extend(carrier.parse_webhook(body))

    # then
    assert [event.status for event in events] == [S.LABEL_CREATED, S.IN_TRANSIT]
    assert len({event.event_id for event in events}) == 2
    assert all(event.event_id.startswith("evt_") for event in events)


# -------------------------------------------------------------------- labels


def test_a_return_label_is_bought_with_the_request_the_spec_requires(easypost, customer, returns_address, parcel):
    # when
    label = buy_label(easypost, customer, returns_address, parcel)

    # then
    create, buy = easypost.requests
    assert (create.method, create.path) == ("POST", "/v2/shipments")
    assert create.headers["authorization"] == "Basic " + base64.b64encode(b"EZTK_test_key:").decode()
    assert create.json == {
        "shipment": {
            # §1.6.1: outbound orientation, EasyPost swaps them on the label.
            "to_address": customer.as_dict(),
            "from_address": returns_address.as_dict(),
            # 500 g, 30 × 20 × 10 cm in ounces and inches, rounded up to a tenth.
            "parcel": {"weight": "17.7", "length": "11.9", "width": "7.9", "height": "4.0"},
            "is_return": True,
            "reference": "RMA-000123",
            "options": {"label_format": "PDF"},
        }
    }
    shipment = easypost.shipments[label.shipment_id]
    cheapest = next(rate for rate in shipment["rates"] if rate["service"] == "GroundAdvantage")
    assert (buy.method, buy.path, buy.json) == (
        "POST",
        f"/v2/shipments/{shipment['id']}/buy",
        {"rate": {"id": cheapest["id"]}},
    )
    assert label == Label(
        provider="easypost",
        label_id=shipment["id"],
        shipment_id=shipment["id"],
        tracking_number=shipment["tracking_code"],
        carrier="USPS",
        service="GroundAdvantage",
        label_url=shipment["postage_label"]["label_pdf_url"],
        label_format=LabelFormat.PDF,
        cost=money("5.93", "USD"),
        created_at=datetime.fromisoformat(shipment["postage_label"]["created_at"]),
        tracker_id=shipment["tracker"]["id"],
    )
    assert shipment["is_return"] is True


@pytest.mark.parametrize(
    ("_case", "options", "carrier", "service", "cost"),
    [
        ("cheapest of all", {}, "USPS", "GroundAdvantage", "5.93"),
        ("carrier only", {"carrier": "UPS"}, "UPS", "Ground", "9.10"),
        ("carrier and service", {"carrier": "USPS", "service": "Priority"}, "USPS", "Priority", "7.58"),
    ],
)
def test_the_rate_follows_the_options(
    _case, options, carrier, service, cost, easypost, customer, returns_address, parcel
):
    label = buy_label(easypost, customer, returns_address, parcel, **options)

    assert (label.carrier, label.service, label.cost) == (carrier, service, money(cost, "USD"))


def test_carrier_accounts_and_label_format_are_sent(easypost, customer, returns_address, parcel):
    label = buy_label(easypost, customer, returns_address, parcel, carrier_accounts=["ca_1"], label_format="ZPL")

    shipment_request = easypost.requests[0].json["shipment"]
    assert (shipment_request["carrier_accounts"], shipment_request["options"]) == (["ca_1"], {"label_format": "ZPL"})
    assert (label.label_format, label.label_url) == (
        LabelFormat.ZPL,
        easypost.shipments[label.shipment_id]["postage_label"]["label_zpl_url"],
    )


def test_the_shipment_id_is_handed_over_before_buying(easypost, customer, returns_address, parcel):
    # given
    seen = []

    def remember(shipment_id):
        seen.append((shipment_id, paths(easypost)))

    # when
    label = carrier_for(easypost).create_return_label(
        from_address=customer,
        to_address=returns_address,
        parcel=parcel,
        reference="RMA-000123",
        idempotency_key="label:rma-000123",
        on_shipment_created=remember,
    )

    # then
    assert seen == [(label.shipment_id, [("POST", "/v2/shipments")])]


def test_a_purchase_that_timed_out_is_resumed_without_buying_twice(easypost, customer, returns_address, parcel):
    # given the buy reaches EasyPost but the answer comes too late
    shipment_ids = []
    carrier = carrier_for(easypost, timeout=0.2)
    easypost.requests.clear()
    with pytest.raises(CarrierUnavailable):
        carrier.create_return_label(
            from_address=customer,
            to_address=returns_address,
            parcel=parcel,
            reference="RMA-000123",
            idempotency_key="label:rma-000123",
            on_shipment_created=lambda shipment_id: (
                shipment_ids.append(shipment_id),
                easypost.delay_next(seconds=0.6),
            ),
        )
    [shipment_id] = shipment_ids
    wait_until(lambda: easypost.shipments[shipment_id]["postage_label"] is not None)

    # when
    label = carrier_for(easypost).create_return_label(
        from_address=customer,
        to_address=returns_address,
        parcel=parcel,
        reference="RMA-000123",
        idempotency_key="label:rma-000123",
        shipment_id=shipment_id,
    )

    # then
    assert label.tracking_number == easypost.shipments[shipment_id]["tracking_code"]
    assert paths(easypost) == [
        ("POST", "/v2/shipments"),
        ("POST", f"/v2/shipments/{shipment_id}/buy"),
        ("GET", f"/v2/shipments/{shipment_id}"),
    ]


def test_a_purchase_that_failed_is_resumed_by_buying(easypost, customer, returns_address, parcel):
    # given
    shipment_ids = []
    with pytest.raises(CarrierUnavailable):
        carrier_for(easypost).create_return_label(
            from_address=customer,
            to_address=returns_address,
            parcel=parcel,
            reference="RMA-000123",
            idempotency_key="label:rma-000123",
            on_shipment_created=lambda shipment_id: (shipment_ids.append(shipment_id), easypost.fail_next(status=503)),
        )
    [shipment_id] = shipment_ids
    assert easypost.shipments[shipment_id]["postage_label"] is None

    # when
    label = carrier_for(easypost).create_return_label(
        from_address=customer,
        to_address=returns_address,
        parcel=parcel,
        reference="RMA-000123",
        idempotency_key="label:rma-000123",
        shipment_id=shipment_id,
    )

    # then
    assert label.shipment_id == shipment_id
    assert paths(easypost)[-2:] == [
        ("GET", f"/v2/shipments/{shipment_id}"),
        ("POST", f"/v2/shipments/{shipment_id}/buy"),
    ]


def test_no_rate_is_a_rejection_with_the_carriers_messages(easypost, customer, returns_address, parcel):
    # given
    easypost.rates = []
    easypost.rate_messages = [{"carrier": "USPS", "type": "rate_error", "message": "Unable to rate this return."}]

    # when
    with pytest.raises(CarrierRejected) as error:
        buy_label(easypost, customer, returns_address, parcel)

    # then
    assert error.value.message == "Unable to rate this return."
    assert paths(easypost) == [("POST", "/v2/shipments")]


@pytest.mark.parametrize(
    ("_case", "refund_status", "expected"), [("submitted", "submitted", True), ("rejected", "rejected", False)]
)
def test_void_label(_case, refund_status, expected, easypost, customer, returns_address, parcel):
    # given
    label = buy_label(easypost, customer, returns_address, parcel)
    easypost.refund_status = refund_status

    # when
    voided = carrier_for(easypost).void_label(label.label_id)

    # then
    assert voided is expected
    assert paths(easypost)[-1] == ("POST", f"/v2/shipments/{label.label_id}/refund")
    assert easypost.shipments[label.label_id]["refund_status"] == refund_status


def test_voiding_an_unknown_label_is_rejected(easypost):
    with pytest.raises(CarrierRejected) as error:
        carrier_for(easypost).void_label("shp_unknown")

    assert (error.value.message, error.value.status_code, error.value.code) == (
        "The requested resource could not be found.",
        404,
        "NOT_FOUND",
    )


# ------------------------------------------------------------------ trackers


def test_register_tracker_is_idempotent(easypost):
    carrier = carrier_for(easypost)

    first = carrier.register_tracker(tracking_number="1Z999AA10123456784", carrier="UPS")
    second = carrier.register_tracker(tracking_number="1Z999AA10123456784", carrier="UPS")

    assert first == second == easypost.tracker_for("1Z999AA10123456784", "UPS")["id"]
    assert [request.json for request in easypost.requests] == [
        {"tracker": {"tracking_code": "1Z999AA10123456784", "carrier": "UPS"}}
    ] * 2


# ------------------------------------------------------------------- pickups


def test_a_pickup_is_booked_at_the_customer(easypost, customer, returns_address, parcel):
    # given
    label = buy_label(easypost, customer, returns_address, parcel)
    window = (datetime(2026, 3, 3, 9, tzinfo=UTC), datetime(2026, 3, 3, 17, tzinfo=UTC))

    # when
    pickup = carrier_for(easypost).schedule_pickup(
        label=label,
        address=customer,
        min_datetime=window[0],
        max_datetime=window[1],
        instructions="Front porch",
        reference="RMA-000123",
    )

    # then
    create, buy = easypost.requests[-2:]
    assert (create.path, create.json) == (
        "/v2/pickups",
        {
            "pickup": {
                "address": customer.as_dict(),
                "shipment": {"id": label.shipment_id},
                "reference": "RMA-000123",
                "min_datetime": "2026-03-03T09:00:00+00:00",
                "max_datetime": "2026-03-03T17:00:00+00:00",
                "is_account_address": False,
                "instructions": "Front porch",
            }
        },
    )
    booked = easypost.pickups[pickup.pickup_id]
    assert (buy.path, buy.json) == (f"/v2/pickups/{booked['id']}/buy", {"carrier": "USPS", "service": "NextDay"})
    assert pickup == Pickup(
        provider="easypost",
        pickup_id=booked["id"],
        confirmation=booked["confirmation"],
        carrier="USPS",
        service="NextDay",
        cost=money("0.00", "USD"),
        min_datetime=window[0],
        max_datetime=window[1],
    )
    assert booked["status"] == "scheduled"


def test_no_pickup_for_the_labels_carrier_is_rejected(easypost, customer, returns_address, parcel):
    # given
    label = buy_label(easypost, customer, returns_address, parcel, carrier="UPS")
    easypost.pickup_rates = [rate for rate in easypost.pickup_rates if rate["carrier"] != "UPS"]
    try:
        # when
        with pytest.raises(CarrierRejected) as error:
            carrier_for(easypost).schedule_pickup(
                label=label,
                address=customer,
                min_datetime=datetime(2026, 3, 3, 9, tzinfo=UTC),
                max_datetime=datetime(2026, 3, 3, 17, tzinfo=UTC),
            )
    finally:
        easypost.pickup_rates = FakeEasyPost().pickup_rates

    # then
    assert error.value.message == "No UPS pickup is available in that window."
    assert paths(easypost)[-1] == ("POST", "/v2/pickups")


# -------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("_case", "fault", "error_class", "message", "status_code", "code"),
    [
        ("proxy 502 page", {"status": 502}, CarrierUnavailable, "EasyPost answered HTTP 502.", 502, None),
        (
            "503",
            {"status": 503, "message": "Service Unavailable"},
            CarrierUnavailable,
            "EasyPost answered HTTP 503.",
            503,
            None,
        ),
        (
            "rate limited",
            {"status": 429, "message": "Too many requests"},
            CarrierUnavailable,
            "EasyPost answered HTTP 429.",
            429,
            None,
        ),
        (
            "validation error",
            {"status": 422, "message": "Address not found"},
            CarrierRejected,
            "Address not found",
            422,
            "BAD_REQUEST",
        ),
        (
            "payment required",
            {"status": 402, "message": "Insufficient funds."},
            CarrierRejected,
            "Insufficient funds.",
            402,
            "BAD_REQUEST",
        ),
    ],
)
def test_http_errors_are_mapped(
    _case, fault, error_class, message, status_code, code, easypost, customer, returns_address, parcel
):
    # given
    easypost.fail_next(**fault)

    # when
    with pytest.raises(error_class) as error:
        buy_label(easypost, customer, returns_address, parcel)

    # then
    assert type(error.value) is error_class
    assert (error.value.message, error.value.status_code, error.value.code) == (message, status_code, code)
    assert paths(easypost) == [("POST", "/v2/shipments")]


def test_retry_after_is_passed_on(easypost):
    easypost.fail_next(status=429, message="Slow down", retry_after=30)

    with pytest.raises(CarrierUnavailable) as error:
        carrier_for(easypost).register_tracker(tracking_number="EZ1000000001", carrier="USPS")

    assert error.value.retry_after == 30.0


def test_a_wrong_api_key_is_rejected(easypost):
    with pytest.raises(CarrierRejected) as error:
        carrier_for(easypost, api_key="EZTK_wrong").register_tracker(tracking_number="EZ1000000001", carrier="USPS")

    assert (error.value.message, error.value.status_code, error.value.code) == (
        "Authentication failed.",
        401,
        "APIKEY.INACTIVE",
    )


def test_a_timeout_is_unavailable(easypost):
    easypost.delay_next(seconds=0.5)

    with pytest.raises(CarrierUnavailable) as error:
        carrier_for(easypost, timeout=0.1).register_tracker(tracking_number="EZ1000000001", carrier="USPS")

    assert error.value.message == "EasyPost did not answer in time."


def test_an_unreachable_api_is_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    carrier = get_carrier(
        "easypost", {"api_key": "key", "base_url": f"http://127.0.0.1:{closed_port}/v2", "timeout": 1.0}
    )

    with pytest.raises(CarrierUnavailable) as error:
        carrier.register_tracker(tracking_number="EZ1000000001", carrier="USPS")

    assert error.value.message == "Cannot reach EasyPost."
