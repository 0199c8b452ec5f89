"""The Saleor double agrees with what a real Saleor 3.23.28 sent and answered.

Every comparison is against ../shared/saleor/captures (read at run time). The
signature and token checks use the same PyJWT calls the app uses, and run first on
the captured bytes as a control, so a pass means the fake is checked the real way.
"""

import base64
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import jwt
import pytest

from saleor_returns.fakes.saleor import (
    OMIT,
    FakeSaleor,
    InstallationError,
    from_global_id,
    global_id,
    jwk_thumbprint,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
CAPTURES = Path(os.environ.get("SALEOR_CAPTURES", SHARED / "saleor" / "captures"))
CAPTURED_KID = "-qBGwsZ27OxDVwoOGdTwdVRUr6c9uhU9Q-OG-hN_ltY"

pytestmark = pytest.mark.skipif(
    not CAPTURES.exists(), reason=f"{CAPTURES} is missing: ../shared must sit beside the project"
)


def captured_json(*parts):
    return json.loads(CAPTURES.joinpath(*parts).read_text())


def captured_query(name):
    """A captured .graphql without its leading comment lines, as it was sent."""
    lines = CAPTURES.joinpath("responses", f"{name}.graphql").read_text().splitlines()
    return "\n".join(line for line in lines if not line.startswith("#")) + "\n"


def b64url_decode(segment):
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def served_key(fake, kid):
    """The public key for ``kid`` from the JWKS fetched over HTTP, as an app does."""
    response = httpx.get(fake.jwks_url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    jwks = jwt.PyJWKSet.from_dict(response.json())
    return jwks[kid].key


def graphql(fake, query, variables=None, token=None, timeout=5.0):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        fake.api_url,
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=timeout,
    )


# ---------------------------------------------------------------- fixtures


class _Receiver(BaseHTTPRequestHandler):
    """A stand-in app server that records raw requests exactly as received."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _record(self, body):
        self.server.received.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": list(self.headers.items()),
                "body": body,
            }
        )

    def _answer(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._record(b"")
        route = self.server.routes.get(("GET", self.path))
        if route is None:
            self._answer(404, b"{}")
        else:
            self._answer(*route(self))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._record(body)
        route = self.server.routes.get(("POST", self.path))
        self._answer(*(route(self) if route else (200, b'{"success": true}')))


@pytest.fixture(scope="module")
def fake():
    with FakeSaleor() as saleor:
        yield saleor


@pytest.fixture(scope="module")
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.daemon_threads = True
    server.received = []
    server.routes = {}
    server.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def clean(fake, receiver):
    fake.reset()
    receiver.received.clear()
    receiver.routes.clear()
    return fake


@pytest.fixture
def capture_app(clean):
    app = clean.add_app(
        identifier="capture.app",
        name="Capture App",
        permissions=["MANAGE_ORDERS", "HANDLE_PAYMENTS"],
    )
    yield app
    if app in clean.apps:
        clean.delete_app(app, notify=False)


# ---------------------------------------------------------------- module


def test_module_imports_without_django_or_the_project_package():
    package_dir = REPO_ROOT / "saleor_returns" / "fakes" / "saleor"
    script = f"""
import importlib.util, sys
BLOCKED = {{"django", "celery", "httpx", "saleor_returns", "graphene", "requests"}}
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
spec = importlib.util.spec_from_file_location(
    "fake_saleor_standalone",
    {str(package_dir / "__init__.py")!r},
    submodule_search_locations=[{str(package_dir)!r}],
)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
print(module.FakeSaleor.__name__)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "FakeSaleor"


def test_global_ids_are_saleors():
    assert global_id("User", 9) == "VXNlcjo5"
    assert global_id("App", 11) == "QXBwOjEx"
    assert from_global_id("VXNlcjo5") == ("User", "9")


# ---------------------------------------------------------------- JWKS & tokens


def test_captured_jwks_kid_is_the_rfc7638_thumbprint():
    (key,) = captured_json("jwks.json")["keys"]
    assert jwk_thumbprint(key) == key["kid"] == CAPTURED_KID


def test_jwks_is_served_in_the_captured_shape(fake):
    response = httpx.get(fake.jwks_url)
    captured_bytes = CAPTURES.joinpath("jwks.json").read_bytes()
    (captured_key,) = json.loads(captured_bytes)["keys"]
    (served_key_,) = response.json()["keys"]

    assert response.status_code == 200
    assert "cache-control" not in response.headers
    assert list(served_key_) == list(captured_key)
    assert {k: v for k, v in served_key_.items() if k not in ("n", "kid")} == {
        k: v for k, v in captured_key.items() if k not in ("n", "kid")
    }
    assert len(served_key_["n"]) == len(captured_key["n"])  # RSA-2048
    assert served_key_["kid"] == jwk_thumbprint(served_key_) == fake.kid
    # Same serialisation as Saleor's JsonResponse: only the key material differs.
    assert len(response.content) == len(captured_bytes)


@pytest.mark.parametrize(
    "_case, capture_file",
    [
        ("access", "customer_access.json"),
        ("refresh", "customer_refresh.json"),
        ("thirdparty", "staff_thirdparty_app.json"),
    ],
)
def test_captured_tokens_verify_against_captured_jwks(_case, capture_file):
    captured = captured_json("tokens", capture_file)
    (jwk,) = captured_json("jwks.json")["keys"]
    key = jwt.PyJWK.from_dict(jwk).key

    claims = jwt.decode(
        captured["token"],
        key,
        algorithms=["RS256"],
        options={"verify_exp": False, "verify_iat": False},
    )

    assert claims == captured["claims"]


def _issue(fake, kind):
    customer = fake.add_customer("rma-customer@example.com")
    staff = fake.add_staff(
        "admin@example.com", ["MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_APPS", "MANAGE_USERS"]
    )
    app = fake.add_app(permissions=["MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_GIFT_CARD"])
    if kind == "access":
        return fake.issue_customer_token(customer), customer, app
    if kind == "refresh":
        return fake.issue_refresh_token(customer), customer, app
    return fake.issue_staff_app_token(staff, app), staff, app


@pytest.mark.parametrize(
    "_case, capture_file",
    [
        ("access", "customer_access.json"),
        ("refresh", "customer_refresh.json"),
        ("thirdparty", "staff_thirdparty_app.json"),
    ],
)
def test_issued_token_verifies_with_served_jwks_and_has_captured_claims(clean, _case, capture_file):
    captured = captured_json("tokens", capture_file)
    token, user, app = _issue(clean, _case)
    header_segment = token.split(".")[0]

    header = jwt.get_unverified_header(token)
    claims = jwt.decode(
        token, served_key(clean, header["kid"]), algorithms=["RS256"], issuer=clean.api_url
    )

    assert list(header) == list(captured["header"])
    assert header == {"alg": "RS256", "kid": clean.kid, "typ": "JWT"}
    assert b64url_decode(header_segment) == b64url_decode(captured["token"].split(".")[0]).replace(
        CAPTURED_KID.encode(), clean.kid.encode()
    )
    assert list(claims) == list(captured["claims"])
    assert claims["owner"] == "saleor"
    assert claims["type"] == captured["claims"]["type"]
    assert claims["user_id"] == user["id"]
    assert claims["email"] == user["email"]
    assert claims["exp"] - claims["iat"] == captured["expires_at"]["ttl_seconds"]
    if _case == "thirdparty":
        assert claims["is_staff"] is True
        assert claims["app"] == app["id"]
        assert claims["permissions"] == ["HANDLE_PAYMENTS", "MANAGE_ORDERS"]  # app ∩ user
        assert sorted(claims["user_permissions"]) == [
            "HANDLE_PAYMENTS",
            "MANAGE_APPS",
            "MANAGE_ORDERS",
            "MANAGE_USERS",
        ]
    else:
        assert claims["is_staff"] is False


def test_claim_overrides_and_omit(clean):
    customer = clean.add_customer("override@example.com")
    token = clean.issue_customer_token(customer, iat=1795317905, owner="oidc", is_staff=OMIT)

    claims = jwt.decode(token, options={"verify_signature": False})

    assert claims["iat"] == 1795317905
    assert claims["exp"] == 1795317905 + 300
    assert claims["owner"] == "oidc"
    assert "is_staff" not in claims


def test_token_verify_matches_captured_shape(clean):
    captured = captured_json("responses", "token_verify_customer.json")
    customer = clean.add_customer("verify@example.com")
    token = clean.issue_customer_token(customer)

    response = graphql(clean, captured_query("token_verify_customer"), {"token": token})
    body = response.json()
    result = body["data"]["tokenVerify"]

    assert response.status_code == 200
    assert list(body) == list(captured)
    assert body["extensions"] == captured["extensions"]
    assert list(result) == list(captured["data"]["tokenVerify"])
    assert result["isValid"] is True
    assert list(result["payload"]) == list(captured["data"]["tokenVerify"]["payload"])
    assert result["user"] == {"id": customer["id"], "email": customer["email"], "isStaff": False}
    assert result["errors"] == []


def test_token_verify_after_deactivate_all_matches_capture(clean):
    captured = captured_json("responses", "token_verify_customer_after_deactivate_all.json")
    customer = clean.add_customer("revoked@example.com")
    token = clean.issue_customer_token(customer)
    clean.deactivate_all_tokens(customer)

    response = graphql(
        clean, captured_query("token_verify_customer_after_deactivate_all"), {"token": token}
    )

    assert response.status_code == 200
    assert response.json() == captured
    # Offline, the revoked token still verifies: only Saleor knows it is dead.
    jwt.decode(token, served_key(clean, clean.kid), algorithms=["RS256"])


def test_me_with_customer_token(clean):
    customer = clean.add_customer("me@example.com")

    body = graphql(
        clean, "{ me { id email isStaff } }", token=clean.issue_customer_token(customer)
    ).json()

    assert body["data"] == {
        "me": {"id": customer["id"], "email": customer["email"], "isStaff": False}
    }
    assert "errors" not in body


def test_me_with_expired_token_reports_the_jwt_error(clean):
    customer = clean.add_customer("expired@example.com")
    token = clean.issue_customer_token(customer, iat=time.time() - 600)

    body = graphql(clean, "{ me { id } }", token=token).json()

    assert body["data"] == {"me": None}
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"] == "Signature has expired"
    assert body["errors"][0]["extensions"] == {"exception": {"code": "ExpiredSignatureError"}}


def test_staff_reads_app_access_token(clean):
    staff = clean.add_staff("dashboard@example.com", ["MANAGE_ORDERS", "MANAGE_APPS"])
    app = clean.add_app(permissions=["MANAGE_ORDERS", "HANDLE_PAYMENTS"])

    body = graphql(
        clean,
        "query($id: ID!) { app(id: $id) { id accessToken } }",
        {"id": app["id"]},
        token=clean.issue_customer_token(staff),
    ).json()
    claims = jwt.decode(
        body["data"]["app"]["accessToken"], served_key(clean, clean.kid), algorithms=["RS256"]
    )

    assert body["data"]["app"]["id"] == app["id"]
    assert claims["type"] == "thirdparty"
    assert claims["app"] == app["id"]
    assert claims["permissions"] == ["MANAGE_ORDERS"]


# ---------------------------------------------------------------- webhook signatures


def _captured_deliveries():
    for body_path in sorted(CAPTURES.joinpath("webhooks").rglob("*.body")):
        headers = json.loads(body_path.with_name(body_path.stem + ".headers.json").read_text())
        yield body_path.relative_to(CAPTURES).as_posix(), headers, body_path.read_bytes()


def test_captured_webhooks_verify_with_pyjws_against_captured_jwks():
    (jwk,) = captured_json("jwks.json")["keys"]
    key = jwt.PyJWK.from_dict(jwk).key
    deliveries = list(_captured_deliveries())

    for name, headers, body in deliveries:
        signature = headers["Saleor-Signature"]
        decoded = jwt.PyJWS().decode_complete(signature, key, ["RS256"], detached_payload=body)
        assert decoded["header"]["kid"] == CAPTURED_KID, name
        flipped = bytes([body[0] ^ 0x01]) + body[1:]
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.PyJWS().decode_complete(signature, key, ["RS256"], detached_payload=flipped)

    assert len(deliveries) == 28


def test_signed_webhook_verifies_and_has_the_captured_protected_header(clean):
    headers, body = (
        captured_json("webhooks", "order_refunded.headers.json"),
        CAPTURES.joinpath("webhooks", "order_refunded.body").read_bytes(),
    )
    signature = clean.sign_webhook(body)
    header_segment, payload_segment, _ = signature.split(".")
    key = served_key(clean, clean.kid)

    decoded = jwt.PyJWS().decode_complete(signature, key, ["RS256"], detached_payload=body)

    assert payload_segment == ""
    assert decoded["payload"] == body
    assert b64url_decode(header_segment) == b64url_decode(
        headers["Saleor-Signature"].split(".")[0]
    ).replace(CAPTURED_KID.encode(), clean.kid.encode())
    # The bytes really sent are compact JSON (not the spaced form quoted in the README).
    assert b64url_decode(header_segment) == (
        b'{"alg":"RS256","b64":false,"crit":["b64"],"kid":"'
        + clean.kid.encode()
        + b'","typ":"JWT"}'
    )
    assert len(b64url_decode(signature.split(".")[2])) == 256


def test_signed_webhook_fails_after_one_flipped_bit_or_reserialisation(clean):
    body = clean.webhook_body(
        {"__typename": "OrderUpdated", "order": {"id": "T3JkZXI6MQ==", "total": 25.0}}
    )
    signature = clean.sign_webhook(body)
    key = served_key(clean, clean.kid)
    flipped = body[:-2] + bytes([body[-2] ^ 0x01]) + body[-1:]
    compact = json.dumps(json.loads(body), separators=(",", ":")).encode()

    for tampered in (flipped, compact):
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.PyJWS().decode_complete(signature, key, ["RS256"], detached_payload=tampered)


def test_webhook_body_is_python_style_json(clean):
    body = clean.webhook_body({"a": 1, "b": {"amount": 25.0}})

    assert body == b'{"a": 1, "b": {"amount": 25.0}}'


def test_delivered_webhook_has_captured_headers_in_order(clean, receiver):
    captured = captured_json("webhooks", "order_refunded.headers.json")
    payload = {"__typename": "OrderRefunded", "order": {"id": "T3JkZXI6MQ=="}}

    status, _ = clean.deliver_webhook(
        f"{receiver.base_url}/api/webhooks/order-refunded", "ORDER_REFUNDED", payload
    )
    (request,) = receiver.received
    headers = dict(request["headers"])

    assert status == 200
    assert [name for name, _ in request["headers"]] == list(captured)
    for name in (
        "User-Agent",
        "Accept-Encoding",
        "Accept",
        "Connection",
        "Content-Type",
        "Host",
        "Saleor-Event",
        "X-Saleor-Event",
    ):
        assert headers[name] == captured[name], name
    assert headers["Saleor-Domain"] == headers["X-Saleor-Domain"] == clean.domain
    assert headers["Saleor-Api-Url"] == clean.api_url
    assert headers["Saleor-Signature"] == headers["X-Saleor-Signature"]
    assert headers["Content-Length"] == str(len(request["body"]))
    assert request["body"] == clean.webhook_body(payload)
    jwt.PyJWS().decode_complete(
        headers["Saleor-Signature"],
        served_key(clean, clean.kid),
        ["RS256"],
        detached_payload=request["body"],
    )


# ---------------------------------------------------------------- installation


def test_install_app_posts_token_with_captured_headers(clean, receiver, capture_app):
    captured = captured_json("app-install", "token-post.headers.json")

    status, body = clean.install_app(f"{receiver.base_url}/api/register", capture_app)
    (request,) = receiver.received
    headers = dict(request["headers"])

    assert (status, body) == (200, b'{"success": true}')
    assert [name for name, _ in request["headers"]] == list(captured)
    for name in (
        "User-Agent",
        "Accept-Encoding",
        "Accept",
        "Connection",
        "Content-Type",
        "Saleor-Schema-Version",
        "Host",
        "Content-Length",
    ):
        assert headers[name] == captured[name], name
    assert headers["Saleor-Domain"] == headers["X-Saleor-Domain"] == clean.domain
    assert headers["Saleor-Api-Url"] == clean.api_url
    assert request["body"] == json.dumps({"auth_token": capture_app["token"]}).encode()
    assert len(capture_app["token"]) == 30 and capture_app["token"].isalnum()


def test_fetch_manifest_sends_captured_headers(clean, receiver):
    captured = captured_json("app-install", "manifest-get.app-install.headers.json")
    receiver.routes[("GET", "/api/manifest")] = lambda handler: (200, b'{"id": "x"}')

    status, body = clean.fetch_manifest(f"{receiver.base_url}/api/manifest")
    (request,) = receiver.received

    assert (status, body) == (200, b'{"id": "x"}')
    assert request["headers"] == list(captured.items())


def test_install_from_captured_manifest_then_app_deleted_webhook(clean, receiver):
    manifest_text = CAPTURES.joinpath("app-install", "manifest.json").read_text()
    manifest = json.loads(manifest_text.replace("http://127.0.0.1:38989", receiver.base_url))
    receiver.routes[("GET", "/api/manifest")] = lambda handler: (200, json.dumps(manifest).encode())
    captured_deleted = json.loads(CAPTURES.joinpath("webhooks", "app_deleted.body").read_bytes())

    app = clean.install_from_manifest(f"{receiver.base_url}/api/manifest")
    token_post = receiver.received[1]
    self_query = graphql(clean, "{ app { id identifier } }", token=app["token"]).json()
    receiver.received.clear()
    deliveries = clean.delete_app(app)
    (delivery,) = receiver.received
    delivered = json.loads(delivery["body"])

    assert [r["method"] + " " + r["path"] for r in [token_post]] == ["POST /api/register"]
    assert json.loads(token_post["body"]) == {"auth_token": app["token"]}
    assert self_query["data"]["app"] == {"id": app["id"], "identifier": "capture.app"}
    assert [p["code"] for p in app["permissions"]] == ["HANDLE_PAYMENTS", "MANAGE_ORDERS"]
    assert len(app["webhooks"]) == 6
    assert delivery["path"] == "/api/webhooks/app-deleted"
    assert [d["status"] for d in deliveries] == [200]
    assert list(delivered) == list(captured_deleted)
    assert list(delivered["app"]) == list(captured_deleted["app"])
    assert delivered["recipient"] == {"id": app["id"], "name": "Capture App"}
    assert delivered["app"] == {"id": app["id"], "identifier": "capture.app", "name": "Capture App"}
    assert dict(delivery["headers"])["Saleor-Event"] == "app_deleted"
    jwt.PyJWS().decode_complete(
        dict(delivery["headers"])["Saleor-Signature"],
        served_key(clean, clean.kid),
        ["RS256"],
        detached_payload=delivery["body"],
    )


def test_failed_token_post_deletes_the_app(clean, receiver):
    manifest = {
        "id": "broken.app",
        "name": "Broken",
        "version": "1",
        "permissions": [],
        "tokenTargetUrl": f"{receiver.base_url}/api/register",
    }
    receiver.routes[("GET", "/api/manifest")] = lambda handler: (200, json.dumps(manifest).encode())
    receiver.routes[("POST", "/api/register")] = lambda handler: (
        400,
        b'{"error": {"message": "no"}}',
    )

    with pytest.raises(InstallationError):
        clean.install_from_manifest(f"{receiver.base_url}/api/manifest")

    assert not [a for a in clean.apps if a["identifier"] == "broken.app"]


# ---------------------------------------------------------------- GraphQL answers


def test_app_query_with_app_token_matches_capture(clean, capture_app):
    captured = captured_json("responses", "app_self_with_app_token.json")
    expected = json.loads(json.dumps(captured).replace("QXBwOjEx", capture_app["id"]))

    response = graphql(clean, captured_query("app_self_with_app_token"), token=capture_app["token"])

    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize("_case", ["deleted app token", "unknown token", "no token"])
def test_app_query_without_a_live_app_token_matches_capture(clean, _case):
    captured = captured_json("responses", "app_self_with_deleted_app_token.json")
    token = None
    if _case == "deleted app token":
        app = clean.add_app()
        clean.delete_app(app)
        token = app["token"]
    elif _case == "unknown token":
        token = "x" * 30

    response = graphql(clean, captured_query("app_self_with_deleted_app_token"), token=token)

    assert response.status_code == 200
    assert response.json() == captured


def test_app_token_verify(clean, capture_app):
    query = "mutation($t: String!) { appTokenVerify(token: $t) { valid errors { code } } }"

    valid = graphql(clean, query, {"t": capture_app["token"]}).json()
    invalid = graphql(clean, query, {"t": "y" * 30}).json()

    assert valid["data"] == {"appTokenVerify": {"valid": True, "errors": []}}
    assert invalid["data"] == {"appTokenVerify": {"valid": False, "errors": []}}


def test_field_saleor_lacks_is_a_validation_error(clean, capture_app):
    response = graphql(clean, "{ app { id notAField } }", token=capture_app["token"])
    body = response.json()

    assert response.status_code == 400
    assert "data" not in body
    assert len(body["errors"]) == 1
    assert "notAField" in body["errors"][0]["message"]
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 12}]
    assert body["errors"][0]["extensions"] == {"exception": {"code": "GraphQLError"}}


def test_syntax_error_and_missing_query_are_invalid(clean):
    syntax = graphql(clean, "{ app { id ")
    missing = httpx.post(clean.api_url, json={"variables": {}})
    garbage = httpx.post(
        clean.api_url, content=b"not json", headers={"Content-Type": "application/json"}
    )

    assert syntax.status_code == 400
    assert syntax.json()["errors"][0]["extensions"] == {"exception": {"code": "GraphQLSyntaxError"}}
    assert missing.status_code == 400
    assert missing.json() == {
        "errors": [
            {
                "message": "Must provide a query string.",
                "extensions": {"exception": {"code": "GraphQLError"}},
            }
        ]
    }
    assert garbage.status_code == 400
    assert garbage.json()["errors"][0]["message"] == "Unable to parse query."


def test_unregistered_root_field_is_a_graphql_error(clean):
    response = graphql(clean, "{ channels { id } }")
    body = response.json()

    assert response.status_code == 200
    assert body["data"] == {"channels": None}
    assert body["errors"][0]["message"] == "Query.channels is not implemented in the fake."
    assert body["errors"][0]["path"] == ["channels"]


def test_registered_resolvers_read_dicts_and_resolve_abstract_types(clean, capture_app):
    order = {
        "__typename": "Order",
        "id": global_id("Order", "f759ab77"),
        "number": "24",
        "metadata": [{"key": "rma", "value": "1"}],
    }
    transaction = {
        "__typename": "TransactionItem",
        "id": global_id("TransactionItem", "fa0a"),
        "createdBy": capture_app,
    }
    clean.orders.append(order)

    @clean.query("order")
    def resolve_order(info, id):
        info.context.require("MANAGE_ORDERS")
        return clean.lookup(id)

    @clean.query("transaction")
    def resolve_transaction(info, id=None, token=None):
        return transaction if id == transaction["id"] else None

    try:
        as_app = graphql(
            clean,
            "query($id: ID!, $tid: ID!) { order(id: $id) { id number metadata { key value } } "
            "transaction(id: $tid) { createdBy { __typename "
            "... on App { name } ... on User { email } } } }",
            {"id": order["id"], "tid": transaction["id"]},
            token=capture_app["token"],
        ).json()
        anonymous = graphql(
            clean, "query($id: ID!) { order(id: $id) { id } }", {"id": order["id"]}
        ).json()
    finally:
        del clean.query_resolvers["order"], clean.query_resolvers["transaction"]
        clean.orders.remove(order)

    assert as_app == {
        "data": {
            "order": {
                "id": order["id"],
                "number": "24",
                "metadata": [{"key": "rma", "value": "1"}],
            },
            "transaction": {"createdBy": {"__typename": "App", "name": "Capture App"}},
        },
        "extensions": {"cost": {"requestedQueryCost": 2, "maximumAvailable": 50000}},
    }
    assert anonymous["data"] == {"order": None}
    assert anonymous["errors"][0]["message"] == (
        "To access this path, you need one of the following permissions: MANAGE_ORDERS"
    )
    assert anonymous["errors"][0]["extensions"] == {"exception": {"code": "PermissionDenied"}}


def test_registering_a_field_saleor_lacks_is_refused(clean):
    with pytest.raises(ValueError):
        clean.query("notAQuery")
    with pytest.raises(ValueError):
        clean.field("Order", "notAField")


# ---------------------------------------------------------------- request log & faults


@pytest.fixture
def note_mutation(clean):
    """orderNoteAdd over an in-memory order: a state change the tests can count."""
    order = {"__typename": "Order", "id": global_id("Order", "n1"), "notes": []}
    clean.orders.append(order)

    @clean.mutation("orderNoteAdd")
    def order_note_add(info, order, input):
        info.context.require("MANAGE_ORDERS")
        target = clean.lookup(order)
        target["notes"].append(input["message"])
        return {"order": target, "event": None, "errors": []}

    yield order
    del clean.mutation_resolvers["orderNoteAdd"]
    clean.orders.remove(order)


NOTE_ADD = """
mutation AddNote($order: ID!, $message: String!) {
  orderNoteAdd(order: $order, input: {message: $message}) { order { id } errors { code } }
}
"""


def test_request_log_records_operation_and_auth(clean, capture_app):
    graphql(clean, captured_query("app_self_with_app_token"), token=capture_app["token"])
    httpx.post(
        clean.api_url,
        json={
            "query": "mutation V($token: String!) { tokenVerify(token: $token) { isValid } }",
            "variables": {"token": "t"},
            "operationName": "V",
        },
        headers={"User-Agent": "saleor-returns/0.1"},
    )

    first, second = clean.requests

    assert first["operation_name"] == "AppSelf"
    assert first["has_authorization"] is True
    assert first["user_agent"].startswith("python-httpx/")
    assert first["status"] == 200
    assert second["operation_name"] == "V"
    assert second["variables"] == {"token": "t"}
    assert second["has_authorization"] is False
    assert second["user_agent"] == "saleor-returns/0.1"


def test_fail_next_answers_status_without_executing(clean, capture_app, note_mutation):
    clean.fail_next(count=2, status=503)
    variables = {"order": note_mutation["id"], "message": "hello"}

    statuses = [
        graphql(clean, NOTE_ADD, variables, token=capture_app["token"]).status_code
        for _ in range(3)
    ]

    assert statuses == [503, 503, 200]
    assert note_mutation["notes"] == ["hello"]
    assert [r["fault"] for r in clean.requests] == ["fail: HTTP 503", "fail: HTTP 503", None]


def test_delay_next_triggers_client_timeout(clean, capture_app):
    clean.delay_next(count=1, seconds=0.6)
    query = captured_query("app_self_with_app_token")

    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        graphql(clean, query, token=capture_app["token"], timeout=0.2)
    after_timeout = graphql(clean, query, token=capture_app["token"])

    assert time.monotonic() - started < 0.6 + 0.5
    assert after_timeout.status_code == 200
    assert after_timeout.json()["data"]["app"]["id"] == capture_app["id"]
    assert clean.requests[0]["fault"] == "delay 0.6s"


def test_fail_after_execute_changes_state_then_answers_502(clean, capture_app, note_mutation):
    clean.fail_after_execute_next(count=1, status=502)
    variables = {"order": note_mutation["id"], "message": "did it happen?"}

    response = graphql(clean, NOTE_ADD, variables, token=capture_app["token"])

    assert response.status_code == 502
    assert note_mutation["notes"] == ["did it happen?"]


def test_fail_after_execute_can_drop_the_connection(clean, capture_app, note_mutation):
    clean.fail_after_execute_next(drop=True)
    variables = {"order": note_mutation["id"], "message": "dropped"}

    with pytest.raises(httpx.RemoteProtocolError):
        graphql(clean, NOTE_ADD, variables, token=capture_app["token"])
    retry = graphql(clean, NOTE_ADD, variables, token=capture_app["token"])

    assert retry.status_code == 200
    assert note_mutation["notes"] == ["dropped", "dropped"]


def test_webhook_emitted_by_a_mutation_is_delivered_before_the_response(
    clean, receiver, capture_app, note_mutation
):
    """Like Saleor without a broker: the app gets the webhook (and may call back) mid-request."""
    clean.add_webhook(
        capture_app,
        f"{receiver.base_url}/api/webhooks/order-updated",
        query="subscription { event { issuedAt ... on OrderUpdated { order { id } } } }",
        async_events=["ORDER_UPDATED"],
    )
    callbacks = []

    def on_webhook(handler):
        callbacks.append(graphql(clean, "{ app { id } }", token=capture_app["token"]).json())
        return 200, b"{}"

    receiver.routes[("POST", "/api/webhooks/order-updated")] = on_webhook
    original = clean.mutation_resolvers["orderNoteAdd"]

    def add_note_and_notify(info, **args):
        result = original(info, **args)
        clean.emit_event("ORDER_UPDATED", {"order": result["order"]})
        return result

    clean.mutation_resolvers["orderNoteAdd"] = add_note_and_notify
    try:
        response = graphql(
            clean,
            NOTE_ADD,
            {"order": note_mutation["id"], "message": "m"},
            token=capture_app["token"],
            timeout=10,
        )
    finally:
        clean.mutation_resolvers["orderNoteAdd"] = original
        capture_app["webhooks"].clear()

    (delivery,) = clean.deliveries
    assert response.status_code == 200
    assert delivery["status"] == 200
    assert json.loads(delivery["body"])["order"] == {"id": note_mutation["id"]}
    assert callbacks == [
        {
            "data": {"app": {"id": capture_app["id"]}},
            "extensions": {"cost": {"requestedQueryCost": 1, "maximumAvailable": 50000}},
        }
    ]


# ---------------------------------------------------------------- key rotation


def test_rotate_key_changes_kid_and_jwks():
    with FakeSaleor() as saleor:
        customer = saleor.add_customer("rotate@example.com")
        old_kid = saleor.kid
        old_token = saleor.issue_customer_token(customer)
        old_signature = saleor.sign_webhook(b"{}")

        new_kid = saleor.rotate_key()
        keys = httpx.get(saleor.jwks_url).json()["keys"]
        new_token = saleor.issue_customer_token(customer)
        new_key = jwt.PyJWKSet.from_dict({"keys": keys})[new_kid].key
        stale = graphql(saleor, "{ me { id } }", token=old_token).json()
        fresh = graphql(saleor, "{ me { id } }", token=new_token).json()

    assert new_kid != old_kid == jwt.get_unverified_header(old_token)["kid"]
    assert [k["kid"] for k in keys] == [new_kid]
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    jwt.decode(new_token, new_key, algorithms=["RS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.PyJWS().decode_complete(old_signature, new_key, ["RS256"], detached_payload=b"{}")
    assert stale["data"] == {"me": None}
    assert stale["errors"][0]["extensions"] == {"exception": {"code": "InvalidSignatureError"}}
    assert fresh["data"] == {"me": {"id": customer["id"]}}
