"""JSON answers shared by the app's plain HTTP endpoints, and the limits every request body meets."""

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse


def error_response(status: int, code: str, message: str) -> JsonResponse:
    """`{"error": {"code", "message"}}`: the shape the Saleor Dashboard shows an installer."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


# Deeper JSON than this is nobody's real request; Python's parsers would hit the recursion limit.
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `body`, read as JSON, nests objects and arrays deeper than `limit` (strings ignored)."""
    brackets = _JSON_STRING.sub(b'""', body).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            return True
    return False


class JsonDepthLimitMiddleware:
    """Answers 400 to a request body nested too deeply, on every endpoint, before any view parses it.

    GraphQL, the install call, Saleor's and the carriers' webhooks all parse JSON;
    a body of a few thousand nested brackets would otherwise end in a RecursionError.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and "multipart/" in (request.content_type or ""):
            # Django bounds a multipart body's fields, not its files: the whole body is bounded here.
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return error_response(400, "INVALID_BODY", "Content-Length is not a number.")
            if length > settings.MAX_MULTIPART_BODY_BYTES:
                return error_response(400, "TOO_LARGE", "The request body is too large.")
        if request.method in ("POST", "PUT", "PATCH") and "multipart/" not in (request.content_type or ""):
            try:
                body = request.body
            except RequestDataTooBig:
                return error_response(400, "TOO_LARGE", "The request body is too large.")
            if body[:1] in (b"{", b"[") or body.lstrip()[:1] in (b"{", b"["):
                if json_depth_exceeds(body):
                    return error_response(400, "TOO_DEEP", f"JSON may nest at most {MAX_JSON_DEPTH} levels.")
        return self.get_response(request)
