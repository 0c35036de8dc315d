"""Report and list pages at 100,000 accreditations across 5,000 organisations.

Aim: every page's p95 under 150 ms, and SQL queries per page that do not grow with the data.

Fills a throwaway database (bulk inserts, seeded) with one meeting: a dispatched circular to
5,000 organisations of every category and region plus 1,000 more that declined or stayed
silent, an attending reply from each of the 5,000 with 20 delegates (genders mixed), each
delegate's accreditation (45 % approved, 45 % pending, 10 % rejected) and a check-in for a
third of the approved. It measures first at a tenth of that (10,000 accreditations), then
adds the rest and measures again. Pages, through django.test.Client signed in as a viewer
(the public page anonymous, from a new address each time so its rate limit stays out of
the way):

- the meeting's dashboard counted afresh (`?fresh=1`) and as read again within the
  minute its figures are kept, and the dashboard filtered by stakeholder group and region,
  counted afresh;
- the public statistics page, rendered every time (its one-minute cache emptied first),
  and served from the cache;
- the back office's accreditation list and response tracker (first page).

Prints p50 and p95 over 30 requests each (after 3 to warm up), SQL queries per page at
10,000 and at 100,000 accreditations, and each page's p50 against the sign-in page's (the
baseline, same process).

    .venv/bin/python bench/report_pages.py [--organisations 5000] [--per-organisation 20]
    .venv/bin/python bench/report_pages.py --database-url postgres://postgres@127.0.0.1/postgres

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
    database_url_option(parser)
    args = parser.parse_args()

    with scratch_database("reports", args.database_url):
        run(args.organisations, args.per_organisation)


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
                    head_level=rng.choice(["chief_executive", "board", "senior_executive", ""]),
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


def run(organisations: int, per_organisation: int) -> None:
    setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from summitdesk.accreditation.models import Accreditation
    from summitdesk.core.enums import Role
    from summitdesk.core.models import User
    from summitdesk.correspondence.models import Circular
    from summitdesk.directory.models import Organisation
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
    user = User.objects.create(username="bench", role=Role.VIEWER)
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
    pages: dict[str, Callable[[], None]] = {
        "dashboard, counted": lambda: get(staff, f"{dashboard}?fresh=1"),
        "dashboard, within the minute": lambda: get(staff, dashboard),
        "dashboard filtered, counted": lambda: get(staff, f"{filtered}&fresh=1"),
        "public statistics, counted": public_uncached,
        "public statistics, cached": lambda: get(public, statistics, next(addresses)),
        "accreditation list": lambda: get(staff, f"/meetings/{MEETING}/accreditations/"),
        "reply tracker": lambda: get(staff, f"/meetings/{MEETING}/replies/"),
    }
    baseline = lambda: get(Client(), "/sign-in/")  # noqa: E731

    def measure() -> tuple[dict[str, list[float]], dict[str, int], float]:
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

    loader = Loader(meeting, circular)
    tenth = max(organisations // 10, 1)
    started = time.perf_counter()
    loader.add(tenth, per_organisation, silent=tenth // 5)
    small_loading = time.perf_counter() - started
    small_count = Accreditation.objects.count()
    cache.clear()
    _small_times, small_queries, _small_base = measure()

    started = time.perf_counter()
    rest = organisations - tenth
    loader.add(rest, per_organisation, silent=(organisations // 5) - tenth // 5)
    loading = time.perf_counter() - started + small_loading
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    cache.clear()
    times, queries, base = measure()

    print(f"database          {connection.vendor} ({connection.settings_dict['NAME']})")
    print(
        f"data              {Accreditation.objects.count():,} accreditations across "
        f"{organisations:,} organisations ({Organisation.objects.count():,} invited), "
        f"loaded in {loading:.1f} s; first measured at {small_count:,}"
    )
    print(f"baseline          sign-in page p50 {base:6.1f} ms")
    missed = []
    for name in pages:
        p50, p95 = percentile(times[name], 0.5), percentile(times[name], 0.95)
        same = "same" if small_queries[name] == queries[name] else "GROWS"
        print(
            f"{name:<29} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({p50 / base:5.1f}x baseline)  "
            f"SQL queries {small_queries[name]} at {small_count:,}, {queries[name]} at "
            f"{Accreditation.objects.count():,} ({same})"
        )
        if p95 >= TARGET_MS or small_queries[name] != queries[name]:
            missed.append(name)
    verdict = "met" if not missed else f"missed ({', '.join(missed)})"
    print(f"Aim {verdict}: p95 < {TARGET_MS:.0f} ms and queries per page constant")


if __name__ == "__main__":
    main()
