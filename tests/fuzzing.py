"""Schemathesis against the app's GraphQL API over HTTP: one campaign per caller kind, every answer kept.

Shared by tests/test_fuzz.py (a short run in the suite) and bench/fuzz.py (a long one). Queries and
mutations are generated from graphql/schema.graphql, valid ones and invalid ones; IDs are drawn
partly from `IdPool` (ids of real rows of the shop) so that generated calls reach past "not found".
"""

import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed as hypothesis_seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "graphql" / "schema.graphql"

# What PostgreSQL, psycopg or a Python traceback would put into a message; none may reach a caller.
# Case matters: GraphQL's own "Syntax Error: ..." for a malformed document is fine, PostgreSQL's
# "syntax error at or near" is not. Our refusal "Text must not contain NUL characters." names NUL
# on purpose; the driver's "... cannot contain NUL (0x00) bytes" is caught by its own pattern.
DATABASE_TEXT = re.compile(
    r"\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE|RETURNING)\b|"
    r'psycopg|PostgreSQL|[Pp]ostgres|relation "|\bbigint\b|\bsmallint\b|out of range|syntax error at|'
    r"invalid input syntax|\bviolates\b|\bconstraint\b|NUL \(0x00\)|\x00|Traceback|django\.db|"
    r"DataError|IntegrityError|ProgrammingError|OperationalError|numeric field overflow|character varying|"
    r'duplicate key|column "|DETAIL:|HINT:|LINE \d+:'
)


def database_text(message: str) -> str | None:
    """The first SQL or driver word in `message`, if any."""
    found = DATABASE_TEXT.search(message)
    return found.group(0) if found else None


class IdPool:
    """Global ids of rows that exist; the ID scalar draws from it half of the time."""

    def __init__(self):
        self.ids: list[str] = []

    def set(self, ids) -> None:
        self.ids = list(ids)

    def pick(self, index: int) -> str:
        return self.ids[index % len(self.ids)] if self.ids else "UmV0dXJuUmVxdWVzdDox"


ID_POOL = IdPool()

_text = st.text(max_size=30)
# Text that has broken apps before: NUL (PostgreSQL cannot store it), LIKE wildcards, quotes, text
# longer than any column, numbers past every range, look-alikes of real values.
_hostile_text = st.one_of(
    st.sampled_from([
        "\x00", "a\x00b", "\x00" * 3, " ", "%", "_%", "\\", "'", '"', "\U0001F600", "\u202e", "ǅ", "9" * 40, "-1",
        "1e309", "NaN", "x" * 5000, "RMA-000001", "#1", "1", "alice@example.com", "ALICE@EXAMPLE.COM ",
        "default-channel", "Europe/Berlin", "Mars/Olympus", "2030-02-30T25:00:00", "0001-01-01T00:00:00+00:00",
    ]),
    st.text(alphabet=st.sampled_from("\x00a1-%_'@ "), max_size=12),
    st.text(max_size=300),
)
_decimal_text = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=Decimal("-1e6"),
                max_value=Decimal("1e6")).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e400", "-0", "99999999999999999999999.999", "0.0001", "12,50", ""]),
    _text,
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_text, children, max_size=3),
    max_leaves=8,
)
_rules_keys = st.sampled_from(
    ["window_days", "time_zone", "allowed_resolutions", "restocking_fee_percent", "return_shipping_paid_by",
     "auto_approve", "excluded_product_types", "final_sale", "max_value"]
)
_rules = st.dictionaries(_rules_keys, _json, max_size=4)

_registered = False


def register_scalars() -> None:
    """Strategies for the schema's own scalars, and sharper ones for String and ID; once per process."""
    global _registered
    if _registered:
        return
    schemathesis.graphql.scalar("Decimal", _decimal_text.map(nodes.String))
    schemathesis.graphql.scalar(
        "JSONString", st.one_of(_rules.map(json.dumps), _json.map(json.dumps), _text).map(nodes.String)
    )
    # A file cannot travel in a JSON body; the multipart upload has tests of its own.
    schemathesis.graphql.scalar("Upload", st.one_of(st.just(nodes.Null), _text.map(nodes.String)))
    schemathesis.graphql.scalar("String", st.one_of(_text, _hostile_text).map(nodes.String))
    schemathesis.graphql.scalar(
        "ID", st.one_of(st.integers(min_value=0, max_value=10**6).map(ID_POOL.pick), _text).map(nodes.String)
    )
    _registered = True


def load_schema():
    register_scalars()
    return schemathesis.graphql.from_path(SCHEMA_PATH)


@dataclass
class Answer:
    operation: str
    status: int
    body: str
    messages: list[str]


@dataclass
class CampaignResult:
    caller: str
    requests: int = 0
    server_errors: list[Answer] = field(default_factory=list)  # 5xx, and answers reporting an INTERNAL_ERROR
    leaks: list[tuple[str, str, str]] = field(default_factory=list)  # (word, message, query)
    messages: set[str] = field(default_factory=set)
    statuses: dict[int, int] = field(default_factory=dict)


def error_messages(body) -> list[str]:
    """Every `message` under an `errors` list, at the top level and inside payloads (field errors)."""
    found = []

    def walk(node, in_errors: bool):
        if isinstance(node, dict):
            if in_errors and isinstance(node.get("message"), str):
                found.append(node["message"])
            for key, value in node.items():
                walk(value, key == "errors")
        elif isinstance(node, list):
            for item in node:
                walk(item, in_errors)

    walk(body, False)
    return found


def internal_errors(text: str) -> bool:
    """True if the answer reports a bug (an exception the API did not raise on purpose) in a 200."""
    try:
        body = json.loads(text)
    except ValueError:
        return False
    errors = body.get("errors") if isinstance(body, dict) else None
    return any(
        isinstance(error, dict) and (error.get("extensions") or {}).get("code") == "INTERNAL_ERROR"
        for error in errors or []
    )


def answer_messages(status: int, text: str) -> list[str]:
    try:
        body = json.loads(text)
    except ValueError:
        # Not JSON (an HTML error page, a plain-text 400): its whole text is what the caller reads.
        return [text] if status >= 400 else []
    return error_messages(body)


def run_campaign(schema, *, caller: str, graphql_url: str, headers: dict, max_examples: int, seconds: float,
                 seed: int | None = None, session=None) -> CampaignResult:
    """Up to `max_examples` generated calls (valid and invalid) within `seconds`, as one caller."""
    import requests

    result = CampaignResult(caller=caller)
    session = session or requests.Session()
    strategy = st.one_of(
        schema.as_strategy(generation_mode=GenerationMode.POSITIVE),
        schema.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    @settings(max_examples=max_examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(case=strategy)
    def call(case):
        if time.monotonic() > deadline:
            return
        body = case.body if isinstance(case.body, dict) else {"query": case.body}
        response = session.post(graphql_url, json=body, headers=headers, timeout=30)
        text = response.text
        messages = answer_messages(response.status_code, text)
        with lock:
            result.requests += 1
            result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500 or internal_errors(text):
                result.server_errors.append(Answer(case.operation.label, response.status_code, text[:2000], messages))
            for message in messages:
                result.messages.add(message)
                word = database_text(message)
                if word:
                    result.leaks.append((word, message[:500], body["query"][:2000]))

    if seed is not None:
        call = hypothesis_seed(seed)(call)
    call()
    return result


# Every Saleor permission an operation of the app can need (DESIGN.md §Permissions).
ALL_STAFF_PERMISSIONS = ("HANDLE_PAYMENTS", "MANAGE_APPS", "MANAGE_GIFT_CARD", "MANAGE_ORDERS", "MANAGE_PRODUCTS",
                         "MANAGE_SETTINGS")
CALLER_KINDS = ("anonymous", "customer", "guest", "staff", "api_key")

CREATE_RETURN = """
mutation($input: ReturnRequestCreateInput!) {
  returnRequestCreate(input: $input) { returnRequest { id lines { id } } errors { field code message } }
}
"""


@dataclass
class FuzzShop:
    """A shop in the Saleor double with one customer, her delivered order, staff and an API key."""

    installation: object
    order: dict
    headers: dict[str, dict[str, str]]  # caller kind -> request headers
    spare_api_key_id: str  # for returnApiKeyRevoke to find: the callers' own key stays out of ID_POOL


def open_shop(fake, *, token_seconds: int = 3600) -> FuzzShop:
    """Installs the app in `fake` and makes credentials for every caller kind (tokens live `token_seconds`)."""
    from django.utils import timezone

    from saleor_returns.api.lookup_tokens import issue_lookup_token
    from saleor_returns.installations import actions as installation_actions
    from saleor_returns.installations import api_keys
    from saleor_returns.models import Installation

    app = fake.add_app(identifier="saleor.returns", name="Returns", permissions=list(ALL_STAFF_PERMISSIONS))
    installation, _ = Installation.objects.update_or_create(
        saleor_api_url=fake.api_url,
        defaults={"saleor_domain": fake.domain, "app_id": app["id"], "encrypted_app_token": "", "is_active": True,
                  "installed_at": timezone.now(), "jwks": fake.jwks(), "jwks_fetched_at": timezone.now()},
    )
    installation.app_token = app["token"]
    installation.save()
    installation_actions.seed_default_reasons(installation=installation)
    installation_actions.current_policy(installation=installation, channel_slug="")

    customer = fake.add_customer("alice@example.com")
    staff = fake.add_staff("staff@example.com", list(ALL_STAFF_PERMISSIONS))
    now = timezone.now()
    order = fake.add_order(
        user=customer, user_email=customer["email"], currency="USD", shipping=Decimal("10.00"),
        created=now - timedelta(days=5),
        lines=[
            {"sku": "SNEAKER-42", "quantity": 2, "unit_price": Decimal("25.00"), "product_name": "Sneaker",
             "variant_name": "42"},
            {"sku": "JACKET-M", "quantity": 1, "unit_price": Decimal("40.00"), "product_name": "Jacket",
             "variant_name": "M"},
        ],
    )
    fake.fulfill(order, created=now - timedelta(days=3))
    guest_token, _ = issue_lookup_token(installation=installation, order_id=order["id"], email=customer["email"],
                                        ttl_seconds=token_seconds)
    def make_key(name):
        return api_keys.create_api_key(
            installation=installation, name=name, scopes=list(ALL_STAFF_PERMISSIONS),
            creator_permissions=ALL_STAFF_PERMISSIONS, creator_user_id=staff["id"], creator_email=staff["email"],
        )

    _, api_key = make_key("Fuzz")
    spare_api_key, _ = make_key("Spare")
    tokens = {
        "anonymous": None,
        "customer": fake.issue_customer_token(customer, ttl=token_seconds),
        "guest": guest_token,
        "staff": fake.issue_staff_app_token(staff, app, ttl=token_seconds),
        "api_key": api_key,
    }
    headers = {
        kind: {"Saleor-Api-Url": fake.api_url, **({"Authorization": f"Bearer {token}"} if token else {})}
        for kind, token in tokens.items()
    }
    return FuzzShop(installation=installation, order=order, headers=headers, spare_api_key_id=str(spare_api_key.pk))


def fill_id_pool(shop: FuzzShop, graphql_url: str) -> None:
    """Files one return request as the customer, then puts the ids of the shop's rows into ID_POOL."""
    import requests
    from graphql_relay import to_global_id

    from saleor_returns.models import ReturnReason

    order = shop.order
    variables = {"input": {"orderId": order["id"], "lines": [
        {"orderLineId": order["lines"][0]["id"], "quantity": 1, "reason": "CHANGED_MIND"}]}}
    answer = requests.post(graphql_url, json={"query": CREATE_RETURN, "variables": variables},
                           headers=shop.headers["customer"], timeout=30).json()
    payload = answer["data"]["returnRequestCreate"]
    assert payload["errors"] == [], payload
    return_request = payload["returnRequest"]
    installation = shop.installation
    ID_POOL.set([
        order["id"], *(line["id"] for line in order["lines"]),
        return_request["id"], *(line["id"] for line in return_request["lines"]),
        *(to_global_id("ReturnReason", str(pk)) for pk in ReturnReason.objects.filter(installation=installation)
          .values_list("pk", flat=True)[:5]),
        to_global_id("ApiKey", shop.spare_api_key_id),
    ])
