"""The layout of the design card does not shadow anything."""

import subprocess
import sys
from pathlib import Path

from saleor_returns.paths import BASE_DIR


def run_python(code: str, cwd: Path) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()


def test_graphql_is_graphql_core_even_from_the_project_folder():
    location = run_python("import graphql; print(graphql.__file__)", BASE_DIR)
    assert "site-packages" in location
    assert Path(location).parent.parent != BASE_DIR


def test_migrations_are_installed_inside_the_package_only(tmp_path):
    # From a neutral folder, as an installed app would run.
    location = run_python("import saleor_returns.migrations as m; print(m.__file__)", tmp_path)
    assert Path(location) == BASE_DIR / "migrations" / "__init__.py"
    missing = run_python("import importlib.util; print(importlib.util.find_spec('migrations'))", tmp_path)
    assert missing == "None"


def test_graphql_folder_is_not_a_python_package():
    assert not (BASE_DIR / "graphql" / "__init__.py").exists()
    assert not (BASE_DIR / "graphql" / "saleor" / "__init__.py").exists()
