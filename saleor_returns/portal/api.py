"""The portal as a client of the app's own GraphQL API, executed in-process.

Each operation is a document in graphql/portal/ (one operation per file, named after
it), with the fragments of graphql/portal/fragments/ it spreads. It runs against the
same schema, validation rules, middleware and per-request order budget as a call to
/graphql/, with the requestor the GraphQL view would make of the same token: the portal
never gains or loses a permission the API would give.
"""

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from graphql import DocumentNode, execute, parse, validate

from saleor_returns.api.authentication import requestor_for
from saleor_returns.api.errors import format_error
from saleor_returns.api.limits import VALIDATION_RULES
from saleor_returns.api.schema import schema
from saleor_returns.api.text_input import RefuseUnstorableTextMiddleware
from saleor_returns.saleor.documents import fragment_spreads
from saleor_returns.saleor.orders import orders_per_request

DOCUMENTS_DIR = Path(__file__).resolve().parents[2] / "graphql" / "portal"


@dataclass
class ApiResult:
    data: dict
    errors: list[dict] = field(default_factory=list)

    def payload(self, name: str) -> dict:
        """A mutation's payload (`errors` at least), or one that carries the top-level error."""
        found = self.data.get(name)
        if found is not None:
            return found
        message = self.errors[0]["message"] if self.errors else ""
        return {"errors": [{"field": None, "code": "GRAPHQL_ERROR", "message": message, "lines": None}]}


@lru_cache(maxsize=1)
def _fragments() -> dict:
    definitions = {}
    for path in sorted((DOCUMENTS_DIR / "fragments").glob("*.graphql")):
        for definition in parse(path.read_text()).definitions:
            definitions[definition.name.value] = definition
    return definitions


@lru_cache(maxsize=None)
def operation(name: str) -> DocumentNode:
    """The document graphql/portal/<name>.graphql with the fragments it uses, parsed once."""
    document = parse((DOCUMENTS_DIR / f"{name}.graphql").read_text())
    fragments = _fragments()
    needed, pending = [], sorted(fragment_spreads(document))
    while pending:
        fragment = pending.pop()
        if fragment not in needed:
            needed.append(fragment)
            pending.extend(sorted(fragment_spreads(fragments[fragment])))
    return DocumentNode(definitions=(*document.definitions, *(fragments[fragment] for fragment in sorted(needed))))


def api_context(request, requestor, language: str):
    """The Django request as the GraphQL view would see it: the caller, and Accept-Language set to `language`."""
    context = copy.copy(request)
    context.META = {**request.META, "HTTP_ACCEPT_LANGUAGE": language}
    context.COOKIES = {name: value for name, value in request.COOKIES.items() if name != settings.LANGUAGE_COOKIE_NAME}
    context.requestor = requestor
    return context


def call(request, *, installation, token: str | None, name: str, variables: dict | None = None,
         language: str = "en") -> ApiResult:
    """Run graphql/portal/<name>.graphql as the holder of `token`; raises AuthenticationFailed for a dead token."""
    requestor = requestor_for(installation, token)
    document = operation(name)
    graphql_schema = schema.graphql_schema
    problems = validate(graphql_schema, document, VALIDATION_RULES)
    if problems:
        raise ValueError(f"graphql/portal/{name}.graphql is not valid: {problems[0].message}")
    with orders_per_request(settings.MAX_ORDERS_PER_REQUEST):
        result = execute(
            graphql_schema, document, context_value=api_context(request, requestor, language),
            variable_values=variables or {}, middleware=[RefuseUnstorableTextMiddleware()],
        )
    return ApiResult(data=result.data or {}, errors=[format_error(error) for error in result.errors or []])
