"""The templates and words shipped with the app, per language: `default_templates/<language>.toml`.

Each file has one table per event (`subject`, `text`, `html`) and a `labels` table of the
words placeholders are made of (refund components, payment methods, the unsubscribe page).
"""

import tomllib
from functools import lru_cache
from pathlib import Path

from saleor_returns.models.notifications import EVENTS

DEFAULTS_DIR = Path(__file__).resolve().parent / "default_templates"
LANGUAGES = ("en", "zh-hans")
DEFAULT_LANGUAGE = "en"
FIELDS = ("subject", "text", "html")


def language_for(language_code: str | None) -> str:
    """The template language for Saleor's LanguageCodeEnum (`ZH_HANS`, `EN_US`) or a tag (`zh-Hans`).

    Any Chinese reads the Simplified Chinese templates; every other language English.
    """
    code = (language_code or "").replace("_", "-").lower()
    return "zh-hans" if code == "zh" or code.startswith("zh-") else DEFAULT_LANGUAGE


@lru_cache(maxsize=None)
def _defaults(language: str) -> dict:
    with (DEFAULTS_DIR / f"{language}.toml").open("rb") as file:
        return tomllib.load(file)


def default_template(event: str, language: str) -> dict[str, str]:
    if event not in EVENTS:
        raise ValueError(f"{event!r} is not an event with messages.")
    table = _defaults(language)[str(event)]
    return {field: table[field] for field in FIELDS}


def labels(language: str) -> dict[str, str]:
    return _defaults(language)["labels"]
