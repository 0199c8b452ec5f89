"""`make run` installs what running needs; the test tools come with `make test` only."""

import re

from saleor_returns.paths import BASE_DIR


def rule(makefile: str, target: str) -> tuple[str, list[str]]:
    match = re.search(rf"^{re.escape(target)}:(.*)\n((?:\t.*\n)*)", makefile, re.MULTILINE)
    assert match, target
    return match.group(1), match.group(2).splitlines()


def test_make_run_installs_no_test_extras():
    makefile = (BASE_DIR / "Makefile").read_text()
    run_prerequisites, _ = rule(makefile, "run")
    stamp_prerequisites, stamp_recipe = rule(makefile, "$(STAMP)")
    test_prerequisites, _ = rule(makefile, "test")

    assert run_prerequisites.split() == ["$(STAMP)"]
    assert not any("[test]" in line for line in stamp_recipe)
    assert sorted(stamp_prerequisites.split()) == ["pyproject.toml", "setup.cfg", "setup.py"]
    assert test_prerequisites.split() == ["$(TEST_STAMP)"]


def test_the_app_imports_nothing_from_the_test_extras():
    extras = ("factory", "hypothesis", "time_machine", "playwright", "psutil", "schemathesis", "pytest")
    for path in (BASE_DIR / "saleor_returns").rglob("*.py"):
        source = path.read_text()
        for name in extras:
            assert not re.search(rf"^\s*(import|from) {name}\b", source, re.MULTILINE), f"{path} imports {name}"


def test_installing_compiles_the_message_catalogs():
    makefile = (BASE_DIR / "Makefile").read_text()
    _, stamp_recipe = rule(makefile, "$(STAMP)")

    install = next(i for i, line in enumerate(stamp_recipe) if "-m pip install --quiet -e ." in line)
    compile_messages = next(i for i, line in enumerate(stamp_recipe) if "-m saleor_returns compile-messages" in line)
    touch = next(i for i, line in enumerate(stamp_recipe) if "touch $(STAMP)" in line)
    assert install < compile_messages < touch
