"""A return's page in the portal: status, parcel, refund; cancel, answering a question, tracking; links."""

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_returns.models import PortalSession
from saleor_returns.return_links import LinkPurpose, issue_link_token
from tests.factories import InstallationFactory, ReturnRequestFactory
from tests.portal.conftest import text

pytestmark = pytest.mark.django_db


def staff(staff_api, query: str, return_request, **variables):
    result = staff_api(query, {"id": to_global_id("ReturnRequest", str(return_request.pk)), **variables})
    payload = next(iter(result["data"].values()))
    assert payload["errors"] == [], payload
    return payload


def test_the_page_shows_where_the_return_stands_and_its_timeline(visitor, guest_return):
    # given
    return_request, path = guest_return

    # when
    page = visitor.get(path)

    # then
    body = text(page)
    assert page.status_code == 200
    assert "In review" in body or "Received" in body
    assert 'aria-current="step"' in page.content.decode()
    assert "1 × Sneaker · 42" in body
    assert "Cancel this return" in body


def test_a_customer_cancels_while_allowed(visitor, guest_return):
    # given
    return_request, path = guest_return

    # when
    response = visitor.post(path + "/cancel")

    # then
    assert response.status_code == 302 and response["Location"].endswith("?done=cancel")
    return_request.refresh_from_db()
    assert return_request.status == "canceled"
    page = visitor.get(path + "?done=cancel")
    assert "Your return is canceled." in text(page)
    assert "Cancel this return" not in text(page)


def test_cancelling_a_rejected_return_shows_the_apis_refusal(visitor, guest_return, staff_api):
    # given: the page was loaded, then staff rejected the return
    return_request, path = guest_return
    visitor.get(path)
    staff(staff_api, 'mutation($id: ID!) { returnRequestReject(id: $id, message: "Worn") { errors { field message } } }',
          return_request)

    # when
    response = visitor.post(path + "/cancel")

    # then
    assert response.status_code == 400
    assert "Please check what you entered" in text(response)
    assert 'href="#cancel"' in response.content.decode()
    return_request.refresh_from_db()
    assert return_request.status == "rejected"
    assert "Why it was not accepted: Worn" in text(response)


def test_the_customer_answers_a_request_for_information(visitor, guest_return, staff_api):
    # given
    return_request, path = guest_return
    staff(staff_api, 'mutation($id: ID!) { returnRequestRequestInfo(id: $id, message: "A photo of the sole?") '
                     "{ errors { field message } } }", return_request)
    page = visitor.get(path)
    assert "A photo of the sole?" in text(page)

    # when
    empty = visitor.post(path + "/info", {"info-message": ""})
    answered = visitor.post(path + "/info", {"info-message": "Here it is"})

    # then
    assert empty.status_code == 400
    assert 'id="info-message-error"' in empty.content.decode()
    assert answered.status_code == 302
    return_request.refresh_from_db()
    assert return_request.info_requested_at is None
    assert return_request.events.filter(type="info_added").count() == 1


def test_the_customer_adds_their_own_tracking_once_approved(visitor, guest_return, staff_api, shop):
    # given
    from saleor_returns.models import ReturnAddress

    ReturnAddress.objects.create(installation=shop, name="Returns dept.", street1="1 Dock Rd", city="Berlin",
                                 zip="10115", country="DE", is_default=True)
    return_request, path = guest_return
    return_request.refresh_from_db()
    if return_request.status != "approved":
        staff(staff_api, "mutation($id: ID!) { returnRequestApprove(id: $id) { errors { field message } } }",
              return_request)
    page = visitor.get(path)
    assert "Where to send it" in text(page) and "1 Dock Rd" in text(page)

    # when
    missing = visitor.post(path + "/tracking", {"tracking-carrier": "UPS", "tracking-trackingNumber": ""})
    added = visitor.post(path + "/tracking", {"tracking-carrier": "UPS", "tracking-trackingNumber": "1z 999"})

    # then
    assert missing.status_code == 400
    assert 'id="tracking-trackingNumber-error"' in missing.content.decode()
    assert added.status_code == 302
    return_request.refresh_from_db()
    assert return_request.status == "awaiting_shipment"
    assert "Tracking: UPS 1Z999" in text(visitor.get(path))


def test_a_link_opens_its_return_only(client, shop, guest_return, portal_base):
    # given
    return_request, path = guest_return
    client.cookies.clear()
    token = issue_link_token(return_request, LinkPurpose.STATUS)

    # when
    opened = client.get(portal_base + "return", {"link": token})

    # then
    assert opened.status_code == 302
    assert opened["Location"] == portal_base + "return/" + to_global_id("ReturnRequest", str(return_request.pk))
    assert "rpl_" not in opened["Location"] and opened["Referrer-Policy"] == "same-origin"
    assert PortalSession.objects.get(kind="link").return_request_id == str(return_request.pk)
    assert client.get(opened["Location"]).status_code == 200
    orders = client.get(portal_base + "orders")
    assert orders.status_code == 302 and orders["Location"] == opened["Location"]


def test_a_link_cannot_open_another_return_of_the_order(client, shop, guest_return, portal_base):
    # given
    return_request, _ = guest_return
    other = ReturnRequestFactory(installation=shop, order_id=return_request.order_id, policy=return_request.policy)
    client.cookies.clear()
    client.get(portal_base + "return", {"link": issue_link_token(return_request, LinkPurpose.STATUS)})

    # when
    response = client.get(portal_base + "return/" + to_global_id("ReturnRequest", str(other.pk)))

    # then
    assert response.status_code == 404
    assert "This return cannot be found" in text(response)


@pytest.mark.parametrize(("_case", "mangle", "message"), [
    ("forged", lambda token, rr: token[:-3] + "xyz", "This returns link is not valid."),
    ("expired", lambda token, rr: issue_link_token(rr, LinkPurpose.STATUS, now=timezone.now() - timezone.timedelta(days=200)),
     "This returns link has expired; look your order up again."),
    ("survey", lambda token, rr: issue_link_token(rr, LinkPurpose.SURVEY), "This returns link is for another page."),
])
def test_a_bad_link_is_refused_with_a_clear_message(client, shop, portal_base, _case, mangle, message):
    # given
    return_request = ReturnRequestFactory(installation=shop)
    token = mangle(issue_link_token(return_request, LinkPurpose.STATUS), return_request)

    # when
    response = client.get(portal_base + "return", {"link": token})

    # then
    assert response.status_code == 400
    assert message in text(response)
    assert PortalSession.objects.count() == 0


def test_another_shops_link_is_refused(client, portal_base, shop):
    # given
    other_shop = InstallationFactory()
    return_request = ReturnRequestFactory(installation=other_shop)

    # when
    response = client.get(portal_base + "return", {"link": issue_link_token(return_request, LinkPurpose.STATUS)})

    # then
    assert response.status_code == 400
    assert "This returns link is for another shop." in text(response)


def test_a_return_page_without_a_session_starts_over(client, portal_base, guest_return):
    # given
    _, path = guest_return
    client.cookies.clear()

    # when
    response = client.get(portal_base + path)

    # then
    assert response.status_code == 302 and response["Location"] == portal_base
