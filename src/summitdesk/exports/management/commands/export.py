"""`summitdesk export KIND --meeting CODE --format csv|xlsx --out FILE [filters]`."""

import os
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.exports import services
from summitdesk.exports.kinds import KINDS, ExportError, get_kind, parse_filters
from summitdesk.exports.writers import FORMATS
from summitdesk.lib.progress import ProgressBar

EXIT_FAILED = 1
EXIT_USAGE = 2

#: Command-line options that are filters, and the filter each one sets.
FILTER_OPTIONS = {
    "circular": "circular",
    "category": "category",
    "stakeholder_group": "stakeholder_group",
    "region": "region",
    "country": "country",
    "sector": "sector",
    "language": "language",
    "search": "q",
    "organisation": "organisation",
    "withdrawn": "withdrawn",
    "process": "process",
}


class Command(BaseCommand):
    help = _(
        "Export a list of organisations, replies, delegates or accreditations to a CSV or "
        "XLSX file, with the same columns as the back office's exports. Filters may be "
        "repeated or given comma-separated, meaning any of the values (--region africa,europe). "
        "Accreditations include the identity document columns: whoever runs this command can "
        "read the database anyway. Exit codes: 0 written, 1 writing failed, 2 bad arguments "
        "(unknown meeting, bad filter value, --out not writable)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=list(KINDS), help=_("what to export"))
        parser.add_argument(
            "--meeting", help=_("the meeting's code (needed but for organisations)")
        )
        parser.add_argument("--format", choices=FORMATS, default="csv", help=_("csv or xlsx"))
        parser.add_argument("--out", required=True, help=_("the file to write"))
        parser.add_argument(
            "--status",
            action="append",
            help=_("accreditations: pending, approved…; replies and delegates: the reply's state"),
        )
        parser.add_argument("--circular", help=_("replies of one circular (its reference)"))
        parser.add_argument(
            "--process", help=_("admission-recommended and admission-admitted: the process's code")
        )
        parser.add_argument("--category", help=_("organisation category"), action="append")
        parser.add_argument(
            "--stakeholder-group", help=_("organisation stakeholder group"), action="append"
        )
        parser.add_argument("--region", help=_("region, e.g. africa, arab-states"), action="append")
        parser.add_argument("--country", help=_("country: ISO code or name"), action="append")
        parser.add_argument(
            "--sector", help=_("organisations: ITU sector, e.g. ITU-D"), action="append"
        )
        parser.add_argument(
            "--language", help=_("organisations: preferred language"), action="append"
        )
        parser.add_argument("--search", help=_("organisations: words of the name"))
        parser.add_argument(
            "--organisation", help=_("accreditations: organisation id or part of its name")
        )
        parser.add_argument(
            "--withdrawn",
            action="store_const",
            const="yes",
            help=_(
                "delegates: list those kept only for a withdrawn or revoked accreditation "
                "too (by default, only those still in their delegation, as counted as "
                "registered)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kind = get_kind(options["kind"])
            data: dict[str, list[str]] = {}
            if options["meeting"]:
                data["meeting"] = [options["meeting"]]
            for option, name in FILTER_OPTIONS.items():
                value = options[option]
                if value:
                    data[name] = value if isinstance(value, list) else [value]
            if options["status"]:
                if not kind.status_filter:
                    raise ExportError(
                        _("The filter status does not apply to %(kind)s.") % {"kind": kind.name}
                    )
                data[kind.status_filter] = options["status"]
            filters = parse_filters(kind, data, strict=True)
        except ExportError as error:
            raise CommandError(str(error), returncode=EXIT_USAGE) from error
        out = Path(options["out"])
        if out.is_dir() or not os.access(out.parent if str(out.parent) else ".", os.W_OK):
            raise CommandError(_("Cannot write to %(out)s.") % {"out": out}, returncode=EXIT_USAGE)
        rows = kind.count(filters)
        try:
            services.deliver_export(
                kind,
                filters,
                options["format"],
                identity=True,
                rows=rows,
                actor=Actor.system("export", Channel.CLI),
            )
        except ExportError as error:  # more rows than an XLSX sheet holds
            raise CommandError(str(error), returncode=EXIT_USAGE) from error
        partial = out.with_name(f".{out.name}.partial")
        with ProgressBar(sys.stderr) as bar:
            try:
                with partial.open("wb") as handle:
                    written = services.write_export(
                        kind,
                        filters,
                        options["format"],
                        handle,
                        identity=True,
                        progress=lambda done: bar.update(done, rows, _("Rows")),
                    )
                partial.replace(out)
            except Exception as error:
                bar.close()
                partial.unlink(missing_ok=True)
                raise CommandError(
                    _("The export failed: %(error)s") % {"error": error}, returncode=EXIT_FAILED
                ) from error
        self.stdout.write(_("%(count)s rows written to %(out)s") % {"count": written, "out": out})
