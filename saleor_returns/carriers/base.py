"""The carrier-neutral interface: `Carrier`, one provider configured with its `Credentials`.

Every adapter turns its provider's API and webhooks into the types of `tracking`,
`shipments` and `errors`, so nothing outside `carriers/` sees a provider's
vocabulary.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from saleor_returns.carriers.errors import NotSupported
from saleor_returns.carriers.shipments import Address, Label, Parcel, Pickup
from saleor_returns.carriers.tracking import TrackingEvent


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
