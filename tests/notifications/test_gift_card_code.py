"""A gift card's code never appears in the outbox, a log line or the desk; messages name the card by its last four
characters, and the code reaches the customer through Saleor's own gift card e-mail and their account."""

import json
import logging

import pytest

from saleor_returns.installations import actions as installation_actions
from saleor_returns.models import Refund, ReturnRequest
from saleor_returns.notifications.webhooks import create_endpoint
from saleor_returns.requestors import SYSTEM
from tests.api.conftest import alice, as_alice, as_staff, shop, staff_user  # noqa: F401 - fixtures
from tests.api.test_resolution import RESOLVE, RULES, inspected
from tests.notifications.conftest import html_of, message_rows, text_of

MESSAGES = """query($id: ID!) { returnRequest(id: $id) { messages {
  id event type channel status recipient subject language attempts lastError sentAt
  attemptLog { number outcome statusCode responseExcerpt error } } } }"""


@pytest.fixture
def inspected_return(as_alice, fake_saleor, alice, shop):  # noqa: F811
    """Alice's return, inspected, in a shop whose policy offers store credit."""
    installation_actions.update_return_policy(installation=shop, channel_slug="", rules=RULES, preset=None, actor=SYSTEM)
    request_id, _ = inspected(as_alice, fake_saleor, alice)
    return request_id


def test_the_code_is_in_no_row_log_line_or_desk_answer_and_the_message_names_its_last_four(
    inspected_return, as_staff, fake_saleor, smtp_settings, smtp_server, webhook_receiver, caplog,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given
    request_id = inspected_return
    return_request = ReturnRequest.objects.get()
    create_endpoint(installation=return_request.installation, url=webhook_receiver.url)
    caplog.set_level(logging.DEBUG)

    # when: store credit is a gift card made in Saleor, whose code Saleor e-mails her; the step tells
    # the customer and the merchant's systems
    with django_capture_on_commit_callbacks(execute=True):
        resolved = as_staff(RESOLVE, {"id": request_id, "resolution": "STORE_CREDIT"})
    desk = as_staff(MESSAGES, {"id": request_id})

    # then: both were sent, naming the card by its last four characters
    assert resolved["data"]["returnRequestResolve"]["errors"] == []
    (card,) = fake_saleor.gift_cards
    code, last4 = card["code"], card["last4CodeChars"]
    assert code.endswith(last4) and len(code) > len(last4)
    (mail,) = smtp_server.received
    assert f"gift card ending in {last4}." in text_of(mail)
    assert f"ending in <strong>{last4}</strong>" in html_of(mail)
    (payload,) = webhook_receiver.payloads()
    assert payload["data"]["gift_card_last4"] == last4
    assert Refund.objects.get().gift_card_last4 == last4
    # then: the code itself is nowhere the app keeps, logs or shows
    assert code not in message_rows()
    assert code not in caplog.text
    assert code not in json.dumps(desk, ensure_ascii=False)
    credit = [m["status"] for m in desk["data"]["returnRequest"]["messages"] if m["event"] == "STORE_CREDIT_ISSUED"]
    assert credit == ["SENT", "SENT"]
    # then: nor in what was sent
    assert code not in mail.as_string() and code.encode() not in webhook_receiver.requests[0]["body"]
