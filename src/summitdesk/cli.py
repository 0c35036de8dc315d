"""The `summitdesk` console script: SummitDesk's own commands and Django's.

Commands are written with hyphens (`import-organisations`); Django's management
commands of the same name with underscores answer them, and their `--help` and usage
errors name them as typed (`summitdesk import-organisations`). `summitdesk --help`
lists SummitDesk's commands first, each with the first sentence of its help.

Exit codes: 0 success, 1 failure, 2 usage error, 3 partial (some items refused).
Every command reference is in docs/cli.md.
"""

import os
import sys
from typing import Any

from django.utils.translation import gettext_lazy

PROG = "summitdesk"
EXIT_USAGE = 2

#: One line each for `summitdesk --help`; a command missing here shows its help's first
#: sentence.
SUMMARIES = {
    "import-organisations": gettext_lazy("Import organisations from a CSV or XLSX file."),
    "dispatch-circular": gettext_lazy("Dispatch a circular's letters and follow the sending."),
    "circular-status": gettext_lazy("Counts of a circular's letters by state."),
    "send-reminders": gettext_lazy(
        "Remind the organisations that have not replied, and follow the sending."
    ),
    "print-badges": gettext_lazy("Print a meeting's approved badges as PDFs and a ZIP."),
    "export": gettext_lazy(
        "Export organisations, replies, delegates or accreditations to CSV or XLSX."
    ),
    "credentials": gettext_lazy(
        "The Credentials Committee's report of a meeting, as PDF, CSV or XLSX."
    ),
    "create-api-token": gettext_lazy("Create an API token with chosen scopes (printed once)."),
    "revoke-api-token": gettext_lazy("Revoke an API token by name or prefix."),
    "admission": gettext_lazy(
        "List applications for admission; record a meeting's decision on them."
    ),
    "load-demo": gettext_lazy("Load the WSIS demo data and staff accounts."),
    "translations": gettext_lazy("What the translation catalogues leave in English."),
    "serve": gettext_lazy("Serve the web application with gunicorn."),
    "worker": gettext_lazy("Run background tasks and the periodic jobs."),
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitdesk.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = PROG
    utility = _utility_class()(args)
    utility.execute()


def _utility_class() -> type[Any]:
    """ManagementUtility, taught hyphens, exit code 2 for an unknown command and a help
    page that puts SummitDesk first (a function so that Django is imported late)."""
    from django.core.management import ManagementUtility, get_commands, load_command_class
    from django.core.management.base import BaseCommand
    from django.core.management.color import color_style
    from django.utils.translation import gettext as _

    class Utility(ManagementUtility):
        def fetch_command(self, subcommand: str) -> BaseCommand:
            name = subcommand.replace("-", "_")
            if name not in get_commands():
                # Django exits 1 here; a command that does not exist is a usage error.
                sys.stderr.write(
                    _("Unknown command: %(command)r. Type '%(prog)s help' for usage.")
                    % {"command": subcommand, "prog": self.prog_name}
                    + "\n"
                )
                sys.exit(EXIT_USAGE)
            command: BaseCommand = super().fetch_command(name)
            return command

        def main_help_text(self, commands_only: bool = False) -> str:
            if commands_only:
                return str(super().main_help_text(commands_only=True))
            style = color_style()
            ours, theirs = [], []
            for name, app in sorted(get_commands().items()):
                if isinstance(app, str) and app.startswith("summitdesk."):
                    typed = name.replace("_", "-")
                    summary = (
                        str(SUMMARIES[typed])
                        if typed in SUMMARIES
                        else first_sentence(str(load_command_class(app, name).help))
                    )
                    ours.append(f"    {typed:<22} {summary}")
                else:
                    theirs.append(name)
            return "\n".join(
                [
                    "",
                    _(
                        "Usage: %(prog)s <command> [options]; "
                        "'%(prog)s <command> --help' for a command's options."
                    )
                    % {"prog": self.prog_name},
                    _(
                        "Exit codes: 0 success, 1 failure, 2 usage error, 3 partial. "
                        "Reference: docs/cli.md."
                    ),
                    "",
                    style.NOTICE(_("SummitDesk commands:")),
                    *ours,
                    "",
                    style.NOTICE(_("Django's commands (migrate, createsuperuser, …):")),
                    *_wrapped(theirs),
                ]
            )

    return Utility


def first_sentence(text: str, *, width: int = 80) -> str:
    """The first sentence of a command's help, cut short when long."""
    text = " ".join(text.split())
    end = text.find(". ")
    sentence = text if end < 0 else text[: end + 1]
    return sentence if len(sentence) <= width else sentence[: width - 1] + "…"


def _wrapped(names: list[str], width: int = 76) -> list[str]:
    lines, line = [], "   "
    for name in names:
        if len(line) + len(name) + 1 > width:
            lines.append(line)
            line = "   "
        line += f" {name}"
    return [*lines, line]


if __name__ == "__main__":
    main()
