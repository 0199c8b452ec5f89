"""Signatures and tokens, checked against what a real Saleor 3.23.28 sent."""

import base64
import json
from datetime import timedelta

import pytest

from saleor_returns.saleor import auth
from saleor_returns.saleor.client import SaleorAddressForbidden, SaleorUnavailable
from tests.factories import InstallationFactory
from tests.conftest import CAPTURED_API_URL, at_token_time, capture, capture_json


def all_captured_deliveries():
    """Every captured webhook: (name, signature, body)."""
    folder = capture("webhooks")
    deliveries = []
    for headers_file in sorted(folder.glob("**/*.headers.json")):
        body_file = headers_file.with_name(headers_file.name.replace(".headers.json", ".body"))
        headers = json.loads(headers_file.read_text())
        deliveries.append((str(headers_file.relative_to(folder)), headers["Saleor-Signature"], body_file.read_bytes()))
    return deliveries


def flip_one_bit(body: bytes) -> bytes:
    middle = len(body) // 2
    return body[:middle] + bytes([body[middle] ^ 0x01]) + body[middle + 1 :]


def test_every_captured_webhook_verifies_against_the_captured_jwks():
    # given
    jwks = capture_json("jwks.json")
    deliveries = all_captured_deliveries()

    # then
    assert len(deliveries) == 28
    for _name, signature, body in deliveries:
        auth.verify_webhook_signature(signature, body, jwks)


def test_a_captured_webhook_with_one_bit_flipped_is_refused():
    jwks = capture_json("jwks.json")
    for name, signature, body in all_captured_deliveries():
        with pytest.raises(auth.InvalidSignature):
            auth.verify_webhook_signature(signature, flip_one_bit(body), jwks)


def test_a_captured_webhook_reserialised_compactly_is_refused():
    # given: the same JSON, but not the bytes Saleor signed
    jwks = capture_json("jwks.json")
    _, signature, body = all_captured_deliveries()[0]
    compact = json.dumps(json.loads(body), separators=(",", ":")).encode()

    # then
    with pytest.raises(auth.InvalidSignature):
        auth.verify_webhook_signature(signature, compact, jwks)


@pytest.mark.parametrize(
    ("_case", "mangle", "error"),
    [
        ("missing", lambda sig: "", auth.InvalidSignature),
        ("attached payload", lambda sig: sig.replace("..", ".e30."), auth.InvalidSignature),
        ("not a JWS", lambda sig: "abc", auth.InvalidSignature),
        ("garbage header", lambda sig: "!!!" + sig[sig.index(".") :], auth.InvalidSignature),
        (
            "HS256 header",
            lambda sig: base64.urlsafe_b64encode(b'{"alg": "HS256", "b64": false, "crit": ["b64"]}').decode().rstrip("=")
            + sig[sig.index(".") :],
            auth.InvalidSignature,
        ),
        ("signature of another body", lambda sig: sig[: sig.rindex(".") + 1] + "A" * 342, auth.InvalidSignature),
    ],
)
def test_malformed_signatures_are_refused(_case, mangle, error):
    jwks = capture_json("jwks.json")
    _, signature, body = all_captured_deliveries()[0]
    with pytest.raises(error):
        auth.verify_webhook_signature(mangle(signature), body, jwks)


def test_a_signature_by_a_key_not_in_the_jwks_is_an_unknown_key():
    jwks = {"keys": [dict(capture_json("jwks.json")["keys"][0], kid="another-key")]}
    _, signature, body = all_captured_deliveries()[0]
    with pytest.raises(auth.UnknownKeyId):
        auth.verify_webhook_signature(signature, body, jwks)


@pytest.mark.parametrize(
    ("_case", "token_file", "token_type"),
    [
        ("customer access token", "customer_access.json", "access"),
        ("customer refresh token", "customer_refresh.json", "refresh"),
        ("dashboard staff token", "staff_thirdparty_app.json", "thirdparty"),
    ],
)
def test_captured_tokens_verify_with_their_claims(_case, token_file, token_type):
    # given
    captured = capture_json("tokens", token_file)

    # when
    claims = auth.decode_token(
        captured["token"], capture_json("jwks.json"), issuer=CAPTURED_API_URL, now=at_token_time(token_file)
    )

    # then
    assert claims == captured["claims"]
    assert claims["type"] == token_type


def test_an_expired_token_is_refused():
    captured = capture_json("tokens", "customer_access.json")
    after_expiry = at_token_time("customer_access.json") + timedelta(seconds=300 + auth.TOKEN_LEEWAY_SECONDS)
    with pytest.raises(auth.InvalidToken, match="The token has expired."):
        auth.decode_token(captured["token"], capture_json("jwks.json"), issuer=CAPTURED_API_URL, now=after_expiry)


def test_a_token_from_another_saleor_is_refused():
    captured = capture_json("tokens", "customer_access.json")
    with pytest.raises(auth.InvalidToken, match="The token was issued by another Saleor."):
        auth.decode_token(
            captured["token"],
            capture_json("jwks.json"),
            issuer="https://other.example.com/graphql/",
            now=at_token_time("customer_access.json"),
        )


def test_a_tampered_token_is_refused():
    # given: the claims changed to another user, the signature kept
    captured = capture_json("tokens", "customer_access.json")
    header, payload, signature = captured["token"].split(".")
    claims = dict(captured["claims"], user_id="VXNlcjox")
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    # then
    with pytest.raises(auth.InvalidSignature):
        auth.decode_token(
            f"{header}.{forged_payload}.{signature}",
            capture_json("jwks.json"),
            issuer=CAPTURED_API_URL,
            now=at_token_time("customer_access.json"),
        )


def test_jwks_url_is_at_the_root_of_the_saleor_host():
    assert auth.jwks_url("https://shop.example.com/graphql/") == "https://shop.example.com/.well-known/jwks.json"
    assert auth.jwks_url("http://127.0.0.1:8000/graphql/") == "http://127.0.0.1:8000/.well-known/jwks.json"


def test_the_jwks_of_a_saleor_on_loopback_is_fetched_only_when_allowed(settings, fake_saleor):
    # given
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False

    # when / then
    with pytest.raises(SaleorAddressForbidden) as refused:
        auth.fetch_jwks(fake_saleor.api_url)
    assert refused.value.reason == "loopback"
    assert fake_saleor.jwks_fetches == 0

    # when: loopback is allowed
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True

    # then
    assert auth.fetch_jwks(fake_saleor.api_url) == fake_saleor.jwks()
    assert fake_saleor.jwks_fetches == 1


@pytest.mark.parametrize(
    ("_case", "api_url", "names", "reason"),
    [
        ("a private address", "http://10.0.0.5/graphql/", {}, "private"),
        ("cloud metadata", "http://169.254.169.254/graphql/", {}, "link-local"),
        ("a link-local IPv6 address", "http://[fe80::1]/graphql/", {}, "link-local"),
        (
            "a name resolving to loopback",
            "https://shop.example.com/graphql/",
            {"shop.example.com": ["127.0.0.1"]},
            "loopback",
        ),
    ],
)
def test_the_jwks_of_a_saleor_on_an_inward_address_is_not_fetched(settings, fake_dns, _case, api_url, names, reason):
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False
    fake_dns.names.update(names)
    with pytest.raises(SaleorAddressForbidden) as refused:
        auth.fetch_jwks(api_url)
    assert refused.value.reason == reason


def test_a_redirected_jwks_is_not_followed(settings, canned_server, fake_saleor):
    # given: a redirect to a real JWKS, with a body that is one
    canned_server.answer(302, fake_saleor.jwks(), {"Location": fake_saleor.jwks_url})

    # then
    with pytest.raises(SaleorUnavailable, match="HTTP 302"):
        auth.fetch_jwks(canned_server.url())
    assert [request["path"] for request in canned_server.requests] == ["/.well-known/jwks.json"]
    assert fake_saleor.jwks_fetches == 0


@pytest.mark.django_db
def test_a_token_of_a_shop_whose_jwks_may_not_be_fetched_is_refused(settings, fake_saleor):
    # given: an installation without keys yet, on an address the app must not call
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False
    installation = InstallationFactory(saleor_api_url=fake_saleor.api_url, jwks={})
    customer = fake_saleor.add_customer("ann@example.com")
    token = fake_saleor.issue_customer_token(customer)

    # then
    with pytest.raises(auth.UnknownKeyId, match="cannot be fetched"):
        auth.verify_installation_token(installation, token)
    assert fake_saleor.jwks_fetches == 0
    installation.refresh_from_db()
    assert installation.jwks == {}
