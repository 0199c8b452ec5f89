"""The desk offers a staff member only what their own Saleor permissions allow, and says what is missing."""

import pytest
from playwright.sync_api import expect

from saleor_returns.fakes.dashboard.pages import install_dashboard_double
from saleor_returns.models import ReturnPolicy
from tests.api.conftest import alice, as_alice, create_request  # noqa: F401 - fixtures
from tests.browser.conftest import Dashboard
from tests.browser.test_detail import open_detail, received
from tests.browser.test_detail_resolutions import inspected, order  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def orders_only(dashboard, fake_saleor, fake_app, live_server):
    """The Dashboard signed in as a staff member whose groups give MANAGE_ORDERS and HANDLE_PAYMENTS only."""
    member = fake_saleor.add_staff("clerk@example.com", ["MANAGE_ORDERS", "HANDLE_PAYMENTS"])
    install_dashboard_double(fake_saleor, staff_email=member["email"])
    return Dashboard(page=dashboard.page, fake=fake_saleor, app=fake_app, staff=member, app_base_url=live_server.url)


def test_resolutions_the_staff_member_may_not_pay_are_offered_disabled_with_the_reason(orders_only, as_alice, order):
    # given: an inspected return
    request = create_request(as_alice, order, {0: 2})
    inspected(request, accepted=2)
    app = open_detail(orders_only, request)

    # when
    app.locator('[data-action="resolve"]').click()

    # then: a refund can be made; store credit names the permission it needs
    resolution = app.locator('[data-panel=resolve] select[name="resolution"]')
    expect(resolution).to_have_value("REFUND")
    store_credit = resolution.locator('option[value="STORE_CREDIT"]')
    expect(store_credit).to_be_disabled()
    expect(store_credit).to_have_text("Store credit (Needs MANAGE_GIFT_CARD in Saleor)")
    expect(resolution.locator('option[value="REFUND"]')).to_be_enabled()


def test_restocking_is_offered_only_to_staff_who_manage_products(orders_only, as_alice, order):
    # given: a received return
    request = create_request(as_alice, order, {0: 1})
    received(request, {0: 1})
    app = open_detail(orders_only, request)

    # when
    app.locator('[data-action="inspect"]').click()

    # then
    disposition = app.locator('[data-panel=inspect] select[name="disposition"]').first
    expect(disposition).to_have_value("SCRAP")
    restock = disposition.locator('option[value="RESTOCK"]')
    expect(restock).to_be_disabled()
    expect(restock).to_have_text("Restock (Needs MANAGE_PRODUCTS in Saleor)")


def test_settings_are_read_only_without_the_permission_to_change_them(orders_only, shop):
    # when
    orders_only.open("/dashboard/settings/")
    app = orders_only.frame_locator
    save = app.locator('[data-action="save-policy"]')
    save.wait_for()

    # then: the policy can be read, not saved, and the page says why
    expect(save).to_be_disabled()
    expect(app.locator("#settings-panel-policy .banner")).to_contain_text(
        "You can read these; changing them needs MANAGE_SETTINGS in Saleor."
    )
    versions = ReturnPolicy.objects.count()

    # when: the carriers tab
    app.locator('[data-tab="carriers"]').click()

    # then: carrier accounts need MANAGE_APPS, return addresses MANAGE_SETTINGS
    expect(app.locator('[data-action="save-carrier"]')).to_be_disabled()
    expect(app.locator('[data-action="save-address"]')).to_be_disabled()
    expect(app.locator("#settings-panel-carriers")).to_contain_text("needs MANAGE_APPS in Saleor")
    expect(app.locator("#settings-panel-carriers")).to_contain_text("needs MANAGE_SETTINGS in Saleor")
    assert ReturnPolicy.objects.count() == versions


def test_staff_holding_every_permission_see_no_restriction(dashboard, shop):
    # when
    dashboard.open("/dashboard/settings/")
    app = dashboard.frame_locator
    save = app.locator('[data-action="save-policy"]')
    save.wait_for()

    # then
    expect(save).to_be_enabled()
    assert app.locator("fieldset.read-only").count() == 0
