"""JSON answers shared by the app's plain HTTP endpoints."""

from django.http import JsonResponse


def error_response(status: int, code: str, message: str) -> JsonResponse:
    """`{"error": {"code", "message"}}`: the shape the Saleor Dashboard shows an installer."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)
