"""Staff review: returnRequestApprove, returnRequestReject, returnRequestRequestInfo, returnRequestNoteAdd;
customer answers: returnRequestAddInfo, returnRequestCancel."""

import pytest

from saleor_returns.models import ReturnEvent, ReturnRequest
from tests.api.conftest import create_request

PAYLOAD = "returnRequest { id status rejectionMessage infoRequestedMessage lines { id requestedQuantity approvedQuantity } timeline { type note fromStatus toStatus isVisibleToCustomer actor { kind email } } } errors { field code message lines }"
APPROVE = f"mutation($id: ID!, $lines: [ReturnLineApproveInput!]) {{ returnRequestApprove(id: $id, lines: $lines) {{ {PAYLOAD} }} }}"
REJECT = f"mutation($id: ID!, $message: String!) {{ returnRequestReject(id: $id, message: $message) {{ {PAYLOAD} }} }}"
REQUEST_INFO = f"mutation($id: ID!, $message: String!) {{ returnRequestRequestInfo(id: $id, message: $message) {{ {PAYLOAD} }} }}"
ADD_INFO = f"mutation($id: ID!, $message: String) {{ returnRequestAddInfo(id: $id, message: $message) {{ {PAYLOAD} }} }}"
CANCEL = f"mutation($id: ID!) {{ returnRequestCancel(id: $id) {{ {PAYLOAD} }} }}"
NOTE = f"mutation($id: ID!, $note: String!, $visible: Boolean) {{ returnRequestNoteAdd(id: $id, note: $note, isVisibleToCustomer: $visible) {{ {PAYLOAD} }} }}"


@pytest.fixture
def pending(as_alice, alices_order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = create_request(as_alice, alices_order, {0: 2, 1: 1})
    assert ReturnRequest.objects.get().status == "pending_review"
    return request


def payload(result, name):
    return result["data"][name]


def test_staff_approve_everything(as_staff, pending):
    result = payload(as_staff(APPROVE, {"id": pending["id"]}), "returnRequestApprove")
    assert result["errors"] == []
    assert result["returnRequest"]["status"] == "APPROVED"
    assert [line["approvedQuantity"] for line in result["returnRequest"]["lines"]] == [2, 1]
    last = result["returnRequest"]["timeline"][-1]
    assert (last["type"], last["fromStatus"], last["toStatus"], last["actor"]) == (
        "STATUS_CHANGED", "PENDING_REVIEW", "APPROVED", {"kind": "staff", "email": "staff@example.com"}
    )


def test_staff_approve_per_line(as_staff, pending):
    lines = pending["lines"]
    result = payload(
        as_staff(APPROVE, {"id": pending["id"], "lines": [{"lineId": lines[0]["id"], "quantity": 1}]}),
        "returnRequestApprove",
    )
    assert [line["approvedQuantity"] for line in result["returnRequest"]["lines"]] == [1, 0]


@pytest.mark.parametrize(
    ("_case", "quantities", "expected"),
    [
        ("more than requested", [3], ("lines.quantity", "INVALID_QUANTITY", "Approve at most the requested quantity.")),
        ("nothing at all", [0], ("lines", "INVALID_QUANTITY", "Approve at least one unit, or reject the request.")),
    ],
)
def test_bad_approvals_change_nothing(as_staff, pending, _case, quantities, expected):
    lines = [{"lineId": pending["lines"][0]["id"], "quantity": q} for q in quantities]
    result = payload(as_staff(APPROVE, {"id": pending["id"], "lines": lines}), "returnRequestApprove")
    assert [(e["field"], e["code"], e["message"]) for e in result["errors"]] == [expected]
    stored = ReturnRequest.objects.get()
    assert stored.status == "pending_review"
    assert list(stored.lines.values_list("approved_quantity", flat=True)) == [None, None]
    assert stored.events.filter(type__in=["lines_approved"]).count() == 0


def test_reject_with_a_message_the_customer_sees(as_staff, as_alice, pending):
    result = payload(as_staff(REJECT, {"id": pending["id"], "message": "Worn items cannot be returned."}), "returnRequestReject")
    assert result["returnRequest"]["status"] == "REJECTED"
    assert result["returnRequest"]["rejectionMessage"] == "Worn items cannot be returned."
    seen = as_alice("query($id: ID!) { returnRequest(id: $id) { status rejectionMessage timeline { toStatus note } } }", {"id": pending["id"]})
    assert seen["data"]["returnRequest"]["rejectionMessage"] == "Worn items cannot be returned."
    assert seen["data"]["returnRequest"]["timeline"][-1] == {"toStatus": "REJECTED", "note": "Worn items cannot be returned."}


def test_reject_needs_a_message(as_staff, pending):
    result = payload(as_staff(REJECT, {"id": pending["id"], "message": "  "}), "returnRequestReject")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("message", "REQUIRED")]
    assert ReturnRequest.objects.get().status == "pending_review"


def test_a_rejected_request_cannot_be_approved(as_staff, pending):
    as_staff(REJECT, {"id": pending["id"], "message": "No."})
    events_before = ReturnEvent.objects.count()
    result = payload(as_staff(APPROVE, {"id": pending["id"]}), "returnRequestApprove")
    assert [(e["field"], e["code"], e["message"]) for e in result["errors"]] == [
        ("status", "INVALID_TRANSITION", "A return request cannot move from Rejected to Approved.")
    ]
    assert ReturnRequest.objects.get().status == "rejected"
    assert ReturnEvent.objects.count() == events_before


def test_ask_for_information_then_the_customer_answers(as_staff, as_alice, pending):
    # when
    asked = payload(as_staff(REQUEST_INFO, {"id": pending["id"], "message": "Please add a photo of the sole."}), "returnRequestRequestInfo")

    # then
    assert asked["returnRequest"]["status"] == "PENDING_REVIEW"
    assert asked["returnRequest"]["infoRequestedMessage"] == "Please add a photo of the sole."

    # when
    answered = payload(as_alice(ADD_INFO, {"id": pending["id"], "message": "The sole came off after one day."}), "returnRequestAddInfo")

    # then
    assert answered["errors"] == []
    assert answered["returnRequest"]["infoRequestedMessage"] is None
    assert answered["returnRequest"]["timeline"][-1]["type"] == "INFO_ADDED"
    assert answered["returnRequest"]["timeline"][-1]["note"] == "The sole came off after one day."


def test_internal_notes_are_hidden_from_the_customer(as_staff, as_alice, pending):
    as_staff(NOTE, {"id": pending["id"], "note": "Customer returned 5 orders this year", "visible": False})
    as_staff(NOTE, {"id": pending["id"], "note": "We will email a label", "visible": True})
    staff_view = as_staff("query($id: ID!) { returnRequest(id: $id) { timeline { type note } } }", {"id": pending["id"]})
    customer_view = as_alice("query($id: ID!) { returnRequest(id: $id) { timeline { type note } } }", {"id": pending["id"]})
    staff_notes = [e["note"] for e in staff_view["data"]["returnRequest"]["timeline"] if e["type"] == "NOTE_ADDED"]
    customer_notes = [e["note"] for e in customer_view["data"]["returnRequest"]["timeline"] if e["type"] == "NOTE_ADDED"]
    assert staff_notes == ["Customer returned 5 orders this year", "We will email a label"]
    assert customer_notes == ["We will email a label"]
    assert all(e["type"] != "AUTO_REVIEWED" for e in customer_view["data"]["returnRequest"]["timeline"])


def test_the_customer_cancels_before_shipping(as_alice, pending):
    result = payload(as_alice(CANCEL, {"id": pending["id"]}), "returnRequestCancel")
    assert result["returnRequest"]["status"] == "CANCELED"
    again = payload(as_alice(CANCEL, {"id": pending["id"]}), "returnRequestCancel")
    assert again["errors"] == []  # already canceled: nothing to do


def test_canceled_units_can_be_requested_again(as_alice, alices_order, pending):
    as_alice(CANCEL, {"id": pending["id"]})
    again = create_request(as_alice, alices_order, {0: 2})
    assert again["lines"][0]["requestedQuantity"] == 2


def test_another_customer_gets_not_found(as_bob, pending):
    result = payload(as_bob(CANCEL, {"id": pending["id"]}), "returnRequestCancel")
    assert result["errors"] == [{"field": "id", "code": "NOT_FOUND", "message": "No return request has this id.", "lines": None}]
    assert ReturnRequest.objects.get().status == "pending_review"


def test_a_garbage_id_is_not_found(as_staff, pending):
    result = payload(as_staff(APPROVE, {"id": "not-an-id"}), "returnRequestApprove")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("id", "NOT_FOUND")]
