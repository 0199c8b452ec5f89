"""The app's GraphQL schema. `graphql/schema.graphql` is its printed form."""

import graphene

from saleor_returns import __version__
from saleor_returns.access import STAFF_ACTIONS, missing_permissions
from saleor_returns.api.analytics import AnalyticsQuery
from saleor_returns.api.kpi_review import KpiReviewQuery
from saleor_returns.api.mutations.return_address_set import ReturnAddressSet
from saleor_returns.api.mutations.return_api_key_create import ReturnApiKeyCreate
from saleor_returns.api.mutations.return_api_key_revoke import ReturnApiKeyRevoke
from saleor_returns.api.mutations.return_carrier_account_set import ReturnCarrierAccountSet
from saleor_returns.api.mutations.return_carrier_claim_set import ReturnCarrierClaimSet
from saleor_returns.api.mutations.return_evidence_upload import ReturnEvidenceUpload
from saleor_returns.api.mutations.return_kpi_review_link_create import ReturnKpiReviewLinkCreate
from saleor_returns.api.mutations.return_lookup_token_create import ReturnLookupTokenCreate
from saleor_returns.api.mutations.return_message_resend import ReturnMessageResend
from saleor_returns.api.mutations.return_message_template_update import ReturnMessageTemplateUpdate
from saleor_returns.api.mutations.return_policy_update import ReturnPolicyUpdate
from saleor_returns.api.mutations.return_portal_settings_update import ReturnPortalSettingsUpdate
from saleor_returns.api.mutations.return_reason_create import ReturnReasonCreate
from saleor_returns.api.mutations.return_reason_delete import ReturnReasonDelete
from saleor_returns.api.mutations.return_reason_update import ReturnReasonUpdate
from saleor_returns.api.mutations.return_request_add_info import ReturnRequestAddInfo
from saleor_returns.api.mutations.return_request_approve import ReturnRequestApprove
from saleor_returns.api.mutations.return_request_cancel import ReturnRequestCancel
from saleor_returns.api.mutations.return_request_create import ReturnRequestCreate
from saleor_returns.api.mutations.return_request_note_add import ReturnRequestNoteAdd
from saleor_returns.api.mutations.return_request_inspect import ReturnRequestInspect
from saleor_returns.api.mutations.return_request_receive import ReturnRequestReceive
from saleor_returns.api.mutations.return_refund_retry import ReturnRefundRetry
from saleor_returns.api.mutations.return_replacement_retry import ReturnReplacementRetry
from saleor_returns.api.mutations.return_request_label_request import ReturnRequestLabelRequest
from saleor_returns.api.mutations.return_request_pickup_schedule import ReturnRequestPickupSchedule
from saleor_returns.api.mutations.return_request_reject import ReturnRequestReject
from saleor_returns.api.mutations.return_request_resolve import ReturnRequestResolve
from saleor_returns.api.mutations.return_request_request_info import ReturnRequestRequestInfo
from saleor_returns.api.mutations.return_request_tracking_add import ReturnRequestTrackingAdd
from saleor_returns.api.mutations.return_spike_alert_note import ReturnSpikeAlertNote
from saleor_returns.api.mutations.return_survey_follow_up import ReturnSurveyFollowUp
from saleor_returns.api.mutations.return_survey_submit import ReturnSurveySubmit
from saleor_returns.api.mutations.return_customer_status_set import ReturnCustomerStatusSet
from saleor_returns.api.mutations.return_sales_backfill_cancel import ReturnSalesBackfillCancel
from saleor_returns.api.mutations.return_sales_backfill_start import ReturnSalesBackfillStart
from saleor_returns.api.mutations.return_sender_settings_update import ReturnSenderSettingsUpdate
from saleor_returns.api.mutations.return_webhook_endpoint_create import ReturnWebhookEndpointCreate
from saleor_returns.api.mutations.return_webhook_endpoint_delete import ReturnWebhookEndpointDelete
from saleor_returns.api.mutations.return_webhook_endpoint_test import ReturnWebhookEndpointTest
from saleor_returns.api.mutations.return_webhook_endpoint_update import ReturnWebhookEndpointUpdate
from saleor_returns.api.notifications import NotificationsQuery
from saleor_returns.api.overview import OverviewQuery
from saleor_returns.api.portal_queries import PortalQuery
from saleor_returns.api.queries import Query as ReturnsQuery
from saleor_returns.api.returners import ReturnersQuery
from saleor_returns.api.sales import SalesQuery
from saleor_returns.api.surveys import SurveyQuery


class RequestorKindEnum(graphene.Enum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    GUEST = "guest"
    STAFF = "staff"
    APP = "app"


class StaffAction(graphene.ObjectType):
    """A kind of staff operation and the Saleor permissions it needs."""

    action = graphene.String(required=True, description='e.g. "resolve:REFUND", "inspect:RESTOCK", "settings".')
    permissions = graphene.List(graphene.NonNull(graphene.String), required=True)
    missing = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="What the caller lacks of them (empty: allowed)."
    )


class Viewer(graphene.ObjectType):
    """Who the API takes the caller to be: handy to check a token."""

    kind = graphene.Field(RequestorKindEnum, required=True)
    user_id = graphene.ID(description="Saleor's global ID of the user, when known.")
    email = graphene.String()
    permissions = graphene.List(graphene.NonNull(graphene.String), required=True)
    saleor_api_url = graphene.String(description="The shop the request was made for.")
    actions = graphene.List(
        graphene.NonNull(StaffAction), required=True,
        description="Staff: every kind of operation with the permissions it needs and those the caller lacks.",
    )

    def resolve_actions(requestor, info):
        if not requestor.is_staff:
            return []
        return [
            StaffAction(action=action, permissions=list(needs), missing=missing_permissions(requestor, needs))
            for action, needs in STAFF_ACTIONS.items()
        ]

    def resolve_kind(requestor, info):
        return requestor.kind.value

    def resolve_permissions(requestor, info):
        return sorted(requestor.permissions)

    def resolve_saleor_api_url(requestor, info):
        return requestor.installation.saleor_api_url if requestor.installation else None


class Query(
    SurveyQuery, SalesQuery, AnalyticsQuery, KpiReviewQuery, ReturnersQuery, ReturnsQuery, OverviewQuery, PortalQuery,
    NotificationsQuery,
    graphene.ObjectType,
):
    app_version = graphene.String(required=True, description="Version of the returns app.")
    viewer = graphene.Field(Viewer, required=True)

    def resolve_app_version(root, info):
        return __version__

    def resolve_viewer(root, info):
        return info.context.requestor


class Mutation(graphene.ObjectType):
    return_lookup_token_create = ReturnLookupTokenCreate.Field()
    return_evidence_upload = ReturnEvidenceUpload.Field()
    return_request_create = ReturnRequestCreate.Field()
    return_request_cancel = ReturnRequestCancel.Field()
    return_request_add_info = ReturnRequestAddInfo.Field()
    return_request_approve = ReturnRequestApprove.Field()
    return_request_reject = ReturnRequestReject.Field()
    return_request_request_info = ReturnRequestRequestInfo.Field()
    return_request_note_add = ReturnRequestNoteAdd.Field()
    return_policy_update = ReturnPolicyUpdate.Field()
    return_reason_create = ReturnReasonCreate.Field()
    return_reason_update = ReturnReasonUpdate.Field()
    return_reason_delete = ReturnReasonDelete.Field()
    return_api_key_create = ReturnApiKeyCreate.Field()
    return_api_key_revoke = ReturnApiKeyRevoke.Field()
    return_request_tracking_add = ReturnRequestTrackingAdd.Field()
    return_request_label_request = ReturnRequestLabelRequest.Field()
    return_request_pickup_schedule = ReturnRequestPickupSchedule.Field()
    return_carrier_account_set = ReturnCarrierAccountSet.Field()
    return_address_set = ReturnAddressSet.Field()
    return_request_receive = ReturnRequestReceive.Field()
    return_request_inspect = ReturnRequestInspect.Field()
    return_request_resolve = ReturnRequestResolve.Field()
    return_refund_retry = ReturnRefundRetry.Field()
    return_replacement_retry = ReturnReplacementRetry.Field()
    return_carrier_claim_set = ReturnCarrierClaimSet.Field()
    return_survey_submit = ReturnSurveySubmit.Field()
    return_survey_follow_up = ReturnSurveyFollowUp.Field()
    return_portal_settings_update = ReturnPortalSettingsUpdate.Field()
    return_message_resend = ReturnMessageResend.Field()
    return_message_template_update = ReturnMessageTemplateUpdate.Field()
    return_sender_settings_update = ReturnSenderSettingsUpdate.Field()
    return_webhook_endpoint_create = ReturnWebhookEndpointCreate.Field()
    return_webhook_endpoint_update = ReturnWebhookEndpointUpdate.Field()
    return_webhook_endpoint_delete = ReturnWebhookEndpointDelete.Field()
    return_webhook_endpoint_test = ReturnWebhookEndpointTest.Field()
    return_sales_backfill_start = ReturnSalesBackfillStart.Field()
    return_sales_backfill_cancel = ReturnSalesBackfillCancel.Field()
    return_customer_status_set = ReturnCustomerStatusSet.Field()
    return_spike_alert_note = ReturnSpikeAlertNote.Field()
    return_kpi_review_link_create = ReturnKpiReviewLinkCreate.Field()


schema = graphene.Schema(query=Query, mutation=Mutation)


def printed_schema() -> str:
    """The SDL kept in graphql/schema.graphql (`make schema` rewrites it)."""
    return str(schema).strip() + "\n"
