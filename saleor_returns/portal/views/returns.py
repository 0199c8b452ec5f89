"""A return's page: where it stands, the timeline, the parcel, the refund, and what the customer can do now."""

from datetime import UTC, datetime, timedelta

import segno
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saleor_returns.portal.forms import Form, place_errors
from saleor_returns.portal.language import HTML_LANG
from saleor_returns.portal.views.base import Visit, page, portal_view, redirect
from saleor_returns.portal.views.texts import (
    COMPONENT_LABELS,
    EVENT_LABELS,
    MESSAGE_STATUS_LABELS,
    PROGRESS,
    REFUND_KIND_LABELS,
    REFUND_STATUS_LABELS,
    RESOLUTION_LABELS,
    STATUS_LABELS,
    TRACKING_LABELS,
)
from saleor_returns.states import TRANSITIONS, ReturnStatus

INFO_FIELDS = ("message", "evidenceIds")
TRACKING_FIELDS = ("carrier", "trackingNumber")
PICKUP_FIELDS = ("date", "from", "to", "instructions")
IN_REVIEW = {"REQUESTED", "PENDING_REVIEW"}
# The survey is sent, and answered, once a return is done.
SURVEYED = {"RESOLVED", "CLOSED"}
DONE_MESSAGES = {
    "cancel": gettext_lazy("Your return is canceled."),
    "info": gettext_lazy("Thank you: the shop has your answer."),
    "tracking": gettext_lazy("Thank you: we follow your parcel from now on."),
    "label": gettext_lazy("Your label is being made; it appears here in a moment."),
    "pickup": gettext_lazy("The pickup is requested; the carrier's confirmation appears here."),
}


def qr_svg(url: str, title: str) -> str:
    """The label's address as a QR code (SVG), to open it on another device or show at the drop-off point."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, title=title, dark="#000", light="#fff")


def _forms(data=None) -> dict:
    return {
        "info": Form("info", INFO_FIELDS, data),
        "tracking": Form("tracking", TRACKING_FIELDS, data),
        "pickup": Form("pickup", PICKUP_FIELDS, data),
    }


def _decorate(return_request: dict) -> dict:
    status = return_request["status"]
    return_request["status_label"] = STATUS_LABELS.get(status, status)
    return_request["resolution_label"] = RESOLUTION_LABELS.get(return_request["resolution"], "")
    reached = next((index for index, (_label, statuses) in enumerate(PROGRESS) if status in statuses), None)
    return_request["progress"] = [
        {"label": label, "state": "done" if reached is not None and index < reached
         else "current" if index == reached else "todo"}
        for index, (label, _statuses) in enumerate(PROGRESS)
    ] if status not in ("REJECTED", "CANCELED") else []
    for event in return_request["timeline"]:
        event["when"] = datetime.fromisoformat(event["createdAt"])
        event["label"] = (STATUS_LABELS.get(event["toStatus"]) if event["type"] == "STATUS_CHANGED" and event["toStatus"]
                          else EVENT_LABELS.get(event["type"], ""))
    for shipment in return_request["shipments"]:
        shipment["tracking_label"] = TRACKING_LABELS.get(shipment["trackingStatus"] or "", "")
        for tracking in shipment["events"]:
            tracking["when"] = datetime.fromisoformat(tracking["occurredAt"])
            tracking["label"] = TRACKING_LABELS.get(tracking["status"], tracking["status"])
        if shipment["labelUrl"]:
            shipment["qr"] = mark_safe(qr_svg(shipment["labelUrl"], _("QR code of your return label")))  # noqa: S308 - segno's own SVG
    for message in return_request["customerMessages"]:
        message["when"] = datetime.fromisoformat(message["sentAt"] or message["createdAt"])
        message["status_label"] = MESSAGE_STATUS_LABELS.get(message["status"], "")
        message["html_lang"] = HTML_LANG.get(message["language"], "en")
        message["textBody"] = message["textBody"].strip()
    refund = return_request.get("refund")
    if refund:
        refund["status_label"] = REFUND_STATUS_LABELS.get(refund["status"], refund["status"])
        refund["kind_label"] = REFUND_KIND_LABELS.get(refund["kind"], "")
        for component in refund["components"]:
            component["label"] = COMPONENT_LABELS.get(component["code"], component["code"])
    return return_request


def _actions(return_request: dict) -> dict:
    status = return_request["status"]
    shipping = return_request["returnShipping"]
    labels = [s for s in return_request["shipments"] if s["method"] == "label" and s["labelStatus"] != "voided"]
    return {
        "cancel": ReturnStatus.CANCELED in TRANSITIONS.get(ReturnStatus(status.lower()), set()),
        "info": bool(return_request["infoRequestedAt"]) and status in IN_REVIEW,
        "label": status == "APPROVED" and shipping["prepaidLabel"] and not labels,
        "tracking": status in ("APPROVED", "AWAITING_SHIPMENT") and shipping["ownTracking"]
        and not return_request["shipments"],
        "pickup": status == "AWAITING_SHIPMENT" and any(
            s["labelStatus"] == "created" and not s["pickupConfirmation"] for s in labels
        ),
        "send_back": status in ("APPROVED", "AWAITING_SHIPMENT") and bool(shipping["address"]),
        "survey": status in SURVEYED,
    }


def _status_page(visit: Visit, return_id: str, forms: dict | None = None, errors=None, status: int = 200):
    data = visit.call("return_status", {"id": return_id}).data
    return_request = data.get("returnRequest")
    if return_request is None:
        return page(visit, "portal/problem.html", {
            "title": _("This return cannot be found"),
            "message": _("It is not one of your returns, or the link is for another one."),
            "start_again": True,
        }, status=404)
    done = visit.request.GET.get("done", "")
    return page(visit, "portal/return.html", {
        "return": _decorate(return_request),
        "can": _actions(return_request),
        "survey": data.get("returnSurvey") or {},
        "forms": forms or _forms(),
        "errors": errors or [],
        "done": DONE_MESSAGES.get(done, ""),
    }, status=status)


@portal_view()
def return_page(visit: Visit, return_id: str):
    if visit.session is None or visit.survey_link:
        return redirect(visit)
    return _status_page(visit, return_id)


def _after(visit: Visit, return_id: str, action: str, payload: dict, form: Form | None, forms: dict):
    if not payload["errors"]:
        return redirect(visit, f"return/{return_id}?done={action}")
    target = form or Form(action, ())
    place_errors(target, payload["errors"])
    return _status_page(visit, return_id, forms, errors=target.summary(), status=400)


def _upload(visit: Visit, form: Form, name: str) -> list[str] | None:
    ids = []
    for upload in visit.request.FILES.getlist(name):
        payload = visit.call("evidence_upload", {"file": upload}).payload("returnEvidenceUpload")
        if payload["errors"]:
            for error in payload["errors"]:
                form.add_error("evidenceIds", f"{upload.name}: {error['message']}")
            return None
        ids.append(payload["evidence"]["id"])
    return ids


def _pickup_window(form: Form, offset_minutes: str):
    """The window the visitor typed in their own time (the browser tells its offset), in UTC."""
    try:
        offset = timedelta(minutes=int(offset_minutes or "0"))
        start = datetime.fromisoformat(f"{form['date'].value}T{form['from'].value}")
        end = datetime.fromisoformat(f"{form['date'].value}T{form['to'].value}")
    except ValueError:
        form.add_error("date", _("Choose a day and a time window."))
        return None
    return ((start + offset).replace(tzinfo=UTC).isoformat(), (end + offset).replace(tzinfo=UTC).isoformat())


@portal_view(methods=("POST",))
def return_action(visit: Visit, return_id: str, action: str):
    if visit.session is None or visit.survey_link:
        return redirect(visit)
    post = visit.request.POST
    forms = _forms(post)
    variables = {"id": return_id}
    form = forms.get(action)
    if action == "cancel":
        name, key = "return_cancel", "returnRequestCancel"
    elif action == "label":
        name, key = "return_label_request", "returnRequestLabelRequest"
    elif action == "info":
        name, key = "return_add_info", "returnRequestAddInfo"
        ids = _upload(visit, form, "info-photos")
        if ids is None:
            return _status_page(visit, return_id, forms, errors=form.summary(), status=400)
        variables.update(message=form["message"].value, evidenceIds=ids)
    elif action == "tracking":
        name, key = "return_tracking_add", "returnRequestTrackingAdd"
        variables.update(carrier=form["carrier"].value, trackingNumber=form["trackingNumber"].value)
    elif action == "pickup":
        name, key = "return_pickup_schedule", "returnRequestPickupSchedule"
        window = _pickup_window(form, post.get("pickup-offset", "0"))
        if window is None:
            return _status_page(visit, return_id, forms, errors=form.summary(), status=400)
        variables.update({"from": window[0], "to": window[1], "instructions": form["instructions"].value})
    else:
        return redirect(visit, f"return/{return_id}")
    payload = visit.call(name, variables).payload(key)
    return _after(visit, return_id, action, payload, form, forms)
