"""The survey's figures over the scope's return requests (requested on its days, in its channel)."""

from saleor_returns.analytics.figures.scope import Scope
from saleor_returns.models import ReturnRequest
from saleor_returns.surveys.figures import Satisfaction, satisfaction


def scope_satisfaction(scope: Scope) -> Satisfaction:
    requests = ReturnRequest.objects.filter(
        installation_id=scope.installation_id, created_at__range=(scope.start, scope.end)
    )
    if scope.channel_slug:
        requests = requests.filter(channel_slug=scope.channel_slug)
    return satisfaction(requests)
