"""Time-limited links to evidence files.

Photos are personal data: they are never under a public URL. The API hands out
links signed for one file and one hour; anyone holding the link may view the
file until then (an <img> cannot send a bearer token). Links start with
APP_PUBLIC_URL, never with the request's Host, which the client chooses: a
forged Host would otherwise send a signed link to someone else's server.
"""

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_GET

from saleor_returns.models import Evidence

SALT = "saleor_returns.evidence"
MAX_AGE_SECONDS = 3600


def evidence_url(evidence: Evidence) -> str:
    token = signing.TimestampSigner(salt=SALT).sign(str(evidence.pk))
    return settings.APP_PUBLIC_URL + reverse("evidence", args=[token])


@require_GET
def evidence_file(request, token: str):
    try:
        evidence_id = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        raise Http404("This link is not valid or has expired.") from None
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("The file is gone.")
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type, filename=evidence.filename)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
