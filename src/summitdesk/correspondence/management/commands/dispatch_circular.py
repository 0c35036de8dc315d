"""`summitdesk dispatch-circular REF`: send a circular to its audience and follow it."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence import services
from summitdesk.correspondence.management import (
    EXIT_REFUSED,
    FOLLOW_EXIT_CODES,
    MailingCommand,
    find_circular,
)


class Command(MailingCommand):
    help = (
        _(
            "Dispatch a circular: one letter per organisation of its audience, sent by the "
            "workers (`summitdesk worker`), then follow the sending until it ends. "
            "Organisations without email are listed for post or fax."
        )
        + " "
        + FOLLOW_EXIT_CODES
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        self.add_follow_arguments(
            parser,
            queued=_("return as soon as the letters are queued"),
            counts=_("json prints the final counts for scripts (default: text)"),
        )

    def handle(self, *args: Any, reference: str, no_follow: bool, **options: Any) -> None:
        as_json = options["format"] == "json"
        circular = find_circular(reference)
        problems = services.problems(circular)
        for problem in problems:
            self.stderr.write(problem)
        if not problems:
            for point in services.points_to_confirm(circular):
                self.stderr.write(_("Note: %(point)s") % {"point": point})
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
        self.report(
            circular,
            mailing,
            follow_it=not no_follow,
            as_json=as_json,
            stopped=_(
                "Stopped following. The dispatch goes on in the workers: "
                "`summitdesk circular-status %(reference)s` shows where it stands."
            )
            % {"reference": reference},
        )
