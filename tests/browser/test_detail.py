"""The return detail page: review, receive, inspect and resolve a return from the Dashboard."""

import json
import struct
import zlib
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from graphql_relay import from_global_id
from playwright.sync_api import expect

from saleor_returns.fakes.dashboard.routes import order_route
from saleor_returns.inspection import actions as inspection_actions
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import Refund, ReturnLine, ReturnRequest
from saleor_returns.requestors import SYSTEM, Actor
from saleor_returns.requests import actions as request_actions
from saleor_returns.resolutions import actions as resolution_actions
from saleor_returns.shipping import actions as shipping_actions
from tests.api.conftest import CREATE, Caller, create_request, shipped_order
from tests.browser import screenshot
from tests.evidence import pdf as one_page_pdf

pytestmark = pytest.mark.browser

STAFF = Actor(kind="staff", id="VXNlcjox", email="staff@example.com")
# A 10 % restocking fee for a change of mind and a 5.00 return-shipping fee: the preview has components.
RULES = {
    "restocking_fees": [{"percentage": "10", "reason_codes": ["CHANGED_MIND"]}],
    "customer_return_shipping_fee": "5",
}
UPLOAD = "mutation($file: Upload!) { returnEvidenceUpload(file: $file) { evidence { id } errors { code message } } }"


@pytest.fixture
def alice(fake_saleor):
    return fake_saleor.add_customer("alice@example.com")


@pytest.fixture
def as_alice(client, shop, fake_saleor, alice):
    return Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(alice))


@pytest.fixture
def policy(shop):
    return installation_actions.update_return_policy(installation=shop, channel_slug="", rules=RULES, preset=None, actor=SYSTEM)


@pytest.fixture
def order(fake_saleor, alice):
    """Alice's delivered order (2 sneakers at 25.00, a jacket at 40.00, 10.00 shipping), paid by card."""
    order = shipped_order(fake_saleor, alice)
    fake_saleor.add_transaction(order, charged=Decimal("100.00"))
    return order


@pytest.fixture
def warehouses(fake_saleor):
    return {name: fake_saleor.add_warehouse(name) for name in ("Berlin returns", "Amsterdam")}


def png(width=48, height=32, rgb=(220, 90, 60)) -> bytes:
    """A small valid PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def upload(caller: Caller, name: str, content: bytes, content_type: str) -> str:
    response = caller.client.post(
        "/graphql/",
        {
            "operations": json.dumps({"query": UPLOAD, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": SimpleUploadedFile(name, content, content_type=content_type),
        },
        headers={"Saleor-Api-Url": caller.api_url, "Authorization": f"Bearer {caller.token}"},
    )
    payload = response.json()["data"]["returnEvidenceUpload"]
    assert payload["errors"] == [], payload["errors"]
    return payload["evidence"]["id"]


def stored(request: dict) -> ReturnRequest:
    return ReturnRequest.objects.get(number=int(request["number"].removeprefix("RMA-")))


def open_detail(dashboard, request: dict, **options):
    dashboard.open(f"/dashboard/returns/{request['id']}/", **options)
    app = dashboard.frame_locator
    expect(app.locator("h1")).to_have_text(request["number"])
    return app


def expect_status(app, status: str) -> None:
    expect(app.locator(".detail")).to_have_attribute("data-status", status)


def expect_notification(dashboard, status: str, text: str) -> None:
    expect(dashboard.page.locator("#dashboard-notifications li").last).to_have_text(text)
    assert dashboard.notifications()[-1] == (status, text)


def action_keys(app) -> list[str]:
    return app.locator(".head-actions [data-action]").evaluate_all("buttons => buttons.map(b => b.dataset.action)")


def line_row(app, container: str, request: dict, index: int):
    return app.locator(f'{container} [data-line="{request["lines"][index]["id"]}"]')


def received(request: dict, quantities: dict[int, int]) -> ReturnRequest:
    """Approved, shipped by the customer and received in the domain: ready for inspection."""
    return_request = stored(request)
    request_actions.approve_return_request(return_request=return_request, actor=STAFF)
    shipping_actions.add_customer_tracking(return_request=return_request, actor=STAFF, carrier="UPS", tracking_number="1Z1")
    inspection_actions.receive_return_lines(
        return_request=return_request, actor=STAFF,
        quantities={line_pk(request, index): quantity for index, quantity in quantities.items()},
    )
    return stored(request)


def line_pk(request: dict, index: int) -> str:
    return from_global_id(request["lines"][index]["id"])[1]


def stored_lines(request: dict) -> list:
    """The stored lines in the order the API lists them."""
    lines = {str(line.pk): line for line in stored(request).lines.all()}
    return [lines[line_pk(request, index)] for index in range(len(request["lines"]))]


def create_with_files(caller: Caller, order: dict, line_index: int, evidence_ids: list[str]) -> dict:
    line = {
        "orderLineId": order["lines"][line_index]["id"], "quantity": 1, "reason": "DEFECT", "evidenceIds": evidence_ids,
    }
    payload = caller(CREATE, {"input": {"orderId": order["id"], "lines": [line]}})["data"]["returnRequestCreate"]
    assert payload["errors"] == [], payload["errors"]
    return payload["returnRequest"]


def test_a_return_is_reviewed_received_inspected_and_refunded(dashboard, as_alice, policy, order, warehouses):
    # given: alice asks to return both sneakers and the jacket; nothing auto-approves it
    request = create_request(as_alice, order, {0: 2, 1: 1})
    assert stored(request).status == "pending_review"
    number = request["number"]

    # when: staff open it from the list in the Dashboard
    dashboard.open("/dashboard/")
    app = dashboard.frame_locator
    app.get_by_role("link", name=number).click()

    # then: the Dashboard's address follows, and the request waits for review, with the review actions only
    expect(app.locator("h1")).to_have_text(number)
    dashboard.wait_for_url(dashboard.app_route(f"/returns/{request['id']}/"))
    expect_status(app, "PENDING_REVIEW")
    assert action_keys(app) == ["approve", "request-info", "reject", "cancel"]
    expect(app.locator(".summary-card")).to_contain_text("alice@example.com")
    expect(line_row(app, ".lines-table", request, 0)).to_contain_text("Sneaker")
    expect(line_row(app, ".lines-table", request, 0).locator('[data-quantity="requested"]')).to_have_text("2")
    screenshot(dashboard.page, "detail-pending-light-en")

    # when: the order number is clicked
    app.locator(".order-link").click()

    # then: the Dashboard is asked to show the order
    dashboard.wait_for_url(order_route(order["id"]))
    assert dashboard.redirects() == [f"/orders/{order['id']}"]

    # when: staff come back to the return (the Dashboard's way back)
    dashboard.page.go_back()
    dashboard.wait_for_handshake()
    expect(app.locator("h1")).to_have_text(number)

    # when: staff approve one sneaker of two, and the jacket
    app.locator('[data-action="approve"]').click()
    sneakers = line_row(app, "[data-panel=approve]", request, 0).locator('input[name="quantity"]')
    expect(sneakers).to_be_focused()
    expect(sneakers).to_have_value("2")
    sneakers.fill("1")
    app.locator('[data-submit="approve"]').click()

    # then: approved per line; with no carrier account no label is bought, so it waits for the customer
    expect_status(app, "APPROVED")
    expect_notification(dashboard, "success", f"{number} approved")
    assert [line.approved_quantity for line in stored_lines(request)] == [1, 1]
    assert action_keys(app) == ["receive", "add-tracking", "cancel"]
    expect(line_row(app, ".lines-table", request, 0).locator('[data-quantity="approved"]')).to_have_text("1")

    # when: alice sent the parcel herself and told the shop by phone; staff add its tracking, first forgetting the number
    app.locator('[data-action="add-tracking"]').click()
    dialog = app.locator('dialog[data-dialog="add-tracking"]')
    dialog.locator('input[name="carrier"]').fill("UPS")
    dialog.locator('[data-submit="add-tracking"]').click()
    expect(dialog.locator('[data-field="trackingNumber"] .field-error')).to_have_text(
        "Enter the tracking number from the carrier's receipt."
    )
    dialog.locator('input[name="trackingNumber"]').fill("1z 999")
    dialog.locator('[data-submit="add-tracking"]').click()

    # then: it awaits the parcel, which can be received
    expect_notification(dashboard, "success", f"Tracking added to {number}")
    expect_status(app, "AWAITING_SHIPMENT")
    assert action_keys(app) == ["receive", "cancel"]
    expect(app.locator(".shipment")).to_contain_text("1Z999")

    # when: everything approved arrives
    app.locator('[data-action="receive"]').click()
    expect(line_row(app, "[data-panel=receive]", request, 0).locator('input[name="quantity"]')).to_have_value("1")
    app.locator('[data-submit="receive"]').click()

    # then
    expect_status(app, "RECEIVED")
    expect_notification(dashboard, "success", f"Items of {number} received")
    assert action_keys(app) == ["inspect"]

    # when: the sneaker goes back to stock in Berlin, the jacket is sold at a discount
    app.locator('[data-action="inspect"]').click()
    sneaker_line = line_row(app, "[data-panel=inspect]", request, 0)
    jacket_line = line_row(app, "[data-panel=inspect]", request, 1)
    expect(sneaker_line.locator('input[name="acceptedQuantity"]')).to_be_focused()
    sneaker_line.locator('select[name="condition"]').select_option("AS_NEW")
    sneaker_line.locator('select[name="disposition"]').select_option("RESTOCK")
    sneaker_line.locator('select[name="warehouseId"]').select_option(label="Berlin returns")
    jacket_line.locator('select[name="condition"]').select_option("OPENED")
    jacket_line.locator('select[name="disposition"]').select_option("RESELL_DISCOUNTED")
    expect(jacket_line.locator('select[name="warehouseId"]')).to_be_hidden()
    jacket_line.locator('textarea[name="note"]').fill("Tags removed")
    screenshot(dashboard.page, "detail-inspect-form")
    app.locator('[data-submit="inspect"]').click()

    # then
    expect_status(app, "INSPECTED")
    expect_notification(dashboard, "success", f"{number} inspected")
    lines = stored_lines(request)
    assert [(l.accepted_quantity, l.condition, l.disposition, l.restock_warehouse_id) for l in lines] == [
        (1, "as_new", "restock", warehouses["Berlin returns"]["id"]),
        (1, "opened", "resell_discounted", ""),
    ]
    expect(line_row(app, ".lines-table", request, 0)).to_contain_text("Into Berlin returns")
    assert action_keys(app) == ["resolve"]

    # when: staff preview the customer's wish, a refund
    app.locator('[data-action="resolve"]').click()
    resolution = app.locator('[data-panel=resolve] select[name="resolution"]')
    expect(resolution).to_be_focused()
    expect(resolution).to_have_value("REFUND")
    figures = app.locator(".preview-figures")

    # then: every component of the money is shown
    expect(figures.locator('dd[data-component="total"]')).to_have_text("$53.50")
    shown = {
        name: figures.locator(f'dd[data-component="{name}"]').inner_text()
        for name in ("items", "restockingFee", "returnShippingFee", "originalShipping", "storeCreditBonus", "total")
    }
    assert shown == {"items": "$65.00", "restockingFee": "−$6.50", "returnShippingFee": "−$5.00",
                     "originalShipping": "$0.00", "storeCreditBonus": "$0.00", "total": "$53.50"}
    expect(app.locator(".preview-lines tbody tr")).to_have_count(2)

    # when
    app.locator('[data-submit="resolve"]').click()

    # then: Saleor refunded the previewed total and the return is resolved
    expect_status(app, "RESOLVED")
    expect_notification(dashboard, "success", f"{number} resolved")
    refund = Refund.objects.get()
    assert (refund.status, refund.amount, refund.idempotency_key != "") == ("succeeded", Decimal("53.50"), True)
    expect(app.locator(".refund")).to_have_attribute("data-refund-status", "succeeded")
    expect(app.locator('.refund dd[data-money="refund-amount"]')).to_have_text("$53.50")
    assert action_keys(app) == []
    # when: back to the list
    app.locator(".back-link").click()

    # then
    expect(app.locator(".detail")).to_have_count(0)
    assert urlsplit(dashboard.frame.url).path == "/dashboard/"
    # (the Dashboard page was opened again after alice shipped, so it shows the last three)
    assert dashboard.notifications()[-3:] == [
        ("success", f"Items of {number} received"), ("success", f"{number} inspected"), ("success", f"{number} resolved"),
    ]


def test_restocking_without_a_warehouse_shows_the_api_error_at_the_warehouse(dashboard, as_alice, order, warehouses):
    # given
    request = create_request(as_alice, order, {0: 1})
    received(request, {0: 1})
    app = open_detail(dashboard, request)
    expect_status(app, "RECEIVED")

    # when: restock is chosen, the warehouse left empty
    app.locator('[data-action="inspect"]').click()
    line = line_row(app, "[data-panel=inspect]", request, 0)
    line.locator('select[name="disposition"]').select_option("RESTOCK")
    expect(line.locator('select[name="warehouseId"]')).to_have_value("")
    app.locator('[data-submit="inspect"]').click()

    # then: the API's message sits next to that line's warehouse field, which takes the focus
    warehouse = line.locator('[data-field="warehouseId"]')
    expect(warehouse.locator(".field-error")).to_have_text("Choose the warehouse to restock into.")
    expect(warehouse).to_have_class("field invalid")
    expect(warehouse.locator("select")).to_be_focused()
    expect(warehouse.locator("select")).to_have_attribute("aria-invalid", "true")
    expect_notification(dashboard, "error", f"Inspect failed for {request['number']} — Choose the warehouse to restock into.")
    expect(app.locator('[data-submit="inspect"]')).to_be_enabled()
    return_request = stored(request)
    assert return_request.status == "received"
    assert list(return_request.lines.values_list("accepted_quantity", "disposition")) == [(None, "")]
    assert not return_request.events.filter(type="lines_inspected").exists()


def test_the_warehouses_offered_are_saleors_sorted_by_name(dashboard, as_alice, order, warehouses):
    request = create_request(as_alice, order, {0: 1})
    received(request, {0: 1})
    app = open_detail(dashboard, request)

    app.locator('[data-action="inspect"]').click()
    options = app.locator('[data-panel=inspect] select[name="warehouseId"] option').all_inner_texts()

    assert options == ["Choose a warehouse", "Amsterdam", "Berlin returns", "Default warehouse"]


def test_rejecting_needs_a_message_for_the_customer(dashboard, as_alice, order):
    # given
    request = create_request(as_alice, order, {0: 1})
    app = open_detail(dashboard, request)

    # when: Reject is opened and sent empty
    reject = app.locator('[data-action="reject"]')
    reject.click()
    dialog = app.locator('dialog[data-dialog="reject"]')
    message = dialog.locator('textarea[name="message"]')
    expect(message).to_be_focused()
    dialog.locator('[data-submit="reject"]').click()

    # then: the dialog stays open with the message marked required, and nothing changed
    expect(dialog.locator('[data-field="message"] .field-error')).to_have_text("This field is required.")
    assert stored(request).status == "pending_review"
    assert dashboard.notifications() == []

    # when: Escape closes it
    message.press("Escape")

    # then: focus is back on the Reject button
    expect(dialog).to_have_count(0)
    expect(reject).to_be_focused()

    # when: a message is given
    reject.press("Enter")
    dialog.locator('textarea[name="message"]').fill("Worn shoes cannot be returned.")
    dialog.locator('[data-submit="reject"]').click()

    # then
    expect_status(app, "REJECTED")
    expect_notification(dashboard, "success", f"{request['number']} rejected")
    expect(app.locator(".banner-error")).to_contain_text("Worn shoes cannot be returned.")
    assert action_keys(app) == []
    assert stored(request).rejection_message == "Worn shoes cannot be returned."


def test_a_parcel_handed_in_at_the_shop_is_received_without_tracking(dashboard, as_alice, order):
    # given: approved, no label and no tracking
    request = create_request(as_alice, order, {0: 1})
    request_actions.approve_return_request(return_request=stored(request), actor=STAFF)
    app = open_detail(dashboard, request)
    expect(app.locator(".banner-info")).to_contain_text("handed in at the shop can be received now")

    # when: the customer brings it to the counter
    app.locator('[data-action="receive"]').click()
    app.locator('[data-submit="receive"]').click()

    # then: received, and the timeline says how it came
    expect_status(app, "RECEIVED")
    expect_notification(dashboard, "success", f"Items of {request['number']} received")
    expect(app.locator(".timeline")).to_contain_text("Your parcel was handed in to us without a carrier's tracking.")
    assert [line.received_quantity for line in stored_lines(request)] == [1]
    assert action_keys(app) == ["inspect"]


def test_asking_for_information_keeps_the_request_in_review(dashboard, as_alice, order):
    request = create_request(as_alice, order, {0: 1})
    app = open_detail(dashboard, request)

    app.locator('[data-action="request-info"]').click()
    dialog = app.locator('dialog[data-dialog="request-info"]')
    dialog.locator('textarea[name="message"]').fill("Please add a photo of the sole.")
    dialog.locator('[data-submit="request-info"]').click()

    expect_notification(dashboard, "success", f"Information requested for {request['number']}")
    expect(app.locator(".banner-warning")).to_contain_text("Please add a photo of the sole.")
    expect_status(app, "PENDING_REVIEW")
    assert stored(request).info_requested_message == "Please add a photo of the sole."


def test_photos_open_enlarged_and_pdfs_as_links(dashboard, as_alice, order, settings, tmp_path):
    # given: alice sent a photo and a PDF with her request
    settings.MEDIA_ROOT = tmp_path
    photo = upload(as_alice, "scuffed-toe.png", png(), "image/png")
    receipt = upload(as_alice, "receipt.pdf", one_page_pdf(), "application/pdf")
    request = create_with_files(as_alice, order, 1, [photo, receipt])
    app = open_detail(dashboard, request)

    # when: the thumbnail is reached with the keyboard and opened with Enter
    thumb = app.locator("button.thumb")
    expect(thumb.locator("img")).to_have_attribute("alt", "scuffed-toe.png")
    thumb.focus()
    thumb.press("Enter")

    # then: the photo is shown large in a modal, closed with Escape
    enlarged = app.locator("dialog.lightbox-dialog img")
    expect(enlarged).to_have_attribute("alt", "scuffed-toe.png")
    expect(enlarged).to_be_visible()
    assert enlarged.evaluate("img => img.complete && img.naturalWidth") == 48
    assert enlarged.bounding_box()["width"] > thumb.bounding_box()["width"]
    app.locator("dialog.lightbox-dialog").press("Escape")
    expect(app.locator("dialog.lightbox-dialog")).to_have_count(0)
    expect(thumb).to_be_focused()

    # and: the PDF is a link that opens in a new tab
    pdf = app.locator("a.evidence-file")
    expect(pdf).to_have_text("receipt.pdf (opens in a new tab)")
    assert pdf.get_attribute("target") == "_blank"
    assert pdf.get_attribute("href").startswith("http")


def test_internal_notes_are_marked_internal(dashboard, as_alice, order):
    # given
    request = create_request(as_alice, order, {0: 1})
    app = open_detail(dashboard, request)
    newest = app.locator(".timeline > li").first

    # when: a note only staff see
    app.locator('.note-form textarea[name="note"]').fill("Customer called; ok to approve.")
    app.locator('[data-action="add-note"]').click()

    # then
    expect_notification(dashboard, "success", f"Note added to {request['number']}")
    expect(newest).to_contain_text("Customer called; ok to approve.")
    expect(newest).to_have_class("internal")
    expect(newest.locator(".internal-tag")).to_have_text("Internal")

    # when: a note the customer sees
    app.locator('.note-form textarea[name="note"]').fill("We will look at it today.")
    app.locator('.note-form input[name="isVisibleToCustomer"]').check()
    app.locator('[data-action="add-note"]').click()

    # then
    expect(newest).to_contain_text("We will look at it today.")
    expect(newest).not_to_have_class("internal")
    expect(newest.locator(".internal-tag")).to_have_count(0)
    notes = stored(request).events.filter(type="note_added").order_by("created_at")
    assert [(e.note, e.is_visible_to_customer) for e in notes] == [
        ("Customer called; ok to approve.", False), ("We will look at it today.", True)
    ]


def test_an_empty_note_is_refused_before_sending(dashboard, as_alice, order):
    request = create_request(as_alice, order, {0: 1})
    app = open_detail(dashboard, request)

    app.locator('[data-action="add-note"]').click()

    expect(app.locator('.note-form [data-field="note"] .field-error')).to_have_text("This field is required.")
    assert not stored(request).events.filter(type="note_added").exists()


def test_a_resolved_return_in_dark_mode_and_chinese(dashboard, as_alice, policy, order, warehouses):
    # given: a return refunded to the card
    request = create_request(as_alice, order, {0: 2})
    return_request = received(request, {0: 2})
    line = return_request.lines.get()
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[
        inspection_actions.InspectionInput(line_id=str(line.pk), accepted_quantity=2, condition="as_new", disposition="restock",
                                warehouse_id=warehouses["Berlin returns"]["id"]),
    ])
    resolution_actions.resolve_return_request(return_request=stored(request), actor=STAFF, resolution="refund")
    assert stored(request).status == "resolved"

    # when
    app = open_detail(dashboard, request, theme="dark", locale="zh-Hans")

    # then: Chinese labels, the refund and the inspection
    expect_status(app, "RESOLVED")
    expect(app.locator(".detail-head .badge")).to_have_text("已处理")
    expect(app.locator(".summary-card .card-title")).to_have_text("订单与顾客")
    expect(app.locator(".money-card .card-title")).to_have_text("金额")
    expect(app.locator('.refund dd[data-money="refund-status"]')).to_have_text("已退款")
    parts = app.locator(".refund dd[data-component]")
    assert [(p.get_attribute("data-component"), p.inner_text()) for p in parts.all()] == [
        ("ITEMS", "US$50.00"), ("RESTOCKING_FEE", "−US$5.00"), ("RETURN_SHIPPING_FEE", "−US$5.00"),
    ]
    expect(app.locator('.refund dt[data-component="RESTOCKING_FEE"]')).to_have_text("重新入库费")
    expect(app.locator(".lines-table thead")).to_contain_text("实付单价")
    expect(app.locator('.lines-table [data-disposition="RESTOCK"]')).to_have_text("重新入库")
    expect(app.locator('.lines-table')).to_contain_text("入库至 Berlin returns")
    expect(app.locator('[data-action="add-note"]')).to_have_text("添加备注")
    expect(app.locator(".timeline")).to_contain_text("退款成功")
    # the app's own notes in Chinese too, amounts in the currency's precision
    expect(app.locator(".timeline")).to_contain_text("我们已收到您的包裹。")
    expect(app.locator(".timeline")).to_contain_text("已退款 40.00 USD。")
    expect(app.locator(".timeline")).not_to_contain_text("We received your parcel.")
    assert dashboard.frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    # every message of the page exists in Chinese (the page module registered them all)
    missing = dashboard.frame.evaluate(
        'async () => (await import("/dashboard/assets/i18n.js")).missing("zh-Hans").filter((key) => key.startsWith("detail."))'
    )
    assert missing == []
    screenshot(dashboard.page, "detail-resolved-dark-zh-Hans")


def test_a_failed_refund_can_be_retried(dashboard, fake_saleor, as_alice, order):
    # given: the payment provider refused the refund
    request = create_request(as_alice, order, {0: 1})
    return_request = received(request, {0: 1})
    line = return_request.lines.get()
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[
        inspection_actions.InspectionInput(line_id=str(line.pk), accepted_quantity=1, condition="opened", disposition="scrap"),
    ])
    fake_saleor.payment_app_mode = "failure"
    try:
        resolution_actions.resolve_return_request(return_request=stored(request), actor=STAFF, resolution="refund")
    finally:
        fake_saleor.payment_app_mode = "success"
    assert Refund.objects.get().status == "failed"
    app = open_detail(dashboard, request)
    expect(app.locator(".banner-error")).to_contain_text("The payment provider declined the refund.")
    assert action_keys(app) == ["retry-refund"]

    # when
    app.locator('[data-action="retry-refund"]').click()
    app.locator('dialog[data-dialog="retry-refund"] [data-submit="retry-refund"]').click()

    # then
    expect_notification(dashboard, "success", f"Refund retried for {request['number']}")
    expect_status(app, "RESOLVED")
    assert Refund.objects.get().status == "succeeded"
    expect(app.locator(".refund")).to_have_attribute("data-refund-status", "succeeded")


def test_a_preview_that_changed_is_shown_again_before_resolving(dashboard, as_alice, policy, order):
    # given: an inspected return, previewed
    request = create_request(as_alice, order, {0: 2})
    return_request = received(request, {0: 2})
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[
        inspection_actions.InspectionInput(line_id=line_pk(request, 0), accepted_quantity=2, condition="opened", disposition="scrap"),
    ])
    app = open_detail(dashboard, request)
    app.locator('[data-action="resolve"]').click()
    total = app.locator('.preview-figures dd[data-component="total"]')
    expect(total).to_have_text("$40.00")

    # when: the amounts change before staff click Resolve (here: the price the line was paid)
    ReturnLine.objects.filter(pk=line_pk(request, 0)).update(unit_price_gross_amount=Decimal("20.00"))
    app.locator('[data-submit="resolve"]').click()

    # then: nothing is paid; the new preview is shown with a warning
    expect(total).to_have_text("$31.00")
    expect(app.locator("[data-panel=resolve] .banner-warning")).to_have_text(
        "The amounts changed since the preview. Check the new figures, then resolve again."
    )
    expect_notification(
        dashboard, "error",
        f"Preview & resolve failed for {request['number']} — The amounts changed since the preview; preview again.",
    )
    assert not Refund.objects.exists()

    # when: resolved with the new figures
    app.locator('[data-submit="resolve"]').click()

    # then
    expect_status(app, "RESOLVED")
    assert Refund.objects.get().amount == Decimal("31.00")


def test_the_keyboard_reaches_the_actions_and_escape_closes_a_form(dashboard, as_alice, order):
    # given
    request = create_request(as_alice, order, {0: 1})
    app = open_detail(dashboard, request)
    expect(app.locator("h1")).to_be_focused()

    # when: Tab from the heading, then Enter
    dashboard.page.keyboard.press("Tab")
    approve = app.locator('[data-action="approve"]')
    expect(approve).to_be_focused()
    dashboard.page.keyboard.press("Enter")

    # then: the form opens with focus in its first field
    expect(line_row(app, "[data-panel=approve]", request, 0).locator('input[name="quantity"]')).to_be_focused()
    expect(approve).to_have_attribute("aria-expanded", "true")

    # when
    dashboard.page.keyboard.press("Escape")

    # then: closed, and focus is back where it was
    expect(app.locator("[data-panel=approve]")).to_have_count(0)
    expect(approve).to_be_focused()
    expect(approve).to_have_attribute("aria-expanded", "false")
    assert stored(request).status == "pending_review"


def test_a_low_survey_score_is_followed_up_from_the_return(dashboard, as_alice, order):
    # given: a closed return the customer rated 1
    from saleor_returns.models.surveys import SurveyResponse

    request = create_request(as_alice, order, {0: 1})
    ReturnRequest.objects.filter(pk=stored(request).pk).update(status="resolved")
    as_alice(
        'mutation($id: ID!) { returnSurveySubmit(id: $id, rating: 1, improvements: [FASTER_REFUND], '
        'comment: "Took weeks") { errors { code } } }',
        {"id": request["id"]},
    )
    app = open_detail(dashboard, request)

    # then: the answer and the call to follow up
    card = app.locator(".survey-card")
    expect(card).to_have_attribute("data-survey-rating", "1")
    expect(card.locator("dl")).to_contain_text("1 of 5")
    expect(card.locator("dl")).to_contain_text("Faster refund")
    expect(card.locator("q")).to_have_text("Took weeks")
    expect(card.locator(".banner-warning")).to_contain_text("Low score")

    # when
    card.locator('textarea[name="note"]').fill("Called and apologised.")
    card.locator('[data-action="follow-up"]').click()

    # then
    expect_notification(dashboard, "success", f"Follow-up recorded for {request['number']}")
    expect(app.locator(".survey-card .follow-up-form")).to_have_count(0)
    expect(app.locator(".survey-card dl")).to_contain_text("Called and apologised.")
    response = SurveyResponse.objects.get()
    assert (response.follow_up_note, response.followed_up_by_email) == ("Called and apologised.", "staff@example.com")


def test_a_return_without_an_answer_shows_no_survey(dashboard, as_alice, order):
    request = create_request(as_alice, order, {0: 1})
    app = open_detail(dashboard, request)
    expect(app.locator(".timeline-card")).to_be_visible()
    expect(app.locator(".survey-card")).to_have_count(0)
