"""Command line: `python -m saleor_returns run` (the whole app), `manage <django command>`,
`compile-messages` (the install step), `extract-messages` (after changing the app's text) or
`rebuild-rollups` (the analytics rollups recomputed from the sales ledger and return lines)."""

import os
import sys

from saleor_returns.catalogs import catalog_problems, compile_catalogs, extract_messages, update_catalogs


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_returns.settings")
    if command == "run":
        from saleor_returns.runner import run  # noqa: PLC0415 - keeps `manage` free of runner imports

        return run()
    if command == "compile-messages":
        for path in compile_catalogs(stale_only=False):
            print(f"compiled {path}")
        return 0
    if command == "extract-messages":
        return _extract_messages()
    if command == "rebuild-rollups":
        return _rebuild_rollups()
    if command == "manage":
        from django.core.management import execute_from_command_line  # noqa: PLC0415

        execute_from_command_line(["saleor-returns manage", *argv[1:]])
        return 0
    print(
        "usage: python -m saleor_returns run | manage <command> [options] | compile-messages | extract-messages"
        " | rebuild-rollups"
    )
    return 0 if command in {"help", "-h", "--help"} else 2


def _extract_messages() -> int:
    """Merge the source's messages into every catalog; lists what still needs translating."""
    template = extract_messages()
    update_catalogs(template)
    problems = catalog_problems(template)
    for locale, found in problems.items():
        for problem in found:
            print(f"{locale}: {problem}")
    return 1 if any(problems.values()) else 0


def _rebuild_rollups() -> int:
    """Every shop's DailySales and DailyReturns recomputed from their source rows, days re-read in its time zone."""
    import django  # noqa: PLC0415 - only this command needs the app loaded

    django.setup()
    from saleor_returns.analytics.rollups import rebuild_rollups  # noqa: PLC0415 - after setup

    print(f"rebuilt the rollups of {rebuild_rollups()} shop(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
