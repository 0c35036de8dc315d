"""`summitdesk revoke-api-token NAME_OR_PREFIX`: the token stops working at once."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from summitdesk.api import tokens
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel

EXIT_UNKNOWN = 2


class Command(BaseCommand):
    help = _(
        "Revoke an API token, named by its name or its prefix (the part after sd_). "
        "Exit codes: 0 revoked (or already revoked); 2 no such token."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("token", help=_("the token's name or prefix"))

    def handle(self, *args: Any, token: str, **options: Any) -> None:
        found = tokens.find_token(token)
        if found is None:
            raise CommandError(
                _("No API token has the name or prefix %(value)s.") % {"value": token},
                returncode=EXIT_UNKNOWN,
            )
        if tokens.revoke_token(found, actor=Actor.system(_("Command line"), Channel.CLI)):
            self.stdout.write(_("%(name)s is revoked.") % {"name": found.name})
        else:
            self.stdout.write(_("%(name)s was already revoked.") % {"name": found.name})
