"""Who the API takes the caller to be, from real Saleor tokens."""

import pytest
import time_machine

from tests.conftest import CAPTURED_API_URL, at_token_time, capture_json

VIEWER = "{ viewer { kind userId email permissions saleorApiUrl } }"


def graphql(client, query, *, token=None, api_url=CAPTURED_API_URL, header="Authorization"):
    headers = {}
    if api_url:
        headers["Saleor-Api-Url"] = api_url
    if token:
        headers[header] = f"Bearer {token}" if header == "Authorization" else token
    return client.post("/graphql/", {"query": query}, content_type="application/json", headers=headers)


def token(name):
    return capture_json("tokens", name)["token"]


def test_customer_access_token_gives_a_customer(client, captured_installation):
    # given
    claims = capture_json("tokens", "customer_access.json")["claims"]

    # when
    with time_machine.travel(at_token_time("customer_access.json"), tick=False):
        response = graphql(client, VIEWER, token=token("customer_access.json"))

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "viewer": {
                "kind": "CUSTOMER",
                "userId": claims["user_id"],
                "email": claims["email"],
                "permissions": [],
                "saleorApiUrl": CAPTURED_API_URL,
            }
        }
    }


@pytest.mark.parametrize("header", ["Authorization", "Authorization-Bearer"])
def test_dashboard_staff_token_gives_staff_with_its_permissions(client, captured_installation, header):
    # given
    claims = capture_json("tokens", "staff_thirdparty_app.json")["claims"]

    # when
    with time_machine.travel(at_token_time("staff_thirdparty_app.json"), tick=False):
        response = graphql(client, VIEWER, token=token("staff_thirdparty_app.json"), header=header)

    # then
    viewer = response.json()["data"]["viewer"]
    assert viewer["kind"] == "STAFF"
    assert viewer["userId"] == claims["user_id"]
    assert viewer["permissions"] == sorted(claims["user_permissions"])
    assert "MANAGE_ORDERS" in viewer["permissions"]


def test_no_token_is_anonymous_in_that_shop(client, captured_installation):
    response = graphql(client, VIEWER)
    assert response.json()["data"]["viewer"] == {
        "kind": "ANONYMOUS",
        "userId": None,
        "email": None,
        "permissions": [],
        "saleorApiUrl": CAPTURED_API_URL,
    }


@pytest.mark.parametrize(
    ("_case", "token_file", "seconds_after_iat", "message"),
    [
        ("expired access token", "customer_access.json", 400, "The token has expired."),
        ("expired staff token", "staff_thirdparty_app.json", 400, "The token has expired."),
        ("refresh token", "customer_refresh.json", 10, "This kind of token cannot be used here; send an access token."),
    ],
)
def test_unusable_tokens_are_401(client, captured_installation, _case, token_file, seconds_after_iat, message):
    with time_machine.travel(at_token_time(token_file, seconds_after_iat), tick=False):
        response = graphql(client, VIEWER, token=token(token_file))
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}


def test_staff_token_for_another_app_is_401(client, captured_installation):
    # given: the shop re-installed the app, so the token names an app that is gone
    captured_installation.app_id = "QXBwOjk5"
    captured_installation.save()

    # when
    with time_machine.travel(at_token_time("staff_thirdparty_app.json"), tick=False):
        response = graphql(client, VIEWER, token=token("staff_thirdparty_app.json"))

    # then
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The token was issued for another app."


def test_tampered_token_is_401(client, captured_installation):
    header, payload, signature = token("customer_access.json").split(".")
    with time_machine.travel(at_token_time("customer_access.json"), tick=False):
        response = graphql(client, VIEWER, token=f"{header}.{payload}.{signature[:-4]}AAAA")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The token's signature is not valid."


@pytest.mark.parametrize(
    ("_case", "api_url", "message"),
    [
        ("unknown shop", "https://other.example.com/graphql/", "The app is not installed in this Saleor."),
        ("not a URL", "shop", "Saleor-Api-Url must be the shop's full http(s) GraphQL URL."),
        ("no shop with a token", None, "Name the shop with the Saleor-Api-Url header."),
    ],
)
def test_unknown_or_missing_shop_is_401(client, captured_installation, _case, api_url, message):
    with time_machine.travel(at_token_time("customer_access.json"), tick=False):
        response = graphql(client, VIEWER, token=token("customer_access.json"), api_url=api_url)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == message


def test_deactivated_shop_is_401(client, captured_installation):
    captured_installation.is_active = False
    captured_installation.save()
    response = graphql(client, VIEWER)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The app is not installed in this Saleor."
