"""The satisfaction survey's page: opened by the invitation's link, or from a closed return's page.

The invitation's link (`survey?link=rpl_…`) opens a session for that one survey and the page
drops the token from the address, as a return's link does; its calls name the link and nothing
else (`returnSurvey`, `returnSurveySubmit`). A visitor who proved the order (or follows the
return's link) reaches the same page from the return's, and answers as the return's owner.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saleor_returns.models.portal import PortalSession
from saleor_returns.portal import sessions
from saleor_returns.portal.forms import Form
from saleor_returns.portal.views.base import Visit, page, portal_view, redirect
from saleor_returns.portal.views.texts import IMPROVEMENT_LABELS, RATING_LABELS
from saleor_returns.return_links import InvalidPortalLink, LinkPurpose, read_link_token

SURVEY_FIELDS = ("rating", "improvements", "comment")
# A survey session lasts a day at most; the link itself stays valid for its month.
SURVEY_SESSION_TTL = timedelta(days=1)
# The API's refusals of an answer's fields, in the visitor's words.
FIELD_ERRORS = {
    "rating": gettext_lazy("Choose how happy you are, from 1 to 5."),
    "improvements": gettext_lazy("Choose among the suggestions."),
    "comment": gettext_lazy("Keep your comment under 2,000 characters."),
}


@portal_view(methods=("GET", "POST"))
def survey(visit: Visit):
    """The survey of the invitation's link; `?link=rpl_…` starts its session, then the address goes without it."""
    token = visit.request.GET.get("link", "")
    if token and visit.request.method == "GET":
        return _open_link(visit, token)
    if not visit.survey_link:
        return redirect(visit)
    return _survey_page(visit, {"link": visit.survey_link}, here="survey")


@portal_view(methods=("GET", "POST"))
def return_survey(visit: Visit, return_id: str):
    """The survey of one of the visitor's returns, from its page."""
    if visit.session is None or visit.survey_link:
        return redirect(visit)
    return _survey_page(visit, {"id": return_id}, here=f"return/{return_id}/survey", back=f"return/{return_id}")


def _open_link(visit: Visit, token: str):
    try:
        link = read_link_token(token, installation_id=visit.installation.pk, purpose=LinkPurpose.SURVEY)
    except InvalidPortalLink as problem:
        return _cannot_open(visit, _(str(problem)))
    response = redirect(visit, "survey")
    sessions.start(
        response, visit.request, visit.settings, kind=PortalSession.Kind.LINK, token=token,
        expires_at=min(link.expires_at, timezone.now() + SURVEY_SESSION_TTL), return_request_id=link.return_request_id,
    )
    return response


def _cannot_open(visit: Visit, message: str):
    return page(visit, "portal/problem.html", {
        "title": _("This link cannot be opened"), "message": message, "start_again": True,
    }, status=400)


def _survey_page(visit: Visit, who: dict, *, here: str, back: str = ""):
    post = visit.request.POST if visit.request.method == "POST" else None
    form = Form("survey", SURVEY_FIELDS, post)
    chosen = [code for code in post.getlist("survey-improvements") if code in IMPROVEMENT_LABELS] if post else []
    refusals = _submit(visit, who, form, chosen) if post is not None else []
    if post is not None and not form.has_errors and not refusals:
        return redirect(visit, f"{here}?done=1")
    result = visit.call("survey", who)
    invitation = result.data.get("returnSurvey")
    if invitation is None:
        if "link" in who and result.errors:
            return _cannot_open(visit, _(result.errors[0]["message"]))
        return page(visit, "portal/problem.html", {
            "title": _("This return cannot be found"),
            "message": _("It is not one of your returns, or the link is for another one."),
            "start_again": True,
        }, status=404)
    answer = invitation["survey"]
    if refusals:
        form.add_error(None, _("Your answer can no longer be changed.") if answer
                       else _("The survey opens once your return is done."))
    if post is None and answer:
        form["rating"].value = str(answer["rating"])
        form["comment"].value = answer["comment"]
        chosen = answer["improvements"]
    return page(visit, "portal/survey.html", {
        "invitation": invitation,
        "answer": _dated(answer),
        "state": "open" if invitation["isOpen"] else "closed" if answer else "not_yet",
        "form": form,
        "errors": form.summary(),
        "ratings": list(RATING_LABELS.items()),
        "improvements": [(code, label, code in chosen) for code, label in IMPROVEMENT_LABELS.items()],
        "here": here,
        "back": back,
        "done": bool(visit.request.GET.get("done")) and post is None,
    }, status=400 if form.has_errors else 200)


def _submit(visit: Visit, who: dict, form: Form, chosen: list[str]) -> list[dict]:
    """Send the answer; field errors are placed on `form`, and the refusals of the whole answer returned
    (the survey not open, or no longer: the page says which once it knows the survey's state)."""
    if form["rating"].value not in RATING_LABELS:
        form.add_error("rating", FIELD_ERRORS["rating"])
        return []
    payload = visit.call("survey_submit", {
        **who, "rating": int(form["rating"].value), "improvements": chosen, "comment": form["comment"].value,
    }).payload("returnSurveySubmit")
    refusals = []
    for error in payload["errors"]:
        field = error.get("field")
        if field in FIELD_ERRORS:
            form.add_error(field, FIELD_ERRORS[field])
        elif error["code"] == "INVALID_TRANSITION":
            refusals.append(error)
        else:
            # A link that died meanwhile: the link's own words, which the catalogs have.
            form.add_error(None, _(error["message"]))
    return refusals


def _dated(answer: dict | None) -> dict | None:
    if answer is None:
        return None
    return {
        **answer,
        "rating_label": RATING_LABELS.get(str(answer["rating"]), ""),
        "improvement_labels": [IMPROVEMENT_LABELS[code] for code in answer["improvements"] if code in IMPROVEMENT_LABELS],
        "submitted": datetime.fromisoformat(answer["submittedAt"]),
        "changeable_until": datetime.fromisoformat(answer["changeableUntil"]),
    }
