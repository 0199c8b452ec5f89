"""returnSurveySubmit: the customer rates a closed return (through the survey link, or as its owner)."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation
from saleor_returns.api.enums import SurveyImprovementEnum
from saleor_returns.api.surveys import ReturnSurvey, check_survey_caller, surveyed_return_request
from saleor_returns.surveys.actions import submit_survey, validated_answer


class ReturnSurveySubmit(ReturnMutation):
    """One answer per return, changeable for a week. With `link` (from the survey invitation) no token is
    needed; otherwise the caller must own the return (customer token or guest lookup token) and give `id`."""

    class Arguments:
        link = graphene.String(description="The `link` parameter of the survey invitation's URL.")
        id = graphene.ID(description="The return; needed without `link`, and must match it when both are given.")
        rating = graphene.Int(required=True, description="1 (very unhappy) to 5 (very happy).")
        improvements = graphene.List(graphene.NonNull(SurveyImprovementEnum))
        comment = graphene.String()

    survey = graphene.Field(ReturnSurvey)

    @classmethod
    def check_permissions(cls, requestor, data: dict) -> None:
        check_survey_caller(requestor, data.get("link"))

    @classmethod
    def perform(cls, info, requestor, actor, rating, link=None, id=None, improvements=None, comment=None):
        answer = validated_answer(rating=rating, improvements=improvements, comment=comment)
        return_request = surveyed_return_request(requestor, link=link, id=id)
        return cls(survey=submit_survey(return_request=return_request, answer=answer), errors=[])

