"""The create-return form as the order page's "More actions → Create return" opens it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_returns.models import Evidence, ReturnRequest
from tests.browser import screenshot
from tests.evidence import png

pytestmark = pytest.mark.browser

PNG = png()
SNEAKER = {
    "sku": "SNEAKER-42", "quantity": 2, "unit_price": Decimal("25.00"), "product_name": "Sneaker", "variant_name": "42",
}
JACKET = {"sku": "JACKET-M", "quantity": 1, "unit_price": Decimal("40.00"), "product_name": "Jacket", "variant_name": "M"}


def order_with_an_expired_line(fake_saleor):
    """Sneakers delivered 3 days ago; the jacket 40 days ago, outside the 30-day window."""
    now = timezone.now()
    order = fake_saleor.add_order(
        user_email="alice@example.com", lines=[SNEAKER, JACKET], shipping=Decimal("10.00"),
        created=now - timedelta(days=45),
    )
    sneaker, jacket = order["lines"]
    fake_saleor.fulfill(order, {jacket["id"]: 1}, created=now - timedelta(days=40))
    fake_saleor.fulfill(order, {sneaker["id"]: 2}, created=now - timedelta(days=3))
    return order


@pytest.fixture
def order(fake_saleor):
    return order_with_an_expired_line(fake_saleor)


def open_form(dashboard, order, **kwargs):
    frame = dashboard.open("/dashboard/returns/new/", order_id=order["id"], **kwargs)
    frame.wait_for_selector("form.create-form")
    return frame


def line(frame, order, index):
    return frame.locator(f'tbody[data-line="{order["lines"][index]["id"]}"]')


def test_the_order_page_mount_shows_each_line_with_its_eligibility(dashboard, order):
    # when
    frame = open_form(dashboard, order)

    # then: the order, and each line as the customer's eligibility check sees it
    assert frame.locator("h1").inner_text() == f"Create return for order #{order['number']}"
    sneaker, jacket = line(frame, order, 0), line(frame, order, 1)
    assert sneaker.locator("td.num").all_inner_texts() == ["2", "2", "2", "$25.00"]
    assert sneaker.locator(".eligible").inner_text() == "Can be returned"
    assert sneaker.locator('[data-field="quantity"] input').is_enabled()
    assert jacket.locator("td.num").all_inner_texts() == ["1", "1", "0", "$40.00"]
    assert jacket.locator(".ineligible li").all_inner_texts() == [
        "WINDOW_EXPIRED The return window for this item has closed.",
    ]
    assert jacket.locator('[data-field="quantity"] input').is_disabled()
    # reasons are the shop's, labelled in the Dashboard's language and grouped
    options = sneaker.locator('[data-field="reason"] option').all_inner_texts()
    assert options[:2] == ["Choose a reason", "Defective or faulty"]
    assert "Changed my mind" in options
    screenshot(dashboard.page, "create-light-en")


def test_without_an_order_the_form_says_where_to_open_it(dashboard, order):
    # when
    frame = dashboard.open("/dashboard/returns/new/")
    frame.wait_for_selector("form.create-picker")

    # then
    assert "Open this form from the order page in the Dashboard (More actions → Create return)" in (
        frame.locator(".banner").inner_text()
    )

    # when: staff paste the order's ID
    frame.fill('[data-field="orderId"] input', order["id"])
    frame.click("form.create-picker button[type=submit]")

    # then
    frame.wait_for_selector("form.create-form")
    assert frame.locator("h1").inner_text() == f"Create return for order #{order['number']}"


def test_staff_can_find_the_order_by_its_number(dashboard, order):
    # given
    frame = dashboard.open("/dashboard/returns/new/")
    frame.wait_for_selector("form.create-picker")

    # when: a number the shop does not have
    frame.fill('[data-field="orderId"] input', "#987654")
    frame.click("form.create-picker button[type=submit]")

    # then: said next to the field
    error = frame.locator('[data-field="orderId"] .field-error')
    error.wait_for()
    assert error.inner_text() == "This shop has no order with this number."

    # when: the order's number as the Dashboard shows it
    frame.fill('[data-field="orderId"] input', f"#{order['number']}")
    frame.click("form.create-picker button[type=submit]")

    # then
    frame.wait_for_selector("form.create-form")
    assert frame.locator("h1").inner_text() == f"Create return for order #{order['number']}"


def test_an_unknown_order_id_is_said_so(dashboard):
    # given
    unknown = to_global_id("Order", "00000000-0000-0000-0000-000000000000")

    # when
    frame = dashboard.open("/dashboard/returns/new/", order_id=unknown)
    frame.wait_for_selector("form.create-picker")

    # then
    assert "This shop has no order with this ID." in frame.locator(".banner-error").inner_text()


def test_submitting_without_quantities_shows_the_error_next_to_the_items(dashboard, order):
    # given
    frame = open_form(dashboard, order)

    # when
    frame.click('button[data-action="create"]')

    # then
    error = frame.locator('[data-field="lines"] .field-error')
    error.wait_for()
    assert error.inner_text() == "Choose at least one item to return."
    assert error.locator("span").get_attribute("data-code") == "REQUIRED"
    dashboard.page.wait_for_selector('#dashboard-notifications li[data-status="error"]')
    assert dashboard.notifications() == [
        ("error", "The return could not be created — Choose at least one item to return."),
    ]
    assert not ReturnRequest.objects.exists()


def test_a_quantity_above_what_is_returnable_is_refused_on_its_line(dashboard, order):
    # given
    frame = open_form(dashboard, order)
    sneaker = line(frame, order, 0)

    # when
    sneaker.locator('[data-field="quantity"] input').fill("3")
    sneaker.locator('[data-field="reason"] select').select_option("CHANGED_MIND")
    frame.click('button[data-action="create"]')

    # then: the refusal sits in the sneaker's row, not the jacket's
    error = sneaker.locator('[data-field="quantity"] .field-error')
    error.wait_for()
    assert error.inner_text() == "At most 2 of this item can be returned."
    assert line(frame, order, 1).locator(".field-error:not(:empty)").count() == 0
    assert not ReturnRequest.objects.exists()


def test_an_override_without_justification_is_refused_next_to_the_justification(dashboard, order):
    # given
    frame = open_form(dashboard, order)
    jacket = line(frame, order, 1)
    justification = frame.locator('[data-field="policyOverrideJustification"]')
    assert justification.is_hidden()

    # when: the policy is overridden to take the jacket back
    frame.check('[data-field="policyOverride"] input')
    assert justification.is_visible()
    jacket.locator('[data-field="quantity"] input').fill("1")
    jacket.locator('[data-field="reason"] select').select_option("DEFECT")
    frame.click('button[data-action="create"]')

    # then
    assert justification.locator(".field-error").inner_text() == "This field is required."
    assert justification.locator("textarea").get_attribute("aria-invalid") == "true"
    assert not ReturnRequest.objects.exists()


def test_an_override_with_justification_accepts_an_expired_line(dashboard, order, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    frame = open_form(dashboard, order)
    jacket = line(frame, order, 1)
    frame.check('[data-field="policyOverride"] input')
    jacket.locator('[data-field="quantity"] input').fill("1")
    jacket.locator('[data-field="reason"] select').select_option("ORDERED_BY_MISTAKE")
    frame.fill('[data-field="policyOverrideJustification"] textarea', "Loyal customer, agreed on the phone.")

    # when
    frame.click('button[data-action="create"]')

    # then
    dashboard.page.wait_for_selector('#dashboard-notifications li[data-status="success"]')
    created = ReturnRequest.objects.get()
    assert created.policy_overridden is True
    assert created.override_justification == "Loyal customer, agreed on the phone."
    assert [(line.order_line_id, line.requested_quantity) for line in created.lines.all()] == [
        (order["lines"][1]["id"], 1),
    ]


def test_a_valid_request_is_created_announced_and_opened(dashboard, order):
    # given
    frame = open_form(dashboard, order)
    sneaker = line(frame, order, 0)
    sneaker.locator('[data-field="quantity"] input').fill("2")
    sneaker.locator('[data-field="reason"] select').select_option("CHANGED_MIND")
    sneaker.locator('[data-field="comment"] input').fill("Too small")
    frame.select_option('[data-field="resolution"] select', "STORE_CREDIT")
    frame.fill('[data-field="customerNote"] textarea', "Called the shop")

    # when
    frame.click('button[data-action="create"]')

    # then: stored as asked, on behalf of the customer, and queued for review
    dashboard.page.wait_for_selector('#dashboard-notifications li[data-status="success"]')
    created = ReturnRequest.objects.get()
    assert (created.status, created.kind, created.resolution, created.customer_note) == (
        "pending_review", "return", "store_credit", "Called the shop",
    )
    assert created.idempotency_key
    assert created.created_by_kind == "staff"
    assert [(line.sku, line.requested_quantity, line.reason_code, line.comment) for line in created.lines.all()] == [
        ("SNEAKER-42", 2, "CHANGED_MIND", "Too small"),
    ]
    # the Dashboard says so and the desk opens the request
    assert dashboard.notifications() == [("success", f"{created.rma_number} created")]
    request_id = to_global_id("ReturnRequest", created.pk)
    dashboard.wait_for_url(dashboard.app_route(f"/returns/{request_id}/"))
    assert frame.url.split("?")[0].endswith(f"/dashboard/returns/{request_id}/")


def test_a_damaged_on_arrival_claim_needs_a_photo_on_its_line(dashboard, order, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    frame = open_form(dashboard, order)
    sneaker = line(frame, order, 0)
    photos = sneaker.locator('[data-field="evidence"]')
    assert photos.is_hidden()
    frame.select_option('[data-field="kind"] select', "DAMAGED_ON_ARRIVAL")
    assert photos.is_visible()  # claims for damage always need a photo
    sneaker.locator('[data-field="quantity"] input').fill("1")
    sneaker.locator('[data-field="reason"] select').select_option("DAMAGED_IN_TRANSIT")

    # when: sent without the photo
    frame.click('button[data-action="create"]')

    # then
    error = photos.locator(".field-error")
    error.wait_for()
    assert error.inner_text() == "Add a photo of the problem."
    assert not ReturnRequest.objects.exists()

    # when: the photo is added and the claim sent again
    photos.locator("input[type=file]").set_input_files(
        files=[{"name": "box.png", "mimeType": "image/png", "buffer": PNG}]
    )
    photos.locator("li[data-evidence]").wait_for()
    frame.click('button[data-action="create"]')

    # then
    dashboard.page.wait_for_selector('#dashboard-notifications li[data-status="success"]')
    created = ReturnRequest.objects.get()
    assert created.kind == "damaged_on_arrival"
    evidence = Evidence.objects.get()
    assert (evidence.filename, evidence.return_request_id) == ("box.png", created.pk)
    assert evidence.return_line.reason_code == "DAMAGED_IN_TRANSIT"


def test_the_form_in_chinese_and_dark(dashboard, order):
    # when
    frame = open_form(dashboard, order, theme="dark", locale="zh-Hans")

    # then
    assert frame.locator("h1").inner_text() == f"为订单 #{order['number']} 创建退货"
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert "不想要了" in line(frame, order, 0).locator('[data-field="reason"] option').all_inner_texts()
    assert frame.locator('button[data-action="create"]').inner_text() == "创建退货"
    screenshot(dashboard.page, "create-dark-zh-Hans")
