"""`summitdesk admission list|decide`: the applications of a process, and a meeting's
decision on several of them (references given on the line or read from a file)."""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from summitdesk.admission import review
from summitdesk.admission.enums import ApplicationStatus
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.meetings.models import Meeting, Process

EXIT_REFUSED = 1
EXIT_USAGE = 2
ACTOR = Actor.system("admission", Channel.CLI)


def _read_references(path: str) -> list[str]:
    """References in a file, separated by spaces, commas or new lines; '#' starts a note."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise CommandError(
            _("Cannot read %(path)s: %(problem)s") % {"path": path, "problem": problem},
            returncode=EXIT_USAGE,
        ) from None
    words: list[str] = []
    for line in text.splitlines():
        words += line.split("#", 1)[0].replace(",", " ").split()
    return words


class Command(BaseCommand):
    help = _(
        "Applications for admission: 'list' a process's applications; 'decide' records a "
        "meeting's decision on several, all or none. Exit codes: 0 done; 1 refused "
        "(nothing recorded, the reasons printed); 2 usage error."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help=_("list a process's applications"))
        listing.add_argument("--process", help=_("the process's code (default: every one)"))
        listing.add_argument(
            "--status",
            choices=[status for status in ApplicationStatus.values if status != "unconfirmed"],
        )
        listing.add_argument("--json", action="store_true", help=_("one JSON object per line"))
        deciding = actions.add_parser("decide", help=_("record a meeting's decision"))
        deciding.add_argument("--meeting", required=True, help=_("the meeting's code"))
        deciding.add_argument("--admit", nargs="*", default=[], metavar="REFERENCE")
        deciding.add_argument("--not-admit", nargs="*", default=[], metavar="REFERENCE")
        deciding.add_argument("--admit-file", help=_("a file of references to admit"))
        deciding.add_argument("--not-admit-file", help=_("a file of references not admitted"))
        deciding.add_argument("--reasons", default="", help=_("why those not admitted are not"))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            self._list(options)
        else:
            self._decide(options)

    def _list(self, options: dict[str, Any]) -> None:
        rows = (
            review.staff_applications().select_related("process").order_by("process", "reference")
        )
        if options.get("process"):
            process = Process.objects.filter(code=options["process"]).first()
            if process is None:
                raise CommandError(
                    _("No process has the code %(code)s.") % {"code": options["process"]},
                    returncode=EXIT_USAGE,
                )
            rows = rows.filter(process=process)
        if options.get("status"):
            rows = rows.filter(status=options["status"])
        for application in rows.iterator(chunk_size=2000):
            if options.get("json"):
                line = json.dumps(
                    {
                        "reference": application.reference,
                        "process": application.process.code,
                        "status": application.status,
                        "name": application.name,
                        "country": application.country,
                    },
                    ensure_ascii=False,
                )
            else:
                line = "\t".join(
                    [
                        application.reference,
                        application.status,
                        application.country,
                        application.name,
                    ]
                )
            self.stdout.write(line)

    def _decide(self, options: dict[str, Any]) -> None:
        meeting = Meeting.objects.filter(code=options["meeting"]).first()
        if meeting is None:
            raise CommandError(
                _("No meeting has the code %(code)s.") % {"code": options["meeting"]},
                returncode=EXIT_USAGE,
            )
        admit = list(options["admit"])
        not_admit = list(options["not_admit"])
        if options.get("admit_file"):
            admit += _read_references(options["admit_file"])
        if options.get("not_admit_file"):
            not_admit += _read_references(options["not_admit_file"])
        try:
            done = review.decide_many(
                meeting, admit=admit, not_admit=not_admit, reasons=options["reasons"], actor=ACTOR
            )
        except review.ReviewError as refused:
            raise CommandError(
                _("Nothing recorded: %(reasons)s") % {"reasons": refused}, returncode=EXIT_REFUSED
            ) from None
        self.stdout.write(
            _("Recorded for %(meeting)s: %(admitted)s admitted, %(not_admitted)s not admitted.")
            % {
                "meeting": meeting.code,
                "admitted": len(done.admitted),
                "not_admitted": len(done.not_admitted),
            }
        )
