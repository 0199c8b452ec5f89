"""GET /healthz."""

import pytest

from saleor_returns.celery import app as celery_app


@pytest.fixture
def broken_broker():
    original = celery_app.conf.broker_url
    # Nothing listens on loopback port 1: the connection is refused at once.
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    celery_app.conf.broker_url = original


@pytest.mark.django_db
def test_healthy_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_unavailable_when_the_broker_is_down(client, broken_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "down"}
