"""`summitdesk import-organisations FILE`: the directory from a CSV or XLSX file."""

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.directory import imports
from summitdesk.directory.imports import CHECKING, FileError, ImportReport
from summitdesk.directory.services import DirectoryError
from summitdesk.lib.progress import ProgressBar

EXIT_FAILED = 1
EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = _(
        "Import organisations from a CSV or XLSX file (columns as in the template of the "
        "import page). If any row is refused, nothing is written unless --only-valid. "
        "Exit codes: 0 every row imported, 1 failure (nothing written), 2 unreadable file "
        "or bad arguments, 3 some rows refused."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help=_("the CSV or XLSX file"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("check the file and report what would happen, writing nothing"),
        )
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help=_("import the good rows even when others are refused"),
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help=_("json prints the report for scripts (default: text)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        as_json = options["format"] == "json"
        try:
            content = path.read_bytes()
        except OSError as error:
            self._fail(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror},
                path,
                as_json,
            )
        with ProgressBar(sys.stderr) as bar:
            labels = {CHECKING: _("Checking rows")}

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(done, total, labels.get(stage, _("Writing")))

            try:
                report = imports.import_organisations(
                    content,
                    path.name,
                    actor=Actor.system("import-organisations", Channel.CLI),
                    only_valid=options["only_valid"],
                    dry_run=options["dry_run"],
                    progress=progress,
                )
            except FileError as error:
                bar.close()
                self._fail(str(error), path, as_json)
            except DirectoryError as error:
                raise CommandError(str(error), returncode=EXIT_FAILED) from error
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(report)
        if report.exit_code:
            raise CommandError(
                _("%(count)s rows refused.") % {"count": report.refused},
                returncode=report.exit_code,
            )

    def _fail(self, message: str, path: Path, as_json: bool) -> NoReturn:
        if as_json:
            data = {"filename": path.name, "error": message, "exit_code": EXIT_UNREADABLE}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        raise CommandError(message, returncode=EXIT_UNREADABLE)

    def _print(self, report: ImportReport) -> None:
        write = self.stdout.write
        counts = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "refused": report.refused,
        }
        write(_("%(file)s: %(rows)s rows.") % {"file": report.filename, "rows": report.total_rows})
        if report.dry_run or (report.refused and not report.only_valid):
            line = _(
                "Would create %(created)s, update %(updated)s, leave %(unchanged)s unchanged; "
                "%(refused)s refused."
            )
        else:
            line = _(
                "Created %(created)s, updated %(updated)s, unchanged %(unchanged)s, "
                "refused %(refused)s."
            )
        write(line % counts)
        for error in report.errors:
            write(str(error), self.style.ERROR)
        for warning in report.warnings:
            write(_("warning: %(warning)s") % {"warning": warning}, self.style.WARNING)
        if report.duplicates:
            write(_("Likely duplicates, to merge or keep apart in the back office:"))
        for flag in report.duplicates:
            other = (
                _("row %(row)s") % {"row": flag.other_row}
                if flag.other_row is not None
                else f"#{flag.other_id}"
            )
            write(
                _('  row %(row)s "%(name)s" looks like %(other)s "%(other_name)s": %(reason)s')
                % {
                    "row": flag.row,
                    "name": flag.name,
                    "other": other,
                    "other_name": flag.other_name,
                    "reason": flag.reason,
                }
            )
        if report.dry_run:
            write(_("Dry run: nothing was written."))
        elif report.refused and not report.only_valid:
            write(
                _(
                    "Nothing was written because %(count)s rows were refused. Correct them, "
                    "or run again with --only-valid to import the other rows."
                )
                % {"count": report.refused},
                self.style.ERROR,
            )
