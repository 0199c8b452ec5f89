"""A return request's outside calls: the automatic review (asking Saleor for the customer's orders
when a rule needs them) and the sweep of evidence no request took."""

from decimal import Decimal

from celery import shared_task

from saleor_returns import policies
from saleor_returns.models import ReturnRequest
from saleor_returns.requests import evidence, review
from saleor_returns.saleor.client import SaleorClient
from saleor_returns.states import ReturnStatus
from saleor_returns.task_schedule import RETRY_OPTIONS


@shared_task(name="saleor_returns.review_return_request", **RETRY_OPTIONS)
def review_return_request_task(return_request_id: str) -> None:
    """Auto-review a new request; asks Saleor for the customer's order count when a rule needs it."""
    return_request = ReturnRequest.objects.select_related("installation", "policy").filter(pk=return_request_id).first()
    if return_request is None or return_request.status != ReturnStatus.REQUESTED:
        return
    rules = policies.PolicyRules.from_json(return_request.policy.rules)
    rate = None
    if rules.auto_approval.enabled and rules.auto_approval.max_customer_return_rate is not None:
        rate = customer_return_rate(return_request)
    review.review_return_request(return_request_id=return_request.pk, customer_return_rate=rate)


def customer_return_rate(return_request) -> Decimal | None:
    """Earlier return requests per order placed, for this customer in this shop (None if unknown)."""
    if not return_request.customer_email:
        return None
    data = SaleorClient.for_installation(return_request.installation).query(
        "CustomerOrderCount", {"customer": return_request.customer_email}
    )
    orders = (data.get("orders") or {}).get("totalCount") or 0
    if orders == 0:
        return None
    returns = review.customer_return_stats(
        installation=return_request.installation,
        customer_email=return_request.customer_email,
        customer_user_id=return_request.customer_user_id,
        exclude_id=return_request.pk,
    )
    return (Decimal(returns) / Decimal(orders)).quantize(Decimal("0.0001"))


@shared_task(name="saleor_returns.delete_unattached_evidence")
def delete_unattached_evidence_task() -> None:
    evidence.delete_unattached_evidence()
