"""The credentials register, its committee report and the reply tracker with its
"document missing" figure, at 200 governments (about the UN's membership) and at 2,000.
The register pages (100 rows a page): its first page, its last, and a state filtered and
searched.

Fills a throwaway database with one meeting: governments with an attending reply, one
delegate each, their credentials in every state (a quarter in order, a quarter
provisional, a quarter not yet received, the rest received and not examined), a
nomination letter required of governments and received from half of them. Signed in as
a credentials officer (the register, the report) and a registration officer (the tracker,
counted afresh), it prints p50 and p95 over 20 requests (after 2 to warm up), the SQL
queries of each, and each p95 at 2,000 against its p95 at 200 (same process).

    .venv/bin/python bench/credentials_register.py [--baseline 200] [--governments 2000]
"""

import argparse
import datetime

from _common import database_url_option, percentile, scratch_database, setup_django, timed

REQUESTS = 20
WARM_UP = 2
MEETING = "geneva-2003"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=int, default=200)
    parser.add_argument("--governments", type=int, default=2_000)
    database_url_option(parser)
    args = parser.parse_args()
    with scratch_database("credentials", args.database_url):
        run(args.baseline, args.governments)


def fill(meeting: object, circular: object, start: int, count: int) -> None:
    from summitdesk.core.documents import DocumentState
    from summitdesk.correspondence.models import Invitation
    from summitdesk.credentials.models import Credentials, MandateDocument
    from summitdesk.delegations.models import Delegate, Reply
    from summitdesk.directory.models import Organisation

    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Government {n}",
            category="member_state",
            stakeholder_group="governments",
            country="CH",
            language="en",
            name_key=f"government{n:07d}",
            search_text=f"government {n}",
        )
        for n in range(start, start + count)
    )
    Invitation.objects.bulk_create(
        Invitation(circular=circular, organisation=o, language="en") for o in organisations
    )
    replies = Reply.objects.bulk_create(
        Reply(organisation=o, meeting=meeting, state="submitted", attending=True)
        for o in organisations
    )
    Delegate.objects.bulk_create(
        Delegate(reply=r, is_head=True, family_name=f"Head {r.pk}") for r in replies
    )
    received = datetime.date(2026, 7, 1)
    findings = ["in_order", "provisional", None, ""]
    Credentials.objects.bulk_create(
        Credentials(
            reply=r,
            received_on=received,
            form="original",
            issued_by="head_of_state",
            examined=findings[n % 4],
        )
        for n, r in enumerate(replies)
        if findings[n % 4] is not None
    )
    MandateDocument.objects.bulk_create(
        MandateDocument(
            reply=r,
            kind="nomination_letter",
            file=f"documents/bench-{r.pk}.pdf",
            original_name="nomination.pdf",
            media_type="application/pdf",
            size=1000,
            state=DocumentState.ACCEPTED,
        )
        for r in replies[::2]
    )


def run(baseline: int, governments: int) -> None:
    setup_django()
    from django.test import Client

    from summitdesk.core.enums import Role
    from summitdesk.core.models import User
    from summitdesk.correspondence.models import Circular
    from summitdesk.credentials.models import DocumentRequirement
    from summitdesk.meetings.models import Meeting, Process

    process = Process.objects.create(code="wsis", name="WSIS")
    meeting = Meeting.objects.create(
        process=process, code=MEETING, title="WSIS Geneva phase", kind="summit_phase"
    )
    circular = Circular.objects.create(
        reference="DM-1048",
        date=datetime.date(2026, 7, 9),
        meeting=meeting,
        addressees="Governments",
        signatory_name="Secretary-General",
        signatory_titles="Secretary-General",
        status="dispatched",
    )
    DocumentRequirement.objects.create(
        meeting=meeting, category="member_state", kind="nomination_letter", approval_waits=True
    )
    clients = {}
    for role in (Role.CREDENTIALS_OFFICER, Role.REGISTRATION_OFFICER):
        client = Client()
        client.force_login(User.objects.create(username=f"bench-{role}", role=role))
        clients[role] = client
    pages = {
        "register": (Role.CREDENTIALS_OFFICER, f"/meetings/{MEETING}/credentials/"),
        # A page number beyond the end: the last page, read from the other end.
        "register, last": (
            Role.CREDENTIALS_OFFICER,
            f"/meetings/{MEETING}/credentials/?page=999",
        ),
        "register, found": (
            Role.CREDENTIALS_OFFICER,
            f"/meetings/{MEETING}/credentials/?state=missing&q=government+1",
        ),
        "report.pdf": (Role.CREDENTIALS_OFFICER, f"/meetings/{MEETING}/credentials/report.pdf"),
        "report.xlsx": (
            Role.CREDENTIALS_OFFICER,
            f"/meetings/{MEETING}/credentials/report.xlsx",
        ),
        "tracker, fresh": (Role.REGISTRATION_OFFICER, f"/meetings/{MEETING}/replies/?fresh=1"),
    }

    def measure() -> dict[str, tuple[float, float, int]]:
        found = {}
        for name, (role, url) in pages.items():
            client = clients[role]

            def get(client: Client = client, url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            for _warm in range(WARM_UP):
                get()
            times, queries = [], 0
            for _request in range(REQUESTS):
                elapsed, queries = timed(get)
                times.append(elapsed)
            found[name] = (percentile(times, 0.5), percentile(times, 0.95), queries)
        return found

    fill(meeting, circular, 0, baseline)
    small = measure()
    fill(meeting, circular, baseline, governments - baseline)
    large = measure()
    print(f"{'page':<16} {'rows':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'p95 ratio':>10}")
    for name in pages:
        for rows, figures in ((baseline, small[name]), (governments, large[name])):
            ratio = large[name][1] / small[name][1] if rows == governments else 1.0
            p50, p95, queries = figures
            print(f"{name:<16} {rows:>6} {p50:>8.1f} {p95:>8.1f} {queries:>8} {ratio:>10.2f}")


if __name__ == "__main__":
    main()
