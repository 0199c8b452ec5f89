"""The satisfaction survey: answered once per closed return (by link or as its owner), changeable
for a week, low scores under "Needs attention" until followed up, and the overview's figures."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from graphql_relay import from_global_id

from saleor_returns.models import ReturnRequest
from saleor_returns.return_links import LinkPurpose, issue_link_token, return_link
from saleor_returns.states import ReturnStatus
from saleor_returns.models.surveys import SurveyResponse
from tests.api.conftest import Caller, create_request, guest_caller, shipped_order
from tests.factories import InstallationFactory, ReturnRequestFactory

SUBMIT = """
mutation Submit($link: String, $id: ID, $rating: Int!, $improvements: [ReturnSurveyImprovementEnum!], $comment: String) {
  returnSurveySubmit(link: $link, id: $id, rating: $rating, improvements: $improvements, comment: $comment) {
    survey { rating improvements comment submittedAt changeableUntil needsFollowUp }
    errors { field code message }
  }
}
"""
FOLLOW_UP = """
mutation($id: ID!, $note: String) {
  returnSurveyFollowUp(id: $id, note: $note) { survey { needsFollowUp followedUpByEmail followUpNote } errors { field code message } }
}
"""
SURVEY_OF = "query($id: ID!) { returnRequest(id: $id) { survey { rating comment needsFollowUp followUpNote } } }"
ATTENTION = "{ returnAttentionCount returnRequests(filter: {needsAttention: true}) { edges { node { id } } } }"
SATISFACTION = """
query($channel: String) {
  returnOverview(channelSlug: $channel) {
    satisfaction { responses surveyed responseRate averageRating distribution { rating count } needingFollowUp }
  }
}
"""


def closed(return_id: str, status=ReturnStatus.RESOLVED) -> ReturnRequest:
    pk = from_global_id(return_id)[1]
    ReturnRequest.objects.filter(pk=pk).update(status=status)
    return ReturnRequest.objects.get(pk=pk)


def submit(caller, **variables) -> dict:
    return caller(SUBMIT, variables)["data"]["returnSurveySubmit"]


@pytest.fixture
def alices_return(as_alice, alices_order):
    return create_request(as_alice, alices_order)["id"]


def test_the_customer_rates_a_closed_return(as_alice, as_staff, alices_return):
    # given
    closed(alices_return)

    # when
    payload = submit(as_alice, id=alices_return, rating=4, improvements=["FASTER_REFUND", "FASTER_REFUND"],
                     comment="  Quick, thanks  ")

    # then
    assert payload["errors"] == []
    assert payload["survey"]["rating"] == 4
    assert payload["survey"]["improvements"] == ["FASTER_REFUND"]
    assert payload["survey"]["comment"] == "Quick, thanks"
    assert payload["survey"]["needsFollowUp"] is None  # staff only
    response = SurveyResponse.objects.get()
    assert (response.rating, response.improvements) == (4, ["faster_refund"])
    assert as_alice(SURVEY_OF, {"id": alices_return})["data"]["returnRequest"]["survey"]["rating"] == 4
    staff_view = as_staff(SURVEY_OF, {"id": alices_return})["data"]["returnRequest"]["survey"]
    assert staff_view == {"rating": 4, "comment": "Quick, thanks", "needsFollowUp": False, "followUpNote": None}


def test_a_guest_rates_through_the_lookup_token(client, shop, fake_saleor):
    # given
    order = shipped_order(fake_saleor, email="guest@example.com")
    guest = guest_caller(client, shop, order)
    return_id = create_request(guest, order)["id"]
    closed(return_id, ReturnStatus.CLOSED)

    # when
    payload = submit(guest, id=return_id, rating=5)

    # then
    assert payload["errors"] == []
    assert SurveyResponse.objects.get().rating == 5


def test_the_survey_link_needs_no_token(as_alice, as_anonymous, alices_return):
    # given
    return_request = closed(alices_return)
    link = parse_qs(urlsplit(return_link(return_request, LinkPurpose.SURVEY)).query)["link"][0]

    # when
    payload = submit(as_anonymous, link=link, rating=2, comment="Took three weeks")

    # then
    assert payload["errors"] == []
    assert SurveyResponse.objects.get(return_request=return_request).comment == "Took three weeks"


@pytest.mark.parametrize(
    ("make_link", "field", "code", "message"),
    [
        (lambda rr: issue_link_token(rr, LinkPurpose.STATUS), "link", "INVALID", "another page"),
        (lambda rr: issue_link_token(rr, LinkPurpose.SURVEY, now=timezone.now() - timedelta(days=40)),
         "link", "INVALID", "expired"),
        (lambda rr: issue_link_token(rr, LinkPurpose.SURVEY)[:-3] + "xyz", "link", "INVALID", "not valid"),
        (lambda rr: issue_link_token(ReturnRequestFactory(installation=InstallationFactory()), LinkPurpose.SURVEY),
         "link", "INVALID", "another shop"),
    ],
)
def test_a_bad_link_is_refused_and_nothing_is_stored(as_anonymous, alices_return, make_link, field, code, message):
    # given
    return_request = closed(alices_return)

    # when
    payload = submit(as_anonymous, link=make_link(return_request), rating=5)

    # then
    (error,) = payload["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert message in error["message"]
    assert payload["survey"] is None
    assert not SurveyResponse.objects.exists()


def test_a_link_and_another_returns_id_do_not_mix(as_alice, as_anonymous, alices_order, alices_return):
    # given
    return_request = closed(alices_return)
    other_id = create_request(as_alice, alices_order, {1: 1})["id"]
    link = issue_link_token(return_request, LinkPurpose.SURVEY)

    # when
    payload = submit(as_anonymous, link=link, id=other_id, rating=5)

    # then
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "INVALID")]
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": 3, "comment": "x" * 2001}, "comment"),
    ],
)
def test_a_wrong_answer_is_refused_by_field(as_alice, alices_return, variables, field):
    # given
    closed(alices_return)

    # when
    payload = submit(as_alice, id=alices_return, **variables)

    # then
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, "INVALID")]
    assert not SurveyResponse.objects.exists()


def test_an_unknown_choice_is_refused_by_the_schema(as_alice, alices_return):
    closed(alices_return)
    response = as_alice.post(SUBMIT, {"id": alices_return, "rating": 3, "improvements": ["FREE_STUFF"]})
    assert response.status_code == 400
    assert "FREE_STUFF" in response.json()["errors"][0]["message"]
    assert not SurveyResponse.objects.exists()


def test_the_survey_opens_only_once_the_return_is_closed(as_alice, alices_return):
    payload = submit(as_alice, id=alices_return, rating=5)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "INVALID_TRANSITION")]
    assert not SurveyResponse.objects.exists()


def test_one_answer_per_return_changeable_for_a_week(as_alice, alices_return):
    # given
    closed(alices_return)
    submit(as_alice, id=alices_return, rating=2)

    # when: changed within the week
    changed = submit(as_alice, id=alices_return, rating=4, comment="Sorted out")

    # then
    assert changed["errors"] == []
    assert SurveyResponse.objects.count() == 1
    assert SurveyResponse.objects.get().rating == 4

    # when: a week and a day after the first answer
    SurveyResponse.objects.update(submitted_at=timezone.now() - timedelta(days=8))
    late = submit(as_alice, id=alices_return, rating=1)

    # then
    assert [(e["field"], e["code"]) for e in late["errors"]] == [("id", "INVALID_TRANSITION")]
    assert SurveyResponse.objects.get().rating == 4


def test_nobody_else_answers_for_the_customer(as_bob, as_staff, as_anonymous, alices_return):
    # given
    closed(alices_return)

    # when
    bobs = submit(as_bob, id=alices_return, rating=1)
    staffs = as_staff(SUBMIT, {"id": alices_return, "rating": 5})
    anonymous = as_anonymous(SUBMIT, {"id": alices_return, "rating": 5})

    # then
    assert [(e["field"], e["code"]) for e in bobs["errors"]] == [("id", "NOT_FOUND")]
    for result in (staffs, anonymous):
        assert result["data"]["returnSurveySubmit"] is None
        assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert not SurveyResponse.objects.exists()


def test_a_low_score_needs_attention_until_somebody_follows_up(as_alice, as_staff, alices_return):
    # given
    closed(alices_return)
    before = as_staff(ATTENTION)["data"]["returnAttentionCount"]

    # when
    submit(as_alice, id=alices_return, rating=1, comment="Never again")

    # then
    attention = as_staff(ATTENTION)["data"]
    assert attention["returnAttentionCount"] == before + 1
    assert alices_return in [edge["node"]["id"] for edge in attention["returnRequests"]["edges"]]

    # when
    followed = as_staff(FOLLOW_UP, {"id": alices_return, "note": "Called; refunded shipping"})["data"]["returnSurveyFollowUp"]

    # then
    assert followed["errors"] == []
    assert followed["survey"] == {
        "needsFollowUp": False, "followedUpByEmail": "staff@example.com", "followUpNote": "Called; refunded shipping",
    }
    assert as_staff(ATTENTION)["data"]["returnAttentionCount"] == before

    # when: the customer changes the answer, still low
    submit(as_alice, id=alices_return, rating=2, comment="Still unhappy")

    # then: the new answer needs reading again
    assert as_staff(ATTENTION)["data"]["returnAttentionCount"] == before + 1


def test_a_good_score_needs_no_attention(as_alice, as_staff, alices_return):
    closed(alices_return)
    before = as_staff(ATTENTION)["data"]["returnAttentionCount"]
    submit(as_alice, id=alices_return, rating=3)
    assert as_staff(ATTENTION)["data"]["returnAttentionCount"] == before


def test_following_up_a_return_without_an_answer_is_refused(as_staff, alices_return):
    payload = as_staff(FOLLOW_UP, {"id": alices_return})["data"]["returnSurveyFollowUp"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(None, "NOT_FOUND")]


def test_the_overview_shows_satisfaction(client, shop, fake_saleor, as_staff, alice):
    # given: four closed returns in the default channel (answers 5, 1, 4) and one elsewhere (answer 2)
    as_alice = Caller(client, shop.saleor_api_url, fake_saleor.issue_customer_token(alice))
    ratings = [5, 1, 4, None]
    for rating in ratings:
        return_id = create_request(as_alice, shipped_order(fake_saleor, alice))["id"]
        closed(return_id)
        if rating:
            submit(as_alice, id=return_id, rating=rating)
    elsewhere = closed(create_request(as_alice, shipped_order(fake_saleor, alice))["id"])
    ReturnRequest.objects.filter(pk=elsewhere.pk).update(channel_slug="outlet")
    submit(as_alice, id=str(_global(elsewhere)), rating=2)
    create_request(as_alice, shipped_order(fake_saleor, alice))  # still open: not surveyed

    # when
    default = as_staff(SATISFACTION, {"channel": "default-channel"})["data"]["returnOverview"]["satisfaction"]
    everything = as_staff(SATISFACTION, {})["data"]["returnOverview"]["satisfaction"]

    # then
    assert default == {
        "responses": 3, "surveyed": 4, "responseRate": 0.75, "averageRating": 3.33,
        "distribution": [{"rating": r, "count": c} for r, c in [(1, 1), (2, 0), (3, 0), (4, 1), (5, 1)]],
        "needingFollowUp": 1,
    }
    assert (everything["responses"], everything["surveyed"], everything["averageRating"]) == (4, 5, 3.0)
    assert everything["needingFollowUp"] == 2


def _global(return_request):
    from graphql_relay import to_global_id

    return to_global_id("ReturnRequest", str(return_request.pk))


SURVEY = """query($link: String, $id: ID) { returnSurvey(link: $link, id: $id) {
  returnRequestId number isOpen survey { rating improvements comment changeableUntil } } }"""


def test_the_survey_link_shows_the_survey_and_the_answer_so_far(as_alice, as_anonymous, alices_return):
    # given
    return_request = closed(alices_return)
    link = issue_link_token(return_request, LinkPurpose.SURVEY)

    # when
    before = as_anonymous(SURVEY, {"link": link})["data"]["returnSurvey"]
    submit(as_anonymous, link=link, rating=3, improvements=["CLEARER_INSTRUCTIONS"], comment="Fine")
    after = as_anonymous(SURVEY, {"link": link})["data"]["returnSurvey"]

    # then
    assert before == {"returnRequestId": alices_return, "number": return_request.rma_number, "isOpen": True,
                      "survey": None}
    assert after["isOpen"] is True
    assert after["survey"]["rating"] == 3 and after["survey"]["improvements"] == ["CLEARER_INSTRUCTIONS"]
    assert as_alice(SURVEY, {"id": alices_return})["data"]["returnSurvey"] == after


def test_the_survey_is_closed_before_the_return_is_and_a_week_after_the_answer(as_alice, alices_return):
    # given: an open return
    before = as_alice(SURVEY, {"id": alices_return})["data"]["returnSurvey"]
    closed(alices_return)
    submit(as_alice, id=alices_return, rating=5)

    # when: a week and a day after the answer
    SurveyResponse.objects.update(submitted_at=timezone.now() - timedelta(days=8))
    late = as_alice(SURVEY, {"id": alices_return})["data"]["returnSurvey"]

    # then
    assert (before["isOpen"], before["survey"]) == (False, None)
    assert (late["isOpen"], late["survey"]["rating"]) == (False, 5)


@pytest.mark.parametrize(("_case", "make_link", "code", "message"), [
    ("status link", lambda rr: issue_link_token(rr, LinkPurpose.STATUS), "INVALID", "This returns link is for another page."),
    ("expired", lambda rr: issue_link_token(rr, LinkPurpose.SURVEY, now=timezone.now() - timedelta(days=40)),
     "INVALID", "This returns link has expired; look your order up again."),
    ("other shop", lambda rr: issue_link_token(ReturnRequestFactory(installation=InstallationFactory()), LinkPurpose.SURVEY),
     "INVALID", "This returns link is for another shop."),
])
def test_a_bad_survey_link_answers_why(as_anonymous, alices_return, _case, make_link, code, message):
    # when
    result = as_anonymous(SURVEY, {"link": make_link(closed(alices_return))})

    # then
    assert result["data"]["returnSurvey"] is None
    (error,) = result["errors"]
    assert (error["message"], error["extensions"]["code"], error["extensions"]["field"]) == (message, code, "link")


def test_only_the_returns_customer_reads_its_survey_by_id(as_bob, as_staff, as_anonymous, alices_return):
    # given
    closed(alices_return)

    # when
    bobs = as_bob(SURVEY, {"id": alices_return})
    staffs = as_staff(SURVEY, {"id": alices_return})
    anonymous = as_anonymous(SURVEY, {"id": alices_return})

    # then
    assert bobs == {"data": {"returnSurvey": None}}
    for result in (staffs, anonymous):
        assert result["data"]["returnSurvey"] is None
        assert result["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
