"""returnSurveySubmit: the customer rates a closed return (through the survey link, or as its owner)."""

import graphene

from saleor_returns.api.errors import PermissionDenied
from saleor_returns.api.mutations.base import CUSTOMERS, InputError, ReturnMutation, decode_id, load_return_request
from saleor_returns.api.enums import SurveyImprovementEnum
from saleor_returns.api.surveys import ReturnSurvey
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models import ReturnRequest as ReturnRequestModel
from saleor_returns.return_links import InvalidPortalLink, LinkPurpose, read_link_token
from saleor_returns.surveys.actions import submit_survey, validated_answer

ONLY_THE_CUSTOMER = "Only the customer answers the survey: use the survey link, or the customer's or guest's token."


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
        if requestor.installation is None:
            raise PermissionDenied("Name the shop with the Saleor-Api-Url header.")
        if data.get("link"):
            return
        if requestor.kind not in CUSTOMERS:
            raise PermissionDenied(ONLY_THE_CUSTOMER)

    @classmethod
    def perform(cls, info, requestor, actor, rating, link=None, id=None, improvements=None, comment=None):
        answer = validated_answer(rating=rating, improvements=improvements, comment=comment)
        if link:
            return_request = _by_link(requestor.installation, link, id)
        elif id:
            return_request = load_return_request(requestor, id)
        else:
            raise InputError("id", ReturnErrorCode.REQUIRED, "Give the survey link or the return's id.")
        return cls(survey=submit_survey(return_request=return_request, answer=answer), errors=[])


def _by_link(installation, link: str, global_id: str | None):
    try:
        proven = read_link_token(link, installation_id=installation.pk, purpose=LinkPurpose.SURVEY)
    except InvalidPortalLink as problem:
        raise InputError("link", ReturnErrorCode.INVALID, str(problem)) from None
    if global_id and decode_id(global_id, "ReturnRequest") != proven.return_request_id:
        raise InputError("id", ReturnErrorCode.INVALID, "The link is for another return.")
    return_request = ReturnRequestModel.objects.filter(installation=installation, pk=proven.return_request_id).first()
    if return_request is None:
        raise InputError("link", ReturnErrorCode.NOT_FOUND, "The return of this link no longer exists.")
    return return_request
