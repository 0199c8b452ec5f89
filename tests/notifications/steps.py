"""Helpers for the tests of the steps' messages: a return in review, endpoints subscribed to an event, and
what was told."""

import pytest

from saleor_returns.models.notifications import Message
from saleor_returns.notifications.webhooks import create_endpoint
from tests.factories import ReturnLineFactory, ReturnRequestFactory

# One e-mail, and one webhook for each of the two endpoints that subscribed to the event.
TOLD = ["email", "webhook", "webhook"]


@pytest.fixture
def in_review(installation, order):
    """Wang Fang's return of one pair (her order is in Chinese), waiting for staff."""
    request = ReturnRequestFactory(
        installation=installation, order_id=order["id"], order_number=order["number"],
        customer_email="wang.fang@example.com", customer_user_id=order["user"]["id"],
    )
    ReturnLineFactory(return_request=request, order_line_id=order["lines"][0]["id"], product_name="Trail Sneaker",
                      variant_name="EU 42", requested_quantity=1)
    return request


@pytest.fixture
def subscribe(installation, webhook_receiver):
    """`subscribe(event)`: an endpoint for every event, one for `event` and one for another event only."""

    def endpoints_for(event: str) -> None:
        other = "survey_invitation" if event != "survey_invitation" else "refunded"
        for event_types in ([], [event], [other]):
            create_endpoint(installation=installation, url=webhook_receiver.url, event_types=event_types)

    return endpoints_for


def told(event: str) -> list[str]:
    """The channels of the event's messages, one entry per row."""
    return sorted(Message.objects.filter(event=event).values_list("channel", flat=True))


def email(event: str) -> Message:
    return Message.objects.get(event=event, channel="email")
