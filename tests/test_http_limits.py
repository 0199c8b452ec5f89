"""Every endpoint answers a JSON body nested too deeply with 400 before any view parses it."""

import pytest

from saleor_returns.http import MAX_JSON_DEPTH, json_depth_exceeds
from saleor_returns.models import CarrierWebhookEvent, Installation, SaleorWebhookDelivery

DEEP = b'{"a": ' * 5000 + b"1" + b"}" * 5000
ENDPOINTS = [
    "/graphql/",
    "/api/register",
    "/webhooks/saleor/order-updated/",
    "/webhooks/carriers/generic/any-key/",
]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_deeply_nested_json_is_refused_with_400(client, db, path):
    # when
    response = client.generic("POST", path, DEEP, content_type="application/json",
                              headers={"Saleor-Api-Url": "http://127.0.0.1:8000/graphql/", "Saleor-Event": "order_updated"})

    # then
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "TOO_DEEP", "message": f"JSON may nest at most {MAX_JSON_DEPTH} levels."}}
    assert not Installation.objects.exists()
    assert not SaleorWebhookDelivery.objects.exists()
    assert not CarrierWebhookEvent.objects.exists()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_body_over_the_size_limit_is_refused_with_400(client, db, path, settings):
    # given: a flat JSON body one byte past the limit
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = b'{"q": "' + b"x" * (limit - 8) + b'"}'
    assert len(body) == limit + 1

    # when
    response = client.generic("POST", path, body, content_type="application/json",
                              headers={"Saleor-Api-Url": "http://127.0.0.1:8000/graphql/", "Saleor-Event": "order_updated"})

    # then
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "TOO_LARGE", "message": "The request body is too large."}}
    assert not Installation.objects.exists()
    assert not SaleorWebhookDelivery.objects.exists()
    assert not CarrierWebhookEvent.objects.exists()


def test_a_multipart_body_over_the_size_limit_is_refused_before_it_is_read(client, db, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_MULTIPART_BODY_BYTES = 4096
    response = client.post("/graphql/", {"operations": "{}", "map": "{}", "0": SimpleUploadedFile("p.png", b"x" * 5000)})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "TOO_LARGE"


@pytest.mark.parametrize(
    ("_case", "body", "too_deep"),
    [
        ("flat", b'{"query": "{ appVersion }"}', False),
        ("at the limit", b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, False),
        ("one past the limit", b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), True),
        ("brackets inside strings do not count", b'{"q": "' + b"[{" * 500 + b'"}', False),
        ("escaped quotes stay inside the string", b'{"q": "\\"' + b"[" * 500 + b'"}', False),
    ],
)
def test_depth_is_counted_outside_strings(_case, body, too_deep):
    assert json_depth_exceeds(body) is too_deep


def test_a_normal_graphql_request_still_works(client, db):
    response = client.post("/graphql/", {"query": "{ appVersion }"}, content_type="application/json")
    assert response.status_code == 200
    assert "appVersion" in response.json()["data"]
