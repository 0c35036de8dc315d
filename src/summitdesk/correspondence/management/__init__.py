"""What the correspondence commands share: finding a circular, following a mailing's
progress, printing its counts. The commands stay thin; the work is in services."""

import json
import sys
import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.translation import gettext as _

from summitdesk.correspondence import services
from summitdesk.correspondence.models import Circular, Mailing
from summitdesk.lib.progress import ProgressBar

EXIT_REFUSED = 1
EXIT_UNKNOWN = 2
EXIT_INCOMPLETE = 3

#: The exit codes, as each command's --help states them.
FOLLOW_EXIT_CODES = _(
    "Exit codes: 0 every letter sent (or, with --no-follow, queued); 1 refused (the "
    "reason is printed); 2 unknown reference; 3 some letters failed or are in doubt, for "
    "staff to resolve in the back office. Ctrl-C stops following, not the sending, and "
    "exits 0."
)


def find_circular(reference: str) -> Circular:
    circular = Circular.objects.select_related("meeting").filter(reference=reference).first()
    if circular is None:
        raise CommandError(
            _("No circular has the reference %(reference)s.") % {"reference": reference},
            returncode=EXIT_UNKNOWN,
        )
    return circular


def by_email(status: dict[str, Any]) -> tuple[int, int]:
    """(done, total) of the letters that go by email: what the progress bar shows."""
    total = status["total"] - status["no_address"] - status["posted"]
    return status["sent"] + status["failed"] + status["in_doubt"], total


def follow(
    circular: Circular,
    mailing: Mailing,
    *,
    poll_seconds: float,
    wait: Callable[[float], None],
) -> dict[str, Any]:
    """Poll the mailing's counts until nothing is queued or sending; returns the last.

    The workers do the sending: interrupting this (KeyboardInterrupt) stops only the
    watching, which is why it may be interrupted at any moment.
    """
    with ProgressBar(sys.stderr) as bar:
        while True:
            status = services.circular_status(circular, mailing)
            done, total = by_email(status)
            bar.update(done, total, _("Sending"))
            if status["done"]:
                return status
            wait(poll_seconds)


def print_status(out: OutputWrapper, status: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        out.write(json.dumps(status, ensure_ascii=False, indent=2))
        return
    out.write(
        _(
            "%(reference)s: %(sent)d sent, %(queued)d queued, %(sending)d sending, "
            "%(failed)d failed, %(in_doubt)d in doubt, %(posted)d posted, "
            "%(no_address)d without email, of %(total)d."
        )
        % status
    )


def finish(status: dict[str, Any]) -> None:
    """Exit 3 when letters failed or are in doubt: a person has to look at them."""
    if status["failed"] or status["in_doubt"]:
        raise CommandError(
            _(
                "%(failed)d failed and %(in_doubt)d in doubt: retry, confirm or resend them "
                "in the back office."
            )
            % status,
            returncode=EXIT_INCOMPLETE,
        )


class MailingCommand(BaseCommand):
    """A command that queues a mailing, then follows its sending until it ends."""

    #: Seconds between two looks at the counts while following.
    poll_seconds = 1.0

    def add_follow_arguments(self, parser: ArgumentParser, *, queued: str, counts: str) -> None:
        parser.add_argument("reference", help=_("the circular's reference, e.g. DM-1048"))
        parser.add_argument("--no-follow", action="store_true", help=queued)
        parser.add_argument("--format", choices=["text", "json"], default="text", help=counts)

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def report(
        self, circular: Circular, mailing: Mailing, *, follow_it: bool, as_json: bool, stopped: str
    ) -> None:
        """Print the mailing's counts, after following its sending when `follow_it`; exit 3
        when letters failed or are in doubt. Ctrl-C prints `stopped` and exits 0."""
        status = services.circular_status(circular, mailing)
        if follow_it:
            try:
                status = follow(circular, mailing, poll_seconds=self.poll_seconds, wait=self.wait)
            except KeyboardInterrupt:
                self.stderr.write(stopped)
                return
        print_status(self.stdout, status, as_json=as_json)
        if follow_it:
            finish(status)
