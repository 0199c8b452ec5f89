"""Celery tasks: ids in, rows re-read, safe to run twice, retried on Saleor outages only."""

import pytest

from saleor_returns import task_schedule
from saleor_returns.celery import app as celery_app
from saleor_returns.installations import tasks as installation_tasks
from saleor_returns.models import SaleorWebhookDelivery
from saleor_returns.saleor.client import SaleorUnavailable
from saleor_returns.webhooks.saleor import deliveries


@pytest.fixture
def eager_retries():
    """Eager tasks re-run their retries in place only when failures do not propagate."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def test_refresh_installation_retries_until_saleor_answers(installation, fake_saleor, eager_retries):
    # given: the JWKS endpoint fails twice, then answers
    installation.jwks = {}
    installation.save()
    fake_saleor.fail_jwks_next(count=2, status=503)

    # when
    result = installation_tasks.refresh_installation_task.apply(args=[str(installation.pk)])

    # then
    assert result.successful()
    assert fake_saleor.jwks_fetches == 3
    installation.refresh_from_db()
    assert installation.jwks == fake_saleor.jwks()


def test_refresh_installation_gives_up_after_max_retries(installation, fake_saleor, eager_retries):
    fake_saleor.fail_jwks_next(count=20, status=502)
    result = installation_tasks.refresh_installation_task.apply(args=[str(installation.pk)])
    assert result.failed()
    assert isinstance(result.result, SaleorUnavailable)
    assert fake_saleor.jwks_fetches == task_schedule.RETRY_OPTIONS["max_retries"] + 1


def test_retry_backoff_is_exponential_and_capped():
    options = installation_tasks.refresh_installation_task
    assert (options.autoretry_for, options.retry_backoff, options.retry_backoff_max) == ((SaleorUnavailable,), 2, 600)


def test_refresh_installation_skips_an_uninstalled_shop(installation, fake_saleor):
    installation.is_active = False
    installation.save()
    installation_tasks.refresh_installation_task.apply(args=[str(installation.pk)])
    assert fake_saleor.jwks_fetches == 0


@pytest.mark.django_db
def test_refresh_installation_of_a_missing_row_does_nothing(fake_saleor):
    result = installation_tasks.refresh_installation_task.apply(args=["00000000-0000-0000-0000-000000000000"])
    assert result.successful()
    assert fake_saleor.jwks_fetches == 0


def test_applying_a_delivery_twice_applies_it_once(installation):
    # given
    delivery = SaleorWebhookDelivery.objects.create(
        installation=installation,
        event="app_deleted",
        body_sha256="0" * 64,
        payload={"app": {"id": installation.app_id}},
    )

    # when
    deliveries.apply_saleor_webhook_task.apply(args=[str(delivery.pk)])
    installation.is_active = True  # re-installed in between
    installation.save()
    deliveries.apply_saleor_webhook_task.apply(args=[str(delivery.pk)])

    # then
    delivery.refresh_from_db()
    installation.refresh_from_db()
    assert delivery.status == SaleorWebhookDelivery.Status.APPLIED
    assert installation.is_active is True


def test_a_delivery_without_a_handler_is_ignored(installation):
    delivery = SaleorWebhookDelivery.objects.create(
        installation=installation, event="order_exploded", body_sha256="1" * 64, payload={}
    )
    deliveries.apply_saleor_webhook_task.apply(args=[str(delivery.pk)])
    delivery.refresh_from_db()
    assert delivery.status == SaleorWebhookDelivery.Status.IGNORED
