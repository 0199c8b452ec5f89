"""Failed sign-ins to the portal, limited as guest lookups are: per client address and per e-mail.

Saleor answers tokenCreate for anyone; the portal must not become a free password-guessing
service. The budgets are the lookup budgets (LOOKUP_FAILURES_PER_ADDRESS, _PER_ORDER), kept in
the store every process shares.
"""

import hashlib

from django.conf import settings
from django_ratelimit.core import get_usage

from saleor_returns.client_address import client_address


def _budgets(request, installation, email: str) -> list[tuple[str, str, str]]:
    shop = str(installation.pk)
    # The e-mail is hashed: counter keys may be seen by whoever reads the store.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [
        ("portal-sign-in-address", f"{shop}:{client_address(request)}", settings.LOOKUP_FAILURES_PER_ADDRESS),
        ("portal-sign-in-email", f"{shop}:{digest}", settings.LOOKUP_FAILURES_PER_ORDER),
    ]


def _usage(request, group: str, key: str, rate: str, *, increment: bool):
    return get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=increment)


def minutes_blocked(request, installation, email: str) -> int:
    """How many minutes to wait before signing in again (0: go ahead)."""
    for group, key, rate in _budgets(request, installation, email):
        usage = _usage(request, group, key, rate, increment=False)
        if usage is not None and usage["count"] >= usage["limit"]:
            return max(1, -(-max(usage["time_left"], 0) // 60))
    return 0


def count_failure(request, installation, email: str) -> None:
    for group, key, rate in _budgets(request, installation, email):
        _usage(request, group, key, rate, increment=True)
