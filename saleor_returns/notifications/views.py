"""The unsubscribe page: GET asks, POST opts out (also the one-click POST of RFC 8058 mail clients)."""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from saleor_returns.notifications.defaults import DEFAULT_LANGUAGE, labels
from saleor_returns.notifications.email import shop_name
from saleor_returns.models.notifications import SenderSettings
from saleor_returns.notifications.templates import HTML_LANGUAGES
from saleor_returns.notifications.unsubscribe import InvalidUnsubscribeLink, message_of, opt_out


# Mail clients post the one-click unsubscribe without a CSRF token; the signed link is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        message = message_of(token)
    except InvalidUnsubscribeLink:
        words = labels(DEFAULT_LANGUAGE)
        return _page(request, DEFAULT_LANGUAGE, title=words["unsubscribe_title"], text=words["unsubscribe_invalid"],
                     status=404)
    language = message.language or DEFAULT_LANGUAGE
    words = labels(language)
    shop = shop_name(message.installation, SenderSettings.objects.filter(installation=message.installation).first())
    if request.method == "POST":
        opt_out(message)
        return _page(request, language, title=words["unsubscribe_title"], text=words["unsubscribe_done"].format(shop=shop))
    return _page(request, language, title=words["unsubscribe_title"],
                 text=words["unsubscribe_question"].format(shop=shop), ask=True, button=words["unsubscribe_button"])


def _page(request, language: str, *, status: int = 200, **context):
    response = render(
        request, "saleor_returns/unsubscribe.html", {"html_language": HTML_LANGUAGES[language], **context}, status=status
    )
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
