"""Satisfaction figures over a set of returns, computed in PostgreSQL."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from saleor_returns.surveys.actions import SURVEYED_STATUSES
from saleor_returns.models.surveys import LOW_RATING, SurveyResponse


@dataclass(frozen=True)
class Satisfaction:
    responses: int
    surveyed: int
    average_rating: float | None
    distribution: dict[int, int]
    needing_follow_up: int

    @property
    def response_rate(self) -> float | None:
        """Answers per closed return (the returns the survey goes to)."""
        return self.responses / self.surveyed if self.surveyed else None


def satisfaction(return_requests) -> Satisfaction:
    """The survey's figures over `return_requests` (a queryset of one shop's returns)."""
    surveyed = return_requests.filter(status__in=SURVEYED_STATUSES).count()
    answers = SurveyResponse.objects.filter(return_request__in=return_requests.values("pk"))
    totals = answers.aggregate(
        responses=Count("pk"),
        average=Avg("rating"),
        needing_follow_up=Count("pk", filter=Q(rating__lte=LOW_RATING, followed_up_at__isnull=True)),
        **{f"rating_{rating}": Count("pk", filter=Q(rating=rating)) for rating in range(1, 6)},
    )
    average = totals["average"]
    return Satisfaction(
        responses=totals["responses"],
        surveyed=surveyed,
        average_rating=round(float(average), 2) if average is not None else None,
        distribution={rating: totals[f"rating_{rating}"] for rating in range(1, 6)},
        needing_follow_up=totals["needing_follow_up"],
    )


def low_score_waiting() -> Q:
    """A condition on return requests: a low score nobody followed up yet."""
    return Q(survey_response__rating__lte=LOW_RATING, survey_response__followed_up_at__isnull=True)
