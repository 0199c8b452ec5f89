"""What a return label is bought for and what it yields: addresses, parcels, labels and pickups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from saleor_returns.money import Money


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
