"""Tracking in the carrier-neutral vocabulary: statuses, events, and how updates apply.

The rules for applying tracking updates that arrive twice or out of order
(specs/carriers-and-payments.md §9.3) are the pure functions at the end of the
status section.

For a return the sender is the customer and the destination is the merchant's
returns address, so "returned to sender" means the return failed and the parcel
is going back to the customer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple


# ------------------------------------------------------------------------ statuses


class TrackingStatus(str, Enum):
    """Normalized status of a return shipment (spec §9.1)."""

    LABEL_CREATED = "label_created"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    # Held at a carrier location: the merchant must collect it.
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    DELIVERED = "delivered"
    # A problem needing attention while the parcel is still in the network.
    EXCEPTION = "exception"
    # Terminal only once `completed` (back with the customer); see TrackingEvent.
    RETURNED_TO_SENDER = "returned_to_sender"
    LOST = "lost"
    CANCELLED = "cancelled"
    # The aggregator stopped tracking without progress, typically an unused label.
    # Soft-terminal: any newer carrier event replaces it.
    EXPIRED = "expired"
    UNKNOWN = "unknown"


TERMINAL_STATUSES = frozenset({TrackingStatus.DELIVERED, TrackingStatus.LOST, TrackingStatus.CANCELLED})

# How far a parcel has got. A newer event may move within a phase (an exception
# resolves back to in transit, a failed delivery goes back to the depot) but never
# to a lower one: "unknown" says nothing new and "label created" cannot follow a
# carrier scan. Phase 3 is final; only a newer final event replaces it, because
# carriers do correct themselves (lost, then delivered).
_PHASES = {
    TrackingStatus.UNKNOWN: 0,
    TrackingStatus.LABEL_CREATED: 1,
    TrackingStatus.IN_TRANSIT: 2,
    TrackingStatus.OUT_FOR_DELIVERY: 2,
    TrackingStatus.AVAILABLE_FOR_PICKUP: 2,
    TrackingStatus.EXCEPTION: 2,
    TrackingStatus.RETURNED_TO_SENDER: 2,
    TrackingStatus.EXPIRED: 2,
    TrackingStatus.DELIVERED: 3,
    TrackingStatus.LOST: 3,
    TrackingStatus.CANCELLED: 3,
}
_FINAL_PHASE = 3


class MappedStatus(NamedTuple):
    """What an adapter's mapping table (spec §9.2) makes of a provider's status and sub-status."""

    status: TrackingStatus
    action_required: bool = False
    # RETURNED_TO_SENDER only: the parcel is back with the customer.
    completed: bool = False


def is_terminal(status: TrackingStatus, *, completed: bool = False) -> bool:
    """Delivered, lost, cancelled, or returned to sender once `completed` (spec §9.3.4)."""
    if status is TrackingStatus.RETURNED_TO_SENDER:
        return completed
    return status in TERMINAL_STATUSES


def phase(status: TrackingStatus, *, completed: bool = False) -> int:
    """0 unknown, 1 label created, 2 in the carrier's network, 3 terminal."""
    if is_terminal(status, completed=completed):
        return _FINAL_PHASE
    return _PHASES[status]


def is_progress(
    old: TrackingStatus,
    new: TrackingStatus,
    *,
    old_completed: bool = False,
    new_completed: bool = False,
) -> bool:
    """True when replacing `old` by `new` is not a step backwards.

    Moves within a phase count as progress (in transit ↔ exception ↔ out for
    delivery); a terminal status only gives way to another terminal one.
    """
    return phase(new, completed=new_completed) >= phase(old, completed=old_completed)


def next_status(
    current: TrackingStatus | None,
    event: TrackingEvent,
    last_event_at: datetime | None,
    *,
    current_completed: bool = False,
) -> TrackingStatus | None:
    """The status to store after `event`, or None to ignore the event (no change at all).

    `current` and `last_event_at` are what is stored: the status and the
    `occurred_at` of the last applied event (`current_completed` is the stored
    `completed` flag of a returned-to-sender status). When a status is returned the
    caller stores it with `event.occurred_at` and `event.completed`, even if it
    equals `current`: the newer time is what later events are compared with.

    Implements spec §9.3 after the caller's dedupe on (provider, event id):

    * an event older than the stored one is ignored;
    * an event never moves the shipment to a lower phase (see `is_progress`), so
      after a terminal status only a newer terminal status applies;
    * an event with the same time as the stored one applies only if it moves to a
      higher phase: with equal times the order is unknowable, and a redelivered
      event must change nothing.
    """
    if last_event_at is not None and event.occurred_at < last_event_at:
        return None
    if current is None:
        return event.status
    old_phase = phase(current, completed=current_completed)
    new_phase = phase(event.status, completed=event.completed)
    if new_phase < old_phase:
        return None
    if last_event_at is not None and event.occurred_at == last_event_at and new_phase == old_phase:
        return None
    return event.status


# -------------------------------------------------------------------------- events


@dataclass(frozen=True)
class Location:
    """Where a carrier scan happened (city level, as carriers report it)."""

    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""

    def __str__(self) -> str:
        return ", ".join(part for part in (self.city, self.state, self.postal_code, self.country) if part)


@dataclass(frozen=True)
class TrackingEvent:
    """One tracking update from a provider, already mapped to a `TrackingStatus`.

    `event_id` is the provider's id to deduplicate on together with `provider`
    (it repeats when the provider redelivers the same update). `occurred_at` is the
    provider's own event time (the carrier's scan time where there is one), the
    time `next_status` orders by. `completed` only matters for
    RETURNED_TO_SENDER: true once the parcel is back with the customer.
    """

    provider: str
    event_id: str
    tracking_number: str
    carrier: str
    status: TrackingStatus
    provider_status: str
    occurred_at: datetime
    detail_code: str | None = None
    action_required: bool = False
    completed: bool = False
    message: str = ""
    location: Location | None = None
    estimated_delivery: datetime | None = None
    # Join keys to what the app stored when it bought the label or registered the
    # tracker: the provider's tracker id and the `Label.label_id`, when sent.
    tracker_id: str | None = None
    label_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware.")

    @property
    def is_terminal(self) -> bool:
        return is_terminal(self.status, completed=self.completed)
