"""`summitdesk print-badges --meeting CODE [--out DIR] [--only-unprinted]
[--layout card|a4-4|a4-6] [--offset-top MM] [--offset-left MM] [--format json]`."""

import json
import shutil
import sys
from argparse import ArgumentParser
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from summitdesk.accreditation import print_runs
from summitdesk.accreditation.badges import BadgeError
from summitdesk.accreditation.enums import BadgeLayout, PrintRunStatus
from summitdesk.accreditation.layouts import LayoutError, check_offsets
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.lib.progress import ProgressBar
from summitdesk.meetings.models import Meeting

EXIT_FAILED = 1
EXIT_USAGE = 2


class Command(BaseCommand):
    help = _(
        "Print the badges of a meeting's approved accreditations, in the foreground, as "
        "PDFs of at most 1,000 badges (one badge a page, or four or six to an A4 sheet "
        "with --layout) and a ZIP of them, written to --out. The run is recorded as a "
        "print run, as one started in the back office. Exit codes: 0 badges printed (or "
        "none to print), 1 printing failed, 2 bad arguments (unknown meeting, --out not "
        "a writable folder, offsets out of range)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--meeting", required=True, help=_("the meeting's code"))
        parser.add_argument(
            "--out",
            default=".",
            help=_("folder for the PDFs and the ZIP (default: the current folder)"),
        )
        parser.add_argument(
            "--only-unprinted",
            action="store_true",
            help=_("only the badges whose current version has not been printed yet"),
        )
        parser.add_argument(
            "--layout",
            choices=BadgeLayout.values,
            default=BadgeLayout.CARD,
            help=_(
                "card: one 100 x 140 mm badge a page; a4-4: four of them on A4; "
                "a4-6: six 99 x 93 mm badges on A4 (default: card)"
            ),
        )
        parser.add_argument(
            "--offset-top",
            default="0",
            metavar="MM",
            help=_("move the badges down (negative: up) by MM millimetres to meet the cuts"),
        )
        parser.add_argument(
            "--offset-left",
            default="0",
            metavar="MM",
            help=_("move the badges right (negative: left) by MM millimetres"),
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help=_("json prints {meeting, print_run, badges, files} for scripts (default: text)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        meeting = Meeting.objects.filter(code=options["meeting"]).first()
        if meeting is None:
            raise CommandError(
                _("No meeting with the code %(code)s.") % {"code": options["meeting"]},
                returncode=EXIT_USAGE,
            )
        layout = options["layout"]
        offset_top = self._millimetres(options["offset_top"], "--offset-top")
        offset_left = self._millimetres(options["offset_left"], "--offset-left")
        try:
            check_offsets(layout, offset_top=offset_top, offset_left=offset_left)
        except LayoutError as error:
            raise CommandError(str(error), returncode=EXIT_USAGE) from error
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(
                _("Cannot write to %(out)s: %(error)s") % {"out": out, "error": error.strerror},
                returncode=EXIT_USAGE,
            ) from error
        selection = print_runs.printable_accreditations(meeting)
        if options["only_unprinted"]:
            selection = print_runs.unprinted(selection)
        ids = list(selection.values_list("pk", flat=True))
        as_json = options["format"] == "json"
        if not ids:
            if as_json:
                self._json(meeting.code, None, 0, [])
            else:
                self.stdout.write(_("No badges to print."))
            return
        try:
            run = print_runs.create_print_run(
                meeting,
                ids,
                actor=Actor.system("print-badges", Channel.CLI),
                layout=layout,
                offset_top=offset_top,
                offset_left=offset_left,
            )
        except BadgeError as error:
            raise CommandError(str(error), returncode=EXIT_FAILED) from error
        with ProgressBar(sys.stderr) as bar:
            try:
                printed = print_runs.run_print_run(
                    run.pk, progress=lambda done, total: bar.update(done, total, _("Badges"))
                )
            except Exception as error:
                bar.close()
                raise CommandError(
                    _("Printing failed: %(error)s") % {"error": error}, returncode=EXIT_FAILED
                ) from error
        if printed is None or printed.status != PrintRunStatus.DONE:
            reason = printed.error if printed is not None else ""
            raise CommandError(
                _("Printing failed: %(error)s") % {"error": reason}
                if reason
                else _("Printing failed."),
                returncode=EXIT_FAILED,
            )
        written = []
        for name in printed.files:
            target = out / Path(name).name
            with default_storage.open(name, "rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy, 1 << 20)
            written.append(str(target))
        if as_json:
            self._json(meeting.code, printed.pk, printed.total, written)
            return
        for file in written:
            self.stdout.write(file)
        self.stdout.write(
            _("%(count)s badges printed (print run %(run)s).")
            % {"count": printed.total, "run": printed.pk}
        )

    def _millimetres(self, value: str, option: str) -> Decimal:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number != round(number, 1):
            raise CommandError(
                _("%(option)s takes millimetres, such as 1.5 (one decimal at most).")
                % {"option": option},
                returncode=EXIT_USAGE,
            )
        return number

    def _json(self, meeting: str, run: int | None, badges: int, files: list[str]) -> None:
        data = {"meeting": meeting, "print_run": run, "badges": badges, "files": files}
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
