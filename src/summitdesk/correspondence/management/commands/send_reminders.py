"""`summitdesk send-reminders REF`: remind the organisations that have not replied."""

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
            "Send a reminder of a dispatched circular to every organisation that has not "
            "replied, with a fresh reply link (earlier links stay valid); the count is "
            "printed first. Then follow the sending until it ends."
        )
        + " "
        + FOLLOW_EXIT_CODES
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        self.add_follow_arguments(
            parser,
            queued=_("return as soon as the reminders are queued"),
            counts=_("json prints the reminders' final counts for scripts (default: text)"),
        )

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
        self.report(
            circular,
            mailing,
            follow_it=not no_follow,
            as_json=as_json,
            stopped=_("Stopped following. The reminders go on in the workers."),
        )
