"""The portal's "Requests to join" page of an organisation with 500 requests.

Aim: p95 under 300 ms, and SQL queries that do not grow with the requests.

Fills a throwaway database with one meeting and two invited organisations, each with a
submitted reply (a focal point, a delegation of 20, their accreditations) and a reply
link: Acme with 500 requests to join (400 waiting, 100 decided), Borealis with none.
Measures, through django.test.Client (a new address per request, so that the portal's rate
limit stays out of the way), 30 requests each after 3 to warm up:

- the reply page of Borealis (the baseline: the page the focal point opens first);
- the Requests to join page of Borealis (no request);
- the Requests to join page of Acme (500 requests).

Prints p50 and p95 and SQL queries of each, and the ratio of Acme's inbox p95 to the
baseline's (same run).

    .venv/bin/python bench/join_requests.py [--requests 500] [--database-url postgres://...]
"""

import argparse
import itertools
from typing import Any

from _common import (
    database_url_option,
    percentile,
    scratch_database,
    setup_django,
    timed,
    wsis_meeting,
)

REQUESTS = 30
WARM_UP = 3
TARGET_MS = 300.0
DELEGATES = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="requests to join Acme")
    database_url_option(parser)
    args = parser.parse_args()
    with scratch_database("join", args.database_url):
        run(args.requests)


def organisation_with_reply(meeting: Any, name: str) -> str:
    """An invited organisation with a submitted reply; its reply link's token."""
    from summitdesk.core.audit import Actor
    from summitdesk.correspondence import reply_links
    from summitdesk.delegations import services
    from summitdesk.delegations.data import DelegateData, PersonData, ReplyData
    from summitdesk.directory.models import Organisation

    organisation = Organisation.objects.create(
        name=name, category="sector_member", stakeholder_group="private_sector", country="CH"
    )
    reply = services.reply_for(organisation, meeting)
    members = [
        DelegateData(family_name=f"Member{n}", given_name="Ana", is_head=n == 0)
        for n in range(DELEGATES)
    ]
    services.save_reply(
        reply,
        ReplyData(
            attending=True,
            estimated_participants=DELEGATES,
            head_level="chief_executive",
            focal_point=PersonData(
                given_name="Jane", family_name="Doe", email=f"jane@{name.lower()}.example.org"
            ),
            delegates=members,
        ),
        submit=True,
        actor=Actor.system("bench"),
    )
    _link, token = reply_links.issue(organisation, meeting)
    return token


def add_requests(meeting: Any, token: str, count: int) -> None:
    from django.utils import timezone

    from summitdesk.correspondence import reply_links
    from summitdesk.delegations.enums import JoinRequestStatus
    from summitdesk.delegations.models import JoinRequest

    link = reply_links.find(token)
    assert link is not None
    now = timezone.now()
    decided = count // 5
    JoinRequest.objects.bulk_create(
        JoinRequest(
            meeting=meeting,
            organisation_id=link.organisation_id,
            given_name="Person",
            family_name=f"Joiner{n}",
            function="Adviser",
            email=f"joiner{n}@example.net",
            nationality="CH",
            affiliation="University of Geneva",
            relationship="consultant",
            message="I work with your delegation." * 3,
            status=JoinRequestStatus.DECLINED if n < decided else JoinRequestStatus.PENDING,
            decided_at=now if n < decided else None,
            email_confirmed_at=now,
        )
        for n in range(count)
    )


def measure(client: Any, url: str, addresses: Any) -> tuple[list[float], int]:
    times: list[float] = []
    queries = 0
    for index in range(WARM_UP + REQUESTS):
        address = next(addresses)

        def get(address: str = address) -> None:
            response = client.get(url, REMOTE_ADDR=address)
            assert response.status_code == 200, (url, response.status_code)

        elapsed, queries = timed(get)
        if index >= WARM_UP:
            times.append(elapsed)
    return times, queries


def run(count: int) -> None:
    setup_django()
    from django.db import connection
    from django.test import Client

    meeting = wsis_meeting("geneva-2003")
    acme = organisation_with_reply(meeting, "Acme")
    borealis = organisation_with_reply(meeting, "Borealis")
    add_requests(meeting, acme, count)
    print(
        f"Database: {connection.vendor}; Acme has {count} requests to join "
        f"({count - count // 5} waiting), Borealis none; {DELEGATES} delegates each"
    )
    addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))
    client = Client()
    pages = [
        ("reply page, no requests (baseline)", f"/reply/{borealis}/"),
        ("Requests to join, none", f"/reply/{borealis}/join-requests/"),
        (f"Requests to join, {count}", f"/reply/{acme}/join-requests/"),
    ]
    results = {}
    for label, url in pages:
        times, queries = measure(client, url, addresses)
        results[label] = percentile(times, 0.95)
        print(
            f"{label:42} p50 {percentile(times, 0.5):7.1f} ms  p95 {results[label]:7.1f} ms  "
            f"{queries} queries"
        )
    baseline = results[pages[0][0]]
    inbox = results[pages[2][0]]
    verdict = "met" if inbox <= TARGET_MS else "NOT met"
    print(
        f"Inbox of {count} against the baseline: {inbox / baseline:.1f} x; "
        f"aim p95 <= {TARGET_MS:.0f} ms: {verdict}"
    )


if __name__ == "__main__":
    main()
