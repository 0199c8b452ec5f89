from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from saleor_returns.return_links import (
    InvalidPortalLink,
    LinkPurpose,
    issue_link_token,
    read_link_token,
    return_link,
)
from tests.factories import ReturnRequestFactory

pytestmark = pytest.mark.django_db


def test_a_link_opens_its_return_for_its_purpose(settings):
    settings.APP_PUBLIC_URL = "https://returns.example.com"
    return_request = ReturnRequestFactory()
    url = return_link(return_request)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://returns.example.com"
    assert parts.path == f"/portal/{return_request.installation_id}/return"
    token = parse_qs(parts.query)["link"][0]
    link = read_link_token(token, installation_id=return_request.installation_id, purpose=LinkPurpose.STATUS)
    assert link.return_request_id == str(return_request.pk)
    assert link.expires_at > timezone.now() + timedelta(days=100)


def test_a_survey_link_opens_the_survey_page():
    return_request = ReturnRequestFactory()
    assert urlsplit(return_link(return_request, LinkPurpose.SURVEY)).path.endswith("/survey")


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "not valid"),
        (lambda token: token.removeprefix("rpl_"), "not a returns link"),
        (lambda token: "", "not a returns link"),
    ],
)
def test_a_forged_link_is_refused(mangle, message):
    return_request = ReturnRequestFactory()
    token = issue_link_token(return_request, LinkPurpose.STATUS)
    with pytest.raises(InvalidPortalLink, match=message):
        read_link_token(mangle(token), installation_id=return_request.installation_id, purpose=LinkPurpose.STATUS)


def test_a_link_is_bound_to_its_shop_and_purpose():
    return_request = ReturnRequestFactory()
    other = ReturnRequestFactory()
    token = issue_link_token(return_request, LinkPurpose.STATUS)
    with pytest.raises(InvalidPortalLink, match="another shop"):
        read_link_token(token, installation_id=other.installation_id, purpose=LinkPurpose.STATUS)
    with pytest.raises(InvalidPortalLink, match="another page"):
        read_link_token(token, installation_id=return_request.installation_id, purpose=LinkPurpose.SURVEY)


def test_an_expired_link_is_refused():
    return_request = ReturnRequestFactory()
    token = issue_link_token(return_request, LinkPurpose.SURVEY, now=timezone.now() - timedelta(days=31))
    with pytest.raises(InvalidPortalLink, match="expired"):
        read_link_token(token, installation_id=return_request.installation_id, purpose=LinkPurpose.SURVEY)
