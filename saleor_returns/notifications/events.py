"""The data of each event, read from a return request: what `record_message` stores and webhooks carry.

Wiring a step is one line, in the step's transaction:

    record_message(return_request, MessageEvent.APPROVED,
                   context=message_context(return_request, MessageEvent.APPROVED))

The data is plain JSON and language-neutral: amounts as `{"amount": "25.00", "currency":
"USD"}`, dates as ISO 8601, codes (`status`, `kind`, refund component codes) as the API
spells them in lower case. E-mail placeholders are made from it in the customer's language
when the message is sent; webhooks send it as the payload's `data`.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from graphql_relay import to_global_id
from prices import Money

from saleor_returns import policies
from saleor_returns.money import money
from saleor_returns.models import Refund, ReplacementOrder, ReturnAddress, ReturnRequest
from saleor_returns.notifications import catalog
from saleor_returns.models.notifications import MessageEvent
from saleor_returns.refund_components import refund_components
from saleor_returns.return_links import LinkPurpose, return_link
from saleor_returns.states import ReturnStatus

# A claim counts as granted once it left review for any status but rejected or canceled.
CLAIM_REFUSED = frozenset({ReturnStatus.REJECTED, ReturnStatus.CANCELED})


def message_context(return_request: ReturnRequest, event: str, **facts) -> dict:
    """The data of `event` for `return_request`, from its rows as they are now.

    `facts` set or override the event's own keys (`catalog.EVENT_DATA_KEYS`), e.g.
    `question=` for the question being asked; any other key raises ValueError, so a value
    no template or payload may carry (a gift card's code) cannot be slipped in.
    """
    event = MessageEvent(event)
    own_keys = catalog.EVENT_DATA_KEYS[event]
    unknown = sorted(set(facts) - set(own_keys))
    if unknown:
        raise ValueError(f"The {event.value} event carries no {', '.join(unknown)}.")
    data = _common_data(return_request)
    data.update(dict.fromkeys(own_keys))
    builder = _BUILDERS.get(event)
    if builder is not None:
        data.update(builder(return_request))
    data.update({key: plain(value) for key, value in facts.items()})
    return data


def plain(value):
    """`value` as JSON: Decimal as a string, dates in ISO 8601, Money as {amount, currency}."""
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"{type(value).__name__} is not message data.")


def _common_data(return_request: ReturnRequest) -> dict:
    return {
        "return_request_id": to_global_id("ReturnRequest", str(return_request.pk)),
        "rma_number": return_request.rma_number,
        "order_id": return_request.order_id,
        "order_number": return_request.order_number,
        "status": return_request.status,
        "kind": return_request.kind,
        "resolution": return_request.resolution,
        "lines": [
            {
                "id": to_global_id("ReturnLine", str(line.pk)),
                "order_line_id": line.order_line_id,
                "sku": line.sku,
                "product_name": line.product_name,
                "variant_name": line.variant_name,
                "reason_code": line.reason_code,
                "requested_quantity": line.requested_quantity,
                "approved_quantity": line.approved_quantity,
                "received_quantity": line.received_quantity,
                "accepted_quantity": line.accepted_quantity,
            }
            for line in return_request.lines.order_by("id")
        ],
    }


def ship_by(return_request: ReturnRequest) -> date:
    """The last full day to send the parcel: an approved return not shipped expires the day after
    (`actions.expire_unshipped_returns`), counted in the policy's time zone."""
    rules = policies.PolicyRules.from_json(return_request.policy.rules)
    since = return_request.status_changed_at or return_request.created_at
    expires_at = since + timedelta(days=rules.approved_return_expiry_days)
    return (expires_at.astimezone(ZoneInfo(rules.time_zone)) - timedelta(days=1)).date()


def _shipping(return_request: ReturnRequest) -> dict:
    shipment = return_request.shipments.order_by("-created_at").first()
    return {
        "ship_by": ship_by(return_request).isoformat(),
        "label_url": (shipment.label_url or None) if shipment else None,
        "qr_code_url": (shipment.qr_code_url or None) if shipment else None,
    }


def _approved(return_request: ReturnRequest) -> dict:
    address = (
        ReturnAddress.objects.filter(installation_id=return_request.installation_id)
        .order_by("-is_default", "warehouse_id")
        .first()
    )
    fields = ("name", "company", "street1", "street2", "city", "state", "zip", "country")
    return {
        **_shipping(return_request),
        "return_address": {name: getattr(address, name) for name in fields} if address else None,
    }


def _refund(return_request: ReturnRequest) -> Refund | None:
    try:
        return return_request.refund
    except Refund.DoesNotExist:
        return None


def _refunded(return_request: ReturnRequest) -> dict:
    refund = _refund(return_request)
    if refund is None:
        return {}
    return {
        "amount": plain(money(refund.amount, refund.currency)),
        "components": [
            {"code": code, "amount": str(amount)}
            for code, amount in refund_components(refund.preview or {}, refund.amount, refund.currency)
        ],
        "method": refund.kind,
    }


def _store_credit(return_request: ReturnRequest) -> dict:
    refund = _refund(return_request)
    if refund is None:
        return {}
    return {"amount": plain(money(refund.amount, refund.currency)), "gift_card_last4": refund.gift_card_last4 or None}


def _replacement(return_request: ReturnRequest) -> dict:
    try:
        order = return_request.replacement_order
    except ReplacementOrder.DoesNotExist:
        return {}
    to_pay = order.price_difference if order.status == ReplacementOrder.Status.AWAITING_PAYMENT else None
    return {
        "replacement_order_number": order.saleor_order_number or None,
        "amount_to_pay": plain(money(to_pay, order.currency or return_request.currency)) if to_pay else None,
    }


def _claim_decided(return_request: ReturnRequest) -> dict:
    refused = return_request.status in CLAIM_REFUSED
    return {
        "decision": "rejected" if refused else "approved",
        "reason": return_request.rejection_message or None,
    }


_BUILDERS = {
    MessageEvent.APPROVED: _approved,
    MessageEvent.INFO_REQUESTED: lambda rr: {"question": rr.info_requested_message or None},
    MessageEvent.REJECTED: lambda rr: {"reason": rr.rejection_message or None},
    MessageEvent.SHIP_REMINDER: _shipping,
    MessageEvent.REFUNDED: _refunded,
    MessageEvent.STORE_CREDIT_ISSUED: _store_credit,
    MessageEvent.REPLACEMENT_PLACED: _replacement,
    MessageEvent.CLAIM_DECIDED: _claim_decided,
    MessageEvent.EXPIRED: lambda rr: {"ship_by": ship_by(rr).isoformat()},
    MessageEvent.SURVEY_INVITATION: lambda rr: {"survey_link": return_link(rr, LinkPurpose.SURVEY)},
}
