"""get_carrier() picks and configures an adapter by provider name."""

from datetime import timedelta

import pytest

from saleor_returns.carriers.aftership import AfterShipCarrier
from saleor_returns.carriers.base import Carrier, Credentials
from saleor_returns.carriers.easypost import EasyPostCarrier
from saleor_returns.carriers.generic import GenericCarrier
from saleor_returns.carriers.registry import PROVIDERS, get_carrier
from saleor_returns.carriers.shippo import ShippoCarrier


def test_the_known_providers():
    assert PROVIDERS == ("easypost", "shippo", "aftership", "generic")


@pytest.mark.parametrize(
    ("_case", "provider", "adapter"),
    [
        ("easypost", "easypost", EasyPostCarrier),
        ("shippo", "shippo", ShippoCarrier),
        ("aftership", "aftership", AfterShipCarrier),
        ("generic", "generic", GenericCarrier),
    ],
)
def test_get_carrier_returns_the_adapter(_case, provider, adapter):
    carrier = get_carrier(provider, {"api_key": "key"})

    assert type(carrier) is adapter
    assert isinstance(carrier, Carrier)
    assert carrier.provider == provider


def test_credentials_may_be_a_dataclass():
    credentials = Credentials(api_key="key", options={"label_format": "ZPL"})

    carrier = get_carrier("easypost", credentials)

    assert carrier.credentials is credentials
    assert carrier.options == {
        "carrier_accounts": (),
        "carrier": "",
        "service": "",
        "label_format": "ZPL",
        "max_event_age": timedelta(days=3),
    }


def test_an_unknown_provider_is_an_error():
    with pytest.raises(ValueError, match="Unknown carrier provider: 'fedex'."):
        get_carrier("fedex", {})


def test_an_unknown_option_is_an_error():
    with pytest.raises(ValueError, match="Unknown shippo options: label_format."):
        get_carrier("shippo", {"options": {"label_format": "PDF"}})
