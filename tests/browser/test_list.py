"""The returns list in the desk: tabs with counts, search, pages, bulk approve and reject."""

from datetime import timedelta

import pytest
from django.utils import timezone
from graphql_relay import from_global_id
from playwright.sync_api import expect

from saleor_returns.models import ReturnRequest
from tests.browser import screenshot
from tests.factories import ReturnLineFactory, ReturnRequestFactory

pytestmark = pytest.mark.browser

# RMA numbers of the seeded requests start here (factories set them; the sequence is not used).
FIRST_NUMBER = 7001
STATUSES = ["pending_review", "pending_review", "requested", "approved", "approved", "resolved", "rejected"]


def seed(shop, fake_saleor, statuses, *, first_number=FIRST_NUMBER):
    """One request per status, the first the newest; RMA-007001, RMA-007002, …

    Each has its own order in the fake Saleor, where a status change writes the order's metadata.
    """
    requests = []
    now = timezone.now()
    for index, status in enumerate(statuses):
        order = fake_saleor.add_order(number=3001 + index, lines=[{"sku": "SNEAKER-42", "quantity": 3, "unit_price": "25.00"}])
        request = ReturnRequestFactory(
            installation=shop, number=first_number + index, status=status, order_id=order["id"],
            order_number=str(order["number"]), customer_email=f"customer{index + 1}@example.com",
        )
        ReturnLineFactory(return_request=request, requested_quantity=index % 3 + 1)
        ReturnRequest.objects.filter(pk=request.pk).update(created_at=now - timedelta(hours=index + 1))
        requests.append(request)
    return requests


def rma(number: int) -> str:
    return f"RMA-{number:06d}"


def open_list(dashboard, path="/dashboard/", **kwargs):
    frame = dashboard.open(path, **kwargs)
    frame.wait_for_selector("#list-panel:not([aria-busy]) table, #list-panel:not([aria-busy]) .empty")
    return frame


def rows(frame):
    return frame.locator("#list-panel tbody tr")


def row_numbers(frame) -> list[str]:
    return frame.locator("#list-panel tbody tr .rma-link").all_inner_texts()


def tab(frame, key):
    return frame.locator(f'[role="tab"][data-tab="{key}"]')


def wait_loaded(frame):
    frame.wait_for_selector("#list-panel:not([aria-busy])")


def test_tabs_show_counts_and_filter_the_list(dashboard, shop, fake_saleor):
    # given
    seed(shop, fake_saleor, STATUSES)

    # when
    frame = open_list(dashboard)

    # then: the review queue (pending review and requested) is the first, selected tab
    expect(tab(frame, "review")).to_have_attribute("aria-selected", "true")
    counts = {key: tab(frame, key).locator(".count").inner_text() for key in ["review", "all", "approved", "resolved",
                                                                             "rejected", "in_transit"]}
    assert counts == {"review": "3", "all": "7", "approved": "2", "resolved": "1", "rejected": "1", "in_transit": "0"}
    assert row_numbers(frame) == [rma(7001), rma(7002), rma(7003)]
    first = rows(frame).first
    assert first.locator("td").nth(2).inner_text() == "#3001"
    assert first.locator("td").nth(3).inner_text() == "customer1@example.com"
    assert first.locator("td").nth(4).inner_text() == "Return"
    assert first.locator("td").nth(6).inner_text() == "$25.00"
    assert first.locator("time").get_attribute("title")
    assert first.locator("td").nth(8).inner_text() == "1"
    expect(frame.locator(".page-range")).to_have_text("1–3 of 3")
    screenshot(dashboard.page, "list-light-en")

    # when: another tab
    tab(frame, "approved").click()
    wait_loaded(frame)

    # then
    expect(tab(frame, "approved")).to_have_attribute("aria-selected", "true")
    expect(rows(frame)).to_have_count(2)
    assert frame.locator("#list-panel tbody .badge").all_inner_texts() == ["Approved", "Approved"]
    assert frame.locator('#list-panel thead input[type="checkbox"]').count() == 0  # bulk actions: review tab only
    assert "tab=approved" in frame.url

    # when: the Dashboard is reloaded at the route the desk reported
    assert dashboard.route() == "/?tab=approved"
    frame = open_list(dashboard, path="/dashboard" + dashboard.route())

    # then: the same tab
    expect(tab(frame, "approved")).to_have_attribute("aria-selected", "true")
    expect(rows(frame)).to_have_count(2)


def test_returns_needing_attention_have_their_own_tab(dashboard, shop, fake_saleor):
    from saleor_returns.models import Refund, ReturnShipment

    # given: a failed refund and a parcel the carrier flagged as lost, among others
    requests = seed(shop, fake_saleor, ["inspected", "in_transit", "in_transit", "pending_review"])
    Refund.objects.create(return_request=requests[0], kind="original_payment", status="failed", currency="USD",
                          amount="25.00", preview={}, fingerprint="f", failure_reason="Card expired.")
    ReturnShipment.objects.create(return_request=requests[2], method="label", flagged_reason="lost", flagged_at=timezone.now())

    # when
    frame = open_list(dashboard)

    # then: counted next to the review queue
    expect(tab(frame, "attention").locator(".count")).to_have_text("2")

    # when
    tab(frame, "attention").click()
    wait_loaded(frame)

    # then: exactly those two, and the tab lives in the URL
    assert row_numbers(frame) == [rma(7001), rma(7003)]
    assert dashboard.route() == "/?tab=attention"
    assert frame.locator('#list-panel thead input[type="checkbox"]').count() == 0


def test_arrow_keys_move_between_tabs(dashboard, shop, fake_saleor):
    # given
    seed(shop, fake_saleor, STATUSES)
    frame = open_list(dashboard)
    tab(frame, "review").focus()

    # when
    frame.page.keyboard.press("ArrowRight")
    wait_loaded(frame)

    # then: the returns needing attention (none here)
    expect(tab(frame, "attention")).to_have_attribute("aria-selected", "true")
    expect(frame.locator('.empty[data-empty="attention"]')).to_contain_text("Nothing needs attention.")

    # when
    frame.page.keyboard.press("ArrowRight")
    wait_loaded(frame)

    # then
    expect(tab(frame, "all")).to_have_attribute("aria-selected", "true")
    expect(tab(frame, "all")).to_be_focused()
    expect(rows(frame)).to_have_count(7)

    # when
    frame.page.keyboard.press("End")
    wait_loaded(frame)

    # then
    expect(tab(frame, "closed")).to_be_focused()
    expect(frame.locator(".empty")).to_have_text("No return requests with the status “Closed”.")


def test_search_by_rma_number(dashboard, shop, fake_saleor):
    # given
    seed(shop, fake_saleor, STATUSES)
    frame = open_list(dashboard)
    tab(frame, "all").click()
    wait_loaded(frame)

    # when
    frame.get_by_label("Search").fill(rma(7005))
    frame.get_by_label("Search").press("Enter")
    wait_loaded(frame)

    # then: one row, and the tab counts follow the search
    assert row_numbers(frame) == [rma(7005)]
    assert tab(frame, "approved").locator(".count").inner_text() == "1"
    assert tab(frame, "review").locator(".count").inner_text() == "0"
    assert "q=RMA-007005" in frame.url

    # when: by customer e-mail, with the button
    frame.get_by_label("Search").fill("customer2@example.com")
    frame.locator('[data-action="search"]').click()
    wait_loaded(frame)

    # then
    assert row_numbers(frame) == [rma(7002)]


def test_filters_narrow_the_list_and_live_in_the_url(dashboard, shop, fake_saleor):
    # given
    requests = seed(shop, fake_saleor, STATUSES)
    ReturnRequest.objects.filter(pk=requests[3].pk).update(kind="damaged_on_arrival", channel_slug="eu")
    frame = open_list(dashboard)
    tab(frame, "all").click()
    wait_loaded(frame)

    # when
    frame.get_by_label("Kind").select_option("DAMAGED_ON_ARRIVAL")
    wait_loaded(frame)

    # then
    assert row_numbers(frame) == [rma(7004)]
    assert "kind=DAMAGED_ON_ARRIVAL" in frame.url

    # when
    frame.get_by_label("Kind").select_option("")
    frame.get_by_label("Channel").select_option("eu")
    wait_loaded(frame)

    # then
    assert row_numbers(frame) == [rma(7004)]
    assert tab(frame, "all").locator(".count").inner_text() == "1"


def test_pages_of_twenty(dashboard, shop, fake_saleor):
    # given: 25 requests waiting for review
    seed(shop, fake_saleor, ["pending_review"] * 25)
    frame = open_list(dashboard)

    # then
    expect(rows(frame)).to_have_count(20)
    expect(frame.locator(".page-range")).to_have_text("1–20 of 25")
    expect(frame.locator('[data-action="previous"]')).to_be_disabled()

    # when
    frame.locator('[data-action="next"]').click()
    wait_loaded(frame)

    # then
    expect(rows(frame)).to_have_count(5)
    expect(frame.locator(".page-range")).to_have_text("21–25 of 25")
    assert row_numbers(frame)[0] == rma(FIRST_NUMBER + 20)
    expect(frame.locator('[data-action="next"]')).to_be_disabled()

    # when
    frame.locator('[data-action="previous"]').click()
    wait_loaded(frame)

    # then
    expect(rows(frame)).to_have_count(20)
    expect(frame.locator(".page-range")).to_have_text("1–20 of 25")
    assert row_numbers(frame)[0] == rma(FIRST_NUMBER)


def test_bulk_approve_two_requests(dashboard, shop, fake_saleor):
    # given
    requests = seed(shop, fake_saleor, STATUSES)
    frame = open_list(dashboard)

    # when
    frame.get_by_label(f"Select {rma(7001)}").check()
    frame.get_by_label(f"Select {rma(7003)}").check()
    expect(frame.locator(".bulk-count")).to_have_text("2 selected")
    frame.locator('[data-action="bulk-approve"]').click()
    dashboard.page.wait_for_selector("#dashboard-notifications li")
    wait_loaded(frame)

    # then
    assert dashboard.notifications() == [("success", "2 approved")]
    statuses = dict(ReturnRequest.objects.filter(pk__in=[r.pk for r in requests[:3]]).values_list("number", "status"))
    assert statuses == {7001: "approved", 7002: "pending_review", 7003: "approved"}
    assert row_numbers(frame) == [rma(7002)]
    expect(tab(frame, "review").locator(".count")).to_have_text("1")
    expect(tab(frame, "approved").locator(".count")).to_have_text("4")
    expect(frame.locator(".bulk-bar")).to_be_hidden()


def test_bulk_approve_reports_what_failed(dashboard, shop, fake_saleor):
    # given: two selected, one canceled by the customer meanwhile
    requests = seed(shop, fake_saleor, STATUSES)
    frame = open_list(dashboard)
    frame.get_by_label("Select all return requests on this page").check()
    expect(frame.locator(".bulk-count")).to_have_text("3 selected")
    frame.get_by_label(f"Select {rma(7003)}").uncheck()
    ReturnRequest.objects.filter(pk=requests[1].pk).update(status="canceled")

    # when
    frame.locator('[data-action="bulk-approve"]').click()
    dashboard.page.wait_for_selector("#dashboard-notifications li")

    # then
    ((level, text),) = dashboard.notifications()
    assert level == "warning"
    assert text.startswith(f"1 approved, 1 failed — {rma(7002)} — ")
    assert ReturnRequest.objects.get(pk=requests[0].pk).status == "approved"
    assert ReturnRequest.objects.get(pk=requests[1].pk).status == "canceled"


def test_bulk_reject_requires_a_message(dashboard, shop, fake_saleor):
    # given
    requests = seed(shop, fake_saleor, STATUSES)
    frame = open_list(dashboard)
    frame.get_by_label(f"Select {rma(7002)}").check()

    # when: rejecting without a message
    frame.locator('[data-action="bulk-reject"]').click()
    dialog = frame.locator("dialog.modal")
    dialog.get_by_role("button", name="Reject").click()

    # then: the dialog stays, with the error next to the field, and nothing happened
    expect(dialog.locator('[data-field="message"] .field-error')).to_have_text("This field is required.")
    expect(dialog.get_by_label("Message to the customer")).to_be_focused()
    assert ReturnRequest.objects.get(pk=requests[1].pk).status == "pending_review"
    assert dashboard.notifications() == []

    # when
    dialog.get_by_label("Message to the customer").fill("The item was worn.")
    dialog.get_by_role("button", name="Reject").click()
    dashboard.page.wait_for_selector("#dashboard-notifications li")
    wait_loaded(frame)

    # then
    assert dashboard.notifications() == [("success", "1 rejected")]
    rejected = ReturnRequest.objects.get(pk=requests[1].pk)
    assert (rejected.status, rejected.rejection_message) == ("rejected", "The item was worn.")
    assert row_numbers(frame) == [rma(7001), rma(7003)]


def test_canceling_the_reject_dialog_changes_nothing(dashboard, shop, fake_saleor):
    # given
    requests = seed(shop, fake_saleor, STATUSES)
    frame = open_list(dashboard)
    frame.get_by_label(f"Select {rma(7001)}").check()

    # when
    frame.locator('[data-action="bulk-reject"]').click()
    frame.locator("dialog.modal").get_by_role("button", name="Cancel").click()

    # then
    expect(frame.locator("dialog.modal")).to_have_count(0)
    assert ReturnRequest.objects.get(pk=requests[0].pk).status == "pending_review"
    assert dashboard.notifications() == []
    expect(frame.locator(".bulk-count")).to_have_text("1 selected")


def test_an_rma_number_opens_the_request_in_the_desk(dashboard, shop, fake_saleor):
    # given
    requests = seed(shop, fake_saleor, STATUSES)
    frame = open_list(dashboard)
    link = frame.get_by_role("link", name=rma(7001))
    request_id = link.get_attribute("href").split("/")[3]

    # when
    link.click()

    # then: the desk navigated itself (no new page), keeping the Dashboard's query
    frame.wait_for_url(f"**/dashboard/returns/{request_id}/?*")
    assert "saleorApiUrl=" in frame.url
    dashboard.page.wait_for_function(
        "id => window.dashboardDouble.messages.some(m => m.type === 'updateRouting' && m.payload.newRoute.startsWith(`/returns/${id}/`))",
        arg=request_id,
    )
    assert from_global_id(request_id) == ("ReturnRequest", str(requests[0].pk))


def test_create_return_button_opens_the_create_page(dashboard, shop):
    # given
    frame = open_list(dashboard)

    # when
    frame.get_by_role("button", name="Create return").click()

    # then
    frame.wait_for_url("**/dashboard/returns/new/?*")


def test_empty_review_queue(dashboard, shop):
    # when
    frame = open_list(dashboard)

    # then
    expect(frame.locator(".empty")).to_have_text("Nothing needs review. New return requests show up here.")
    expect(tab(frame, "all").locator(".count")).to_have_text("0")


def test_in_dark_theme_and_chinese(dashboard, shop, fake_saleor):
    # given
    seed(shop, fake_saleor, STATUSES)

    # when
    frame = open_list(dashboard, theme="dark", locale="zh-Hans")

    # then
    expect(tab(frame, "review").locator(".tab-label")).to_have_text("待审核")
    expect(frame.locator("h1")).to_have_text("退货")
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    expect(frame.locator(".page-range")).to_have_text("第 1–3 条，共 3 条")
    screenshot(dashboard.page, "list-dark-zh-Hans")


def test_a_list_that_cannot_load_says_why(dashboard, shop):
    # when: a stale link with a cursor the API refuses
    frame = dashboard.open("/dashboard/?tab=all&after=bm90LWEtY3Vyc29y")
    frame.wait_for_selector(".list-status .banner-error")

    # then
    expect(frame.locator(".list-status .banner-error")).to_contain_text("The return requests could not be loaded")
    expect(frame.locator(".list-status .banner-error")).to_contain_text("The cursor is not valid.")
    expect(frame.locator('[data-action="retry"]')).to_be_visible()
