"""The carrier fakes answer like the providers do: authentication, validation, faults, request log."""

import base64

import httpx
import pytest

from saleor_returns.fakes.carriers.aftership import FakeAfterShip
from saleor_returns.fakes.carriers.easypost import FakeEasyPost
from saleor_returns.fakes.carriers.shippo import FakeShippo

EASYPOST_AUTH = ("EZTK_test_key", "")
SHIPPO_HEADERS = {"Authorization": "ShippoToken shippo_test_key"}


@pytest.fixture(scope="module")
def easypost():
    with FakeEasyPost() as fake:
        yield fake


@pytest.fixture(scope="module")
def shippo():
    with FakeShippo() as fake:
        yield fake


@pytest.fixture(scope="module")
def aftership():
    with FakeAfterShip() as fake:
        yield fake


@pytest.fixture(autouse=True)
def fresh_logs(easypost, shippo, aftership):
    for fake in (easypost, shippo, aftership):
        fake.reset()


ADDRESS = {"name": "A", "street1": "1 Main St", "city": "Reno", "state": "NV", "zip": "89501", "country": "US"}


def test_easypost_refuses_an_unknown_key(easypost):
    response = httpx.post(f"{easypost.base_url}/trackers", json={}, auth=("EZTK_wrong", ""))

    assert response.status_code == 401
    assert response.json() == {"error": {"code": "APIKEY.INACTIVE", "message": "Authentication failed.", "errors": []}}


def test_easypost_accepts_a_bearer_key_too(easypost):
    response = httpx.post(
        f"{easypost.base_url}/trackers",
        json={"tracker": {"tracking_code": "EZ1000000001", "carrier": "USPS"}},
        headers={"Authorization": "Bearer EZTK_test_key"},
    )

    assert response.status_code == 201


def test_easypost_validates_shipments(easypost):
    response = httpx.post(
        f"{easypost.base_url}/shipments", json={"shipment": {"to_address": ADDRESS}}, auth=EASYPOST_AUTH
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "SHIPMENT.INVALID_PARAMS",
            "message": "Unable to create shipment, one or more parameters were invalid.",
            "errors": [
                {"field": "from_address", "message": "is required", "suggestion": None},
                {"field": "parcel", "message": "is required", "suggestion": None},
            ],
        }
    }


def test_easypost_refuses_to_buy_twice(easypost):
    # given
    shipment = httpx.post(
        f"{easypost.base_url}/shipments",
        json={"shipment": {"to_address": ADDRESS, "from_address": ADDRESS, "parcel": {"weight": "10"}}},
        auth=EASYPOST_AUTH,
    ).json()
    buy = {"rate": {"id": shipment["rates"][0]["id"]}}
    assert (
        httpx.post(f"{easypost.base_url}/shipments/{shipment['id']}/buy", json=buy, auth=EASYPOST_AUTH).status_code
        == 200
    )

    # when
    again = httpx.post(f"{easypost.base_url}/shipments/{shipment['id']}/buy", json=buy, auth=EASYPOST_AUTH)

    # then
    assert (again.status_code, again.json()["error"]["code"]) == (422, "SHIPMENT.POSTAGE.EXISTS")


def test_a_5xx_fault_without_message_is_a_proxy_page(easypost):
    easypost.fail_next(status=502)

    response = httpx.post(f"{easypost.base_url}/trackers", json={}, auth=EASYPOST_AUTH)

    assert (response.status_code, response.headers["content-type"]) == (502, "text/html")
    assert "<h1>502 Bad Gateway</h1>" in response.text
    [request] = easypost.requests
    assert (request.status, request.fault) == (502, "fail: HTTP 502")


def test_faults_apply_to_the_next_requests_only(easypost):
    easypost.fail_next(count=1, status=503, message="Down for maintenance")

    first = httpx.post(f"{easypost.base_url}/trackers", json={}, auth=EASYPOST_AUTH)
    second = httpx.post(f"{easypost.base_url}/trackers", json={"tracker": {"tracking_code": "EZ2"}}, auth=EASYPOST_AUTH)

    assert (first.status_code, first.json()["error"]["message"]) == (503, "Down for maintenance")
    assert second.status_code == 201


def test_the_request_log_keeps_what_was_sent(easypost):
    httpx.post(
        f"{easypost.base_url}/trackers?verbose=1",
        json={"tracker": {"tracking_code": "EZ3"}},
        auth=EASYPOST_AUTH,
    )

    [request] = easypost.requests
    assert (request.method, request.path, request.query, request.json, request.status) == (
        "POST",
        "/v2/trackers",
        {"verbose": "1"},
        {"tracker": {"tracking_code": "EZ3"}},
        201,
    )
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"EZTK_test_key:").decode()


def test_shippo_answers_field_errors(shippo):
    response = httpx.post(
        f"{shippo.base_url}/shipments",
        json={"address_from": ADDRESS, "address_to": ADDRESS, "parcels": [{"weight": "1", "mass_unit": "lb"}]},
        headers=SHIPPO_HEADERS,
    )

    assert response.status_code == 400
    assert response.json() == {
        "parcels": [
            "length: This field is required.",
            "width: This field is required.",
            "height: This field is required.",
            "distance_unit: This field is required.",
        ]
    }


def test_shippo_keeps_duplicate_track_registrations(shippo):
    track = {"carrier": "usps", "tracking_number": "9205590000000000000099", "metadata": ""}

    for _ in range(2):
        assert httpx.post(f"{shippo.base_url}/tracks", json=track, headers=SHIPPO_HEADERS).status_code == 201

    assert [entry["tracking_number"] for entry in shippo.tracks].count("9205590000000000000099") == 2


def test_aftership_refuses_a_duplicate_tracking(aftership):
    headers = {"as-api-key": aftership.api_key}
    url = f"{aftership.base_url}/tracking/2026-07/trackings"
    assert httpx.post(url, json={"tracking_number": "1ZDUP", "slug": "ups"}, headers=headers).status_code == 201

    again = httpx.post(url, json={"tracking_number": "1ZDUP", "slug": "ups"}, headers=headers)

    assert (again.status_code, again.json()) == (
        400,
        {"meta": {"code": 4003, "message": "Tracking already exists.", "type": "BadRequest"}, "data": {}},
    )
