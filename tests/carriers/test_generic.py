"""The generic signed JSON webhook: signature, replay window and the documented event shape."""

import json
import logging
from datetime import datetime, timedelta, timezone

import pytest
from django.http.request import HttpHeaders

from saleor_returns.carriers.errors import NotSupported, WebhookPayloadError, WebhookSignatureError
from saleor_returns.carriers.generic import signature
from saleor_returns.carriers.registry import get_carrier
from saleor_returns.carriers.tracking import Location, TrackingEvent, TrackingStatus
from saleor_returns.fakes.carriers.generic import GenericWebhookSender, generic_signature

SECRET = "generic_secret"
S = TrackingStatus
UTC = timezone.utc
SIGNED_AT = 1772446500
NOW = datetime.fromtimestamp(SIGNED_AT + 5, tz=UTC)

# The example of the module docstring.
DOCUMENTED_EVENT = {
    "id": "evt_7f3a2c",
    "type": "tracking.updated",
    "occurred_at": "2026-03-02T09:40:00Z",
    "tracking_number": "JJD0003900071",
    "carrier": "dhl_de",
    "status": "in_transit",
    "completed": False,
    "carrier_status": "ARRIVED_AT_HUB",
    "detail_code": "hub_scan",
    "action_required": False,
    "message": "Arrived at the hub",
    "location": {"city": "Leipzig", "state": "", "postal_code": "04159", "country": "DE"},
    "estimated_delivery": "2026-03-05T00:00:00Z",
}
BODY = json.dumps(DOCUMENTED_EVENT).encode()


@pytest.fixture
def sender():
    return GenericWebhookSender(SECRET)


def carrier_for(**options):
    return get_carrier("generic", {"webhook_secret": SECRET, "options": options})


def test_adapter_and_sender_sign_alike():
    expected = generic_signature(SECRET, BODY, SIGNED_AT)

    assert signature(SECRET, BODY, str(SIGNED_AT)) == expected
    assert expected.startswith("sha256=") and len(expected) == len("sha256=") + 64


def test_a_signed_delivery_is_accepted(sender):
    headers, body = sender.signed_webhook(DOCUMENTED_EVENT, timestamp=SIGNED_AT)

    carrier_for().verify_webhook(headers, body, now=NOW)


@pytest.mark.parametrize("as_django_sees_them", [False, True])
def test_header_names_are_matched_whatever_their_case(sender, as_django_sees_them):
    headers, body = sender.signed_webhook(DOCUMENTED_EVENT, timestamp=SIGNED_AT)
    headers = {name.upper() if index % 2 else name.lower(): value for index, (name, value) in enumerate(headers.items())}
    if as_django_sees_them:
        # request.headers: built from the WSGI environ, looked up case-insensitively.
        headers = HttpHeaders({"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()})

    carrier_for().verify_webhook(headers, body, now=NOW)
    tampered = {**headers, "x-returns-timestamp": str(SIGNED_AT + 1)}
    with pytest.raises(WebhookSignatureError, match="Invalid signature"):
        carrier_for().verify_webhook(tampered, body, now=NOW)


def test_a_fresh_delivery_is_accepted_with_the_real_clock(sender):
    headers, body = sender.signed_webhook(DOCUMENTED_EVENT)

    carrier_for().verify_webhook(headers, body)


def test_during_rotation_one_valid_signature_is_enough():
    old, new = generic_signature("old_secret", BODY, SIGNED_AT), generic_signature(SECRET, BODY, SIGNED_AT)
    headers = {"X-Returns-Timestamp": str(SIGNED_AT), "X-Returns-Signature": f"{old}, {new}"}

    carrier_for().verify_webhook(headers, BODY, now=NOW)


def signed(timestamp=SIGNED_AT, secret=SECRET, body=BODY):
    return {"X-Returns-Timestamp": str(timestamp), "X-Returns-Signature": generic_signature(secret, body, timestamp)}


@pytest.mark.parametrize(
    ("_case", "headers", "body", "now", "message"),
    [
        ("body altered by one byte", signed(), BODY.replace(b"hub", b"hug"), NOW, "Invalid signature."),
        ("wrong secret", signed(secret="other"), BODY, NOW, "Invalid signature."),
        (
            "timestamp changed after signing",
            {**signed(), "X-Returns-Timestamp": str(SIGNED_AT + 1)},
            BODY,
            NOW,
            "Invalid signature.",
        ),
        (
            "another hash",
            {**signed(), "X-Returns-Signature": signed()["X-Returns-Signature"].replace("sha256=", "sha1=")},
            BODY,
            NOW,
            "Invalid signature.",
        ),
        (
            "signature missing",
            {"X-Returns-Timestamp": str(SIGNED_AT)},
            BODY,
            NOW,
            "Missing X-Returns-Signature header.",
        ),
        (
            "timestamp missing",
            {"X-Returns-Signature": signed()["X-Returns-Signature"]},
            BODY,
            NOW,
            "Missing X-Returns-Timestamp header.",
        ),
        (
            "timestamp not a number",
            {**signed(), "X-Returns-Timestamp": "2026-03-02"},
            BODY,
            NOW,
            "Malformed timestamp.",
        ),
        (
            "older than five minutes",
            signed(),
            BODY,
            datetime.fromtimestamp(SIGNED_AT + 301, tz=UTC),
            "Timestamp outside the tolerance.",
        ),
        (
            "more than five minutes ahead",
            signed(),
            BODY,
            datetime.fromtimestamp(SIGNED_AT - 301, tz=UTC),
            "Timestamp outside the tolerance.",
        ),
    ],
)
def test_unverifiable_requests_are_refused(_case, headers, body, now, message):
    with pytest.raises(WebhookSignatureError) as error:
        carrier_for().verify_webhook(headers, body, now=now)

    assert error.value.message == message


def test_exactly_five_minutes_old_is_still_accepted():
    carrier_for().verify_webhook(signed(), BODY, now=datetime.fromtimestamp(SIGNED_AT + 300, tz=UTC))


def test_without_a_configured_secret_nothing_is_accepted():
    with pytest.raises(WebhookSignatureError) as error:
        get_carrier("generic", {}).verify_webhook(signed(), BODY, now=NOW)

    assert error.value.message == "No webhook secret is configured."


def test_the_documented_event_parses_to_one_event():
    events = carrier_for().parse_webhook(BODY)

    assert events == [
        TrackingEvent(
            provider="generic",
            event_id="evt_7f3a2c",
            tracking_number="JJD0003900071",
            carrier="dhl_de",
            status=S.IN_TRANSIT,
            provider_status="ARRIVED_AT_HUB",
            occurred_at=datetime(2026, 3, 2, 9, 40, tzinfo=UTC),
            detail_code="hub_scan",
            action_required=False,
            completed=False,
            message="Arrived at the hub",
            location=Location(city="Leipzig", postal_code="04159", country="DE"),
            estimated_delivery=datetime(2026, 3, 5, tzinfo=UTC),
        )
    ]
    assert events[0].raw == DOCUMENTED_EVENT


def test_a_minimal_event_parses(sender):
    event = sender.event(
        "JJD0003900071", status="delivered", occurred_at=datetime(2026, 3, 4, 13, 2, tzinfo=UTC), event_id="evt_min"
    )

    [parsed] = carrier_for().parse_webhook(json.dumps(event).encode())

    assert parsed == TrackingEvent(
        provider="generic",
        event_id="evt_min",
        tracking_number="JJD0003900071",
        carrier="dhl_de",
        status=S.DELIVERED,
        provider_status="delivered",
        occurred_at=datetime(2026, 3, 4, 13, 2, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("_case", "status", "completed", "expected"),
    [
        ("returning", "returned_to_sender", False, False),
        ("returned", "returned_to_sender", True, True),
        ("ignored elsewhere", "in_transit", True, False),
    ],
)
def test_completed_only_means_something_for_returns_to_sender(_case, status, completed, expected, sender):
    event = sender.event("JJD1", status=status, occurred_at=datetime(2026, 3, 4, tzinfo=UTC), completed=completed)

    [parsed] = carrier_for().parse_webhook(json.dumps(event).encode())

    assert parsed.completed is expected


def test_an_unknown_status_is_kept_as_unknown_and_logged(sender, caplog):
    event = sender.event("JJD1", status="beamed_up", occurred_at=datetime(2026, 3, 4, tzinfo=UTC))

    with caplog.at_level(logging.WARNING, logger="saleor_returns.carriers.generic"):
        [parsed] = carrier_for().parse_webhook(json.dumps(event).encode())

    assert (parsed.status, parsed.provider_status) == (S.UNKNOWN, "beamed_up")
    assert [(record.getMessage(), record.provider_status) for record in caplog.records] == [
        ("Unmapped carrier status", "beamed_up")
    ]


def test_other_types_are_ignored():
    assert carrier_for().parse_webhook(json.dumps({**DOCUMENTED_EVENT, "type": "label.created"}).encode()) == []


@pytest.mark.parametrize(
    ("_case", "changes", "message"),
    [
        ("no id", {"id": None}, "event.id is missing."),
        ("no time", {"occurred_at": None}, "occurred_at is missing or has no offset."),
        ("time without offset", {"occurred_at": "2026-03-02T09:40:00"}, "occurred_at is missing or has no offset."),
        ("no status", {"status": ""}, "event.status is missing."),
        ("no tracking number", {"tracking_number": None}, "event.tracking_number is missing."),
        ("no carrier", {"carrier": None}, "event.carrier is missing."),
    ],
)
def test_bad_payloads_are_refused(_case, changes, message):
    with pytest.raises(WebhookPayloadError) as error:
        carrier_for().parse_webhook(json.dumps({**DOCUMENTED_EVENT, **changes}).encode())

    assert error.value.message == message


def test_nothing_is_called_back(customer, returns_address, parcel):
    carrier = carrier_for()

    with pytest.raises(NotSupported):
        carrier.register_tracker(tracking_number="JJD1", carrier="dhl_de")
    with pytest.raises(NotSupported):
        carrier.create_return_label(
            from_address=customer, to_address=returns_address, parcel=parcel, reference="RMA-1", idempotency_key="k"
        )


def test_the_tolerance_is_an_option():
    carrier_for(tolerance=timedelta(minutes=10)).verify_webhook(
        signed(), BODY, now=datetime.fromtimestamp(SIGNED_AT + 599, tz=UTC)
    )
