"""A customer's answer to the satisfaction survey of one return."""

import uuid

from django.db import models


class SurveyImprovement(models.TextChoices):
    """What the customer says could have gone better (the survey's choices)."""

    FASTER_REFUND = "faster_refund"
    EASIER_REQUEST = "easier_request"
    CLEARER_INSTRUCTIONS = "clearer_instructions"
    CHEAPER_RETURN_SHIPPING = "cheaper_return_shipping"
    BETTER_COMMUNICATION = "better_communication"
    PRODUCT_AS_DESCRIBED = "product_as_described"
    OTHER = "other"


class SurveyResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    installation = models.ForeignKey(
        "saleor_returns.Installation", on_delete=models.CASCADE, related_name="survey_responses"
    )
    return_request = models.OneToOneField(
        "saleor_returns.ReturnRequest", on_delete=models.CASCADE, related_name="survey_response"
    )
    rating = models.PositiveSmallIntegerField()
    improvements = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(help_text="The first answer; it may be changed for a week after.")
    updated_at = models.DateTimeField()
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by_email = models.CharField(max_length=254, blank=True)
    follow_up_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1) & models.Q(rating__lte=5), name="survey_rating_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["installation", "rating"])]

    @property
    def needs_follow_up(self) -> bool:
        return self.rating <= LOW_RATING and self.followed_up_at is None


# A rating at or below this puts the return under "Needs attention" until someone follows up.
LOW_RATING = 2
