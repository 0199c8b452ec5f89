"""returnKpiReviewLinkCreate: staff get a short-lived link that opens (and prints) the KPI review's page."""

import graphene
from django.core.exceptions import ValidationError

from saleor_returns.analytics.figures.scope import scope_for
from saleor_returns.analytics.review import PREVIOUS_PERIOD
from saleor_returns.api.analytics import ReturnAnalyticsPeriodInput, period_errors
from saleor_returns.api.kpi_review import ReturnKpiComparison
from saleor_returns.api.kpi_review_links import LINK_TTL, ReviewLink, review_link_url
from saleor_returns.api.mutations.base import ReturnMutation, enum_value
from saleor_returns.translations import language_code


class ReturnKpiReviewLinkCreate(ReturnMutation):
    """The page at `url` shows the review without the API's headers and prints itself; Ctrl+P prints it again."""

    class Arguments:
        period = ReturnAnalyticsPeriodInput(required=True)
        channel = graphene.String(description="A channel's slug; none for every channel.")
        compare_to = graphene.Argument(ReturnKpiComparison, default_value=PREVIOUS_PERIOD)
        language = graphene.String(description="The page's language (en or zh-Hans); else the app's default.")

    url = graphene.String(description=f"Valid {int(LINK_TTL.total_seconds() // 60)} minutes, for this review only.")
    expires_at = graphene.DateTime()

    @classmethod
    def perform(cls, info, requestor, actor, period, channel=None, compare_to=PREVIOUS_PERIOD, language=None):
        try:
            scope = scope_for(requestor.installation, period.from_, period.to, channel)
        except ValidationError as refused:
            return cls(errors=period_errors(refused))
        link = ReviewLink(
            installation_id=str(requestor.installation.pk), first=scope.first, last=scope.last,
            channel=scope.channel_slug, comparison=enum_value(compare_to), language=language_code(language),
        )
        url, expires_at = review_link_url(link)
        return cls(url=url, expires_at=expires_at, errors=[])
