"""Settings: the return policy form, the reason taxonomy, carrier accounts and the return address."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_returns.models import CarrierAccount, ReturnAddress, ReturnPolicy, ReturnReason
from tests.browser import screenshot

pytestmark = pytest.mark.browser

CREATE = """
mutation($input: ReturnRequestCreateInput!) {
  returnRequestCreate(input: $input) { returnRequest { id } errors { field code message } }
}"""


def open_settings(dashboard, tab=None, **kwargs):
    frame = dashboard.open("/dashboard/settings/", **kwargs)
    frame.wait_for_selector("form.policy-form")
    if tab:
        frame.click(f'[role="tab"][data-tab="{tab}"]')
    return frame


def current_policy(shop):
    return ReturnPolicy.objects.get(installation=shop, channel_slug="", is_current=True)


def wait_for_notification(dashboard, status):
    dashboard.page.wait_for_selector(f'#dashboard-notifications li[data-status="{status}"]')
    return dashboard.notifications()


# --------------------------------------------------------------------------- return policy


def test_the_policy_shows_its_version_summary_and_history(dashboard, shop):
    # when
    frame = open_settings(dashboard)

    # then
    assert frame.locator('[role="tab"][aria-selected="true"]').inner_text() == "Return policy"
    assert frame.locator(".policy-version strong").inner_text() == "Version 1"
    summary = frame.locator(".policy-summary li").all_inner_texts()
    assert summary[0] == "Items can be returned within 30 days of delivery (until the end of the day, UTC)."
    assert frame.locator('[data-field="windowDays"] input').input_value() == "30"
    assert frame.locator('[data-field="timeZone"] input').input_value() == "UTC"
    assert frame.locator('[data-field="preset"] select').input_value() == "NONE"
    checked = frame.locator('[data-field="allowedResolutions"] input:checked')
    assert [checked.nth(i).get_attribute("value") for i in range(checked.count())] == [
        "refund", "store_credit", "exchange",
    ]
    photos = frame.locator('[data-field="photoRequiredReasonCodes"] input:checked')
    assert sorted(photos.nth(i).get_attribute("value") for i in range(photos.count())) == [
        "DAMAGED_IN_TRANSIT", "DEFECT", "PACKAGING_DAMAGED",
    ]
    assert frame.locator(".policy-versions tbody tr").count() == 1
    screenshot(dashboard.page, "settings-light-en")


@pytest.mark.parametrize(("_case", "window"), [("negative", "-1"), ("too_long", "99999")])
def test_an_invalid_window_is_refused_next_to_the_window_field(dashboard, shop, _case, window):
    # given
    frame = open_settings(dashboard)

    # when
    frame.fill('[data-field="windowDays"] input', window)
    frame.click('button[data-action="save-policy"]')

    # then: the API's message at the field, nothing saved
    error = frame.locator('[data-field="windowDays"] .field-error')
    error.wait_for()
    assert error.inner_text() == "Must be between 0 and 3650."
    assert frame.locator('[data-field="windowDays"] input').get_attribute("aria-invalid") == "true"
    assert wait_for_notification(dashboard, "error") == [
        ("error", "The return policy was not saved — Must be between 0 and 3650."),
    ]
    assert list(ReturnPolicy.objects.filter(installation=shop).values_list("version", flat=True)) == [1]
    assert frame.locator(".policy-version strong").inner_text() == "Version 1"
    if _case == "negative":
        screenshot(dashboard.page, "settings-validation")


def test_a_restocking_fee_error_lands_on_its_row(dashboard, shop):
    # given
    frame = open_settings(dashboard)
    frame.click("text=Add a restocking fee")
    frame.click("text=Add a restocking fee")

    # when: the second fee is 150 %
    frame.fill('[data-field="restockingFees.0.percentage"] input', "10")
    frame.fill('[data-field="restockingFees.1.percentage"] input', "150")
    frame.click('button[data-action="save-policy"]')

    # then
    error = frame.locator('[data-field="restockingFees.1.percentage"] .field-error')
    error.wait_for()
    assert error.inner_text() == "Must be at most 100."
    assert frame.locator('[data-field="restockingFees.0.percentage"] .field-error').inner_text() == ""
    assert ReturnPolicy.objects.filter(installation=shop).count() == 1


def test_a_valid_save_makes_a_new_version_with_its_summary(dashboard, shop):
    # given
    frame = open_settings(dashboard)
    frame.fill('[data-field="windowDays"] input', "14")
    frame.fill('[data-field="timeZone"] input', "Europe/Berlin")
    frame.fill('[data-field="customerReturnShippingFee"] input', "4.95")
    frame.uncheck('[data-field="allowedResolutions"] input[value="exchange"]')
    frame.click("text=Add a restocking fee")
    frame.select_option('[data-field="restockingFees.0.type"] select', "fixed")
    frame.fill('[data-field="restockingFees.0.fixedAmount"] input', "2.50")
    frame.click("text=Add an exception")
    frame.fill('[data-field="overrides.0.id"] input', "UHJvZHVjdFR5cGU6MQ==")
    frame.check('[data-field="overrides.0.isReturnable"] input')
    frame.check('[data-field="autoApproval.enabled"] input')
    frame.fill('[data-field="autoApproval.maxValue"] input', "50")

    # when
    frame.click('button[data-action="save-policy"]')

    # then: a new version, in force, and its summary in plain words
    assert wait_for_notification(dashboard, "success") == [
        ("success", "Return policy saved — Version 2 is now in force."),
    ]
    frame.wait_for_selector('.policy-version strong[data-version="2"]')
    policy = current_policy(shop)
    assert policy.version == 2
    rules = policy.rules
    assert (rules["window_days"], rules["time_zone"], rules["customer_return_shipping_fee"]) == (
        14, "Europe/Berlin", "4.95",
    )
    assert rules["allowed_resolutions"] == ["refund", "store_credit"]
    assert rules["restocking_fees"] == [
        {"percentage": None, "fixed_amount": "2.50", "reason_codes": [], "category_ids": []},
    ]
    assert rules["overrides"] == [
        {"kind": "product_type", "id": "UHJvZHVjdFR5cGU6MQ==", "window_days": None, "is_returnable": False},
    ]
    assert (rules["auto_approval"]["enabled"], rules["auto_approval"]["max_value"]) == (True, "50")
    summary = frame.locator(".policy-summary li").all_inner_texts()
    assert summary[0] == "Items can be returned within 14 days of delivery (until the end of the day, Europe/Berlin)."
    assert "Items in product type UHJvZHVjdFR5cGU6MQ== cannot be returned." in summary
    assert "Customers pay 4.95 for return shipping unless the shop is at fault." in summary
    assert "A restocking fee of 2.50 per unit is kept." in summary
    assert "Requests worth at most 50, with no risk flag are approved automatically; the rest wait for staff review." in summary
    assert frame.locator(".policy-versions tbody tr").all_inner_texts()[0].startswith("2")
    assert frame.locator(".policy-versions tbody tr").count() == 2
    # the form shows what was saved
    assert frame.locator('[data-field="restockingFees.0.fixedAmount"] input').input_value() == "2.50"


def test_a_preset_is_applied_on_top_of_the_rules(dashboard, shop):
    # given
    frame = open_settings(dashboard)
    frame.fill('[data-field="windowDays"] input', "3")

    # when
    frame.select_option('[data-field="preset"] select', "EU_14_DAY")
    frame.click('button[data-action="save-policy"]')

    # then
    wait_for_notification(dashboard, "success")
    frame.wait_for_selector('.policy-version strong[data-version="2"]')
    rules = current_policy(shop).rules
    assert (rules["preset"], rules["window_days"], rules["refund_original_shipping_on_withdrawal"]) == (
        "eu_14_day", 14, True,
    )
    assert frame.locator('[data-field="windowDays"] input').input_value() == "14"
    assert frame.locator('[data-field="preset"] select').input_value() == "EU_14_DAY"


# --------------------------------------------------------------------------- reasons


def test_a_duplicate_reason_code_is_refused_next_to_the_code(dashboard, shop):
    # given
    frame = open_settings(dashboard, tab="reasons")
    frame.wait_for_selector(".reason-group")

    # when
    form = frame.locator("form.reason-add")
    form.locator('[data-field="code"] input').fill("DEFECT")
    form.locator('[data-field="labelEn"] input').fill("Broken")
    form.locator('button[data-action="add-reason"]').click()

    # then
    error = form.locator('[data-field="code"] .field-error')
    error.wait_for()
    assert error.inner_text() == "A reason with this code exists."
    assert error.locator("span").get_attribute("data-code") == "UNIQUE"
    assert ReturnReason.objects.filter(installation=shop, code="DEFECT").count() == 1


def test_a_reason_is_added_edited_and_deleted(dashboard, shop):
    # given
    frame = open_settings(dashboard, tab="reasons")
    frame.wait_for_selector(".reason-group")
    form = frame.locator("form.reason-add")

    # when: added to the customer group
    form.locator('[data-field="code"] input').fill("wrong_size")
    form.locator('[data-field="labelEn"] input').fill("Wrong size")
    form.locator('[data-field="labelZhHans"] input').fill("尺码不合适")
    form.locator('[data-field="parentCode"] select').select_option("CUSTOMER")
    form.locator('button[data-action="add-reason"]').click()

    # then
    row = frame.locator('tr[data-reason="WRONG_SIZE"]')
    row.wait_for()
    assert row.locator("td").all_inner_texts()[:5] == ["WRONG_SIZE", "Wrong size", "尺码不合适", "No", "Yes"]
    reason = ReturnReason.objects.get(installation=shop, code="WRONG_SIZE")
    assert (reason.parent.code, reason.label_zh_hans, reason.is_merchant_fault) == (
        "CUSTOMER", "尺码不合适", False,
    )
    assert form.locator('[data-field="code"] input').input_value() == ""

    # when: relabelled, and made the shop's fault
    row.locator('button[data-action="edit"]').click()
    editor = frame.locator('form[data-editing="WRONG_SIZE"]')
    editor.locator('[data-field="labelEn"] input').fill("Size does not fit")
    editor.locator('[data-field="isMerchantFault"] input').check()
    editor.locator('button[data-action="save-reason"]').click()

    # then
    frame.wait_for_selector('tr[data-reason="WRONG_SIZE"] >> text=Size does not fit')
    reason.refresh_from_db()
    assert (reason.label_en, reason.is_merchant_fault) == ("Size does not fit", True)

    # when: deleted (unused)
    frame.locator('tr[data-reason="WRONG_SIZE"] button[data-action="delete"]').click()
    frame.locator("dialog.modal .btn-danger").click()

    # then
    frame.wait_for_selector('tr[data-reason="WRONG_SIZE"]', state="detached")
    assert not ReturnReason.objects.filter(installation=shop, code="WRONG_SIZE").exists()
    assert dashboard.notifications() == [
        ("success", "Reason WRONG_SIZE added"),
        ("success", "Reason WRONG_SIZE saved"),
        ("success", "Reason WRONG_SIZE deleted"),
    ]


def test_a_reason_is_deactivated_and_activated_again(dashboard, shop):
    # given
    frame = open_settings(dashboard, tab="reasons")
    frame.wait_for_selector(".reason-group")

    # when
    frame.locator('tr[data-reason="PRICE_DROPPED"] button[data-action="deactivate"]').click()

    # then
    frame.wait_for_selector('tr[data-reason="PRICE_DROPPED"].inactive')
    assert ReturnReason.objects.get(installation=shop, code="PRICE_DROPPED").is_active is False
    assert wait_for_notification(dashboard, "success") == [
        ("success", "Reason PRICE_DROPPED deactivated: customers can no longer choose it"),
    ]

    # when
    frame.locator('tr[data-reason="PRICE_DROPPED"] button[data-action="activate"]').click()

    # then
    frame.wait_for_selector('tr[data-reason="PRICE_DROPPED"]:not(.inactive)')
    assert ReturnReason.objects.get(installation=shop, code="PRICE_DROPPED").is_active is True


def test_deleting_a_reason_in_use_deactivates_it(dashboard, shop, fake_saleor, fake_app, staff_user, client):
    # given: a request gave CHANGED_MIND
    order = fake_saleor.add_order(
        user_email="alice@example.com", created=timezone.now() - timedelta(days=5),
        lines=[{"sku": "SNEAKER-42", "quantity": 1, "unit_price": Decimal("25.00")}],
    )
    fake_saleor.fulfill(order, created=timezone.now() - timedelta(days=3))
    token = fake_saleor.issue_staff_app_token(staff_user, fake_app)
    response = client.post(
        "/graphql/",
        {"query": CREATE, "variables": {"input": {"orderId": order["id"], "lines": [
            {"orderLineId": order["lines"][0]["id"], "quantity": 1, "reason": "CHANGED_MIND"}]}}},
        content_type="application/json",
        headers={"Saleor-Api-Url": shop.saleor_api_url, "Authorization": f"Bearer {token}"},
    )
    assert response.json()["data"]["returnRequestCreate"]["errors"] == []
    frame = open_settings(dashboard, tab="reasons")
    frame.wait_for_selector(".reason-group")

    # when
    frame.locator('tr[data-reason="CHANGED_MIND"] button[data-action="delete"]').click()
    frame.locator("dialog.modal .btn-danger").click()

    # then: kept for the request's history, but no longer offered
    assert wait_for_notification(dashboard, "info") == [
        ("info", "CHANGED_MIND is used by return requests, so it was deactivated instead of deleted."),
    ]
    frame.wait_for_selector('tr[data-reason="CHANGED_MIND"].inactive')
    assert ReturnReason.objects.get(installation=shop, code="CHANGED_MIND").is_active is False


# --------------------------------------------------------------------------- carriers and address


def test_a_carrier_account_shows_its_webhook_url_after_saving(dashboard, shop):
    # given
    frame = open_settings(dashboard, tab="carriers")
    frame.wait_for_selector("form.carrier-form")
    assert frame.locator(".carrier-list .empty").inner_text() == "No carrier account is connected yet."
    assert frame.locator('[data-field="webhookToken"]').is_hidden()

    # when
    frame.select_option('[data-field="provider"] select', "easypost")
    frame.fill('[data-field="name"] input', "EasyPost main")
    frame.fill('[data-field="apiKey"] input', "EZAK-test-key")
    frame.fill('[data-field="webhookSecret"] input', "whsec-test")
    frame.click('button[data-action="save-carrier"]')

    # then: the URL to paste into EasyPost, prominently, and in the list
    result = frame.locator(".webhook-result")
    result.wait_for()
    account = CarrierAccount.objects.get(installation=shop)
    assert (account.provider, account.name, account.is_default) == ("easypost", "EasyPost main", True)
    url = result.locator("input").input_value()
    assert url.endswith(f"/webhooks/carriers/easypost/{account.webhook_key}/")
    assert result.locator("h2").inner_text() == "Paste this webhook URL into EasyPost"
    assert "Webhooks" in result.locator(".hint").inner_text()
    frame.wait_for_selector("tr[data-account] input.webhook-url")
    assert frame.locator("tr[data-account] input.webhook-url").input_value() == url
    # secrets are never shown back
    assert frame.locator('[data-field="apiKey"] input').input_value() == ""
    assert frame.locator('[data-field="apiKey"] input').get_attribute("type") == "password"
    assert wait_for_notification(dashboard, "success") == [("success", "Carrier account EasyPost main saved")]

    # when: copied (the iframe may refuse the clipboard: then the text is selected)
    result.locator("button").click()

    # then
    assert result.locator(".copy-status").inner_text() in ("Copied", "Selected: press Ctrl+C (⌘C) to copy.")


def test_a_shippo_account_carries_its_token_in_the_webhook_url(dashboard, shop):
    # given
    frame = open_settings(dashboard, tab="carriers")
    frame.wait_for_selector("form.carrier-form")

    # when
    frame.select_option('[data-field="provider"] select', "shippo")
    frame.fill('[data-field="name"] input', "Shippo")
    frame.fill('[data-field="apiKey"] input', "shippo_test_key")
    frame.fill('[data-field="webhookToken"] input', "a-long-random-token")
    frame.click('button[data-action="save-carrier"]')

    # then
    result = frame.locator(".webhook-result input")
    result.wait_for()
    assert result.input_value().endswith("/?token=a-long-random-token")


def test_a_carrier_account_needs_a_name(dashboard, shop):
    # given
    frame = open_settings(dashboard, tab="carriers")
    frame.wait_for_selector("form.carrier-form")

    # when
    frame.click('button[data-action="save-carrier"]')

    # then
    error = frame.locator('form.carrier-form [data-field="name"] .field-error')
    error.wait_for()
    assert error.inner_text() == "Name the account."
    assert not CarrierAccount.objects.exists()


def test_the_return_address_is_saved_from_its_collapsible_section(dashboard, shop):
    # given
    frame = open_settings(dashboard, tab="carriers")
    frame.wait_for_selector("form.carrier-form")
    frame.click(".address-card summary")
    form = frame.locator("form.address-form")
    for name, value in {"name": "Returns desk", "street1": "Hauptstr. 1", "city": "Berlin", "zip": "10115"}.items():
        form.locator(f'[data-field="{name}"] input').fill(value)
    form.locator('[data-field="country"] input').fill("Germany")

    # when
    form.locator('button[data-action="save-address"]').click()

    # then
    error = form.locator('[data-field="country"] .field-error')
    error.wait_for()
    assert error.inner_text() == "Use the two-letter country code, e.g. DE."
    assert not ReturnAddress.objects.exists()

    # when
    form.locator('[data-field="country"] input').fill("de")
    form.locator('button[data-action="save-address"]').click()

    # then
    assert wait_for_notification(dashboard, "success")[-1] == ("success", "Return address saved")
    address = ReturnAddress.objects.get(installation=shop)
    assert (address.name, address.street1, address.city, address.zip, address.country) == (
        "Returns desk", "Hauptstr. 1", "Berlin", "10115", "DE",
    )


def test_settings_in_chinese_and_dark(dashboard, shop):
    # when
    frame = open_settings(dashboard, theme="dark", locale="zh-Hans")

    # then
    assert frame.locator("h1").inner_text() == "设置"
    assert frame.locator('[role="tab"]').all_inner_texts() == ["退货政策", "退货原因", "物流商", "退货门户", "消息模板", "邮件发件人", "Webhook", "销售记录", "API 密钥"]
    assert frame.locator(".policy-version strong").inner_text() == "第 1 版"
    assert frame.locator('button[data-action="save-policy"]').inner_text() == "保存政策"
    assert frame.locator(".policy-summary li").first.inner_text() == "商品可在签收后 30 天内退货（截至当天结束，UTC）。"
    screenshot(dashboard.page, "settings-dark-zh-Hans")


def test_tabs_work_from_the_keyboard_and_are_remembered(dashboard, shop):
    # given
    frame = open_settings(dashboard)

    # when
    frame.locator('[role="tab"][data-tab="policy"]').focus()
    dashboard.page.keyboard.press("ArrowRight")

    # then
    frame.wait_for_selector('[role="tab"][data-tab="reasons"][aria-selected="true"]')
    assert frame.evaluate("() => document.activeElement.dataset.tab") == "reasons"
    assert frame.locator("#settings-panel-policy").is_hidden()
    assert "tab=reasons" in frame.evaluate("() => location.search")


def test_the_saved_return_address_is_shown_for_its_warehouse(dashboard, shop, fake_saleor):
    # given: an address for the shop and one for the Berlin warehouse
    berlin = fake_saleor.add_warehouse("Berlin")
    ReturnAddress.objects.create(installation=shop, warehouse_id="", name="Main desk", street1="Main St 1", city="Springfield",
                                 zip="12345", country="US", is_default=True)
    ReturnAddress.objects.create(installation=shop, warehouse_id=berlin["id"], name="Berlin desk", street1="Hauptstr. 1",
                                 city="Berlin", zip="10115", country="DE")
    frame = open_settings(dashboard, tab="carriers")
    frame.wait_for_selector("form.carrier-form")

    # when
    frame.click(".address-card summary")
    form = frame.locator("form.address-form")

    # then: the shop's address first
    city = form.locator('[data-field="city"] input')
    frame.wait_for_function("() => document.querySelector('form.address-form [name=city]').value !== ''")
    assert city.input_value() == "Springfield"
    assert form.locator('[data-field="isDefault"] input').is_checked()

    # when: the Berlin warehouse is chosen
    frame.wait_for_selector(f'form.address-form option[value="{berlin["id"]}"]', state="attached")
    form.locator('[data-field="warehouseId"] select').select_option(berlin["id"])

    # then
    assert city.input_value() == "Berlin"
    assert form.locator('[data-field="name"] input').input_value() == "Berlin desk"
    assert not form.locator('[data-field="isDefault"] input').is_checked()


# --------------------------------------------------------------------------- API keys


def test_an_api_key_is_created_with_its_scopes_shown_once_and_revoked(dashboard, shop, fake_saleor, staff_user):
    from saleor_returns.models import ApiKey

    # given: the staff member does not hold MANAGE_PRODUCTS
    staff_user["userPermissions"] = [p for p in staff_user["userPermissions"] if p["code"] != "MANAGE_PRODUCTS"]
    frame = open_settings(dashboard, tab="keys")
    frame.wait_for_selector("form.key-form")

    # then: a scope the staff member lacks cannot be ticked, and says why
    restock = frame.locator('[data-field="scopes"] input[value="MANAGE_PRODUCTS"]')
    assert restock.is_disabled()
    assert "you do not hold MANAGE_PRODUCTS" in frame.locator('[data-field="scopes"]').inner_text()

    # when
    frame.fill('form.key-form [data-field="name"] input', "Warehouse")
    frame.check('[data-field="scopes"] input[value="MANAGE_ORDERS"]')
    frame.check('[data-field="scopes"] input[value="GUEST_LOOKUP"]')
    frame.click('button[data-action="create-key"]')
    frame.wait_for_selector("input[data-new-key]")

    # then
    key = ApiKey.objects.get(installation=shop)
    shown = frame.locator("input[data-new-key]").input_value()
    assert shown.startswith(f"rk_{key.prefix}_")
    assert key.scopes == ["GUEST_LOOKUP", "MANAGE_ORDERS"]
    assert key.created_by_email == staff_user["email"]
    row = frame.locator(f'tr[data-key] >> text="Warehouse"').locator("xpath=ancestor::tr")
    assert "staff@example.com" in row.inner_text()
    assert "Never" in row.inner_text()

    # when
    row.locator('button[data-action="revoke-key"]').click()
    frame.click('dialog.modal button:has-text("Revoke")')

    # then
    wait_for_notification(dashboard, "success")
    frame.wait_for_selector("text=No API key yet.")
    key.refresh_from_db()
    assert key.revoked_reason == "revoked"
