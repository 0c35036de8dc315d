"""The badge desk's pickup queue for a day of 2,000 slots.

Aim: p95 under 150 ms, with the meeting's page measured in the same run for scale.

Fills a throwaway database (bulk inserts, seeded) with one meeting whose first day has
--slots pickup slots (capacity 4 each, spread over the day), --delegations attending
replies of --per-delegation approved delegates each, every delegation booked on a slot
(a third of them collected). Pages, through django.test.Client signed in as the badge desk:

- the day's queue (`/meetings/<code>/pickup/?day=...`): every slot, its bookings, each
  delegation's badges ready;
- the baseline: the meeting's own page, in the same process.

Prints p50 and p95 over 30 requests each (after 3 to warm up), pages per second, the CPU
per page in this process (the server's work: the test client runs the whole request), SQL
queries per page, the page's size, and the queue's p95 and CPU against the baseline's.

    .venv/bin/python bench/pickup_queue.py [--slots 2000] [--delegations 3000]
    .venv/bin/python bench/pickup_queue.py --database-url postgres://postgres@127.0.0.1/postgres
"""

import argparse
import datetime
import os
import random
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from _common import (
    database_url_option,
    delegates_in_bulk,
    met,
    percentile,
    scratch_database,
    setup_django,
    timed,
    wsis_meeting,
)

TARGET_MS = 150.0
REQUESTS = 30
WARM_UP = 3
SEED = 1048
DAY = datetime.date(2026, 12, 14)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, default=2_000)
    parser.add_argument("--delegations", type=int, default=3_000)
    parser.add_argument("--per-delegation", type=int, default=5)
    database_url_option(parser)
    args = parser.parse_args()
    with scratch_database("pickup", args.database_url):
        run(args.slots, args.delegations, args.per_delegation)


def fill(slots: int, delegations: int, per_delegation: int) -> str:
    from summitdesk.accreditation.models import Accreditation
    from summitdesk.onsite.models import PickupBooking, PickupSlot

    meeting = wsis_meeting("geneva-2003", start_date=DAY, end_date=DAY, time_zone="Africa/Lagos")
    delegates = delegates_in_bulk(
        meeting,
        delegations * per_delegation,
        per_delegation,
        reply={"state": "submitted", "attending": True},
    )
    Accreditation.objects.bulk_create(
        (
            Accreditation(
                delegate=d,
                meeting=meeting,
                status="approved",
                badge_version=1,
                badge_number=f"{n + 1:06d}",
            )
            for n, d in enumerate(delegates)
        ),
        batch_size=5000,
    )
    zone = zoneinfo.ZoneInfo(meeting.time_zone)
    start = datetime.datetime.combine(DAY, datetime.time(0), tzinfo=zone)
    step = datetime.timedelta(seconds=86_400 // slots)
    made = PickupSlot.objects.bulk_create(
        (PickupSlot(meeting=meeting, starts_at=start + n * step, capacity=4) for n in range(slots)),
        batch_size=5000,
    )
    rng = random.Random(SEED)
    replies = sorted({d.reply_id for d in delegates})
    collected_at = start + datetime.timedelta(hours=12)
    PickupBooking.objects.bulk_create(
        (
            PickupBooking(
                meeting=meeting,
                slot=made[n % len(made)],
                reply_id=reply,
                booked_by="focal point",
                collected_at=collected_at if rng.randrange(3) == 0 else None,
                collected_by_name="Focal Point",
                document_seen=True,
            )
            for n, reply in enumerate(replies)
        ),
        batch_size=5000,
    )
    return str(meeting.code)


@dataclass
class Measured:
    p50: float
    p95: float
    queries: int
    #: Requests per second, one after the other (the page's throughput in one process).
    rate: float
    #: CPU milliseconds per request in this process: the server's work (the test client
    #: runs the whole request, middleware and template included, without a socket).
    cpu: float


def measure(get: Callable[[], object]) -> Measured:
    for _ in range(WARM_UP):
        get()
    times, queries = [], 0
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(REQUESTS):
        elapsed, queries = timed(get)
        times.append(elapsed)
    cpu = (time.process_time() - cpu) * 1000 / REQUESTS
    rate = REQUESTS / (time.perf_counter() - started)
    print(f"    (fastest {min(times):.1f} ms; load average {os.getloadavg()[0]:.1f})")
    return Measured(percentile(times, 0.5), percentile(times, 0.95), queries, rate, cpu)


def run(slots: int, delegations: int, per_delegation: int) -> None:
    setup_django()
    from django.test import Client

    from summitdesk.core.enums import Role
    from summitdesk.core.models import User
    from summitdesk.lib import heap

    code = fill(slots, delegations, per_delegation)
    # The fill's objects are gone (those in reference cycles at the next full collection),
    # and what is left is settled as the web server settles its own once started.
    heap.settle()
    desk = User.objects.create_user(username="desk", password="x", role=Role.BADGE_DESK)  # noqa: S106
    client = Client()
    client.force_login(desk)

    sizes: dict[str, int] = {}

    def page(url: str) -> Callable[[], object]:
        def get() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            sizes[url] = len(response.content)
            return response

        return get

    queue_url = f"/meetings/{code}/pickup/?day={DAY.isoformat()}"
    baseline_url = f"/meetings/{code}/"
    print(
        f"pickup queue: {slots:,} slots on {DAY}, {delegations:,} delegations booked "
        f"({per_delegation} badges each)"
    )
    base = measure(page(baseline_url))
    found = measure(page(queue_url))
    for name, row, url in (
        ("baseline (meeting page)", base, baseline_url),
        ("pickup queue of the day", found, queue_url),
    ):
        print(
            f"  {name:<25} p50 {row.p50:7.1f} ms  p95 {row.p95:7.1f} ms  {row.rate:5.1f} pages/s"
            f"  CPU {row.cpu:5.1f} ms/page  {row.queries} queries  {sizes[url] // 1024} KiB"
        )
    print(
        f"  the queue: p95 x{found.p95 / base.p95:.1f} the baseline's, CPU x"
        f"{found.cpu / max(base.cpu, 0.001):.1f}; aim p95 < {TARGET_MS:.0f} ms: "
        f"{met(found.p95 < TARGET_MS)}"
    )


if __name__ == "__main__":
    main()
