"""One endpoint for Saleor's webhooks: verify, store once, answer fast."""

import json
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_returns.http import error_response
from saleor_returns.models import Installation
from saleor_returns.saleor import auth
from saleor_returns.saleor.manifest import WEBHOOK_EVENTS
from saleor_returns.saleor.urls import InvalidSaleorApiUrl, normalize_api_url
from saleor_returns.webhooks.saleor.deliveries import record_saleor_webhook

logger = logging.getLogger(__name__)


def event_type_name(event: str) -> str:
    """The payload's __typename for an event: order_fully_paid -> OrderFullyPaid."""
    return "".join(part.capitalize() for part in event.split("_"))


@csrf_exempt
@require_POST
def saleor_webhook(request, event_slug: str):
    """Checks, in order: known event, known active shop, matching Saleor-Event,
    signature over the raw body; only then is the body parsed, its event type and
    recipient (this installation's app) checked, and stored."""
    event = event_slug.replace("-", "_")
    if event not in WEBHOOK_EVENTS:
        return error_response(404, "UNKNOWN_EVENT", "This webhook is not handled by the app.")
    try:
        api_url = normalize_api_url(request.headers.get("Saleor-Api-Url"))
    except InvalidSaleorApiUrl as error:
        return error_response(401, "UNKNOWN_SALEOR", str(error))
    installation = Installation.objects.filter(saleor_api_url=api_url, is_active=True).first()
    if installation is None:
        logger.warning("Webhook refused: unknown shop", extra={"saleor_api_url": api_url, "event": event})
        return error_response(401, "UNKNOWN_SALEOR", "The app is not installed in this Saleor.")
    if (request.headers.get("Saleor-Event") or "").lower() != event:
        return error_response(400, "UNEXPECTED_EVENT", "Saleor-Event does not match this webhook.")
    body = request.body
    try:
        auth.verify_installation_webhook(installation, request.headers.get("Saleor-Signature", ""), body)
    except auth.VerificationError as error:
        logger.warning("Webhook refused: bad signature", extra={"saleor_api_url": api_url, "event": event})
        return error_response(401, "INVALID_SIGNATURE", str(error))
    try:
        payload = json.loads(body)
    except ValueError:
        return error_response(400, "INVALID_BODY", "The webhook body is not JSON.")
    if not isinstance(payload, dict):
        return error_response(400, "INVALID_BODY", "The webhook body must be a JSON object.")
    # Saleor signs every app's deliveries with the same key (shared/specs/saleor.md §k): the
    # signature says Saleor sent the body, the recipient that it was sent to this app.
    if payload.get("__typename") != event_type_name(event):
        return error_response(400, "UNEXPECTED_EVENT", "The payload is not of the event this webhook receives.")
    recipient = payload.get("recipient")
    if not isinstance(recipient, dict) or recipient.get("id") != installation.app_id:
        logger.warning("Webhook refused: meant for another app", extra={"saleor_api_url": api_url, "event": event})
        return error_response(401, "OTHER_RECIPIENT", "The webhook was not sent to this app.")
    _, created = record_saleor_webhook(installation=installation, event=event, body=body, payload=payload)
    return JsonResponse({"status": "accepted" if created else "duplicate"})
