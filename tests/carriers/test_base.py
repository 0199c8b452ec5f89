"""The carrier-neutral types and the rules for applying tracking updates (spec §9)."""

import itertools
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from saleor_returns.carriers.base import Credentials
from saleor_returns.carriers.shipments import LengthUnit, Parcel, WeightUnit
from saleor_returns.carriers.tracking import (
    TERMINAL_STATUSES,
    TrackingEvent,
    TrackingStatus,
    is_progress,
    is_terminal,
    next_status,
    phase,
)
from tests.carriers.conftest import apply_all

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)
T3 = T0 + timedelta(hours=3)

S = TrackingStatus


def event(status, at, *, completed=False, event_id=None):
    return TrackingEvent(
        provider="generic",
        event_id=event_id or f"{status.value}@{at.isoformat()}",
        tracking_number="JJD0003900071",
        carrier="dhl_de",
        status=status,
        provider_status=status.value,
        occurred_at=at,
        completed=completed,
    )


def test_statuses_are_the_normalized_set_of_the_spec():
    assert [status.value for status in TrackingStatus] == [
        "label_created",
        "in_transit",
        "out_for_delivery",
        "available_for_pickup",
        "delivered",
        "exception",
        "returned_to_sender",
        "lost",
        "cancelled",
        "expired",
        "unknown",
    ]
    assert TERMINAL_STATUSES == {S.DELIVERED, S.LOST, S.CANCELLED}


@pytest.mark.parametrize(
    ("_case", "status", "completed", "expected"),
    [
        ("delivered", S.DELIVERED, False, True),
        ("lost", S.LOST, False, True),
        ("cancelled", S.CANCELLED, False, True),
        ("returning to the customer", S.RETURNED_TO_SENDER, False, False),
        ("back with the customer", S.RETURNED_TO_SENDER, True, True),
        ("expired is only soft-terminal", S.EXPIRED, False, False),
        ("exception", S.EXCEPTION, False, False),
        ("unknown", S.UNKNOWN, False, False),
    ],
)
def test_terminal_statuses(_case, status, completed, expected):
    assert is_terminal(status, completed=completed) is expected
    assert (phase(status, completed=completed) == 3) is expected


@pytest.mark.parametrize(
    ("_case", "old", "new", "expected"),
    [
        ("label scanned", S.LABEL_CREATED, S.IN_TRANSIT, True),
        ("exception resolved", S.EXCEPTION, S.IN_TRANSIT, True),
        ("failed delivery back to the depot", S.OUT_FOR_DELIVERY, S.IN_TRANSIT, True),
        ("delivered", S.OUT_FOR_DELIVERY, S.DELIVERED, True),
        ("carrier corrects lost to delivered", S.LOST, S.DELIVERED, True),
        ("nothing after delivered", S.DELIVERED, S.IN_TRANSIT, False),
        ("unknown says nothing new", S.IN_TRANSIT, S.UNKNOWN, False),
        ("label created cannot follow a scan", S.IN_TRANSIT, S.LABEL_CREATED, False),
        ("unknown gives way to anything", S.UNKNOWN, S.LABEL_CREATED, True),
    ],
)
def test_is_progress(_case, old, new, expected):
    assert is_progress(old, new) is expected


def test_is_progress_honours_completed_returns():
    assert is_progress(S.RETURNED_TO_SENDER, S.IN_TRANSIT) is True
    assert is_progress(S.RETURNED_TO_SENDER, S.IN_TRANSIT, old_completed=True) is False
    assert is_progress(S.RETURNED_TO_SENDER, S.RETURNED_TO_SENDER, new_completed=True) is True


@pytest.mark.parametrize(
    ("_case", "current", "current_completed", "last_event_at", "incoming", "expected"),
    [
        ("first event", None, False, None, event(S.IN_TRANSIT, T1), S.IN_TRANSIT),
        ("first event says nothing yet", None, False, None, event(S.UNKNOWN, T1), S.UNKNOWN),
        ("newer moves forward", S.LABEL_CREATED, False, T0, event(S.IN_TRANSIT, T1), S.IN_TRANSIT),
        ("older event is ignored", S.OUT_FOR_DELIVERY, False, T2, event(S.IN_TRANSIT, T1), None),
        ("older terminal event is ignored too", S.IN_TRANSIT, False, T2, event(S.DELIVERED, T1), None),
        ("redelivered event changes nothing", S.IN_TRANSIT, False, T1, event(S.IN_TRANSIT, T1), None),
        ("same time, higher phase applies", S.IN_TRANSIT, False, T1, event(S.DELIVERED, T1), S.DELIVERED),
        ("same time, same phase is unknowable", S.IN_TRANSIT, False, T1, event(S.EXCEPTION, T1), None),
        ("same status, newer time applies", S.IN_TRANSIT, False, T1, event(S.IN_TRANSIT, T2), S.IN_TRANSIT),
        ("newer within the phase", S.OUT_FOR_DELIVERY, False, T1, event(S.IN_TRANSIT, T2), S.IN_TRANSIT),
        ("exception resolves", S.EXCEPTION, False, T1, event(S.IN_TRANSIT, T2), S.IN_TRANSIT),
        ("unknown never replaces a status", S.IN_TRANSIT, False, T1, event(S.UNKNOWN, T2), None),
        ("label created never follows a scan", S.IN_TRANSIT, False, T1, event(S.LABEL_CREATED, T2), None),
        ("label created replaces unknown", S.UNKNOWN, False, T1, event(S.LABEL_CREATED, T2), S.LABEL_CREATED),
        ("delivered is final", S.DELIVERED, False, T1, event(S.IN_TRANSIT, T2), None),
        ("newer terminal corrects a terminal", S.LOST, False, T1, event(S.DELIVERED, T2), S.DELIVERED),
        ("voided label used anyway", S.CANCELLED, False, T1, event(S.DELIVERED, T2), S.DELIVERED),
        ("terminal at the same time is unknowable", S.DELIVERED, False, T1, event(S.LOST, T1), None),
        ("returning is not final", S.RETURNED_TO_SENDER, False, T1, event(S.IN_TRANSIT, T2), S.IN_TRANSIT),
        ("returned is final", S.RETURNED_TO_SENDER, True, T1, event(S.IN_TRANSIT, T2), None),
        (
            "returning becomes returned",
            S.RETURNED_TO_SENDER,
            False,
            T1,
            event(S.RETURNED_TO_SENDER, T1, completed=True),
            S.RETURNED_TO_SENDER,
        ),
        ("expired gives way to a newer scan", S.EXPIRED, False, T1, event(S.IN_TRANSIT, T2), S.IN_TRANSIT),
        ("unused label expires", S.LABEL_CREATED, False, T1, event(S.EXPIRED, T1), S.EXPIRED),
    ],
)
def test_next_status(_case, current, current_completed, last_event_at, incoming, expected):
    assert next_status(current, incoming, last_event_at, current_completed=current_completed) is expected


def test_the_same_event_twice_changes_the_state_once():
    # given
    accepted = event(S.IN_TRANSIT, T1, event_id="evt_accepted")

    # when
    status, _, last_event_at, applied = apply_all([accepted, accepted], status=S.LABEL_CREATED, last_event_at=T0)

    # then
    assert (status, last_event_at, applied) == (S.IN_TRANSIT, T1, ["evt_accepted"])


def test_events_in_reverse_order_end_in_the_newest_state():
    # given
    journey = [
        event(S.LABEL_CREATED, T0),
        event(S.IN_TRANSIT, T1),
        event(S.OUT_FOR_DELIVERY, T2),
        event(S.DELIVERED, T3),
    ]

    # when
    status, _, last_event_at, applied = apply_all(reversed(journey))

    # then
    assert (status, last_event_at) == (S.DELIVERED, T3)
    assert applied == [journey[-1].event_id]


def test_every_delivery_order_ends_in_the_newest_state():
    journey = [event(S.LABEL_CREATED, T0), event(S.IN_TRANSIT, T1), event(S.EXCEPTION, T2), event(S.IN_TRANSIT, T3)]

    outcomes = {apply_all(order)[:3] for order in itertools.permutations(journey)}

    assert outcomes == {(S.IN_TRANSIT, False, T3)}


def test_tracking_events_need_an_aware_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        event(S.IN_TRANSIT, datetime(2026, 3, 2, 9, 40))


@pytest.mark.parametrize(
    ("_case", "parcel", "unit", "expected"),
    [
        ("grams to ounces", Parcel(weight=Decimal("28.349523125")), WeightUnit.OUNCE, Decimal("1")),
        (
            "ounces to grams",
            Parcel(weight=Decimal("2"), weight_unit=WeightUnit.OUNCE),
            WeightUnit.GRAM,
            Decimal("56.69904625"),
        ),
        ("same unit", Parcel(weight=Decimal("500")), WeightUnit.GRAM, Decimal("500")),
    ],
)
def test_parcel_weight_conversion_is_exact(_case, parcel, unit, expected):
    assert parcel.weight_in(unit) == expected


def test_parcel_dimension_conversion_is_exact():
    parcel = Parcel(
        weight=Decimal("1"), length=Decimal("10"), width=Decimal("5"), height=Decimal("1"), length_unit=LengthUnit.INCH
    )

    assert parcel.dimensions_in(LengthUnit.CENTIMETER) == (Decimal("25.40"), Decimal("12.70"), Decimal("2.54"))
    assert Parcel(weight=Decimal("1")).dimensions_in(LengthUnit.INCH) is None


@pytest.mark.parametrize(
    ("_case", "kwargs", "error", "match"),
    [
        ("float weight", {"weight": 1.5}, TypeError, "never float"),
        ("no weight", {"weight": Decimal("0")}, ValueError, "more than nothing"),
        (
            "two of three dimensions",
            {"weight": Decimal("1"), "length": Decimal("1"), "width": Decimal("1")},
            ValueError,
            "all three",
        ),
        (
            "negative dimension",
            {"weight": Decimal("1"), "length": Decimal("1"), "width": Decimal("1"), "height": Decimal("-1")},
            ValueError,
            "positive",
        ),
    ],
)
def test_invalid_parcels_are_refused(_case, kwargs, error, match):
    with pytest.raises(error, match=match):
        Parcel(**kwargs)


def test_addresses_keep_personal_data_out_of_reprs(customer):
    assert repr(customer) == "Address(country='US')"


def test_credentials_from_a_dict_keep_secrets_out_of_reprs():
    credentials = Credentials.coerce(
        {"api_key": "key_123", "webhook_secret": "whsec", "base_url": "http://127.0.0.1:1"}
    )

    assert credentials.api_key == "key_123"
    assert "key_123" not in repr(credentials)
    assert "whsec" not in repr(credentials)


def test_credentials_refuse_unknown_fields():
    with pytest.raises(ValueError, match="Unknown credential fields: apikey."):
        Credentials.coerce({"apikey": "key_123"})
