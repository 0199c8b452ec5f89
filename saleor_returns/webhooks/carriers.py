"""POST /webhooks/carriers/<provider>/<key>/: tracking webhooks, verified by the provider's adapter.

`<key>` is an unguessable id of one shop's carrier account (shown to staff with
the URL to paste into the provider). The signature is checked before the body
is parsed; events are stored once per (provider, event id) and applied by a
task, so the provider gets its 200 at once. Events for tracking numbers the app
does not know are stored too, and answered 200.

Each process keeps the accounts it has verified webhooks with (`VerifiedAccounts`),
so a webhook costs one statement: the one that stores its events, which also
checks that the account still holds the credentials the signature was checked
against. A rotated secret or a disabled account is read again at once.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_returns.carriers.base import Carrier
from saleor_returns.carriers.errors import WebhookPayloadError, WebhookSignatureError
from saleor_returns.carriers.registry import get_carrier
from saleor_returns.http import error_response
from saleor_returns.models import CarrierAccount
from saleor_returns.shipping import actions as shipping_actions

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifiedAccount:
    account: CarrierAccount
    carrier: Carrier
    expires_at: float


class VerifiedAccounts:
    """Carrier accounts by (provider, webhook key), with their adapters (decrypted credentials), for `ttl` seconds.

    An entry only saves the account read: the statement storing the events
    re-checks the account, and a failed signature reads it again, so a stale
    entry never stores an event nor refuses a correctly signed one.
    """

    def __init__(self, *, ttl: float = 60.0, size: int = 1024):
        self.ttl = ttl
        self.size = size
        self._entries: dict[tuple[str, str], VerifiedAccount] = {}
        self._lock = threading.Lock()

    def get(self, provider: str, key: str) -> VerifiedAccount | None:
        entry = self._entries.get((provider, key))
        if entry is None or entry.expires_at <= time.monotonic():
            return None
        return entry

    def load(self, provider: str, key: str) -> VerifiedAccount | None:
        """Read the account from the database and keep it; None (and nothing kept) when there is none."""
        self.forget(provider, key)
        account = (
            CarrierAccount.objects.filter(provider=provider, webhook_key=key, is_active=True, installation__is_active=True)
            .only("id", "provider", "encrypted_credentials")
            .first()
        )
        if account is None:
            return None
        entry = VerifiedAccount(account, get_carrier(account.provider, account.credentials), time.monotonic() + self.ttl)
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[(provider, key)] = entry
        return entry

    def forget(self, provider: str, key: str) -> None:
        with self._lock:
            self._entries.pop((provider, key), None)


verified_accounts = VerifiedAccounts()


@csrf_exempt
@require_POST
def carrier_webhook(request, provider: str, key: str):
    kept = verified_accounts.get(provider, key)
    if kept is not None:
        try:
            return ingest(request, provider, kept)
        except (WebhookSignatureError, shipping_actions.CarrierAccountChanged):
            pass  # The kept account may be out of date (a rotated secret): read it again.
    entry = verified_accounts.load(provider, key)
    if entry is None:
        return error_response(404, "UNKNOWN_WEBHOOK", "No carrier account has this webhook URL.")
    try:
        return ingest(request, provider, entry)
    except WebhookSignatureError as error:
        logger.warning("Carrier webhook refused: bad signature", extra={"provider": provider})
        return error_response(401, "INVALID_SIGNATURE", str(error))
    except shipping_actions.CarrierAccountChanged:
        # Changed between its read and the store, within this very request.
        return error_response(409, "ACCOUNT_CHANGED", "The carrier account changed meanwhile; send the webhook again.")


def ingest(request, provider: str, entry: VerifiedAccount):
    """Verify, parse and store one webhook with `entry`; raises what calls for reading the account again."""
    body = request.body
    entry.carrier.verify_webhook(request.headers, body, query=request.GET.dict())
    try:
        events = entry.carrier.parse_webhook(body)
    except WebhookPayloadError as error:
        logger.warning("Carrier webhook refused: bad payload", extra={"provider": provider})
        return error_response(400, "INVALID_BODY", str(error))
    new = shipping_actions.record_carrier_events(account=entry.account, parsed=events)
    return JsonResponse({"received": len(events), "new": new})
