"""`summitdesk circular-status REF`: where the sending of a circular's letters stands."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from summitdesk.correspondence import services
from summitdesk.correspondence.management import find_circular, print_status


class Command(BaseCommand):
    help = _(
        "Print the counts of a circular's letters by state. The JSON has exactly the keys "
        "reference, total, queued, sending, sent, failed, in_doubt, posted, no_address and "
        "done (true once nothing is queued or sending). "
        "Exit codes: 0 printed; 2 unknown reference."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("reference", help=_("the circular's reference, e.g. DM-1048"))
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help=_("json for scripts (default: text)"),
        )

    def handle(self, *args: Any, reference: str, **options: Any) -> None:
        circular = find_circular(reference)
        status = services.circular_status(circular)
        print_status(self.stdout, status, as_json=options["format"] == "json")
