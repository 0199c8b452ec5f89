"""ORDER_REFUNDED and ORDER_UPDATED, as a real Saleor sent them."""

from saleor_returns.models import SaleorWebhookDelivery
from tests.conftest import captured_webhook, post_raw


def test_captured_order_refunded_is_accepted_and_applied(client, captured_installation, django_capture_on_commit_callbacks):
    headers, body = captured_webhook("order_refunded")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(client, "/webhooks/saleor/order-refunded/", headers, body)
    assert response.status_code == 200
    delivery = SaleorWebhookDelivery.objects.get()
    assert (delivery.event, delivery.status) == ("order_refunded", "applied")


def test_captured_order_updated_is_accepted_and_applied(client, captured_installation, django_capture_on_commit_callbacks):
    headers, body = captured_webhook("order_updated")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(client, "/webhooks/saleor/order-updated/", headers, body)
    assert response.status_code == 200
    assert SaleorWebhookDelivery.objects.get().status == "applied"


def test_an_order_event_posted_to_the_wrong_endpoint_is_refused(client, captured_installation):
    headers, body = captured_webhook("order_refunded")
    response = post_raw(client, "/webhooks/saleor/order-updated/", headers, body)
    assert response.status_code == 400
    assert SaleorWebhookDelivery.objects.count() == 0
