"""Answering the survey, and following up on a low score."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models import ReturnRequest
from saleor_returns.requestors import Actor
from saleor_returns.states import ReturnStatus
from saleor_returns.models.surveys import SurveyImprovement, SurveyResponse

# The survey is sent when a return is closed: money out, or the case finished.
SURVEYED_STATUSES = (ReturnStatus.RESOLVED, ReturnStatus.CLOSED)
# An answer may be changed for this long after it was first given.
CHANGE_WINDOW = timedelta(days=7)
MAX_COMMENT_LENGTH = 2000
MAX_FOLLOW_UP_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class SurveyAnswer:
    rating: int
    improvements: tuple[str, ...] = ()
    comment: str = ""


def _invalid(field: str, message: str, code: ReturnErrorCode = ReturnErrorCode.INVALID) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def validated_answer(*, rating, improvements, comment) -> SurveyAnswer:
    """The answer, or ValidationError naming the first wrong field."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise _invalid("rating", "Give a rating from 1 to 5.")
    known = set(SurveyImprovement.values)
    chosen: list[str] = []
    for item in improvements or ():
        value = getattr(item, "value", item)
        if value not in known:
            raise _invalid("improvements", f"Unknown choice {value!r}.")
        if value not in chosen:
            chosen.append(value)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise _invalid("comment", f"Keep the comment under {MAX_COMMENT_LENGTH} characters.")
    return SurveyAnswer(rating=rating, improvements=tuple(chosen), comment=comment)


def is_answerable(return_request: ReturnRequest, response: SurveyResponse | None, *, now: datetime | None = None) -> bool:
    """Whether an answer may be given (or `response`, the one given, changed) now: what `submit_survey` checks."""
    if return_request.status not in SURVEYED_STATUSES:
        return False
    return response is None or (now or timezone.now()) <= response.submitted_at + CHANGE_WINDOW


def submit_survey(*, return_request: ReturnRequest, answer: SurveyAnswer, now: datetime | None = None) -> SurveyResponse:
    """Record the customer's answer: once per return, changeable for a week after the first."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if locked.status not in SURVEYED_STATUSES:
            raise _invalid("id", "The survey opens once the return is closed.", ReturnErrorCode.INVALID_TRANSITION)
        response = SurveyResponse.objects.filter(return_request=locked).first()
        if response is None:
            response = SurveyResponse(installation_id=locked.installation_id, return_request=locked, submitted_at=now)
        elif now > response.submitted_at + CHANGE_WINDOW:
            raise _invalid("id", "This answer can no longer be changed.", ReturnErrorCode.INVALID_TRANSITION)
        elif (response.rating, tuple(response.improvements), response.comment) != (
            answer.rating, answer.improvements, answer.comment
        ):
            # A changed answer is a new one to read: an earlier follow-up does not cover it.
            response.followed_up_at = None
            response.followed_up_by_email = ""
            response.follow_up_note = ""
        response.rating = answer.rating
        response.improvements = list(answer.improvements)
        response.comment = answer.comment
        response.updated_at = now
        response.save()
    return response


def follow_up_survey(*, return_request: ReturnRequest, actor: Actor, note: str) -> SurveyResponse:
    """Staff record that they followed up on the answer; a low score then leaves "Needs attention"."""
    note = (note or "").strip()
    if len(note) > MAX_FOLLOW_UP_NOTE_LENGTH:
        raise _invalid("note", f"Keep the note under {MAX_FOLLOW_UP_NOTE_LENGTH} characters.")
    with transaction.atomic():
        response = SurveyResponse.objects.select_for_update().filter(return_request=return_request).first()
        if response is None:
            raise ValidationError("The customer has not answered the survey.", code=ReturnErrorCode.NOT_FOUND.value)
        response.followed_up_at = timezone.now()
        response.followed_up_by_email = actor.email
        response.follow_up_note = note
        response.save(update_fields=["followed_up_at", "followed_up_by_email", "follow_up_note"])
    return response
