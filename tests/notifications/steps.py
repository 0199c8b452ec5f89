"""Helpers for the tests of the steps' messages: endpoints subscribed to an event, and what was told."""

import pytest

from saleor_returns.models.notifications import Message
from saleor_returns.notifications.webhooks import create_endpoint

# One e-mail, and one webhook for each of the two endpoints that subscribed to the event.
TOLD = ["email", "webhook", "webhook"]


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
