"""My orders and returns, and the form that starts a return: items, quantities, reasons, photos, resolution."""

import uuid
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from saleor_returns.portal.forms import Form
from saleor_returns.models.portal import PortalSession
from saleor_returns.portal.views.base import Visit, page, portal_view, redirect
from saleor_returns.portal.views.start import linked_path
from saleor_returns.portal.views.texts import RESOLUTION_LABELS, STATUS_LABELS

LINE_FIELDS = ("selected", "quantity", "reason", "comment", "photos")
REQUEST_FIELDS = ("lines", "resolution", "exchangeVariantId", "customerNote")
# What a customer may ask for; keeping the item and replacements are the shop's to offer.
CUSTOMER_RESOLUTIONS = ("REFUND", "STORE_CREDIT", "EXCHANGE")
# Each variant list is a call to Saleor: the exchange picker offers the first few returnable items.
MAX_EXCHANGE_LINES = 4
LINE_ERROR_FIELDS = {"lines": "selected", "lines.quantity": "quantity", "lines.reason": "reason",
                     "lines.comment": "comment", "lines.evidenceIds": "photos"}
# A policy refusal of a whole line ("lines") that one of its fields can put right is shown at that field.
LINE_ERROR_CODES = {"QUANTITY_EXCEEDS_RETURNABLE": "quantity", "INVALID_QUANTITY": "quantity",
                    "INVALID_REASON": "reason", "EVIDENCE_REQUIRED": "photos"}


def _need_identity(visit: Visit):
    if visit.session is None:
        return redirect(visit)
    if visit.session.kind == PortalSession.Kind.LINK:
        return redirect(visit, linked_path(visit))
    return None


@portal_view()
def orders(visit: Visit):
    elsewhere = _need_identity(visit)
    if elsewhere is not None:
        return elsewhere
    data = visit.call("my_orders").data
    returns = [edge["node"] for edge in (data.get("myReturnRequests") or {}).get("edges") or []]
    for item in returns:
        item["status_label"] = STATUS_LABELS.get(item["status"], item["status"])
    return page(visit, "portal/orders.html", {
        "viewer": data.get("viewer") or {},
        "orders": data.get("myOrders") or [],
        "returns": returns,
        "is_customer": visit.session.kind == PortalSession.Kind.CUSTOMER,
    })


class LineChoice:
    """One ordered line on the form: what the API says of it, and its fields."""

    def __init__(self, index: int, line: dict, reason_groups: list[dict], data=None):
        self.index = index
        self.line = line
        self.form = Form(f"line{index}", LINE_FIELDS, data)
        self.evidence_ids = [value for value in ((data or {}).get(f"line{index}-evidence") or "").split(",") if value]
        allowed = set(line["allowedReasons"])
        self.reason_groups = [
            {"label": group["label"], "reasons": [reason for reason in group["children"] if reason["code"] in allowed]}
            for group in reason_groups
        ]
        self.reason_groups = [group for group in self.reason_groups if group["reasons"]]
        self.photo_reasons = ",".join(line["photoRequiredReasons"])
        self.exchange = None

    @property
    def selected(self) -> bool:
        return self.form["selected"].value == "1"

    @property
    def quantity_choices(self) -> list[int]:
        return list(range(1, self.line["returnableQuantity"] + 1))


def _form_context(visit: Visit, order_id: str, data=None, files_kept=None):
    result = visit.call("return_form", {"orderId": order_id})
    eligibility = result.data.get("returnEligibility")
    if eligibility is None:
        return None
    groups = result.data.get("returnReasons") or []
    choices = [LineChoice(index, line, groups, data) for index, line in enumerate(eligibility["lines"])]
    returnable = [choice for choice in choices if choice.line["isReturnable"]]
    allowed = {resolution for choice in returnable for resolution in choice.line["allowedResolutions"]}
    resolutions = [(code, RESOLUTION_LABELS[code]) for code in CUSTOMER_RESOLUTIONS if code in allowed]
    if "EXCHANGE" in allowed:
        for choice in returnable[:MAX_EXCHANGE_LINES]:
            found = visit.call("exchange_candidates", {"orderId": order_id, "orderLineId": choice.line["orderLineId"]})
            choice.exchange = found.data.get("returnExchangeCandidates")
    request_form = Form("request", REQUEST_FIELDS, data)
    if not request_form["resolution"].value and resolutions:
        request_form["resolution"].value = resolutions[0][0]
    return {
        "order": eligibility,
        "choices": choices,
        "returnable": returnable,
        "not_returnable": [choice for choice in choices if not choice.line["isReturnable"]],
        "resolutions": resolutions,
        "offers_exchange": "EXCHANGE" in dict(resolutions),
        "request_form": request_form,
        "idempotency_key": (data or {}).get("idempotencyKey") or uuid.uuid4().hex,
    }


def _not_found(visit: Visit):
    return page(visit, "portal/problem.html", {
        "title": _("This order cannot be found"),
        "message": _("It is not one of your orders, or it can no longer be returned."),
    }, status=404)


@portal_view(methods=("GET", "POST"))
def new_return(visit: Visit, order_id: str):
    elsewhere = _need_identity(visit)
    if elsewhere is not None:
        return elsewhere
    post = visit.request.POST if visit.request.method == "POST" else None
    context = _form_context(visit, order_id, post)
    if context is None:
        return _not_found(visit)
    if post is None:
        return page(visit, "portal/return_form.html", context)
    created = _submit(visit, order_id, context)
    if created is not None:
        return redirect(visit, f"return/{created}")
    return page(visit, "portal/return_form.html", {**context, "errors": _summary(context)}, status=400)


def _summary(context) -> list[tuple[str, str]]:
    items = context["request_form"].summary()
    for choice in context["choices"]:
        items += choice.form.summary()
    return items


def _quantity(choice: LineChoice) -> int | None:
    try:
        quantity = int(Decimal(choice.form["quantity"].value or "1"))
    except (InvalidOperation, ValueError):
        choice.form.add_error("quantity", _("Enter a whole number of items."))
        return None
    return quantity


def _upload_photos(visit: Visit, choice: LineChoice) -> bool:
    """Send the line's new photos to the API; their ids join the ones sent before. False when one was refused."""
    for upload in visit.request.FILES.getlist(f"line{choice.index}-photos"):
        payload = visit.call("evidence_upload", {"file": upload}).payload("returnEvidenceUpload")
        if payload["errors"]:
            for error in payload["errors"]:
                choice.form.add_error("photos", f"{upload.name}: {error['message']}")
            return False
        choice.evidence_ids.append(payload["evidence"]["id"])
    return True


def _submit(visit: Visit, order_id: str, context) -> str | None:
    """Upload the photos, then make the request; the new request's id, or None with the errors placed."""
    request_form = context["request_form"]
    chosen = [choice for choice in context["returnable"] if choice.selected]
    quantities = {choice.index: _quantity(choice) for choice in chosen}
    if not chosen:
        request_form.add_error("lines", _("Choose at least one item to return."))
    resolution = request_form["resolution"].value
    if resolution not in dict(context["resolutions"]):
        request_form.add_error("resolution", _("Choose what you would like instead."))
    if request_form.has_errors or any(choice.form.has_errors for choice in chosen):
        return None
    if not all(_upload_photos(visit, choice) for choice in chosen):
        return None
    lines = [
        {"orderLineId": choice.line["orderLineId"], "quantity": quantities[choice.index],
         "reason": choice.form["reason"].value, "comment": choice.form["comment"].value,
         "evidenceIds": choice.evidence_ids}
        for choice in chosen
    ]
    request_input = {
        "orderId": order_id, "kind": "EXCHANGE" if resolution == "EXCHANGE" else "RETURN", "resolution": resolution,
        "lines": lines, "customerNote": request_form["customerNote"].value,
        "idempotencyKey": context["idempotency_key"],
    }
    if resolution == "EXCHANGE" and request_form["exchangeVariantId"].value:
        request_input["exchangeVariantId"] = request_form["exchangeVariantId"].value
    payload = visit.call("return_create", {"input": request_input}).payload("returnRequestCreate")
    if not payload["errors"]:
        return payload["returnRequest"]["id"]
    by_line = {choice.line["orderLineId"]: choice for choice in chosen}
    for error in payload["errors"]:
        field = error.get("field")
        targets = [by_line[line] for line in error.get("lines") or [] if line in by_line]
        if targets and field in LINE_ERROR_FIELDS:
            target = LINE_ERROR_CODES.get(error["code"]) if field == "lines" else None
            for choice in targets:
                choice.form.add_error(target or LINE_ERROR_FIELDS[field], error["message"])
        else:
            request_form.add_error(field, error["message"])
    return None
