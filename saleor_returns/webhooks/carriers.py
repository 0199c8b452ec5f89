"""POST /webhooks/carriers/<provider>/<key>/: tracking webhooks, verified by the provider's adapter.

`<key>` is an unguessable id of one shop's carrier account (shown to staff with
the URL to paste into the provider). The signature is checked before the body
is parsed; events are stored once per (provider, event id) and applied by a
task, so the provider gets its 200 at once. Events for tracking numbers the app
does not know are stored too, and answered 200.
"""

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_returns.carriers.errors import WebhookPayloadError, WebhookSignatureError
from saleor_returns.carriers.registry import get_carrier
from saleor_returns.http import error_response
from saleor_returns.models import CarrierAccount
from saleor_returns.shipping import actions as shipping_actions

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def carrier_webhook(request, provider: str, key: str):
    account = (
        CarrierAccount.objects.filter(provider=provider, webhook_key=key, is_active=True, installation__is_active=True)
        .select_related("installation")
        .first()
    )
    if account is None:
        return error_response(404, "UNKNOWN_WEBHOOK", "No carrier account has this webhook URL.")
    carrier = get_carrier(account.provider, account.credentials)
    body = request.body
    try:
        carrier.verify_webhook(request.headers, body, query=request.GET.dict())
        events = carrier.parse_webhook(body)
    except WebhookSignatureError as error:
        logger.warning("Carrier webhook refused: bad signature", extra={"provider": provider})
        return error_response(401, "INVALID_SIGNATURE", str(error))
    except WebhookPayloadError as error:
        logger.warning("Carrier webhook refused: bad payload", extra={"provider": provider})
        return error_response(400, "INVALID_BODY", str(error))
    new = shipping_actions.record_carrier_events(account=account, parsed=events)
    return JsonResponse({"received": len(events), "new": new})
