"""Resolution's outside calls for exchanges and replacements: the new item's order made in Saleor
(found again by its external reference on a retry), and a dearer exchange's payment confirmed."""

from decimal import Decimal

from celery import shared_task

from saleor_returns import policy_rules
from saleor_returns.models import ReplacementOrder, ReturnKind
from saleor_returns.money import money_from_saleor, quantize
from saleor_returns.resolutions import actions
from saleor_returns.saleor.client import SaleorClient, SaleorMutationError
from saleor_returns.saleor.variants import variant_unit_price
from saleor_returns.task_schedule import RETRY_OPTIONS


@shared_task(name="saleor_returns.create_replacement_order", **RETRY_OPTIONS)
def create_replacement_order_task(replacement_id: str) -> None:
    """Create and complete the no-charge order; a retry finds the draft by its external reference."""
    replacement = ReplacementOrder.objects.select_related("return_request__installation").filter(pk=replacement_id).first()
    if replacement is None or replacement.status != ReplacementOrder.Status.PENDING:
        return
    return_request = replacement.return_request
    client = SaleorClient.for_installation(return_request.installation)
    order = client.query("OrdersByExternalReference", {"reference": replacement.marker}).get("order")
    if order is None:
        original = client.query("OrderForReplacement", {"id": return_request.order_id}).get("order")
        if original is None:
            actions.finish_replacement_order(replacement_id=replacement.pk, error="The original order is gone from Saleor.")
            return
        unit_price = "0"
        if return_request.kind == ReturnKind.EXCHANGE:
            difference = _exchange_difference(client, replacement, original["channel"]["id"])
            if difference is None:
                actions.finish_replacement_order(replacement_id=replacement.pk,
                                                 error="The chosen item is not sold in this channel.")
                return
            # The customer pays a dearer item's difference; never more than that, never without paying.
            if difference > 0:
                unit_price = str(quantize(difference / replacement.quantity, return_request.currency))
        delivery = original.get("deliveryMethod") or {}
        draft_input = {
            "channelId": original["channel"]["id"],
            "externalReference": replacement.marker,
            "shippingAddress": _address_input(original.get("shippingAddress")),
            "billingAddress": _address_input(original.get("billingAddress")),
            "shippingMethod": delivery.get("id") if delivery.get("__typename") == "ShippingMethod" else None,
            # No charge: the returned item (or the claim) pays for it.
            "lines": [{"variantId": replacement.variant_id, "quantity": replacement.quantity, "price": unit_price}],
            "metadata": [{"key": "saleor-returns.rma", "value": return_request.rma_number}],
        }
        if (original.get("user") or {}).get("id"):
            draft_input["user"] = original["user"]["id"]
        else:
            draft_input["userEmail"] = original.get("userEmail") or return_request.customer_email
        try:
            order = client.mutate("DraftOrderCreate", {"input": {k: v for k, v in draft_input.items() if v is not None}})[
                "draftOrderCreate"]["order"]
        except SaleorMutationError as error:
            actions.finish_replacement_order(replacement_id=replacement.pk, error=str(error))
            return
    replacement.refresh_from_db()
    if order["status"] == "DRAFT":
        try:
            order = _waive_new_parcel_shipping(client, replacement, order)
        except SaleorMutationError as error:
            actions.finish_replacement_order(replacement_id=replacement.pk, error=str(error))
            return
    # What Saleor says the new order costs decides: the difference of a dearer item, and
    # the shipping when the shop charges it, are the customer's to pay; never charged here.
    if order["status"] == "DRAFT" and money_from_saleor(order["total"]["gross"]).amount > 0:
        actions.await_replacement_payment(replacement_id=replacement.pk, order_id=order["id"], order_number=order["number"])
        return
    if order["status"] == "DRAFT":
        try:
            order = client.mutate("DraftOrderComplete", {"id": order["id"]})["draftOrderComplete"]["order"]
        except SaleorMutationError as error:
            actions.finish_replacement_order(replacement_id=replacement.pk, error=str(error))
            return
    actions.finish_replacement_order(replacement_id=replacement.pk, order_id=order["id"], order_number=order["number"])


@shared_task(name="saleor_returns.confirm_replacement_payment", **RETRY_OPTIONS)
def confirm_replacement_payment_task(replacement_id: str) -> None:
    """A dearer exchange's order: resolve the return once Saleor says it is placed and paid in full.

    Run on ORDER_FULLY_PAID and by beat (a webhook may be lost, or the shop installed
    the app before it asked for that event). A draft deleted in Saleor fails the
    replacement, so staff can make a new one with returnReplacementRetry.
    """
    replacement = ReplacementOrder.objects.select_related("return_request__installation").filter(pk=replacement_id).first()
    if replacement is None or replacement.status != ReplacementOrder.Status.AWAITING_PAYMENT:
        return
    client = SaleorClient.for_installation(replacement.return_request.installation)
    order = client.query("OrderPaymentState", {"id": replacement.saleor_order_id}).get("order")
    if order is None:
        actions.fail_awaiting_replacement(
            replacement_id=replacement.pk, error="The exchange order waiting for payment is gone from Saleor."
        )
        return
    if order["status"] != "DRAFT" and order["chargeStatus"] in ("FULL", "OVERCHARGED"):
        actions.confirm_replacement_paid(replacement_id=replacement.pk, order_number=str(order["number"]))


@shared_task(name="saleor_returns.reconcile_replacement_payments")
def reconcile_replacement_payments_task() -> None:
    """Beat: every exchange order waiting for payment is looked at in Saleor again."""
    waiting = ReplacementOrder.objects.filter(status=ReplacementOrder.Status.AWAITING_PAYMENT).values_list("pk", flat=True)
    for replacement_id in waiting:
        confirm_replacement_payment_task.delay(str(replacement_id))


def _waive_new_parcel_shipping(client: SaleorClient, replacement, order: dict) -> dict:
    """The new parcel's shipping off a draft, unless the policy charges it (exchanges only).

    Saleor needs a shipping method to complete a shippable draft and prices it in;
    a manual discount of exactly the shipping leaves the order costing its lines:
    the price difference of a dearer item, or nothing. Idempotent: a draft found
    again after a lost answer already costs its lines, and nothing is added twice.
    """
    return_request = replacement.return_request
    rules = policy_rules.PolicyRules.from_json(return_request.policy.rules)
    if return_request.kind == ReturnKind.EXCHANGE and rules.exchange_shipping_charged:
        return order
    total = money_from_saleor(order["total"]["gross"])
    difference = replacement.price_difference or Decimal(0)
    unit_price = quantize(difference / replacement.quantity, total.currency) if difference > 0 else Decimal(0)
    shipping = total.amount - unit_price * replacement.quantity
    if shipping <= 0:
        return order
    result = client.mutate("OrderDiscountAdd", {"orderId": order["id"], "input": {
        "valueType": "FIXED", "value": str(shipping), "reason": f"{return_request.rma_number}: free shipping",
    }})
    return result["orderDiscountAdd"]["order"]


def _exchange_difference(client: SaleorClient, replacement, channel_id: str) -> Decimal | None:
    """New item's price minus what was paid for the returned units (kept on the row before any order)."""
    if replacement.price_difference is not None:
        return replacement.price_difference
    unit_price = variant_unit_price(None, replacement.variant_id, channel_id, client=client)
    if unit_price is None:
        return None
    difference = unit_price * replacement.quantity - actions.returned_units_paid(replacement.return_request)
    return actions.record_exchange_difference(replacement_id=replacement.pk, difference=difference)


def _address_input(address: dict | None) -> dict | None:
    if not address:
        return None
    fields = ("firstName", "lastName", "companyName", "streetAddress1", "streetAddress2", "city", "cityArea",
              "postalCode", "countryArea", "phone")
    result = {name: address.get(name) or "" for name in fields}
    result["country"] = (address.get("country") or {}).get("code")
    return result
