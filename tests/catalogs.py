"""Compiles the gettext catalogs the app ships as .po files into the .mo files Django reads."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from saleor_returns.paths import BASE_DIR

CATALOG_ROOTS = (BASE_DIR / "saleor_returns" / "portal" / "locale",)


def compile_catalogs(roots=CATALOG_ROOTS) -> list[Path]:
    """Every django.po under `roots` compiled beside itself; the .mo files written."""
    written = []
    for root in roots:
        for po_path in sorted(Path(root).glob("*/LC_MESSAGES/django.po")):
            with po_path.open("rb") as source:
                catalog = read_po(source, locale=po_path.parent.parent.name)
            mo_path = po_path.with_suffix(".mo")
            with mo_path.open("wb") as target:
                write_mo(target, catalog)
            written.append(mo_path)
    return written
