"""Check-in scans through the real desk endpoint, with 1 and 2 desks at once.

Aim: p95 under 50 ms per scan with 2 concurrent desks, and a count that is exactly right.

Sets up a scratch database (migrated; one meeting, N approved accreditations with badge
version 1, a check-in desk account), starts `summitdesk serve --workers 2` (gunicorn) on
a free port of 127.0.0.1, signs each desk in as a browser would (GET /sign-in/ for the
CSRF cookie, POST the credentials), names the desk, then times the scans: each one the
POST a USB scanner makes (the badge code typed into the field, Enter), answered by the
redirect to the desk showing the result (302; the redirect is not followed).

Rounds (each over badges of its own):
- 1 desk, --scans badges, one after the other;
- 2 desks, --scans distinct badges split between them;
- 2 desks racing: both scan the same --scans badges at the same time, so that every
  badge is scanned twice at once: exactly one `entered` each, the other a re-entry.

It prints, per round, scans per second, p50/p95/p99 ms and errors; at the end the check:
`entered` rows = badges scanned, re-entries = badges raced, no refusals.

    .venv/bin/python bench/checkin.py [--scans 300]
    .venv/bin/python bench/checkin.py --database-url postgres://postgres@127.0.0.1:5432/postgres

SQLite: a temporary file. PostgreSQL: summitdesk_bench_checkin is created on that server
for the run and dropped afterwards unless --keep.
"""

import argparse
import html
import http.client
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _common import (
    create_database,
    delegates_in_bulk,
    drop_database,
    free_port,
    percentile,
    server_environment,
    setup_django,
    start_server,
    stop_process,
    wsis_meeting,
)

SCRATCH_DATABASE = "summitdesk_bench_checkin"
USERNAME = "desk-bench"
PASSWORD = secrets.token_urlsafe(16)
MEETING_CODE = "wsis-geneva"
HTTP_TIMEOUT = 30.0
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# A browser: one keep-alive connection and its cookies.


class Desk:
    def __init__(self, port: int, name: str) -> None:
        self.port = port
        self.name = name
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes, str]:
        headers = {"Accept": "text/html", "User-Agent": "summitdesk-bench/checkin"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()  # the server closed the kept-alive connection: once more
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
        return response.status, content, response.getheader("Location", "")

    def csrf(self, path: str) -> str:
        status, content, _ = self.request("GET", path)
        found = _CSRF.search(content.decode("utf-8"))
        if status != 200 or found is None:
            raise RuntimeError(f"GET {path} answered {status} without a CSRF token")
        return html.unescape(found.group(1))

    def sign_in(self) -> None:
        token = self.csrf("/sign-in/")
        status, _, _ = self.request(
            "POST",
            "/sign-in/",
            {"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD, "next": ""},
        )
        if status != 302:
            raise RuntimeError(f"Sign-in answered {status}")
        desk = f"/meetings/{MEETING_CODE}/check-in/"
        token = self.csrf(desk)
        status, _, _ = self.request("POST", desk, {"csrfmiddlewaretoken": token, "desk": self.name})
        if status != 302:
            raise RuntimeError(f"Naming the desk answered {status}")
        self.token = self.csrf(desk)

    def scan(self, code: str) -> tuple[float, str]:
        path = f"/meetings/{MEETING_CODE}/check-in/"
        started = time.perf_counter()
        status, _, location = self.request(
            "POST", path, {"csrfmiddlewaretoken": self.token, "code": code}
        )
        seconds = time.perf_counter() - started
        ok = status == 302 and "?last=" in location
        return seconds, "" if ok else f"HTTP {status}"


# Rounds.


@dataclass
class Round:
    label: str
    desks: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def run_round(label: str, desks: list[Desk], work: list[list[str]]) -> Round:
    """Each desk scans its own list, all desks at once (started together)."""
    result = Round(label, len(desks))
    lock = threading.Lock()
    barrier = threading.Barrier(len(desks))

    def desk_loop(desk: Desk, codes: list[str], racing: bool) -> None:
        barrier.wait()
        for code in codes:
            if racing:
                barrier.wait()
            seconds, error = desk.scan(code)
            with lock:
                result.latencies.append(seconds)
                if error:
                    result.errors[error] += 1

    racing = len(desks) > 1 and all(codes == work[0] for codes in work)
    threads = [
        threading.Thread(target=desk_loop, args=(desk, codes, racing))
        for desk, codes in zip(desks, work, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def report(result: Round) -> None:
    ms = [value * 1000 for value in result.latencies]
    spread = "/".join(f"{percentile(ms, share):.1f}" for share in (0.5, 0.95, 0.99))
    errors = ", ".join(f"{e} x{n}" for e, n in sorted(result.errors.items())) or "none"
    print(
        f"{result.label:<28} {result.desks:>5} {len(ms):>6} {result.rate:>9.1f}"
        f"  {spread:>18}  errors: {errors}"
    )


# The scratch database, the data and the server.


def load(count: int) -> tuple[Any, list[str]]:
    """The meeting and the badge codes of `count` approved accreditations."""
    from summitdesk.accreditation.badges import badge_code
    from summitdesk.accreditation.enums import AccreditationStatus
    from summitdesk.accreditation.models import Accreditation
    from summitdesk.core.enums import Role
    from summitdesk.core.models import User
    from summitdesk.directory.enums import Category, StakeholderGroup

    User.objects.create_user(USERNAME, password=PASSWORD, role=Role.CHECKIN_DESK)
    meeting = wsis_meeting(MEETING_CODE)
    delegates = delegates_in_bulk(
        meeting,
        count,
        10,
        organisation=lambda n: {
            "category": Category.SECTOR_MEMBER,
            "stakeholder_group": StakeholderGroup.PRIVATE_SECTOR,
            "country": "CH",
            "language": "en",
        },
    )
    accreditations = Accreditation.objects.bulk_create(
        Accreditation(
            delegate=delegate,
            meeting=meeting,
            status=AccreditationStatus.APPROVED,
            badge_version=1,
            badge_number=f"{n + 1:05d}",
        )
        for n, delegate in enumerate(delegates)
    )
    return meeting, [badge_code(accreditation) for accreditation in accreditations]


def database_check(meeting: Any, entered: int, reentered: int) -> list[str]:
    from summitdesk.accreditation.enums import CheckInResult
    from summitdesk.accreditation.models import CheckIn
    from summitdesk.reports.figures import desk_count

    rows = Counter(
        CheckIn.objects.filter(meeting=meeting).values_list("result", flat=True).iterator()
    )
    count = desk_count(meeting)
    print(
        f"Database: {rows[CheckInResult.ENTERED]} entered (expected {entered}), "
        f"{rows[CheckInResult.REENTERED]} re-entries (expected {reentered}), "
        f"{rows[CheckInResult.REFUSED]} refused (expected 0); live count {count.entered} "
        f"of {count.approved}"
    )
    problems = []
    if rows[CheckInResult.ENTERED] != entered or count.entered != entered:
        problems.append(f"{rows[CheckInResult.ENTERED]} entered, {entered} expected")
    if rows[CheckInResult.REENTERED] != reentered:
        problems.append(f"{rows[CheckInResult.REENTERED]} re-entries, {reentered} expected")
    if rows[CheckInResult.REFUSED]:
        problems.append(f"{rows[CheckInResult.REFUSED]} refused")
    return problems


def answers_sign_in(port: int) -> Callable[[subprocess.Popen[bytes]], bool]:
    """Whether the server answers the sign-in page yet."""

    def ready(_server: subprocess.Popen[bytes]) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/sign-in/")
        if connection.getresponse().status == 200:
            connection.close()
            return True
        return False

    return ready


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to use")
    parser.add_argument("--scans", type=int, default=300, help="badges per round")
    parser.add_argument("--keep", action="store_true", help="keep the database and files")
    args = parser.parse_args()
    if args.scans < 2:
        parser.error("--scans must be 2 or more")

    folder = Path(tempfile.mkdtemp(prefix="summitdesk-bench-checkin-"))
    port = free_port()
    postgres = bool(args.database_url)
    url = (
        create_database(args.database_url, SCRATCH_DATABASE, replace=True)
        if postgres
        else f"sqlite:///{folder}/bench.sqlite3"
    )
    environment = server_environment(url, folder, port)
    server: subprocess.Popen[bytes] | None = None
    try:
        from django.db import connection, connections

        setup_django()
        warm_up = 20
        n = args.scans
        meeting, codes = load(warm_up + 3 * n)
        print(
            f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); "
            f"{len(codes)} approved accreditations"
        )
        connections.close_all()
        server = start_server(port, environment, folder / "server.log", answers_sign_in(port))
        print(f"Server: summitdesk serve --bind 127.0.0.1:{port} --workers 2 (pid {server.pid})")
        desks = [Desk(port, "Desk 1"), Desk(port, "Desk 2")]
        for desk in desks:
            desk.sign_in()

        warm, one, two, race = (
            codes[:warm_up],
            codes[warm_up : warm_up + n],
            codes[warm_up + n : warm_up + 2 * n],
            codes[warm_up + 2 * n :],
        )
        run_round("warm-up", desks, [warm[::2], warm[1::2]])
        print(f"{'round':<28} {'desks':>5} {'scans':>6} {'scans/s':>9}  {'p50/p95/p99 ms':>18}")
        rounds: list[Round] = [
            run_round("1 desk", desks[:1], [one]),
            run_round("2 desks, distinct badges", desks, [two[::2], two[1::2]]),
            run_round("2 desks racing, same badge", desks, [race, race]),
        ]
        for result in rounds:
            report(result)
        stop_process(server)
        server = None
        problems = database_check(meeting, warm_up + 3 * n, n)
        errors = sum(sum(result.errors.values()) for result in rounds)
        connections.close_all()
        p95 = percentile([v * 1000 for v in rounds[1].latencies + rounds[2].latencies], 0.95)
        print(f"Two desks: p95 {p95:.1f} ms (aim: under 50 ms)")
        if problems or errors:
            print("FAILED: " + "; ".join([*problems, f"{errors} scans failed"]))
            return 1
        print("OK: every badge entered exactly once")
        return 0
    finally:
        if server is not None:
            stop_process(server)
        if postgres and not args.keep:
            drop_database(args.database_url, SCRATCH_DATABASE)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"Kept: {folder}")


if __name__ == "__main__":
    sys.exit(main())
