"""GraphQL enums, made from the domain's choices so the two never drift apart."""

import graphene

from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models import ApiKey, Condition, Disposition, Resolution, ReturnEvent, ReturnKind
from saleor_returns.refund_components import COMPONENTS, EXCHANGE_PRICE_DIFFERENCE
from saleor_returns.states import ReturnStatus
from saleor_returns.models.surveys import SurveyImprovement


def _enum(name: str, values, description: str):
    return graphene.Enum(name, [(value.upper(), value) for value in values], description=description)


ReturnStatusEnum = _enum("ReturnStatusEnum", ReturnStatus.values, "Where a return request is in its lifecycle.")
ReturnKindEnum = _enum(
    "ReturnKindEnum", ReturnKind.values, "A return, an exchange, or a claim for a parcel that arrived wrong or not at all."
)
ResolutionEnum = _enum("ResolutionEnum", Resolution.values, "What the customer gets back.")
ConditionEnum = _enum("ConditionEnum", Condition.values, "The state a returned item arrived in.")
DispositionEnum = _enum("DispositionEnum", Disposition.values, "What happens to a returned item.")
ReturnEventTypeEnum = _enum("ReturnEventTypeEnum", ReturnEvent.Type.values, "What happened on the timeline.")
RefundComponentEnum = _enum(
    "RefundComponentEnum",
    [name for name, _ in COMPONENTS] + [EXCHANGE_PRICE_DIFFERENCE],
    "A part of a refund: what was paid for the items, a fee the shop keeps, shipping paid back, a bonus.",
)
ReturnErrorCodeEnum = _enum(
    "ReturnErrorCode", [code.value for code in ReturnErrorCode], "Why a request about returns was refused."
)


class ReturnRequestSortField(graphene.Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    NUMBER = "number"
    STATUS = "status"


class SortDirection(graphene.Enum):
    ASC = "asc"
    DESC = "desc"


class PolicyPresetEnum(graphene.Enum):
    NONE = ""
    CN_7_DAY = "cn_7_day"
    EU_14_DAY = "eu_14_day"
ApiKeyScopeEnum = graphene.Enum(
    "ApiKeyScope",
    [(value, value) for value in ApiKey.Scope.values],
    description=(
        "What an API key may do: the Saleor permissions the app's work needs (a creator grants only those they "
        "hold), or GUEST_LOOKUP for a storefront's server looking orders up for its guests."
    ),
)
ApiKeyRevokedReasonEnum = _enum(
    "ApiKeyRevokedReason", ApiKey.RevokedReason.values, "Why an API key stopped working before its expiry."
)
ApiKeyStatusEnum = graphene.Enum("ApiKeyStatus", [("ACTIVE", "ACTIVE"), ("EXPIRED", "EXPIRED"), ("REVOKED", "REVOKED")])
SurveyImprovementEnum = _enum(
    "ReturnSurveyImprovementEnum", SurveyImprovement.values, "What the customer says could have gone better."
)
