"""Query fields of the returns API."""

import graphene
from django.core.exceptions import ValidationError
from graphql import GraphQLError
from graphql_relay import from_global_id
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from saleor_returns import policies, policy_rules
from saleor_returns.access import (
    INTEGRATION_PERMISSIONS,
    MANAGE_ORDERS,
    NotFound,
    access_return_request,
    can_access_order,
    missing_permissions,
    visible_return_requests,
)
from saleor_returns.api.enums import ResolutionEnum, ReturnKindEnum, ReturnRequestSortField, ReturnStatusEnum, SortDirection
from saleor_returns.api.errors import PermissionDenied, errors_from_validation
from saleor_returns.api.loading import batch_customer_statuses, return_requests_queryset
from saleor_returns.api.mutations.base import enum_value
from saleor_returns.api.pagination import paginate
from saleor_returns.api.selections import selected_fields
from saleor_returns.api.types.eligibility import ReturnEligibility, line_eligibility
from saleor_returns.api.types.resolutions import ResolutionPreview, replacement_preview_type, resolution_preview_type
from saleor_returns.api.types.return_requests import ReturnReason, ReturnRequest, ReturnRequestConnection
from saleor_returns.api.types.shop import ApiKey, CarrierAccount, ReturnPolicy
from saleor_returns.models import ApiKey as ApiKeyModel
from saleor_returns.models import Resolution
from saleor_returns.models import CarrierAccount as CarrierAccountModel
from saleor_returns.models import Refund as RefundModel
from saleor_returns.models import ReplacementOrder as ReplacementOrderModel
from saleor_returns.models import ReturnShipment as ReturnShipmentModel
from saleor_returns.models import ReturnPolicy as ReturnPolicyModel
from saleor_returns.models import ReturnReason as ReturnReasonModel
from saleor_returns.requestors import RequestorKind
from saleor_returns.states import ReturnStatus
from saleor_returns.surveys.figures import low_score_waiting
from saleor_returns.saleor.orders import fetch_order
from saleor_returns.api.previews import preview_replacement
from saleor_returns.installations import actions as installation_actions
from saleor_returns.requests import actions as request_actions
from saleor_returns.resolutions import actions as resolution_actions


class DateTimeRangeInput(graphene.InputObjectType):
    gte = graphene.DateTime()
    lte = graphene.DateTime()


class ReturnRequestFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(ReturnStatusEnum))
    kind = graphene.List(graphene.NonNull(ReturnKindEnum))
    reason = graphene.List(graphene.NonNull(graphene.String), description="Reason codes.")
    channel = graphene.List(graphene.NonNull(graphene.String), description="Channel slugs.")
    created_at = DateTimeRangeInput()
    order_number = graphene.String()
    order_id = graphene.ID(description="Saleor's Order id.")
    customer_email = graphene.String()
    search = graphene.String(description="RMA number, order number or customer e-mail.")
    needs_attention = graphene.Boolean(
        description="Returns staff must look at (true) or not (false): a failed refund or replacement order, "
        "a parcel on its way whose label failed or that the carrier flagged (exception, no scan, lost), "
        "or a survey score of 1-2 nobody followed up yet."
    )


class ReturnRequestSortingInput(graphene.InputObjectType):
    field = ReturnRequestSortField(required=True)
    direction = SortDirection(default_value="desc")


def require_shop(info):
    requestor = info.context.requestor
    if requestor.installation is None:
        raise PermissionDenied("Name the shop with the Saleor-Api-Url header.")
    return requestor


def require_identified(info):
    """A customer, a guest, or staff allowed to manage orders."""
    requestor = require_shop(info)
    if requestor.kind is RequestorKind.ANONYMOUS:
        raise PermissionDenied("Log in, or look the order up with its number and e-mail.")
    if requestor.is_staff and not requestor.has_permission(MANAGE_ORDERS):
        raise PermissionDenied.missing([MANAGE_ORDERS])
    return requestor


def require_staff(info):
    requestor = require_shop(info)
    if not requestor.has_permission(MANAGE_ORDERS):
        raise PermissionDenied.missing([MANAGE_ORDERS]) if requestor.is_staff else PermissionDenied()
    return requestor


def _values(items) -> list[str]:
    return [enum_value(item) for item in items]


def needs_attention() -> Q:
    """What staff must act on, beyond the review queue (a condition on return requests)."""
    troubled_parcel = ReturnShipmentModel.objects.filter(return_request=OuterRef("pk")).filter(
        Q(flagged_at__isnull=False) | Q(label_status=ReturnShipmentModel.LabelStatus.FAILED)
    )
    on_its_way = [ReturnStatus.APPROVED, ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.IN_TRANSIT]
    return (
        Q(refund__status=RefundModel.Status.FAILED)
        | Q(replacement_order__status=ReplacementOrderModel.Status.FAILED)
        | (Q(status__in=on_its_way) & Exists(troubled_parcel))
        | low_score_waiting()
    )


def filter_return_requests(queryset, filters):
    if not filters:
        return queryset
    if filters.get("status"):
        queryset = queryset.filter(status__in=_values(filters["status"]))
    if filters.get("kind"):
        queryset = queryset.filter(kind__in=_values(filters["kind"]))
    if filters.get("reason"):
        queryset = queryset.filter(lines__reason_code__in=filters["reason"]).distinct()
    if filters.get("channel"):
        queryset = queryset.filter(channel_slug__in=filters["channel"])
    created = filters.get("created_at") or {}
    if created.get("gte"):
        queryset = queryset.filter(created_at__gte=created["gte"])
    if created.get("lte"):
        queryset = queryset.filter(created_at__lte=created["lte"])
    if filters.get("order_number"):
        queryset = queryset.filter(order_number=filters["order_number"].strip().lstrip("#"))
    if filters.get("order_id"):
        queryset = queryset.filter(order_id=filters["order_id"].strip())
    if filters.get("customer_email"):
        queryset = queryset.filter(customer_email__iexact=filters["customer_email"].strip())
    if filters.get("needs_attention") is not None:
        condition = needs_attention()
        queryset = queryset.filter(condition) if filters["needs_attention"] else queryset.exclude(condition)
    search = (filters.get("search") or "").strip()
    if search:
        condition = Q(customer_email__icontains=search) | Q(order_number=search.lstrip("#"))
        digits = search.upper().removeprefix("RMA-")
        if digits.isdigit():
            condition |= Q(number=int(digits))
        queryset = queryset.filter(condition)
    return queryset


def sort_return_requests(queryset, sort_by):
    field, direction = "created_at", "desc"
    if sort_by:
        field = enum_value(sort_by["field"])
        direction = enum_value(sort_by.get("direction")) or "desc"
    prefix = "-" if direction == "desc" else ""
    return queryset.order_by(f"{prefix}{field}", f"{prefix}number")


class Query(graphene.ObjectType):
    return_reasons = graphene.List(
        graphene.NonNull(ReturnReason),
        required=True,
        include_inactive=graphene.Boolean(default_value=False),
        description="Reason groups with their reasons. Labels follow Accept-Language (en, zh-Hans).",
    )
    return_eligibility = graphene.Field(
        ReturnEligibility, order_id=graphene.ID(required=True), description="What of an order can be returned."
    )
    return_request = graphene.Field(ReturnRequest, id=graphene.ID(required=True))
    my_return_requests = graphene.Field(
        ReturnRequestConnection, first=graphene.Int(), after=graphene.String(),
        description="The customer's own return requests (a guest: those of their order).",
    )
    return_requests = graphene.Field(
        ReturnRequestConnection,
        filter=ReturnRequestFilterInput(),
        sort_by=ReturnRequestSortingInput(),
        first=graphene.Int(),
        after=graphene.String(),
        description="Staff: the shop's return requests.",
    )
    return_policy = graphene.Field(
        ReturnPolicy, channel_slug=graphene.String(), description="Staff: the policy in force for a channel."
    )
    return_resolution_preview = graphene.Field(
        ResolutionPreview,
        id=graphene.ID(required=True),
        resolution=ResolutionEnum(description="Defaults to the customer's wish."),
        description="Staff: what resolving the request would pay, every component shown.",
    )
    return_carrier_accounts = graphene.List(
        graphene.NonNull(CarrierAccount), required=True, description="Staff: the shop's shipping providers."
    )
    return_api_keys = graphene.List(
        graphene.NonNull(ApiKey), required=True, include_revoked=graphene.Boolean(default_value=False),
        description="Staff with MANAGE_APPS: the shop's API keys, newest first (revoked and expired ones on request).",
    )
    return_policy_versions = graphene.List(
        graphene.NonNull(ReturnPolicy), required=True, channel_slug=graphene.String(),
        description="Staff: every version of a channel's policy, newest first.",
    )

    def resolve_return_reasons(root, info, include_inactive=False):
        requestor = require_shop(info)
        if include_inactive and not requestor.has_permission(MANAGE_ORDERS):
            raise PermissionDenied.missing([MANAGE_ORDERS]) if requestor.is_staff else PermissionDenied()
        reasons = list(ReturnReasonModel.objects.filter(installation=requestor.installation).order_by("position", "code"))
        if not include_inactive:
            reasons = [reason for reason in reasons if reason.is_active]
        groups = [reason for reason in reasons if reason.parent_id is None]
        for group in groups:
            group._children = [reason for reason in reasons if reason.parent_id == group.pk]
        return groups

    def resolve_return_eligibility(root, info, order_id):
        requestor = require_identified(info)
        order = fetch_order(requestor.installation, order_id)
        if not can_access_order(requestor, order):
            return None
        policy = installation_actions.current_policy(installation=requestor.installation, channel_slug=order.channel_slug)
        rules = policy_rules.PolicyRules.from_json(policy.rules)
        reasons = ReturnReasonModel.objects.filter(installation=requestor.installation, is_active=True, parent__isnull=False)
        results = policies.check_eligibility(
            order=order,
            rules=rules,
            already_requested=request_actions.already_requested(installation=requestor.installation, order_id=order.id),
            now=timezone.now(),
            reasons=[policies.ReasonInfo(r.code, r.is_merchant_fault) for r in reasons],
        )
        lines = {line.id: line for line in order.lines}
        return ReturnEligibility(
            order_id=order.id,
            order_number=str(order.number),
            policy_version=policy.version,
            lines=[line_eligibility(lines[result.order_line_id], result, rules) for result in results],
        )

    def resolve_return_request(root, info, id):
        requestor = require_identified(info)
        try:
            type_name, pk = from_global_id(id)
        except Exception:  # noqa: BLE001 - graphql-relay raises several kinds for garbage
            return None
        if type_name != "ReturnRequest":
            return None
        try:
            found = access_return_request(requestor, pk)
        except NotFound:
            return None
        return return_requests_queryset(selected_fields(info)).get(pk=found.pk)

    def resolve_my_return_requests(root, info, first=None, after=None):
        requestor = require_shop(info)
        if requestor.kind not in (RequestorKind.CUSTOMER, RequestorKind.GUEST):
            raise PermissionDenied("Only customers have their own return requests.")
        queryset = visible_return_requests(requestor, return_requests_queryset(selected_fields(info, "edges", "node")))
        queryset = queryset.order_by("-created_at", "-number")
        return paginate(ReturnRequestConnection, queryset, first=first, after=after)

    def resolve_return_requests(root, info, filter=None, sort_by=None, first=None, after=None):
        requestor = require_staff(info)
        queryset = visible_return_requests(requestor, return_requests_queryset(selected_fields(info, "edges", "node")))
        queryset = sort_return_requests(filter_return_requests(queryset, filter), sort_by)
        return batch_customer_statuses(paginate(ReturnRequestConnection, queryset, first=first, after=after))

    def resolve_return_policy(root, info, channel_slug=None):
        requestor = require_staff(info)
        return installation_actions.current_policy(installation=requestor.installation, channel_slug=(channel_slug or "").strip())

    def resolve_return_resolution_preview(root, info, id, resolution=None):
        requestor = require_staff(info)
        try:
            type_name, pk = from_global_id(id)
            return_request = access_return_request(requestor, pk) if type_name == "ReturnRequest" else None
        except (NotFound, ValueError, UnicodeDecodeError):
            return_request = None
        if return_request is None:
            raise GraphQLError("No return request has this id.", extensions={"code": "NOT_FOUND", "field": "id"})
        chosen = enum_value(resolution) if resolution is not None else return_request.resolution
        try:
            if chosen in (Resolution.EXCHANGE, Resolution.REPLACEMENT):
                return replacement_preview_type(preview_replacement(return_request, chosen))
            preview = resolution_actions.resolution_preview(return_request=return_request, resolution=chosen)
        except ValidationError as error:
            first = errors_from_validation(error)[0]
            # The same field and code a mutation would answer, for forms to place the message.
            raise GraphQLError(
                first.message,
                extensions={"code": str(first.code).upper(), "field": first.field or "resolution", "lines": first.lines},
            ) from None
        return resolution_preview_type(preview, chosen)

    def resolve_return_carrier_accounts(root, info):
        requestor = require_staff(info)
        return list(CarrierAccountModel.objects.filter(installation=requestor.installation, is_active=True))

    def resolve_return_api_keys(root, info, include_revoked=False):
        requestor = require_shop(info)
        missing = missing_permissions(requestor, INTEGRATION_PERMISSIONS)
        if missing:
            raise PermissionDenied.missing(missing) if requestor.is_staff else PermissionDenied()
        keys = ApiKeyModel.objects.filter(installation=requestor.installation).select_related("created_by_key")
        if not include_revoked:
            keys = keys.filter(revoked_at__isnull=True).exclude(expires_at__lte=timezone.now())
        return list(keys.order_by("-created_at"))

    def resolve_return_policy_versions(root, info, channel_slug=None):
        requestor = require_staff(info)
        return list(
            ReturnPolicyModel.objects.filter(
                installation=requestor.installation, channel_slug=(channel_slug or "").strip()
            ).order_by("-version")
        )

