"""The API for customers' own screens: the policy notice, my orders, exchange candidates, a return's portal
link and shipping options, portal links as bearer tokens, and the portal's settings for staff."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from saleor_returns.models import PortalSettings
from saleor_returns.return_links import LinkPurpose, issue_link_token, read_link_token
from tests.api.conftest import Caller, create_request, guest_caller, shipped_order

pytestmark = pytest.mark.django_db

SETTINGS_UPDATE = """
mutation($input: ReturnPortalSettingsInput!) {
  returnPortalSettingsUpdate(input: $input) {
    portalSettings { portalUrl isEnabled shopName logoUrl primaryColor accentColor supportEmail frameAncestors }
    errors { field code message }
  }
}"""


def test_anyone_naming_the_shop_reads_the_policy_in_plain_words(as_anonymous):
    # when
    result = as_anonymous("{ returnPolicyNotice { version summary } }", **{"Accept-Language": "zh-CN"})

    # then
    notice = result["data"]["returnPolicyNotice"]
    assert notice["version"] == 1
    assert notice["summary"][0] == "商品可在签收后 30 天内退货（截至当天结束，UTC）。"


def test_a_customer_lists_their_orders_as_saleor_shows_them(as_alice, alices_order, fake_saleor, bob):
    # given
    shipped_order(fake_saleor, bob)

    # when
    orders = as_alice("{ myOrders { id number languageCode total { amount currency } lines { productName quantity } } }")

    # then
    (order,) = orders["data"]["myOrders"]
    assert order["id"] == alices_order["id"]
    assert order["languageCode"] == "EN_US"
    assert order["total"] == {"amount": "100.00", "currency": "USD"}
    assert [line["productName"] for line in order["lines"]] == ["Sneaker", "Jacket"]


def test_a_guest_sees_the_order_they_looked_up(client, shop, alices_order):
    # when
    orders = guest_caller(client, shop, alices_order)("{ myOrders { id number } }")

    # then
    assert orders["data"]["myOrders"] == [{"id": alices_order["id"], "number": str(alices_order["number"])}]


def test_exchange_candidates_are_the_products_variants_with_stock(as_alice, alices_order, fake_saleor):
    # given
    fake_saleor.add_warehouse("Main")
    fake_saleor.add_variant("SNEAKER-43", price=Decimal("27.50"), product_name="Sneaker", variant_name="43",
                            stocks={"Main": 2})

    # when
    result = as_alice(
        "query($o: ID!, $l: ID!) { returnExchangeCandidates(orderId: $o, orderLineId: $l) { productName "
        "variants { name unitPrice { amount currency } inStock quantityAvailable isOrderedVariant } } }",
        {"o": alices_order["id"], "l": alices_order["lines"][0]["id"]},
    )

    # then
    candidates = result["data"]["returnExchangeCandidates"]
    assert candidates["productName"] == "Sneaker"
    assert [(v["name"], v["unitPrice"], v["inStock"], v["quantityAvailable"], v["isOrderedVariant"])
            for v in candidates["variants"]] == [
        ("42", {"amount": "25.00", "currency": "USD"}, False, 0, True),
        ("43", {"amount": "27.50", "currency": "USD"}, True, 2, False),
    ]


def test_a_return_carries_its_portal_link_and_how_to_send_it(as_alice, alices_order, shop, settings):
    # given
    settings.APP_PUBLIC_URL = "https://returns.example.com"
    created = create_request(as_alice, alices_order)

    # when
    result = as_alice("query($id: ID!) { returnRequest(id: $id) { portalUrl returnShipping { prepaidLabel ownTracking "
                      "address { city } } } }", {"id": created["id"]})

    # then
    found = result["data"]["returnRequest"]
    url = urlsplit(found["portalUrl"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"https://returns.example.com/portal/{shop.pk}/return"
    link = read_link_token(parse_qs(url.query)["link"][0], installation_id=shop.pk, purpose=LinkPurpose.STATUS)
    assert link.return_request_id
    assert found["returnShipping"] == {"prepaidLabel": False, "ownTracking": True, "address": None}


def test_a_portal_link_is_a_bearer_for_its_return_only(client, shop, as_alice, alices_order):
    # given
    from saleor_returns.models import ReturnRequest

    first = create_request(as_alice, alices_order)
    second = create_request(as_alice, alices_order, {1: 1})
    link = Caller(client, shop.saleor_api_url,
                  issue_link_token(ReturnRequest.objects.get(number=int(first["number"][4:])), LinkPurpose.STATUS))

    # when
    mine = link("query($id: ID!) { returnRequest(id: $id) { number } }", {"id": first["id"]})
    other = link("query($id: ID!) { returnRequest(id: $id) { number } }", {"id": second["id"]})
    eligibility = link("query($o: ID!) { returnEligibility(orderId: $o) { orderId } }", {"o": alices_order["id"]})
    listed = link("{ myReturnRequests { totalCount } myOrders { id } }")

    # then
    assert mine["data"]["returnRequest"] == {"number": first["number"]}
    assert other["data"]["returnRequest"] is None
    assert eligibility["data"]["returnEligibility"] is None
    assert listed["data"] == {"myReturnRequests": {"totalCount": 1}, "myOrders": []}


def test_a_survey_link_is_no_bearer(client, shop, as_alice, alices_order):
    # given
    from saleor_returns.models import ReturnRequest

    created = create_request(as_alice, alices_order)
    token = issue_link_token(ReturnRequest.objects.get(number=int(created["number"][4:])), LinkPurpose.SURVEY)

    # when
    response = Caller(client, shop.saleor_api_url, token).post("{ viewer { kind } }")

    # then
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "This returns link is for another page."


def test_staff_read_and_update_the_portal_settings(as_staff, shop):
    # when
    before = as_staff("{ returnPortalSettings { portalUrl isEnabled primaryColor frameAncestors } }")
    updated = as_staff(SETTINGS_UPDATE, {"input": {
        "shopName": "Sneaker Shop", "logoUrl": "https://cdn.example.com/logo.png", "primaryColor": "#ffd400",
        "supportEmail": "help@example.com", "frameAncestors": ["https://shop.example.com/", "https://*.example.org"],
    }})

    # then
    assert before["data"]["returnPortalSettings"] == {
        "portalUrl": f"https://returns.example.com/portal/{shop.pk}/", "isEnabled": True, "primaryColor": "#1F4FD1",
        "frameAncestors": [],
    }
    payload = updated["data"]["returnPortalSettingsUpdate"]
    assert payload["errors"] == []
    assert payload["portalSettings"]["primaryColor"] == "#FFD400"
    assert payload["portalSettings"]["frameAncestors"] == ["https://shop.example.com", "https://*.example.org"]
    assert PortalSettings.objects.get(installation=shop).shop_name == "Sneaker Shop"


@pytest.mark.parametrize(("_case", "given", "field", "message"), [
    ("colour", {"primaryColor": "blue"}, "primaryColor", "Give a colour as # and six hexadecimal digits, e.g. #1F4FD1."),
    ("short_colour", {"accentColor": "#fff"}, "accentColor",
     "Give a colour as # and six hexadecimal digits, e.g. #1F4FD1."),
    ("http_logo", {"logoUrl": "http://cdn.example.com/logo.png"}, "logoUrl", "The logo must be an https:// address."),
    ("email", {"supportEmail": "help"}, "supportEmail", "Give an e-mail address such as help@shop.example.com."),
    ("path", {"frameAncestors": ["https://shop.example.com/returns"]}, "frameAncestors",
     "https://shop.example.com/returns is not an origin: leave out the path, query and user name."),
    ("star", {"frameAncestors": ["*"]}, "frameAncestors", "* is not an origin such as https://shop.example.com."),
    ("scheme", {"frameAncestors": ["javascript://x"]}, "frameAncestors",
     "javascript://x is not an origin such as https://shop.example.com."),
])
def test_bad_settings_are_refused_by_field_and_nothing_changes(as_staff, shop, _case, given, field, message):
    # when
    result = as_staff(SETTINGS_UPDATE, {"input": {"shopName": "Changed", **given}})

    # then
    payload = result["data"]["returnPortalSettingsUpdate"]
    assert payload["errors"] == [{"field": field, "code": "INVALID", "message": message}]
    assert not PortalSettings.objects.filter(installation=shop).exists()


def test_colours_keep_text_readable():
    from saleor_returns.portal.settings import contrast, readable_on_white, text_on

    assert text_on("#FFD400") == "#1B1B1F" and text_on("#1F4FD1") == "#FFFFFF"
    assert contrast(readable_on_white("#FFD400"), "#FFFFFF") >= 4.5
    assert readable_on_white("#1F4FD1") == "#1F4FD1"
