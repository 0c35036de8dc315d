"""`summitdesk credentials report --meeting CODE [--pdf FILE] [--csv FILE] [--xlsx FILE]
[--language LANG] [--format text|json]`: the Credentials Committee's report of a meeting."""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from summitdesk.credentials import queries, report
from summitdesk.credentials.enums import CredentialsState
from summitdesk.exports.writers import write_csv, write_xlsx
from summitdesk.meetings.models import Meeting


class Command(BaseCommand):
    help = _(
        "The Credentials Committee's report of a meeting: the delegations asked for "
        "credentials by what the examination found, written as a PDF (--pdf), a CSV (--csv) "
        "or an XLSX file (--xlsx), and counted on the standard output. Exit codes: 0 done, "
        "2 bad arguments (unknown meeting or language, a file that cannot be written)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("report", help=_("write the committee's report"))
        run.add_argument("--meeting", required=True, help=_("the meeting's code"))
        run.add_argument("--pdf", help=_("write the report as a PDF to this file"))
        run.add_argument("--csv", help=_("write the register as CSV to this file"))
        run.add_argument("--xlsx", help=_("write the register as XLSX to this file"))
        run.add_argument(
            "--language",
            default="en",
            help=_("language of the PDF: en, fr, es, ar, ru or zh-hans (default: en)"),
        )
        run.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help=_("json prints {meeting, delegations, states, files} for scripts"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        meeting = Meeting.objects.filter(code=options["meeting"]).first()
        if meeting is None:
            raise CommandError(
                _("No meeting with the code %(code)s.") % {"code": options["meeting"]},
                returncode=2,
            )
        language = options["language"]
        if language not in dict(settings.LANGUAGES):
            raise CommandError(
                _("Unknown language %(language)s; choose from %(choices)s.")
                % {"language": language, "choices": ", ".join(dict(settings.LANGUAGES))},
                returncode=2,
            )
        files = []
        try:
            if options["pdf"]:
                with translation.override(language):
                    content = report.render_report(
                        report.report_for(meeting, today=timezone.localdate())
                    )
                Path(options["pdf"]).write_bytes(content)
                files.append(options["pdf"])
            if options["csv"]:
                with Path(options["csv"]).open("wb") as out:
                    write_csv(out, report.HEADER, report.rows(meeting))
                files.append(options["csv"])
            if options["xlsx"]:
                with Path(options["xlsx"]).open("wb") as out:
                    write_xlsx(out, report.HEADER, report.rows(meeting), sheet_name="Credentials")
                files.append(options["xlsx"])
        except OSError as failed:
            raise CommandError(
                _("Cannot write the file: %(error)s") % {"error": failed.strerror}, returncode=2
            ) from None
        rows = queries.register(meeting)
        states = {state.value: 0 for state in report.SECTIONS}
        for row in rows:
            states[row.state] = states.get(row.state, 0) + 1
        if options["format"] == "json":
            summary = {
                "meeting": meeting.code,
                "delegations": len(rows),
                "states": states,
                "files": files,
            }
            self.stdout.write(json.dumps(summary))
            return
        self.stdout.write(_("%(count)d delegations asked for credentials:") % {"count": len(rows)})
        for state in report.SECTIONS:
            self.stdout.write(f"  {CredentialsState(state).label}: {states[state]}")
        for name in files:
            self.stdout.write(_("Written: %(file)s") % {"file": name})
