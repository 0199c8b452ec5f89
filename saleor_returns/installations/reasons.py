"""The reason taxonomy every shop starts with (staff edit it afterwards).

Two levels: a group, then the reason storefronts send by its stable code. Each
reason says whether the merchant is at fault, which decides who pays return
shipping and whether the original shipping is refunded.
"""

from django.utils.translation import pgettext_lazy

from saleor_returns.translations import CHINESE, ENGLISH, in_language_lazy


def _labels(label) -> tuple[str, str]:
    """A seeded label for the two label columns: in English and in Simplified Chinese."""
    return in_language_lazy(ENGLISH, label), in_language_lazy(CHINESE, label)


# (group code, English, Simplified Chinese, [(code, English, Simplified Chinese, merchant at fault)])
DEFAULT_REASONS = (
    (
        "QUALITY",
        *_labels(pgettext_lazy("return reason", "Quality")),
        [
            ("DEFECT", *_labels(pgettext_lazy("return reason", "Defective or faulty")), True),
            ("EXPIRED", *_labels(pgettext_lazy("return reason", "Expired")), True),
            ("COUNTERFEIT", *_labels(pgettext_lazy("return reason", "Counterfeit")), True),
        ],
    ),
    (
        "LOGISTICS",
        *_labels(pgettext_lazy("return reason", "Delivery")),
        [
            ("PACKAGING_DAMAGED", *_labels(pgettext_lazy("return reason", "Packaging damaged")), True),
            ("DAMAGED_IN_TRANSIT", *_labels(pgettext_lazy("return reason", "Damaged in transit")), True),
            ("LATE_DELIVERY", *_labels(pgettext_lazy("return reason", "Arrived too late")), True),
        ],
    ),
    (
        "CUSTOMER",
        *_labels(pgettext_lazy("return reason", "Customer")),
        [
            ("ORDERED_BY_MISTAKE", *_labels(pgettext_lazy("return reason", "Ordered by mistake")), False),
            ("NOT_AS_DESCRIBED", *_labels(pgettext_lazy("return reason", "Not as described")), True),
            ("SERVICE_EXPERIENCE", *_labels(pgettext_lazy("return reason", "Poor service")), True),
            ("CHANGED_MIND", *_labels(pgettext_lazy("return reason", "Changed my mind")), False),
        ],
    ),
    (
        "OTHER",
        *_labels(pgettext_lazy("return reason", "Other")),
        [
            ("PRICE_DROPPED", *_labels(pgettext_lazy("return reason", "Price dropped")), False),
            ("PROMOTION_CHANGED", *_labels(pgettext_lazy("return reason", "Promotion changed")), False),
            ("ORDER_OR_PAYMENT_ERROR", *_labels(pgettext_lazy("return reason", "Order or payment error")), True),
        ],
    ),
)
