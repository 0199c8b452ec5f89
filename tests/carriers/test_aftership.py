"""AfterShip adapter against FakeAfterShip: tracking registration and signed tracking webhooks."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from saleor_returns.carriers.aftership import map_status, signature
from saleor_returns.carriers.errors import (
    CarrierRejected,
    CarrierUnavailable,
    NotSupported,
    WebhookPayloadError,
    WebhookSignatureError,
)
from saleor_returns.carriers.registry import get_carrier
from saleor_returns.carriers.tracking import Location, MappedStatus, TrackingEvent, TrackingStatus
from saleor_returns.fakes.carriers.aftership import FakeAfterShip, aftership_signature

SECRET = "as_secret"
S = TrackingStatus
UTC = timezone.utc
VECTOR_BODY = b'{"event":"tracking_update","event_id":"3f645f5e-530b-4062-8695-db6a64420af8"}'
VECTOR_SIGNATURE = "5N6U8qoGzItW7yNR1NXUAa/bT/6xzfVuZXb6EB4ic1o="

# The tracking_update delivery of spec §3.3, verbatim.
SPEC_EVENT = {
    "ts": 1772446500,
    "event": "tracking_update",
    "event_id": "6b1e7c2a-3d4f-4a5b-8c9d-0e1f2a3b4c5d",
    "is_tracking_first_tag": True,
    "msg": {
        "id": "a1b2c3d4e5f6a7b8c9d0e1f2",
        "tracking_number": "1Z999AA10123456784",
        "slug": "ups",
        "tag": "Exception",
        "subtag": "Exception_010",
        "subtag_message": "Returning to sender",
        "return_to_sender": True,
        "order_id": "RMA-1001",
        "updated_at": "2026-03-02T10:14:59+00:00",
        "checkpoints": [
            {
                "checkpoint_time": "2026-03-02T09:40:00-06:00",
                "tag": "Exception",
                "subtag": "Exception_010",
                "subtag_message": "Returning to sender",
                "message": "Returned to shipper",
                "city": "Houston",
                "state": "TX",
                "slug": "ups",
            }
        ],
    },
}
SPEC_EVENT_TS = datetime.fromtimestamp(1772446500, tz=UTC)


@pytest.fixture(scope="module")
def aftership_server():
    with FakeAfterShip(webhook_secret=SECRET) as fake:
        yield fake


@pytest.fixture
def aftership(aftership_server):
    aftership_server.reset()
    return aftership_server


def carrier_for(fake=None, *, api_key=None, **options):
    credentials = {"webhook_secret": SECRET, "options": options}
    if fake is not None:
        credentials.update(api_key=fake.api_key if api_key is None else api_key, base_url=fake.base_url)
    return get_carrier("aftership", credentials)


def with_msg(**fields):
    return json.dumps({**SPEC_EVENT, "msg": {**SPEC_EVENT["msg"], **fields}}).encode()


# ---------------------------------------------------------------- signatures


def test_signature_matches_the_spec_vector():
    assert signature(SECRET, VECTOR_BODY) == VECTOR_SIGNATURE
    assert aftership_signature(SECRET, VECTOR_BODY) == VECTOR_SIGNATURE


@pytest.mark.parametrize("header", ["aftership-hmac-sha256", "Aftership-Hmac-Sha256"])
def test_valid_signature_is_accepted(header):
    carrier_for(max_event_age=None).verify_webhook({header: VECTOR_SIGNATURE}, VECTOR_BODY)


@pytest.mark.parametrize(
    ("_case", "headers", "body", "message"),
    [
        (
            "body altered by one byte",
            {"aftership-hmac-sha256": VECTOR_SIGNATURE},
            VECTOR_BODY.replace(b"3f64", b"3f65"),
            "Invalid signature.",
        ),
        ("wrong secret", {"aftership-hmac-sha256": signature("other", VECTOR_BODY)}, VECTOR_BODY, "Invalid signature."),
        ("header missing", {}, VECTOR_BODY, "Missing aftership-hmac-sha256 header."),
        (
            "hex instead of base64",
            {"aftership-hmac-sha256": "e4de94f2aa06cc8b56ef2351d4d5d401afdb4ffeb1cdf56e6576fa101e22735a"},
            VECTOR_BODY,
            "Invalid signature.",
        ),
        (
            "another AfterShip product's header",
            {"as-signature-hmac-sha256": VECTOR_SIGNATURE},
            VECTOR_BODY,
            "Missing aftership-hmac-sha256 header.",
        ),
    ],
)
def test_unverifiable_requests_are_refused(_case, headers, body, message):
    with pytest.raises(WebhookSignatureError) as error:
        carrier_for(max_event_age=None).verify_webhook(headers, body)

    assert error.value.message == message


def test_a_replayed_old_event_is_refused(aftership):
    headers, body = aftership.signed_webhook(SPEC_EVENT)

    with pytest.raises(WebhookSignatureError) as error:
        carrier_for().verify_webhook(headers, body, now=SPEC_EVENT_TS + timedelta(days=7, seconds=1))

    assert error.value.message == "Event is older than the replay window."


def test_a_late_retry_within_the_window_is_accepted(aftership):
    headers, body = aftership.signed_webhook(SPEC_EVENT)

    carrier_for().verify_webhook(headers, body, now=SPEC_EVENT_TS + timedelta(days=6))


def test_the_age_check_needs_ts():
    with pytest.raises(WebhookPayloadError) as error:
        carrier_for().verify_webhook({"aftership-hmac-sha256": VECTOR_SIGNATURE}, VECTOR_BODY)

    assert error.value.message == "ts is missing."


def test_without_a_configured_secret_nothing_is_accepted():
    carrier = get_carrier("aftership", {"api_key": "key"})

    with pytest.raises(WebhookSignatureError) as error:
        carrier.verify_webhook({"aftership-hmac-sha256": VECTOR_SIGNATURE}, VECTOR_BODY)

    assert error.value.message == "No AfterShip webhook secret is configured."


# ------------------------------------------------------------------- parsing


def test_the_spec_example_parses_to_one_event():
    events = carrier_for().parse_webhook(json.dumps(SPEC_EVENT).encode())

    assert events == [
        TrackingEvent(
            provider="aftership",
            event_id="6b1e7c2a-3d4f-4a5b-8c9d-0e1f2a3b4c5d",
            tracking_number="1Z999AA10123456784",
            carrier="ups",
            status=S.RETURNED_TO_SENDER,
            provider_status="Exception",
            occurred_at=datetime(2026, 3, 2, 15, 40, tzinfo=UTC),
            detail_code="Exception_010",
            action_required=False,
            completed=False,
            message="Returned to shipper",
            location=Location(city="Houston", state="TX"),
            tracker_id="a1b2c3d4e5f6a7b8c9d0e1f2",
        )
    ]
    assert events[0].raw == SPEC_EVENT


def test_the_newest_checkpoint_gives_the_event_time(aftership):
    # given
    aftership.tracking_event(
        "1ZNEWEST", tag="InTransit", subtag="InTransit_002", checkpoint_time=datetime(2026, 3, 1, 8, tzinfo=UTC)
    )
    envelope = aftership.tracking_event(
        "1ZNEWEST",
        tag="OutForDelivery",
        subtag="OutForDelivery_001",
        checkpoint_time=datetime(2026, 3, 2, 7, 30, tzinfo=timezone(timedelta(hours=-5))),
        message="Out for delivery",
        location={"city": "Austin", "state": "TX", "postal_code": "78701", "country_region": "USA"},
    )
    envelope["msg"]["checkpoints"].reverse()

    # when
    [event] = carrier_for().parse_webhook(json.dumps(envelope).encode())

    # then
    assert (event.status, event.occurred_at, event.message, event.location) == (
        S.OUT_FOR_DELIVERY,
        datetime(2026, 3, 2, 12, 30, tzinfo=UTC),
        "Out for delivery",
        Location(city="Austin", state="TX", postal_code="78701", country="USA"),
    )


@pytest.mark.parametrize(
    ("_case", "checkpoints", "updated_at", "expected"),
    [
        ("no checkpoint: updated_at", [], "2026-03-02T10:14:59+00:00", datetime(2026, 3, 2, 10, 14, 59, tzinfo=UTC)),
        (
            "checkpoint without offset: updated_at",
            [{"checkpoint_time": "2026-03-02T09:40:00", "tag": "InTransit"}],
            "2026-03-02T10:14:59+00:00",
            datetime(2026, 3, 2, 10, 14, 59, tzinfo=UTC),
        ),
        ("nothing else: ts", [], None, SPEC_EVENT_TS),
    ],
)
def test_fallback_event_times(_case, checkpoints, updated_at, expected):
    [event] = carrier_for().parse_webhook(with_msg(checkpoints=checkpoints, updated_at=updated_at))

    assert event.occurred_at == expected


def test_the_tag_is_taken_from_the_subtag_when_missing():
    [event] = carrier_for().parse_webhook(with_msg(tag=None, subtag="Delivered_005"))

    assert (event.status, event.provider_status, event.detail_code) == (S.DELIVERED, "Delivered", "Delivered_005")


@pytest.mark.parametrize("event", ["edd_revise", "tracking_pending_time", "something_new"])
def test_other_events_are_ignored(event):
    assert carrier_for().parse_webhook(json.dumps({**SPEC_EVENT, "event": event}).encode()) == []


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        ("not JSON", b"event=tracking_update", "Body is not JSON."),
        ("no event id", json.dumps({**SPEC_EVENT, "event_id": None}).encode(), "webhook.event_id is missing."),
        ("no msg", json.dumps({**SPEC_EVENT, "msg": []}).encode(), "webhook.msg is missing."),
        ("no tag", with_msg(tag=None, subtag=None), "msg.tag is missing."),
        ("no tracking number", with_msg(tracking_number=None), "msg.tracking_number is missing."),
        ("no slug", with_msg(slug=""), "msg.slug is missing."),
        (
            "no time",
            json.dumps(
                {**SPEC_EVENT, "ts": None, "msg": {**SPEC_EVENT["msg"], "checkpoints": [], "updated_at": None}}
            ).encode(),
            "msg has no time.",
        ),
    ],
)
def test_bad_payloads_are_refused(_case, body, message):
    with pytest.raises(WebhookPayloadError) as error:
        carrier_for().parse_webhook(body)

    assert error.value.message == message


@pytest.mark.parametrize(
    ("_case", "tag", "subtag", "expected", "completed"),
    [
        ("pending", "Pending", "Pending_001", S.UNKNOWN, False),
        ("info received", "InfoReceived", "InfoReceived_001", S.LABEL_CREATED, False),
        ("in transit", "InTransit", "InTransit_002", S.IN_TRANSIT, False),
        ("out for delivery", "OutForDelivery", "OutForDelivery_001", S.OUT_FOR_DELIVERY, False),
        ("available for pickup", "AvailableForPickup", "AvailableForPickup_001", S.AVAILABLE_FOR_PICKUP, False),
        ("attempt failed", "AttemptFail", "AttemptFail_002", S.EXCEPTION, False),
        ("delivered", "Delivered", "Delivered_001", S.DELIVERED, False),
        ("returning to sender", "Exception", "Exception_010", S.RETURNED_TO_SENDER, False),
        ("returned to sender", "Exception", "Exception_011", S.RETURNED_TO_SENDER, True),
        ("lost", "Exception", "Exception_013", S.LOST, False),
        ("damaged", "Exception", "Exception_012", S.EXCEPTION, False),
        ("refused", "Exception", "Exception_003", S.EXCEPTION, False),
        ("expired", "Expired", "Expired_001", S.EXPIRED, False),
        ("newer pending subtag by its tag", "Pending", "Pending_006", S.UNKNOWN, False),
        ("newer exception subtag by its tag", "Exception", "Exception_017", S.EXCEPTION, False),
        ("newer delivered subtag by its tag", "Delivered", "Delivered_005", S.DELIVERED, False),
        ("unknown tag", "Teleported", "Teleported_001", S.UNKNOWN, False),
    ],
)
def test_status_mapping_table(_case, tag, subtag, expected, completed):
    assert map_status(tag, subtag) == MappedStatus(expected, completed=completed)


def test_fake_deliveries_verify_and_parse(aftership):
    # given
    carrier = carrier_for()
    envelope = aftership.tracking_event(
        "1ZFAKE01", tag="Exception", subtag="Exception_011", message="Returned to shipper"
    )
    headers, body = aftership.signed_webhook(envelope)

    # when
    carrier.verify_webhook(headers, body)
    [event] = carrier.parse_webhook(body)

    # then
    assert (event.event_id, event.status, event.completed, event.is_terminal) == (
        envelope["event_id"],
        S.RETURNED_TO_SENDER,
        True,
        True,
    )


# ------------------------------------------------------------------ trackers


def test_register_tracker_creates_a_tracking(aftership):
    # when
    tracker_id = carrier_for(aftership).register_tracker(tracking_number="1Z999AA10123456784", carrier="ups")

    # then
    [request] = aftership.requests
    assert (request.method, request.path, request.headers["as-api-key"], request.json) == (
        "POST",
        "/tracking/2026-07/trackings",
        "asat_test_key",
        {"tracking_number": "1Z999AA10123456784", "slug": "ups"},
    )
    assert tracker_id == aftership.tracking_for("1Z999AA10123456784", "ups")["id"]


def test_registering_twice_returns_the_existing_tracking(aftership):
    # given
    carrier = carrier_for(aftership)
    first = carrier.register_tracker(tracking_number="1ZTWICE", carrier="ups")

    # when
    second = carrier.register_tracker(tracking_number="1ZTWICE", carrier="ups")

    # then
    assert second == first
    assert [(request.method, request.status, request.query) for request in aftership.requests] == [
        ("POST", 201, {}),
        ("POST", 400, {}),
        ("GET", 200, {"tracking_numbers": "1ZTWICE", "slug": "ups"}),
    ]


def test_the_api_version_is_an_option(aftership):
    carrier_for(aftership, api_version="2025-04").register_tracker(tracking_number="1ZVERSION", carrier="ups")

    assert aftership.requests[0].path == "/tracking/2025-04/trackings"


def test_labels_and_pickups_are_not_supported(customer, returns_address, parcel):
    carrier = carrier_for()

    with pytest.raises(NotSupported):
        carrier.create_return_label(
            from_address=customer, to_address=returns_address, parcel=parcel, reference="RMA-1", idempotency_key="k"
        )
    with pytest.raises(NotSupported):
        carrier.void_label("x")


# -------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("_case", "fault", "error_class", "message", "status_code", "code"),
    [
        ("proxy 504 page", {"status": 504}, CarrierUnavailable, "AfterShip answered HTTP 504.", 504, None),
        (
            "rate limited",
            {"status": 429, "message": "Too many requests."},
            CarrierUnavailable,
            "AfterShip answered HTTP 429.",
            429,
            None,
        ),
        (
            "invalid number",
            {"status": 400, "message": "Tracking number is invalid."},
            CarrierRejected,
            "Tracking number is invalid.",
            400,
            "400",
        ),
    ],
)
def test_http_errors_are_mapped(_case, fault, error_class, message, status_code, code, aftership):
    aftership.fail_next(**fault)

    with pytest.raises(error_class) as error:
        carrier_for(aftership).register_tracker(tracking_number="1ZERROR", carrier="ups")

    assert type(error.value) is error_class
    assert (error.value.message, error.value.status_code, error.value.code) == (message, status_code, code)


def test_a_wrong_api_key_is_rejected(aftership):
    with pytest.raises(CarrierRejected) as error:
        carrier_for(aftership, api_key="wrong").register_tracker(tracking_number="1ZKEY", carrier="ups")

    assert (error.value.message, error.value.status_code, error.value.code) == ("Authentication failed.", 401, "401")
