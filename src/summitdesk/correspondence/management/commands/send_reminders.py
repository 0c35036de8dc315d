"""`summitdesk send-reminders REF [--target document_missing]`: remind the organisations
that have not replied, or the delegations still lacking a mandate document their meeting
requires (counted as the staff page counts them, reports.figures)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence import services
from summitdesk.correspondence.enums import ReminderTarget
from summitdesk.correspondence.management import (
    EXIT_REFUSED,
    FOLLOW_EXIT_CODES,
    MailingCommand,
    find_circular,
)
from summitdesk.reports import figures


class Command(MailingCommand):
    help = (
        _(
            "Send a reminder of a dispatched circular to every organisation that has not "
            "replied (or, with --target document_missing, to every delegation still lacking "
            "a required mandate document), with a fresh reply link (earlier links stay "
            "valid); the count is printed first. Then follow the sending until it ends."
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
        parser.add_argument(
            "--target",
            choices=ReminderTarget.values,
            default=ReminderTarget.UNANSWERED,
            help=_(
                "unanswered: the organisations that have not replied (the default); "
                "document_missing: the delegations still lacking a required mandate document"
            ),
        )

    def handle(self, *args: Any, reference: str, no_follow: bool, **options: Any) -> None:
        as_json = options["format"] == "json"
        target = options.get("target") or ReminderTarget.UNANSWERED
        circular = find_circular(reference)
        organisations: list[int] = []
        if target == ReminderTarget.DOCUMENT_MISSING:
            lacking = figures.document_missing_replies([circular.meeting], circular=circular)
            organisations = list(lacking.values_list("organisation_id", flat=True))
            announced = ngettext(
                "Reminding %(count)d delegation lacking a required document, invited by "
                "%(reference)s.",
                "Reminding %(count)d delegations lacking a required document, invited by "
                "%(reference)s.",
                len(organisations),
            ) % {"count": len(organisations), "reference": reference}
        else:
            announced = _(
                "Reminding %(count)d organisations that have not replied to %(reference)s."
            ) % {"count": services.reminder_count(circular), "reference": reference}
        (self.stderr if as_json else self.stdout).write(announced)
        try:
            mailing = services.send_reminders(
                circular,
                actor=Actor.system("send-reminders", Channel.CLI),
                target=target,
                organisations=organisations,
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
