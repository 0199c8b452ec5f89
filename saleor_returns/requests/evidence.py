"""Evidence: photos and documents uploaded for a return, the allowances that bound them, and
the sweep of uploads no return request took."""

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.locks import advisory_lock
from saleor_returns.models import Evidence
from saleor_returns.requestors import Actor
from saleor_returns.requests.evidence_files import clean_evidence_file

logger = logging.getLogger(__name__)

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
            advisory_lock(f"evidence:{installation.pk}:{uploaded_by.kind}:{uploader_id}")
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


def check_files_per_request(field_name: str, count: int) -> None:
    most = settings.EVIDENCE_FILES_PER_RETURN_REQUEST
    if count > most:
        raise invalid(field_name, f"A return request may have at most {most} files.", ReturnErrorCode.LIMIT_EXCEEDED)


def check_files_per_order(installation, order_id: str, field_name: str, adding: int) -> None:
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
