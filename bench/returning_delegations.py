"""Returning delegations: the server CPU of a reply copied from an earlier meeting's
delegation against the same reply typed afresh.

Aim: copying costs at most twice the CPU of typing the same delegation (it reads the
earlier delegations and checks where each member comes from, then saves through the same
`save_reply`), so a ratio under 2.0.

Fills a scratch database (migrated): the WSIS process with PrepCom-2 (past) and two later
meetings, and --delegations organisations, each with an attending, submitted PrepCom-2
reply naming --size delegates (names in several scripts, function, email, nationality,
affiliation). Then, organisation by organisation, measured with time.process_time in this
process (the SQLite database works in-process, so its CPU counts too):

- copy: `delegations.returning.earlier_delegation` + `copy_delegation` of every member into
  its reply about the first later meeting (a draft, through `save_reply`);
- typed: `save_reply` of the same delegates (same names, functions, emails...) into its
  reply about the second later meeting (a draft), as the portal's form sends them.

Prints the CPU per delegate (p50 and p95 over the organisations, in ms) of each, and the
ratio of the copy's p50 to the typed reply's p50 (same run).

    .venv/bin/python bench/returning_delegations.py [--delegations 20] [--size 50]
    .venv/bin/python bench/returning_delegations.py --database-url postgres://...
"""

import argparse
import datetime
import time

from _common import NAMES, database_url_option, met, percentile, scratch_database, setup_django

TARGET_RATIO = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegations", type=int, default=20, help="organisations measured")
    parser.add_argument("--size", type=int, default=50, help="delegates per delegation")
    database_url_option(parser)
    args = parser.parse_args()
    with scratch_database("returning", args.database_url):
        setup_django()
        run(args.delegations, args.size)


def run(delegations: int, size: int) -> None:
    from summitdesk.core.audit import Actor
    from summitdesk.core.enums import Channel
    from summitdesk.delegations import returning, services
    from summitdesk.delegations.data import DelegateData, PersonData, ReplyData
    from summitdesk.delegations.enums import HeadLevel
    from summitdesk.directory.models import Organisation
    from summitdesk.meetings.enums import MeetingKind
    from summitdesk.meetings.models import Meeting, Process

    actor = Actor.system("bench", Channel.BACKOFFICE)
    today = datetime.date.today()
    process = Process.objects.create(code="wsis", name="World Summit on the Information Society")

    def meeting(code: str, days: int) -> Meeting:
        return Meeting.objects.create(
            process=process,
            code=code,
            title=code,
            kind=MeetingKind.PREPCOM,
            time_zone="Europe/Zurich",
            start_date=today + datetime.timedelta(days=days),
        )

    earlier, copied_to, typed_to = (
        meeting("prepcom-2", -60),
        meeting("prepcom-3", 60),
        meeting("prepcom-3b", 61),
    )
    focal_point = PersonData(family_name="Focal", given_name="Fay", email="fay@example.org")

    def delegation(number: int) -> list[DelegateData]:
        return [
            DelegateData(
                family_name=f"{NAMES[i % len(NAMES)][1]} {i}",
                given_name=NAMES[i % len(NAMES)][0],
                function="Adviser",
                email=f"d{i}@org{number}.example.org",
                nationality="CH",
                affiliation="Ministry" if i % 3 == 0 else "",
                is_head=i == 0,
            )
            for i in range(size)
        ]

    organisations = [
        Organisation.objects.create(name=f"Organisation {n}", category="sector_member")
        for n in range(delegations)
    ]
    for number, organisation in enumerate(organisations):
        data = ReplyData(
            attending=True,
            estimated_participants=size,
            head_level=HeadLevel.CHIEF_EXECUTIVE,
            focal_point=focal_point,
            delegates=delegation(number),
        )
        reply = services.reply_for(organisation, earlier)
        services.save_reply(reply, data, submit=True, actor=actor)

    copy_ms: list[float] = []
    typed_ms: list[float] = []
    for number, organisation in enumerate(organisations):
        target = services.reply_for(organisation, copied_to)
        started = time.process_time()
        found = returning.earlier_delegation(target, None)
        assert found is not None
        count = returning.copy_delegation(target, found, [m.pk for m in found.members], actor=actor)
        copy_ms.append((time.process_time() - started) * 1000 / size)
        assert count == size

        typed = services.reply_for(organisation, typed_to)
        data = ReplyData(
            attending=True,
            estimated_participants=size,
            head_level=HeadLevel.CHIEF_EXECUTIVE,
            delegates=delegation(number),
        )
        started = time.process_time()
        services.save_reply(typed, data, submit=False, actor=actor)
        typed_ms.append((time.process_time() - started) * 1000 / size)

    ratio = percentile(copy_ms, 0.5) / percentile(typed_ms, 0.5)
    print(f"{delegations} delegations of {size}: server CPU per delegate (ms)")
    for label, values in (("copied from PrepCom-2", copy_ms), ("typed afresh", typed_ms)):
        print(
            f"  {label:<22} p50 {percentile(values, 0.5):6.3f}  p95 {percentile(values, 0.95):6.3f}"
        )
    verdict = met(ratio <= TARGET_RATIO)
    print(f"  ratio copied / typed (p50): {ratio:.2f}  (aim <= {TARGET_RATIO}: {verdict})")


if __name__ == "__main__":
    main()
