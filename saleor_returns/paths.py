"""Where the project and its local data live (read before Django settings load)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# The gettext catalogs of the app's own text: <language>/LC_MESSAGES/django.po (see catalogs.py).
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def data_dir() -> Path:
    """Local state for `make run` and tests: embedded PostgreSQL, secret key, media."""
    return Path(os.environ.get("DATA_DIR", BASE_DIR / ".data")).resolve()
