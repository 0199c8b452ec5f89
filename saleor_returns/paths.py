"""Where the project and its local data live (read before Django settings load)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Local state for `make run` and tests: embedded PostgreSQL, secret key, media."""
    return Path(os.environ.get("DATA_DIR", BASE_DIR / ".data")).resolve()
