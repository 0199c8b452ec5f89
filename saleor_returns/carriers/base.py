"""The carrier-neutral interface: tracking statuses and events, labels, errors, `Carrier`.

Every adapter turns its provider's API and webhooks into these types, so nothing
outside `carriers/` sees a provider's vocabulary. The rules for applying tracking
updates that arrive twice or out of order (specs/carriers-and-payments.md §9.3)
are the pure functions at the end of the status section.

For a return the sender is the customer and the destination is the merchant's
returns address, so "returned to sender" means the return failed and the parcel
is going back to the customer.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, NamedTuple

from saleor_returns.money import Money

__all__ = [
    "TERMINAL_STATUSES",
    "Address",
    "Carrier",
    "CarrierError",
    "CarrierRejected",
    "CarrierUnavailable",
    "Credentials",
    "Label",
    "LabelFormat",
    "LengthUnit",
    "Location",
    "MappedStatus",
    "NotSupported",
    "Parcel",
    "Pickup",
    "TrackingEvent",
    "TrackingStatus",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WeightUnit",
    "is_progress",
    "is_terminal",
    "next_status",
    "phase",
]


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


# -------------------------------------------------------------------------- labels


class LabelFormat(str, Enum):
    PDF = "PDF"
    PNG = "PNG"
    ZPL = "ZPL"


class WeightUnit(str, Enum):
    GRAM = "g"
    OUNCE = "oz"


class LengthUnit(str, Enum):
    CENTIMETER = "cm"
    INCH = "in"


GRAMS_PER_OUNCE = Decimal("28.349523125")
CENTIMETERS_PER_INCH = Decimal("2.54")


@dataclass(frozen=True)
class Address:
    """A postal address for a label request, in the field names EasyPost and Shippo share.

    Only the country shows in a repr: addresses are personal data and must not
    reach logs.
    """

    name: str = field(repr=False)
    street1: str = field(repr=False)
    city: str = field(repr=False)
    zip: str = field(repr=False)
    country: str  # ISO 3166-1 alpha-2
    company: str = field(default="", repr=False)
    street2: str = field(default="", repr=False)
    state: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    email: str = field(default="", repr=False)

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "company": self.company,
            "street1": self.street1,
            "street2": self.street2,
            "city": self.city,
            "state": self.state,
            "zip": self.zip,
            "country": self.country,
            "phone": self.phone,
            "email": self.email,
        }


@dataclass(frozen=True)
class Parcel:
    """Weight and, optionally, the three dimensions of one parcel; Decimal only.

    Adapters convert to the units their provider needs (EasyPost: ounces and inches).
    """

    weight: Decimal
    weight_unit: WeightUnit = WeightUnit.GRAM
    length: Decimal | None = None
    width: Decimal | None = None
    height: Decimal | None = None
    length_unit: LengthUnit = LengthUnit.CENTIMETER

    def __post_init__(self) -> None:
        values = (self.weight, self.length, self.width, self.height)
        if any(isinstance(value, float) for value in values):
            raise TypeError("Parcel measures are Decimal, never float.")
        if self.weight <= 0:
            raise ValueError("A parcel weighs more than nothing.")
        dimensions = (self.length, self.width, self.height)
        if any(value is None for value in dimensions) and any(value is not None for value in dimensions):
            raise ValueError("Give all three dimensions or none.")
        if any(value is not None and value <= 0 for value in dimensions):
            raise ValueError("Dimensions must be positive.")

    @property
    def has_dimensions(self) -> bool:
        return self.length is not None

    def weight_in(self, unit: WeightUnit) -> Decimal:
        if unit is self.weight_unit:
            return self.weight
        if unit is WeightUnit.OUNCE:
            return self.weight / GRAMS_PER_OUNCE
        return self.weight * GRAMS_PER_OUNCE

    def dimensions_in(self, unit: LengthUnit) -> tuple[Decimal, Decimal, Decimal] | None:
        if not self.has_dimensions:
            return None
        if unit is self.length_unit:
            factor = Decimal(1)
        elif unit is LengthUnit.INCH:
            factor = 1 / CENTIMETERS_PER_INCH
        else:
            factor = CENTIMETERS_PER_INCH
        return (self.length * factor, self.width * factor, self.height * factor)


@dataclass(frozen=True)
class Label:
    """A bought return label.

    `label_id` is what `void_label` takes (EasyPost: the shipment id; Shippo: the
    transaction id); `shipment_id` is what `create_return_label` resumes from.
    """

    provider: str
    label_id: str
    shipment_id: str
    tracking_number: str
    carrier: str
    service: str
    label_url: str
    label_format: LabelFormat
    cost: Money
    created_at: datetime
    qr_code_url: str | None = None
    tracker_id: str | None = None


@dataclass(frozen=True)
class Pickup:
    """A booked carrier pickup of a return parcel."""

    provider: str
    pickup_id: str
    confirmation: str
    carrier: str
    service: str
    cost: Money
    min_datetime: datetime
    max_datetime: datetime


# --------------------------------------------------------------------- credentials


@dataclass(frozen=True)
class Credentials:
    """What one adapter needs; stored (encrypted) by whoever calls `get_carrier`.

    Secrets stay out of reprs. `base_url` overrides the provider's API root (the
    test fakes use it); `options` are per adapter, each adapter lists its own and
    refuses unknown names, so a typo fails loudly.
    """

    api_key: str = field(default="", repr=False)
    webhook_secret: str = field(default="", repr=False)
    # Shippo only: the secret put in the webhook URL as `?token=`.
    webhook_token: str = field(default="", repr=False)
    base_url: str = ""
    timeout: float = 10.0
    connect_timeout: float = 5.0
    options: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def coerce(cls, value: Credentials | Mapping[str, Any]) -> Credentials:
        if isinstance(value, Credentials):
            return value
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"Unknown credential fields: {', '.join(unknown)}.")
        return cls(**dict(value))


# -------------------------------------------------------------------------- errors


class CarrierError(Exception):
    """Base of every failure in the carrier layer; `message` is safe to show and log."""

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status_code: int | None = None,
        code: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.code = code


class CarrierUnavailable(CarrierError):
    """Timeout, connection error, 408, 429 or 5xx: retry later with backoff.

    After a timeout or 5xx on a purchase the provider may have done the work:
    retry `create_return_label` with the stored `shipment_id` so it resumes.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class CarrierRejected(CarrierError):
    """The provider refused the request (4xx) with its own message: do not retry as is."""


class NotSupported(CarrierError):
    """This provider (or this adapter) does not offer the operation."""


class WebhookSignatureError(CarrierError):
    """The request is not provably from the provider: unsigned, tampered, wrong secret or stale.

    Answer 4xx: the sender should not retry what will never be accepted.
    """


class WebhookPayloadError(CarrierError):
    """A verified body that cannot be understood (not JSON, required fields missing)."""


# ------------------------------------------------------------------------- carrier


class Carrier(abc.ABC):
    """One provider, configured with one set of credentials.

    Every adapter verifies and parses webhooks. Operations a provider lacks raise
    `NotSupported` (the defaults below). Outbound calls go over HTTP with explicit
    timeouts and raise `CarrierUnavailable` (retryable) or `CarrierRejected` (not);
    adapters never retry by themselves, the calling task does.
    """

    provider: ClassVar[str]
    # Option names this adapter accepts in `Credentials.options`, with defaults.
    default_options: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, credentials: Credentials | Mapping[str, Any]):
        self.credentials = Credentials.coerce(credentials)
        unknown = sorted(set(self.credentials.options) - set(self.default_options))
        if unknown:
            raise ValueError(f"Unknown {self.provider} options: {', '.join(unknown)}.")
        self.options: dict[str, Any] = {**self.default_options, **self.credentials.options}

    def create_return_label(
        self,
        *,
        from_address: Address,
        to_address: Address,
        parcel: Parcel,
        reference: str,
        idempotency_key: str,
        shipment_id: str | None = None,
        on_shipment_created: Callable[[str], None] | None = None,
    ) -> Label:
        """Buy a return label for a parcel travelling from `from_address` to `to_address`.

        `from_address` is the customer (where the parcel starts), `to_address` the
        merchant's returns address; adapters re-orient them as their provider needs.
        `reference` is the customer-facing RMA number, printed or stored with the label.

        Buying is not idempotent at EasyPost or Shippo and neither offers an
        idempotency key (spec §1.6, §2.5), so a label is bought in two steps:
        create a shipment, then buy a rate. `on_shipment_created(shipment_id)` runs
        between them; the caller persists the id there, and on any retry passes it
        back as `shipment_id` so the adapter resumes (and returns the label already
        bought) instead of buying twice. `idempotency_key` is sent to providers that
        support one.
        """
        raise NotSupported(f"{self.provider} does not sell labels.", provider=self.provider)

    def void_label(self, label_id: str) -> bool:
        """Ask the provider to void an unused label: True if accepted (maybe pending), False if refused."""
        raise NotSupported(f"{self.provider} does not void labels.", provider=self.provider)

    def register_tracker(self, *, tracking_number: str, carrier: str) -> str:
        """Have the provider send tracking webhooks for a label bought elsewhere; returns its tracker id."""
        raise NotSupported(f"{self.provider} does not register trackers.", provider=self.provider)

    def schedule_pickup(
        self,
        *,
        label: Label,
        address: Address,
        min_datetime: datetime,
        max_datetime: datetime,
        instructions: str = "",
        reference: str = "",
    ) -> Pickup:
        """Book a carrier pickup of the labelled parcel at `address` (the customer's)."""
        raise NotSupported(f"{self.provider} does not schedule pickups.", provider=self.provider)

    @abc.abstractmethod
    def verify_webhook(
        self,
        headers: Mapping[str, str],
        body: bytes,
        *,
        query: Mapping[str, str] | None = None,
        now: datetime | None = None,
    ) -> None:
        """Raise `WebhookSignatureError` unless the raw `body` provably comes from the provider.

        `headers` may use any case; `query` is the request's query string (Shippo's
        URL token travels there); `now` defaults to the current time and only
        matters for replay windows. Call this before `parse_webhook`. An authentic
        body that lacks the field a replay check needs raises `WebhookPayloadError`.
        """

    @abc.abstractmethod
    def parse_webhook(self, body: bytes) -> list[TrackingEvent]:
        """The tracking events in a verified body; [] for event types the app does not use.

        Raises `WebhookPayloadError` for a body that cannot be understood. Provider
        values without a mapping become `TrackingStatus.UNKNOWN` (and are logged),
        so the sender still gets a 2xx (spec §9.3.5).
        """
