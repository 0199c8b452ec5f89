"""The KPI review's print link: made by staff (returnKpiReviewLinkCreate), it opens the printable page without the
API's headers, for its own review only, until it expires."""

import re
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.analytics.test_figures import seeded  # noqa: F401 - the seeded shop
from tests.analytics.test_review import reviewed  # noqa: F401 - the seeded shop with February
from tests.api.conftest import as_staff, as_viewer, staff_user, viewer_user  # noqa: F401 - the API tests' callers
from tests.factories import InstallationFactory

LINK = """
mutation($from: Date!, $to: Date!, $channel: String, $compareTo: ReturnKpiComparison, $language: String) {
  returnKpiReviewLinkCreate(period: {from: $from, to: $to}, channel: $channel, compareTo: $compareTo,
                            language: $language) {
    url
    expiresAt
    errors { field code message }
  }
}"""
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def make_link(caller, **variables) -> dict:
    return caller(LINK, {**MARCH, **variables})["data"]["returnKpiReviewLinkCreate"]


def query_of(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def open_page(client, query: dict):
    """The page as a browser opens a link: no Saleor-Api-Url, no Authorization."""
    return client.get("/analytics/review.html?" + urlencode(query))


def refusal_of(response) -> tuple[int, str, list[dict]]:
    return response.status_code, response["Content-Type"], response.json()["errors"]


def test_staff_get_a_link_that_opens_and_prints_the_review_without_credentials(client, as_staff, reviewed):
    # given
    before = timezone.now()

    # when
    link = make_link(as_staff, compareTo="PREVIOUS_YEAR", language="zh-Hans")

    # then: a link to the app's printable page of that review, valid ten minutes
    assert link["errors"] == []
    assert link["url"].startswith(f"{settings.APP_PUBLIC_URL}/analytics/review.html?")
    query = query_of(link["url"])
    assert {name: value for name, value in query.items() if name != "link"} == {
        "shop": str(reviewed.pk), **MARCH, "compare": "previous_year", "lang": "zh-hans", "print": "1"}
    expires_at = datetime.fromisoformat(link["expiresAt"])
    assert before + timedelta(minutes=10) - timedelta(seconds=1) <= expires_at <= timezone.now() + timedelta(minutes=10)

    # when: a browser opens it
    response = open_page(client, query)

    # then: the page, in its language, with the one script printing it that its policy lets run
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9_-]+)'", policy).group(1)
    assert "default-src 'none'" in policy and "unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    page = response.content.decode()
    assert "退货 KPI 回顾" in page and "上一年同期" in page
    scripts = re.findall(r"<script[^>]*>.*?</script>", page, flags=re.S)
    assert scripts == [f'<script nonce="{nonce}">window.addEventListener("load", function () {{ window.print(); }});'
                       "</script>"]


def test_without_print_the_linked_page_only_shows(client, as_staff, reviewed):
    query = query_of(make_link(as_staff)["url"])
    del query["print"]

    response = open_page(client, query)

    assert response.status_code == 200
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert "<script" not in response.content.decode() and "Return KPI review" in response.content.decode()


def test_a_nonce_is_new_at_each_opening(client, as_staff, reviewed):
    query = query_of(make_link(as_staff)["url"])

    policies = {open_page(client, query)["Content-Security-Policy"] for _ in range(2)}

    assert len(policies) == 2


def test_the_staff_page_runs_no_script(as_staff, reviewed):
    headers = {"Saleor-Api-Url": as_staff.api_url, "Authorization": f"Bearer {as_staff.token}"}

    response = as_staff.client.get("/analytics/review.html", {**MARCH, "print": "1"}, headers=headers)

    assert response.status_code == 200
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert "<script" not in response.content.decode()


def test_an_expired_link_is_refused(client, as_staff, reviewed):
    # given
    query = query_of(make_link(as_staff)["url"])

    # when: eleven minutes later
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = open_page(client, query)

    # then
    assert refusal_of(response) == (403, "application/json", [{
        "field": "link", "code": "PERMISSION_DENIED",
        "message": "This link to the KPI review has expired: print again from the desk."}])


@pytest.mark.parametrize(("_case", "change"), [
    ("another period", {"to": "2026-04-30"}),
    ("another channel", {"channel": "europe"}),
    ("another comparison", {"compare": "previous_year"}),
    ("another language", {"lang": "en-gb"}),
    ("a changed signature", "signature"),
    ("no token", {"link": ""}),
])
def test_a_tampered_link_is_refused(client, as_staff, reviewed, _case, change):
    # given
    query = query_of(make_link(as_staff)["url"])
    if change == "signature":
        query["link"] = query["link"][:-2] + ("AA" if not query["link"].endswith("AA") else "BB")
    else:
        query.update(change)

    # when
    response = open_page(client, query)

    # then
    status, content_type, errors = refusal_of(response)
    assert (status, content_type, len(errors)) == (403, "application/json", 1)
    assert errors[0]["code"] == "PERMISSION_DENIED" and errors[0]["field"] == "link"
    assert errors[0]["message"] in ("This link to the KPI review is not valid.",
                                    "This is not a link to the KPI review.")
    assert "Return KPI review" not in response.content.decode()


def test_a_link_for_another_shop_is_refused(client, as_staff, reviewed):
    query = query_of(make_link(as_staff)["url"])

    response = open_page(client, {**query, "shop": str(InstallationFactory().pk)})

    assert refusal_of(response) == (403, "application/json", [{
        "field": "link", "code": "PERMISSION_DENIED", "message": "This link to the KPI review is for another shop."}])


def test_a_link_of_an_uninstalled_shop_is_refused(client, as_staff, reviewed):
    query = query_of(make_link(as_staff)["url"])
    reviewed.is_active = False
    reviewed.save(update_fields=["is_active"])

    response = open_page(client, query)

    assert refusal_of(response)[:2] == (403, "application/json")


def test_a_viewer_cannot_make_a_link(as_viewer, shop):
    result = as_viewer(LINK, MARCH)

    assert result["data"]["returnKpiReviewLinkCreate"] is None
    assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_a_bad_period_makes_no_link(as_staff, shop):
    link = make_link(as_staff, **{"from": "2026-03-31", "to": "2026-03-01"})

    assert link == {"url": None, "expiresAt": None, "errors": [
        {"field": "period.to", "code": "INVALID", "message": "The period ends before it starts."}]}


def test_a_refusal_speaks_the_links_language(client, as_staff, reviewed):
    query = query_of(make_link(as_staff, language="zh-Hans")["url"])

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = open_page(client, query)

    assert response.json()["errors"][0]["message"] == "此 KPI 回顾链接已过期：请在工作台重新打印。"
