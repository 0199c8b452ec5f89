"""The lifecycle: only transition() changes a status, by the table, with a timeline event."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from saleor_returns.models import ReturnEvent
from saleor_returns.requestors import Actor
from saleor_returns.states import TRANSITIONS, ReturnStatus, transition
from tests.factories import ReturnRequestFactory

STAFF = Actor(kind="staff", id="VXNlcjox", email="staff@example.com")

ALLOWED = [(current, to) for current, targets in TRANSITIONS.items() for to in sorted(targets)]
FORBIDDEN = [
    (current, to)
    for current in ReturnStatus.values
    for to in ReturnStatus.values
    if to != current and to not in TRANSITIONS[current]
]


def test_the_table_is_the_lifecycle_of_the_design():
    assert TRANSITIONS[ReturnStatus.REQUESTED] == {"pending_review", "approved", "rejected", "canceled"}
    assert TRANSITIONS[ReturnStatus.APPROVED] == {"awaiting_shipment", "resolved", "canceled"}
    assert TRANSITIONS[ReturnStatus.IN_TRANSIT] == {"received"}
    assert TRANSITIONS[ReturnStatus.RESOLVED] == {"closed"}
    for terminal in (ReturnStatus.REJECTED, ReturnStatus.CANCELED, ReturnStatus.CLOSED):
        assert TRANSITIONS[terminal] == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "to"), ALLOWED)
def test_allowed_moves_change_status_and_write_one_event(current, to):
    # given
    return_request = ReturnRequestFactory(status=current)

    # when
    with transaction.atomic():
        event = transition(return_request, to=to, actor=STAFF, note="why", is_visible_to_customer=False)

    # then
    return_request.refresh_from_db()
    assert return_request.status == to
    assert list(ReturnEvent.objects.values_list("type", "from_status", "to_status", "actor_kind", "note", "is_visible_to_customer")) == [
        ("status_changed", current, to, "staff", "why", False)
    ]
    assert event.actor_email == "staff@example.com"


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "to"), FORBIDDEN)
def test_forbidden_moves_raise_invalid_transition_and_change_nothing(current, to):
    return_request = ReturnRequestFactory(status=current)
    with pytest.raises(ValidationError) as raised, transaction.atomic():
        transition(return_request, to=to, actor=STAFF)
    assert raised.value.error_dict["status"][0].code == "invalid_transition"
    return_request.refresh_from_db()
    assert return_request.status == current
    assert ReturnEvent.objects.count() == 0


@pytest.mark.django_db
def test_moving_to_the_current_status_is_a_no_op():
    return_request = ReturnRequestFactory(status=ReturnStatus.APPROVED)
    with transaction.atomic():
        assert transition(return_request, to=ReturnStatus.APPROVED, actor=STAFF) is None
    assert ReturnEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_transition_outside_a_transaction_is_refused():
    return_request = ReturnRequestFactory(status=ReturnStatus.PENDING_REVIEW)
    with pytest.raises(RuntimeError):
        transition(return_request, to=ReturnStatus.APPROVED, actor=STAFF)
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.PENDING_REVIEW
