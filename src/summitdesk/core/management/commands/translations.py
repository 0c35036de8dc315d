"""`summitdesk translations`: what the catalogues translate, per language and audience."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from summitdesk.core import catalogues


class Command(BaseCommand):
    help = _(
        "Report what the translation catalogues leave in English: per language, how many "
        "strings of the portal, public pages, emails, letters and staff pages are "
        "translated, and with --list which ones are missing (e.g. --audience staff "
        "--language fr --list). Exit codes: 0 reported, 1 with --check when a portal, "
        "public, email or letter string lacks a translation."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--audience",
            action="append",
            choices=catalogues.AUDIENCES,
            help=_("Only this audience (repeatable; default: all)."),
        )
        parser.add_argument(
            "--language",
            action="append",
            choices=catalogues.languages(),
            help=_("Only this language (repeatable; default: all but English)."),
        )
        parser.add_argument(
            "--list", action="store_true", help=_("List the untranslated strings too.")
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("Fail when a portal, public, email or letter string is untranslated."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        audiences = options["audience"] or list(catalogues.AUDIENCES)
        languages = options["language"] or catalogues.languages()
        incomplete = []
        for language in languages:
            counts = catalogues.counted(language)
            summary = ", ".join(
                _("%(audience)s %(done)d/%(total)d")
                % {"audience": audience, "done": counts[audience][0], "total": counts[audience][1]}
                for audience in audiences
            )
            self.stdout.write(f"{language}: {summary}")
            missing = catalogues.missing(language, audiences)
            for audience in audiences:
                if missing[audience] and audience in catalogues.OUTSIDE_AUDIENCES:
                    incomplete.append(f"{language} {audience}")
                if options["list"]:
                    for msgid in missing[audience]:
                        self.stdout.write(f"  [{audience}] {msgid}")
        if options["check"] and incomplete:
            raise CommandError(
                _("Untranslated strings strangers read: %(where)s.")
                % {"where": ", ".join(incomplete)},
                returncode=1,
            )
