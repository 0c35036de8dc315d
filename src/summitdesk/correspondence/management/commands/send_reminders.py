"""`summitdesk send-reminders REF`: remind the organisations that have not replied."""

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
            "Send a reminder of a dispatched circular to every organisation that has not "
            "replied, with a fresh reply link (earlier links stay valid); the count is "
            "printed first. Then follow the sending until it ends."
        )
        + " "
        + FOLLOW_EXIT_CODES
    )
    poll_seconds = 1.0

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("reference", help=_("the circular's reference, e.g. DM-1048"))
        parser.add_argument(
            "--no-follow",
            action="store_true",
            help=_("return as soon as the reminders are queued"),
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help=_("json prints the reminders' final counts for scripts (default: text)"),
        )

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def handle(self, *args: Any, reference: str, no_follow: bool, **options: Any) -> None:
        as_json = options["format"] == "json"
        circular = find_circular(reference)
        (self.stderr if as_json else self.stdout).write(
            _("Reminding %(count)d organisations that have not replied to %(reference)s.")
            % {"count": services.reminder_count(circular), "reference": reference}
        )
        try:
            mailing = services.send_reminders(
                circular, actor=Actor.system("send-reminders", Channel.CLI)
            )
        except services.CircularError as error:
            raise CommandError(str(error), returncode=EXIT_REFUSED) from error
        status = services.circular_status(circular, mailing)
        if no_follow:
            print_status(self.stdout, status, as_json=as_json)
            return
        try:
            status = follow(circular, mailing, poll_seconds=self.poll_seconds, wait=self.wait)
        except KeyboardInterrupt:
            self.stderr.write(_("Stopped following. The reminders go on in the workers."))
            return
        print_status(self.stdout, status, as_json=as_json)
        finish(status)
