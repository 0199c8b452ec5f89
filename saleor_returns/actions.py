"""Every write the app makes. Edges (API, webhooks, tasks) call these."""

import hashlib
import json
import logging
import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from saleor_returns import events, policies, policy_rules, states, tasks
from saleor_returns.carriers.tracking import TrackingEvent, TrackingStatus, next_status
from saleor_returns.carriers.registry import PROVIDERS, get_carrier
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.evidence_files import clean_evidence_file
from saleor_returns.money import Money, money, quantize
from saleor_returns.refunds import LineForRefund, RefundPreview, keep_item_allowed, preview_refund
from saleor_returns.models import (
    CLAIM_KINDS,
    CarrierAccount,
    CarrierClaim,
    Condition,
    Disposition,
    CarrierWebhookEvent,
    Evidence,
    Installation,
    Resolution,
    ReturnKind,
    ReturnLine,
    ReturnPolicy,
    Refund,
    ReplacementOrder,
    ReturnAddress,
    ReturnReason,
    ReturnRequest,
    ReturnShipment,
    SaleorWebhookDelivery,
    TaskSchedule,
)
from saleor_returns.notes import SystemNote
from saleor_returns.reasons import DEFAULT_REASONS
from saleor_returns.requestors import SYSTEM, Actor
from saleor_returns.states import NEEDS_REVIEW, OPEN_OR_DONE, ReturnStatus

logger = logging.getLogger(__name__)


def install_app(
    *, saleor_api_url: str, saleor_domain: str, app_token: str, app_id: str, permissions: list[str]
) -> Installation:
    """Store (or replace) the installation for a shop whose token Saleor confirmed.

    Re-installing keeps the installation row, and so the shop's returns; the new
    token and app id replace the old ones.
    """
    with transaction.atomic():
        installation = Installation.objects.select_for_update().filter(saleor_api_url=saleor_api_url).first()
        now = timezone.now()
        if installation is None:
            installation = Installation(saleor_api_url=saleor_api_url)
        installation.saleor_domain = saleor_domain
        installation.app_id = app_id
        installation.app_token = app_token
        installation.permissions = sorted(permissions)
        installation.is_active = True
        installation.installed_at = now
        installation.deactivated_at = None
        installation.save()
        seed_default_reasons(installation=installation)
        current_policy(installation=installation, channel_slug="")
        transaction.on_commit(lambda: tasks.refresh_installation_task.delay(str(installation.pk)))
    logger.info("App installed", extra={"saleor_api_url": saleor_api_url, "installation_id": str(installation.pk)})
    return installation


def deactivate_installation(*, installation_id, app_id: str) -> bool:
    """APP_DELETED: stop serving the shop. Idempotent.

    Only the app instance that was deleted counts: a late APP_DELETED for an
    app that was since re-installed (new app id) changes nothing.
    """
    with transaction.atomic():
        installation = Installation.objects.select_for_update().get(pk=installation_id)
        if not installation.is_active or installation.app_id != app_id:
            return False
        installation.is_active = False
        installation.deactivated_at = timezone.now()
        installation.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    logger.info("App uninstalled", extra={"saleor_api_url": installation.saleor_api_url})
    return True


def record_saleor_webhook(*, installation: Installation, event: str, body: bytes, payload: dict):
    """Store a verified delivery once and queue it; a repeat returns (existing, False)."""
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            delivery = SaleorWebhookDelivery.objects.create(
                installation=installation, event=event, body_sha256=digest, payload=payload
            )
            transaction.on_commit(lambda: tasks.apply_saleor_webhook_task.delay(str(delivery.pk)))
    except IntegrityError:
        existing = SaleorWebhookDelivery.objects.get(installation=installation, event=event, body_sha256=digest)
        return existing, False
    return delivery, True


def finish_saleor_webhook(*, delivery_id, status: str, error: str = "") -> None:
    SaleorWebhookDelivery.objects.filter(pk=delivery_id).update(
        status=status, error=error, applied_at=timezone.now()
    )


# --------------------------------------------------------------------------- status moves


def transition(return_request, *, to: str, actor, **details):
    """`states.transition()`, then what every move sets off: Saleor's order shows the return's
    status in its metadata (queued after commit). Returns the event, or None for no move."""
    event = states.transition(return_request, to=to, actor=actor, **details)
    if event is not None:
        request_id = str(return_request.pk)
        transaction.on_commit(lambda: tasks.sync_order_metadata_task.delay(request_id))
    return event


# --------------------------------------------------------------------------- errors


def invalid(field_name: str | None, message: str, code: ReturnErrorCode, *, lines: list[str] | None = None):
    """A ValidationError the API turns into `ReturnError {field code message lines}`."""
    params = {"lines": lines} if lines else None
    error = ValidationError(message, code=code.value, params=params)
    return ValidationError({field_name or "__all__": error})


# --------------------------------------------------------------------------- reasons and policy


def seed_default_reasons(*, installation: Installation) -> None:
    """Give a shop the default reason taxonomy once; existing codes are left alone."""
    if installation.return_reasons.exists():
        return
    position = 0
    for group_code, group_en, group_zh, reasons in DEFAULT_REASONS:
        group = ReturnReason.objects.create(
            installation=installation, code=group_code, label_en=group_en, label_zh_hans=group_zh, position=position
        )
        position += 1
        for code, label_en, label_zh, merchant_fault in reasons:
            ReturnReason.objects.create(
                installation=installation,
                parent=group,
                code=code,
                label_en=label_en,
                label_zh_hans=label_zh,
                is_merchant_fault=merchant_fault,
                position=position,
            )
            position += 1


def current_policy(*, installation: Installation, channel_slug: str) -> ReturnPolicy:
    """The policy in force for a channel: its own, else the shop's default (created on first use)."""
    policy = (
        ReturnPolicy.objects.filter(installation=installation, is_current=True, channel_slug__in=[channel_slug, ""])
        .order_by("-channel_slug")
        .first()
    )
    if policy is not None:
        return policy
    with transaction.atomic():
        ReturnPolicy.objects.get_or_create(
            installation=installation,
            channel_slug="",
            version=1,
            defaults={"rules": policies.PolicyRules().to_json(), "is_current": True, "created_by": "system"},
        )
    return ReturnPolicy.objects.get(installation=installation, channel_slug="", is_current=True)


def update_return_policy(*, installation: Installation, channel_slug: str, rules: dict, preset: str | None, actor: Actor):
    """Write a new policy version and make it current. Earlier requests keep their version."""
    parsed = policies.PolicyRules.from_json(rules)
    if preset is not None:
        parsed = policy_rules.apply_preset(parsed, preset)
    with transaction.atomic():
        # One writer at a time per shop, so versions never collide.
        Installation.objects.select_for_update().get(pk=installation.pk)
        latest = (
            ReturnPolicy.objects.filter(installation=installation, channel_slug=channel_slug).order_by("-version").first()
        )
        ReturnPolicy.objects.filter(installation=installation, channel_slug=channel_slug, is_current=True).update(
            is_current=False
        )
        policy = ReturnPolicy.objects.create(
            installation=installation,
            channel_slug=channel_slug,
            version=(latest.version + 1) if latest else 1,
            rules=parsed.to_json(),
            is_current=True,
            created_by=actor.email or actor.id or actor.kind,
        )
    logger.info("Return policy updated", extra={"installation_id": str(installation.pk), "version": policy.version})
    return policy


def create_return_reason(*, installation, code: str, label_en: str, label_zh_hans: str, parent_code: str | None,
                         is_merchant_fault: bool) -> ReturnReason:
    code = (code or "").strip().upper()
    if not code or not code.replace("_", "").isalnum():
        raise invalid("code", "Use letters, digits and underscores, e.g. DAMAGED_IN_TRANSIT.", ReturnErrorCode.INVALID)
    if not (label_en or "").strip():
        raise invalid("labelEn", "An English label is required.", ReturnErrorCode.REQUIRED)
    parent = None
    if parent_code:
        parent = ReturnReason.objects.filter(installation=installation, code=parent_code, parent__isnull=True).first()
        if parent is None:
            raise invalid("parentCode", "No reason group has this code.", ReturnErrorCode.NOT_FOUND)
    try:
        with transaction.atomic():
            return ReturnReason.objects.create(
                installation=installation,
                parent=parent,
                code=code,
                label_en=label_en.strip(),
                label_zh_hans=(label_zh_hans or "").strip(),
                is_merchant_fault=is_merchant_fault,
                position=ReturnReason.objects.filter(installation=installation).count(),
            )
    except IntegrityError:
        raise invalid("code", "A reason with this code exists.", ReturnErrorCode.UNIQUE) from None


def update_return_reason(*, reason: ReturnReason, changes: dict) -> ReturnReason:
    if "label_en" in changes and not (changes["label_en"] or "").strip():
        raise invalid("labelEn", "An English label is required.", ReturnErrorCode.REQUIRED)
    for name in ("label_en", "label_zh_hans", "is_merchant_fault", "is_active", "position"):
        if name in changes and changes[name] is not None:
            setattr(reason, name, changes[name].strip() if isinstance(changes[name], str) else changes[name])
    reason.save()
    return reason


def delete_return_reason(*, reason: ReturnReason) -> bool:
    """Delete an unused reason; one that requests refer to is deactivated instead. True if deleted."""
    if reason.lines.exists() or ReturnLine.objects.filter(reason__parent=reason).exists():
        reason.is_active = False
        reason.save(update_fields=["is_active", "updated_at"])
        ReturnReason.objects.filter(parent=reason).update(is_active=False)
        return False
    reason.delete()
    return True


# --------------------------------------------------------------------------- evidence

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Who is held to the daily upload allowance: staff and integrators photograph every
# return they inspect, and answer for their own accounts.
LIMITED_UPLOADERS = {"customer", "guest"}
# The most unattached uploads the sweep deletes in one transaction.
SWEEP_BATCH = 500


def upload_evidence(*, installation, uploaded_by: Actor, uploaded_file) -> Evidence:
    """Store the clean copy of a photo, or a PDF as sent (see `evidence_files`).

    Customers and guests may upload EVIDENCE_FILES_PER_UPLOADER_PER_DAY files and
    EVIDENCE_BYTES_PER_UPLOADER_PER_DAY bytes in any 24 hours; their uploads are
    serialised, so that two at once cannot both take the last of the allowance.
    """
    size = uploaded_file.size or 0
    if size == 0:
        raise invalid("file", "The file is empty.", ReturnErrorCode.INVALID_FILE)
    if size > MAX_EVIDENCE_BYTES:
        raise invalid("file", "Files may be at most 10 MB.", ReturnErrorCode.INVALID_FILE)
    uploader_id = uploaded_by.id or uploaded_by.email
    with transaction.atomic():
        if uploaded_by.kind in LIMITED_UPLOADERS:
            _advisory_lock(f"evidence:{installation.pk}:{uploaded_by.kind}:{uploader_id}")
            _check_upload_allowance(installation, uploaded_by, size)
        uploaded_file.seek(0)
        clean = clean_evidence_file(
            uploaded_file.read(), uploaded_file.name or "", max_pixels=settings.EVIDENCE_MAX_IMAGE_PIXELS
        )
        evidence = Evidence(
            installation=installation,
            filename=clean.filename,
            content_type=clean.content_type,
            size=len(clean.content),
            sha256=hashlib.sha256(clean.content).hexdigest(),
            uploaded_by_kind=uploaded_by.kind,
            uploaded_by_id=uploader_id,
        )
        evidence.file.save(clean.filename, ContentFile(clean.content), save=False)
        evidence.save()
    logger.info("Evidence uploaded", extra={"evidence_id": str(evidence.pk), "installation_id": str(installation.pk)})
    return evidence


def _check_upload_allowance(installation, uploaded_by: Actor, size: int) -> None:
    since = timezone.now() - timedelta(days=1)
    recent = Evidence.objects.filter(
        installation=installation,
        uploaded_by_kind=uploaded_by.kind,
        uploaded_by_id=uploaded_by.id or uploaded_by.email,
        created_at__gte=since,
    ).aggregate(files=Count("pk"), size=Coalesce(Sum("size"), 0))
    most_files = settings.EVIDENCE_FILES_PER_UPLOADER_PER_DAY
    if recent["files"] >= most_files:
        raise invalid("file", f"You have uploaded {most_files} files today, the most allowed; try again tomorrow.",
                      ReturnErrorCode.LIMIT_EXCEEDED)
    if recent["size"] + size > settings.EVIDENCE_BYTES_PER_UPLOADER_PER_DAY:
        raise invalid("file", "You have uploaded as much as allowed today; try again tomorrow.",
                      ReturnErrorCode.LIMIT_EXCEEDED)


def _check_files_per_request(field_name: str, count: int) -> None:
    most = settings.EVIDENCE_FILES_PER_RETURN_REQUEST
    if count > most:
        raise invalid(field_name, f"A return request may have at most {most} files.", ReturnErrorCode.LIMIT_EXCEEDED)


def _check_files_per_order(installation, order_id: str, field_name: str, adding: int) -> None:
    """All the return requests of one order together hold at most EVIDENCE_FILES_PER_ORDER files."""
    most = settings.EVIDENCE_FILES_PER_ORDER
    held = Evidence.objects.filter(
        return_request__installation=installation, return_request__order_id=order_id
    ).count()
    if held + adding > most:
        raise invalid(field_name, f"The returns of one order may have at most {most} files.",
                      ReturnErrorCode.LIMIT_EXCEEDED)


def delete_unattached_evidence(*, now: datetime | None = None) -> int:
    """Delete uploads that no return request took within EVIDENCE_UNATTACHED_TTL_SECONDS: rows, then files.

    Idempotent. Rows being attached at this moment are locked by that request and skipped;
    a request that finds its upload gone answers NOT_FOUND. Returns how many were deleted.
    """
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.EVIDENCE_UNATTACHED_TTL_SECONDS)
    storage = Evidence._meta.get_field("file").storage
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                Evidence.objects.select_for_update(skip_locked=True)
                .filter(return_request__isnull=True, created_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", "file")[:SWEEP_BATCH]
            )
            Evidence.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
        if not batch:
            break
        for evidence_id, name in batch:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 - any storage's failure: the rest are still deleted
                logger.exception("Evidence file not deleted", extra={"evidence_id": str(evidence_id)})
        deleted += len(batch)
    if deleted:
        logger.info("Unattached evidence deleted", extra={"count": deleted})
    return deleted


# --------------------------------------------------------------------------- requests


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
    _advisory_lock(f"{installation_id}:{order_id}")


def _advisory_lock(key: str) -> None:
    """A lock on `key` until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


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
    _check_files_per_request("lines.evidenceIds", len(wanted))
    _check_files_per_order(installation, data.order_id, "lines.evidenceIds", len(wanted))
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


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


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


def _locked(return_request: ReturnRequest) -> ReturnRequest:
    return ReturnRequest.objects.select_for_update().get(pk=return_request.pk)


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
        approved = policies.auto_approves(rules, checks) and not return_request.policy_overridden
        return_request.risk_reasons = risk
        return_request.is_auto_approved = approved
        return_request.save(update_fields=["risk_reasons", "is_auto_approved", "updated_at"])
        events.auto_reviewed_event(
            return_request=return_request,
            approved=approved,
            checks=[{"name": c.name, "passed": c.passed, "detail": c.detail} for c in checks],
        )
        if approved:
            for line in lines:
                line.approved_quantity = line.requested_quantity
                line.save(update_fields=["approved_quantity"])
            transition(return_request, to=ReturnStatus.APPROVED, actor=SYSTEM, note=SystemNote("auto_approved"))
            _plan_shipping(return_request)
        else:
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


def approve_return_request(*, return_request: ReturnRequest, actor: Actor, quantities: dict[str, int] | None = None,
                           note: str = "") -> ReturnRequest:
    """Staff approve all lines, or per line (approved ≤ requested; 0 leaves a line out).

    At least one unit must be approved; approving nothing is a rejection.
    """
    with transaction.atomic():
        return_request = _locked(return_request)
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
        _plan_shipping(return_request)
    logger.info("Return request approved", extra={"return_request_id": str(return_request.pk)})
    return return_request


def reject_return_request(*, return_request: ReturnRequest, actor: Actor, message: str) -> ReturnRequest:
    message = (message or "").strip()
    if not message:
        raise invalid("message", "Tell the customer why the return is rejected.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = _locked(return_request)
        transition(return_request, to=ReturnStatus.REJECTED, actor=actor, note=message)
        return_request.rejection_message = message
        return_request.save(update_fields=["rejection_message", "updated_at"])
    logger.info("Return request rejected", extra={"return_request_id": str(return_request.pk)})
    return return_request


def request_info(*, return_request: ReturnRequest, actor: Actor, message: str) -> ReturnRequest:
    """Ask the customer for more (photos, details); the request stays in review."""
    message = (message or "").strip()
    if not message:
        raise invalid("message", "Say what information is needed.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = _locked(return_request)
        if return_request.status not in NEEDS_REVIEW:
            raise invalid("status", "Information can be asked for only while the request is in review.",
                          ReturnErrorCode.INVALID_TRANSITION)
        transition(return_request, to=ReturnStatus.PENDING_REVIEW, actor=actor)
        return_request.info_requested_at = timezone.now()
        return_request.info_requested_message = message
        return_request.save(update_fields=["info_requested_at", "info_requested_message", "updated_at"])
        events.info_requested_event(return_request=return_request, actor=actor, message=message)
    return return_request


def add_info(*, return_request: ReturnRequest, actor: Actor, message: str, evidence_ids: list[str]) -> ReturnRequest:
    """The customer answers with a message and/or more evidence."""
    message = (message or "").strip()
    if not message and not evidence_ids:
        raise invalid("message", "Add a message or a file.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = _locked(return_request)
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
        _check_files_per_request("evidenceIds", return_request.evidence.count() + len(set(evidence_ids)))
        _check_files_per_order(return_request.installation, return_request.order_id, "evidenceIds",
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
        return_request = _locked(return_request)
        transition(return_request, to=ReturnStatus.CANCELED, actor=actor, note=note)
        for shipment in return_request.shipments.filter(label_status=ReturnShipment.LabelStatus.CREATED):
            shipment_id = str(shipment.pk)
            transaction.on_commit(lambda: tasks.void_label_task.delay(shipment_id))
    return return_request


def add_note(*, return_request: ReturnRequest, actor: Actor, note: str, is_visible_to_customer: bool) -> ReturnRequest:
    note = (note or "").strip()
    if not note:
        raise invalid("note", "The note is empty.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = _locked(return_request)
        events.note_added_event(
            return_request=return_request, actor=actor, note=note, is_visible_to_customer=is_visible_to_customer
        )
    return return_request


# --------------------------------------------------------------------------- shipping

RETURNLESS_RESOLUTIONS = frozenset({Resolution.KEEP_ITEM})
# Tracking statuses that mean the parcel is moving (the first scan).
MOVING = frozenset({TrackingStatus.IN_TRANSIT, TrackingStatus.OUT_FOR_DELIVERY, TrackingStatus.AVAILABLE_FOR_PICKUP})
# Tracking statuses staff must look at.
NEEDS_ATTENTION = frozenset({TrackingStatus.EXCEPTION, TrackingStatus.RETURNED_TO_SENDER, TrackingStatus.LOST})


def set_carrier_account(*, installation, provider: str, name: str, credentials: dict, is_default: bool,
                        account: CarrierAccount | None = None) -> CarrierAccount:
    """Create or update a carrier account; credentials are checked by the adapter, then encrypted.

    Updating an account of the same provider keeps each stored credential the
    input leaves out, so staff can rename it or change one secret without
    typing the others again.
    """
    if account is not None and account.provider == provider:
        credentials = {**(account.credentials or {}), **credentials}
    if provider not in PROVIDERS:
        raise invalid("provider", f"Choose from {', '.join(PROVIDERS)}.", ReturnErrorCode.INVALID)
    name = (name or "").strip()
    if not name:
        raise invalid("name", "Name the account.", ReturnErrorCode.REQUIRED)
    try:
        get_carrier(provider, credentials)
    except ValueError as error:
        raise invalid("credentials", str(error), ReturnErrorCode.INVALID) from None
    with transaction.atomic():
        if is_default:
            CarrierAccount.objects.filter(installation=installation, is_default=True).update(is_default=False)
        if account is None:
            account = CarrierAccount(installation=installation, webhook_key=secrets.token_urlsafe(24))
        account.provider = provider
        account.name = name[:100]
        account.credentials = credentials
        account.is_default = is_default
        account.save()
    logger.info("Carrier account saved", extra={"installation_id": str(installation.pk), "provider": provider})
    return account


def set_return_address(*, installation, warehouse_id: str, fields: dict, is_default: bool) -> ReturnAddress:
    required = {"name", "street1", "city", "zip", "country"}
    missing = sorted(name for name in required if not (fields.get(name) or "").strip())
    if missing:
        raise invalid(missing[0], "This part of the address is required.", ReturnErrorCode.REQUIRED)
    if len(fields["country"].strip()) != 2:
        raise invalid("country", "Use the two-letter country code, e.g. DE.", ReturnErrorCode.INVALID)
    with transaction.atomic():
        if is_default:
            ReturnAddress.objects.filter(installation=installation).update(is_default=False)
        address, _ = ReturnAddress.objects.update_or_create(
            installation=installation,
            warehouse_id=warehouse_id or "",
            defaults={**{k: (v or "").strip() for k, v in fields.items()}, "country": fields["country"].strip().upper(),
                      "is_default": is_default},
        )
    return address


def _plan_shipping(return_request: ReturnRequest) -> None:
    """After approval: buy a label from the shop's default carrier, when it has one.

    Returnless resolutions and claims ship nothing back. Caller holds the lock.
    """
    if return_request.is_claim or return_request.resolution in RETURNLESS_RESOLUTIONS:
        return
    account = CarrierAccount.objects.filter(installation_id=return_request.installation_id, is_default=True,
                                            is_active=True).first()
    if account is None or return_request.shipments.exists():
        return
    shipment = ReturnShipment.objects.create(
        return_request=return_request, carrier_account=account, method=ReturnShipment.Method.LABEL,
        label_status=ReturnShipment.LabelStatus.PENDING,
    )
    shipment_id = str(shipment.pk)
    transaction.on_commit(lambda: tasks.create_label_task.delay(shipment_id))


def add_customer_tracking(*, return_request: ReturnRequest, actor: Actor, carrier: str, tracking_number: str) -> ReturnShipment:
    """The customer ships the parcel themselves and tells us the carrier and tracking number."""
    tracking_number = "".join((tracking_number or "").split()).upper()
    carrier = (carrier or "").strip()
    if not tracking_number or len(tracking_number) > 128:
        raise invalid("trackingNumber", "Enter the tracking number from the carrier's receipt.", ReturnErrorCode.REQUIRED)
    if not carrier:
        raise invalid("carrier", "Name the carrier, e.g. UPS or DHL.", ReturnErrorCode.REQUIRED)
    with transaction.atomic():
        return_request = _locked(return_request)
        if return_request.status not in (ReturnStatus.APPROVED, ReturnStatus.AWAITING_SHIPMENT):
            raise invalid("status", "Tracking can be added once the return is approved and before it arrives.",
                          ReturnErrorCode.INVALID_TRANSITION)
        account = CarrierAccount.objects.filter(installation_id=return_request.installation_id, is_default=True,
                                                is_active=True).first()
        shipment = ReturnShipment.objects.create(
            return_request=return_request, carrier_account=account, method=ReturnShipment.Method.SELF_SHIP,
            carrier=carrier[:64], tracking_number=tracking_number,
        )
        events.tracking_added_event(return_request=return_request, actor=actor, carrier=carrier,
                                    tracking_number=tracking_number)
        transition(return_request, to=ReturnStatus.AWAITING_SHIPMENT, actor=actor)
        if account is not None:
            shipment_id = str(shipment.pk)
            transaction.on_commit(lambda: tasks.register_tracker_task.delay(shipment_id))
    return shipment


def record_shipment_id(*, shipment_id, provider_shipment_id: str) -> None:
    """Kept before a label is bought, so a retry resumes the same purchase."""
    ReturnShipment.objects.filter(pk=shipment_id).update(provider_shipment_id=provider_shipment_id)


def record_label(*, shipment_id, label) -> ReturnShipment | None:
    """The carrier sold the label: keep it, and the return now waits for the parcel. Idempotent."""
    with transaction.atomic():
        shipment = ReturnShipment.objects.select_for_update().select_related("return_request").get(pk=shipment_id)
        if shipment.label_status == ReturnShipment.LabelStatus.CREATED:
            return shipment
        return_request = _locked(shipment.return_request)
        shipment.label_status = ReturnShipment.LabelStatus.CREATED
        shipment.label_error = ""
        shipment.carrier = label.carrier[:64]
        shipment.tracking_number = label.tracking_number
        shipment.label_id = label.label_id
        shipment.provider_shipment_id = label.shipment_id or shipment.provider_shipment_id
        shipment.tracker_id = label.tracker_id or ""
        shipment.label_url = label.label_url
        shipment.label_format = getattr(label.label_format, "value", label.label_format) or ""
        shipment.qr_code_url = label.qr_code_url or ""
        shipment.cost_amount = label.cost.amount
        shipment.currency = label.cost.currency
        shipment.tracking_status = TrackingStatus.LABEL_CREATED.value
        shipment.label_created_at = label.created_at or timezone.now()
        shipment.save()
        if return_request.status == ReturnStatus.APPROVED:
            transition(return_request, to=ReturnStatus.AWAITING_SHIPMENT, actor=SYSTEM,
                       note=SystemNote("label_ready"))
        elif return_request.status == ReturnStatus.CANCELED:
            transaction.on_commit(lambda: tasks.void_label_task.delay(str(shipment_id)))
    logger.info("Return label created", extra={"return_request_id": str(return_request.pk)})
    return shipment


def record_label_failure(*, shipment_id, message: str) -> None:
    with transaction.atomic():
        shipment = ReturnShipment.objects.select_for_update().select_related("return_request").get(pk=shipment_id)
        if shipment.label_status == ReturnShipment.LabelStatus.CREATED:
            return
        shipment.label_status = ReturnShipment.LabelStatus.FAILED
        shipment.label_error = message[:1000]
        shipment.save(update_fields=["label_status", "label_error", "updated_at"])
        events.shipping_flagged_event(return_request=shipment.return_request, reason="label_failed", note=message)
    logger.error("Return label failed", extra={"return_request_id": str(shipment.return_request_id)})


def record_label_voided(*, shipment_id) -> None:
    ReturnShipment.objects.filter(pk=shipment_id).update(
        label_status=ReturnShipment.LabelStatus.VOIDED, voided_at=timezone.now()
    )


APPLY_EVENTS_SCHEDULE = "apply-carrier-events"
# A mark older than this is taken for a task that was lost (a broker restart), not one still queued.
SCHEDULE_HOLD_SECONDS = 30


def claim_task_schedule(name: str, *, hold_seconds: int = SCHEDULE_HOLD_SECONDS) -> bool:
    """True for the one caller, across every process, that should queue task `name` now.

    One atomic upsert on the shared database: the mark is taken when absent or
    older than `hold_seconds`. The task releases it when it starts, before it
    reads its work, so anything stored meanwhile queues the next run.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {TaskSchedule._meta.db_table} (name, scheduled_at) VALUES (%s, now())
            ON CONFLICT (name) DO UPDATE SET scheduled_at = now()
            WHERE {TaskSchedule._meta.db_table}.scheduled_at < now() - make_interval(secs => %s)
            RETURNING name
            """,
            [name, hold_seconds],
        )
        return cursor.fetchone() is not None


def release_task_schedule(name: str) -> None:
    TaskSchedule.objects.filter(name=name).delete()


def record_carrier_events(*, account: CarrierAccount, parsed: list) -> int:
    """Store verified tracking events once per (provider, event id); returns how many were new.

    The stored rows are the queue: one task applies every pending event, and at
    most one such task is scheduled at a time, so a burst of webhooks costs one
    task, not one per webhook (the intake stays fast).
    """
    rows = [
        CarrierWebhookEvent(
            carrier_account=account,
            provider=event.provider,
            event_id=event.event_id[:255],
            tracking_number="".join(event.tracking_number.split()).upper()[:128],
            tracking_status=event.status.value,
            completed=event.completed,
            occurred_at=event.occurred_at,
            message=(event.message or "")[:2000],
            location=str(event.location or "")[:255],
            raw=event.raw if isinstance(event.raw, dict) else {},
        )
        for event in parsed
    ]
    if not rows:
        return 0
    with transaction.atomic():
        CarrierWebhookEvent.objects.bulk_create(rows, ignore_conflicts=True)
        # Primary keys are made here, so rows skipped as duplicates are simply not found.
        new = CarrierWebhookEvent.objects.filter(pk__in=[row.pk for row in rows]).count()
        if new:
            transaction.on_commit(schedule_carrier_events)
    return new


def schedule_carrier_events() -> None:
    if claim_task_schedule(APPLY_EVENTS_SCHEDULE):
        tasks.apply_pending_carrier_events_task.apply_async(countdown=1)


def apply_carrier_event(*, event_id) -> str:
    """Move a shipment (and its return) along with one tracking event. Never backwards; idempotent."""
    with transaction.atomic():
        event = CarrierWebhookEvent.objects.select_for_update().select_related("carrier_account").get(pk=event_id)
        if event.status != CarrierWebhookEvent.Status.PENDING:
            return event.status
        shipment = (
            ReturnShipment.objects.filter(
                return_request__installation_id=event.carrier_account.installation_id,
                tracking_number=event.tracking_number,
            )
            .exclude(label_status=ReturnShipment.LabelStatus.VOIDED)
            .order_by("-created_at")
            .first()
        )
        if shipment is None:
            return _finish_event(event, CarrierWebhookEvent.Status.UNMATCHED)
        return_request = _locked(shipment.return_request)
        shipment = ReturnShipment.objects.select_for_update().get(pk=shipment.pk)
        tracking_event = TrackingEvent(
            provider=event.provider, event_id=event.event_id, tracking_number=event.tracking_number,
            carrier=shipment.carrier, status=TrackingStatus(event.tracking_status), provider_status="",
            occurred_at=event.occurred_at, completed=event.completed,
        )
        current = TrackingStatus(shipment.tracking_status) if shipment.tracking_status else None
        new_status = next_status(current, tracking_event, shipment.last_event_at, current_completed=shipment.tracking_completed)
        event.shipment = shipment
        if new_status is None:
            return _finish_event(event, CarrierWebhookEvent.Status.IGNORED)
        shipment.tracking_status = new_status.value
        shipment.tracking_completed = event.completed
        shipment.last_event_at = event.occurred_at
        if new_status in MOVING | {TrackingStatus.DELIVERED} and shipment.first_scan_at is None:
            shipment.first_scan_at = event.occurred_at
        if new_status is TrackingStatus.DELIVERED:
            shipment.delivered_at = event.occurred_at
        if new_status in NEEDS_ATTENTION:
            shipment.flagged_reason = new_status.value
            shipment.flagged_at = timezone.now()
            events.shipping_flagged_event(return_request=return_request, reason=new_status.value, note=event.message)
        shipment.save()
        _advance_return(return_request, new_status)
        return _finish_event(event, CarrierWebhookEvent.Status.APPLIED)


def _advance_return(return_request: ReturnRequest, status: TrackingStatus) -> None:
    """First scan → in transit; delivered to the returns address → received. Only forwards."""
    carrier = Actor(kind="carrier")
    if status in MOVING and return_request.status == ReturnStatus.AWAITING_SHIPMENT:
        transition(return_request, to=ReturnStatus.IN_TRANSIT, actor=carrier, note=SystemNote("in_transit"))
        _start_instant_refund(return_request)
    elif status is TrackingStatus.DELIVERED and return_request.status in (ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.IN_TRANSIT):
        transition(return_request, to=ReturnStatus.RECEIVED, actor=carrier,
                   note=SystemNote("delivered"))


def _finish_event(event: CarrierWebhookEvent, status: str) -> str:
    event.status = status
    event.applied_at = timezone.now()
    event.save(update_fields=["status", "applied_at", "shipment"])
    return status


def flag_stale_shipments(*, now: datetime | None = None) -> int:
    """Labels with no carrier scan after the policy's days are flagged as possibly lost."""
    now = now or timezone.now()
    flagged = 0
    candidates = ReturnShipment.objects.filter(
        label_status=ReturnShipment.LabelStatus.CREATED, first_scan_at__isnull=True, flagged_at__isnull=True,
        return_request__status=ReturnStatus.AWAITING_SHIPMENT,
    ).select_related("return_request__policy")
    for shipment in candidates:
        rules = policies.PolicyRules.from_json(shipment.return_request.policy.rules)
        if shipment.label_created_at and now - shipment.label_created_at >= timedelta(days=rules.no_scan_flag_days):
            with transaction.atomic():
                locked = ReturnShipment.objects.select_for_update().get(pk=shipment.pk)
                if locked.flagged_at is not None or locked.first_scan_at is not None:
                    continue
                locked.flagged_reason = "no_scan"
                locked.flagged_at = now
                locked.save(update_fields=["flagged_reason", "flagged_at", "updated_at"])
                events.shipping_flagged_event(return_request=shipment.return_request, reason="no_scan",
                                              note=SystemNote("no_scan", days=rules.no_scan_flag_days))
            flagged += 1
    return flagged


def expire_unshipped_returns(*, now: datetime | None = None) -> int:
    """Approved returns never shipped are canceled after the policy's days (their labels voided)."""
    now = now or timezone.now()
    expired = 0
    candidates = ReturnRequest.objects.filter(
        status__in=[ReturnStatus.APPROVED, ReturnStatus.AWAITING_SHIPMENT]
    ).select_related("policy")
    for return_request in candidates:
        rules = policies.PolicyRules.from_json(return_request.policy.rules)
        since = return_request.status_changed_at or return_request.created_at
        if now - since < timedelta(days=rules.approved_return_expiry_days):
            continue
        if return_request.shipments.filter(first_scan_at__isnull=False).exists():
            continue
        cancel_return_request(return_request=return_request, actor=SYSTEM,
                              note=SystemNote("not_shipped", days=rules.approved_return_expiry_days))
        expired += 1
    return expired


# --------------------------------------------------------------------------- receiving and inspection

RECEIVABLE = frozenset({ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED})


@dataclass
class InspectionInput:
    line_id: str
    accepted_quantity: int
    condition: str
    disposition: str
    warehouse_id: str = ""
    note: str = ""
    evidence_ids: list[str] = field(default_factory=list)


def _locked_lines(return_request) -> dict[str, ReturnLine]:
    return {str(line.pk): line for line in return_request.lines.select_for_update().order_by("pk")}


def receive_return_lines(*, return_request, actor: Actor, quantities: dict[str, int]) -> ReturnRequest:
    """Count what arrived, line by line; several partial receipts add up (never beyond approved).

    An approved return with no label or tracking yet (a parcel handed in at the shop) is
    received too: it passes through AWAITING_SHIPMENT on the way, so the timeline shows both.
    """
    with transaction.atomic():
        return_request = _locked(return_request)
        handed_in = return_request.status == ReturnStatus.APPROVED
        if handed_in and is_returnless(return_request):
            raise invalid("status", "Nothing is sent back for this request: resolve it without receiving items.",
                          ReturnErrorCode.INVALID_TRANSITION)
        if return_request.status not in RECEIVABLE and not handed_in:
            transition(return_request, to=ReturnStatus.RECEIVED, actor=actor)  # raises INVALID_TRANSITION
        lines = _locked_lines(return_request)
        unknown = [line_id for line_id in quantities if line_id not in lines]
        if unknown:
            raise invalid("lines", "These lines are not in the return request.", ReturnErrorCode.NOT_FOUND, lines=unknown)
        too_many = [
            line_id for line_id, quantity in quantities.items()
            if quantity < 0 or lines[line_id].received_quantity + quantity > (lines[line_id].approved_quantity or 0)
        ]
        if too_many:
            raise invalid("lines.quantity", "More units than were approved would be received.", ReturnErrorCode.INVALID_QUANTITY,
                          lines=too_many)
        if sum(quantities.values()) == 0:
            raise invalid("lines", "Receive at least one unit.", ReturnErrorCode.INVALID_QUANTITY)
        if handed_in:
            # Brought to the shop (or sent without a label or tracking): it was shipped after all.
            transition(return_request, to=ReturnStatus.AWAITING_SHIPMENT, actor=actor,
                       note=SystemNote("handed_in"))
        now = timezone.now()
        for line_id, quantity in quantities.items():
            if quantity:
                line = lines[line_id]
                line.received_quantity += quantity
                line.received_at = now
                line.save(update_fields=["received_quantity", "received_at"])
        events.lines_received_event(return_request=return_request, actor=actor, quantities=quantities)
        transition(return_request, to=ReturnStatus.RECEIVED, actor=actor, note=SystemNote("received"))
    logger.info("Return lines received", extra={"return_request_id": str(return_request.pk)})
    return return_request


def _inspection_photos(return_request, actor: Actor, inspections: dict) -> dict[str, list]:
    """Photos staff took at inspection: uploaded by them, not yet attached to anything."""
    wanted = {evidence_id for item in inspections.values() for evidence_id in item.evidence_ids}
    if not wanted:
        return {}
    found = set(
        str(pk)
        for pk in Evidence.objects.filter(
            installation_id=return_request.installation_id, pk__in=[e for e in wanted if is_uuid(e)],
            return_request__isnull=True, uploaded_by_kind=actor.kind, uploaded_by_id=actor.id or actor.email,
        ).values_list("pk", flat=True)
    )
    missing = [line_id for line_id, item in inspections.items() if any(e not in found for e in item.evidence_ids)]
    if missing:
        raise invalid("lines", "Some photos were not found; upload them again.", ReturnErrorCode.NOT_FOUND, lines=missing)
    return {line_id: list(item.evidence_ids) for line_id, item in inspections.items()}


def inspect_return_lines(*, return_request, actor: Actor, inspections: list[InspectionInput]) -> ReturnRequest:
    """Record condition and disposition per received line; the return is inspected once every
    received line is. Restocking needs a warehouse."""
    with transaction.atomic():
        return_request = _locked(return_request)
        if return_request.status != ReturnStatus.RECEIVED:
            raise invalid("status", "Only received returns can be inspected.", ReturnErrorCode.INVALID_TRANSITION)
        lines = _locked_lines(return_request)
        by_id = {item.line_id: item for item in inspections}
        unknown = [line_id for line_id in by_id if line_id not in lines]
        if unknown:
            raise invalid("lines", "These lines are not in the return request.", ReturnErrorCode.NOT_FOUND, lines=unknown)
        for line_id, item in by_id.items():
            line = lines[line_id]
            if item.accepted_quantity < 0 or item.accepted_quantity > line.received_quantity:
                raise invalid("lines.acceptedQuantity", "Accept at most the received quantity.", ReturnErrorCode.INVALID_QUANTITY,
                              lines=[line_id])
            if item.condition not in Condition.values:
                raise invalid("lines.condition", "Choose a condition.", ReturnErrorCode.INVALID, lines=[line_id])
            if item.disposition not in Disposition.values:
                raise invalid("lines.disposition", "Choose what happens to the item.", ReturnErrorCode.INVALID, lines=[line_id])
            if item.disposition == Disposition.RESTOCK and not item.warehouse_id:
                raise invalid("lines.warehouseId", "Choose the warehouse to restock into.", ReturnErrorCode.REQUIRED, lines=[line_id])
        photos = _inspection_photos(return_request, actor, by_id)
        now = timezone.now()
        for line_id, item in by_id.items():
            line = lines[line_id]
            Evidence.objects.filter(pk__in=photos.get(line_id, [])).update(return_request=return_request, return_line=line)
            line.accepted_quantity = item.accepted_quantity
            line.condition = item.condition
            line.disposition = item.disposition
            line.restock_warehouse_id = item.warehouse_id if item.disposition == Disposition.RESTOCK else ""
            line.inspection_note = (item.note or "").strip()
            line.inspected_at = now
            line.save(update_fields=["accepted_quantity", "condition", "disposition", "restock_warehouse_id",
                                     "inspection_note", "inspected_at"])
        events.lines_inspected_event(
            return_request=return_request, actor=actor,
            inspections=[{"line_id": i.line_id, "accepted": i.accepted_quantity, "condition": i.condition,
                          "disposition": i.disposition} for i in inspections],
        )
        if all(line.inspected_at or line.received_quantity == 0 for line in lines.values()):
            transition(return_request, to=ReturnStatus.INSPECTED, actor=actor, note=SystemNote("inspected"))
            request_id = str(return_request.pk)
            transaction.on_commit(lambda: tasks.record_return_in_saleor_task.delay(request_id))
    logger.info("Return lines inspected", extra={"return_request_id": str(return_request.pk)})
    return return_request


# --------------------------------------------------------------------------- resolution

# Returns resolved without a parcel coming back: keep-the-item, and claims.
def is_returnless(return_request: ReturnRequest) -> bool:
    return return_request.is_claim or return_request.resolution == Resolution.KEEP_ITEM


def refund_lines(return_request: ReturnRequest, *, before_inspection: bool = False) -> list[LineForRefund]:
    """What is refunded per line: accepted units after inspection, approved units when returnless
    (or for an instant refund, paid before the parcel is inspected)."""
    returnless = before_inspection or is_returnless(return_request)
    result = []
    for line in return_request.lines.select_related("reason").order_by("pk"):
        quantity = (line.approved_quantity or 0) if returnless else (line.accepted_quantity or 0)
        if quantity <= 0:
            continue
        result.append(
            LineForRefund(
                line_id=str(line.pk),
                order_line_id=line.order_line_id,
                quantity=quantity,
                unit_price=Money(line.unit_price_gross_amount, line.currency),
                reason_code=line.reason_code,
                is_merchant_fault=line.reason.is_merchant_fault,
                category_id=line.category_id,
            )
        )
    return result


def resolution_preview(*, return_request: ReturnRequest, resolution: str | None = None,
                       instant: bool = False) -> RefundPreview:
    """What resolving now would pay, every component shown. Raises ValidationError when nothing can be."""
    resolution = resolution or return_request.resolution
    if resolution not in (Resolution.REFUND, Resolution.STORE_CREDIT, Resolution.KEEP_ITEM):
        raise invalid("resolution", "Exchanges are not resolved with a refund.", ReturnErrorCode.INVALID_RESOLUTION)
    expected = ReturnStatus.APPROVED if is_returnless(return_request) else ReturnStatus.INSPECTED
    if not instant and return_request.status != expected:
        message = "Approve the request first." if expected == ReturnStatus.APPROVED else "Inspect the returned items first."
        raise invalid("status", message, ReturnErrorCode.INVALID_TRANSITION)
    lines = refund_lines(return_request, before_inspection=instant)
    if not lines:
        raise invalid("lines", "No units were accepted, so there is nothing to refund.", ReturnErrorCode.INVALID_QUANTITY)
    rules = policies.PolicyRules.from_json(return_request.policy.rules)
    if resolution == Resolution.KEEP_ITEM:
        items = Money(sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0)), return_request.currency)
        if not keep_item_allowed(rules=rules, items=items):
            raise invalid("resolution", "This return is above the shop's keep-the-item limit.",
                          ReturnErrorCode.INVALID_RESOLUTION)
    snapshot = return_request.order_snapshot or {}
    shipping = snapshot.get("shipping_price_gross") or {"amount": "0", "currency": return_request.currency}
    original_shipping = Money(Decimal(shipping["amount"]), shipping["currency"])
    shipping_refunded = any(grant.get("shipping_costs_included") for grant in snapshot.get("granted_refunds") or [])
    return preview_refund(
        lines=lines,
        rules=rules,
        resolution=resolution,
        original_shipping=original_shipping,
        shipping_already_refunded=shipping_refunded,
        is_withdrawal=rules.preset == "eu_14_day",
    )


def resolve_return_request(*, return_request: ReturnRequest, actor: Actor, resolution: str, fingerprint: str = "",
                           idempotency_key: str = "") -> Refund | ReplacementOrder:
    """Start paying exactly what was previewed; the money moves in a task, confirmed from Saleor.
    EXCHANGE and REPLACEMENT send an item instead (`start_replacement_order`).

    Idempotent: a second call returns the refund already started.
    """
    if resolution in (Resolution.EXCHANGE, Resolution.REPLACEMENT):
        return start_replacement_order(return_request=return_request, actor=actor, resolution=resolution)
    with transaction.atomic():
        return_request = _locked(return_request)
        existing = Refund.objects.filter(return_request=return_request).first()
        if existing is not None:
            # An instant refund was paid at the first scan: inspection closes the return.
            if existing.status == Refund.Status.SUCCEEDED and return_request.status == ReturnStatus.INSPECTED:
                transition(return_request, to=ReturnStatus.RESOLVED, actor=actor)
            return existing
        preview = resolution_preview(return_request=return_request, resolution=resolution)
        if fingerprint and fingerprint != preview.fingerprint():
            raise invalid("fingerprint", "The amounts changed since the preview; preview again.",
                          ReturnErrorCode.PREVIEW_CHANGED)
        kind = Refund.Kind.STORE_CREDIT if resolution == Resolution.STORE_CREDIT else Refund.Kind.ORIGINAL_PAYMENT
        refund = Refund.objects.create(
            return_request=return_request, kind=kind, currency=preview.currency, amount=preview.total.amount,
            preview=preview.to_json(), fingerprint=preview.fingerprint(), idempotency_key=idempotency_key[:128],
        )
        if return_request.resolution != resolution:
            return_request.resolution = resolution
            return_request.save(update_fields=["resolution", "updated_at"])
        events.refund_started_event(return_request=return_request, actor=actor, refund=refund)
        refund_id = str(refund.pk)
        transaction.on_commit(lambda: tasks.process_refund_task.delay(refund_id))
    logger.info("Refund started", extra={"return_request_id": str(return_request.pk), "refund_id": str(refund.pk)})
    return refund


def record_refund_progress(*, refund_id, **fields) -> Refund:
    """Keep what Saleor made for a refund before the next call (granted refund id, gift card)."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        for name, value in fields.items():
            setattr(refund, name, value)
        if refund.status == Refund.Status.PENDING:
            refund.status = Refund.Status.PROCESSING
        refund.save()
    return refund


def finish_refund(*, refund_id, succeeded: bool, reason: str = "") -> Refund:
    """Saleor confirmed the outcome: the return is resolved, or the failure is shown to staff. Idempotent."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("return_request").get(pk=refund_id)
        # Money that went out never becomes "failed"; a repeated outcome changes nothing.
        if refund.status == Refund.Status.SUCCEEDED or (refund.status == Refund.Status.FAILED and not succeeded):
            return refund
        return_request = _locked(refund.return_request)
        refund.status = Refund.Status.SUCCEEDED if succeeded else Refund.Status.FAILED
        refund.failure_reason = "" if succeeded else (reason or "The payment provider refused the refund.")[:2000]
        refund.succeeded_at = timezone.now() if succeeded else None
        refund.save()
        if succeeded:
            events.refund_succeeded_event(return_request=return_request, refund=refund)
            # An instant refund is paid while the parcel travels; the return resolves after inspection.
            if return_request.status in (ReturnStatus.INSPECTED, ReturnStatus.APPROVED):
                transition(return_request, to=ReturnStatus.RESOLVED, actor=SYSTEM)
        else:
            events.refund_failed_event(return_request=return_request, refund=refund)
    log = logger.info if succeeded else logger.error
    log("Refund succeeded" if succeeded else "Refund failed", extra={"refund_id": str(refund.pk)})
    return refund


def retry_refund(*, return_request: ReturnRequest, actor: Actor) -> Refund:
    """Staff try a failed refund again; Saleor allows a new request after REFUND_FAILURE."""
    with transaction.atomic():
        return_request = _locked(return_request)
        refund = Refund.objects.select_for_update().filter(return_request=return_request).first()
        if refund is None or refund.status != Refund.Status.FAILED:
            raise invalid("id", "Only a failed refund can be retried.", ReturnErrorCode.INVALID_TRANSITION)
        refund.status = Refund.Status.PENDING
        refund.failure_reason = ""
        refund.refund_requested_at = None
        refund.save()
        events.refund_started_event(return_request=return_request, actor=actor, refund=refund)
        refund_id = str(refund.pk)
        transaction.on_commit(lambda: tasks.process_refund_task.delay(refund_id))
    return refund


# --------------------------------------------------------------------------- Saleor's records


def record_saleor_return(*, return_request_id, fulfillment_id: str) -> None:
    ReturnRequest.objects.filter(pk=return_request_id).update(saleor_return_fulfillment_id=fulfillment_id)


def record_restock_target(*, line_id, target: int) -> ReturnLine:
    """Keep the stock level to set before setting it, so a retry never adds the units twice."""
    ReturnLine.objects.filter(pk=line_id, restock_target_quantity__isnull=True).update(restock_target_quantity=target)
    return ReturnLine.objects.get(pk=line_id)


def record_restocked(*, line_id) -> None:
    ReturnLine.objects.filter(pk=line_id).update(restocked_at=timezone.now())


def set_carrier_claim(*, return_request: ReturnRequest, actor: Actor, carrier: str, amount: Decimal, status: str,
                      reference: str = "", note: str = "", claim: CarrierClaim | None = None) -> CarrierClaim:
    """Record (or update) the shop's claim against its carrier, with its amount and status."""
    carrier = (carrier or "").strip()
    if not carrier:
        raise invalid("carrier", "Name the carrier the claim is filed with.", ReturnErrorCode.REQUIRED)
    if status not in CarrierClaim.Status.values:
        raise invalid("status", "Unknown claim status.", ReturnErrorCode.INVALID)
    if amount is None or amount < 0:
        raise invalid("amount", "The claimed amount must not be negative.", ReturnErrorCode.INVALID)
    with transaction.atomic():
        return_request = _locked(return_request)
        claim = claim or CarrierClaim(return_request=return_request, currency=return_request.currency)
        claim.carrier = carrier[:64]
        claim.amount = quantize(amount, return_request.currency)
        claim.status = status
        claim.reference = (reference or "").strip()[:128]
        claim.note = (note or "").strip()
        claim.save()
        events.note_added_event(
            return_request=return_request, actor=actor, is_visible_to_customer=False,
            note=SystemNote("carrier_claim", carrier=claim.carrier, amount=claim.amount, currency=claim.currency,
                            status=claim.status),
        )
    return claim


def _start_instant_refund(return_request: ReturnRequest) -> Refund | None:
    """At the first scan, pay trusted customers without waiting for inspection (caller holds the lock).

    Trusted: the auto-approval rules approved the request, and its value is
    within the policy's instant-refund limit.
    """
    rules = policies.PolicyRules.from_json(return_request.policy.rules)
    if (rules.instant_refund_max_value is None or not return_request.is_auto_approved
            or return_request.resolution != Resolution.REFUND or Refund.objects.filter(return_request=return_request).exists()):
        return None
    preview = resolution_preview(return_request=return_request, instant=True)
    if preview.items.amount > rules.instant_refund_max_value:
        return None
    refund = Refund.objects.create(
        return_request=return_request, kind=Refund.Kind.ORIGINAL_PAYMENT, currency=preview.currency,
        amount=preview.total.amount, preview=preview.to_json(), fingerprint=preview.fingerprint(),
    )
    events.refund_started_event(return_request=return_request, actor=SYSTEM, refund=refund)
    refund_id = str(refund.pk)
    transaction.on_commit(lambda: tasks.process_refund_task.delay(refund_id))
    return refund


# --------------------------------------------------------------------------- customer shipping choices


def request_return_label(*, return_request: ReturnRequest, actor: Actor) -> ReturnRequest:
    """The customer (or staff) picks a prepaid label: bought from the shop's default carrier."""
    with transaction.atomic():
        return_request = _locked(return_request)
        if return_request.status != ReturnStatus.APPROVED:
            raise invalid("status", "A label can be had once the return is approved and before it ships.",
                          ReturnErrorCode.INVALID_TRANSITION)
        if not CarrierAccount.objects.filter(installation_id=return_request.installation_id, is_default=True,
                                             is_active=True).exists():
            raise invalid("id", "The shop does not offer return labels.", ReturnErrorCode.NOT_RETURNABLE)
        if is_returnless(return_request):
            raise invalid("id", "Nothing needs to be sent back for this request.", ReturnErrorCode.INVALID)
        _plan_shipping(return_request)
    return return_request


def schedule_pickup(*, return_request: ReturnRequest, actor: Actor, window_from: datetime, window_to: datetime,
                    instructions: str = "") -> ReturnShipment:
    """The customer asks the carrier to collect the labelled parcel in a time window."""
    if window_from >= window_to:
        raise invalid("to", "The window must end after it starts.", ReturnErrorCode.INVALID)
    if window_from < timezone.now():
        raise invalid("from", "Choose a window in the future.", ReturnErrorCode.INVALID)
    with transaction.atomic():
        return_request = _locked(return_request)
        shipment = (
            return_request.shipments.select_for_update()
            .filter(label_status=ReturnShipment.LabelStatus.CREATED, first_scan_at__isnull=True)
            .first()
        )
        if shipment is None or return_request.status != ReturnStatus.AWAITING_SHIPMENT:
            raise invalid("id", "A pickup needs a return label that has not been scanned yet.",
                          ReturnErrorCode.INVALID_TRANSITION)
        if shipment.pickup_id:
            raise invalid("id", "A pickup is already booked for this parcel.", ReturnErrorCode.UNIQUE)
        shipment.pickup_requested_from = window_from
        shipment.pickup_requested_to = window_to
        shipment.pickup_instructions = (instructions or "").strip()[:500]
        shipment.pickup_error = ""
        shipment.save()
        shipment_id = str(shipment.pk)
        transaction.on_commit(lambda: tasks.schedule_pickup_task.delay(shipment_id))
    return shipment


def record_pickup(*, shipment_id, pickup=None, error: str = "") -> None:
    if pickup is not None:
        ReturnShipment.objects.filter(pk=shipment_id).update(
            pickup_id=pickup.pickup_id[:128], pickup_confirmation=(pickup.confirmation or "")[:128], pickup_error=""
        )
    else:
        ReturnShipment.objects.filter(pk=shipment_id).update(pickup_error=error[:1000])


# --------------------------------------------------------------------------- exchanges and replacements


def start_replacement_order(*, return_request: ReturnRequest, actor: Actor, resolution: str) -> ReplacementOrder:
    """Send the exchanged item (kind EXCHANGE, after inspection) or the same item again (claims,
    after approval) through a Saleor order at no charge. Idempotent."""
    with transaction.atomic():
        return_request = _locked(return_request)
        existing = ReplacementOrder.objects.filter(return_request=return_request).first()
        if existing is not None:
            return existing
        variant_id, quantity = replacement_plan(return_request=return_request, resolution=resolution)
        replacement = ReplacementOrder.objects.create(return_request=return_request, variant_id=variant_id, quantity=quantity)
        if return_request.resolution != resolution:
            return_request.resolution = resolution
            return_request.save(update_fields=["resolution", "updated_at"])
        replacement_id = str(replacement.pk)
        transaction.on_commit(lambda: tasks.create_replacement_order_task.delay(replacement_id))
    return replacement


def retry_replacement_order(*, return_request: ReturnRequest, actor: Actor) -> ReplacementOrder:
    """Staff try a failed replacement order again (e.g. after restocking the item).

    The task finds a draft it already made by its external reference, so a retry
    never makes a second order.
    """
    with transaction.atomic():
        return_request = _locked(return_request)
        replacement = ReplacementOrder.objects.select_for_update().filter(return_request=return_request).first()
        if replacement is None or replacement.status != ReplacementOrder.Status.FAILED:
            raise invalid("id", "Only a failed replacement order can be retried.", ReturnErrorCode.INVALID_TRANSITION)
        replacement.status = ReplacementOrder.Status.PENDING
        replacement.failure_reason = ""
        replacement.save()
        events.note_added_event(
            return_request=return_request, actor=actor, is_visible_to_customer=False,
            note=SystemNote("replacement_retried"),
        )
        replacement_id = str(replacement.pk)
        transaction.on_commit(lambda: tasks.create_replacement_order_task.delay(replacement_id))
    return replacement


def finish_replacement_order(*, replacement_id, order_id: str = "", order_number: str = "", error: str = "") -> None:
    with transaction.atomic():
        replacement = ReplacementOrder.objects.select_for_update().select_related("return_request").get(pk=replacement_id)
        if replacement.status == ReplacementOrder.Status.COMPLETED:
            return
        return_request = _locked(replacement.return_request)
        if error:
            replacement.status = ReplacementOrder.Status.FAILED
            replacement.failure_reason = error[:2000]
            replacement.save()
            events.shipping_flagged_event(return_request=return_request, reason="replacement_failed", note=error)
            return
        replacement.status = ReplacementOrder.Status.COMPLETED
        replacement.saleor_order_id = order_id
        replacement.saleor_order_number = str(order_number)
        replacement.save()
        _refund_exchange_difference(replacement)
        transition(return_request, to=ReturnStatus.RESOLVED, actor=SYSTEM,
                   note=SystemNote("replacement_sent", order_number=str(order_number)))


def returned_units_paid(return_request: ReturnRequest) -> Decimal:
    """What the customer paid for the units accepted back (an exchange's credit towards the new item)."""
    return sum(
        (line.unit_price_gross_amount * (line.accepted_quantity or 0) for line in return_request.lines.all()),
        Decimal(0),
    )


@dataclass(frozen=True)
class ReplacementPreview:
    """What sending an item instead of money would do: the new item, its price and who pays the difference."""

    resolution: str
    variant_id: str
    quantity: int
    new_items: Money
    returned_items: Money
    # new items minus returned items: positive, the customer pays it; negative, the shop refunds it.
    difference: Money

    @property
    def payer(self) -> str:
        if self.resolution == Resolution.REPLACEMENT or self.difference.amount == 0:
            return "nobody"
        return "customer" if self.difference.amount > 0 else "shop"

    def fingerprint(self) -> str:
        parts = [self.resolution, self.variant_id, str(self.quantity), str(self.new_items.amount),
                 str(self.returned_items.amount), self.difference.currency]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def replacement_plan(*, return_request: ReturnRequest, resolution: str) -> tuple[str, int]:
    """(variant, quantity) an EXCHANGE or REPLACEMENT would send; raises ValidationError as resolving would."""
    if resolution == Resolution.EXCHANGE:
        if return_request.kind != ReturnKind.EXCHANGE or not return_request.exchange_variant_id:
            raise invalid("resolution", "Only exchange requests with a chosen item are exchanged.",
                          ReturnErrorCode.INVALID_RESOLUTION)
        if return_request.status != ReturnStatus.INSPECTED:
            raise invalid("status", "Inspect the returned items first.", ReturnErrorCode.INVALID_TRANSITION)
        quantity = sum(line.accepted_quantity or 0 for line in return_request.lines.all())
        variant_id = return_request.exchange_variant_id
    else:
        if not return_request.is_claim:
            raise invalid("resolution", "Replacements resolve claims.", ReturnErrorCode.INVALID_RESOLUTION)
        if return_request.status != ReturnStatus.APPROVED:
            raise invalid("status", "Approve the claim first.", ReturnErrorCode.INVALID_TRANSITION)
        lines = [line for line in return_request.lines.all() if line.approved_quantity]
        if len(lines) != 1 or not lines[0].variant_id:
            raise invalid("lines", "A replacement is sent for one claimed item at a time.", ReturnErrorCode.INVALID)
        quantity, variant_id = lines[0].approved_quantity, lines[0].variant_id
    if quantity <= 0:
        raise invalid("lines", "No units were accepted, so there is nothing to send.", ReturnErrorCode.INVALID_QUANTITY)
    return variant_id, quantity


def replacement_preview(*, return_request: ReturnRequest, resolution: str, unit_price: Decimal | None) -> ReplacementPreview:
    """The preview of an exchange or replacement, `unit_price` being the new item's price in the order's channel.

    An exchange already under way shows the difference it recorded, so the
    preview never disagrees with what is being charged or refunded.
    """
    variant_id, quantity = replacement_plan(return_request=return_request, resolution=resolution)
    currency = return_request.currency
    existing = ReplacementOrder.objects.filter(return_request=return_request).first()
    if resolution == Resolution.REPLACEMENT:
        # The claimed item again, worth what was paid for it; nobody pays anything.
        line = next(line for line in return_request.lines.all() if line.approved_quantity)
        new_items = money(line.unit_price_gross_amount * quantity, currency)
        returned = new_items
    elif unit_price is None:
        raise invalid("resolution", "The new item is not sold in this order's channel.", ReturnErrorCode.INVALID_RESOLUTION)
    else:
        new_items = money(unit_price * quantity, currency)
        returned = money(returned_units_paid(return_request), currency)
    difference = money(new_items.amount - returned.amount, currency)
    if existing is not None and existing.price_difference is not None:
        difference = money(existing.price_difference, currency)
    return ReplacementPreview(
        resolution=resolution, variant_id=variant_id, quantity=quantity, new_items=new_items, returned_items=returned,
        difference=difference,
    )


def record_exchange_difference(*, replacement_id, difference: Decimal) -> Decimal:
    """Keep the price difference before any order is made, so every retry uses the same one."""
    replacement = ReplacementOrder.objects.select_related("return_request").get(pk=replacement_id)
    currency = replacement.return_request.currency
    ReplacementOrder.objects.filter(pk=replacement_id, price_difference__isnull=True).update(
        price_difference=quantize(difference, currency), currency=currency
    )
    return ReplacementOrder.objects.get(pk=replacement_id).price_difference


def await_replacement_payment(*, replacement_id, order_id: str, order_number: str) -> None:
    """The dearer item's order waits as a draft for the customer to pay the difference."""
    with transaction.atomic():
        replacement = ReplacementOrder.objects.select_for_update().select_related("return_request").get(pk=replacement_id)
        if replacement.status != ReplacementOrder.Status.PENDING:
            return
        replacement.status = ReplacementOrder.Status.AWAITING_PAYMENT
        replacement.saleor_order_id = order_id
        replacement.saleor_order_number = str(order_number)
        replacement.save()
        events.note_added_event(
            return_request=replacement.return_request, actor=SYSTEM, is_visible_to_customer=True,
            note=SystemNote("exchange_awaiting_payment", amount=replacement.price_difference,
                            currency=replacement.currency, order_number=str(order_number)),
        )


def _locked_waiting_replacement(replacement_id) -> tuple[ReplacementOrder, ReturnRequest] | None:
    """Inside the caller's transaction: the replacement still waiting for payment, and its return, locked."""
    replacement = ReplacementOrder.objects.select_for_update().select_related("return_request").get(pk=replacement_id)
    if replacement.status != ReplacementOrder.Status.AWAITING_PAYMENT:
        return None
    return replacement, _locked(replacement.return_request)


def confirm_replacement_paid(*, replacement_id, order_number: str) -> None:
    """Saleor says the dearer item's order is placed and paid in full: the exchange is done. Idempotent."""
    with transaction.atomic():
        waiting = _locked_waiting_replacement(replacement_id)
        if waiting is None:
            return
        replacement, return_request = waiting
        replacement.status = ReplacementOrder.Status.COMPLETED
        replacement.saleor_order_number = str(order_number or replacement.saleor_order_number)
        replacement.save()
        transition(return_request, to=ReturnStatus.RESOLVED, actor=SYSTEM,
                   note=SystemNote("exchange_paid", order_number=replacement.saleor_order_number))
    logger.info("Exchange order paid", extra={"return_request_id": str(return_request.pk)})


def fail_awaiting_replacement(*, replacement_id, error: str) -> None:
    """The order waiting for payment is gone: staff see why and can make a new one (retry)."""
    with transaction.atomic():
        waiting = _locked_waiting_replacement(replacement_id)
        if waiting is None:
            return
        replacement, return_request = waiting
        replacement.status = ReplacementOrder.Status.FAILED
        replacement.failure_reason = error[:2000]
        replacement.saleor_order_id = ""
        replacement.saleor_order_number = ""
        replacement.save()
        events.shipping_flagged_event(return_request=return_request, reason="replacement_failed", note=error)


def _refund_exchange_difference(replacement: ReplacementOrder) -> None:
    """A cheaper new item: the difference goes back to the original payment (caller holds the lock)."""
    amount = -(replacement.price_difference or Decimal(0))
    if amount <= 0 or Refund.objects.filter(return_request=replacement.return_request).exists():
        return
    preview = {"lines": [], "shipping_refunded": False, "currency": replacement.currency, "total": str(amount)}
    refund = Refund.objects.create(
        return_request=replacement.return_request, kind=Refund.Kind.ORIGINAL_PAYMENT, currency=replacement.currency,
        amount=amount, preview=preview, fingerprint=hashlib.sha256(json.dumps(preview, sort_keys=True).encode()).hexdigest(),
    )
    events.refund_started_event(return_request=replacement.return_request, actor=SYSTEM, refund=refund)
    refund_id = str(refund.pk)
    transaction.on_commit(lambda: tasks.process_refund_task.delay(refund_id))
