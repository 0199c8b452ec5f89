"""No input ever causes a 500: odd or hostile input gets a clear error and changes nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_returns.models import ReturnEvent, ReturnRequest
from tests.api.conftest import CREATE, create_input

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
line = st.fixed_dictionaries(
    {
        "orderLineId": st.one_of(text, st.just("T3JkZXJMaW5lOjE=")),
        "quantity": st.integers(min_value=-(2**31), max_value=2**31 - 1),
        "reason": st.one_of(text, st.sampled_from(["DEFECT", "CHANGED_MIND", "QUALITY"])),
    },
    optional={"comment": text, "evidenceIds": st.lists(text, max_size=3)},
)
request_input = st.fixed_dictionaries(
    {"orderId": st.one_of(text, st.just("T3JkZXI6MQ==")), "lines": st.lists(line, max_size=3)},
    optional={
        "kind": st.sampled_from(["RETURN", "EXCHANGE", "PARCEL_LOST"]),
        "resolution": st.sampled_from(["REFUND", "KEEP_ITEM", "EXCHANGE"]),
        "exchangeVariantId": text,
        "customerNote": text,
        "idempotencyKey": st.text(max_size=200),
        "policyOverrideJustification": text,
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=request_input)
def test_random_create_input_never_fails_the_server(as_alice, alices_order, data):
    response = as_alice.post(CREATE, {"input": data})
    assert response.status_code in (200, 400)
    body = response.json()
    if response.status_code == 200 and body.get("data") and body["data"]["returnRequestCreate"]:
        payload = body["data"]["returnRequestCreate"]
        assert payload["errors"] or payload["returnRequest"]


@pytest.mark.parametrize(
    ("_case", "change", "field"),
    [
        ("NUL in a comment", lambda i: i["lines"][0].update(comment="a\x00b"), "lines.comment"),
        ("NUL in the note", lambda i: i.update(customerNote="\x00"), "customerNote"),
    ],
)
def test_nul_characters_are_refused_before_touching_the_database(as_alice, alices_order, _case, change, field):
    data = create_input(alices_order)
    change(data)
    payload = as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]
    assert payload["errors"] == [{"field": field, "code": "INVALID", "message": "Text must not contain NUL characters.", "lines": None}]
    assert ReturnRequest.objects.count() == 0
    assert ReturnEvent.objects.count() == 0


def test_nul_in_policy_rules_is_refused(as_staff):
    payload = as_staff('mutation($r: JSONString!) { returnPolicyUpdate(rules: $r) { errors { field code } } }', {"r": json.dumps({"time_zone": "\u0000"})})
    assert payload["data"]["returnPolicyUpdate"]["errors"] == [{"field": "rules.timeZone", "code": "INVALID"}]


def test_a_quantity_beyond_graphql_int_is_a_validation_error(as_alice, alices_order):
    data = create_input(alices_order)
    data["lines"][0]["quantity"] = 2**40
    response = as_alice.post(CREATE, {"input": data})
    assert response.status_code == 400
    assert "Int cannot represent non 32-bit signed integer value" in response.json()["errors"][0]["message"]
