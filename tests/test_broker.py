"""The default broker: the app's PostgreSQL through kombu's SQLAlchemy transport, polling every 0.05 s."""

import uuid

from django.conf import settings
from kombu import Connection

from saleor_returns.celery import app as celery_app


def test_the_default_broker_is_the_apps_postgresql_with_a_short_polling_interval():
    assert settings.CELERY_BROKER_URL.startswith("returns-sql+postgresql+psycopg://")
    with celery_app.connection_for_read() as broker:
        assert broker.transport.polling_interval == 0.05


def test_messages_go_through_the_transport():
    # given: a connection as the worker makes it
    with Connection(settings.CELERY_BROKER_URL) as broker:
        queue = broker.SimpleQueue(f"test-broker-{uuid.uuid4().hex}")
        try:
            # when
            queue.put({"hello": "world"})
            message = queue.get(timeout=5)

            # then
            assert message.payload == {"hello": "world"}
            message.ack()
        finally:
            queue.close()
