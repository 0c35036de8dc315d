"""The response tracker's figures, breakdowns and list, and an organisation's participation,
against a directory whose numbers are known in advance."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from summitdesk.accreditation.models import Accreditation
from summitdesk.delegations import queries
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.directory.models import Organisation
from summitdesk.lib import spreadsheets
from summitdesk.meetings.enums import MeetingKind
from summitdesk.meetings.models import Meeting
from tests.delegations.conftest import CEO, Tracked, build_tracked, invite, make_circular, reply
from tests.factories import MeetingFactory, OrganisationFactory, ProcessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked() -> Tracked:
    return build_tracked()


def headline(tracker: queries.Tracker) -> dict[str, int]:
    counts = tracker.totals
    return {
        "invited": counts.invited,
        "opened": tracker.opened,
        "attending": counts.attending,
        "declined": counts.declined,
        "silent": counts.silent,
        "heads": counts.chief_executive_heads,
        "estimated": counts.estimated_participants,
        "named": tracker.named_delegates,
    }


def table(breakdown: queries.TrackerBreakdown) -> dict[str, list[int]]:
    return {row.key: row.counts.cells for row in breakdown.rows}


# Headline figures


def test_tracker_of_circular_counts_each_figure(tracked: Tracked) -> None:
    figures = queries.tracker(queries.Scope(tracked.meeting, tracked.circular))

    assert headline(figures) == {
        "invited": 10,
        "opened": 7,
        "attending": 4,
        "declined": 1,
        "silent": 5,
        "heads": 2,
        "estimated": 20,
        "named": 6,
    }
    assert figures.totals.by_state == {
        "not_opened": 3,
        "opened": 1,
        "draft": 1,
        "submitted": 3,
        "amended": 1,
        "declined": 1,
    }


def test_tracker_of_meeting_counts_every_circular_about_it_once(tracked: Tracked) -> None:
    figures = queries.tracker(queries.Scope(tracked.meeting))

    assert headline(figures) == {
        "invited": 11,
        "opened": 8,
        "attending": 5,
        "declined": 1,
        "silent": 5,
        "heads": 3,
        "estimated": 27,
        "named": 10,
    }


def test_tracker_of_circular_without_invitations_is_all_zero() -> None:
    meeting = MeetingFactory(code="summit-geneva")
    circular = make_circular(meeting, "DM-2000")

    figures = queries.tracker(queries.Scope(meeting, circular))

    assert headline(figures) == dict.fromkeys(
        ["invited", "opened", "attending", "declined", "silent", "heads", "estimated", "named"],
        0,
    )
    assert [b.rows for b in figures.breakdowns] == [[], [], []]


# Breakdowns: invited, not opened, opened, draft, submitted, amended, declined, silent,
# estimated participants


def test_tracker_breakdown_by_category(tracked: Tracked) -> None:
    figures = queries.tracker(queries.Scope(tracked.meeting, tracked.circular))

    assert figures.breakdowns[0].key == "category"
    assert table(figures.breakdowns[0]) == {
        "sector_member": [4, 0, 0, 1, 1, 1, 1, 1, 8],
        "business_entity": [3, 1, 1, 0, 1, 0, 0, 2, 10],
        "civil_society": [3, 2, 0, 0, 1, 0, 0, 2, 2],
    }
    assert figures.totals.cells == [10, 3, 1, 1, 3, 1, 1, 5, 20]


def test_tracker_breakdown_by_stakeholder_group(tracked: Tracked) -> None:
    figures = queries.tracker(queries.Scope(tracked.meeting, tracked.circular))

    assert table(figures.breakdowns[1]) == {
        "private_sector": [7, 1, 1, 1, 2, 1, 1, 3, 18],
        "civil_society": [3, 2, 0, 0, 1, 0, 0, 2, 2],
    }


def test_tracker_breakdown_by_region_folds_countries(tracked: Tracked) -> None:
    figures = queries.tracker(queries.Scope(tracked.meeting, tracked.circular))

    assert table(figures.breakdowns[2]) == {
        "africa": [5, 1, 1, 0, 2, 0, 1, 2, 12],
        "europe": [5, 2, 0, 1, 1, 1, 0, 3, 8],
    }
    assert [str(row.label) for row in figures.breakdowns[2].rows] == ["Africa", "Europe"]


def test_tracker_breakdown_by_region_keeps_unknown_countries(tracked: Tracked) -> None:
    Organisation.objects.filter(pk=tracked.by_name["H"].pk).update(country="XX")

    figures = queries.tracker(queries.Scope(tracked.meeting, tracked.circular))

    assert table(figures.breakdowns[2]) == {
        "africa": [4, 0, 1, 0, 2, 0, 1, 1, 12],
        "europe": [5, 2, 0, 1, 1, 1, 0, 3, 8],
        "unknown": [1, 1, 0, 0, 0, 0, 0, 1, 0],
    }


def test_tracker_runs_four_queries_whatever_the_data(tracked: Tracked) -> None:
    scope = queries.Scope(tracked.meeting, tracked.circular)
    with CaptureQueriesContext(connection) as few:
        queries.tracker(scope)
    for n in range(30):
        extra = OrganisationFactory(name=f"Extra {n}", country=["BR", "JP", "RU"][n % 3])
        invite(tracked.circular, extra)
        reply(extra, tracked.meeting, ReplyState.SUBMITTED, estimate=n + 1, delegates=n % 4)

    with CaptureQueriesContext(connection) as many:
        figures = queries.tracker(scope)

    # The replies (two), the delegates, the replies lacking a required document.
    assert (len(few), len(many)) == (4, 4)
    assert figures.totals.invited == 40


# The list


def names(organisations: object) -> list[str]:
    return [o.name for o in organisations]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("", ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]),
        ("not_opened", ["G", "H", "I"]),
        ("opened", ["F"]),
        ("draft", ["D"]),
        ("submitted", ["A", "E", "J"]),
        ("amended", ["B"]),
        ("declined", ["C"]),
        ("silent", ["D", "F", "G", "H", "I"]),
        ("attending", ["A", "B", "E", "J"]),
    ],
)
def test_tracker_list_filters_by_state(tracked: Tracked, state: str, expected: list[str]) -> None:
    scope = queries.Scope(tracked.meeting, tracked.circular)

    assert names(queries.tracker_list(scope, queries.ListFilter(state=state))) == expected


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (queries.ListFilter(category="civil_society"), ["H", "I", "J"]),
        (queries.ListFilter(stakeholder_group="private_sector", state="silent"), ["D", "F", "G"]),
        (queries.ListFilter(region="africa", state="submitted"), ["E", "J"]),
        (queries.ListFilter(region="europe"), ["A", "B", "D", "G", "I"]),
        (queries.ListFilter(region="americas"), []),
    ],
)
def test_tracker_list_filters_by_category_group_and_region(
    tracked: Tracked, f: queries.ListFilter, expected: list[str]
) -> None:
    scope = queries.Scope(tracked.meeting, tracked.circular)

    assert names(queries.tracker_list(scope, f)) == expected


def test_tracker_list_rows_carry_the_reply(tracked: Tracked) -> None:
    scope = queries.Scope(tracked.meeting, tracked.circular)
    organisations = queries.tracker_list(scope, queries.ListFilter(state="attending"))

    rows = queries.list_rows(organisations)

    assert [
        (
            r.organisation.name,
            str(r.state_label),
            r.organisation.estimate,  # type: ignore[attr-defined]
            str(r.head_level_label),
            r.chief_executive,
            r.named,
            r.entered_by,
        )
        for r in rows
    ] == [
        ("A", "Submitted", 5, "Chief executive", True, 2, "organisation"),
        ("B", "Amended", 3, "Ambassador", True, 1, "organisation"),
        ("E", "Submitted", 10, "Chief executive", True, 3, "secretariat"),
        ("J", "Submitted", 2, "", False, 0, "organisation"),
    ]


def test_tracker_list_rows_without_a_written_reply_name_nobody(tracked: Tracked) -> None:
    scope = queries.Scope(tracked.meeting, tracked.circular)

    rows = queries.list_rows(queries.tracker_list(scope, queries.ListFilter(state="silent")))

    # A draft's names are not registered yet: the column adds up to the headline figure.
    assert [(r.organisation.name, r.entered_by, r.named) for r in rows] == [
        ("D", "organisation", 0),
        ("F", "", 0),
        ("G", "", 0),
        ("H", "", 0),
        ("I", "", 0),
    ]


def test_tracker_csv_rows_list_the_organisations(tracked: Tracked) -> None:
    scope = queries.Scope(tracked.meeting, tracked.circular)

    rows = list(queries.csv_rows(scope, queries.ListFilter(state="submitted")))

    assert rows[0] == queries.CSV_HEADER
    assert [row[1:12] for row in rows[1:]] == [
        ["A", "", "sector_member", "private_sector", "CH", "europe", "submitted", 5,
         "chief_executive", 2, ""],
        ["E", "", "business_entity", "private_sector", "KE", "africa", "submitted", 10,
         "chief_executive", 3, "yes"],
        ["J", "", "civil_society", "civil_society", "SN", "africa", "submitted", 2,
         "", 0, ""],
    ]  # fmt: skip


# Participation across a process


def test_participation_lists_every_meeting_in_calendar_order() -> None:
    wsis = ProcessFactory(code="wsis", name="WSIS")
    dates = {
        "summit-geneva": datetime.date(2003, 12, 10),
        "prepcom-3": datetime.date(2003, 9, 15),
        "prepcom-1": datetime.date(2002, 7, 1),
        "prepcom-2": datetime.date(2003, 2, 17),
    }
    meetings = {
        code: MeetingFactory(
            process=wsis, code=code, title=code, start_date=day, kind=MeetingKind.PREPCOM
        )
        for code, day in dates.items()
    }
    acme = OrganisationFactory(name="Acme")
    invite(make_circular(meetings["prepcom-2"], "DM-0001"), acme)
    reply(acme, meetings["prepcom-1"], ReplyState.DECLINED)
    reply(acme, meetings["prepcom-2"], ReplyState.SUBMITTED, estimate=3, level=CEO, delegates=2)
    reply(OrganisationFactory(name="Other"), meetings["prepcom-3"], ReplyState.SUBMITTED)

    with CaptureQueriesContext(connection) as captured:
        result = queries.participation(acme)

    assert len(captured) == 4
    [(process, rows)] = result
    assert process == wsis
    assert [
        (
            row.meeting.code,
            row.invited,
            row.reply.state if row.reply else None,
            row.named,
            str(row.head) if row.head else None,
        )
        for row in rows
    ] == [
        ("prepcom-1", False, "declined", 0, None),
        ("prepcom-2", True, "submitted", 2, "D0"),
        ("prepcom-3", False, None, 0, None),
        ("summit-geneva", False, None, 0, None),
    ]


def test_participation_groups_meetings_by_process() -> None:
    MeetingFactory(process=ProcessFactory(name="WSIS Tunis"), code="tunis")
    MeetingFactory(process=ProcessFactory(name="WSIS Geneva"), code="geneva")

    result = queries.participation(OrganisationFactory())

    assert [(p.name, [r.meeting.code for r in rows]) for p, rows in result] == [
        ("WSIS Geneva", ["geneva"]),
        ("WSIS Tunis", ["tunis"]),
    ]


def test_tracker_csv_rows_do_not_start_a_formula(
    tracked: Tracked, monkeypatch: pytest.MonkeyPatch
) -> None:
    Organisation.objects.filter(pk=tracked.by_name["C"].pk).update(
        name='=HYPERLINK("http://evil.example")', acronym="+C"
    )
    scope = queries.Scope(tracked.meeting, tracked.circular)

    rows = list(queries.csv_rows(scope, queries.ListFilter(state="declined")))

    assert rows[1][1:3] == ['\'=HYPERLINK("http://evil.example")', "'+C"]
    # The rule is the one of lib.spreadsheets: widened there, it reaches the tracker.
    monkeypatch.setattr(spreadsheets, "FORMULA_STARTS", frozenset("=!"))
    Organisation.objects.filter(pk=tracked.by_name["C"].pk).update(acronym="!C")
    rows = list(queries.csv_rows(scope, queries.ListFilter(state="declined")))
    assert rows[1][1:3] == ['\'=HYPERLINK("http://evil.example")', "'!C"]


# Delegates withdrawn or substituted are no longer named


def detach(organisation: Organisation, meeting: Meeting, status: str) -> None:
    """One more delegate of `organisation`'s reply, kept only for an accreditation that is
    `status` (withdrawn, or revoked on substitution)."""

    made = Reply.objects.get(organisation=organisation, meeting=meeting)
    delegate = Delegate.objects.create(reply=made, position=99, family_name=f"Gone {status}")
    Accreditation.objects.create(delegate=delegate, meeting=meeting, status=status)


def test_tracker_counts_only_delegates_still_in_the_delegation(tracked: Tracked) -> None:
    a, e = tracked.by_name["A"], tracked.by_name["E"]
    detach(a, tracked.meeting, "withdrawn")
    detach(e, tracked.meeting, "revoked")
    kept = Delegate.objects.filter(reply__organisation=e, family_name="D1").get()
    Accreditation.objects.create(delegate=kept, meeting=tracked.meeting, status="approved")
    scope = queries.Scope(tracked.meeting, tracked.circular)

    figures = queries.tracker(scope)
    rows = queries.list_rows(queries.tracker_list(scope, queries.ListFilter(state="attending")))

    assert figures.named_delegates == 6
    assert [(r.organisation.name, r.named) for r in rows] == [
        ("A", 2),
        ("B", 1),
        ("E", 3),
        ("J", 0),
    ]


def test_participation_counts_only_delegates_still_in_the_delegation() -> None:
    meeting = MeetingFactory(code="prepcom-2", title="PrepCom-2")
    acme = OrganisationFactory(name="Acme")
    reply(acme, meeting, ReplyState.SUBMITTED, estimate=3, level=CEO, delegates=2)
    detach(acme, meeting, "withdrawn")

    [(_process, [row])] = queries.participation(acme)

    assert row.named == 2
