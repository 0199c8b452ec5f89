"""The automatic review of a new request: approved when every rule the shop set passes, else queued for staff."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saleor_returns import events, policies
from saleor_returns.lifecycle import transition
from saleor_returns.models import CLAIM_KINDS, CustomerStatus, Evidence, ReturnRequest
from saleor_returns.money import quantize
from saleor_returns.notifications import actions as message_actions
from saleor_returns.notes import SystemNote
from saleor_returns.requestors import SYSTEM
from saleor_returns.shipping import actions as shipping_actions
from saleor_returns.states import ReturnStatus

# A blocked or watched customer's request goes to staff with a staff-only note saying why; it is never
# refused outright, so a block set by mistake cannot turn customers away unseen.
HELD_FOR_STAFF = {"block": "customer_blocked", "watch": "customer_watched"}


def review_return_request(*, return_request_id, customer_return_rate=None, now: datetime | None = None) -> ReturnRequest | None:
    """Auto-approval at submission: approve if every configured rule passes, else queue for staff. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        return_request = ReturnRequest.objects.select_for_update().filter(pk=return_request_id).first()
        if return_request is None or return_request.status != ReturnStatus.REQUESTED:
            return return_request
        rules = policies.PolicyRules.from_json(return_request.policy.rules)
        lines = list(return_request.lines.select_for_update().order_by("pk"))
        value = quantize(
            sum((line.unit_price_gross_amount * line.requested_quantity for line in lines), Decimal(0)),
            return_request.currency,
        )
        risk = risk_reasons(return_request=return_request)
        order_age = (now - return_request.order_created_at).days if return_request.order_created_at else None
        checks = policies.auto_approval_checks(
            rules=rules,
            request_value=value,
            reason_codes=[line.reason_code for line in lines],
            customer_return_rate=customer_return_rate,
            order_age_days=order_age,
            risk_reasons=risk,
        )
        status = CustomerStatus.of_request(return_request)
        customer_status = status.status if status else ""
        approved = (
            policies.auto_approves(rules, checks, customer_status=customer_status)
            and not return_request.policy_overridden
        )
        return_request.risk_reasons = risk
        return_request.is_auto_approved = approved
        return_request.save(update_fields=["risk_reasons", "is_auto_approved", "updated_at"])
        events.auto_reviewed_event(
            return_request=return_request,
            approved=approved,
            checks=[{"name": c.name, "passed": c.passed, "detail": c.detail} for c in checks]
            + ([{"name": "customer_status", "passed": approved, "detail": customer_status}] if customer_status else []),
        )
        if approved:
            for line in lines:
                line.approved_quantity = line.requested_quantity
                line.save(update_fields=["approved_quantity"])
            if customer_status == "vip" and not policies.auto_approves(rules, checks):
                events.note_added_event(
                    return_request=return_request, actor=SYSTEM, note=SystemNote("customer_vip"),
                    is_visible_to_customer=False,
                )
            transition(return_request, to=ReturnStatus.APPROVED, actor=SYSTEM, note=SystemNote("auto_approved"))
            shipping_actions.plan_shipping(return_request)
            message_actions.tell_decision(return_request)
        else:
            if customer_status in HELD_FOR_STAFF:
                events.note_added_event(
                    return_request=return_request, actor=SYSTEM, note=SystemNote(HELD_FOR_STAFF[customer_status]),
                    is_visible_to_customer=False,
                )
            transition(return_request, to=ReturnStatus.PENDING_REVIEW, actor=SYSTEM)
    return return_request


def risk_reasons(*, return_request: ReturnRequest) -> list[str]:
    """Signals staff should look at; any of them keeps a request out of auto-approval."""
    reasons = []
    others = ReturnRequest.objects.filter(
        installation_id=return_request.installation_id, order_id=return_request.order_id
    ).exclude(pk=return_request.pk)
    if others.filter(kind__in=CLAIM_KINDS).exists() and return_request.is_claim:
        reasons.append("repeated_claim_on_order")
    hashes = list(return_request.evidence.values_list("sha256", flat=True))
    if hashes and Evidence.objects.filter(
        installation_id=return_request.installation_id, sha256__in=hashes
    ).exclude(return_request=return_request).exists():
        reasons.append("evidence_reused")
    if return_request.policy_overridden:
        reasons.append("policy_overridden")
    return reasons


def customer_return_stats(*, installation, customer_email: str, customer_user_id: str, exclude_id=None) -> int:
    """How many earlier return requests this customer made in the shop (rejected and canceled included)."""
    query = Q(customer_email__iexact=customer_email)
    if customer_user_id:
        query |= Q(customer_user_id=customer_user_id)
    return ReturnRequest.objects.filter(query, installation=installation).exclude(pk=exclude_id).count()
