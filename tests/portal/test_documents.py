"""Every document the portal sends to the API is valid against the published schema."""

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from saleor_returns.portal.api import DOCUMENTS_DIR, operation

SCHEMA = build_schema((DOCUMENTS_DIR.parent / "schema.graphql").read_text())
DOCUMENTS = sorted(DOCUMENTS_DIR.glob("*.graphql"))


def test_the_portal_has_its_documents():
    assert {path.stem for path in DOCUMENTS} >= {"lookup", "my_orders", "return_form", "return_create", "return_status"}


@pytest.mark.parametrize("path", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_each_document_validates_against_graphql_schema(path: Path):
    # when
    document = operation(path.stem)

    # then
    assert validate(SCHEMA, document) == []
    assert len(parse(path.read_text()).definitions) == 1, "one operation per file"
