"""The REST API: listing 10,000 accreditations page by page, and the incremental sync an
access-control system runs every five minutes after 100 changes.

Aims: a page of 100 accreditations answered in under 100 ms at the 95th percentile; a
sync after 100 changes (the change feed, then the changed accreditations read again)
under 1 s, returning exactly the 100 changes, the revocation among them.

Creates a meeting, N approved accreditations (bulk_create, numbered badges, 10 delegates
per organisation) and 100 pending ones, and a token with accreditations:read. Requests go
through Django's test client in this process (the whole stack: middleware, token check,
rate limit, serialisation; no sockets), with the per-token rate limit raised.

1. The list, walked with `cursor` at limit=100 and at limit=500: requests per second,
   p50/p95 ms per page, total seconds. Baseline in the same process: the same pages
   straight from the ORM (values() over the same joins, keyset on the id, json.dumps).
2. The sync: where the feed stands is read; then 99 approvals and 1 revocation through
   accreditation.services.transition (one audit entry each); then the timed sync: the
   feed since the last sync, and a GET of each accreditation it names. Baseline: what a
   client without the feed would do, walking every approved accreditation again.

PostgreSQL when --database-url is given (a database is created and dropped), else a
temporary SQLite file.

    .venv/bin/python bench/api.py [--accreditations 10000]
    .venv/bin/python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

import argparse
import json
import sys
import time
from typing import Any

from _common import (
    aims_verdict,
    database_url_option,
    delegates_in_bulk,
    percentile,
    scratch_database,
    setup_django,
    wsis_meeting,
)

PAGE_P95_AIM_MS = 100.0
SYNC_AIM_SECONDS = 1.0
CHANGES = 100
PER_ORGANISATION = 10
MEETING_CODE = "wsis-geneva"


def load(count: int) -> tuple[Any, list[Any]]:
    """The meeting; `count` approved accreditations and CHANGES pending ones (returned)."""
    from summitdesk.accreditation.enums import AccreditationStatus
    from summitdesk.accreditation.models import Accreditation
    from summitdesk.directory.enums import Category, StakeholderGroup

    meeting = wsis_meeting(MEETING_CODE)
    total = count + CHANGES
    countries = ["CH", "FR", "SN", "BR", "JP", "EG", "KZ"]
    delegates = delegates_in_bulk(
        meeting,
        total,
        PER_ORGANISATION,
        organisation=lambda n: {
            "category": list(Category)[n % len(Category)],
            "stakeholder_group": StakeholderGroup.PRIVATE_SECTOR,
            "country": countries[n % len(countries)],
            "language": "en",
        },
        reply={"state": "submitted", "attending": True},
        delegate=lambda n: {
            "is_head": n % PER_ORGANISATION == 0,
            "function": "Delegate",
            "nationality": countries[n % len(countries)],
        },
    )
    Accreditation.objects.bulk_create(
        Accreditation(
            delegate=delegate,
            meeting=meeting,
            status=AccreditationStatus.APPROVED if n < count else AccreditationStatus.PENDING,
            badge_version=1 if n < count else 0,
            badge_number=f"{n + 1:06d}" if n < count else "",
        )
        for n, delegate in enumerate(delegates)
    )
    pending = list(Accreditation.objects.filter(status=AccreditationStatus.PENDING).order_by("pk"))
    return meeting, pending


class Timer:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.seconds = 0.0
        self.items = 0

    def line(self, label: str, baseline: "Timer | None" = None) -> str:
        ms = [value * 1000 for value in self.latencies]
        rate = len(ms) / self.seconds if self.seconds else 0.0
        ratio = f"  x{self.seconds / baseline.seconds:.1f} baseline" if baseline else ""
        return (
            f"{label:<34} {len(ms):>5} {rate:>9.1f} {percentile(ms, 0.5):>8.1f}"
            f" {percentile(ms, 0.95):>8.1f} {self.seconds:>8.2f} {self.items:>7}{ratio}"
        )


def walk_api(client: Any, headers: dict[str, str], limit: int, query: str = "") -> Timer:
    timer = Timer()
    url = f"/api/v1/accreditations?limit={limit}{query}"
    started = time.perf_counter()
    while url:
        begun = time.perf_counter()
        response = client.get(url, headers=headers)
        timer.latencies.append(time.perf_counter() - begun)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content!r}")
        page = response.json()
        timer.items += len(page["items"])
        cursor = page["next_cursor"]
        url = f"/api/v1/accreditations?limit={limit}{query}&cursor={cursor}" if cursor else ""
    timer.seconds = time.perf_counter() - started
    return timer


def walk_orm(limit: int) -> Timer:
    """The floor: the same rows and joins from the ORM, keyset on id, as JSON."""
    from summitdesk.accreditation.models import Accreditation

    fields = (
        "id",
        "meeting__code",
        "status",
        "reason",
        "delegate_id",
        "delegate__title",
        "delegate__given_name",
        "delegate__family_name",
        "delegate__function",
        "delegate__nationality",
        "delegate__is_head",
        "delegate__reply__organisation_id",
        "delegate__reply__organisation__name",
        "delegate__reply__organisation__acronym",
        "delegate__reply__organisation__category",
        "delegate__reply__organisation__country",
        "badge_number",
        "badge_version",
        "badge_printed_version",
        "created_at",
    )
    timer = Timer()
    after = 0
    started = time.perf_counter()
    while True:
        begun = time.perf_counter()
        rows = list(
            Accreditation.objects.filter(pk__gt=after).order_by("pk").values(*fields)[:limit]
        )
        body = json.dumps({"items": rows}, default=str)
        timer.latencies.append(time.perf_counter() - begun)
        timer.items += len(rows)
        if len(rows) < limit or not body:
            break
        after = rows[-1]["id"]
    timer.seconds = time.perf_counter() - started
    return timer


def run(count: int) -> bool:
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from summitdesk.accreditation import services
    from summitdesk.accreditation.enums import AccreditationStatus
    from summitdesk.api import tokens
    from summitdesk.core.audit import Actor
    from summitdesk.core.enums import Channel

    settings.SUMMITDESK_API_RATE_LIMIT = 10**9
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.perf_counter()
    _meeting, pending = load(count)
    print(
        f"Database: {connection.vendor}; {count} approved and {len(pending)} pending "
        f"accreditations loaded in {time.perf_counter() - started:.1f} s"
    )
    staff = Actor.system("bench", Channel.CLI)
    token = tokens.create_token("access control", ["accreditations:read"], actor=staff)
    headers = {"Authorization": f"Bearer {token.plaintext}"}
    client = Client()
    walk_api(client, headers, 500)  # warm-up: imports, caches, the database's pages

    print(
        f"{'1. list':<34} {'reqs':>5} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'total s':>8} {'items':>7}"
    )
    results: dict[int, Timer] = {}
    for limit in (100, 500):
        floor = walk_orm(limit)
        results[limit] = walk_api(client, headers, limit)
        print(floor.line(f"ORM values()+json, limit {limit}"))
        print(results[limit].line(f"API, limit {limit}", floor))

    # 2. The sync
    feed_url = "/api/v1/accreditations/changes?limit=500"
    since = client.get(feed_url, headers=headers).json()["next_since"]
    for accreditation in pending[: CHANGES - 1]:
        services.transition(accreditation, AccreditationStatus.APPROVED, actor=staff)
    from summitdesk.accreditation.models import Accreditation

    revoked = Accreditation.objects.filter(status=AccreditationStatus.APPROVED).order_by("pk")[0]
    services.transition(
        revoked, AccreditationStatus.REVOKED, reason="Badge reported lost", actor=staff
    )

    begun = time.perf_counter()
    records: list[dict[str, Any]] = []
    feed_latencies: list[float] = []
    while True:
        call = time.perf_counter()
        page = client.get(f"{feed_url}&since={since}", headers=headers).json()
        feed_latencies.append(time.perf_counter() - call)
        records.extend(page["items"])
        since = page["next_since"]
        if len(page["items"]) < 500:
            break
    feed_seconds = time.perf_counter() - begun
    reads = Timer()
    changed = list(dict.fromkeys(record["id"] for record in records))
    for start in range(0, len(changed), 500):
        query = "&".join(f"id={identifier}" for identifier in changed[start : start + 500])
        call = time.perf_counter()
        response = client.get(f"/api/v1/accreditations?limit=500&{query}", headers=headers)
        reads.latencies.append(time.perf_counter() - call)
        reads.items += len(response.json()["items"])
    sync_seconds = time.perf_counter() - begun
    reads.seconds = sync_seconds - feed_seconds
    full = walk_api(client, headers, 500, f"&status=approved&meeting={MEETING_CODE}")

    actions = {record["action"] for record in records}
    exact = (
        len(records) == CHANGES
        and [r["id"] for r in records[:-1]] == [a.pk for a in pending[: CHANGES - 1]]
        and (records[-1]["id"], records[-1]["action"]) == (revoked.pk, "revoked")
    )
    print(
        f"2. sync after {CHANGES} changes: feed {len(feed_latencies)} request(s) "
        f"{feed_seconds * 1000:.1f} ms, {len(records)} records ({', '.join(sorted(actions))}); "
        f"then {reads.items} accreditations read again in {len(reads.latencies)} request(s), "
        f"{reads.seconds * 1000:.1f} ms;"
        f" sync total {sync_seconds:.3f} s"
    )
    print(
        f"   baseline without the feed: every approved accreditation again, "
        f"{len(full.latencies)} requests, {full.items} items, {full.seconds:.2f} s "
        f"(the sync takes {sync_seconds / full.seconds:.2f} of it)"
    )
    page_p95 = percentile(results[100].latencies, 0.95) * 1000
    ok = page_p95 < PAGE_P95_AIM_MS and sync_seconds < SYNC_AIM_SECONDS and exact
    print(
        f"Page of 100: p95 {page_p95:.1f} ms (aim: under {PAGE_P95_AIM_MS:.0f} ms); "
        f"sync {sync_seconds:.3f} s (aim: under {SYNC_AIM_SECONDS:.0f} s); records "
        f"{'exactly the changes made' if exact else 'NOT the changes made'}"
    )
    print(aims_verdict(ok))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--accreditations", type=int, default=10_000)
    database_url_option(parser)
    args = parser.parse_args()

    with scratch_database("api", args.database_url):
        return 0 if run(args.accreditations) else 1


if __name__ == "__main__":
    sys.exit(main())
