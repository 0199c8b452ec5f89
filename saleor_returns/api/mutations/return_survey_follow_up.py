"""returnSurveyFollowUp: staff record that somebody followed up a customer's answer."""

import graphene

from saleor_returns.api.mutations.base import ReturnMutation, load_return_request
from saleor_returns.api.surveys import ReturnSurvey
from saleor_returns.surveys.actions import follow_up_survey


class ReturnSurveyFollowUp(ReturnMutation):
    """A low score (1-2) keeps the return under "Needs attention" until this is recorded."""

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String(description="What was done, e.g. \"Called; refunded the return shipping.\"")

    survey = graphene.Field(ReturnSurvey)

    @classmethod
    def perform(cls, info, requestor, actor, id, note=""):
        return_request = load_return_request(requestor, id)
        return cls(survey=follow_up_survey(return_request=return_request, actor=actor, note=note or ""), errors=[])
