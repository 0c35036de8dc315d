"""The `summitdesk` console script: SummitDesk's own commands and Django's.

Commands are written with hyphens (`import-organisations`); Django's management
commands of the same name with underscores answer them.

Exit codes: 0 success, 1 failure, 2 usage error, 3 partial (some items refused).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitdesk.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "summitdesk"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
