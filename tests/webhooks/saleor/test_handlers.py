"""Every event the manifest subscribes to has its handler, and no handler waits for an event never sent."""

from saleor_returns.saleor.manifest import WEBHOOK_EVENTS
from saleor_returns.webhooks.saleor import handlers


def test_each_subscribed_event_has_a_handler():
    assert sorted(handlers) == sorted(WEBHOOK_EVENTS)
