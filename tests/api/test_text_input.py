"""A NUL character in any text argument is a field error (field, code, message), never database text or a 500.

PostgreSQL cannot store NUL; the driver refuses it with its own words. Queries answer a top-level
error with `extensions.code` and `extensions.field`, mutations a ReturnError in their payload.
"""

import pytest

from saleor_returns.models import CarrierAccount, ReturnAddress, ReturnEvent, ReturnReason, ReturnRequest
from tests.api.conftest import CREATE, create_input, create_request

NUL = "Text must not contain NUL characters."


@pytest.mark.parametrize(
    ("_case", "query", "variables", "field"),
    [
        ("search", "query($s: String) { returnRequests(filter: {search: $s}) { totalCount } }", {"s": "RMA\x00"},
         "filter.search"),
        ("a list of reasons", "query($r: [String!]) { returnRequests(filter: {reason: $r}) { totalCount } }",
         {"r": ["DEFECT", "\x00"]}, "filter.reason"),
        ("order number filter", 'query { returnRequests(filter: {orderNumber: "1\\u0000"}) { totalCount } }', {},
         "filter.orderNumber"),
        ("policy channel", "query($c: String) { returnPolicy(channelSlug: $c) { version } }", {"c": "\x00"}, "channelSlug"),
        ("policy versions", "query($c: String) { returnPolicyVersions(channelSlug: $c) { version } }", {"c": "a\x00"},
         "channelSlug"),
        ("overview channel", "query($c: String) { returnOverview(channelSlug: $c) { openCount } }", {"c": "\x00b"},
         "channelSlug"),
        ("order number", "query($n: String!) { returnOrderByNumber(number: $n) { id } }", {"n": "1\x00"}, "number"),
        ("return request id", "query($id: ID!) { returnRequest(id: $id) { id } }", {"id": "\x00"}, "id"),
    ],
)
def test_nul_in_a_query_argument_is_an_invalid_field(as_staff, _case, query, variables, field):
    # when
    response = as_staff.post(query, variables)

    # then
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert [(e["message"], e["extensions"]) for e in errors] == [(NUL, {"code": "INVALID", "field": field})]


def test_nul_in_the_eligibility_order_id_is_an_invalid_field(as_alice, alices_order, fake_saleor):
    requests_before = len(fake_saleor.requests)

    errors = as_alice("query($o: ID!) { returnEligibility(orderId: $o) { orderId } }", {"o": "\x00"})["errors"]

    assert [(e["message"], e["extensions"]) for e in errors] == [(NUL, {"code": "INVALID", "field": "orderId"})]
    assert len(fake_saleor.requests) == requests_before


def test_a_cursor_with_nul_is_still_an_invalid_cursor(as_staff):
    result = as_staff("query($a: String) { returnRequests(after: $a) { totalCount } }", {"a": "b2Zmc2V0\x00"})

    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [("The cursor is not valid.", "INVALID_CURSOR")]


def test_text_without_nul_still_reaches_the_database(as_staff):
    result = as_staff('{ returnRequests(filter: {search: "RMA-0"}) { totalCount } returnPolicy(channelSlug: "") { version } }')

    assert "errors" not in result, result
    assert result["data"]["returnRequests"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("_case", "mutation", "variables", "payload", "field"),
    [
        ("reason name", "mutation($i: ReturnReasonCreateInput!) { returnReasonCreate(input: $i) { errors { field code message } } }",
         {"i": {"code": "TOO_SMALL", "labelEn": "Too\x00small"}}, "returnReasonCreate", "labelEn"),
        ("reason code", "mutation($i: ReturnReasonCreateInput!) { returnReasonCreate(input: $i) { errors { field code message } } }",
         {"i": {"code": "\x00", "labelEn": "Too small"}}, "returnReasonCreate", "code"),
        ("carrier account name",
         "mutation($i: CarrierAccountInput!) { returnCarrierAccountSet(input: $i) { errors { field code message } } }",
         {"i": {"provider": "generic", "name": "Main\x00"}}, "returnCarrierAccountSet", "name"),
        ("return address city",
         "mutation($i: ReturnAddressInput!) { returnAddressSet(input: $i) { errors { field code message } } }",
         {"i": {"name": "Returns", "street1": "1 Main St", "city": "Berlin\x00", "zip": "10115", "country": "DE"}}, "returnAddressSet", "city"),
    ],
)
def test_nul_in_a_settings_mutation_is_a_field_error_and_changes_nothing(as_staff, _case, mutation, variables, payload, field):
    # given
    reasons_before = ReturnReason.objects.count()

    # when
    result = as_staff(mutation, variables)

    # then
    assert "errors" not in result, result
    assert result["data"][payload]["errors"] == [{"field": field, "code": "INVALID", "message": NUL}]
    assert ReturnReason.objects.count() == reasons_before
    assert not CarrierAccount.objects.exists()
    assert not ReturnAddress.objects.exists()


def test_nul_in_a_customer_note_is_a_field_error_and_files_nothing(as_alice, alices_order):
    payload = as_alice(CREATE, {"input": create_input(alices_order, customerNote="Too big\x00")})["data"]["returnRequestCreate"]

    assert payload["errors"] == [{"field": "customerNote", "code": "INVALID", "message": NUL, "lines": None}]
    assert not ReturnRequest.objects.exists()


def test_nul_in_a_staff_note_is_a_field_error_and_adds_no_event(as_alice, as_staff, alices_order):
    # given
    return_request = create_request(as_alice, alices_order)
    events_before = ReturnEvent.objects.count()

    # when
    result = as_staff("mutation($id: ID!, $n: String!) { returnRequestNoteAdd(id: $id, note: $n) { errors { field code message } } }",
                      {"id": return_request["id"], "n": "called\x00"})

    # then
    assert result["data"]["returnRequestNoteAdd"]["errors"] == [{"field": "note", "code": "INVALID", "message": NUL}]
    assert ReturnEvent.objects.count() == events_before


def test_nul_in_a_lookup_is_a_field_error(as_anonymous, alices_order):
    result = as_anonymous("mutation($n: String!, $e: String!) { returnLookupTokenCreate(orderNumber: $n, email: $e) "
                          "{ token errors { field code message } } }", {"n": str(alices_order["number"]), "e": "alice@example.com\x00"})

    assert result["data"]["returnLookupTokenCreate"] == {
        "token": None, "errors": [{"field": "email", "code": "INVALID", "message": NUL}]}


SURROGATE = "Text must not contain unpaired surrogate characters."


@pytest.mark.parametrize("text", ["\ud800", "called \udfff back", "\U0001f600\ud83d"])
def test_an_unpaired_surrogate_in_a_query_argument_is_an_invalid_field(as_staff, text):
    # JSON may escape half of a surrogate pair ("\ud800"); UTF-8, and so PostgreSQL, cannot hold it.
    result = as_staff("query($s: String) { returnRequests(filter: {search: $s}) { totalCount } }", {"s": text})

    assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
        (SURROGATE, {"code": "INVALID", "field": "filter.search"})]


def test_an_unpaired_surrogate_in_a_staff_note_is_a_field_error_and_adds_no_event(as_alice, as_staff, alices_order):
    # given
    return_request = create_request(as_alice, alices_order)
    events_before = ReturnEvent.objects.count()

    # when
    result = as_staff("mutation($id: ID!, $n: String!) { returnRequestNoteAdd(id: $id, note: $n) { errors { field code message } } }",
                      {"id": return_request["id"], "n": "called \ud800 back"})

    # then
    assert result["data"]["returnRequestNoteAdd"]["errors"] == [{"field": "note", "code": "INVALID", "message": SURROGATE}]
    assert ReturnEvent.objects.count() == events_before


def test_paired_surrogates_are_ordinary_text(as_staff):
    # "\ud83d\ude00" in JSON is one character, 😀, which UTF-8 encodes.
    result = as_staff("query($s: String) { returnRequests(filter: {search: $s}) { totalCount } }", {"s": "\U0001f600"})

    assert "errors" not in result, result
    assert result["data"]["returnRequests"]["totalCount"] == 0
