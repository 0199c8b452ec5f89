"""A return request's writes: create it, approve, reject, ask for and add information, cancel, note.

Every action is one transaction; the automatic review (`review`) runs in a task after commit.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from saleor_returns import events, policies
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.ids import is_uuid
from saleor_returns.installations.actions import current_policy
from saleor_returns.lifecycle import transition
from saleor_returns.locks import advisory_lock, lock_return_request
from saleor_returns.models import Evidence, Resolution, ReturnKind, ReturnLine, ReturnReason, ReturnRequest
from saleor_returns.models.notifications import MessageEvent
from saleor_returns.notifications import actions as message_actions
from saleor_returns.requestors import Actor
from saleor_returns.requests import tasks
from saleor_returns.requests.evidence import check_files_per_order, check_files_per_request
from saleor_returns.shipping import actions as shipping_actions
from saleor_returns.states import NEEDS_REVIEW, OPEN_OR_DONE, ReturnStatus

logger = logging.getLogger(__name__)


@dataclass
class LineInput:
    order_line_id: str
    quantity: int
    reason_code: str
    comment: str = ""
    evidence_ids: list[str] = field(default_factory=list)


@dataclass
class ReturnRequestInput:
    order_id: str
    kind: str = ReturnKind.RETURN
    resolution: str = Resolution.REFUND
    lines: list[LineInput] = field(default_factory=list)
    exchange_variant_id: str = ""
    customer_note: str = ""
    idempotency_key: str = ""
    policy_override_justification: str = ""


def already_requested(*, installation, order_id: str, exclude_request_id=None) -> dict[str, int]:
    """Units per order line held by this app's open or completed requests for an order."""
    lines = ReturnLine.objects.filter(
        return_request__installation=installation,
        return_request__order_id=order_id,
        return_request__status__in=OPEN_OR_DONE,
    )
    if exclude_request_id:
        lines = lines.exclude(return_request_id=exclude_request_id)
    totals = lines.values("order_line_id").annotate(units=Sum(Coalesce("approved_quantity", "requested_quantity")))
    return {row["order_line_id"]: row["units"] for row in totals}


def _lock_order(installation_id, order_id: str) -> None:
    """Serialise request creation per order, so two submissions cannot both take the last unit."""
    advisory_lock(f"{installation_id}:{order_id}")


def _next_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('return_request_number_seq')")
        return cursor.fetchone()[0]


def _find_by_idempotency_key(installation, actor: Actor, key: str):
    if not key:
        return None
    return ReturnRequest.objects.filter(
        installation=installation, created_by_kind=actor.kind, created_by_id=actor.id or actor.email, idempotency_key=key
    ).first()


def _validate_request_shape(data: ReturnRequestInput) -> None:
    if data.kind not in ReturnKind.values:
        raise invalid("kind", "Unknown kind of return.", ReturnErrorCode.INVALID)
    if data.resolution not in Resolution.values:
        raise invalid("resolution", "Unknown resolution.", ReturnErrorCode.INVALID_RESOLUTION)
    if not data.lines:
        raise invalid("lines", "Choose at least one item to return.", ReturnErrorCode.REQUIRED)
    seen = set()
    for line in data.lines:
        if line.order_line_id in seen:
            raise invalid("lines", "Each order line may appear once.", ReturnErrorCode.INVALID, lines=[line.order_line_id])
        seen.add(line.order_line_id)
        if line.quantity < 1:
            raise invalid("lines.quantity", "Quantities must be at least 1.", ReturnErrorCode.INVALID_QUANTITY, lines=[line.order_line_id])
    if (data.kind == ReturnKind.EXCHANGE or data.resolution == Resolution.EXCHANGE) and not data.exchange_variant_id:
        raise invalid("exchangeVariantId", "Choose the item you want in exchange.", ReturnErrorCode.REQUIRED)
    if data.resolution == Resolution.EXCHANGE and data.kind != ReturnKind.EXCHANGE:
        raise invalid("resolution", "An exchange is requested with kind EXCHANGE.", ReturnErrorCode.INVALID_RESOLUTION)


def create_return_request(
    *, installation, order, data: ReturnRequestInput, actor: Actor, is_staff: bool, now: datetime | None = None
) -> tuple[ReturnRequest, bool]:
    """Validate a request against the policy and store it with its lines.

    `order` is the OrderSnapshot read from Saleor (the caller checked the actor
    may see it). Returns (request, created); a repeated idempotency key returns
    the first request unchanged. Every failure raises ValidationError and
    writes nothing. Review runs in a task after commit.
    """
    now = now or timezone.now()
    existing = _find_by_idempotency_key(installation, actor, data.idempotency_key)
    if existing is not None:
        return existing, False
    _validate_request_shape(data)
    justification = (data.policy_override_justification or "").strip()
    if justification and not is_staff:
        raise invalid("policyOverrideJustification", "Only staff can override the policy.", ReturnErrorCode.INVALID)
    policy = current_policy(installation=installation, channel_slug=order.channel_slug)
    rules = policies.PolicyRules.from_json(policy.rules)
    if data.resolution not in rules.allowed_resolutions and not justification:
        raise invalid("resolution", "The shop's policy does not offer this resolution.", ReturnErrorCode.INVALID_RESOLUTION)

    order_lines = {line.id: line for line in order.lines}
    unknown = [line.order_line_id for line in data.lines if line.order_line_id not in order_lines]
    if unknown:
        raise invalid("lines", "These lines are not in the order.", ReturnErrorCode.NOT_FOUND, lines=unknown)
    reasons = {
        reason.code: reason
        for reason in ReturnReason.objects.filter(installation=installation, is_active=True, parent__isnull=False)
    }
    bad_reasons = [
        line.order_line_id
        for line in data.lines
        if line.reason_code not in reasons or (rules.allowed_reason_codes and line.reason_code not in rules.allowed_reason_codes)
    ]
    if bad_reasons:
        raise invalid("lines.reason", "Choose a reason from the shop's list.", ReturnErrorCode.INVALID_REASON, lines=bad_reasons)

    evidence_by_line = _evidence_for_lines(installation, actor, data)
    needs_photos = [
        line.order_line_id
        for line in data.lines
        if line.reason_code in rules.photo_required_reason_codes or data.kind == ReturnKind.DAMAGED_ON_ARRIVAL
    ]
    missing_photos = [line_id for line_id in needs_photos if not evidence_by_line.get(line_id)]
    if missing_photos:
        raise invalid("lines.evidenceIds", "Add a photo of the problem.", ReturnErrorCode.EVIDENCE_REQUIRED, lines=missing_photos)

    with transaction.atomic():
        _lock_order(installation.pk, order.id)
        existing = _find_by_idempotency_key(installation, actor, data.idempotency_key)
        if existing is not None:
            return existing, False
        requested = already_requested(installation=installation, order_id=order.id)
        eligibility = {
            result.order_line_id: result
            for result in policies.check_eligibility(
                order=order, rules=rules, already_requested=requested, now=now,
                reasons=[policies.ReasonInfo(code, reason.is_merchant_fault) for code, reason in reasons.items()],
            )
        }
        overridden = _check_lines(order, data, eligibility, requested, justification)

        return_request = ReturnRequest.objects.create(
            installation=installation,
            number=_next_number(),
            status=ReturnStatus.REQUESTED,
            kind=data.kind,
            resolution=data.resolution,
            exchange_variant_id=data.exchange_variant_id or "",
            order_id=order.id,
            order_number=str(order.number),
            order_created_at=order.created,
            channel_slug=order.channel_slug,
            currency=order.currency,
            customer_user_id=order.user_id or "",
            customer_email=order.user_email or actor.email,
            created_by_kind=actor.kind,
            created_by_id=actor.id or actor.email,
            policy=policy,
            policy_overridden=bool(overridden),
            override_justification=justification if overridden else "",
            customer_note=(data.customer_note or "").strip(),
            idempotency_key=data.idempotency_key or "",
            order_snapshot=order.to_json(),
            status_changed_at=now,
        )
        for line_input in data.lines:
            order_line = order_lines[line_input.order_line_id]
            reason = reasons[line_input.reason_code]
            line = ReturnLine.objects.create(
                return_request=return_request,
                order_line_id=order_line.id,
                variant_id=order_line.variant_id or "",
                product_id=order_line.product_id or "",
                product_type_id=order_line.product_type_id or "",
                category_id=order_line.category_id or "",
                sku=order_line.sku or "",
                product_name=order_line.product_name or "",
                variant_name=order_line.variant_name or "",
                reason=reason,
                reason_code=reason.code,
                comment=(line_input.comment or "").strip(),
                requested_quantity=line_input.quantity,
                currency=order.currency,
                unit_price_gross_amount=order_line.unit_price_gross.amount,
                unit_price_net_amount=order_line.unit_price_net.amount,
                unit_tax_amount=order_line.unit_tax.amount,
                undiscounted_unit_price_gross_amount=order_line.undiscounted_unit_price_gross.amount,
                tax_rate=order_line.tax_rate,
            )
            photos = [e.pk for e in evidence_by_line.get(line.order_line_id, [])]
            # One photo may show two lines' items; it stays on the last of them.
            attached = Evidence.objects.filter(
                Q(return_request__isnull=True) | Q(return_request=return_request), pk__in=photos
            ).update(return_request=return_request, return_line=line)
            if attached != len(set(photos)):  # taken by another request, or swept, since it was checked
                raise invalid("lines", "Some evidence was not found; upload it again.", ReturnErrorCode.NOT_FOUND,
                              lines=[line.order_line_id])
        events.return_request_created_event(return_request=return_request, actor=actor, data={"lines": len(data.lines)})
        message_actions.tell_request_received(
            return_request, language_code=order.language_code, first_name=order.customer_first_name,
            last_name=order.customer_last_name,
        )
        if overridden:
            events.policy_overridden_event(
                return_request=return_request, actor=actor, justification=justification, overridden=overridden
            )
        request_id = str(return_request.pk)
        transaction.on_commit(lambda: tasks.review_return_request_task.delay(request_id))
    logger.info("Return request created", extra={"return_request_id": str(return_request.pk)})
    return return_request, True


def _evidence_for_lines(installation, actor: Actor, data: ReturnRequestInput) -> dict[str, list[Evidence]]:
    wanted = {evidence_id for line in data.lines for evidence_id in line.evidence_ids}
    if not wanted:
        return {}
    check_files_per_request("lines.evidenceIds", len(wanted))
    check_files_per_order(installation, data.order_id, "lines.evidenceIds", len(wanted))
    found = {
        str(evidence.pk): evidence
        for evidence in Evidence.objects.filter(
            installation=installation,
            pk__in=[evidence_id for evidence_id in wanted if is_uuid(evidence_id)],
            return_request__isnull=True,
            uploaded_by_kind=actor.kind,
            uploaded_by_id=actor.id or actor.email,
        )
    }
    missing = [line.order_line_id for line in data.lines if any(e not in found for e in line.evidence_ids)]
    if missing:
        raise invalid("lines", "Some evidence was not found; upload it again.", ReturnErrorCode.NOT_FOUND, lines=missing)
    return {line.order_line_id: [found[e] for e in line.evidence_ids] for line in data.lines}


def _check_lines(order, data: ReturnRequestInput, eligibility, requested, justification: str) -> list[dict]:
    """Raise for lines the policy refuses (unless staff override it); return what was overridden."""
    overridden = []
    problems: dict[tuple[str, str], list[str]] = defaultdict(list)
    for line in data.lines:
        result = eligibility[line.order_line_id]
        limit = policies.hard_limit(order, line.order_line_id, requested)
        if line.quantity > limit:
            code = ReturnErrorCode.ALREADY_RETURNED if limit == 0 and result.shipped_quantity else ReturnErrorCode.QUANTITY_EXCEEDS_RETURNABLE
            if result.shipped_quantity == 0:
                code = ReturnErrorCode.NOT_FULFILLED
            problems[(code.value, _quantity_message(code, limit))].append(line.order_line_id)
            continue
        policy_problems = [problem for problem in result.ineligible if problem.code != ReturnErrorCode.ALREADY_RETURNED]
        if policy_problems and justification:
            overridden.append({"order_line_id": line.order_line_id, "codes": [p.code.value for p in policy_problems]})
        elif policy_problems:
            first = policy_problems[0]
            problems[(first.code.value, first.message)].append(line.order_line_id)
    if problems:
        (code, message), line_ids = sorted(problems.items())[0]
        raise invalid("lines", message, ReturnErrorCode(code), lines=line_ids)
    return overridden


def _quantity_message(code: ReturnErrorCode, limit: int) -> str:
    if code == ReturnErrorCode.NOT_FULFILLED:
        return "This item has not been shipped yet."
    if code == ReturnErrorCode.ALREADY_RETURNED:
        return "Every shipped unit of this item is already returned."
    return f"At most {limit} of this item can be returned."


def approve_return_request(*, return_request: ReturnRequest, actor: Actor, quantities: dict[str, int] | None = None,
                           note: str = "") -> ReturnRequest:
    """Staff approve all lines, or per line (approved ≤ requested; 0 leaves a line out).

    At least one unit must be approved; approving nothing is a rejection.
    """
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        if return_request.status == ReturnStatus.APPROVED:
            return return_request
        if return_request.status not in NEEDS_REVIEW:
            transition(return_request, to=ReturnStatus.APPROVED, actor=actor)  # raises INVALID_TRANSITION
        lines = {str(line.pk): line for line in return_request.lines.select_for_update().order_by("pk")}
        quantities = quantities or {line_id: line.requested_quantity for line_id, line in lines.items()}
        unknown = [line_id for line_id in quantities if line_id not in lines]
        if unknown:
            raise invalid("lines", "These lines are not in the return request.", ReturnErrorCode.NOT_FOUND, lines=unknown)
        too_many = [line_id for line_id, qty in quantities.items() if qty < 0 or qty > lines[line_id].requested_quantity]
        if too_many:
            raise invalid(
                "lines.quantity", "Approve at most the requested quantity.", ReturnErrorCode.INVALID_QUANTITY, lines=too_many
            )
        final = {line_id: quantities.get(line_id, 0) for line_id in lines}
        if sum(final.values()) == 0:
            raise invalid("lines", "Approve at least one unit, or reject the request.", ReturnErrorCode.INVALID_QUANTITY)
        for line_id, quantity in final.items():
            lines[line_id].approved_quantity = quantity
            lines[line_id].save(update_fields=["approved_quantity"])
        events.lines_approved_event(return_request=return_request, actor=actor, quantities=final)
        return_request.info_requested_at = None
        return_request.save(update_fields=["info_requested_at", "updated_at"])
        transition(return_request, to=ReturnStatus.APPROVED, actor=actor, note=note)
        shipping_actions.plan_shipping(return_request)
        message_actions.tell_decision(return_request)
    logger.info("Return request approved", extra={"return_request_id": str(return_request.pk)})
    return return_request


def reject_return_request(*, return_request: ReturnRequest, actor: Actor, message: str) -> ReturnRequest:
    message = (message or "").strip()
    if not message:
        raise invalid("message", "Tell the customer why the return is rejected.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        transition(return_request, to=ReturnStatus.REJECTED, actor=actor, note=message)
        return_request.rejection_message = message
        return_request.save(update_fields=["rejection_message", "updated_at"])
        message_actions.tell_decision(return_request)
    logger.info("Return request rejected", extra={"return_request_id": str(return_request.pk)})
    return return_request


def request_info(*, return_request: ReturnRequest, actor: Actor, message: str) -> ReturnRequest:
    """Ask the customer for more (photos, details); the request stays in review."""
    message = (message or "").strip()
    if not message:
        raise invalid("message", "Say what information is needed.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        if return_request.status not in NEEDS_REVIEW:
            raise invalid("status", "Information can be asked for only while the request is in review.",
                          ReturnErrorCode.INVALID_TRANSITION)
        transition(return_request, to=ReturnStatus.PENDING_REVIEW, actor=actor)
        return_request.info_requested_at = timezone.now()
        return_request.info_requested_message = message
        return_request.save(update_fields=["info_requested_at", "info_requested_message", "updated_at"])
        asked = events.info_requested_event(return_request=return_request, actor=actor, message=message)
        # Asking again is a new question: each is told once.
        message_actions.tell(return_request, MessageEvent.INFO_REQUESTED, occurrence=str(asked.pk))
    return return_request


def add_info(*, return_request: ReturnRequest, actor: Actor, message: str, evidence_ids: list[str]) -> ReturnRequest:
    """The customer answers with a message and/or more evidence."""
    message = (message or "").strip()
    if not message and not evidence_ids:
        raise invalid("message", "Add a message or a file.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        if return_request.status not in NEEDS_REVIEW:
            raise invalid("status", "This request is no longer in review.", ReturnErrorCode.INVALID_TRANSITION)
        valid_ids = [e for e in evidence_ids if is_uuid(e)]
        found = Evidence.objects.select_for_update().filter(
            installation_id=return_request.installation_id,
            pk__in=valid_ids,
            return_request__isnull=True,
            uploaded_by_kind=actor.kind,
            uploaded_by_id=actor.id or actor.email,
        )
        if found.count() != len(set(evidence_ids)):
            raise invalid("evidenceIds", "Some evidence was not found; upload it again.", ReturnErrorCode.NOT_FOUND)
        check_files_per_request("evidenceIds", return_request.evidence.count() + len(set(evidence_ids)))
        check_files_per_order(return_request.installation, return_request.order_id, "evidenceIds",
                               len(set(evidence_ids)))
        found.update(return_request=return_request)
        return_request.info_requested_at = None
        return_request.save(update_fields=["info_requested_at", "updated_at"])
        events.info_added_event(return_request=return_request, actor=actor, message=message,
                                evidence_ids=sorted(str(e) for e in evidence_ids))
    return return_request


def cancel_return_request(*, return_request: ReturnRequest, actor: Actor, note: str = "") -> ReturnRequest:
    """The customer (or staff) calls the return off before it ships."""
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        transition(return_request, to=ReturnStatus.CANCELED, actor=actor, note=note)
        shipping_actions.void_unused_labels(return_request)
        message_actions.tell(return_request, MessageEvent.CANCELED)
    return return_request


def add_note(*, return_request: ReturnRequest, actor: Actor, note: str, is_visible_to_customer: bool) -> ReturnRequest:
    note = (note or "").strip()
    if not note:
        raise invalid("note", "The note is empty.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = lock_return_request(return_request)
        events.note_added_event(
            return_request=return_request, actor=actor, note=note, is_visible_to_customer=is_visible_to_customer
        )
    return return_request
