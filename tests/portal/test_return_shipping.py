"""Sending a return back from the portal: the prepaid label with its QR code, and a carrier pickup."""

import pytest
from graphql_relay import to_global_id

from saleor_returns.models import ReturnRequest, ReturnShipment
from tests.api.test_shipping import APPROVE, account, easypost, order_with_address  # noqa: F401 - carrier fixtures
from tests.portal.conftest import look_up, return_form_data, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def labelled(visitor, order_with_address, account, staff_api, django_capture_on_commit_callbacks):
    """A guest's return made in the portal and approved by staff; the label was bought after commit."""
    look_up(visitor, order_with_address)
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(f"orders/{order_with_address['id']}/return", return_form_data())
    return_request = ReturnRequest.objects.get()
    if return_request.status != "approved":
        with django_capture_on_commit_callbacks(execute=True):
            staff_api(APPROVE, {"id": to_global_id("ReturnRequest", str(return_request.pk))})
    return response["Location"][len(visitor.base):]


def test_the_label_is_offered_for_download_with_its_qr_code(visitor, labelled, easypost):
    # when
    page = visitor.get(labelled)

    # then
    html = page.content.decode()
    shipment = ReturnShipment.objects.get()
    assert f'href="{shipment.label_url}"' in html
    assert "<svg" in html and "<title>QR code of your return label</title>" in html
    assert "Book a pickup" in text(page)
    assert "100 Congress Ave" in text(page)


def test_the_customer_books_a_pickup(visitor, labelled, django_capture_on_commit_callbacks):
    # when
    bad = visitor.post(labelled + "/pickup", {"pickup-date": "", "pickup-from": "09:00", "pickup-to": "12:00"})
    with django_capture_on_commit_callbacks(execute=True):
        booked = visitor.post(labelled + "/pickup", {"pickup-date": "2030-01-02", "pickup-from": "09:00",
                                                     "pickup-to": "12:00", "pickup-offset": "-60",
                                                     "pickup-instructions": "Ring twice"})

    # then
    assert bad.status_code == 400 and 'id="pickup-date-error"' in bad.content.decode()
    assert booked.status_code == 302 and booked["Location"].endswith("?done=pickup")
    shipment = ReturnShipment.objects.get()
    assert shipment.pickup_requested_from.isoformat() == "2030-01-02T08:00:00+00:00"
    assert shipment.pickup_instructions == "Ring twice"


def test_a_window_that_ends_before_it_starts_is_refused_at_its_end(visitor, labelled):
    # when
    response = visitor.post(labelled + "/pickup", {"pickup-date": "2030-01-02", "pickup-from": "12:00",
                                                   "pickup-to": "09:00"})

    # then
    assert response.status_code == 400
    assert 'id="pickup-to-error"' in response.content.decode()
    assert ReturnShipment.objects.get().pickup_requested_from is None
