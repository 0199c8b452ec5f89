"""The satisfaction survey in the API: a return's answer, the survey as its page shows it (`returnSurvey`),
and the figures for the overview."""

import graphene
from graphql import GraphQLError

from saleor_returns.access import NotFound
from saleor_returns.api.enums import SurveyImprovementEnum
from saleor_returns.api.errors import PermissionDenied
from saleor_returns.api.mutations.base import CUSTOMERS, InputError, decode_id, load_return_request
from saleor_returns.api.types.common import global_id
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models import ReturnRequest
from saleor_returns.models.surveys import SurveyResponse
from saleor_returns.return_links import InvalidPortalLink, LinkPurpose, read_link_token
from saleor_returns.surveys.actions import CHANGE_WINDOW, is_answerable
from saleor_returns.surveys.figures import Satisfaction

ONLY_THE_CUSTOMER = "Only the customer answers the survey: use the survey link, or the customer's or guest's token."


def is_staff(info) -> bool:
    return info.context.requestor.is_staff


class ReturnSurvey(graphene.ObjectType):
    """The customer's answer to the satisfaction survey of a return."""

    rating = graphene.Int(required=True, description="1 (very unhappy) to 5 (very happy).")
    improvements = graphene.List(graphene.NonNull(SurveyImprovementEnum), required=True)
    comment = graphene.String(required=True)
    submitted_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    changeable_until = graphene.DateTime(required=True, description="The answer may be changed until then.")
    needs_follow_up = graphene.Boolean(description="Staff only: a low score nobody followed up yet.")
    followed_up_at = graphene.DateTime(description="Staff only.")
    followed_up_by_email = graphene.String(description="Staff only.")
    follow_up_note = graphene.String(description="Staff only.")

    def resolve_changeable_until(response, info):
        return response.submitted_at + CHANGE_WINDOW

    def resolve_needs_follow_up(response, info):
        return response.needs_follow_up if is_staff(info) else None

    def resolve_followed_up_at(response, info):
        return response.followed_up_at if is_staff(info) else None

    def resolve_followed_up_by_email(response, info):
        return (response.followed_up_by_email or None) if is_staff(info) else None

    def resolve_follow_up_note(response, info):
        return (response.follow_up_note or None) if is_staff(info) else None


class RatingCount(graphene.ObjectType):
    rating = graphene.Int(required=True)
    count = graphene.Int(required=True)


class ReturnSatisfaction(graphene.ObjectType):
    """Survey answers over the overview's returns."""

    responses = graphene.Int(required=True)
    surveyed = graphene.Int(required=True, description="Closed returns (resolved or closed): the survey's audience.")
    response_rate = graphene.Float(description="Answers per closed return, 0 to 1; null without closed returns.")
    average_rating = graphene.Float(description="Null without answers.")
    distribution = graphene.List(graphene.NonNull(RatingCount), required=True, description="Ratings 1 to 5.")
    needing_follow_up = graphene.Int(required=True, description="Scores of 1-2 nobody followed up yet.")


def satisfaction_type(figures: Satisfaction) -> ReturnSatisfaction:
    return ReturnSatisfaction(
        responses=figures.responses,
        surveyed=figures.surveyed,
        response_rate=round(figures.response_rate, 4) if figures.response_rate is not None else None,
        average_rating=figures.average_rating,
        distribution=[RatingCount(rating=rating, count=count) for rating, count in figures.distribution.items()],
        needing_follow_up=figures.needing_follow_up,
    )


def check_survey_caller(requestor, link: str | None) -> None:
    """The survey is the customer's: anyone holding its link, else the return's customer or guest."""
    if requestor.installation is None:
        raise PermissionDenied("Name the shop with the Saleor-Api-Url header.")
    if link:
        return
    if requestor.kind not in CUSTOMERS:
        raise PermissionDenied(ONLY_THE_CUSTOMER)


def surveyed_return_request(requestor, *, link: str | None, id: str | None) -> ReturnRequest:
    """The return a survey call is about: the link's (whose return `id` must then be), else `id` as its owner
    may see it. Raises InputError for a bad link or a missing id, NotFound for a return not the caller's."""
    if link:
        try:
            proven = read_link_token(link, installation_id=requestor.installation.pk, purpose=LinkPurpose.SURVEY)
        except InvalidPortalLink as problem:
            raise InputError("link", ReturnErrorCode.INVALID, str(problem)) from None
        if id and decode_id(id, "ReturnRequest") != proven.return_request_id:
            raise InputError("id", ReturnErrorCode.INVALID, "The link is for another return.")
        found = ReturnRequest.objects.filter(installation=requestor.installation, pk=proven.return_request_id).first()
        if found is None:
            raise InputError("link", ReturnErrorCode.NOT_FOUND, "The return of this link no longer exists.")
        return found
    if not id:
        raise InputError("id", ReturnErrorCode.REQUIRED, "Give the survey link or the return's id.")
    return load_return_request(requestor, id)


class ReturnSurveyInvitation(graphene.ObjectType):
    """The survey of one return as its page shows it: which return, whether it may be answered now, the answer."""

    return_request_id = graphene.ID(required=True)
    number = graphene.String(required=True, description="The return's customer-facing number, e.g. RMA-000123.")
    is_open = graphene.Boolean(
        required=True,
        description="An answer may be given or changed now: the return is resolved or closed, and its first "
        "answer (if any) is less than a week old.",
    )
    survey = graphene.Field(ReturnSurvey, description="The answer given so far; null before the first.")

    def resolve_return_request_id(return_request, info):
        return global_id("ReturnRequest", return_request.pk)

    def resolve_number(return_request, info):
        return return_request.rma_number

    def resolve_is_open(return_request, info):
        return is_answerable(return_request, _answer(return_request))

    def resolve_survey(return_request, info):
        return _answer(return_request)


def _answer(return_request: ReturnRequest) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(return_request=return_request).first()


class SurveyQuery(graphene.ObjectType):
    return_survey = graphene.Field(
        ReturnSurveyInvitation,
        link=graphene.String(description="The `link` parameter of the survey invitation's URL: no token is needed."),
        id=graphene.ID(description="The return, for its customer or guest; must match the link when both are given."),
        description="The survey of a return, for its page: with the invitation's `link` anyone holding it, else "
        "the return's customer or guest by `id` (null when the return is not theirs). A bad link answers an "
        "error whose `extensions` carry `code` and `field` (as `returnSurveySubmit` would).",
    )

    def resolve_return_survey(root, info, link=None, id=None):
        requestor = info.context.requestor
        check_survey_caller(requestor, link)
        try:
            return surveyed_return_request(requestor, link=link, id=id)
        except InputError as problem:
            raise GraphQLError(
                problem.error.message, extensions={"code": problem.error.code.upper(), "field": problem.error.field}
            ) from None
        except NotFound:
            return None
