"""The gettext catalogs of the app's own text: extraction, compilation and the checks on them.

`saleor_returns/locale/<language>/LC_MESSAGES/django.po` holds each language's messages;
`django.mo`, the compiled form Django reads, is built from it and never committed:
`python -m saleor_returns compile-messages` (the install step) compiles every catalog,
and the app's start (`SaleorReturnsConfig.ready`) any whose `.mo` is missing or older
than its `.po`.
`python -m saleor_returns extract-messages` collects the marked messages of the source
with Babel's extractor and merges them into every catalog, new ones untranslated.
Everything here is Babel; no system gettext is needed.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from saleor_returns.paths import LOCALE_DIR

PACKAGE_DIR = Path(__file__).resolve().parent
DOMAIN = "django"
# Locale folder names, as Django names them (zh-hans -> zh_Hans).
LOCALES = ("en", "zh_Hans")
# The language every message is written in: its catalog may leave messages untranslated.
SOURCE_LOCALE = "en"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
    "ngettext_noop": (1, 2),
}
COMMENT_TAGS = ("Translators:",)
HEADER_COMMENT = (
    "# Messages of saleor-returns in one language.\n"
    "# `python -m saleor_returns extract-messages` adds the source's new messages (see README, Translations)."
)
PLACEHOLDER = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}|%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


def po_path(locale: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=locale, domain=DOMAIN)


def extract_messages(source_dir: Path = PACKAGE_DIR) -> Catalog:
    """Every message the Python source under `source_dir` marks for translation, as a template."""
    template = Catalog(project="saleor-returns", domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        source_dir, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        location = (f"{source_dir.name}/{filename}", lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)
    return template


def update_catalogs(template: Catalog, locale_dir: Path = LOCALE_DIR) -> None:
    """Merge `template` into every language's `.po`: translations kept, new messages empty, gone ones dropped."""
    for locale in LOCALES:
        path = po_path(locale, locale_dir)
        if path.exists():
            catalog = read_catalog(path, locale)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(
                locale=locale, project="saleor-returns", domain=DOMAIN, fuzzy=False, header_comment=HEADER_COMMENT
            )
        catalog.update(template, update_creation_date=False)
        _write_atomically(path, lambda file: write_po(file, catalog, ignore_obsolete=True, include_lineno=False))


def compile_catalogs(locale_dir: Path = LOCALE_DIR, *, stale_only: bool = True) -> list[Path]:
    """Write `django.mo` beside every `django.po` that has none or an older one; the files written."""
    compiled = []
    for path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        target = path.with_suffix(".mo")
        if stale_only and target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
            continue
        catalog = read_catalog(path, path.parent.parent.name)
        _write_atomically(target, lambda file: write_mo(file, catalog))
        compiled.append(target)
    return compiled


def _write_atomically(path: Path, write) -> None:
    """Processes starting together (web, worker, beat) never read a half-written file."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def placeholders(text: str) -> set[str]:
    """The named placeholders of a message, `{name}` and `%(name)s` alike, as written."""
    found = set()
    for match in PLACEHOLDER.finditer(text):
        brace, percent = match.groups()
        found.add(f"%({percent})" if percent is not None else f"{{{brace}}}")
    return found


def _label(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return f"{msgid!r}" + (f" ({message.context})" if message.context else "")


def _messages(catalog: Catalog) -> Iterable[Message]:
    return (message for message in catalog if message.id)


def missing_messages(template: Catalog, catalog: Catalog) -> list[str]:
    """Messages of `template` that `catalog` lacks."""
    return [_label(message) for message in _messages(template) if catalog.get(message.id, message.context) is None]


def untranslated_messages(catalog: Catalog) -> list[str]:
    """Messages with an empty translation (any plural form) or marked fuzzy."""
    problems = []
    for message in _messages(catalog):
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            problems.append(f"{_label(message)}: fuzzy")
        elif not all(strings):
            problems.append(f"{_label(message)}: not translated")
    return problems


def placeholder_mismatches(catalog: Catalog) -> list[str]:
    """Translations whose placeholders differ from their message's."""
    problems = []
    for message in _messages(catalog):
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        expected = set().union(*(placeholders(msgid) for msgid in ids))
        for string in filter(None, strings):
            if placeholders(string) != expected:
                problems.append(f"{_label(message)}: {sorted(placeholders(string))} instead of {sorted(expected)}")
    return problems


def catalog_problems(template: Catalog, locale_dir: Path = LOCALE_DIR) -> dict[str, list[str]]:
    """What keeps each language from saying every message of `template`; empty lists when nothing does."""
    problems = {}
    for locale in LOCALES:
        path = po_path(locale, locale_dir)
        if not path.exists():
            problems[locale] = [f"{path} is missing"]
            continue
        catalog = read_catalog(path, locale)
        found = missing_messages(template, catalog) + placeholder_mismatches(catalog)
        if locale != SOURCE_LOCALE:
            found += untranslated_messages(catalog)
        problems[locale] = found
    return problems
