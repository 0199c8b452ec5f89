"""A shop's settings as the API shows them: return policy, API keys and carrier accounts."""

import graphene
from django.conf import settings

from saleor_returns.installations import api_keys as api_keys
from saleor_returns import policy_rules
from saleor_returns.api.enums import ApiKeyRevokedReasonEnum, ApiKeyScopeEnum, ApiKeyStatusEnum
from saleor_returns.api.types.common import global_id, language
from saleor_returns.models import ReturnReason as ReturnReasonModel
from saleor_returns.policy_summary import policy_summary


class RestockingFee(graphene.ObjectType):
    percentage = graphene.Decimal()
    fixed_amount = graphene.Decimal()
    reason_codes = graphene.List(graphene.NonNull(graphene.String), required=True)
    category_ids = graphene.List(graphene.NonNull(graphene.String), required=True)


class ReturnPolicy(graphene.ObjectType):
    id = graphene.ID(required=True)
    channel_slug = graphene.String(description="Null: the policy of every channel without its own.")
    version = graphene.Int(required=True)
    created_at = graphene.DateTime(required=True)
    rules = graphene.JSONString(required=True, description="Every setting, with decimals as strings.")
    summary = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The rules in plain words, in the language of Accept-Language (en or zh-Hans).",
    )

    def resolve_id(policy, info):
        return global_id("ReturnPolicy", policy.pk)

    def resolve_channel_slug(policy, info):
        return policy.channel_slug or None

    def resolve_rules(policy, info):
        # Settings added since the version was saved show the default they take.
        return policy_rules.PolicyRules.from_json(policy.rules).to_json()

    def resolve_summary(policy, info):
        wanted = language(info)
        return policy_summary(policy_rules.PolicyRules.from_json(policy.rules), wanted, _reason_labels(info, policy.installation_id, wanted))


def _reason_labels(info, installation_id, wanted: str) -> dict[str, str]:
    """The shop's reason labels, read once per request (a list of policy versions shares them)."""
    cache = info.context.__dict__.setdefault("_reason_labels", {})
    key = (installation_id, wanted)
    if key not in cache:
        reasons = ReturnReasonModel.objects.filter(installation_id=installation_id)
        cache[key] = {reason.code: reason.label(wanted) for reason in reasons}
    return cache[key]


class ApiKey(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    prefix = graphene.String(required=True, description="The start of the key, to tell keys apart.")
    scopes = graphene.List(graphene.NonNull(ApiKeyScopeEnum), required=True)
    created_at = graphene.DateTime(required=True)
    created_by_email = graphene.String(description="The staff member the key answers to; it dies with their rights.")
    created_by_key_prefix = graphene.String(description="For a key minted by another key: that key's prefix.")
    expires_at = graphene.DateTime()
    last_used_at = graphene.DateTime(description="Noted at most once a minute.")
    revoked_at = graphene.DateTime()
    revoked_reason = graphene.Field(ApiKeyRevokedReasonEnum)
    status = graphene.Field(ApiKeyStatusEnum, required=True)

    def resolve_id(api_key, info):
        return global_id("ApiKey", api_key.pk)

    def resolve_scopes(api_key, info):
        return list(api_key.scopes)

    def resolve_created_by_email(api_key, info):
        return api_key.created_by_email or None

    def resolve_created_by_key_prefix(api_key, info):
        return api_key.created_by_key.prefix if api_key.created_by_key_id else None

    def resolve_revoked_reason(api_key, info):
        return api_key.revoked_reason or None

    def resolve_status(api_key, info):
        return api_keys.status(api_key)


class CarrierAccount(graphene.ObjectType):
    id = graphene.ID(required=True)
    provider = graphene.String(required=True)
    name = graphene.String(required=True)
    is_default = graphene.Boolean(required=True)
    webhook_url = graphene.String(required=True, description="Paste this into the provider's webhook settings.")

    def resolve_id(account, info):
        return global_id("CarrierAccount", account.pk)

    def resolve_webhook_url(account, info):
        url = f"{settings.APP_PUBLIC_URL}/webhooks/carriers/{account.provider}/{account.webhook_key}/"
        token = account.credentials.get("webhook_token")
        # Shippo signs nothing by default: its URL carries a secret token instead.
        return f"{url}?token={token}" if token else url
