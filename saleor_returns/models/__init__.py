"""Database models, one module per capability; every model is importable from here."""

from saleor_returns.models.analytics import (
    CustomerStatus,
    DailyDispositions,
    DailyRefunds,
    DailyRequests,
    DailyResolutions,
    DailyReturns,
    DailySales,
    MonthlyReturns,
    MonthlySales,
    MonthlyStageTimes,
    ReturnsRollupMark,
    ReturnStageTimes,
    SalesBackfill,
    SoldLine,
    SoldOrder,
    SoldVariant,
    SpikeAlert,
)
from saleor_returns.models.api_keys import ApiKey
from saleor_returns.models.coordination import RateCounter, TaskSchedule
from saleor_returns.models.fields import money_field
from saleor_returns.models.inspection import Condition, Disposition
from saleor_returns.models.installations import Installation
from saleor_returns.models.policies import ReturnPolicy, ReturnReason
from saleor_returns.models.requests import (
    CLAIM_KINDS,
    Evidence,
    Resolution,
    ReturnEvent,
    ReturnKind,
    ReturnLine,
    ReturnRequest,
    evidence_upload_to,
)
from saleor_returns.models.resolutions import CarrierClaim, Refund, ReplacementOrder
from saleor_returns.models.notifications import (
    EmailOptOut,
    Message,
    MessageAttempt,
    MessageTemplate,
    OrderContact,
    SenderSettings,
    WebhookEndpoint,
)
from saleor_returns.models.portal import PortalSession, PortalSettings
from saleor_returns.models.shipping import CarrierAccount, ReturnAddress, ReturnShipment
from saleor_returns.models.surveys import SurveyImprovement, SurveyResponse
from saleor_returns.models.webhooks import CarrierWebhookEvent, SaleorWebhookDelivery

__all__ = [
    "CLAIM_KINDS",
    "ApiKey",
    "CarrierAccount",
    "CarrierClaim",
    "CarrierWebhookEvent",
    "Condition",
    "CustomerStatus",
    "DailyDispositions",
    "DailyRefunds",
    "DailyRequests",
    "DailyResolutions",
    "DailyReturns",
    "DailySales",
    "Disposition",
    "EmailOptOut",
    "Evidence",
    "Installation",
    "Message",
    "MessageAttempt",
    "MessageTemplate",
    "MonthlyReturns",
    "MonthlySales",
    "MonthlyStageTimes",
    "OrderContact",
    "PortalSession",
    "PortalSettings",
    "RateCounter",
    "Refund",
    "ReplacementOrder",
    "Resolution",
    "ReturnAddress",
    "ReturnEvent",
    "ReturnKind",
    "ReturnLine",
    "ReturnPolicy",
    "ReturnReason",
    "ReturnRequest",
    "ReturnShipment",
    "ReturnsRollupMark",
    "ReturnStageTimes",
    "SaleorWebhookDelivery",
    "SalesBackfill",
    "SenderSettings",
    "SoldLine",
    "SoldOrder",
    "SoldVariant",
    "SpikeAlert",
    "SurveyImprovement",
    "SurveyResponse",
    "TaskSchedule",
    "WebhookEndpoint",
    "evidence_upload_to",
    "money_field",
]
