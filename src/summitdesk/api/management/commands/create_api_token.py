"""`summitdesk create-api-token --name NAME --scopes S1,S2 [--expires DATE]`."""

import datetime
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.api import tokens
from summitdesk.api.models import ApiScope
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel

EXIT_USAGE = 2


class Command(BaseCommand):
    help = _(
        "Create an API token and print it, once: it is stored only as a hash. "
        "Scopes: %(scopes)s. Exit codes: 0 created; 2 unknown scope, bad date or name taken."
    ) % {"scopes": ", ".join(ApiScope.values)}

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True, help=_("which system uses the token"))
        parser.add_argument(
            "--scopes", required=True, help=_("comma-separated, e.g. directory:read,meetings:read")
        )
        parser.add_argument(
            "--expires", help=_("YYYY-MM-DD: the token stops working that day (default: never)")
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help=_("json for scripts (default: text)"),
        )

    def handle(self, *args: Any, name: str, scopes: str, **options: Any) -> None:
        expires_at = None
        if options["expires"]:
            try:
                day = datetime.date.fromisoformat(options["expires"])
            except ValueError:
                raise CommandError(
                    _("--expires must be a date such as 2027-06-30, not %(value)s.")
                    % {"value": options["expires"]},
                    returncode=EXIT_USAGE,
                ) from None
            expires_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        chosen = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        try:
            created = tokens.create_token(
                name,
                chosen,
                expires_at=expires_at,
                actor=Actor.system(_("Command line"), Channel.CLI),
            )
        except tokens.TokenError as refused:
            raise CommandError(str(refused), returncode=EXIT_USAGE) from None
        token = created.token
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "name": token.name,
                        "prefix": token.prefix,
                        "scopes": token.scopes,
                        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                        "token": created.plaintext,
                    },
                    indent=2,
                )
            )
            return
        self.stderr.write(
            _("Token %(name)s created with %(scopes)s. It is shown only now: keep it safe.")
            % {"name": token.name, "scopes": ", ".join(token.scopes)}
        )
        self.stdout.write(created.plaintext)
