"""An installation's writes: install and uninstall, and the shop's settings (policy, reasons,
carrier accounts, return addresses)."""

import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from saleor_returns import policy_rules
from saleor_returns.analytics import actions as analytics_actions
from saleor_returns.carriers.registry import PROVIDERS, get_carrier
from saleor_returns.error_codes import ReturnErrorCode, invalid
from saleor_returns.installations import tasks
from saleor_returns.installations.reasons import DEFAULT_REASONS
from saleor_returns.models import CarrierAccount, Installation, ReturnAddress, ReturnLine, ReturnPolicy, ReturnReason
from saleor_returns.requestors import Actor

logger = logging.getLogger(__name__)


def install_app(
    *, saleor_api_url: str, saleor_domain: str, app_token: str, app_id: str, permissions: list[str]
) -> Installation:
    """Store (or replace) the installation for a shop whose token Saleor confirmed.

    Re-installing keeps the installation row, and so the shop's returns; the new
    token and app id replace the old ones. The sales ledger's backfill of the last
    year is started (analytics).
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
        analytics_actions.start_install_backfill(installation=installation)
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
            defaults={"rules": policy_rules.PolicyRules().to_json(), "is_current": True, "created_by": "system"},
        )
    return ReturnPolicy.objects.get(installation=installation, channel_slug="", is_current=True)


def update_return_policy(*, installation: Installation, channel_slug: str, rules: dict, preset: str | None, actor: Actor):
    """Write a new policy version and make it current. Earlier requests keep their version."""
    parsed = policy_rules.PolicyRules.from_json(rules)
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


# --------------------------------------------------------------------------- carrier accounts and return addresses


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
