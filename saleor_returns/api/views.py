"""The GraphQL endpoint: authenticates, accepts multipart uploads, then runs graphene."""

import json
from pathlib import Path

import graphene_django_graphiql_static
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.views.static import serve
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, OperationType, execute, get_operation_ast

from saleor_returns.api.authentication import AuthenticationFailed, authenticate
from saleor_returns.api.documents import SyncExecutionContext, checked_document
from saleor_returns.api.errors import format_error
from saleor_returns.api.limits import VALIDATION_RULES
from saleor_returns.api.text_input import RefuseUnstorableTextMiddleware
from saleor_returns.saleor.orders import orders_per_request


def unauthenticated(message: str) -> HttpResponse:
    body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return HttpResponse(json.dumps(body), status=401, content_type="application/json")


class MultipartError(ValueError):
    pass


def _place_file(operations, path: str, file) -> None:
    """Put `file` at a dotted path such as `variables.file` or `0.variables.files.1`."""
    target = operations
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = file
    else:
        target[last] = file


def multipart_operations(request):
    """The GraphQL multipart request spec: `operations` JSON, `map` JSON, and the files."""
    try:
        operations = json.loads(request.POST["operations"])
        file_map = json.loads(request.POST.get("map", "{}"))
    except (KeyError, ValueError):
        raise MultipartError("A multipart request needs the operations and map fields.") from None
    if not isinstance(file_map, dict):
        raise MultipartError("map must be an object.")
    for key, paths in file_map.items():
        if key not in request.FILES or not isinstance(paths, list):
            raise MultipartError(f"File {key} named in map was not sent.")
        for path in paths:
            try:
                _place_file(operations, path, request.FILES[key])
            except (KeyError, IndexError, ValueError, TypeError):
                raise MultipartError(f"map path {path} does not exist in operations.") from None
    return operations


# GraphiQL's own files come from an installed package (graphene-django-graphiql-static),
# so the IDE works without the internet; the page and its start script are the app's.
GRAPHIQL_PACKAGE_ASSETS = Path(graphene_django_graphiql_static.__file__).resolve().parent / "static" / "graphene_django_graphiql_static"
GRAPHIQL_OWN_ASSETS = Path(__file__).resolve().parent.parent / "static" / "graphiql"
GRAPHIQL_STYLESHEETS = ("graphiql.min.css",)
GRAPHIQL_SCRIPTS = ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js")
DEFAULT_QUERY = """# The returns API. Name the shop in the headers below (Saleor-Api-Url) and, to call
# as someone, add "Authorization": "Bearer <token>".
{
  appVersion
  viewer { kind email permissions }
}
"""


def graphiql_asset(request, path: str):
    """GraphiQL's JavaScript and CSS, served by the app (no CDN)."""
    for root in (GRAPHIQL_OWN_ASSETS, GRAPHIQL_PACKAGE_ASSETS):
        target = (root / path).resolve()
        if root in target.parents and target.is_file():
            response = serve(request, path, document_root=str(root))
            response["Cache-Control"] = "public, max-age=86400"
            response["X-Content-Type-Options"] = "nosniff"
            return response
    raise Http404("No such asset.")


class ReturnsGraphQLView(GraphQLView):
    validation_rules = VALIDATION_RULES
    execution_context_class = SyncExecutionContext
    graphiql_template = "saleor_returns/graphiql.html"

    def render_graphiql(self, request, **data):
        asset = lambda name: reverse("graphiql-asset", kwargs={"path": name})  # noqa: E731
        headers = {"Saleor-Api-Url": settings.DEMO_SHOP_API_URL} if settings.DEMO_SHOP_API_URL else {}
        context = {
            "stylesheets": [asset(name) for name in GRAPHIQL_STYLESHEETS],
            "scripts": [asset(name) for name in GRAPHIQL_SCRIPTS],
            "init_script": asset("init.js"),
            "graphiql_settings": {
                "endpoint": request.path,
                "defaultQuery": DEFAULT_QUERY,
                "defaultHeaders": json.dumps(headers, indent=2),
            },
        }
        return render(request, self.graphiql_template, context)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.middleware = [*self.middleware, RefuseUnstorableTextMiddleware()]

    @staticmethod
    def format_error(error):
        if isinstance(error, HttpError):  # a malformed request, told as such (no query, invalid JSON, multipart map)
            return {"message": str(error)}
        return format_error(error)

    def dispatch(self, request, *args, **kwargs):
        try:
            request.requestor = authenticate(request)
        except AuthenticationFailed as error:
            return unauthenticated(str(error))
        with orders_per_request(settings.MAX_ORDERS_PER_REQUEST):
            return super().dispatch(request, *args, **kwargs)

    def parse_body(self, request):
        if request.content_type == "multipart/form-data":
            try:
                return multipart_operations(request)
            except MultipartError as error:
                raise HttpError(HttpResponseBadRequest(), str(error)) from None
        return super().parse_body(request)

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        """graphene-django's, with the parsed and validated document kept per query text."""
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest("Must provide query string."))
        schema = self.schema.graphql_schema
        try:
            document, validation_errors = checked_document(
                schema, query, tuple(self.validation_rules), graphene_settings.MAX_VALIDATION_ERRORS
            )
        except Exception as error:  # noqa: BLE001 - a syntax error, told as graphene-django tells it
            return ExecutionResult(errors=[error])
        operation = get_operation_ast(document, operation_name)
        if request.method.lower() == "get" and operation is not None and operation.operation != OperationType.QUERY:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(
                ["POST"], f"Can only perform a {operation.operation.value} operation from a POST request."
            ))
        if validation_errors:
            return ExecutionResult(data=None, errors=list(validation_errors))
        try:
            return execute(
                schema, document, root_value=self.get_root_value(request), context_value=self.get_context(request),
                variable_values=variables, operation_name=operation_name, middleware=self.get_middleware(request),
                execution_context_class=self.execution_context_class,
            )
        except Exception as error:  # noqa: BLE001 - as graphene-django: told as an error of the request
            return ExecutionResult(errors=[error])
