"""Gates of the venue: 8 gates scanning at once, and the occupancy figure at scale.

Aims: online gate scans with 8 gates at once (each scanning a person every --pace s),
p95 under 50 ms; the occupancy figure (people
inside each zone) with 100,000 accreditations and 300,000 scans, p95 under 50 ms and equal
to a recount of the presence rows.

Sets up a scratch database (migrated; one meeting with a main entrance, a plenary and a
high-level segment, gates in and out; --accreditations approved accreditations), loads
--history scans as they would have left the venue (passage rows, the people inside each
zone, each zone's counter counted in Python as the scans went), then runs the service the
gates call (venue.gates.scan, through the check-in) in 8 processes (--threads: threads), each
with its own database connection:

- 1 gate alone, distinct badges going into the plenary (the baseline);
- 8 gates, each scanning a badge every --pace seconds (people walking through; the gates
  staggered), distinct badges into the plenary: the online latency, judged by the aim;
- 8 gates scanning at the same instant, every scan (a barrier): the throughput when every
  gate scans at once, distinct badges into the plenary;
- 8 gates, the same badges going out;
- 8 gates racing: all 8 scan the same secondary pass at once, --races times (a new pass
  each time): exactly one admission each.

It prints, per round, scans per second, p50/p95/p99 ms and the CPU per scan: the gate's
Python (the server's work of a scan: the service a request runs, without the HTTP around
it) and its PostgreSQL session's (read from /proc: a server on this machine). Then the
paced gates' p95 against one gate alone's (the baseline, same run), the figure's p95 over
--reads reads (and a recount's, as the baseline), and checks that every counter equals
the recount and each raced pass was admitted once.

    .venv/bin/python bench/venue_gates.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/venue_gates.py --accreditations 2000 --history 6000   # SQLite, small

SQLite: a temporary file (its writers take turns). PostgreSQL: a scratch database created
on that server for the run and dropped afterwards.
"""

import argparse
import gc
import multiprocessing
import os
import queue
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from _common import (
    aims_verdict,
    database_url_option,
    delegates_in_bulk,
    met,
    percentile,
    scratch_database,
    setup_django,
    wsis_meeting,
)

GATES = 8
SEED = 2003
AIM_MS = 50.0
BARRIER_TIMEOUT = 60.0


@dataclass
class Round:
    name: str
    latencies: list[float] = field(default_factory=list)
    results: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: CPU seconds spent scanning: by the gates' Python (the server's work: the service a
    #: request runs), and by their database sessions (PostgreSQL on this machine: /proc).
    python_cpu: float = 0.0
    database_cpu: float | None = None

    def cpu(self) -> str:
        scans = max(1, len(self.latencies))
        python = f"{self.python_cpu * 1000 / scans:.1f}"
        if self.database_cpu is None:
            return f"{python} + ?"
        return f"{python} + {self.database_cpu * 1000 / scans:.1f}"

    def line(self) -> str:
        ms = [value * 1000 for value in self.latencies]
        rate = len(ms) / self.seconds if self.seconds else 0.0
        p50, p95, p99 = (percentile(ms, share) for share in (0.5, 0.95, 0.99))
        return (
            f"{self.name:<34} {len(ms):>6} {rate:>9.0f}  {p50:>6.1f}/{p95:>6.1f}/{p99:>6.1f}"
            f"  {self.cpu():>11}  {dict(sorted(self.results.items()))}"
        )


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend process, from
    /proc (a server on this machine); None on SQLite or when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(accreditations: int, history: int) -> tuple[Any, dict[str, Any], list[int]]:
    """The meeting, its zones by code, and the ids of its approved accreditations; with
    `history` scans already made (bulk-loaded: the state they leave, not measured)."""
    import datetime

    from summitdesk.accreditation.enums import AccreditationStatus
    from summitdesk.accreditation.models import Accreditation
    from summitdesk.core.audit import Actor
    from summitdesk.venue import zones
    from summitdesk.venue.enums import Direction
    from summitdesk.venue.models import Passage, Presence, ZoneOccupancy

    today = datetime.date.today()
    meeting = wsis_meeting(
        "wsis-geneva",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=3),
    )
    actor = Actor.system("bench")
    by_code = {
        "main": zones.create_zone(
            meeting, name="Main entrance", code="main", is_main_entrance=True, actor=actor
        ),
        "plenary": zones.create_zone(meeting, name="Plenary", actor=actor),
        "hls": zones.create_zone(meeting, name="High-level segment", code="hls", actor=actor),
    }
    for code, zone in by_code.items():
        for direction in Direction.values:
            zones.create_gate(
                meeting, name=f"{code} {direction}", zone=zone, direction=direction, actor=actor
            )
    delegates = delegates_in_bulk(meeting, accreditations, 10)
    made = Accreditation.objects.bulk_create(
        (
            Accreditation(
                delegate=delegate,
                meeting=meeting,
                status=AccreditationStatus.APPROVED,
                badge_version=1,
            )
            for delegate in delegates
        ),
        batch_size=5000,
    )
    ids = [row.pk for row in made]
    # The history: random people going in and out of random zones.
    rng = random.Random(SEED)
    inside: set[tuple[int, int]] = set()
    counters = {zone.pk: 0 for zone in by_code.values()}
    rows: list[Passage] = []
    zone_list = list(by_code.values())
    for _n in range(history):
        person = rng.choice(ids)
        zone = rng.choice(zone_list)
        key = (zone.pk, person)
        going_in = key not in inside or rng.random() < 0.2
        if going_in and key not in inside:
            inside.add(key)
            counters[zone.pk] += 1
        elif not going_in:
            inside.discard(key)
            counters[zone.pk] -= 1
        rows.append(
            Passage(
                meeting=meeting,
                zone=zone,
                direction=Direction.IN if going_in else Direction.OUT,
                accreditation_id=person,
                admitted=True,
                desk="history",
            )
        )
        if len(rows) >= 10000:
            Passage.objects.bulk_create(rows)
            rows = []
    Passage.objects.bulk_create(rows)
    Presence.objects.bulk_create(
        (Presence(zone_id=zone_id, accreditation_id=person) for zone_id, person in sorted(inside)),
        batch_size=10000,
    )
    for zone_id, count in counters.items():
        ZoneOccupancy.objects.filter(zone_id=zone_id).update(inside=count)
    return meeting, by_code, ids


Scan = tuple[str | int, Any, str]


def _gate(
    number: int,
    scans: list[Scan],
    meeting: Any,
    barrier: Any,
    report: Any,
    pace: float = 0.0,
) -> None:
    """One gate: its scans, each started with the other gates' (`barrier`), or with `pace`
    seconds between two of its scans (the gates staggered: people walking through); what
    it saw goes to `report` as (latencies, results, errors). Its own database connection."""
    from django.db import connection

    from summitdesk.accreditation import checkin
    from summitdesk.venue import gates

    desk = f"Gate {number}"
    actor = checkin.desk_actor(None, desk)
    latencies: list[float] = []
    results: dict[str, int] = {}
    errors: list[str] = []
    cpu: tuple[float, float | None] = (0.0, None)
    try:
        database_started = backend_cpu()
        barrier.wait(timeout=BARRIER_TIMEOUT)
        python_started = time.process_time()
        start = time.perf_counter() + pace * number / GATES
        for index, (code, zone, direction) in enumerate(scans):
            if pace:
                time.sleep(max(0.0, start + index * pace - time.perf_counter()))
            else:
                barrier.wait(timeout=BARRIER_TIMEOUT)
            started = time.perf_counter()
            scan = gates.scan(
                code, meeting=meeting, desk=desk, actor=actor, zone=zone, direction=direction
            )
            latencies.append(time.perf_counter() - started)
            results[str(scan.result)] = results.get(str(scan.result), 0) + 1
        python_cpu = time.process_time() - python_started
        database_ended = backend_cpu()
        cpu = (
            python_cpu,
            None
            if database_started is None or database_ended is None
            else database_ended - database_started,
        )
    except Exception as error:
        errors.append(repr(error))
        barrier.abort()
    finally:
        connection.close()
        report.put((latencies, results, errors, cpu))


def run_round(
    name: str, work: list[list[Scan]], meeting: Any, processes: bool, pace: float = 0.0
) -> Round:
    """Each gate scans its list of (code, zone, direction) at the same time as the others:
    a process of its own (a gate is a device of its own; processes use every core), or a
    thread (--threads: one process, one interpreter lock)."""
    from django.db import connections

    result = Round(name)
    connections.close_all()  # never shared with a forked gate
    if processes:
        context = multiprocessing.get_context("fork")
        barrier: Any = context.Barrier(len(work))
        report: Any = context.Queue()
        runners: list[Any] = [
            context.Process(target=_gate, args=(n, scans, meeting, barrier, report, pace))
            for n, scans in enumerate(work)
        ]
    else:
        barrier = threading.Barrier(len(work))
        report = queue.Queue()
        runners = [
            threading.Thread(target=_gate, args=(n, scans, meeting, barrier, report, pace))
            for n, scans in enumerate(work)
        ]
    started = time.perf_counter()
    for runner in runners:
        runner.start()
    for _runner in runners:
        latencies, results, errors, (python_cpu, database_cpu) = report.get(timeout=600)
        result.latencies += latencies
        result.errors += errors
        result.python_cpu += python_cpu
        if database_cpu is not None:
            result.database_cpu = (result.database_cpu or 0.0) + database_cpu
        for key, count in results.items():
            result.results[key] = result.results.get(key, 0) + count
    result.seconds = time.perf_counter() - started
    for runner in runners:
        runner.join(timeout=60)
    return result


def timed_reads(action: Any, reads: int) -> list[float]:
    values = []
    for _n in range(reads):
        started = time.perf_counter()
        action()
        values.append((time.perf_counter() - started) * 1000)
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    database_url_option(parser)
    parser.add_argument("--accreditations", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=300_000, help="scans already made")
    parser.add_argument("--scans", type=int, default=100, help="badges per gate and round")
    parser.add_argument("--races", type=int, default=50, help="passes raced by the 8 gates")
    parser.add_argument("--reads", type=int, default=200, help="reads of the figure")
    parser.add_argument(
        "--pace", type=float, default=0.25, help="seconds between two scans of a paced gate"
    )
    parser.add_argument(
        "--threads",
        action="store_true",
        help="gates as threads of one process (default: processes)",
    )
    args = parser.parse_args()
    if args.accreditations < (2 * GATES + 1) * args.scans + args.races:
        parser.error("--accreditations must cover --scans per gate and the races")

    with scratch_database("venue", args.database_url):
        setup_django()
        from django.db import connection

        from summitdesk.accreditation.badges import badge_code
        from summitdesk.accreditation.models import Accreditation
        from summitdesk.core.audit import Actor
        from summitdesk.delegations.models import Reply
        from summitdesk.reports import figures
        from summitdesk.venue import occupancy, passes
        from summitdesk.venue.models import Passage, SecondaryPass

        started = time.perf_counter()
        meeting, by_code, ids = load(args.accreditations, args.history)
        print(
            f"Database: {connection.vendor}; {len(ids)} approved accreditations, "
            f"{Passage.objects.count()} scans loaded in {time.perf_counter() - started:.0f} s"
        )
        # Gate scans: badges not inside the plenary yet, so that each one goes in.
        rng = random.Random(SEED + 1)
        chosen = rng.sample(ids, (2 * GATES + 1) * args.scans)
        alone, chosen = chosen[: args.scans], chosen[args.scans :]
        paced = [chosen[GATES * args.scans :][n::GATES] for n in range(GATES)]
        chosen = chosen[: GATES * args.scans]
        every = [*alone, *chosen, *(i for part in paced for i in part)]
        codes = {row.pk: badge_code(row) for row in Accreditation.objects.filter(pk__in=every)}
        plenary, hls = by_code["plenary"], by_code["hls"]
        share = [chosen[n::GATES] for n in range(GATES)]
        # Secondary passes raced by every gate at once, one per race.
        reply = Reply.objects.filter(meeting=meeting).order_by("pk").first()
        assert reply is not None
        pool = passes.create_pool(
            reply, hls, size=min(args.races, passes.MAX_POOL_SIZE), actor=Actor.system("bench")
        )
        holders = rng.sample(ids, args.races)
        pass_codes = []
        for one, holder in zip(pool.passes.order_by("number"), holders, strict=False):
            SecondaryPass.objects.filter(pk=one.pk).update(holder_id=holder)
            pass_codes.append(passes.pass_code(one))
        connection.close()
        # The load's objects are gone, but those in reference cycles wait for a full
        # collection, which every forked gate would otherwise make on its own: a gate's
        # server process has no such heap.
        gc.collect()

        print(f"Gates: {'threads of one process' if args.threads else 'one process each'}")
        print(
            f"{'round':<34} {'scans':>6} {'scans/s':>9}  {'p50/p95/p99 ms':>20}"
            f"  {'CPU ms/scan':>11}  results"
        )
        rounds = [
            run_round(
                "1 gate in (the baseline)",
                [[(codes[i], plenary, "in") for i in alone]],
                meeting,
                not args.threads,
            ),
            run_round(
                f"8 gates in, one every {args.pace:g} s each",
                [[(codes[i], plenary, "in") for i in part] for part in paced],
                meeting,
                not args.threads,
                args.pace,
            ),
            run_round(
                "8 gates in at once, distinct badges",
                [[(codes[i], plenary, "in") for i in part] for part in share],
                meeting,
                not args.threads,
            ),
            run_round(
                "8 gates out, distinct badges",
                [[(codes[i], plenary, "out") for i in part] for part in share],
                meeting,
                not args.threads,
            ),
            run_round(
                "8 gates racing on one pass",
                [[(code, hls, "in") for code in pass_codes]] * GATES,
                meeting,
                not args.threads,
            ),
        ]
        for result in rounds:
            print(result.line())
            for error in result.errors[:3]:
                print(f"  error: {error}")
        baseline, walking, rounds = rounds[0], rounds[1], rounds[2:]
        alone_p95 = percentile([v * 1000 for v in baseline.latencies], 0.95)
        walking_p95 = percentile([v * 1000 for v in walking.latencies], 0.95)
        scans_p95 = percentile([v * 1000 for r in rounds for v in r.latencies], 0.95)
        scans = sum(len(r.latencies) for r in rounds)
        rate = scans / sum(r.seconds for r in rounds)

        figure = timed_reads(lambda: figures.zone_occupancy(meeting), args.reads)
        recount = timed_reads(lambda: occupancy.recount(meeting), max(10, args.reads // 10))
        figure_p95, recount_p95 = percentile(figure, 0.95), percentile(recount, 0.95)
        counted = {row.zone.pk: row.inside for row in figures.zone_occupancy(meeting)}
        equal = counted == occupancy.recount(meeting)
        admitted = Passage.objects.filter(secondary_pass__isnull=False, admitted=True).count()
        raced_once = admitted == len(pass_codes) and rounds[-1].results.get("entered") == len(
            pass_codes
        )
        errors = sum(len(r.errors) for r in [baseline, *rounds])

        aim = f"aim < {AIM_MS:.0f} ms"
        print(
            f"Gate scans, {GATES} gates each scanning every {args.pace:g} s "
            f"({walking.name}): p95 {walking_p95:.1f} ms ({aim}): {met(walking_p95 < AIM_MS)}; "
            f"one gate alone: p95 {alone_p95:.1f} ms "
            f"({walking_p95 / max(alone_p95, 0.001):.1f}x one gate alone)"
        )
        print(
            f"CPU per scan (Python + PostgreSQL backend, ms): one gate alone {baseline.cpu()}; "
            f"8 gates in, paced {walking.cpu()}"
        )
        print(
            f"Gate scans, {GATES} gates scanning at the same instant: {scans} scans, "
            f"{rate:.0f} scans/s, p95 {scans_p95:.1f} ms ({scans_p95 / max(alone_p95, 0.001):.1f}x "
            "one gate alone; the machine's cores shared by 8 scans at once)"
        )
        ratio = recount_p95 / max(figure_p95, 0.001)
        print(
            f"Occupancy figure over {Passage.objects.count()} scans: p95 {figure_p95:.2f} ms "
            f"({aim}): {met(figure_p95 < AIM_MS)}; a recount: p95 {recount_p95:.1f} ms "
            f"({ratio:.0f}x the figure)"
        )
        print(f"Counters equal to a recount: {equal} {counted}")
        print(
            f"Each raced pass admitted once: {raced_once} "
            f"({admitted} admissions of {len(pass_codes)} passes)"
        )
        ok = walking_p95 < AIM_MS and figure_p95 < AIM_MS and equal and raced_once and not errors
        print(aims_verdict(ok))
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
