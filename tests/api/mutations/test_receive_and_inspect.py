"""returnRequestReceive and returnRequestInspect."""

import pytest

from saleor_returns.models import ReturnRequest
from tests.api.conftest import create_request, shipped_order
from tests.evidence import png

APPROVE = "mutation($id: ID!) { returnRequestApprove(id: $id) { errors { code } } }"
TRACKING = 'mutation($id: ID!) { returnRequestTrackingAdd(id: $id, carrier: "UPS", trackingNumber: "1Z999") { errors { code } } }'
LINES = "returnRequest { status lines { id receivedQuantity acceptedQuantity condition disposition restockWarehouseId } } errors { field code message lines }"
RECEIVE = f"mutation($id: ID!, $lines: [ReturnLineReceiveInput!]!) {{ returnRequestReceive(id: $id, lines: $lines) {{ {LINES} }} }}"
INSPECT = f"mutation($id: ID!, $lines: [ReturnLineInspectInput!]!) {{ returnRequestInspect(id: $id, lines: $lines) {{ {LINES} }} }}"


@pytest.fixture
def shipping(as_alice, as_staff, alices_order):
    """Approved for 2 sneakers and 1 jacket, shipped by the customer."""
    request = create_request(as_alice, alices_order, {0: 2, 1: 1})
    as_staff(APPROVE, {"id": request["id"]})
    as_alice(TRACKING, {"id": request["id"]})
    return request


def line_ids(request):
    return [line["id"] for line in request["lines"]]


def test_partial_receipts_add_up(as_staff, shipping):
    sneakers, jacket = line_ids(shipping)
    first = as_staff(RECEIVE, {"id": shipping["id"], "lines": [{"lineId": sneakers, "quantity": 1}]})["data"]["returnRequestReceive"]
    assert first["errors"] == []
    assert first["returnRequest"]["status"] == "RECEIVED"
    second = as_staff(RECEIVE, {"id": shipping["id"], "lines": [{"lineId": sneakers, "quantity": 1}, {"lineId": jacket, "quantity": 1}]})
    assert [l["receivedQuantity"] for l in second["data"]["returnRequestReceive"]["returnRequest"]["lines"]] == [2, 1]


def test_receiving_more_than_approved_changes_nothing(as_staff, shipping):
    sneakers, _ = line_ids(shipping)
    payload = as_staff(RECEIVE, {"id": shipping["id"], "lines": [{"lineId": sneakers, "quantity": 3}]})["data"]["returnRequestReceive"]
    assert payload["errors"] == [
        {"field": "lines.quantity", "code": "INVALID_QUANTITY", "message": "More units than were approved would be received.", "lines": [sneakers]}
    ]
    stored = ReturnRequest.objects.get()
    assert stored.status == "awaiting_shipment"
    assert list(stored.lines.values_list("received_quantity", flat=True)) == [0, 0]


def test_inspection_records_condition_and_disposition_then_the_return_is_inspected(as_staff, shipping):
    # given
    sneakers, jacket = line_ids(shipping)
    as_staff(RECEIVE, {"id": shipping["id"], "lines": [{"lineId": sneakers, "quantity": 2}, {"lineId": jacket, "quantity": 1}]})

    # when: one line inspected
    partial = as_staff(INSPECT, {"id": shipping["id"], "lines": [
        {"lineId": sneakers, "acceptedQuantity": 2, "condition": "AS_NEW", "disposition": "RESTOCK", "warehouseId": "V2FyZWhvdXNlOjE="},
    ]})["data"]["returnRequestInspect"]

    # then: still waiting for the other line
    assert partial["errors"] == []
    assert partial["returnRequest"]["status"] == "RECEIVED"

    # when
    done = as_staff(INSPECT, {"id": shipping["id"], "lines": [
        {"lineId": jacket, "acceptedQuantity": 0, "condition": "DAMAGED", "disposition": "SCRAP", "note": "Worn"},
    ]})["data"]["returnRequestInspect"]

    # then
    assert done["returnRequest"]["status"] == "INSPECTED"
    assert [(l["acceptedQuantity"], l["condition"], l["disposition"], l["restockWarehouseId"]) for l in done["returnRequest"]["lines"]] == [
        (2, "AS_NEW", "RESTOCK", "V2FyZWhvdXNlOjE="), (0, "DAMAGED", "SCRAP", None)
    ]


@pytest.mark.parametrize(("_case", "change", "expected"), [
    ("accept more than received", {"acceptedQuantity": 3}, ("lines.acceptedQuantity", "INVALID_QUANTITY", "Accept at most the received quantity.")),
    ("restock without a warehouse", {"warehouseId": None}, ("lines.warehouseId", "REQUIRED", "Choose the warehouse to restock into.")),
])
def test_bad_inspections_change_nothing(as_staff, shipping, _case, change, expected):
    sneakers, _ = line_ids(shipping)
    as_staff(RECEIVE, {"id": shipping["id"], "lines": [{"lineId": sneakers, "quantity": 2}]})
    line = {"lineId": sneakers, "acceptedQuantity": 2, "condition": "AS_NEW", "disposition": "RESTOCK", "warehouseId": "V2FyZWhvdXNlOjE=", **change}
    payload = as_staff(INSPECT, {"id": shipping["id"], "lines": [line]})["data"]["returnRequestInspect"]
    assert [(e["field"], e["code"], e["message"]) for e in payload["errors"]] == [expected]
    stored = ReturnRequest.objects.get()
    assert stored.status == "received"
    assert list(stored.lines.values_list("accepted_quantity", flat=True)) == [None, None]


def test_inspecting_before_receiving_is_refused(as_staff, shipping):
    sneakers, _ = line_ids(shipping)
    payload = as_staff(INSPECT, {"id": shipping["id"], "lines": [{"lineId": sneakers, "acceptedQuantity": 0, "condition": "AS_NEW", "disposition": "SCRAP"}]})
    assert payload["data"]["returnRequestInspect"]["errors"][0]["code"] == "INVALID_TRANSITION"


def test_inspection_photos_are_kept_on_the_line(as_staff, shipping, settings, tmp_path):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    sneakers, jacket = line_ids(shipping)
    as_staff(RECEIVE, {"id": shipping["id"], "lines": [{"lineId": sneakers, "quantity": 2}, {"lineId": jacket, "quantity": 1}]})
    upload = "mutation($file: Upload!) { returnEvidenceUpload(file: $file) { evidence { id } errors { code } } }"
    response = as_staff.client.post("/graphql/", {
        "operations": json.dumps({"query": upload, "variables": {"file": None}}), "map": json.dumps({"0": ["variables.file"]}),
        "0": SimpleUploadedFile("scuff.png", png(), content_type="image/png"),
    }, headers={"Saleor-Api-Url": as_staff.api_url, "Authorization": f"Bearer {as_staff.token}"})
    photo = response.json()["data"]["returnEvidenceUpload"]["evidence"]["id"]
    done = as_staff(INSPECT, {"id": shipping["id"], "lines": [
        {"lineId": jacket, "acceptedQuantity": 0, "condition": "DAMAGED", "disposition": "SCRAP", "evidenceIds": [photo]},
    ]})["data"]["returnRequestInspect"]
    assert done["errors"] == []
    line = ReturnRequest.objects.get().lines.get(product_name__isnull=False, requested_quantity=1)
    assert [str(e.pk) for e in line.evidence.all()] == [photo]


TIMELINE = "query($id: ID!) { returnRequest(id: $id) { status timeline { fromStatus toStatus note } } }"


def test_a_parcel_handed_in_without_tracking_is_received_through_awaiting_shipment(as_alice, as_staff, alices_order):
    # given: approved, no label and no tracking (the customer brings it to the shop)
    request = create_request(as_alice, alices_order, {0: 1})
    as_staff(APPROVE, {"id": request["id"]})
    assert ReturnRequest.objects.get().status == "approved"

    # when
    sneakers = line_ids(request)[0]
    payload = as_staff(RECEIVE, {"id": request["id"], "lines": [{"lineId": sneakers, "quantity": 1}]})["data"]["returnRequestReceive"]

    # then: both moves are on the timeline, in order
    assert payload["errors"] == []
    assert payload["returnRequest"]["status"] == "RECEIVED"
    assert payload["returnRequest"]["lines"][0]["receivedQuantity"] == 1
    moves = [(e["fromStatus"], e["toStatus"], e["note"])
             for e in as_staff(TIMELINE, {"id": request["id"]})["data"]["returnRequest"]["timeline"] if e["toStatus"]]
    assert moves[-2:] == [
        ("APPROVED", "AWAITING_SHIPMENT", "Your parcel was handed in to us without a carrier's tracking."),
        ("AWAITING_SHIPMENT", "RECEIVED", "We received your parcel."),
    ]


def test_a_handed_in_parcel_with_a_bad_count_changes_nothing(as_alice, as_staff, alices_order):
    request = create_request(as_alice, alices_order, {0: 1})
    as_staff(APPROVE, {"id": request["id"]})
    sneakers = line_ids(request)[0]

    payload = as_staff(RECEIVE, {"id": request["id"], "lines": [{"lineId": sneakers, "quantity": 2}]})["data"]["returnRequestReceive"]

    assert payload["errors"][0]["code"] == "INVALID_QUANTITY"
    stored = ReturnRequest.objects.get()
    assert stored.status == "approved"
    assert list(stored.events.filter(to_status="awaiting_shipment")) == []


def test_nothing_is_received_for_a_returnless_claim_or_before_approval(as_alice, as_staff, fake_saleor, alice):
    # given: a lost-parcel claim approved (nothing comes back), and a return still in review
    order = shipped_order(fake_saleor, alice)
    claim = create_request(as_alice, order, {0: 1}, kind="PARCEL_LOST", reason="LATE_DELIVERY")
    as_staff(APPROVE, {"id": claim["id"]})
    in_review = create_request(as_alice, shipped_order(fake_saleor, alice), {0: 1})

    # when
    refused = [
        as_staff(RECEIVE, {"id": request["id"], "lines": [{"lineId": line_ids(request)[0], "quantity": 1}]})["data"]["returnRequestReceive"]
        for request in (claim, in_review)
    ]

    # then
    assert [(p["errors"][0]["field"], p["errors"][0]["code"]) for p in refused] == [("status", "INVALID_TRANSITION")] * 2
    assert "Nothing is sent back" in refused[0]["errors"][0]["message"]
    assert sorted(ReturnRequest.objects.values_list("status", flat=True)) == ["approved", "requested"]
    assert sum(ReturnRequest.objects.values_list("lines__received_quantity", flat=True)) == 0


def test_the_apps_own_notes_follow_accept_language_and_typed_notes_stay_as_written(as_alice, as_staff, alices_order):
    # given: received at the shop, with a note typed by staff
    request = create_request(as_alice, alices_order, {0: 1})
    as_staff(APPROVE, {"id": request["id"]})
    as_staff(RECEIVE, {"id": request["id"], "lines": [{"lineId": line_ids(request)[0], "quantity": 1}]})
    as_staff('mutation($id: ID!) { returnRequestNoteAdd(id: $id, note: "Box was wet.", isVisibleToCustomer: true) { errors { code } } }',
             {"id": request["id"]})

    # when: the customer reads the timeline in Chinese
    timeline = as_alice(TIMELINE, {"id": request["id"]}, **{"Accept-Language": "zh-Hans"})["data"]["returnRequest"]["timeline"]

    # then
    notes = [event["note"] for event in timeline if event["note"]]
    assert "您的包裹已直接交给我们，没有承运商的物流跟踪。" in notes
    assert "我们已收到您的包裹。" in notes
    assert "Box was wet." in notes
    english = [e["note"] for e in as_alice(TIMELINE, {"id": request["id"]})["data"]["returnRequest"]["timeline"] if e["note"]]
    assert "We received your parcel." in english
