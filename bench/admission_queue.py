"""The admission review queue with 5,000 applications to one process.

Aim: the queue's p95 under 150 ms, and SQL queries per page that do not grow with the data.

Fills a throwaway database (bulk inserts, seeded) with the WSIS process, a PrepCom and
5,000 applications in every review status (plus unconfirmed ones staff never see), and
1,000 organisations in the directory. Pages, through django.test.Client signed in as a
registration officer: the queue's first page, its deepest page, filtered by status, sorted
by name descending, searched by name, an application's page; and, as the baseline in the
same run, the directory's first page. Measured at 500 applications first, then at 5,000.

Prints p50 and p95 over 30 requests each (after 3 to warm up), SQL queries per page at
both sizes, and each page's p95 against the directory list's.

    .venv/bin/python bench/admission_queue.py [--applications 5000] [--database-url URL]
"""

import argparse
import random
from collections.abc import Callable

from _common import database_url_option, percentile, scratch_database, setup_django, timed

TARGET_MS = 150.0
REQUESTS = 30
WARM_UP = 3
SEED = 1048
STATUSES = [
    "received",
    "incomplete",
    "under_review",
    "recommended",
    "not_recommended",
    "deferred",
    "admitted",
    "not_admitted",
    "unconfirmed",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5_000)
    parser.add_argument("--baseline", type=int, default=500)
    database_url_option(parser)
    args = parser.parse_args()
    with scratch_database("admission", args.database_url):
        run(args.applications, args.baseline)


def run(total: int, baseline: int) -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from summitdesk.admission.models import Application
    from summitdesk.core.enums import Role
    from summitdesk.core.models import User
    from summitdesk.directory.models import Organisation
    from summitdesk.directory.services import refresh_search_fields
    from summitdesk.meetings.models import Meeting, Process

    random.seed(SEED)
    process = Process.objects.create(code="wsis", name="World Summit on the Information Society")
    Meeting.objects.create(process=process, code="prepcom-3", title="PrepCom-3", kind="prepcom")
    organisations = []
    for number in range(1_000):
        organisation = Organisation(
            name=f"Organisation {number:05d}",
            category="civil_society",
            stakeholder_group="civil_society",
            country=random.choice(["CH", "KE", "BR", "JP", "EG"]),
        )
        refresh_search_fields(organisation)
        organisations.append(organisation)
    Organisation.objects.bulk_create(organisations)
    user = User.objects.create(username="bench", role=Role.REGISTRATION_OFFICER)
    staff = Client()
    staff.force_login(user)
    made = 0

    def add(upto: int) -> None:
        nonlocal made
        rows = []
        for number in range(made, upto):
            status = STATUSES[number % len(STATUSES)]
            rows.append(
                Application(
                    process=process,
                    reference=f"WSIS-{number:06d}",
                    status=status,
                    name=f"Applicant {random.randrange(10**6):06d} Network",
                    acronym=f"AN{number}",
                    category="civil_society",
                    stakeholder_group="civil_society",
                    country=random.choice(["CH", "KE", "BR", "JP", "EG", "FR"]),
                    purpose="Connecting schools.",
                    contact_family_name="Applicant",
                    contact_email=f"applicant{number}@example.org",
                    missing="Statutes" if status == "incomplete" else "",
                    reasons="Out of scope" if status == "not_recommended" else "",
                    email_confirmed_at=None if status == "unconfirmed" else timezone.now(),
                )
            )
        Application.objects.bulk_create(rows, batch_size=1000)
        made = upto

    def get(url: str) -> None:
        response = staff.get(url)
        assert response.status_code == 200, (url, response.status_code)

    queue = "/admission/wsis/applications/"
    pages: dict[str, Callable[[], None]] = {
        "directory list (baseline)": lambda: get("/organisations/"),
        "queue, first page": lambda: get(queue),
        "queue, deepest page": lambda: get(f"{queue}?page=9999"),
        "queue, recommended": lambda: get(f"{queue}?status=recommended"),
        "queue, by name descending": lambda: get(f"{queue}?sort=-name"),
        "queue, searched": lambda: get(f"{queue}?q=network"),
        "application page": lambda: get(
            f"/admission/applications/{Application.objects.filter(status='received').first().pk}/"  # type: ignore[union-attr]
        ),
    }

    def measure() -> tuple[dict[str, list[float]], dict[str, int]]:
        times: dict[str, list[float]] = {}
        queries: dict[str, int] = {}
        for name, page in pages.items():
            for _ in range(WARM_UP):
                page()
            runs = [timed(page) for _ in range(REQUESTS)]
            times[name] = [ms for ms, _ in runs]
            queries[name] = max(count for _, count in runs)
        return times, queries

    add(baseline)
    small_times, small_queries = measure()
    add(total)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    times, queries = measure()

    base = percentile(times["directory list (baseline)"], 0.95)
    print(f"database          {connection.vendor}")
    print(f"data              {Application.objects.count():,} applications, 1,000 organisations")
    print(
        f"{'page':<28} {'p50':>8} {'p95':>8}  {'p95 at ' + str(baseline):>11}  "
        f"vs directory  SQL queries"
    )
    missed = []
    for name in pages:
        p50, p95 = percentile(times[name], 0.5), percentile(times[name], 0.95)
        small = percentile(small_times[name], 0.95)
        same = "same" if small_queries[name] == queries[name] else "GROWS"
        print(
            f"{name:<28} {p50:5.1f} ms {p95:5.1f} ms  {small:8.1f} ms  {p95 / base:8.2f}x    "
            f"{small_queries[name]} -> {queries[name]} ({same})"
        )
        if p95 > TARGET_MS or same == "GROWS":
            missed.append(name)
    print("aim               " + ("met" if not missed else "missed: " + ", ".join(missed)))


if __name__ == "__main__":
    main()
