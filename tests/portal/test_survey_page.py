"""The survey's page: opened by the invitation's link (its token dropped from the address) or from a closed
return's page; an answer saved, changed within the week, refused after it; bad and other shops' links."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_returns.models import PortalSession, ReturnRequest
from saleor_returns.models.surveys import SurveyImprovement, SurveyResponse
from saleor_returns.return_links import LinkPurpose, issue_link_token, return_link
from saleor_returns.states import ReturnStatus
from tests.factories import InstallationFactory, ReturnRequestFactory
from tests.portal.conftest import look_up, return_form_data, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_return(shop):
    """A resolved return of the shop, nobody signed in."""
    return ReturnRequestFactory(installation=shop, status=ReturnStatus.RESOLVED)


def open_invitation(visitor, return_request):
    """Follow the survey invitation's link as the e-mail builds it; the page it leads to."""
    url = urlsplit(return_link(return_request, LinkPurpose.SURVEY))
    assert url.path == visitor.base + "survey"
    opened = visitor.client.get(url.path + "?" + url.query)
    assert opened.status_code == 302, text(opened)
    assert opened["Location"] == visitor.base + "survey"
    return visitor.get("survey")


def answer(visitor, path: str = "survey", **fields):
    data = {"survey-rating": "4", "survey-comment": "", **fields}
    return visitor.post(path, data)


def test_the_invitations_link_opens_the_survey_without_its_token_in_the_address(visitor, done_return):
    # when
    page = open_invitation(visitor, done_return)

    # then
    body = text(page)
    assert page.status_code == 200
    assert "How did your return go?" in body and done_return.rma_number in body
    assert page["Referrer-Policy"] == "same-origin"
    content = page.content.decode()
    assert "rpl_" not in content
    assert [f'name="survey-rating" value="{value}"' in content for value in range(1, 6)] == [True] * 5
    for code in SurveyImprovement.names:
        assert f'value="{code}"' in content
    session = PortalSession.objects.get()
    assert (session.kind, session.return_request_id) == ("link", str(done_return.pk))
    assert session.expires_at <= timezone.now() + timedelta(days=1)


def test_an_answer_is_saved_and_shown_again(visitor, done_return):
    # given
    open_invitation(visitor, done_return)

    # when
    response = answer(visitor, **{"survey-rating": "2", "survey-improvements": ["FASTER_REFUND", "OTHER"],
                                  "survey-comment": "Slow refund"})

    # then
    assert response.status_code == 302 and response["Location"] == visitor.base + "survey?done=1"
    saved = SurveyResponse.objects.get(return_request=done_return)
    assert (saved.rating, saved.improvements, saved.comment) == (2, ["faster_refund", "other"], "Slow refund")
    page = visitor.get("survey?done=1")
    content = page.content.decode()
    assert "Thank you: your answer is saved." in text(page)
    assert 'value="2" checked' in content and 'value="FASTER_REFUND" checked' in content
    assert ">Slow refund</textarea>" in content
    assert "Change my answer" in text(page)


def test_the_answer_is_changed_within_the_week(visitor, done_return):
    # given
    open_invitation(visitor, done_return)
    answer(visitor, **{"survey-rating": "2"})
    page = visitor.get("survey")
    assert "you can change your answer until" in text(page)

    # when
    response = answer(visitor, **{"survey-rating": "5", "survey-comment": "Sorted out"})

    # then
    assert response.status_code == 302
    assert SurveyResponse.objects.get().rating == 5
    assert SurveyResponse.objects.count() == 1


def test_after_a_week_the_answer_is_shown_and_no_longer_changed(visitor, done_return):
    # given: an answer given eight days ago
    open_invitation(visitor, done_return)
    answer(visitor, **{"survey-rating": "3", "survey-improvements": ["CLEARER_INSTRUCTIONS"]})
    SurveyResponse.objects.update(submitted_at=timezone.now() - timedelta(days=8))

    # when
    page = visitor.get("survey")
    late = answer(visitor, **{"survey-rating": "1"})

    # then
    body = text(page)
    assert "A week has passed since, so the answer can no longer be changed." in body
    assert "3 · Neither happy nor unhappy" in body and "Clearer instructions" in body
    assert 'name="survey-rating"' not in page.content.decode()
    assert late.status_code == 400
    assert "Your answer can no longer be changed." in text(late)
    assert SurveyResponse.objects.get().rating == 3


def test_a_missing_rating_is_told_next_to_the_scale(visitor, done_return):
    # given
    open_invitation(visitor, done_return)

    # when
    response = visitor.post("survey", {"survey-comment": "No stars"})

    # then
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="survey-rating-error"' in content and 'href="#survey-rating"' in content
    assert "Choose how happy you are, from 1 to 5." in text(response)
    assert ">No stars</textarea>" in content
    assert not SurveyResponse.objects.exists()


def test_the_survey_is_not_open_before_the_return_is_done(visitor, shop):
    # given
    return_request = ReturnRequestFactory(installation=shop, status=ReturnStatus.PENDING_REVIEW)

    # when
    page = open_invitation(visitor, return_request)
    refused = answer(visitor)

    # then
    assert "The survey opens once your return is done." in text(page)
    assert 'name="survey-rating"' not in page.content.decode()
    assert refused.status_code == 400 and "The survey opens once your return is done." in text(refused)
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(("_case", "make_link", "message"), [
    ("forged", lambda rr: issue_link_token(rr, LinkPurpose.SURVEY)[:-3] + "xyz", "This returns link is not valid."),
    ("expired", lambda rr: issue_link_token(rr, LinkPurpose.SURVEY, now=timezone.now() - timedelta(days=31)),
     "This returns link has expired; look your order up again."),
    ("status link", lambda rr: issue_link_token(rr, LinkPurpose.STATUS), "This returns link is for another page."),
    ("other shop", lambda rr: issue_link_token(ReturnRequestFactory(installation=InstallationFactory(),
                                                                    status=ReturnStatus.RESOLVED), LinkPurpose.SURVEY),
     "This returns link is for another shop."),
])
def test_a_bad_link_is_refused_with_a_clear_message(client, portal_base, done_return, _case, make_link, message):
    # when
    response = client.get(portal_base + "survey", {"link": make_link(done_return)})

    # then
    assert response.status_code == 400
    assert "This link cannot be opened" in text(response) and message in text(response)
    assert not PortalSession.objects.exists()


def test_the_survey_without_its_link_starts_over(client, portal_base):
    response = client.get(portal_base + "survey")
    assert response.status_code == 302 and response["Location"] == portal_base


def test_a_survey_link_opens_nothing_but_the_survey(visitor, done_return):
    # given
    open_invitation(visitor, done_return)
    return_path = "return/" + to_global_id("ReturnRequest", str(done_return.pk))

    # when
    home = visitor.get("")
    orders = visitor.get("orders")
    return_page = visitor.get(return_path)

    # then
    assert home["Location"] == visitor.base + "survey"
    assert orders["Location"] == visitor.base + "survey"
    assert return_page["Location"] == visitor.base


def test_a_form_without_its_token_is_refused(client, visitor, done_return):
    # given
    open_invitation(visitor, done_return)

    # when
    response = client.post(visitor.base + "survey", {"survey-rating": "5"})

    # then
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_the_page_speaks_chinese(visitor, done_return):
    # given
    visitor.client.cookies["portal_lang"] = "zh-hans"

    # when
    page = open_invitation(visitor, done_return)

    # then
    assert '<html lang="zh-Hans">' in page.content.decode()
    assert "您的退货体验如何？" in text(page) and "非常满意" in text(page)


def test_a_guest_answers_from_the_page_of_a_done_return(visitor, alices_order):
    # given: a guest's return, then resolved
    look_up(visitor, alices_order)
    created = visitor.post(f"orders/{alices_order['id']}/return", return_form_data())
    path = created["Location"][len(visitor.base):]
    ReturnRequest.objects.update(status=ReturnStatus.RESOLVED)
    page = visitor.get(path)
    assert "Answer the survey" in text(page)
    assert f'href="{visitor.base}{path}/survey"' in page.content.decode()

    # when
    form = visitor.get(path + "/survey")
    response = answer(visitor, path + "/survey", **{"survey-rating": "5", "survey-improvements": ["OTHER"]})

    # then
    assert form.status_code == 200 and "Back to your return" in text(form)
    assert response.status_code == 302 and response["Location"] == visitor.base + path + "/survey?done=1"
    assert SurveyResponse.objects.get().rating == 5
    assert "you rated your return 5 out of 5" in text(visitor.get(path))


def test_another_visitors_return_has_no_survey_for_them(visitor, alices_order, shop):
    # given: a guest of Alice's order, and a return of another order
    look_up(visitor, alices_order)
    other = ReturnRequestFactory(installation=shop, status=ReturnStatus.RESOLVED)

    # when
    page = visitor.get("return/" + to_global_id("ReturnRequest", str(other.pk)) + "/survey")

    # then
    assert page.status_code == 404
    assert "This return cannot be found" in text(page)
