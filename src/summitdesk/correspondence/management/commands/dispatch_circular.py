"""`summitdesk dispatch-circular REF`: send a circular to its audience and follow it."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence import services
from summitdesk.correspondence.management import (
    EXIT_REFUSED,
    FOLLOW_EXIT_CODES,
    find_circular,
    finish,
    follow,
    print_status,
)


class Command(BaseCommand):
    help = (
        _(
            "Dispatch a circular: one letter per organisation of its audience, sent by the "
            "workers (`summitdesk worker`), then follow the sending until it ends. "
            "Organisations without email are listed for post or fax."
        )
        + " "
        + FOLLOW_EXIT_CODES
    )
    #: Seconds between two looks at the counts while following.
    poll_seconds = 1.0

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("reference", help=_("the circular's reference, e.g. DM-1048"))
        parser.add_argument(
            "--no-follow",
            action="store_true",
            help=_("return as soon as the letters are queued"),
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help=_("json prints the final counts for scripts (default: text)"),
        )

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def handle(self, *args: Any, reference: str, no_follow: bool, **options: Any) -> None:
        as_json = options["format"] == "json"
        circular = find_circular(reference)
        problems = services.problems(circular)
        for problem in problems:
            self.stderr.write(problem)
        try:
            mailing = services.dispatch_circular(
                circular, actor=Actor.system("dispatch-circular", Channel.CLI)
            )
        except services.CircularError as error:
            message = _("%(reference)s was not dispatched.") % {"reference": reference}
            if not problems:
                message = f"{error} {message}"
            raise CommandError(message, returncode=EXIT_REFUSED) from error
        status = services.circular_status(circular, mailing)
        # On stderr with --format json, so that stdout is the JSON alone.
        (self.stderr if as_json else self.stdout).write(
            _(
                "Dispatching %(reference)s to %(total)d organisations "
                "(%(without)d without email: by post or fax)."
            )
            % {"reference": reference, "total": status["total"], "without": status["no_address"]}
        )
        if no_follow:
            print_status(self.stdout, status, as_json=as_json)
            return
        try:
            status = follow(circular, mailing, poll_seconds=self.poll_seconds, wait=self.wait)
        except KeyboardInterrupt:
            self.stderr.write(
                _(
                    "Stopped following. The dispatch goes on in the workers: "
                    "`summitdesk circular-status %(reference)s` shows where it stands."
                )
                % {"reference": reference}
            )
            return
        print_status(self.stdout, status, as_json=as_json)
        finish(status)
