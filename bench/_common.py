"""What the benchmarks in bench/ set up the same way: a scratch folder and database
(SQLite, or PostgreSQL when --database-url names a server), Django migrated into it,
percentiles and timings, peak memory, and a local server to measure over HTTP.

Not a benchmark itself: the leading underscore keeps `make bench` from running it. Each
script imports it as `_common` (Python puts the script's folder first on sys.path), and
importing it puts `src/` on sys.path, so the scripts still run as `python bench/<name>.py`.
"""

import argparse
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


# Names in Latin, Cyrillic, Chinese and Arabic script, with accents: what badges, lists
# and exports must set right (given name, family name).
NAMES = [
    ("Amina", "Haddad"),
    ("Jean-Pierre", "Lefèvre"),
    ("Мария", "Иванова"),
    ("小明", "王"),
    ("محمد", "الحسن"),
    ("Søren", "Østergaard"),
    ("Nguyễn", "Thị Hoa"),
    ("Ana", "González Pérez"),
]


# The scratch database.


def database_url_option(parser: argparse.ArgumentParser) -> None:
    """--database-url, as the benchmarks that run in a `scratch_database` take it."""
    parser.add_argument("--database-url", help="a PostgreSQL server (a database is created)")


def create_database(server_url: str, name: str, *, replace: bool = False) -> str:
    """Creates the database `name` on the PostgreSQL server and returns its URL. With
    `replace`, one left over by an earlier run under that fixed name is dropped first."""

    with psycopg.connect(server_url, autocommit=True) as admin:
        if replace:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def drop_database(server_url: str, name: str) -> None:
    """Drops `name`, even with sessions still open on it (a crashed worker's)."""

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(label: str, server_url: str | None) -> Iterator[str]:
    """The folder of a run in which Django's settings will find their data: a fresh
    temporary SUMMITDESK_VAR_DIR (with an empty `static/`, where collected static files
    would be) and a database of its own, a PostgreSQL one created on `server_url` or else
    a SQLite file in the folder. DEBUG is off, as in production. Everything is removed on
    the way out, the database dropped after this process's connections are closed."""
    scratch = tempfile.mkdtemp(prefix=f"summitdesk-bench-{label}-")
    os.environ["SUMMITDESK_VAR_DIR"] = scratch
    os.environ.pop("DEBUG", None)
    os.makedirs(f"{scratch}/static")
    name = f"summitdesk_bench_{label}_{os.getpid()}"
    try:
        if server_url:
            # The settings refuse PostgreSQL without a key: a throwaway one for the run.
            os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
            database_url = create_database(server_url, name)
        else:
            database_url = f"sqlite:///{scratch}/bench.sqlite3"
        os.environ["DATABASE_URL"] = database_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "summitdesk.settings"
        try:
            yield scratch
        finally:
            from django.db import connections

            connections.close_all()
            if server_url:
                drop_database(server_url, name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def setup_django() -> None:
    """Django configured from the environment, and the database migrated."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def wsis_meeting(code: str, **fields: Any) -> Any:
    """The WSIS process and a meeting of it, by default its first summit phase in Geneva;
    `fields` set the others or override these."""
    from summitdesk.meetings.enums import MeetingKind
    from summitdesk.meetings.models import Meeting, Process

    process = Process.objects.create(code="wsis", name="World Summit on the Information Society")
    defaults: dict[str, Any] = {
        "title": "World Summit on the Information Society, first phase",
        "kind": MeetingKind.SUMMIT_PHASE,
        "city": "Geneva",
        "country": "CH",
        "time_zone": "Europe/Zurich",
    }
    return Meeting.objects.create(process=process, code=code, **(defaults | fields))


def delegates_in_bulk(
    meeting: Any,
    count: int,
    per_organisation: int,
    *,
    organisation: Callable[[int], dict[str, Any]] = lambda n: {"country": "CH", "language": "en"},
    reply: dict[str, Any] | None = None,
    delegate: Callable[[int], dict[str, Any]] = lambda n: {},
) -> list[Any]:
    """`count` delegates named Given<n> Family<n>, `per_organisation` to the reply to
    `meeting` of each organisation, named Organisation <n>: saved with bulk_create (no
    audit: the data a benchmark starts from, not what it measures). `organisation`,
    `reply` and `delegate` give each one's other fields."""
    from summitdesk.delegations.models import Delegate, Reply
    from summitdesk.directory.models import Organisation

    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {n}", **organisation(n))
        for n in range((count + per_organisation - 1) // per_organisation)
    )
    replies = Reply.objects.bulk_create(
        Reply(organisation=made, meeting=meeting, **(reply or {})) for made in organisations
    )
    return Delegate.objects.bulk_create(
        Delegate(
            reply=replies[n // per_organisation],
            position=n % per_organisation,
            given_name=f"Given{n}",
            family_name=f"Family{n}",
            **delegate(n),
        )
        for n in range(count)
    )


# Figures.


def percentile(values: list[float], share: float) -> float:
    """The value at `share` (0.95 for p95) of the sorted values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(action: Callable[[], Any]) -> tuple[float, int]:
    """Milliseconds `action` took, and the SQL queries it made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        action()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries)


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MiB of this process (or RUSAGE_CHILDREN: the largest of
    its finished children), from getrusage (KiB on Linux)."""
    return resource.getrusage(who).ru_maxrss / 1024


def met(ok: bool) -> str:
    """How a single aim reads at the end of a figure line."""
    return "met" if ok else "MISSED"


def aims_verdict(ok: bool) -> str:
    """The last line of a benchmark with several aims."""
    return "OK: aims met" if ok else "FAILED: an aim is not met"


# A local server, measured over HTTP as a browser or a desk would reach it.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(database_url: str, folder: Path, port: int) -> dict[str, str]:
    """The environment of a server on `port`, made this process's too (so that both read
    the same settings): the scratch database and folder, a fresh secret key, DEBUG off,
    no Redis nor mail host. Returned, to start the server with."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "EMAIL_HOST", "DEBUG")
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "summitdesk.settings",
            "DATABASE_URL": database_url,
            "SUMMITDESK_VAR_DIR": str(folder),
            "SUMMITDESK_BASE_URL": f"http://127.0.0.1:{port}",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
        }
    )
    os.environ.clear()
    os.environ.update(environment)
    return environment


def start_server(
    port: int,
    environment: dict[str, str],
    log: Path,
    ready: Callable[[subprocess.Popen[bytes]], bool],
) -> subprocess.Popen[bytes]:
    """`summitdesk serve` with two workers on `port`, once `ready` says it answers."""
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "summitdesk.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    until = time.monotonic() + 90
    while time.monotonic() < until:
        if server.poll() is not None:
            raise RuntimeError(f"The server stopped (exit {server.returncode}); see {log}")
        try:
            if ready(server):
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_process(server)
    raise RuntimeError(f"The server did not answer within 90 s; see {log}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 30 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
