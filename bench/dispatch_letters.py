"""Dispatch: personalised DM-1048 letters rendered and sent to a local SMTP sink.

Aim: 5,000 letters in under 60 s with 2 workers, and at least half the raw engine rate
measured in the same run (our overhead: claiming, links, storage, email, SMTP, state).

Creates N organisations (the demo's generator, every chief executive with an address) and
circular DM-1048 with the letter's own texts, starts an aiosmtpd sink in a process of its
own, then for 1 and for 2 workers: dispatches, starts that many `summitdesk worker --once`
processes and times until every letter is sent, checking that the sink received exactly N
distinct messages. Before that, the raw Typst rate: the same letters (the first 300
organisations', built as the workers build them) rendered one after another in this
process with `render_letter`. Prints letters per second for 1 and 2 workers, the seconds
for N, the raw rate and the ratio (2-worker rate per worker / raw rate).

PostgreSQL when --database-url is given (the database is created, and dropped at the end
unless --keep), else a temporary SQLite file (WAL, IMMEDIATE transactions, busy timeout).

    .venv/bin/python bench/dispatch_letters.py [--organisations 5000]
    .venv/bin/python bench/dispatch_letters.py \\
        --database-url postgres://postgres@127.0.0.1:5432/summitdesk_bench_dispatch
"""

import argparse
import asyncio
import dataclasses
import datetime
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (
    ROOT,
    create_database,
    drop_database,
    free_port,
    setup_django,
    stop_process,
    wsis_meeting,
)
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

TARGET_SECONDS = 60.0
TARGET_RATIO = 0.5
RAW_LETTERS = 300
SEED = 1048
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


# The sink: its own process, recording each message's Message-ID, one per line.


def run_sink(port: int, record: Path) -> None:

    with record.open("w", encoding="ascii") as out:

        class Recorder:
            async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
                headers = (envelope.original_content or b"").split(b"\r\n\r\n", 1)[0]
                found = _MESSAGE_ID.search(headers)
                out.write((found.group(1).decode("ascii", "replace") if found else "-") + "\n")
                out.flush()
                return "250 Message accepted for delivery"

        controller = Controller(
            Recorder(), hostname="127.0.0.1", port=port, loop=asyncio.new_event_loop()
        )
        controller.start()
        stopped = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopped
            stopped = True

        signal.signal(signal.SIGTERM, stop)
        while not stopped:
            time.sleep(0.2)
        controller.stop()


def start_sink(port: int, record: Path) -> subprocess.Popen[bytes]:
    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(port), str(record)])
    for _attempt in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return sink
        except OSError:
            time.sleep(0.1)
    sink.kill()
    raise RuntimeError("The SMTP sink did not start")


# The database.


def server_and_name(url: str) -> tuple[str, str]:
    """--database-url names the database to create: the server's URL (its `postgres`
    database, to connect to) and the name."""
    return url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]


def load(count: int) -> Any:
    """N organisations, each chief executive with an address, and DM-1048 as a draft to all."""
    from summitdesk.correspondence.audience import Audience
    from summitdesk.correspondence.enums import Enclosure
    from summitdesk.correspondence.models import Circular, CircularText
    from summitdesk.demo import circular as demo
    from summitdesk.demo.generate import generate_directory
    from summitdesk.demo.load import load_organisations
    from summitdesk.directory.enums import Category

    specs = []
    for spec in generate_directory(count, seed=SEED):
        ceo = spec.chief_executive
        if not ceo.email:
            ceo = dataclasses.replace(ceo, email=f"ceo-{spec.external_id}@bench.example.org")
        specs.append(dataclasses.replace(spec, chief_executive=ceo))
    load_organisations(specs)
    start = datetime.date.today() + datetime.timedelta(days=150)
    meeting = wsis_meeting(
        demo.MEETING_CODE,
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
    )
    circular = Circular.objects.create(
        reference=demo.REFERENCE,
        date=demo.LETTER_DATE,
        meeting=meeting,
        letterhead="\n".join(demo.LETTERHEAD),
        addressees=demo.ADDRESSEES,
        audience=Audience(categories=[category.value for category in Category]).to_json(),
        signatory_name=demo.SIGNATORY,
        signatory_titles="\n".join(demo.SIGNATORY_TITLES),
        enclosures=[Enclosure.REPLY_FORM, Enclosure.INFORMATION_PACK],
        reply_deadline=datetime.datetime.combine(
            start - datetime.timedelta(days=60), datetime.time(16), tzinfo=datetime.UTC
        ),
        **demo.CONTACT,
    )
    for language, (subject, salutation, paragraphs, closing) in demo.TEXTS.items():
        CircularText.objects.create(
            circular=circular,
            language=language,
            subject=subject,
            salutation=salutation,
            body="\n\n".join(paragraphs),
            closing=closing,
        )
    return circular


def raw_rate(circular: Any, count: int) -> float:
    """Letters a second that Typst renders alone here, for the letters the workers write."""
    from summitdesk.correspondence import compose
    from summitdesk.correspondence.enums import MailingKind
    from summitdesk.correspondence.letters import render_letter
    from summitdesk.correspondence.models import Invitation, Mailing, OutboundMessage
    from summitdesk.directory.models import Organisation

    # Built as the workers build them (compose.letter_for), from rows that are not saved.
    mailing = Mailing(circular=circular, kind=MailingKind.LETTER)
    context = compose.MailingContext(mailing=mailing, circular=circular, meeting=circular.meeting)
    letters = []
    for organisation in Organisation.objects.order_by("id")[:count]:
        invitation = Invitation(
            circular=circular, organisation=organisation, language=organisation.language
        )
        row = OutboundMessage(mailing=mailing, invitation=invitation)
        token = secrets.token_urlsafe(24)  # as long as a real one: the same QR code
        letters.append(compose.letter_for(row, token, context))
    render_letter(letters[0])  # as a worker that has rendered once: fonts loaded
    started = time.perf_counter()
    for letter in letters:
        render_letter(letter)
    return len(letters) / (time.perf_counter() - started)


def reset(circular: Any, files: Path) -> None:
    from django_tasks_db.models import DBTaskResult

    from summitdesk.core.models import PeriodicRun
    from summitdesk.correspondence.enums import CircularStatus
    from summitdesk.correspondence.models import Invitation, Mailing, OutboundMessage, ReplyLink

    ReplyLink.objects.all().delete()
    OutboundMessage.objects.all().delete()
    Mailing.objects.all().delete()
    Invitation.objects.all().delete()
    DBTaskResult.objects.all().delete()
    PeriodicRun.objects.all().delete()
    circular.status = CircularStatus.DRAFT
    circular.save(update_fields=["status"])
    shutil.rmtree(files / "letters", ignore_errors=True)


@dataclasses.dataclass
class Round:
    workers: int
    seconds: float
    sent: int
    received: int
    distinct: int
    problems: dict[str, int]

    @property
    def rate(self) -> float:
        return self.sent / self.seconds


def dispatch_round(circular: Any, workers: int, count: int, port: int, folder: Path) -> Round:
    from django.db import connections

    from summitdesk.core.audit import Actor
    from summitdesk.correspondence import services

    record = folder / f"sink-{workers}.txt"
    sink = start_sink(port, record)
    try:
        started = time.perf_counter()
        mailing = services.dispatch_circular(circular, actor=Actor.system("bench"))
        connections.close_all()  # nothing held open while the workers write
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "summitdesk.cli", "worker", "--once", "-v0"], cwd=ROOT
            )
            for _worker in range(workers)
        ]
        while True:
            status = services.circular_status(circular, mailing)
            if status["done"] or any(process.poll() not in (None, 0) for process in processes):
                break
            time.sleep(0.25)  # often enough for the timing, rarely enough to cost nothing
        seconds = time.perf_counter() - started
        for process in processes:
            process.wait(timeout=600)
    finally:
        stop_process(sink)
    ids = record.read_text(encoding="ascii").split()
    problems = {key: status[key] for key in ("queued", "sending", "failed", "in_doubt")}
    problems["no_address"] = status["no_address"]
    return Round(
        workers=workers,
        seconds=seconds,
        sent=status["sent"],
        received=len(ids),
        distinct=len(set(ids)),
        problems={key: value for key, value in problems.items() if value},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--database-url", default="", help="a PostgreSQL database to create")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        run_sink(int(args.sink[0]), Path(args.sink[1]))
        return 0

    folder = Path(tempfile.mkdtemp(prefix="summitdesk-bench-dispatch-"))
    port = free_port()
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    # Read by the settings of this process and of the workers it starts.
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "summitdesk.settings",
            "DATABASE_URL": url,
            "SUMMITDESK_VAR_DIR": str(folder),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
        }
    )
    if args.database_url:
        create_database(*server_and_name(url), replace=True)
    try:
        from django.db import connection, connections

        setup_django()
        print(f"Database: {connection.vendor}; {args.organisations:,} organisations")
        started = time.perf_counter()
        circular = load(args.organisations)
        print(f"Loaded in {time.perf_counter() - started:.1f} s")

        raw = raw_rate(circular, min(RAW_LETTERS, args.organisations))
        print(f"Raw Typst rate (render_letter, same letters, one core): {raw:.1f} letters/s")

        rounds = []
        for workers in (1, 2):
            reset(circular, folder / "files")
            result = dispatch_round(circular, workers, args.organisations, port, folder)
            rounds.append(result)
            print(
                f"{workers} worker{'s' if workers > 1 else ''}: {result.sent:,} sent in "
                f"{result.seconds:.1f} s = {result.rate:.1f} letters/s; sink received "
                f"{result.received:,} ({result.distinct:,} distinct Message-IDs)"
                + (f"; problems: {result.problems}" if result.problems else "")
            )
        connections.close_all()
    finally:
        if args.database_url and not args.keep:
            from django.db import connections as open_connections

            open_connections.close_all()
            drop_database(*server_and_name(url))
        shutil.rmtree(folder, ignore_errors=True)

    failed = [
        result
        for result in rounds
        if result.problems
        or result.sent != args.organisations
        or result.received != args.organisations
        or result.distinct != args.organisations
    ]
    if failed:
        print("FAIL: the sink did not receive exactly one message per organisation")
        return 1
    two = rounds[1]
    ratio = two.rate / raw
    per_worker = (two.rate / 2) / raw
    at_scale = args.organisations / two.rate
    print(
        f"2 workers: {two.seconds:.1f} s for {args.organisations:,} "
        f"(aim: 5,000 in under {TARGET_SECONDS:.0f} s)"
    )
    print(
        f"Ratio, 2-worker rate / raw engine rate: {two.rate:.1f} / {raw:.1f} = {ratio:.2f} "
        f"(aim >= {TARGET_RATIO}); per worker: {per_worker:.2f}"
    )
    if args.organisations >= 5000 and (at_scale > TARGET_SECONDS or ratio < TARGET_RATIO):
        # A figure, not a failure: correctness failures above return 1.
        print("Below the aim")
    return 0


if __name__ == "__main__":
    sys.exit(main())
