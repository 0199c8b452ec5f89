"""returnEvidenceUpload (GraphQL multipart request) and evidence on requests."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saleor_returns.models import Evidence, ReturnRequest
from tests.api.conftest import CREATE, create_input

UPLOAD = "mutation($file: Upload!) { returnEvidenceUpload(file: $file) { evidence { id filename contentType size } errors { field code message } } }"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(caller, content: bytes, name="photo.png", content_type="image/png"):
    data = {
        "operations": json.dumps({"query": UPLOAD, "variables": {"file": None}}),
        "map": json.dumps({"0": ["variables.file"]}),
        "0": SimpleUploadedFile(name, content, content_type=content_type),
    }
    headers = {"Saleor-Api-Url": caller.api_url, "Authorization": f"Bearer {caller.token}"}
    response = caller.client.post("/graphql/", data, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["data"]["returnEvidenceUpload"]


def test_a_photo_is_stored_and_can_prove_damage(as_alice, alices_order, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    evidence = upload(as_alice, PNG)["evidence"]
    assert (evidence["filename"], evidence["contentType"], evidence["size"]) == ("photo.png", "image/png", len(PNG))

    # when: a reason that needs a photo, with the photo
    data = create_input(alices_order, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = [evidence["id"]]
    result = as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]

    # then
    assert result["errors"] == []
    stored = Evidence.objects.get()
    assert stored.return_request == ReturnRequest.objects.get()
    assert stored.return_line.order_line_id == alices_order["lines"][0]["id"]


@pytest.mark.parametrize(("_case", "content", "content_type", "message"), [
    ("not what it claims", b"MZ\x90\x00 executable", "image/png", "Upload a JPEG, PNG, WebP or HEIC photo, or a PDF."),
    ("a type we do not take", b"GIF89a....", "image/gif", "Upload a JPEG, PNG, WebP or HEIC photo, or a PDF."),
    ("empty", b"", "image/png", "The file is empty."),
    ("too large", b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024), "image/png", "Files may be at most 10 MB."),
])
def test_bad_files_are_refused_and_nothing_stored(as_alice, shop, settings, tmp_path, _case, content, content_type, message):
    settings.MEDIA_ROOT = tmp_path
    result = upload(as_alice, content, content_type=content_type)
    assert result["evidence"] is None
    assert result["errors"] == [{"field": "file", "code": "INVALID_FILE", "message": message}]
    assert Evidence.objects.count() == 0
    assert list(tmp_path.rglob("*.*")) == []


def test_someone_elses_upload_cannot_be_attached(as_alice, as_bob, alices_order, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = upload(as_bob, PNG)["evidence"]
    data = create_input(alices_order, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = [evidence["id"]]
    errors = as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]["errors"]
    assert [(e["code"], e["message"]) for e in errors] == [("NOT_FOUND", "Some evidence was not found; upload it again.")]
    assert ReturnRequest.objects.count() == 0


def test_a_multipart_request_with_a_bad_map_is_a_400(as_alice):
    response = as_alice.client.post(
        "/graphql/",
        {"operations": json.dumps({"query": UPLOAD, "variables": {"file": None}}), "map": json.dumps({"0": ["variables.file"]})},
        headers={"Saleor-Api-Url": as_alice.api_url, "Authorization": f"Bearer {as_alice.token}"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "File 0 named in map was not sent."


def test_evidence_is_served_only_through_a_signed_link(as_alice, alices_order, settings, tmp_path, client):
    # given
    settings.MEDIA_ROOT = tmp_path
    evidence_id = upload(as_alice, PNG)["evidence"]["id"]
    data = create_input(alices_order, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = [evidence_id]
    request_id = as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]["returnRequest"]["id"]
    url = as_alice("query($id: ID!) { returnRequest(id: $id) { lines { evidence { url } } } }", {"id": request_id})[
        "data"]["returnRequest"]["lines"][0]["evidence"][0]["url"]

    # when
    path = url.split("testserver", 1)[1]
    response = client.get(path)

    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert client.get(path[:-3] + "xyz/").status_code == 404
