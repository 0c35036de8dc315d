"""Report and list pages at 100,000 accreditations, organisations and invitations.

Aim: every page's p95 under 150 ms, and SQL queries per page that do not grow with the data.

Fills a throwaway database (bulk inserts, seeded) with one meeting: a dispatched circular to
100,000 organisations of every category and region, an attending reply from 5,000 of them
with 20 delegates each (genders mixed), a declined reply from half the others, each
delegate's accreditation (45 % approved, 45 % pending, 10 % rejected) and a check-in for a
third of the approved. It measures first at 1,000 of each (the baseline: 50 attending
organisations and 950 others), then adds the rest and measures again. Pages, through
django.test.Client signed in as a registration officer (the public page anonymous, from a
new address each time so its rate limit stays out of the way):

- the meeting's dashboard counted afresh (`?fresh=1`) and as read again within the
  minute its figures are kept, and the dashboard filtered by stakeholder group and region,
  counted afresh;
- the public statistics page, rendered every time (its one-minute cache emptied first),
  and served from the cache;
- the back office's three long lists, the meeting's accreditations, the directory and the
  meeting's reply list: the first page, the deepest page, and the first page sorted by
  each sortable column (and the default column descending).

Prints p50 and p95 over 30 requests each (after 3 to warm up), SQL queries per page at
1,000 and at 100,000 rows, each page's p95 at 100,000 against its p95 at 1,000 (same run),
and the sign-in page's p50 (same process) for scale.

    .venv/bin/python bench/report_pages.py [--organisations 5000] [--per-organisation 20]
        [--invited 100000] [--baseline 1000] [--only-lists] [--explain]
    .venv/bin/python bench/report_pages.py --database-url postgres://postgres@127.0.0.1/postgres

`--explain` then prints, for each page at 100,000 rows, its SQL queries with their times,
and the database's plan of the slowest read as run (EXPLAIN ANALYZE on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite).

SQLite: a temporary file. PostgreSQL: a database created for the run on the server the URL
names. Either is removed afterwards.
"""

import argparse
import datetime
import random
import time
from collections.abc import Callable
from typing import Any

from _common import database_url_option, percentile, scratch_database, setup_django, timed

TARGET_MS = 150.0
REQUESTS = 30
WARM_UP = 3
SEED = 1048
MEETING = "geneva-2003"
COUNTRIES = ["CH", "FR", "KE", "SN", "BR", "US", "EG", "JP", "IN", "RU", "KZ", "AU", "ZZ"]
KINDS = [
    ("member_state", "governments"),
    ("sector_member", "private_sector"),
    ("business_entity", "private_sector"),
    ("academia", "civil_society"),
    ("civil_society", "civil_society"),
    ("media", "civil_society"),
    ("international_organisation", "international_organisations"),
    ("associate", "private_sector"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=5_000)
    parser.add_argument("--per-organisation", type=int, default=20)
    parser.add_argument("--invited", type=int, default=100_000, help="organisations invited")
    parser.add_argument("--baseline", type=int, default=1_000, help="rows first measured")
    parser.add_argument("--only-lists", action="store_true", help="the three lists only")
    parser.add_argument(
        "--explain", action="store_true", help="each page's queries and slowest plan"
    )
    database_url_option(parser)
    args = parser.parse_args()

    with scratch_database("reports", args.database_url):
        run(
            args.organisations,
            args.per_organisation,
            invited=args.invited,
            baseline_rows=args.baseline,
            only_lists=args.only_lists,
            explain=args.explain,
        )


class Loader:
    """Adds organisations with their invitation, reply, delegates, accreditations and
    check-ins, in bulk, numbering on from the previous call."""

    def __init__(self, meeting: Any, circular: Any) -> None:
        self.meeting = meeting
        self.circular = circular
        self.made = 0
        self.rng = random.Random(SEED)

    def add(self, organisations: int, per_organisation: int, *, silent: int = 0) -> None:
        from summitdesk.accreditation.models import Accreditation, CheckIn
        from summitdesk.correspondence.models import Invitation
        from summitdesk.delegations.models import Delegate, Reply
        from summitdesk.directory.models import Organisation

        rng = self.rng
        start = self.made
        total = organisations + silent
        made = Organisation.objects.bulk_create(
            (
                Organisation(
                    name=f"Organisation {n}",
                    category=KINDS[n % len(KINDS)][0],
                    stakeholder_group=KINDS[n % len(KINDS)][1],
                    country=COUNTRIES[n % len(COUNTRIES)],
                    language="en",
                    name_key=f"organisation{n:07d}",
                    search_text=f"organisation {n}",
                )
                for n in range(start, start + total)
            ),
            batch_size=2000,
        )
        self.made += total
        Invitation.objects.bulk_create(
            (Invitation(circular=self.circular, organisation=o, language="en") for o in made),
            batch_size=2000,
        )
        dispatched = datetime.datetime(2026, 7, 9, 9, tzinfo=datetime.UTC)
        attending, others = made[:organisations], made[organisations:]
        replies = Reply.objects.bulk_create(
            (
                Reply(
                    organisation=o,
                    meeting=self.meeting,
                    state=rng.choice(["submitted", "amended"]),
                    attending=True,
                    estimated_participants=per_organisation + rng.randint(0, 5),
                    submitted_at=dispatched + datetime.timedelta(hours=rng.randint(1, 90 * 24)),
                )
                for o in attending
            ),
            batch_size=2000,
        )
        Reply.objects.bulk_create(
            (
                Reply(
                    organisation=o,
                    meeting=self.meeting,
                    state="declined",
                    attending=False,
                    submitted_at=dispatched + datetime.timedelta(days=3),
                )
                for o in others[::2]
            ),
            batch_size=2000,
        )
        genders = ["female", "male", "other", ""]
        delegates = Delegate.objects.bulk_create(
            (
                Delegate(
                    reply=reply,
                    position=p,
                    is_head=p == 0,
                    protocol_level=rng.choice(["chief_executive", "minister", "other", ""])
                    if p == 0
                    else "",
                    given_name=f"Given{reply.pk}",
                    family_name=f"Family{p}",
                    gender=genders[rng.randrange(10) % 4] if p % 7 else "",
                )
                for reply in replies
                for p in range(per_organisation)
            ),
            batch_size=5000,
        )
        statuses = ["approved"] * 9 + ["pending"] * 9 + ["rejected"] * 2
        accreditations = Accreditation.objects.bulk_create(
            (
                Accreditation(
                    delegate=d,
                    meeting=self.meeting,
                    status=(status := statuses[rng.randrange(20)]),
                    reason="Not eligible" if status == "rejected" else "",
                )
                for d in delegates
            ),
            batch_size=5000,
        )
        CheckIn.objects.bulk_create(
            (
                CheckIn(accreditation=a, meeting=self.meeting, result="entered", desk="Main")
                for a in accreditations
                if a.status == "approved" and rng.randrange(3) == 0
            ),
            batch_size=5000,
        )


def list_pages(get: Callable[[str], None]) -> dict[str, Callable[[], None]]:
    """The three lists: first page, deepest page, each sort (and the default descending)."""
    lists = {
        "accreditations": (
            f"/meetings/{MEETING}/accreditations/",
            ["organisation", "delegate", "category", "status", "badge", "-organisation"],
        ),
        "directory": (
            "/organisations/",
            ["name", "category", "stakeholder_group", "country", "-name"],
        ),
        "replies": (
            f"/meetings/{MEETING}/replies/",
            ["organisation", "category", "country", "-organisation"],
        ),
    }
    pages: dict[str, Callable[[], None]] = {}
    for name, (url, sorts) in lists.items():
        pages[f"{name}, page 1"] = lambda url=url: get(url)
        pages[f"{name}, deepest page"] = lambda url=url: get(f"{url}?page=999999")
        pages[f"{name}, 200 a page"] = lambda url=url: get(f"{url}?per_page=200")
        for sort in sorts[1:]:
            pages[f"{name}, sort {sort}"] = lambda url=url, sort=sort: get(f"{url}?sort={sort}")
    return pages


def run(
    organisations: int,
    per_organisation: int,
    *,
    invited: int = 100_000,
    baseline_rows: int = 1_000,
    only_lists: bool = False,
    explain: bool = False,
) -> None:
    setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from summitdesk.accreditation.models import Accreditation
    from summitdesk.core.enums import Role
    from summitdesk.core.models import User
    from summitdesk.correspondence.models import Circular
    from summitdesk.directory.models import Organisation
    from summitdesk.lib import heap
    from summitdesk.meetings.models import Meeting, Process
    from summitdesk.reports.public_statistics import forget

    process = Process.objects.create(code="wsis", name="World Summit on the Information Society")
    meeting = Meeting.objects.create(
        process=process,
        code=MEETING,
        title="WSIS Geneva phase",
        kind="summit_phase",
        time_zone="Europe/Zurich",
        public_statistics=True,
    )
    circular = Circular.objects.create(
        reference="DM-1048",
        date=datetime.date(2026, 7, 9),
        meeting=meeting,
        addressees="CEOs of ITU Sector Members",
        signatory_name="Secretary-General",
        signatory_titles="Secretary-General",
        status="dispatched",
        reply_deadline=datetime.datetime(2026, 10, 10, 15, tzinfo=datetime.UTC),
    )
    user = User.objects.create(username="bench", role=Role.REGISTRATION_OFFICER)
    staff = Client()
    staff.force_login(user)
    public = Client()
    addresses = iter(f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(10**7))

    def get(client: Client, url: str, address: str = "127.0.0.1") -> None:
        response = client.get(url, REMOTE_ADDR=address)
        assert response.status_code == 200, (url, response.status_code)

    statistics = f"/meetings/{MEETING}/statistics/"

    def public_uncached() -> None:
        forget(meeting)
        get(public, statistics, next(addresses))

    dashboard = f"/reports/meetings/{MEETING}/"
    filtered = f"{dashboard}?stakeholder_group=private_sector&region=europe"
    pages: dict[str, Callable[[], None]] = {}
    if not only_lists:
        pages = {
            "dashboard, counted": lambda: get(staff, f"{dashboard}?fresh=1"),
            "dashboard, within the minute": lambda: get(staff, dashboard),
            "dashboard filtered, counted": lambda: get(staff, f"{filtered}&fresh=1"),
            "public statistics, counted": public_uncached,
            "public statistics, cached": lambda: get(public, statistics, next(addresses)),
        }
    pages.update(list_pages(lambda url: get(staff, url)))
    baseline = lambda: get(Client(), "/sign-in/")  # noqa: E731

    def measure() -> tuple[dict[str, list[float]], dict[str, int], float]:
        # What the fill left is settled as a web server settles its heap once started.
        heap.settle()
        times: dict[str, list[float]] = {}
        queries: dict[str, int] = {}
        for name, page in pages.items():
            for _ in range(WARM_UP):
                page()
            runs = [timed(page) for _ in range(REQUESTS)]
            times[name] = [ms for ms, _ in runs]
            queries[name] = max(count for _, count in runs)
        base = percentile([timed(baseline)[0] for _ in range(REQUESTS)], 0.5)
        return times, queries, base

    def analyse() -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    loader = Loader(meeting, circular)
    first = max(baseline_rows // per_organisation, 1)
    started = time.perf_counter()
    loader.add(first, per_organisation, silent=max(baseline_rows - first, 0))
    small_loading = time.perf_counter() - started
    small_count = Accreditation.objects.count()
    small_invited = Organisation.objects.count()
    analyse()
    cache.clear()
    small_times, small_queries, _small_base = measure()

    started = time.perf_counter()
    rest = organisations - first
    loader.add(
        rest, per_organisation, silent=max(invited - organisations - (baseline_rows - first), 0)
    )
    loading = time.perf_counter() - started + small_loading
    analyse()
    cache.clear()
    times, queries, base = measure()

    print(f"database          {connection.vendor} ({connection.settings_dict['NAME']})")
    print(
        f"data              {Accreditation.objects.count():,} accreditations across "
        f"{organisations:,} attending organisations ({Organisation.objects.count():,} "
        f"invited), loaded in {loading:.1f} s; first measured at {small_count:,} "
        f"accreditations and {small_invited:,} organisations"
    )
    print(f"scale             sign-in page p50 {base:6.1f} ms")
    print(f"{'page':<34} {'p50':>8} {'p95':>8}  {'p95 at base':>11}  ratio  SQL queries")
    missed = []
    for name in pages:
        p50, p95 = percentile(times[name], 0.5), percentile(times[name], 0.95)
        small_p95 = percentile(small_times[name], 0.95)
        same = "same" if small_queries[name] == queries[name] else "GROWS"
        print(
            f"{name:<34} {p50:5.1f} ms {p95:5.1f} ms  {small_p95:8.1f} ms  "
            f"{p95 / small_p95:4.1f}x  {small_queries[name]} -> {queries[name]} ({same})"
        )
        if p95 >= TARGET_MS or small_queries[name] != queries[name]:
            missed.append(name)
    verdict = "met" if not missed else f"missed ({', '.join(missed)})"
    print(f"Aim {verdict}: p95 < {TARGET_MS:.0f} ms and queries per page constant")
    if explain:
        for name, page in pages.items():
            print_plan(name, page)


def print_plan(name: str, page: Callable[[], None]) -> None:
    """The page's queries with their times, and the database's plan of its slowest read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page()
    queries = captured.captured_queries
    print(f"\n== {name}: {len(queries)} queries")
    for query in queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:110]}")
    reads = [query for query in queries if query["sql"].startswith("SELECT")]
    slowest = max(reads, key=lambda query: float(query["time"]))
    sql = slowest["sql"]
    print(f"slowest read, {float(slowest['time']) * 1000:.1f} ms:\n{sql}")
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        # The logged SQL has its parameters inlined: it runs as it is.
        cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN ") + sql)
        for row in cursor.fetchall():
            print("  " + " | ".join(str(cell) for cell in row))


if __name__ == "__main__":
    main()
