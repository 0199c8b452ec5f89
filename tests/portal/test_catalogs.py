"""The portal's messages are all translated into Simplified Chinese."""

import re

from babel.messages.pofile import read_po

from saleor_returns.paths import BASE_DIR

LOCALE = BASE_DIR / "saleor_returns" / "locale"
SOURCES = [*(BASE_DIR / "saleor_returns" / "templates" / "portal").glob("*.html"),
           *(BASE_DIR / "saleor_returns" / "portal").rglob("*.py")]
# {% translate "…" %} in templates; _("…"), gettext("…") and gettext_lazy("…") in Python.
LITERALS = re.compile(r"""(?:\{% translate\s+|(?<![\w.])(?:_|gettext|gettext_lazy)\(\s*)(?:"([^"]+)"|'([^']+)')""")


def catalog(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as source:
        return read_po(source, locale=language)


def test_every_message_has_its_chinese_translation():
    untranslated = [message.id for message in catalog("zh_Hans") if message.id and not all(
        message.string if isinstance(message.string, tuple) else [message.string])]
    assert untranslated == []


def test_every_literal_the_portal_translates_is_in_the_catalog():
    known = {message.id if isinstance(message.id, str) else message.id[0] for message in catalog("zh_Hans")}
    used = {"".join(groups) for path in SOURCES for groups in LITERALS.findall(path.read_text())}
    assert used and sorted(used - known) == []
