"""Pick a carrier adapter by provider name: `get_carrier("easypost", credentials)`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saleor_returns.carriers.aftership import AfterShipCarrier
from saleor_returns.carriers.base import Carrier, Credentials
from saleor_returns.carriers.easypost import EasyPostCarrier
from saleor_returns.carriers.generic import GenericCarrier
from saleor_returns.carriers.shippo import ShippoCarrier

_ADAPTERS: dict[str, type[Carrier]] = {
    EasyPostCarrier.provider: EasyPostCarrier,
    ShippoCarrier.provider: ShippoCarrier,
    AfterShipCarrier.provider: AfterShipCarrier,
    GenericCarrier.provider: GenericCarrier,
}

# The provider names the app knows, e.g. the `<provider>` of /webhooks/carriers/<provider>/.
PROVIDERS: tuple[str, ...] = tuple(_ADAPTERS)


def get_carrier(provider: str, credentials: Credentials | Mapping[str, Any]) -> Carrier:
    """The adapter for `provider`, configured with `credentials` (a `Credentials` or a plain dict)."""
    try:
        adapter = _ADAPTERS[provider]
    except KeyError:
        raise ValueError(f"Unknown carrier provider: {provider!r}.") from None
    return adapter(credentials)
