"""The return detail page's other ways to close a request: a replacement for a claim, store credit,
an exchange, cancelling, and exactly the actions each status allows."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from saleor_returns.fakes.dashboard.routes import order_route
from saleor_returns.inspection import actions as inspection_actions
from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import Refund, ReplacementOrder
from saleor_returns.requestors import SYSTEM
from saleor_returns.requests import actions as request_actions
from saleor_returns.resolutions import actions as resolution_actions
from saleor_returns.shipping import actions as shipping_actions
from tests.api.conftest import CREATE, alice, as_alice, create_request, shipped_order  # noqa: F401 - fixtures
from tests.browser import screenshot
from tests.browser.test_detail import (
    RULES,
    STAFF,
    action_keys,
    expect_notification,
    expect_status,
    line_pk,
    open_detail,
    png,
    received,
    stored,
    upload,
)

pytestmark = pytest.mark.browser

ADDRESS = {
    "__typename": "Address", "id": "QWRkcmVzczox", "firstName": "Alice", "lastName": "Doe", "companyName": "",
    "streetAddress1": "Hauptstr. 1", "streetAddress2": "", "city": "Berlin", "cityArea": "", "postalCode": "10115",
    "country": {"__typename": "CountryDisplay", "code": "DE", "country": "Germany"}, "countryArea": "", "phone": "",
}
COMPONENTS = ("items", "restockingFee", "returnShippingFee", "originalShipping", "storeCreditBonus", "total")


@pytest.fixture
def order(fake_saleor, alice):  # noqa: F811 - the imported fixture
    """Alice's delivered order (2 sneakers at 25.00, a jacket at 40.00, 10.00 shipping), paid by card, with
    the address and delivery method a replacement order copies and sneakers in stock to send again."""
    method = fake_saleor.add_shipping_method("Standard", Decimal("0"))
    order = shipped_order(fake_saleor, alice)
    # Saleor answers an order's delivery method as the ShippingMethod union member.
    order.update(shippingAddress=ADDRESS, billingAddress=dict(ADDRESS),
                 deliveryMethod={**method, "__typename": "ShippingMethod"})
    fake_saleor.add_transaction(order, charged=Decimal("100.00"))
    fake_saleor.set_stock("SNEAKER-42", 5)
    return order


@pytest.fixture
def credit_policy(shop):
    """The fees of test_detail.py, and a 10 % bonus for taking store credit instead of money."""
    rules = {**RULES, "store_credit_bonus_percentage": "10"}
    return installation_actions.update_return_policy(installation=shop, channel_slug="", rules=rules, preset=None, actor=SYSTEM)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def damage_claim(caller, order: dict) -> dict:
    """Alice reports one sneaker arrived broken, with the photo such a claim needs."""
    photo = upload(caller, "broken-sole.png", png(), "image/png")
    line = {"orderLineId": order["lines"][0]["id"], "quantity": 1, "reason": "DAMAGED_IN_TRANSIT",
            "evidenceIds": [photo]}
    payload = caller(CREATE, {"input": {"orderId": order["id"], "kind": "DAMAGED_ON_ARRIVAL", "lines": [line]}})
    payload = payload["data"]["returnRequestCreate"]
    assert payload["errors"] == [], payload["errors"]
    return payload["returnRequest"]


def inspected(request: dict, accepted: int) -> None:
    """Every requested sneaker came back and `accepted` of them pass inspection (scrapped)."""
    quantity = request["lines"][0]["requestedQuantity"]
    return_request = received(request, {0: quantity})
    inspection_actions.inspect_return_lines(return_request=return_request, actor=STAFF, inspections=[
        inspection_actions.InspectionInput(line_id=line_pk(request, 0), accepted_quantity=accepted, condition="opened",
                                disposition="scrap"),
    ])
    assert stored(request).status == "inspected"


def new_orders(fake_saleor, original: dict) -> list[dict]:
    return [o for o in fake_saleor.orders if o["id"] != original["id"] and o.get("externalReference")]


def figures(app) -> dict[str, str]:
    shown = app.locator(".preview-figures")
    return {name: shown.locator(f'dd[data-component="{name}"]').inner_text() for name in COMPONENTS}


def money_fact(app, label: str):
    """The value next to `label` in the Money card."""
    return app.locator(".money-card dt", has_text=label).locator("xpath=following-sibling::dd[1]")


def show_money(app) -> None:
    """Scroll the app's frame to the Money card, so a screenshot shows how the return was resolved."""
    app.locator(".money-card").evaluate("card => card.scrollIntoView({block: 'center'})")


def test_a_damage_claim_is_approved_and_replaced_from_the_detail_page(dashboard, fake_saleor, as_alice, order, media):
    # given: alice's claim for one broken sneaker waits for review
    request = damage_claim(as_alice, order)
    number = request["number"]
    assert stored(request).status == "pending_review"
    app = open_detail(dashboard, request)
    expect(app.locator(".kind-tag")).to_have_text("Damaged on arrival")
    expect(app.locator("button.thumb img")).to_have_attribute("alt", "broken-sole.png")

    # when: staff approve it as claimed
    app.locator('[data-action="approve"]').click()
    app.locator('[data-submit="approve"]').click()

    # then: a claim ships nothing back, so it can be resolved at once
    expect_status(app, "APPROVED")
    expect_notification(dashboard, "success", f"{number} approved")
    assert action_keys(app) == ["resolve", "cancel"]
    expect(app.locator(".banner")).to_have_count(0)

    # when: staff preview the resolution; the customer's wish, a refund, comes first
    app.locator('[data-action="resolve"]').click()
    resolution = app.locator('[data-panel=resolve] select[name="resolution"]')
    expect(resolution).to_have_value("REFUND")
    expect(app.locator('.preview-figures dd[data-component="total"]')).to_have_text("$35.00")

    # then: every component is shown; the shop was at fault, so the shipping goes back too
    assert figures(app) == {"items": "$25.00", "restockingFee": "$0.00", "returnShippingFee": "$0.00",
                            "originalShipping": "$10.00", "storeCreditBonus": "$0.00", "total": "$35.00"}
    assert resolution.locator("option").evaluate_all("options => options.map(o => o.value)") == [
        "REFUND", "STORE_CREDIT", "REPLACEMENT",
    ]

    # when: a replacement is chosen instead
    resolution.select_option("REPLACEMENT")

    # then: no money moves, which the panel says instead of figures
    expect(app.locator(".preview-figures")).to_have_count(0)
    expect(app.locator("[data-panel=resolve] .preview")).to_have_text(
        "A new Saleor order sends the same item again at no charge; no money is refunded."
    )
    expect(app.locator('[data-submit="resolve"]')).to_be_enabled()

    # when
    app.locator('[data-submit="resolve"]').click()

    # then: Saleor has a no-charge order for the same sneaker, and the claim is resolved
    expect_status(app, "RESOLVED")
    expect_notification(dashboard, "success", f"{number} resolved")
    (created,) = new_orders(fake_saleor, order)
    assert created["status"] != "DRAFT"
    assert [(line["productSku"], line["quantity"], line["unitPrice"]["gross"]["amount"])
            for line in created["lines"]] == [("SNEAKER-42", 1, 0.0)]
    replacement = ReplacementOrder.objects.get()
    assert (replacement.status, replacement.saleor_order_id, replacement.saleor_order_number) == (
        "completed", created["id"], str(created["number"]),
    )
    assert not Refund.objects.exists()
    expect(app.locator(".money-card")).to_contain_text("Replacement order")
    expect(money_fact(app, "Status")).to_have_text("Created")
    expect(money_fact(app, "Units")).to_have_text("1")
    expect(app.locator(".money-card")).not_to_contain_text("Nothing has been refunded yet.")
    assert action_keys(app) == []
    # a claim ships nothing back; once resolved, the resolution is staff's choice
    expect(app.locator("[data-empty]")).to_have_text("Nothing is sent back for this request.")
    expect(app.locator(".detail")).to_contain_text("Resolution")
    show_money(app)
    screenshot(dashboard.page, "detail-claim-replacement")

    # when: the new order's number is clicked
    opened = app.get_by_role("button", name=f"Open order #{created['number']} in the Dashboard")
    expect(opened).to_have_text(f"#{created['number']}")
    opened.click()

    # then: the Dashboard is asked to show the replacement order, not the original one
    dashboard.wait_for_url(order_route(created["id"]))
    assert dashboard.redirects() == [f"/orders/{created['id']}"]


def test_an_inspected_return_is_resolved_with_store_credit(dashboard, fake_saleor, as_alice, credit_policy, order):
    # given: both sneakers came back and were accepted; alice changed her mind
    request = create_request(as_alice, order, {0: 2})
    number = request["number"]
    inspected(request, accepted=2)
    app = open_detail(dashboard, request)
    expect_status(app, "INSPECTED")

    # when: staff preview store credit instead of the refund she asked for
    app.locator('[data-action="resolve"]').click()
    resolution = app.locator('[data-panel=resolve] select[name="resolution"]')
    expect(resolution).to_have_value("REFUND")
    total = app.locator('.preview-figures dd[data-component="total"]')
    expect(total).to_have_text("$40.00")
    assert figures(app)["storeCreditBonus"] == "$0.00"
    resolution.select_option("STORE_CREDIT")

    # then: the bonus (10 % of what is refunded after the fees) is added
    expect(total).to_have_text("$44.00")
    assert figures(app) == {"items": "$50.00", "restockingFee": "−$5.00", "returnShippingFee": "−$5.00",
                            "originalShipping": "$0.00", "storeCreditBonus": "$4.00", "total": "$44.00"}

    # when
    app.locator('[data-submit="resolve"]').click()

    # then: one gift card in Saleor, for the previewed total; the page shows the end of its code
    expect_status(app, "RESOLVED")
    expect_notification(dashboard, "success", f"{number} resolved")
    (card,) = fake_saleor.gift_cards
    refund = Refund.objects.get()
    assert (refund.kind, refund.status, refund.amount) == ("store_credit", "succeeded", Decimal("44.00"))
    assert refund.gift_card_last4 == card["last4CodeChars"]
    expect(app.locator(".refund")).to_have_attribute("data-refund-status", "succeeded")
    expect(app.locator('.refund dd[data-money="refund-amount"]')).to_have_text("$44.00")
    expect(money_fact(app, "Method")).to_have_text("Store credit (gift card)")
    expect(money_fact(app, "Gift card")).to_have_text(f"•••• {card['last4CodeChars']}")
    expect(app.locator(".money-card")).not_to_contain_text(card["code"])
    assert not fake_saleor.lookup(order["id"])["grantedRefunds"]
    assert action_keys(app) == []
    show_money(app)
    screenshot(dashboard.page, "detail-store-credit")


def test_an_exchange_sends_the_cheaper_item_and_refunds_the_difference(dashboard, fake_saleor, as_alice, order):
    # given: alice sends a 25.00 sneaker back for one in size 41 at 20.00; it passed inspection
    size_41 = fake_saleor.add_variant("SNEAKER-41", price=Decimal("20.00"), stocks={"Default warehouse": 3},
                                      product_name="Sneaker", variant_name="41")
    request = create_request(as_alice, order, {0: 1}, kind="EXCHANGE", resolution="EXCHANGE",
                             exchangeVariantId=size_41["id"])
    number = request["number"]
    inspected(request, accepted=1)
    app = open_detail(dashboard, request)

    # when: staff open the resolution
    app.locator('[data-action="resolve"]').click()

    # then: the exchange she asked for comes first; there is no refund preview for it
    resolution = app.locator('[data-panel=resolve] select[name="resolution"]')
    expect(resolution).to_have_value("EXCHANGE")
    assert resolution.locator("option").evaluate_all("options => options.map(o => o.value)") == [
        "REFUND", "STORE_CREDIT", "EXCHANGE",
    ]
    expect(app.locator("[data-panel=resolve] .preview")).to_have_text(
        "A new Saleor order sends the chosen item; a price difference is refunded, or waits for the customer's payment."
    )

    # when
    app.locator('[data-submit="resolve"]').click()

    # then: Saleor sends size 41, the 5.00 difference goes back to her card, and the return is resolved
    expect_status(app, "RESOLVED")
    expect_notification(dashboard, "success", f"{number} resolved")
    (created,) = new_orders(fake_saleor, order)
    assert created["status"] != "DRAFT"
    assert [(line["productSku"], line["quantity"]) for line in created["lines"]] == [("SNEAKER-41", 1)]
    replacement = ReplacementOrder.objects.get()
    assert (replacement.status, replacement.saleor_order_id, replacement.price_difference) == (
        "completed", created["id"], Decimal("-5.00"),
    )
    refund = Refund.objects.get()
    assert (refund.kind, refund.status, refund.amount) == ("original_payment", "succeeded", Decimal("5.00"))
    expect(app.locator(".money-card")).to_contain_text("Replacement order")
    expect(app.get_by_role("button", name=f"Open order #{created['number']} in the Dashboard")).to_have_text(
        f"#{created['number']}"
    )
    expect(app.locator('.refund dd[data-money="refund-amount"]')).to_have_text("$5.00")
    expect(app.locator('.refund dd[data-component="EXCHANGE_PRICE_DIFFERENCE"]')).to_have_text("$5.00")
    expect(app.locator('.money-card dt[data-money="difference"]')).to_have_text("Price difference refunded")
    expect(app.locator('.money-card dd[data-money="difference"]')).to_have_text("$5.00")
    assert action_keys(app) == []


def test_a_dearer_exchange_waits_for_the_customers_payment_then_resolves(dashboard, fake_saleor, as_alice, order):
    from saleor_returns.resolutions import tasks as resolution_tasks

    # given: alice swaps her 25.00 sneaker for boots at 40.00; it passed inspection
    boots = fake_saleor.add_variant("BOOT-41", price=Decimal("40.00"), stocks={"Default warehouse": 3},
                                    product_name="Boot", variant_name="41")
    request = create_request(as_alice, order, {0: 1}, kind="EXCHANGE", resolution="EXCHANGE", exchangeVariantId=boots["id"])
    inspected(request, accepted=1)
    app = open_detail(dashboard, request)

    # when
    app.locator('[data-action="resolve"]').click()
    app.locator('[data-submit="resolve"]').click()

    # then: the order waits as a draft for the 15.00 she owes; the return stays inspected
    expect_notification(dashboard, "success", f"Replacement order started for {request['number']}")
    expect(app.locator(".money-card")).to_contain_text("Waiting for the customer's payment")
    expect(app.locator('.money-card dt[data-money="difference"]')).to_have_text("Customer pays on the order")
    expect(app.locator('.money-card dd[data-money="difference"]')).to_have_text("$15.00")
    expect_status(app, "INSPECTED")
    (draft,) = new_orders(fake_saleor, order)
    assert draft["status"] == "DRAFT"

    # when: the shop places the order in Saleor, alice pays, and the app looks again
    status, completed = fake_saleor.execute(
        "mutation($id: ID!) { draftOrderComplete(id: $id) { errors { message } } }", {"id": draft["id"]},
        token=fake_saleor.apps[0]["token"],
    )
    assert completed["data"]["draftOrderComplete"]["errors"] == []
    fake_saleor.pay(draft)
    resolution_tasks.reconcile_replacement_payments_task()
    app = open_detail(dashboard, request)

    # then
    expect_status(app, "RESOLVED")
    expect(app.locator(".timeline")).to_contain_text(
        f"Payment received; your new item is on its way with order #{draft['number']}."
    )
    assert action_keys(app) == []


def test_staff_cancel_a_request_after_confirming(dashboard, as_alice, order):
    # given
    request = create_request(as_alice, order, {0: 1})
    number = request["number"]
    app = open_detail(dashboard, request)
    cancel = app.locator('[data-action="cancel"]')

    # when: Cancel return is clicked, then the return kept
    cancel.click()
    dialog = app.locator('dialog[data-dialog="cancel"]')
    expect(dialog.locator(".modal-title")).to_have_text(f"Cancel {number}?")
    expect(dialog).to_contain_text("This cannot be undone.")
    expect(dialog.locator('textarea[name="note"]')).to_be_focused()
    dialog.get_by_role("button", name="Keep the return").click()

    # then: nothing happened, and focus is back on the button
    expect(dialog).to_have_count(0)
    expect(cancel).to_be_focused()
    assert stored(request).status == "pending_review"
    assert dashboard.notifications() == []

    # when: confirmed, with a note
    cancel.click()
    dialog.locator('textarea[name="note"]').fill("Customer asked by phone to call it off.")
    dialog.locator('[data-submit="cancel"]').click()

    # then: canceled, and nothing but a note can be done any more
    expect_status(app, "CANCELED")
    expect(dialog).to_have_count(0)
    expect_notification(dashboard, "success", f"{number} canceled")
    assert action_keys(app) == []
    assert app.locator("[data-action]").evaluate_all(
        "buttons => buttons.filter(b => !b.closest('.messages-card')).map(b => b.dataset.action)") == ["add-note"]
    expect(app.locator(".timeline > li").first).to_contain_text("Customer asked by phone to call it off.")
    return_request = stored(request)
    assert return_request.status == "canceled"
    assert return_request.events.filter(type="status_changed", to_status="canceled").count() == 1


# --------------------------------------------------------------------------- the actions of each status


def approve(request):
    request_actions.approve_return_request(return_request=stored(request), actor=STAFF)


def ship(request):
    approve(request)
    shipping_actions.add_customer_tracking(return_request=stored(request), actor=STAFF, carrier="UPS", tracking_number="1Z1")


def receive_one(request):
    received(request, {0: 1})


def receive_both(request):
    received(request, {0: 2})


def inspect_both(request):
    inspected(request, accepted=2)


def resolve(request):
    inspect_both(request)
    resolution_actions.resolve_return_request(return_request=stored(request), actor=STAFF, resolution="refund")


def reject(request):
    request_actions.reject_return_request(return_request=stored(request), actor=STAFF, message="Worn shoes.")


def cancel(request):
    request_actions.cancel_return_request(return_request=stored(request), actor=STAFF)


@pytest.mark.parametrize(("_case", "is_claim", "steps", "status", "expected"), [
    ("in review", False, [], "PENDING_REVIEW", ["approve", "request-info", "reject", "cancel"]),
    ("approved claim", True, [approve], "APPROVED", ["resolve", "cancel"]),
    ("approved return, no parcel yet", False, [approve], "APPROVED", ["receive", "add-tracking", "cancel"]),
    ("parcel on its way", False, [ship], "AWAITING_SHIPMENT", ["receive", "cancel"]),
    ("one of two received", False, [receive_one], "RECEIVED", ["receive", "inspect"]),
    ("all received", False, [receive_both], "RECEIVED", ["inspect"]),
    ("inspected", False, [inspect_both], "INSPECTED", ["resolve"]),
    ("resolved", False, [resolve], "RESOLVED", []),
    ("rejected", False, [reject], "REJECTED", []),
    ("canceled", False, [cancel], "CANCELED", []),
])
def test_each_status_shows_exactly_its_actions(dashboard, as_alice, order, media, _case, is_claim, steps, status,
                                               expected):
    # given: two sneakers asked back (or one claimed), brought to `status` by the domain
    request = damage_claim(as_alice, order) if is_claim else create_request(as_alice, order, {0: 2})
    for step in steps:
        step(request)
    assert stored(request).status == status.lower()

    # when
    app = open_detail(dashboard, request)

    # then: the head offers exactly these actions, and the note form is always there (the messages
    # card's resend and log buttons belong to each message the steps told, whatever the status)
    expect_status(app, status)
    assert action_keys(app) == expected
    keys = app.locator("[data-action]").evaluate_all(
        "buttons => buttons.filter(b => !b.closest('.messages-card')).map(b => b.dataset.action)")
    assert keys == [*expected, "add-note"]
    expect(app.locator('.note-form textarea[name="note"]')).to_be_editable()


def test_a_failed_replacement_order_is_retried_from_the_detail_page(dashboard, fake_saleor, as_alice, order, media):
    # given: an approved damage claim whose replacement failed, the sneaker being out of stock
    request = damage_claim(as_alice, order)
    request_actions.approve_return_request(return_request=stored(request), actor=STAFF)
    fake_saleor.set_stock("SNEAKER-42", 0)
    resolution_actions.resolve_return_request(return_request=stored(request), actor=STAFF, resolution="replacement")
    assert ReplacementOrder.objects.get().status == "failed"
    app = open_detail(dashboard, request)
    assert "retry-replacement" in action_keys(app)

    # when: the stock is back and staff retry
    fake_saleor.set_stock("SNEAKER-42", 5)
    app.locator('[data-action="retry-replacement"]').click()
    app.locator('dialog[data-dialog="retry-replacement"] [data-submit="retry-replacement"]').click()

    # then: one order, completed, and the claim resolved
    expect_notification(dashboard, "success", f"Replacement order retried for {request['number']}")
    expect_status(app, "RESOLVED")
    (created,) = new_orders(fake_saleor, order)
    assert ReplacementOrder.objects.get().saleor_order_id == created["id"]
    assert "retry-replacement" not in action_keys(app)
