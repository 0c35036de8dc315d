"""`summitdesk load-demo`: the WSIS demo, replayed from today."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.correspondence.enums import CircularStatus
from summitdesk.demo.load import PASSWORD, STAFF, load_demo


class Command(BaseCommand):
    help = _(
        "Load the demo: the WSIS process of circular DM-1048 replayed from today (today "
        "plays 9 July 2003), about 1,000 fictional organisations and one staff account per "
        "role. Running it again adds nothing that is already there. "
        "Exit codes: 0 loaded or already loaded, 1 failure."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_demo(today=timezone.localdate())
        if summary.already_loaded:
            self.stdout.write(_("The demo is already loaded: nothing was added."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo loaded: %(organisations)d organisations, %(meetings)d meetings "
                        "and %(staff)d staff accounts created."
                    )
                    % {
                        "organisations": summary.organisations_created,
                        "meetings": len(summary.meetings_created),
                        "staff": len(summary.staff_created),
                    }
                )
            )
        self.stdout.write(
            _("Dates replay the WSIS calendar %(days)d days later: today plays 9 July 2003.")
            % {"days": summary.replay_offset_days}
        )
        if summary.history is not None:
            self.stdout.write(
                _(
                    "History of %(title)s loaded: %(invited)d organisations invited, "
                    "%(answered)d answered (%(declined)d declined), %(delegates)d delegates "
                    "named, %(approved)d accredited, %(checked_in)d checked in, %(listed)d on "
                    "the provisional List of Participants."
                )
                % vars(summary.history)
            )
        if summary.circular_status == CircularStatus.DRAFT:
            self.stdout.write(
                _(
                    "Circular DM-1048 is ready to dispatch to its audience: open Circulars, "
                    "then DM-1048, and preview it before you send it. Mail goes to the Mailbox."
                )
            )
        else:
            self.stdout.write(
                _(
                    "Circular DM-1048 is already %(status)s: open Circulars, then DM-1048, to "
                    "follow its letters. Mail goes to the Mailbox."
                )
                % {"status": CircularStatus(summary.circular_status).label.lower()}
            )
        self.stdout.write("")
        self.stdout.write(
            _("Open %(url)s/ and sign in as:") % {"url": settings.SUMMITDESK_BASE_URL}
        )
        for username, role, _first, _last in STAFF:
            self.stdout.write(
                _("  %(username)s / %(password)s  (%(role)s)")
                % {"username": username, "password": PASSWORD, "role": role.label}
            )
