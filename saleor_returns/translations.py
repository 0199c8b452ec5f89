"""The app's languages and how a message is said in one of them, through Django's gettext catalogs.

Messages live in `saleor_returns/locale/<language>/LC_MESSAGES/django.po` (see `catalogs`).
Code marks them with Django's `gettext` family; text meant for a reader other than the
current request (a stored note, a reason label seeded for both languages) is said with
`in_language`, which overrides the active language for that one message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from django.conf import settings
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import ngettext

ENGLISH = "en"
CHINESE = "zh-hans"
# The app's languages by the short names a table read in every language is keyed by.
SHORT_NAMES = {"en": ENGLISH, "zh": CHINESE}


def language_code(language: str | None) -> str:
    """The code in LANGUAGES for a language tag (`zh-CN`, `zh_Hans`, `en-GB`); LANGUAGE_CODE otherwise.

    Django's own matching: a regional variant falls back to its language, `zh-*` to `zh-hans`.
    """
    try:
        return translation.get_supported_language_variant((language or "").replace("_", "-").lower())
    except LookupError:
        return settings.LANGUAGE_CODE


class Plural(NamedTuple):
    """A message with a singular and a plural form, the form chosen by the parameter `count`."""

    singular: str
    plural: str
    count: str

    def template(self, params: dict) -> str:
        """The message in the active language, in the form `params[count]` asks for."""
        return ngettext(self.singular, self.plural, int(params[self.count]))


def ngettext_noop(singular: str, plural: str, count: str) -> Plural:
    """Marks a plural message for extraction; it is translated when said (`Plural.template`)."""
    return Plural(singular, plural, count)


def template(message, params: dict) -> str:
    """A marked message (lazy text or `Plural`) in the active language, ready for `str.format`."""
    return message.template(params) if isinstance(message, Plural) else str(message)


def in_language(language: str, message, params: dict | None = None) -> str:
    """A marked message said in `language` whatever language is active."""
    with translation.override(language_code(language)):
        return template(message, params or {})


# Evaluated when it is used (saved into a column, formatted), not when the module loads,
# so modules can name translated text before Django's translation machinery is ready.
in_language_lazy = lazy(in_language, str)


class InEveryLanguage(Mapping):
    """A table of marked messages read in every language: key -> {"en": text, "zh": text}.

    Nested tables stay tables; a `Plural` is read in its form for many.
    """

    def __init__(self, table: Mapping):
        self._table = table

    def __getitem__(self, key):
        message = self._table[key]
        if isinstance(message, Mapping):
            return InEveryLanguage(message)
        params = {message.count: 2} if isinstance(message, Plural) else {}
        return {short: in_language(code, message, params) for short, code in SHORT_NAMES.items()}

    def __iter__(self) -> Iterator:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)
