"""Command line: `python -m saleor_returns run` (the whole app) or `manage <django command>`."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_returns.settings")
    if command == "run":
        from saleor_returns.runner import run  # noqa: PLC0415 - keeps `manage` free of runner imports

        return run()
    if command == "manage":
        from django.core.management import execute_from_command_line  # noqa: PLC0415

        execute_from_command_line(["saleor-returns manage", *argv[1:]])
        return 0
    print("usage: python -m saleor_returns run | manage <command> [options]")
    return 0 if command in {"help", "-h", "--help"} else 2


if __name__ == "__main__":
    sys.exit(main())
