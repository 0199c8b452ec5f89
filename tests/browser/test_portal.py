"""The hosted returns portal in Chromium: the whole journey of a guest and of a signed-in customer, on a phone
(390 × 844) and a desktop, in English and Chinese, with an accessibility check (axe) of every kind of page."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect
from axe_playwright_python.sync_playwright import Axe

from saleor_returns.models import ReturnRequest
from tests.api.conftest import alice, shipped_order  # noqa: F401 - the API tests' customer
from tests.browser import screenshot
from tests.evidence import png

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "returns-demo"
AXE = Axe()


def assert_accessible(page, name: str) -> None:
    """axe finds no serious or critical violation; the page is kept as a screenshot."""
    screenshot(page, f"portal-{name}")
    violations = AXE.run(page).response["violations"]
    serious = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
               for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


@pytest.fixture
def portal(live_server, settings, shop, fake_saleor):
    settings.APP_PUBLIC_URL = live_server.url
    return f"{live_server.url}/portal/{shop.pk}/"


def open_page(browser, viewport, locale):
    context = browser.new_context(viewport=viewport, locale=locale,
                                  extra_http_headers={"Accept-Language": locale})
    page = context.new_page()
    # What the page itself complains of (a refused script or style, a script error); a 4xx answer
    # the journey asks for on purpose is logged as a failed load and left out.
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


@pytest.mark.parametrize(("_case", "viewport", "locale"), [("phone_en", PHONE, "en-US"),
                                                           ("desktop_zh", DESKTOP, "zh-CN")])
def test_a_guest_returns_an_item_with_a_photo_and_follows_it(browser, portal, fake_saleor, alice, _case, viewport,
                                                             locale):
    # given: an order placed in the browser's language (the portal speaks the order's)
    order = shipped_order(fake_saleor, alice)
    chinese = locale.startswith("zh")
    order["languageCodeEnum"] = "ZH_HANS" if chinese else "EN_US"
    context, page, console_errors = open_page(browser, viewport, locale)
    try:
        # the first page: the policy and the ways in
        page.goto(portal)
        assert page.locator("html").get_attribute("lang") == ("zh-Hans" if chinese else "en")
        assert page.locator(".policy li").count() > 0
        assert_accessible(page, f"home-{_case}")

        # a wrong e-mail is told at the form, the summary taking the focus
        page.fill("#lookup-orderNumber", str(order["number"]))
        page.fill("#lookup-email", "someone@example.com")
        page.click("#lookup button[type=submit]")
        page.wait_for_selector("#lookup-errors-title")
        page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
        assert_accessible(page, f"lookup-error-{_case}")

        # the right one opens the order
        page.fill("#lookup-email", order["userEmail"])
        page.click("#lookup button[type=submit]")
        page.wait_for_url("**/orders")
        assert_accessible(page, f"orders-{_case}")
        page.click(f"a[href$='orders/{order['id']}/return']")

        # the form: an item, a reason needing a photo, the photo from the camera, a refund
        page.wait_for_selector("form[data-return-form]")
        assert page.locator("#line0-photos").get_attribute("capture") == "environment"
        # the script hides what is not chosen once it runs (deferred): wait for it
        expect(page.locator("#line0-details")).to_be_hidden()
        page.check("#line0-selected")
        expect(page.locator("#line0-details")).to_be_visible()
        page.select_option("#line0-reason", "DEFECT")
        page.set_input_files("#line0-photos", files=[{"name": "sole.png", "mimeType": "image/png",
                                                      "buffer": png()}])
        page.check("#resolution-REFUND")
        expect(page.locator("[data-estimate]")).to_be_visible()
        assert_accessible(page, f"form-{_case}")
        page.click("[data-submit]")

        # the return's page
        page.wait_for_url("**/return/*")
        assert page.locator("h1").inner_text().startswith("退货 RMA-" if chinese else "Return RMA-")
        assert_accessible(page, f"return-{_case}")
        return_request = ReturnRequest.objects.get()
        assert return_request.evidence.count() == 1

        # cancel, confirmed
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#cancel button")
        page.wait_for_selector(".notice")
        return_request.refresh_from_db()
        assert return_request.status == "canceled"
        assert console_errors == []
    finally:
        context.close()


@pytest.mark.parametrize(("_case", "viewport", "locale"), [("phone_zh", PHONE, "zh-CN"),
                                                           ("desktop_en", DESKTOP, "en-US")])
def test_a_customer_signs_in_and_exchanges_an_item(browser, portal, fake_saleor, _case, viewport, locale):
    # given
    chinese = locale.startswith("zh")
    customer = fake_saleor.add_customer("dara@example.com", password=PASSWORD,
                                        languageCode="ZH_HANS" if chinese else "EN_US")
    order = shipped_order(fake_saleor, customer)
    fake_saleor.add_warehouse("Main")
    fake_saleor.add_variant("SNEAKER-43", price=Decimal("25.00"), product_name="Sneaker", variant_name="43",
                            stocks={"Main": 4})
    context, page, console_errors = open_page(browser, viewport, locale)
    try:
        # a wrong password is told next to the password
        page.goto(portal)
        page.fill("#signin-email", customer["email"])
        page.fill("#signin-password", "wrong")
        page.click("#signin button[type=submit]")
        page.wait_for_selector("#signin-password-error")
        assert page.locator("#signin-password").get_attribute("aria-invalid") == "true"

        # signed in: my orders
        page.fill("#signin-password", PASSWORD)
        page.click("#signin button[type=submit]")
        page.wait_for_url("**/orders")
        assert customer["email"] in page.locator("main").inner_text()
        page.click(f"a[href$='orders/{order['id']}/return']")

        # an exchange without a size is refused at the picker
        page.wait_for_selector("form[data-return-form]")
        page.check("#line0-selected")
        page.select_option("#line0-reason", "ORDERED_BY_MISTAKE")
        page.check("#resolution-EXCHANGE")
        expect(page.locator("[data-exchange]")).to_be_visible()
        page.click("[data-submit]")
        page.wait_for_selector("#request-exchangeVariantId-error")
        page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
        assert_accessible(page, f"form-errors-{_case}")

        # the size in stock
        page.check("#line0-selected")
        page.select_option("#line0-reason", "ORDERED_BY_MISTAKE")
        page.check("#resolution-EXCHANGE")
        page.locator("[data-exchange] label", has_text="43").click()
        page.click("[data-submit]")
        page.wait_for_url("**/return/*")
        expected = "换成其他尺码或颜色" if chinese else "Exchange for another size or colour"
        assert expected in page.locator("main").inner_text()
        assert_accessible(page, f"return-{_case}")
        assert ReturnRequest.objects.get().exchange_variant_id
        assert console_errors == []

        # signing out ends the session
        page.click(".sign-out button")
        page.wait_for_selector("#lookup")
    finally:
        context.close()


def test_staff_brand_the_portal_in_the_desks_settings(dashboard, shop):
    # given
    from saleor_returns.models import PortalSettings

    frame = dashboard.open("/dashboard/settings/?tab=portal")
    frame.wait_for_selector("form.portal-form")
    assert frame.locator('[role="tab"][aria-selected="true"]').inner_text() == "Returns portal"
    assert frame.locator(".copy-row input").input_value() == f"{dashboard.app_base_url}/portal/{shop.pk}/"

    # when: a colour that is not one, and a framing site with a path
    frame.fill('[data-field="primaryColor"] input', "blue")
    frame.fill('[data-field="frameAncestors"] textarea', "https://shop.example.com/returns")
    frame.click('button[data-action="save-portal"]')

    # then: the API's message at the field, nothing saved
    error = frame.locator('[data-field="primaryColor"] .field-error')
    error.wait_for()
    assert error.inner_text() == "Give a colour as # and six hexadecimal digits, e.g. #1F4FD1."
    assert not PortalSettings.objects.filter(installation=shop).exists()

    # when
    frame.fill('[data-field="primaryColor"] input', "#FFD400")
    frame.fill('[data-field="frameAncestors"] textarea', "https://shop.example.com/")
    frame.fill('[data-field="shopName"] input', "Sneaker Shop")
    frame.click('button[data-action="save-portal"]')

    # then
    dashboard.page.wait_for_selector('#dashboard-notifications li[data-status="success"]')
    saved = PortalSettings.objects.get(installation=shop)
    assert (saved.primary_color, saved.frame_ancestors, saved.shop_name) == (
        "#FFD400", ["https://shop.example.com"], "Sneaker Shop")
    assert frame.locator('[data-field="frameAncestors"] textarea').input_value() == "https://shop.example.com"
    screenshot(dashboard.page, "settings-portal-light-en")
