"""Portal replies: a 10-person delegation submitted through the real HTTP endpoint.

Aim: under 3 ms of server CPU per delegate registered (30 ms for the 10-person reply),
counting the gunicorn processes and the database, read from /proc: unlike latency, that
figure survives a noisy machine (the clients run on the same two cores as the server).

Sets up a scratch database (migrated; a meeting, a circular about it whose deadline is a
year away, N organisations each invited with one reply link whose token is kept in memory),
then starts `summitdesk serve --workers 2` (gunicorn) on a free port of 127.0.0.1 and, for
1, 8 and 32 concurrent clients:

- the trivial request, GET /sign-in/ (Django's whole middleware stack, a template and a
  CSRF cookie, no SQL for a visitor without a session), 2 x --requests times;
- --requests reply submissions, each what a browser does with its own cookies: GET
  /reply/<token>/ (the CSRF cookie and token from the form), then POST the whole form:
  attending, a focal point, an estimate of 10, head level chief executive, 10 members
  (the first one head) with names, functions, emails, nationality, gender and consent,
  action "submit"; the POST must answer with the redirect back to the page. Each token is
  used once in the whole run.

For each it prints requests per second, p50/p95/p99 latency (the POST alone, and GET + POST),
errors (any answer other than the one expected; 429s counted apart), and the CPU time the
server spent (utime + stime of the gunicorn master and its workers, and on PostgreSQL of the
backends connected to the scratch database, polled from /proc/<pid>/stat so that processes
that come and go are counted) per delegate registered, with its ratio to the CPU of one
trivial request. At the end, the database must hold exactly one submitted reply per
successful submission, ten delegates each (one head), and nothing else.

The portal rate limits token pages per client address (SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE,
60 by default, kept per worker process in LocMem here), which would refuse a benchmark
coming from one address after the first minute's 60 page views. Focal points
come from addresses of their own, so each simulated browser connects from an address of
its own in 127.0.0.0/8 (loopback on Linux; the server still listens on 127.0.0.1 only);
--one-address sends everything from 127.0.0.1 to show what the limit does.

    .venv/bin/python bench/reply_submit.py [--requests 200] [--concurrency 1,8,32]
    .venv/bin/python bench/reply_submit.py \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres

SQLite: a temporary file (WAL, IMMEDIATE transactions, busy timeout, as settings.py sets
it). PostgreSQL: the URL names a server (and a database to connect to for administration);
summitdesk_bench_reply is created there for the run and dropped afterwards unless --keep.
"""

import argparse
import datetime
import html
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from _common import (
    create_database,
    drop_database,
    free_port,
    met,
    percentile,
    server_environment,
    setup_django,
    start_server,
    stop_process,
)

MEMBERS = 10
TARGET_MS_PER_DELEGATE = 3.0
TRIVIAL_PATH = "/sign-in/"
SCRATCH_DATABASE = "summitdesk_bench_reply"
WARM_UP = 8  # submissions (and 4x as many trivial requests) before anything is measured
HTTP_TIMEOUT = 60.0
POLL_SECONDS = 0.5
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SEED = 2005
NATIONALITIES = ["CH", "FR", "KE", "BR", "JP", "IN", "EG", "CA", "SN", "VN"]
USER_AGENT = "SummitDesk-bench/1.0 (reply_submit.py)"
_NAMES = re.compile(r'\bname="([^"]+)"')
_HIDDEN = re.compile(r"<input\b[^>]*>")
_ATTRIBUTE = re.compile(r'\b(name|value|type)="([^"]*)"')
_ROW = re.compile(r"^members-\d+-")
_OPTION = re.compile(r'<option value="([^"]*)"')


# CPU time from /proc: the gunicorn master and its children, and the PostgreSQL processes.


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(command, parent pid, CPU ticks used: utime + stime) of `pid`, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    command = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt
    # cmajflt utime stime ...
    return command, int(fields[1]), int(fields[11]) + int(fields[12])


def _title(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()


class CpuMeter:
    """CPU seconds used between start() and stop() by three groups of processes:
    "server" (the gunicorn master `master` and its children), "database" (PostgreSQL
    backends connected to `database`, known by their process titles) and "postgres other"
    (every other PostgreSQL process on this machine: postmaster, WAL writer, checkpointer,
    autovacuum, and other databases' backends).

    /proc is polled every POLL_SECONDS, so a process born during the window counts from
    zero and one that ends counts up to its last sighting (at most one poll lost)."""

    def __init__(self, master: int, database: str | None) -> None:
        self.master = master
        self.database = database
        self.postgres_seen = False
        self._first: dict[int, tuple[str, int]] = {}
        self._last: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _group(self, pid: int, command: str, parent: int) -> str | None:
        if pid == self.master or parent == self.master:
            return "server"
        if command == "postgres" and self.database is not None:
            self.postgres_seen = True
            title = f" {_title(pid)} "
            if f" {self.database} " in title:
                return "database"
            return "postgres other"
        return None

    def _scan(self) -> dict[int, tuple[str, int]]:
        found = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            stat = _stat(pid)
            if stat is None:
                continue
            group = self._group(pid, stat[0], stat[1])
            if group is not None:
                found[pid] = (group, stat[2])
        return found

    def _poll(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self._last.update(self._scan())

    def start(self) -> None:
        self._first = self._scan()
        self._last = dict(self._first)
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._last.update(self._scan())
        used: Counter[str] = Counter()
        for pid, (group, ticks) in self._last.items():
            first = self._first.get(pid)
            used[group] += ticks - (first[1] if first and first[0] == group else 0)
        return {
            group: used[group] / CLOCK_TICKS for group in ("server", "database", "postgres other")
        }


# A browser: its own cookies, its own address, one connection per request (gunicorn's
# sync workers close the connection after each answer anyway).


@dataclass
class Answer:
    status: int
    body: bytes
    location: str
    seconds: float


class Browser:
    def __init__(self, port: int, source: str | None, host: str = "127.0.0.1") -> None:
        self.port = port
        self.source = source
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> Answer:
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": "en-GB,en;q=0.9",
        }
        body = None
        if form is not None:
            body = urlencode(form).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.send(method, path, headers, body)

    def send(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Answer:
        """The request as given, with this browser's cookies (and its origin on a POST)."""
        headers = dict(headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            origin = f"http://{self.host}:{self.port}"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
        connection = http.client.HTTPConnection(
            self.host,
            self.port,
            timeout=HTTP_TIMEOUT,
            source_address=(self.source, 0) if self.source else None,
        )
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Answer(response.status, content, response.getheader("Location", ""), seconds)


def hidden_inputs(page: str) -> dict[str, str]:
    found = {}
    for tag in _HIDDEN.findall(page):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            found[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return found


def options(page: str, name: str) -> list[str]:
    """The values a browser can choose in the select `name` of the page, blank one apart."""
    start = page.find(f'name="{name}"')
    end = page.find("</select>", start)
    if start < 0 or end < 0:
        raise ValueError(f"no select named {name} in the reply page")
    return [value for value in _OPTION.findall(page[start:end]) if value]


def reply_form(page: str, number: int) -> list[tuple[str, str]]:
    """What a browser posts for submission `number`: the page's hidden fields (CSRF token,
    the formset's management form, TOTAL_FORMS raised to the ten rows the page's "add a
    member" script would have added), every visible field, blank ones too; choices among
    those the page offers."""
    countries = set(options(page, "members-0-nationality"))
    nationalities = [code for code in NATIONALITIES if code in countries] or sorted(countries)
    genders = ["", *options(page, "members-0-gender")]
    hidden = hidden_inputs(page)
    if "csrfmiddlewaretoken" not in hidden or "members-TOTAL_FORMS" not in hidden:
        raise ValueError("no CSRF token or member management form in the reply page")
    hidden["members-TOTAL_FORMS"] = str(MEMBERS)
    form = [(name, value) for name, value in hidden.items() if not name.startswith("new-")]
    form += [("attending", "yes"), ("decline_reason", "")]
    form += [
        ("focal_point-title", "Ms"),
        ("focal_point-given_name", "Amina"),
        ("focal_point-family_name", f"Focal {number}"),
        ("focal_point-function", "Head of international relations"),
        ("focal_point-email", f"focal-{number}@bench.example.org"),
        ("focal_point-phone", "+41 22 730 5111"),
    ]
    form += [
        (f"backup-{name}", "")
        for name in ("title", "given_name", "family_name", "function", "email", "phone")
    ]
    form += [("estimated_participants", str(MEMBERS))]
    form += [("head", "0")]
    for index in range(MEMBERS):
        prefix = f"members-{index}-"
        form += [
            (prefix + "title", "Dr" if index % 3 == 0 else "Mr" if index % 2 else "Ms"),
            (prefix + "given_name", f"Given{index}"),
            (prefix + "family_name", f"Delegate {number}-{index}"),
            (prefix + "function", "Chief executive officer" if index == 0 else "Adviser"),
            (prefix + "email", f"delegate-{number}-{index}@bench.example.org"),
            (prefix + "nationality", nationalities[index % len(nationalities)]),
            (prefix + "gender", genders[index % len(genders)]),
            (prefix + "protocol_level", "chief_executive" if index == 0 else ""),
            (prefix + "affiliation", ""),
            (prefix + "relationship", ""),
        ]
        if index % 4 != 3:
            form.append((prefix + "consent_to_publish", "on"))
    form.append(("action", "submit"))
    return form


def check_form_names(page: str, form: list[tuple[str, str]]) -> None:
    """Stop if the page no longer has a field this bench posts (the form was changed)."""
    names = set(_NAMES.findall(page))
    missing = sorted(
        {
            name
            for name, _value in form
            if name not in names and _ROW.sub("members-__prefix__-", name) not in names
        }
    )
    if missing:
        raise SystemExit(
            f"The reply page has no field named {', '.join(missing)}: update the bench"
        )


@dataclass
class Outcome:
    error: str = ""
    post: float = 0.0
    total: float = 0.0
    posted: bool = False


def submit(
    port: int, token: str, source: str | None, number: int, follow: bool, host: str = "127.0.0.1"
) -> Outcome:
    """One reply submitted as a browser does it; `error` says what went wrong, if anything."""
    browser = Browser(port, source, host)
    path = f"/reply/{token}/"
    outcome = Outcome()
    try:
        page = browser.request("GET", path)
        if page.status != 200:
            outcome.error = f"GET {page.status}"
            return outcome
        form = reply_form(page.body.decode("utf-8"), number)
        outcome.posted = True
        post = browser.request("POST", path, form)
        outcome.post = post.seconds
        outcome.total = page.seconds + post.seconds
        # A submission leads to the page saying it was received; a save, back to the form.
        if post.status != 302 or urlsplit(post.location).path not in (path, f"{path}submitted/"):
            outcome.error = f"POST {post.status}"
            return outcome
        if follow:
            after = browser.request("GET", path)
            outcome.total += after.seconds
            if after.status != 200:
                outcome.error = f"GET after POST {after.status}"
    except (OSError, http.client.HTTPException, ValueError) as error:
        outcome.error = type(error).__name__
    return outcome


def trivial(port: int) -> Outcome:
    try:
        answer = Browser(port, None).request("GET", TRIVIAL_PATH)
    except (OSError, http.client.HTTPException) as error:
        return Outcome(error=type(error).__name__)
    return Outcome(
        error="" if answer.status == 200 else f"GET {answer.status}",
        post=answer.seconds,
        total=answer.seconds,
    )


def source_address(number: int) -> str:
    """A loopback address of its own for browser `number` (127.2.0.1 onwards)."""
    return f"127.{2 + number // 62500}.{number // 250 % 250}.{number % 250 + 1}"


# A round: many requests at a concurrency, timed, with the server's CPU.


@dataclass
class Round:
    clients: int
    outcomes: list[Outcome]
    seconds: float
    cpu: dict[str, float]
    skipped: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.errors = Counter(outcome.error for outcome in self.outcomes if outcome.error)

    @property
    def done(self) -> int:
        return sum(1 for outcome in self.outcomes if not outcome.error)

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def latencies(self, which: str) -> list[float]:
        return [
            getattr(outcome, which) * 1000 for outcome in self.outcomes if not outcome.error
        ] or [0.0]

    def server_cpu(self, upper: bool = False) -> float:
        used = self.cpu["server"] + self.cpu["database"]
        return used + (self.cpu["postgres other"] if upper else 0.0)


def run_round(
    clients: int, jobs: list[Callable[[], Outcome]], meter: CpuMeter, limit: float
) -> Round:
    deadline = time.monotonic() + limit
    skipped = 0

    def guarded(job: Callable[[], Outcome]) -> Outcome | None:
        nonlocal skipped
        if time.monotonic() > deadline:
            skipped += 1
            return None
        return job()

    meter.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(guarded, jobs))
    seconds = time.perf_counter() - started
    cpu = meter.stop()
    outcomes = [result for result in results if result is not None]
    return Round(clients, outcomes, seconds, cpu, skipped)


def spread(values: list[float]) -> str:
    return "/".join(f"{percentile(values, share):.0f}" for share in (0.5, 0.95, 0.99))


# The scratch database and the server.


def load(count: int) -> tuple[Any, list[str]]:
    """A meeting, a circular about it (deadline a year away), `count` organisations each
    invited with one reply link: (the meeting, the links' tokens)."""
    from summitdesk.correspondence import reply_links
    from summitdesk.correspondence.enums import CircularStatus
    from summitdesk.correspondence.models import Circular, Invitation
    from summitdesk.demo import circular as demo
    from summitdesk.demo.generate import generate_directory
    from summitdesk.demo.load import load_organisations
    from summitdesk.directory.enums import Language
    from summitdesk.directory.models import Organisation
    from summitdesk.meetings.enums import MeetingKind
    from summitdesk.meetings.models import Meeting, Process

    load_organisations(generate_directory(count, seed=SEED))
    process = Process.objects.create(code="wsis", name="World Summit on the Information Society")
    today = datetime.date.today()
    meeting = Meeting.objects.create(
        process=process,
        code=demo.MEETING_CODE,
        title="World Summit on the Information Society, second phase",
        kind=MeetingKind.SUMMIT_PHASE,
        city="Tunis",
        country="TN",
        time_zone="Africa/Tunis",
        start_date=today + datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=402),
    )
    circular = Circular.objects.create(
        reference=demo.REFERENCE,
        date=today,
        meeting=meeting,
        letterhead="\n".join(demo.LETTERHEAD),
        addressees=demo.ADDRESSEES,
        signatory_name=demo.SIGNATORY,
        signatory_titles="\n".join(demo.SIGNATORY_TITLES),
        reply_deadline=datetime.datetime.combine(
            today + datetime.timedelta(days=365), datetime.time(16), tzinfo=datetime.UTC
        ),
        status=CircularStatus.DISPATCHED,
        **demo.CONTACT,
    )
    organisations = list(Organisation.objects.order_by("pk"))
    languages = set(Language.values)
    Invitation.objects.bulk_create(
        Invitation(
            circular=circular,
            organisation=organisation,
            language=organisation.language if organisation.language in languages else "en",
        )
        for organisation in organisations
    )
    invitations = {
        invitation.organisation_id: invitation
        for invitation in Invitation.objects.filter(circular=circular)
    }
    tokens = [
        reply_links.issue(organisation, meeting, invitation=invitations[organisation.pk])[1]
        for organisation in organisations
    ]
    return meeting, tokens


def serves(port: int) -> Callable[[subprocess.Popen[bytes]], bool]:
    """Whether the server answers a trivial page and has both its workers up."""

    def ready(server: subprocess.Popen[bytes]) -> bool:
        answered = Browser(port, None).request("GET", TRIVIAL_PATH).status == 200
        return answered and len(workers_of(server.pid)) >= 2

    return ready


def workers_of(master: int) -> list[int]:
    return [
        int(entry.name)
        for entry in os.scandir("/proc")
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[1] == master
    ]


# The check: what the database holds after the run.


def database_check(meeting: Any, expected: int, posted: int) -> list[str]:
    """Problems found in the database (none: exactly `expected` replies of 10, no more)."""
    from django.db.models import Count, Q
    from django_tasks_db.models import DBTaskResult

    from summitdesk.delegations.enums import ReplyState
    from summitdesk.delegations.models import Delegate, Reply

    replies = Reply.objects.filter(meeting=meeting)
    submitted = replies.filter(state=ReplyState.SUBMITTED).count()
    delegates = Delegate.objects.filter(reply__meeting=meeting)
    total = delegates.count()
    distinct = delegates.values("email").distinct().count()
    heads = delegates.filter(is_head=True).count()
    wrong = (
        replies.annotate(
            named=Count("delegates"), heads=Count("delegates", Q(delegates__is_head=True))
        )
        .filter(Q(state=ReplyState.SUBMITTED) & (~Q(named=MEMBERS) | ~Q(heads=1)))
        .count()
    )
    others = replies.exclude(state=ReplyState.SUBMITTED).filter(delegates__isnull=False).count()
    tasks = DBTaskResult.objects.count()
    print(
        f"Database: {submitted} replies submitted (successful submissions {expected}, POSTs "
        f"sent {posted}); {total} delegates ({distinct} distinct emails, {heads} heads); "
        f"replies not of {MEMBERS} with one head: {wrong}; other replies with delegates: "
        f"{others}; tasks enqueued {tasks} (confirmation + focal point link each)"
    )
    problems = []
    if submitted != expected:
        problems.append(f"{submitted} replies submitted, {expected} submissions succeeded")
    if total != MEMBERS * submitted or distinct != total or heads != submitted:
        problems.append(f"{total} delegates ({distinct} distinct, {heads} heads) for {submitted}")
    if wrong or others:
        problems.append(f"{wrong} submitted replies malformed, {others} others with delegates")
    return problems


# Main.


def report_round(label: str, result: Round, unit: int, per: str) -> None:
    if not result.done:
        print(f"{result.clients:>7}  {label:<9} nothing succeeded: {dict(result.errors)}")
        return
    errors = sum(result.errors.values())
    refused = sum(count for error, count in result.errors.items() if "429" in error)
    detail = ", ".join(f"{error} x{count}" for error, count in sorted(result.errors.items()))
    cpu = result.server_cpu() * 1000 / max(1, result.done * unit)
    line = (
        f"{result.clients:>7}  {label:<9} {result.done:>5} {errors:>4} {refused:>4}"
        f" {result.rate:>8.1f}  {spread(result.latencies('post')):>14}"
        f"  {spread(result.latencies('total')):>14}  {cpu:>8.2f} {per}"
    )
    if result.cpu["database"] or result.cpu["postgres other"]:
        workers = result.cpu["server"] * 1000 / max(1, result.done * unit)
        database = result.cpu["database"] * 1000 / max(1, result.done * unit)
        upper = result.server_cpu(upper=True) * 1000 / max(1, result.done * unit)
        line += f" (workers {workers:.2f} + db {database:.2f}; all postgres {upper:.2f})"
    print(line)
    if detail or result.skipped:
        print(f"{'':>9}errors: {detail or 'none'}; not started (time limit): {result.skipped}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to use")
    parser.add_argument(
        "--requests", type=int, default=200, help="submissions per concurrency level"
    )
    parser.add_argument("--concurrency", default="1,8,32", help="client counts, e.g. 1,8,32")
    parser.add_argument(
        "--level-seconds",
        type=float,
        default=120.0,
        help="stop starting requests of a round after this many seconds",
    )
    parser.add_argument(
        "--follow-redirect",
        action="store_true",
        help="also GET the page the POST redirects to, as a browser would",
    )
    parser.add_argument(
        "--one-address",
        action="store_true",
        help="every browser from 127.0.0.1 (the portal's per-address limits then apply)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and files")
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",") if level.strip()]
    if args.requests < 1 or not levels or min(levels) < 1:
        parser.error("--requests and every --concurrency must be 1 or more")

    folder = Path(tempfile.mkdtemp(prefix="summitdesk-bench-reply-"))
    port = free_port()
    postgres = bool(args.database_url)
    try:
        url = (
            create_database(args.database_url, SCRATCH_DATABASE, replace=True)
            if postgres
            else f"sqlite:///{folder}/bench.sqlite3"
        )
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    environment = server_environment(url, folder, port)
    server: subprocess.Popen[bytes] | None = None
    try:
        from django.db import connection, connections

        setup_django()
        needed = WARM_UP + args.requests * len(levels)
        started = time.perf_counter()
        meeting, tokens = load(needed)
        vendor = connection.vendor
        print(
            f"Database: {vendor} ({connection.settings_dict['NAME']}); {len(tokens)} "
            f"organisations invited with one reply link each, set up in "
            f"{time.perf_counter() - started:.1f} s"
        )
        if len(tokens) < needed:
            raise SystemExit(f"Only {len(tokens)} organisations were created, {needed} needed")
        connections.close_all()  # nothing of this process's is open while the server runs

        server = start_server(port, environment, folder / "server.log", serves(port))
        meter = CpuMeter(server.pid, SCRATCH_DATABASE if postgres else None)
        print(
            f"Server: summitdesk serve --bind 127.0.0.1:{port} --workers 2 (gunicorn master "
            f"{server.pid}, workers {', '.join(map(str, workers_of(server.pid)))})"
        )
        submissions = iter(range(len(tokens)))

        def submission(number: int) -> Callable[[], Outcome]:
            source = None if args.one_address else source_address(number)
            token = tokens[number]
            return lambda: submit(port, token, source, number, args.follow_redirect)

        # Warm up both workers (imports, templates, connections), and check the form.
        first = Browser(port, None if args.one_address else source_address(len(tokens)))
        page = first.request("GET", f"/reply/{tokens[0]}/")
        if page.status != 200:
            raise SystemExit(f"The reply page answered {page.status}")
        check_form_names(page.body.decode("utf-8"), reply_form(page.body.decode("utf-8"), 0))
        warm = [submission(next(submissions)) for _ in range(WARM_UP)]
        warm_up = run_round(2, warm, meter, args.level_seconds)
        run_round(2, [lambda: trivial(port)] * WARM_UP * 4, meter, args.level_seconds)
        succeeded = warm_up.done
        posted = sum(1 for outcome in warm_up.outcomes if outcome.posted)
        if warm_up.errors:
            print(f"Warm-up errors: {dict(warm_up.errors)}")

        results: list[tuple[Round, Round]] = []
        for clients in levels:
            base = run_round(
                clients, [lambda: trivial(port)] * 2 * args.requests, meter, args.level_seconds
            )
            jobs = [submission(next(submissions)) for _ in range(args.requests)]
            replies = run_round(clients, jobs, meter, args.level_seconds)
            succeeded += replies.done
            posted += sum(1 for outcome in replies.outcomes if outcome.posted)
            results.append((base, replies))
        stop_process(server)
        server = None

        follow = " + GET after" if args.follow_redirect else ""
        addresses = "one address, 127.0.0.1" if args.one_address else "one address each"
        print()
        print(
            f"Reply submissions (GET form + POST {MEMBERS} delegates{follow}; browsers from "
            f"{addresses}) and the trivial request GET {TRIVIAL_PATH}, {vendor}, gunicorn "
            f"2 workers on {os.cpu_count()} cores. Latencies in ms (p50/p95/p99); CPU = "
            f"gunicorn master + workers{' + this database backends' if postgres else ''}, "
            "from /proc"
        )
        print(
            f"{'clients':>7}  {'what':<9} {'ok':>5} {'err':>4} {'429':>4} {'per s':>8}  "
            f"{'POST/GET ms':>14}  {'whole ms':>14}  {'CPU ms':>8}"
        )
        for base, replies in results:
            report_round("trivial", base, 1, "/request")
            report_round("reply", replies, MEMBERS, "/delegate")
            if not (base.done and replies.done):
                continue
            trivial_cpu = base.server_cpu() / max(1, base.done)
            per_delegate = replies.server_cpu() / max(1, replies.done * MEMBERS)
            per_reply = replies.server_cpu() / max(1, replies.done)
            if not trivial_cpu:
                continue
            ratio = per_delegate / trivial_cpu
            print(
                f"{'':>9}server CPU {per_reply * 1000:.1f} ms per reply "
                f"({per_reply / trivial_cpu:.0f}x a trivial request), "
                f"{per_delegate * 1000:.2f} ms per delegate ({ratio:.1f}x a trivial request "
                f"of {trivial_cpu * 1000:.2f} ms); replies took {replies.seconds:.1f} s"
            )
        if postgres and not meter.postgres_seen:
            print("Note: no PostgreSQL process found in /proc: the database's CPU is not counted")

        # Lost or duplicated?
        connections.close_all()
        problems = database_check(meeting, succeeded, posted)
        total_done = sum(replies.done for _base, replies in results)
        total_cpu = sum(replies.server_cpu() for _base, replies in results)
        overall = total_cpu * 1000 / max(1, total_done * MEMBERS)
        verdict = met(overall < TARGET_MS_PER_DELEGATE)
        print(
            f"Server CPU per delegate over all levels: {overall:.2f} ms (aim: under "
            f"{TARGET_MS_PER_DELEGATE:.0f} ms, {TARGET_MS_PER_DELEGATE * MEMBERS:.0f} ms per "
            f"{MEMBERS}-person reply): {verdict}"
        )
        failed = [
            f"{replies.clients} clients: {dict(replies.errors)}"
            for _base, replies in results
            if replies.errors or replies.skipped
        ]
        for problem in problems + failed:
            print(f"FAIL: {problem}")
        connections.close_all()
        return 1 if problems or failed else 0
    finally:
        if server is not None:
            stop_process(server)
        if postgres and not args.keep:
            from django.db import connections as open_connections

            open_connections.close_all()
            drop_database(args.database_url, SCRATCH_DATABASE)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"Kept: {folder}" + (f" and database {SCRATCH_DATABASE}" if postgres else ""))


if __name__ == "__main__":
    sys.exit(main())
