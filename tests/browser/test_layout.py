"""Every desk page fits a tablet and is usable from the keyboard with labelled controls."""

from decimal import Decimal

import pytest

from tests.api.conftest import Caller, create_request, shipped_order
from tests.browser import screenshot

pytestmark = pytest.mark.browser

TABLET = {"width": 768, "height": 1024}
# Controls without a name a screen reader could announce.
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter((el) => !el.closest('[hidden]'))
  .filter((el) => {
    if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.title) return false;
    if (el.tagName === 'BUTTON') return !el.textContent.trim();
    return !(el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) && !el.closest('label');
  })
  .map((el) => el.outerHTML.slice(0, 120))"""
# How far the page is wider than the frame (tables scroll inside their own box).
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# How far the frame scrolls past the end of what is on the page (blank space at the bottom),
# e.g. from content hidden for screen readers that still takes room.
BLANK_BELOW = """() => document.documentElement.scrollHeight
  - Math.max(window.innerHeight, Math.ceil(document.getElementById('main').getBoundingClientRect().bottom + window.scrollY))"""


@pytest.fixture
def request_in_review(client, shop, fake_saleor):
    alice = fake_saleor.add_customer("alice@example.com")
    order = shipped_order(fake_saleor, alice)
    fake_saleor.add_transaction(order, charged=Decimal("100.00"))
    caller = Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(alice))
    return order, create_request(caller, order)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_page_fits_a_tablet_with_labelled_controls(dashboard, request_in_review, theme):
    # given
    order, request = request_in_review
    dashboard.page.set_viewport_size(TABLET)
    pages = {
        "list": "/dashboard/",
        "overview": "/dashboard/overview/",
        "returners": "/dashboard/returners/",
        "settings": "/dashboard/settings/",
        "create": f"/dashboard/returns/new/?orderId={order['id']}",
        "detail": f"/dashboard/returns/{request['id']}/",
    }

    for name, path in pages.items():
        # when
        frame = dashboard.open(path, theme=theme)
        frame.wait_for_selector("h1")
        frame.wait_for_load_state("networkidle")
        frame.wait_for_function("() => !document.querySelector('.loading')")

        # then
        assert frame.evaluate(OVERFLOW) <= 0, f"{name} is wider than a tablet"
        assert frame.evaluate(BLANK_BELOW) <= 32, f"{name} scrolls past its content"
        assert frame.evaluate(UNLABELLED) == [], name
        screenshot(dashboard.page, f"tablet-{name}-{theme}")


def test_the_review_can_be_done_from_the_keyboard(dashboard, request_in_review):
    # given
    _, request = request_in_review
    frame = dashboard.open(f"/dashboard/returns/{request['id']}/")
    frame.wait_for_selector("h1")
    frame.wait_for_selector("[data-action]")

    # when: Tab until the Approve action has focus, then Enter
    for _ in range(40):
        dashboard.page.keyboard.press("Tab")
        if frame.evaluate("() => document.activeElement && document.activeElement.dataset.action") == "approve":
            break
    else:
        pytest.fail("Approve cannot be reached with Tab")
    focus_ring = frame.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    dashboard.page.keyboard.press("Enter")

    # then: the approve form opens with focus inside it
    frame.wait_for_function("() => document.activeElement && document.activeElement.closest('form')")
    assert focus_ring != "none"
