"""The GraphQL endpoint: authenticates, accepts multipart uploads, then runs graphene."""

import json

from django.http import HttpResponse, HttpResponseBadRequest
from graphene_django.views import GraphQLView, HttpError

from saleor_returns.api.authentication import AuthenticationFailed, authenticate
from saleor_returns.api.errors import format_error
from saleor_returns.api.limits import VALIDATION_RULES
from saleor_returns.api.text_input import RefuseNulMiddleware


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


class ReturnsGraphQLView(GraphQLView):
    validation_rules = VALIDATION_RULES

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.middleware = [*self.middleware, RefuseNulMiddleware()]

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
        return super().dispatch(request, *args, **kwargs)

    def parse_body(self, request):
        if request.content_type == "multipart/form-data":
            try:
                return multipart_operations(request)
            except MultipartError as error:
                raise HttpError(HttpResponseBadRequest(), str(error)) from None
        return super().parse_body(request)
