"""How the dashboard counts at scale: grouped in the database, the figures must stay those
a plain count of every reply, delegate, accreditation and check-in gives, and a reply's
day must be its day in the meeting's time zone, to the minute around midnight."""

import datetime
import zoneinfo
from collections import Counter, defaultdict

import pytest

from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.meetings.models import Meeting
from summitdesk.reports import dashboard
from summitdesk.reports.dashboard import Filters
from tests.reports.dashboard_data import Known, build, grow

pytestmark = pytest.mark.django_db

ATTENDING = (ReplyState.SUBMITTED, ReplyState.AMENDED)
DETACHED = (AccreditationStatus.WITHDRAWN, AccreditationStatus.REVOKED)


@pytest.fixture
def known() -> Known:
    return build()


def recount(meeting: Meeting) -> tuple[dict[str, dict[str, int]], Counter[str]]:
    """Registered, approved and checked in by stakeholder group, and registered delegates
    by gender, counted one object at a time."""
    by_group: dict[str, dict[str, int]] = defaultdict(Counter)
    genders: Counter[str] = Counter()
    for delegate in Delegate.objects.filter(reply__meeting=meeting).select_related(
        "reply__organisation"
    ):
        group = delegate.reply.organisation.stakeholder_group
        accreditation = Accreditation.objects.filter(delegate=delegate).first()
        detached = accreditation is not None and accreditation.status in DETACHED
        if delegate.reply.state in ATTENDING and not detached:
            by_group[group]["registered"] += 1
            genders[delegate.gender or dashboard.NOT_GIVEN] += 1
        if accreditation is None:
            continue
        if accreditation.status == AccreditationStatus.APPROVED:
            by_group[group]["approved"] += 1
        if CheckIn.objects.filter(
            accreditation=accreditation, meeting=meeting, result=CheckInResult.ENTERED
        ).exists():
            by_group[group]["checked_in"] += 1
    return by_group, genders


def test_grouped_counts_match_a_count_of_every_delegate(known: Known) -> None:
    grow(known, 12)
    # A withdrawn delegate of a new organisation, and an approved one of a declined reply.
    withdrawn = Accreditation.objects.filter(
        meeting=known.geneva, delegate__reply__organisation__name="Extra 3"
    ).first()
    assert withdrawn is not None
    Accreditation.objects.filter(pk=withdrawn.pk).update(status=AccreditationStatus.WITHDRAWN)
    declined = known.replies["gov-br"]
    assert declined.state == ReplyState.DECLINED
    stray = Delegate.objects.create(reply=declined, family_name="Stray", gender="female")
    Accreditation.objects.create(
        delegate=stray, meeting=known.geneva, status=AccreditationStatus.APPROVED
    )
    expected, genders = recount(known.geneva)

    figures = dashboard.meeting_dashboard(known.geneva)

    found = {
        row.key: {
            "registered": row.tally.registered,
            "approved": row.tally.approved,
            "checked_in": row.tally.checked_in,
        }
        for row in figures.breakdown("stakeholder_group").rows
    }
    for group, counted in found.items():
        assert counted == {name: expected[group][name] for name in counted}, group
    assert {g.key: g.count for g in figures.genders} == {
        key: genders[key] for key, _label in dashboard.GENDER_CHOICES
    }


def test_filtered_counts_match_a_count_of_every_delegate(known: Known) -> None:
    grow(known, 6)
    expected, _genders = recount(known.geneva)

    figures = dashboard.meeting_dashboard(known.geneva, Filters(stakeholder_group="governments"))

    assert figures.totals.registered == expected["governments"]["registered"]
    assert figures.totals.approved == expected["governments"]["approved"]
    assert figures.totals.checked_in == expected["governments"]["checked_in"]


@pytest.mark.parametrize(
    ("zone", "last_minute", "first_minute"),
    [
        # Kathmandu is 5 h 45 ahead of UTC: its midnight is at 18:15 UTC.
        ("Asia/Kathmandu", datetime.time(18, 14, 59), datetime.time(18, 15)),
        # Geneva in summer is 2 h ahead: its midnight is at 22:00 UTC.
        ("Europe/Zurich", datetime.time(21, 59, 59), datetime.time(22, 0)),
        # Newfoundland in summer is 2 h 30 behind: its midnight is at 02:30 UTC.
        ("America/St_Johns", datetime.time(2, 29, 59), datetime.time(2, 30)),
    ],
)
def test_replies_fall_on_their_day_in_the_meetings_time_zone(
    known: Known, zone: str, last_minute: datetime.time, first_minute: datetime.time
) -> None:
    Meeting.objects.filter(pk=known.geneva.pk).update(time_zone=zone)
    meeting = Meeting.objects.get(pk=known.geneva.pk)
    replies = list(Reply.objects.filter(meeting=meeting, state__in=ATTENDING).order_by("pk"))
    utc_day = datetime.date(2003, 8, 20)
    before = datetime.datetime.combine(utc_day, last_minute, tzinfo=datetime.UTC)
    after = datetime.datetime.combine(utc_day, first_minute, tzinfo=datetime.UTC)
    Reply.objects.filter(pk__in=[r.pk for r in replies[:2]]).update(submitted_at=before)
    Reply.objects.filter(pk__in=[r.pk for r in replies[2:]]).update(submitted_at=after)
    local = zoneinfo.ZoneInfo(zone)

    timeline = dashboard.meeting_dashboard(meeting).timeline

    per_day = {d.day: d.replies for d in timeline.days}
    assert per_day[before.astimezone(local).date()] == 2
    assert per_day[after.astimezone(local).date()] == len(replies) - 2
    assert before.astimezone(local).date() != after.astimezone(local).date()
