"""Starting a return in the portal: items, reasons, photos, resolution and exchange; its page and what can be done there."""

from decimal import Decimal

import pytest
from graphql_relay import from_global_id

from saleor_returns.models import Evidence, ReturnRequest
from tests.portal.conftest import look_up, photo, return_form_data, sign_in, text

pytestmark = pytest.mark.django_db


def form_path(order) -> str:
    return f"orders/{order['id']}/return"


def test_the_form_offers_the_returnable_lines_reasons_and_resolutions(visitor, alices_order):
    # given
    look_up(visitor, alices_order)

    # when
    page = visitor.get(form_path(alices_order))

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="line0-selected"' in html and 'name="line1-selected"' in html
    assert 'accept="image/*" capture="environment" multiple' in html
    assert '<option value="CHANGED_MIND"' in html
    assert [value in html for value in ('value="REFUND"', 'value="STORE_CREDIT"', 'value="EXCHANGE"')] == [True] * 3


def test_a_guest_returns_an_item_with_a_photo_and_follows_it(visitor, alices_order):
    # given
    look_up(visitor, alices_order)

    # when
    response = visitor.post(form_path(alices_order), return_form_data(
        **{"line0-reason": "DEFECT", "line0-comment": "Sole came off", "line0-photos": [photo()]}))

    # then
    assert response.status_code == 302, text(response)[:3000]
    return_request = ReturnRequest.objects.get()
    assert response["Location"].endswith("return/" + from_global_id(response["Location"].rsplit("/", 1)[1])[0] and
                                          response["Location"].rsplit("/", 1)[1])
    line = return_request.lines.get()
    assert (line.requested_quantity, line.reason_code, line.comment) == (1, "DEFECT", "Sole came off")
    assert Evidence.objects.get().return_request == return_request
    page = visitor.follow(response)
    assert page.status_code == 200
    assert f"Return {return_request.rma_number}" in text(page)
    assert "Return requested" in text(page)


def test_sending_the_form_twice_makes_one_request(visitor, alices_order):
    # given
    look_up(visitor, alices_order)

    # when
    first = visitor.post(form_path(alices_order), return_form_data())
    second = visitor.post(form_path(alices_order), return_form_data())

    # then
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert ReturnRequest.objects.count() == 1


def test_a_missing_photo_is_shown_at_the_lines_photos_and_nothing_is_made(visitor, alices_order):
    # given
    look_up(visitor, alices_order)

    # when
    response = visitor.post(form_path(alices_order), return_form_data(**{"line0-reason": "DEFECT"}))

    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="line0-photos-error"' in html and 'href="#line0-photos"' in html
    assert 'aria-invalid="true"' in html
    assert ReturnRequest.objects.count() == 0


def test_a_file_that_is_no_photo_is_refused_at_the_photos_and_nothing_is_made(visitor, alices_order):
    # given
    from django.core.files.uploadedfile import SimpleUploadedFile

    look_up(visitor, alices_order)
    fake = SimpleUploadedFile("invoice.png", b"not an image at all", "image/png")

    # when
    response = visitor.post(form_path(alices_order), return_form_data(**{"line0-photos": [fake]}))

    # then
    assert response.status_code == 400
    assert 'id="line0-photos-error"' in response.content.decode()
    assert "invoice.png:" in text(response)
    assert ReturnRequest.objects.count() == 0 and Evidence.objects.count() == 0


def test_no_item_chosen_is_said_at_the_items(visitor, alices_order):
    # given
    look_up(visitor, alices_order)

    # when
    response = visitor.post(form_path(alices_order), {"idempotencyKey": "k", "request-resolution": "REFUND"})

    # then
    assert response.status_code == 400
    assert 'href="#request-lines"' in response.content.decode()
    assert "Choose at least one item to return." in text(response)


def test_too_many_units_are_refused_at_the_lines_quantity(visitor, alices_order):
    # given
    look_up(visitor, alices_order)

    # when
    response = visitor.post(form_path(alices_order), return_form_data(**{"line1-selected": "1", "line1-quantity": "5",
                                                                         "line1-reason": "CHANGED_MIND"}))

    # then
    assert response.status_code == 400
    assert 'id="line1-quantity-error"' in response.content.decode()
    assert ReturnRequest.objects.count() == 0


def test_an_exchange_offers_the_products_other_variants_with_their_stock(visitor, fake_saleor, alices_order):
    # given
    fake_saleor.add_warehouse("Main")
    fake_saleor.add_variant("SNEAKER-43", price=Decimal("25.00"), product_name="Sneaker", variant_name="43",
                            stocks={"Main": 3})
    fake_saleor.add_variant("SNEAKER-44", price=Decimal("25.00"), product_name="Sneaker", variant_name="44",
                            stocks={"Main": 0})
    look_up(visitor, alices_order)

    # when
    page = visitor.get(form_path(alices_order))

    # then
    body = text(page)
    assert "43 · 25.00 USD 3 in stock" in body
    assert "44 · 25.00 USD Out of stock" in body
    html = page.content.decode()
    variant_43 = next(v for v in fake_saleor.variants if v["sku"] == "SNEAKER-43")

    # when
    response = visitor.post(form_path(alices_order), return_form_data(**{
        "request-resolution": "EXCHANGE", "request-exchangeVariantId": variant_43["id"]}))

    # then
    assert 'disabled' in html
    assert response.status_code == 302, text(response)[:2000]
    assert ReturnRequest.objects.get().exchange_variant_id == variant_43["id"]


def test_an_exchange_without_a_variant_is_refused_at_the_picker(visitor, alices_order):
    # given
    look_up(visitor, alices_order)

    # when
    response = visitor.post(form_path(alices_order), return_form_data(**{"request-resolution": "EXCHANGE"}))

    # then
    assert response.status_code == 400
    assert 'id="request-exchangeVariantId-error"' in response.content.decode()
    assert ReturnRequest.objects.count() == 0


def test_someone_elses_order_is_not_found(visitor, alices_order, fake_saleor, bob):
    # given
    from tests.portal.conftest import shipped_order

    bobs_order = shipped_order(fake_saleor, bob)
    look_up(visitor, alices_order)

    # when
    response = visitor.get(form_path(bobs_order))

    # then
    assert response.status_code == 404
    assert "This order cannot be found" in text(response)


def test_a_signed_in_customer_starts_a_return_from_their_orders(visitor, carol, carols_order):
    # given
    sign_in(visitor, carol["email"])

    # when
    orders = visitor.get("orders")
    response = visitor.post(form_path(carols_order), return_form_data())

    # then
    assert f'href="{visitor.base}{form_path(carols_order)}"' in orders.content.decode()
    assert response.status_code == 302
    assert ReturnRequest.objects.get().customer_email == "carol@example.com"
    assert "RMA-" in text(visitor.get("orders"))
