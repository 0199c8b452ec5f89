"""The satisfaction survey in the API: a return's answer, and the figures for the overview."""

import graphene

from saleor_returns.api.enums import SurveyImprovementEnum
from saleor_returns.surveys.actions import CHANGE_WINDOW
from saleor_returns.surveys.figures import Satisfaction


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
