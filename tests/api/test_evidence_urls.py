"""Signed links to evidence files: built from APP_PUBLIC_URL, served only while valid."""

import pytest

from tests.api.conftest import CREATE, create_input
from tests.evidence import png, upload

URLS = "query($id: ID!) { returnRequest(id: $id) { lines { evidence { url } } } }"


@pytest.fixture
def photo_request(as_alice, alices_order, settings, tmp_path):
    """Alice's request with one photo on its first line: (request id, the photo's bytes as stored)."""
    settings.MEDIA_ROOT = tmp_path
    evidence_id = upload(as_alice, png())["evidence"]["id"]
    data = create_input(alices_order, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = [evidence_id]
    request_id = as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]["returnRequest"]["id"]
    return request_id, next(tmp_path.rglob("*.png")).read_bytes()


def test_evidence_is_served_only_through_a_signed_link(as_alice, photo_request, client):
    # given
    request_id, stored = photo_request
    url = as_alice(URLS, {"id": request_id})["data"]["returnRequest"]["lines"][0]["evidence"][0]["url"]

    # when
    path = url.removeprefix("https://returns.example.com")
    response = client.get(path)

    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    assert response["Content-Type"] == "image/png"
    assert client.get(path[:-3] + "xyz/").status_code == 404


def test_links_point_at_the_app_whatever_host_the_request_named(as_alice, photo_request, settings):
    # given: a deployment that accepts any Host (behind a proxy), and a forged one
    settings.ALLOWED_HOSTS = ["*"]
    request_id, _ = photo_request

    # when
    result = as_alice(URLS, {"id": request_id}, Host="attacker.example", X_Forwarded_Host="attacker.example")

    # then
    url = result["data"]["returnRequest"]["lines"][0]["evidence"][0]["url"]
    assert url.startswith("https://returns.example.com/evidence/")
    assert "attacker" not in url
