"""What the portal calls the API's codes, in the visitor's language."""

from django.utils.translation import gettext_lazy as _

STATUS_LABELS = {
    "REQUESTED": _("Received"),
    "PENDING_REVIEW": _("In review"),
    "APPROVED": _("Approved: send it back"),
    "REJECTED": _("Not accepted"),
    "CANCELED": _("Canceled"),
    "AWAITING_SHIPMENT": _("Waiting for your parcel"),
    "IN_TRANSIT": _("On its way to us"),
    "RECEIVED": _("Arrived at the shop"),
    "INSPECTED": _("Checked"),
    "RESOLVED": _("Done"),
    "CLOSED": _("Closed"),
}
# Where a return stands, as steps a customer recognises.
PROGRESS = [
    (_("Requested"), {"REQUESTED", "PENDING_REVIEW"}),
    (_("Approved"), {"APPROVED", "AWAITING_SHIPMENT"}),
    (_("On its way"), {"IN_TRANSIT"}),
    (_("Arrived"), {"RECEIVED", "INSPECTED"}),
    (_("Done"), {"RESOLVED", "CLOSED"}),
]
RESOLUTION_LABELS = {
    "REFUND": _("Refund to the original payment"),
    "STORE_CREDIT": _("Store credit (a gift card)"),
    "EXCHANGE": _("Exchange for another size or colour"),
    "KEEP_ITEM": _("Keep the item, with a refund"),
    "REPLACEMENT": _("A replacement"),
}
EVENT_LABELS = {
    "CREATED": _("Return requested"),
    "STATUS_CHANGED": _("Status changed"),
    "LINES_APPROVED": _("Items approved"),
    "INFO_REQUESTED": _("The shop asked for more information"),
    "INFO_ADDED": _("You added information"),
    "NOTE_ADDED": _("Message from the shop"),
    "AUTO_REVIEWED": _("Reviewed"),
    "TRACKING_ADDED": _("Tracking number added"),
    "LINES_RECEIVED": _("Items received"),
    "LINES_INSPECTED": _("Items checked"),
    "REFUND_STARTED": _("Refund started"),
    "REFUND_SUCCEEDED": _("Refund made"),
    "REFUND_FAILED": _("Refund delayed"),
    "SHIPPING_FLAGGED": _("Problem with the parcel"),
}
COMPONENT_LABELS = {
    "ITEMS": _("Items"),
    "RESTOCKING_FEE": _("Restocking fee"),
    "RETURN_SHIPPING_FEE": _("Return shipping"),
    "ORIGINAL_SHIPPING": _("Original shipping paid back"),
    "STORE_CREDIT_BONUS": _("Store credit bonus"),
    "EXCHANGE_PRICE_DIFFERENCE": _("Price difference of the exchange"),
}
TRACKING_LABELS = {
    "label_created": _("Label created"),
    "in_transit": _("In transit"),
    "out_for_delivery": _("Out for delivery"),
    "available_for_pickup": _("Ready for pickup"),
    "delivered": _("Delivered to the shop"),
    "exception": _("Delayed"),
    "returned_to_sender": _("Returned to sender"),
    "lost": _("Lost"),
    "cancelled": _("Cancelled"),
}
REFUND_STATUS_LABELS = {
    "pending": _("Being prepared"),
    "processing": _("On its way to you"),
    "succeeded": _("Paid"),
    "failed": _("Delayed: the shop is looking into it"),
}
REFUND_KIND_LABELS = {
    "original_payment": _("to your original payment method"),
    "legacy_payment": _("to your original payment method"),
    "store_credit": _("as store credit"),
}
# An e-mail to the customer, as `customerMessages` says where it stands.
MESSAGE_STATUS_LABELS = {
    "SENT": _("Sent"),
    "SENDING": _("Being sent"),
    "NOT_DELIVERED": _("Could not be delivered"),
}
# The survey's scale, from 1 to 5.
RATING_LABELS = {
    "1": _("Very unhappy"),
    "2": _("Unhappy"),
    "3": _("Neither happy nor unhappy"),
    "4": _("Happy"),
    "5": _("Very happy"),
}
# What could have gone better: the codes `returnSurveySubmit` accepts (ReturnSurveyImprovementEnum), in order.
IMPROVEMENT_LABELS = {
    "FASTER_REFUND": _("A faster refund"),
    "EASIER_REQUEST": _("An easier way to ask for the return"),
    "CLEARER_INSTRUCTIONS": _("Clearer instructions"),
    "CHEAPER_RETURN_SHIPPING": _("Cheaper return shipping"),
    "BETTER_COMMUNICATION": _("Keeping me better informed"),
    "PRODUCT_AS_DESCRIBED": _("Products as described"),
    "OTHER": _("Something else"),
}
