"""Which returns are due a reminder to ship or a survey invitation, found in SQL.

The settings are those of the policy in force for the return's channel (its own current
version, else the shop's default), not the version the return was judged by: a shop that
turns surveys off, or changes the reminder's day, does so for returns under way too. A
version saved before a setting existed reads its default. Days are elapsed time (24 hours
each) from the moment of the step, not calendar days in the shop's time zone.
"""

from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Least

from saleor_returns.events import EventType
from saleor_returns.models import CLAIM_KINDS, Resolution, ReturnEvent, ReturnPolicy, ReturnRequest, ReturnShipment
from saleor_returns.models.notifications import Message, MessageEvent
from saleor_returns.models.surveys import SurveyResponse
from saleor_returns.policy_rules import PolicyRules
from saleor_returns.states import ReturnStatus

# Waiting for the customer's parcel.
AWAITING_PARCEL = (ReturnStatus.APPROVED, ReturnStatus.AWAITING_SHIPMENT)
# Done: the survey asks how it went.
FINISHED = (ReturnStatus.RESOLVED, ReturnStatus.CLOSED)
# How long after its day an invitation is still sent: a return finished long before (before the
# app sent surveys, or while they were off) is not asked out of the blue.
SURVEY_WINDOW = timedelta(days=7)


def _setting(name: str, output_field, default=None):
    """The outer return's setting `name` in the policy in force, or `default` (else the setting's own)."""
    in_force = (
        ReturnPolicy.objects.filter(
            Q(channel_slug=OuterRef("channel_slug")) | Q(channel_slug=""),
            installation_id=OuterRef("installation_id"),
            is_current=True,
        )
        .order_by("-channel_slug")
        .annotate(value=KeyTextTransform(name, "rules"))
        .values("value")[:1]
    )
    if default is None:
        default = Value(getattr(PolicyRules(), name))
    return Coalesce(Cast(Subquery(in_force), output_field), default, output_field=output_field)


def _ship_reminder_days():
    """As `PolicyRules` reads a version saved without it: 3, or the day before its returns expire."""
    expiry = _setting("approved_return_expiry_days", IntegerField())
    latest = ExpressionWrapper(expiry - Value(1), output_field=IntegerField())
    return _setting("ship_reminder_days", IntegerField(), Least(Value(PolicyRules().ship_reminder_days), latest))


def _last_move_to(status: str):
    """The outer return's last move to `status`, from its timeline."""
    return ReturnEvent.objects.filter(
        return_request=OuterRef("pk"), type=EventType.STATUS_CHANGED, to_status=status
    ).order_by("-created_at")


def _days_after(moment: str, days: str):
    """`moment` + `days` days, both fields of the row."""
    interval = Func(F(days), template="make_interval(days => %(expressions)s)", output_field=DurationField())
    return Func(F(moment), interval, template="(%(expressions)s)", arg_joiner=" + ", output_field=DateTimeField())


def returns_due_a_ship_reminder(now: datetime) -> QuerySet:
    """Approved returns that wait for a parcel, `ship_reminder_days` after their approval, whose
    parcel no carrier scanned and whose customer gave no tracking of their own, not yet reminded
    since that approval. Annotated with `approval_id`, the approval's timeline event."""
    approval = _last_move_to(ReturnStatus.APPROVED)
    sent_back = ReturnShipment.objects.filter(return_request=OuterRef("pk")).filter(
        Q(first_scan_at__isnull=False) | Q(method=ReturnShipment.Method.SELF_SHIP)
    )
    reminded = Message.objects.filter(
        return_request=OuterRef("pk"),
        event=MessageEvent.SHIP_REMINDER,
        occurrence=Cast(OuterRef("approval_id"), CharField()),
    )
    return (
        ReturnRequest.objects.filter(status__in=AWAITING_PARCEL, installation__is_active=True)
        .exclude(kind__in=CLAIM_KINDS)
        .exclude(resolution=Resolution.KEEP_ITEM)
        .exclude(Exists(sent_back))
        .annotate(
            approval_id=Subquery(approval.values("pk")[:1]),
            approved_at=Subquery(approval.values("created_at")[:1]),
            reminder_days=_ship_reminder_days(),
        )
        .filter(reminder_days__gt=0)
        .annotate(reminder_due_at=_days_after("approved_at", "reminder_days"))
        .filter(reminder_due_at__lte=now)
        .exclude(Exists(reminded))
    )


def returns_due_a_survey(now: datetime) -> QuerySet:
    """Resolved (or closed) returns `survey_delay_days` after they were resolved, in shops that send
    surveys, not invited yet and not answered, within SURVEY_WINDOW of their day."""
    return (
        ReturnRequest.objects.filter(status__in=FINISHED, installation__is_active=True)
        .exclude(Exists(SurveyResponse.objects.filter(return_request=OuterRef("pk"))))
        .exclude(Exists(Message.objects.filter(return_request=OuterRef("pk"), event=MessageEvent.SURVEY_INVITATION)))
        .annotate(
            survey_enabled=_setting("survey_enabled", BooleanField()),
            survey_delay_days=_setting("survey_delay_days", IntegerField()),
            resolved_at=Subquery(_last_move_to(ReturnStatus.RESOLVED).values("created_at")[:1]),
        )
        .filter(survey_enabled=True)
        .annotate(survey_due_at=_days_after("resolved_at", "survey_delay_days"))
        .filter(survey_due_at__lte=now, survey_due_at__gt=now - SURVEY_WINDOW)
    )
