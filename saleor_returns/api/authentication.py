"""Turns an API request's headers into a Requestor.

The shop is named by `Saleor-Api-Url`; the caller by `Authorization: Bearer
<token>` (app-sdk's `Authorization-Bearer` header is accepted too). Tokens are
Saleor's own JWTs, verified offline against that shop's JWKS:
- `access`: a logged-in customer (id and e-mail from the claims);
- `thirdparty`: a staff user in the Dashboard, which must name this app in its
  `app` claim; its `user_permissions` are the staff user's permissions.
The app's own tokens are told apart by their prefix:
- `rlt_…`: a guest's order lookup token (order number + e-mail proven);
- `rk_…`: an installation's API key, with the scopes it was created with;
- `rpl_…`: a portal link from a customer's message: a guest of that one return.
"""

from django.http import HttpRequest

from saleor_returns.api.lookup_tokens import InvalidLookupToken, read_lookup_token
from saleor_returns.api.lookup_tokens import PREFIX as LOOKUP_TOKEN_PREFIX
from saleor_returns.installations import api_keys
from saleor_returns.models import Installation, ReturnRequest
from saleor_returns.return_links import PREFIX as PORTAL_LINK_PREFIX
from saleor_returns.return_links import InvalidPortalLink, LinkPurpose, read_link_token
from saleor_returns.requestors import ANONYMOUS, Requestor, RequestorKind
from saleor_returns.saleor import auth
from saleor_returns.saleor.urls import InvalidSaleorApiUrl, normalize_api_url


class AuthenticationFailed(Exception):
    """The request must be answered 401 with this message."""


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in {"bearer", "jwt"} and value.strip():
        return value.strip()
    alternative = request.headers.get("Authorization-Bearer", "").strip()
    return alternative or None


def authenticate(request: HttpRequest) -> Requestor:
    token = bearer_token(request)
    raw_api_url = request.headers.get("Saleor-Api-Url")
    if not raw_api_url:
        if token:
            raise AuthenticationFailed("Name the shop with the Saleor-Api-Url header.")
        return ANONYMOUS
    try:
        api_url = normalize_api_url(raw_api_url)
    except InvalidSaleorApiUrl as error:
        raise AuthenticationFailed(str(error)) from None
    installation = Installation.objects.filter(saleor_api_url=api_url, is_active=True).first()
    if installation is None:
        raise AuthenticationFailed("The app is not installed in this Saleor.")
    return requestor_for(installation, token)


def requestor_for(installation: Installation, token: str | None) -> Requestor:
    """Who `token` (or nobody) is in this shop; raises AuthenticationFailed."""
    if not token:
        return Requestor(kind=RequestorKind.ANONYMOUS, installation=installation)
    if token.startswith(LOOKUP_TOKEN_PREFIX):
        return requestor_from_lookup_token(installation, token)
    if token.startswith(api_keys.PREFIX):
        return requestor_from_api_key(installation, token)
    if token.startswith(PORTAL_LINK_PREFIX):
        return requestor_from_portal_link(installation, token)
    return requestor_from_token(installation, token)


def requestor_from_lookup_token(installation: Installation, token: str) -> Requestor:
    try:
        proven = read_lookup_token(token, installation=installation)
    except InvalidLookupToken as error:
        raise AuthenticationFailed(str(error)) from None
    return Requestor(
        kind=RequestorKind.GUEST, installation=installation, email=proven["email"], order_id=proven["order_id"]
    )


def requestor_from_portal_link(installation: Installation, token: str) -> Requestor:
    """A link sent to the customer opens that one return, never the rest of the order."""
    try:
        link = read_link_token(token, installation_id=installation.pk, purpose=LinkPurpose.STATUS)
    except InvalidPortalLink as error:
        raise AuthenticationFailed(str(error)) from None
    found = ReturnRequest.objects.filter(installation=installation, pk=link.return_request_id).values(
        "order_id", "customer_email"
    ).first()
    if found is None:
        raise AuthenticationFailed("This returns link is not valid.")
    return Requestor(
        kind=RequestorKind.GUEST, installation=installation, email=found["customer_email"],
        order_id=found["order_id"], return_request_id=link.return_request_id,
    )


def requestor_from_api_key(installation: Installation, key: str) -> Requestor:
    api_key = api_keys.key_for_request(installation, key)
    if api_key is None:
        raise AuthenticationFailed("The API key is not valid for this shop (revoked, expired or unknown).")
    return Requestor(
        kind=RequestorKind.APP,
        installation=installation,
        user_id=f"ApiKey:{api_key.prefix}",
        permissions=frozenset(api_key.scopes),
        api_key_id=str(api_key.pk),
    )


def requestor_from_token(installation: Installation, token: str) -> Requestor:
    try:
        claims = auth.verify_installation_token(installation, token)
    except auth.VerificationError as error:
        raise AuthenticationFailed(str(error)) from None
    token_type = claims.get("type")
    user_id, email = claims.get("user_id"), claims.get("email")
    if not user_id:
        raise AuthenticationFailed("The token names no user.")
    if token_type == "access":
        # The customer's own token reads their orders from Saleor as they may see them (myOrders).
        return Requestor(kind=RequestorKind.CUSTOMER, installation=installation, user_id=user_id, email=email,
                         token=token)
    if token_type == "thirdparty":
        if claims.get("is_staff") is not True:
            raise AuthenticationFailed("Dashboard tokens must belong to a staff user.")
        if claims.get("app") != installation.app_id:
            raise AuthenticationFailed("The token was issued for another app.")
        permissions = claims.get("user_permissions") or []
        if not isinstance(permissions, list):
            raise AuthenticationFailed("The token's permissions are malformed.")
        return Requestor(
            kind=RequestorKind.STAFF,
            installation=installation,
            user_id=user_id,
            email=email,
            permissions=frozenset(str(permission) for permission in permissions),
            token=token,
        )
    raise AuthenticationFailed("This kind of token cannot be used here; send an access token.")
