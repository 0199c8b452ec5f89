"""What every bench does before Django starts: the project on the path, the bench's own data and log level.

A bench runs as a script (`.venv/bin/python bench/<name>.py`), so bench/ is on the path and this module
imports as `_setup`.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(data_dir: str = "bench", log_level: str = "WARNING") -> Path:
    """Put the project on the path and default the settings a bench runs with; returns the project's root."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_returns.settings")
    os.environ.setdefault("SALEOR_RETURNS_DEV", "1")
    os.environ.setdefault("DATA_DIR", str(ROOT / ".data" / data_dir))
    os.environ.setdefault("LOG_LEVEL", log_level)
    return ROOT
