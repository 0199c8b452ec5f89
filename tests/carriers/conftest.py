"""Fixtures shared by the carrier adapter tests: addresses, a parcel, and event folding."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from saleor_returns.carriers.shipments import Address, Parcel
from saleor_returns.carriers.tracking import next_status

SCAN_TIME = datetime(2026, 3, 2, 9, 40, tzinfo=timezone.utc)


@pytest.fixture
def customer():
    """Where the return starts."""
    return Address(
        name="Ada Customer",
        street1="417 Montgomery St",
        street2="Floor 5",
        city="San Francisco",
        state="CA",
        zip="94104",
        country="US",
        phone="+14155550100",
        email="ada@example.com",
    )


@pytest.fixture
def returns_address():
    """The merchant's returns address, where the parcel goes."""
    return Address(
        name="Returns Desk",
        company="Example Shop",
        street1="100 Congress Ave",
        city="Austin",
        state="TX",
        zip="78701",
        country="US",
        phone="+15125550100",
    )


@pytest.fixture
def parcel():
    return Parcel(weight=Decimal("500"), length=Decimal("30"), width=Decimal("20"), height=Decimal("10"))


def apply_all(events, *, status=None, completed=False, last_event_at=None):
    """Fold events through `next_status` as the tracking task will: (status, completed, last time, applied ids)."""
    applied = []
    for event in events:
        new_status = next_status(status, event, last_event_at, current_completed=completed)
        if new_status is not None:
            status, completed, last_event_at = new_status, event.completed, event.occurred_at
            applied.append(event.event_id)
    return status, completed, last_event_at, applied
