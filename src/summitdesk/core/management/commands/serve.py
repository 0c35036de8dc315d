"""`summitdesk serve`: the production web server (gunicorn), static files collected first."""

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.utils.translation import gettext as _
from gunicorn.app.base import BaseApplication

from summitdesk.lib import heap


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ArgumentTypeError(_("Give a whole number, 1 or more."))
    return number


class Server(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
    """Gunicorn run from Python, serving SummitDesk's WSGI application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIHandler:
        application = get_wsgi_application()
        heap.settle()
        return application


class Command(BaseCommand):
    help = _(
        "Serve SummitDesk with gunicorn, after collecting the static files; the access log "
        "goes to standard output. Stop it with Ctrl-C or SIGTERM. "
        "Exit codes: 0 stopped cleanly; 1 could not start (address in use, a worker "
        "process that could not boot, an application that could not be loaded); 2 bad "
        "option."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            default="127.0.0.1:8000",
            help=_("Address and port to listen on (default 127.0.0.1:8000)."),
        )
        parser.add_argument(
            "--workers",
            type=positive,
            default=2,
            help=_("Worker processes; about one or two per core (default 2)."),
        )

    def handle(self, *args: Any, bind: str, workers: int, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        # Workers are forked from this process: they must not share its connections.
        connections.close_all()
        server = Server(
            {
                "bind": bind,
                "workers": workers,
                "accesslog": "-",
                "errorlog": "-",
                "proc_name": "summitdesk",
                # Long work belongs in tasks; a request taking this long is stuck.
                "timeout": 60,
                "graceful_timeout": 20,
                # Gunicorn's control socket sits at one path per user: two servers on a host
                # would fight over it, and nothing here uses it.
                "control_socket_disable": True,
            }
        )
        try:
            server.run()
        except SystemExit as stopped:
            # Gunicorn's own codes (3 a worker could not boot, 4 the application could not
            # load) would read as "partial" to a script: every failure to serve is 1.
            if stopped.code in (None, 0):
                raise
            raise CommandError(
                _("The server stopped: gunicorn exit code %(code)s.") % {"code": stopped.code},
                returncode=1,
            ) from stopped
