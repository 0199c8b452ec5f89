"""Every GraphQL example in the README runs as written against the demo shop.

The examples are read from README.md itself: each ```graphql block names its
caller in its first comment ("As a logged-in customer", "As a guest", "As
staff"); every operation must be valid against the app's schema and answer
without errors, with the variables it names taken from the demo's data.
"""

import json
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from graphql import OperationDefinitionNode, build_schema, parse, print_ast, validate
from graphql_relay import to_global_id

from saleor_returns.demo.seed import seed_demo_shop
from saleor_returns.models import ReturnRequest
from saleor_returns.paths import BASE_DIR
from saleor_returns.return_links import LinkPurpose, issue_link_token

CALLERS = {"As a logged-in customer": "customer", "As a guest": "guest", "As staff": "staff"}


def readme_blocks() -> list[tuple[str, list[OperationDefinitionNode]]]:
    text = (BASE_DIR / "README.md").read_text()
    blocks = []
    for body in re.findall(r"^```graphql\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        first_comment = next(line for line in body.splitlines() if line.startswith("#"))
        caller = next((kind for words, kind in CALLERS.items() if first_comment.startswith(f"# {words}")), None)
        assert caller, f"a README example must say who calls it: {first_comment!r}"
        operations = [d for d in parse(body).definitions if isinstance(d, OperationDefinitionNode)]
        blocks.append((caller, operations))
    return blocks


def test_every_readme_example_is_valid_against_the_schema():
    schema = build_schema((BASE_DIR / "graphql" / "schema.graphql").read_text())
    blocks = readme_blocks()
    assert {caller for caller, _ in blocks} == set(CALLERS.values())
    for _, operations in blocks:
        for operation in operations:
            assert operation.name, "README operations are named, so the test can give their variables"
            assert validate(schema, parse(print_ast(operation))) == [], print_ast(operation)


def test_every_operation_the_readme_names_exists():
    schema = build_schema((BASE_DIR / "graphql" / "schema.graphql").read_text())
    fields = set(schema.query_type.fields) | set(schema.mutation_type.fields)
    named = set(re.findall(r"`(return[A-Z]\w+|myReturnRequests)\b", (BASE_DIR / "README.md").read_text()))
    assert named and named <= fields, sorted(named - fields)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" + b"\x10\x20\x30" * 2 + b"\x00" + b"\x10\x20\x30" * 2))
            + chunk(b"IEND", b""))


class Runner:
    """Posts one README operation to the app as a caller, with the variables it declares."""

    def __init__(self, client, api_url: str):
        self.client, self.api_url, self.tokens, self.values = client, api_url, {}, {}

    def run(self, caller: str, operation: OperationDefinitionNode) -> dict:
        query = print_ast(operation)
        names = [v.variable.name.value for v in operation.variable_definitions]
        headers = {"Saleor-Api-Url": self.api_url}
        if self.tokens.get(caller):
            headers["Authorization"] = f"Bearer {self.tokens[caller]}"
        if "file" in names:
            operations = json.dumps({"query": query, "variables": {"file": None}})
            response = self.client.post("/graphql/", {
                "operations": operations, "map": json.dumps({"0": ["variables.file"]}),
                "0": SimpleUploadedFile("sole.png", png(), "image/png")}, headers=headers)
        else:
            variables = {name: self.values[name] for name in names}
            response = self.client.post("/graphql/", {"query": query, "variables": variables},
                                        content_type="application/json", headers=headers)
        assert response.status_code == 200, response.content
        result = response.json()
        assert "errors" not in result, (operation.name.value, result)
        for payload in result["data"].values():
            if isinstance(payload, dict) and "errors" in payload:
                assert payload["errors"] == [], (operation.name.value, payload)
        return result["data"]


@pytest.fixture
def demo(transactional_db, fake_saleor):
    return seed_demo_shop(fake_saleor)


def test_the_readme_examples_run_against_the_demo_shop(client, demo, fake_saleor):
    runner = Runner(client, fake_saleor.api_url)
    blocks: dict[str, list] = {}
    for caller, operations in readme_blocks():
        blocks.setdefault(caller, []).extend(operations)
    lookup_token = None

    # a customer's order with a line that can still be returned for a defect
    def returnable(order):
        runner.values["orderId"] = order["id"]
        (eligibility,) = (op for op in blocks["customer"] if op.name.value == "Eligibility")
        lines = runner.run("customer", eligibility)["returnEligibility"]["lines"]
        return next((line for line in lines if line["returnableQuantity"] and "DEFECT" in line["allowedReasons"]
                     and "REFUND" in line["allowedResolutions"]), None)

    for order in demo.orders:
        customer = fake_saleor._user_by_email(order["userEmail"])
        if customer is None:
            continue
        runner.tokens["customer"] = fake_saleor.issue_customer_token(customer)
        line = returnable(order)
        if line is not None:
            break
    else:
        pytest.fail("the demo has no order a customer can return for a defect")

    # the customer's flow, in the README's order
    runner.values["orderLineId"] = line["orderLineId"]
    for operation in blocks["customer"]:
        if operation.name.value == "Rate":
            continue  # answered below, on a closed return
        data = runner.run("customer", operation)
        if operation.name.value == "Upload":
            runner.values["evidenceIds"] = [data["returnEvidenceUpload"]["evidence"]["id"]]
    assert ReturnRequest.objects.filter(idempotency_key="checkout-7f3a").exists()

    # the survey of a closed return, through the invitation's link
    closed = ReturnRequest.objects.filter(status__in=["resolved", "closed"]).first()
    runner.values.update(link=issue_link_token(closed, LinkPurpose.SURVEY), id=None)
    (rate,) = (op for op in blocks["customer"] if op.name.value == "Rate")
    assert runner.run("customer", rate)["returnSurveySubmit"]["survey"]["rating"] == 4
    assert closed.survey_response.improvements == ["faster_refund"]

    # the guest's
    runner.values.update(orderNumber=str(order["number"]), email=order["userEmail"])
    for operation in blocks["guest"]:
        lookup_token = runner.run("guest", operation)["returnLookupTokenCreate"]["token"]
    assert lookup_token

    # the staff member's
    runner.tokens["staff"] = fake_saleor.issue_staff_app_token(demo.staff, demo.app)
    pending = ReturnRequest.objects.filter(status="pending_review").first()
    inspected = ReturnRequest.objects.filter(status="inspected", resolution__in=["refund", "store_credit"]).first()
    runner.values.update(id=to_global_id("ReturnRequest", str(pending.pk)),
                         inspectedId=to_global_id("ReturnRequest", str(inspected.pk)))
    for operation in blocks["staff"]:
        runner.run("staff", operation)
    pending.refresh_from_db()
    assert pending.status != "pending_review"
