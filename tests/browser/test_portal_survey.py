"""The survey in Chromium: a guest follows the invitation's link and answers, then finds the answer and the e-mails
sent on the return's page and changes it; on a phone (390 × 844) and a desktop, in English and Chinese, with the
accessibility check (axe) of the other portal pages."""

import pytest
from django.utils import timezone

from saleor_returns.models.notifications import Message, MessageEvent
from saleor_returns.models.surveys import SurveyResponse
from saleor_returns.notifications.events import message_context
from saleor_returns.return_links import LinkPurpose, return_link
from saleor_returns.states import ReturnStatus
from tests.api.conftest import alice, shipped_order  # noqa: F401 - the API tests' customer
from tests.browser.test_portal import DESKTOP, PHONE, assert_accessible, open_page, portal  # noqa: F401 - fixture
from tests.factories import ReturnLineFactory, ReturnRequestFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def done_return(shop, fake_saleor, alice):
    """Alice's order with a resolved return of one sneaker, and the e-mail that told her it was received."""

    def make(language_code: str):
        order = shipped_order(fake_saleor, alice)
        order["languageCodeEnum"] = language_code
        return_request = ReturnRequestFactory(
            installation=shop, order_id=order["id"], order_number=str(order["number"]), status=ReturnStatus.RESOLVED,
            customer_email=alice["email"], customer_user_id=alice["id"],
        )
        ReturnLineFactory(return_request=return_request, order_line_id=order["lines"][0]["id"], product_name="Sneaker",
                          variant_name="42")
        Message.objects.create(
            installation=shop, return_request=return_request, event=MessageEvent.REQUEST_RECEIVED, channel="email",
            recipient=alice["email"], status="sent", attempts=1, sent_at=timezone.now(),
            subject=f"Return {return_request.rma_number} received",
            language="zh-hans" if language_code.startswith("ZH") else "en",
            data=message_context(return_request, MessageEvent.REQUEST_RECEIVED),
        )
        return order, return_request

    return make


CASES = [("phone_en", PHONE, "en-US"), ("phone_zh", PHONE, "zh-CN"), ("desktop_en", DESKTOP, "en-US"),
         ("desktop_zh", DESKTOP, "zh-CN")]


@pytest.mark.parametrize(("_case", "viewport", "locale"), CASES)
def test_a_guest_answers_the_survey_and_changes_the_answer(browser, portal, done_return, _case, viewport, locale):
    # given: the survey invitation's link, as its e-mail carries it
    chinese = locale.startswith("zh")
    order, return_request = done_return("ZH_HANS" if chinese else "EN_US")
    context, page, console_errors = open_page(browser, viewport, locale)
    try:
        # the link opens the survey; the token leaves the address
        page.goto(return_link(return_request, LinkPurpose.SURVEY))
        page.wait_for_url("**/survey")
        assert "link=" not in page.url
        assert page.locator("h1").inner_text() == ("您的退货体验如何？" if chinese else "How did your return go?")
        assert_accessible(page, f"survey-{_case}")

        # without a rating: told at the scale, the summary taking the focus
        page.fill("#survey-comment", "Quick and easy")
        page.click("#survey button[type=submit]")
        page.wait_for_selector("#survey-rating-error")
        page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
        assert page.locator("#survey-comment").input_value() == "Quick and easy"
        assert_accessible(page, f"survey-error-{_case}")

        # rated, with what could be better
        page.check("#survey-rating-4")
        page.check("#survey-improvements-FASTER_REFUND")
        page.click("#survey button[type=submit]")
        page.wait_for_selector(".notice")
        assert_accessible(page, f"survey-saved-{_case}")
        answer = SurveyResponse.objects.get(return_request=return_request)
        assert (answer.rating, answer.improvements, answer.comment) == (4, ["faster_refund"], "Quick and easy")

        # leaving, then looking the order up: the return's page has the e-mail and the answer
        page.click(".sign-out button")
        page.wait_for_selector("#lookup")
        page.fill("#lookup-orderNumber", str(order["number"]))
        page.fill("#lookup-email", order["userEmail"])
        page.click("#lookup button[type=submit]")
        page.wait_for_url("**/orders")
        page.click(f"a:has-text('{return_request.rma_number}')")
        page.wait_for_url("**/return/*")
        messages = page.locator("section[aria-labelledby=messages-title]")
        assert f"Return {return_request.rma_number} received" in messages.inner_text()
        assert ("已发送" if chinese else "Sent") in messages.inner_text()
        messages.locator("summary").first.click()
        assert return_request.rma_number in messages.locator(".message-text").first.inner_text()
        assert_accessible(page, f"return-messages-{_case}")

        # the answer changed within the week, from the return's page
        page.click("a[href$='/survey']")
        page.wait_for_url("**/survey")
        assert page.locator("#survey-rating-4").is_checked()
        page.check("#survey-rating-5")
        page.click("#survey button[type=submit]")
        page.wait_for_selector(".notice")
        answer.refresh_from_db()
        assert answer.rating == 5
        assert console_errors == []
    finally:
        context.close()
