"""Which language the portal speaks: the visitor's choice, else the order's, else the browser's."""

from django.utils import translation

LANGUAGES = ("en", "zh-hans")
# The switcher's choice, kept for the shop's portal path only.
COOKIE = "portal_lang"
# For <html lang> and hreflang: BCP 47.
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}


def from_saleor(language_code: str | None) -> str:
    """Saleor's LanguageCodeEnum (EN_US, ZH_HANS, ZH_CN, …) as a portal language; "" when it speaks neither."""
    code = (language_code or "").upper().replace("-", "_")
    if code.startswith("EN"):
        return "en"
    if code in ("ZH", "ZH_HANS", "ZH_CN", "ZH_SG", "ZH_HANS_CN", "ZH_HANS_SG"):
        return "zh-hans"
    return ""


def choose(request, order_language: str = "") -> str:
    chosen = request.COOKIES.get(COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    if order_language in LANGUAGES:
        return order_language
    # Django's reading of Accept-Language: q-values weighed, zh-CN and zh-Hans both Simplified Chinese.
    browser = translation.get_language_from_request(request).lower()
    return browser if browser in LANGUAGES else "en"
