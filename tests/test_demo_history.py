"""PrepCom-2's past in the demo: what someone trying the product finds in the reports.

The demo is loaded once for the run (twice, to check the second run adds nothing), through
the command as `make demo` runs it (tests/conftest.py): the history takes seconds, too long
to repeat for every test. Each test then reads it in its own transaction.
"""

import datetime
import re
from collections import Counter

import pytest
from django_tasks_db.models import DBTaskResult

from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.core.changes import assign_sequences
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import CircularStatus, MailingKind, MessageState
from summitdesk.correspondence.models import Circular, Invitation, OutboundMessage
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.demo import history
from summitdesk.meetings.models import Meeting
from summitdesk.reports.dashboard import meeting_dashboard
from summitdesk.reports.figures import desk_count
from summitdesk.reports.models import Edition, EditionKind, EditionStatus
from summitdesk.reports.participants.editions import public_edition
from summitdesk.reports.participants.listing import build_list
from tests.conftest import Demo

SCRIPTS = {
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "chinese": re.compile(r"[\u4e00-\u9fff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
}


@pytest.fixture
def loaded(demo: Demo) -> Demo:
    """The demo of the run (tests/conftest.py), loaded through the command twice."""
    return demo


@pytest.fixture
def meeting(loaded: Demo, db: None) -> Meeting:
    return Meeting.objects.get(code=history.MEETING_CODE)


def test_the_past_meeting_is_over_in_the_replayed_calendar(meeting: Meeting) -> None:
    today = datetime.date.today()

    assert meeting.end_date is not None and meeting.end_date < today
    assert meeting.process.historical(meeting.start_date) == datetime.date(2003, 2, 17)


def test_its_circular_was_dispatched_to_about_400_organisations(meeting: Meeting) -> None:
    circular = Circular.objects.get(reference=history.REFERENCE)
    audience = Audience.from_json(circular.audience).organisations()
    letters = OutboundMessage.objects.filter(
        mailing__circular=circular, mailing__kind=MailingKind.LETTER
    )

    assert circular.meeting == meeting
    assert circular.status == CircularStatus.DISPATCHED
    assert 350 <= circular.invitations.count() == audience.count() <= 450
    assert set(letters.values_list("state", flat=True)) == {MessageState.SENT, MessageState.POSTED}
    assert letters.filter(sent_at=None).exists() is False
    assert letters.exclude(pdf="").exists() is False  # no letter rendered
    assert {body for body in letters.values_list("body", flat=True)} == {history.LETTER_NOTE}
    sent = [when for when in letters.values_list("sent_at", flat=True) if when]
    assert circular.reply_deadline is not None
    assert max(sent) < circular.reply_deadline
    assert circular.mailings.filter(kind=MailingKind.REMINDER).count() == 1


def test_nothing_is_left_for_the_worker_to_send(loaded: Demo, db: None) -> None:
    assert DBTaskResult.objects.filter(task_path__in=history.EMAIL_TASKS).exists() is False
    assert OutboundMessage.objects.filter(state=MessageState.QUEUED).exists() is False
    assert OutboundMessage.objects.filter(state=MessageState.SENT).count() > 100  # all went


def test_about_sixty_percent_answered_over_the_weeks_before_the_deadline(
    meeting: Meeting,
) -> None:
    circular = Circular.objects.get(reference=history.REFERENCE)
    invited = circular.invitations.count()
    replies = Reply.objects.filter(meeting=meeting)
    answered = replies.answered()
    assert circular.reply_deadline is not None
    assert meeting.start_date is not None
    submitted = [reply.submitted_at for reply in answered]
    late = [when for when in submitted if when and when > circular.reply_deadline]

    assert 0.5 <= answered.count() / invited <= 0.7
    assert None not in submitted
    assert len({when.date() for when in submitted if when}) >= 30
    assert 5 <= len(late) <= answered.count() // 5
    assert all(when and when.date() < meeting.start_date for when in submitted)
    states = Counter(replies.values_list("state", flat=True))
    assert states[ReplyState.DECLINED] >= 10
    assert states[ReplyState.AMENDED] >= 3
    assert states[ReplyState.DRAFT] + states[ReplyState.OPENED] >= 10
    assert replies.filter(entered_on_behalf=True).count() >= 10
    assert (
        Invitation.objects.filter(
            circular=circular, organisation__in=answered.values("organisation"), replied_at=None
        ).exists()
        is False
    )


def test_attending_replies_name_a_focal_point_and_a_delegation_of_one_to_eight(
    meeting: Meeting,
) -> None:
    attending = Reply.objects.filter(
        meeting=meeting, state__in=[ReplyState.SUBMITTED, ReplyState.AMENDED]
    ).prefetch_related("delegates")

    for reply in attending:
        delegates = list(reply.delegates.all())
        assert reply.focal_point is not None and reply.focal_point.email
        assert reply.head_level
        assert reply.estimated_participants is not None
        assert 1 <= len(delegates) <= 9  # eight named, one more added by an amendment
        assert reply.estimated_participants >= len(delegates) - 2  # two withdrew
        assert sum(delegate.is_head for delegate in delegates) <= 1
    levels = Counter(
        Delegate.objects.filter(reply__in=attending, is_head=True).values_list(
            "protocol_level", flat=True
        )
    )
    assert levels["chief_executive"] >= 10
    assert levels["minister"] + levels["ambassador"] + levels["vice_president"] >= 3


def test_demo_shows_types_levels_affiliation_and_online(meeting: Meeting) -> None:
    delegates = Delegate.objects.filter(reply__meeting=meeting)

    assert meeting.online_access and meeting.list_shows_affiliation
    assert delegates.filter(protocol_level="vice_president").count() == 1
    assert delegates.filter(relationship="consultant", affiliation="Analysys Mason").exists()
    assert delegates.filter(online=True).exists()
    assert delegates.filter(participant_type__code="vip").exists()
    assert delegates.filter(participant_type__code="technical-staff").exists()


def test_delegates_have_names_in_several_scripts_and_mostly_consent(meeting: Meeting) -> None:
    delegates = Delegate.objects.filter(reply__meeting=meeting)
    names = [
        f"{given} {family}" for given, family in delegates.values_list("given_name", "family_name")
    ]
    consenting = delegates.filter(consent_to_publish=True).count()
    genders = Counter(delegates.values_list("gender", flat=True))

    for script, pattern in SCRIPTS.items():
        assert any(pattern.search(name) for name in names), script
    assert 0.75 <= consenting / delegates.count() <= 0.95
    assert genders["female"] > 0 and genders["male"] > 0 and genders[""] > 0


def test_accreditations_mostly_approved_with_badge_numbers(meeting: Meeting) -> None:
    accreditations = Accreditation.objects.filter(meeting=meeting)
    statuses = Counter(accreditations.values_list("status", flat=True))
    approved = accreditations.filter(status=AccreditationStatus.APPROVED)
    numbers = list(approved.values_list("badge_number", flat=True))

    assert statuses[AccreditationStatus.APPROVED] / accreditations.count() >= 0.8
    assert statuses[AccreditationStatus.PENDING] >= 10
    assert 3 <= statuses[AccreditationStatus.REJECTED] <= 20
    assert statuses[AccreditationStatus.WITHDRAWN] == history.WITHDRAWN_COUNT
    assert accreditations.filter(status=AccreditationStatus.REJECTED, reason="").exists() is False
    assert "" not in numbers and len(set(numbers)) == len(numbers)
    assert Delegate.objects.filter(reply__meeting=meeting, accreditation=None).exists() is False


def test_some_approved_delegates_have_a_photo_on_file(meeting: Meeting, loaded: Demo) -> None:
    with_photo = Accreditation.objects.filter(meeting=meeting).exclude(photo="")

    assert with_photo.count() == history.PHOTOS
    assert set(with_photo.values_list("status", flat=True)) == {AccreditationStatus.APPROVED}
    for accreditation in with_photo:
        for name in (accreditation.photo.name, accreditation.badge_photo.name):
            assert name and (loaded.files / name).is_file()


def test_about_seventy_percent_of_the_approved_were_checked_in(meeting: Meeting) -> None:
    count = desk_count(meeting)
    scans = CheckIn.objects.filter(meeting=meeting)
    assert meeting.start_date is not None and meeting.end_date is not None

    assert 0.6 <= count.entered / count.approved <= 0.8
    assert scans.filter(result=CheckInResult.REENTERED).count() >= 5
    assert set(scans.values_list("accreditation__status", flat=True)) == {
        AccreditationStatus.APPROVED
    }
    days = {scan.scanned_at.date() for scan in scans}
    assert min(days) >= meeting.start_date - datetime.timedelta(days=1)
    assert max(days) <= meeting.end_date + datetime.timedelta(days=1)
    assert AuditEntry.objects.filter(action="summitdesk.accreditation.checked_in").count() == (
        count.entered
    )


def test_dashboard_figures_agree_with_the_records(meeting: Meeting) -> None:
    totals = meeting_dashboard(meeting).totals
    replies = Reply.objects.filter(meeting=meeting)
    accreditations = Accreditation.objects.filter(meeting=meeting)

    assert totals.invited == Invitation.objects.filter(circular__meeting=meeting).count()
    assert (
        totals.attending
        == replies.filter(state__in=[ReplyState.SUBMITTED, ReplyState.AMENDED]).count()
    )
    assert totals.declined == replies.filter(state=ReplyState.DECLINED).count() > 0
    assert totals.approved == accreditations.filter(status=AccreditationStatus.APPROVED).count()
    assert totals.checked_in == desk_count(meeting).entered > 0
    assert (
        totals.registered
        == accreditations.exclude(
            status__in=[AccreditationStatus.WITHDRAWN, AccreditationStatus.REVOKED]
        ).count()
    )
    assert totals.chief_executive_heads > 0


def test_provisional_list_shows_only_consenting_approved_delegates(meeting: Meeting) -> None:
    edition = public_edition(meeting)
    listed = Delegate.objects.filter(
        reply__meeting=meeting,
        consent_to_publish=True,
        accreditation__status=AccreditationStatus.APPROVED,
    )
    approved_without_consent = Delegate.objects.filter(
        reply__meeting=meeting,
        consent_to_publish=False,
        accreditation__status=AccreditationStatus.APPROVED,
    ).count()

    assert edition is not None
    full = Edition.objects.get(pk=edition.pk)
    assert (full.kind, full.status, full.number) == (
        EditionKind.PROVISIONAL,
        EditionStatus.PUBLISHED,
        1,
    )
    assert sorted(full.delegate_ids) == sorted(listed.values_list("id", flat=True))
    assert full.shown == listed.count() == build_list(meeting).shown
    assert full.not_shown == approved_without_consent > 0
    assert meeting.start_date is not None and meeting.end_date is not None
    assert meeting.start_date <= full.date <= meeting.end_date
    assert full.pdf
    assert meeting.public_statistics is True


def test_the_history_is_audited_in_the_past(meeting: Meeting) -> None:
    replies = Reply.objects.filter(meeting=meeting).answered()
    # PrepCom-2's replies only: the demo's PrepCom-3 has replies too (demo.returning).
    submitted = AuditEntry.objects.filter(
        action="summitdesk.reply.submitted",
        object_type="delegations.reply",
        object_id__in=[
            str(pk) for pk in Reply.objects.filter(meeting=meeting).values_list("pk", flat=True)
        ],
    )
    assert meeting.start_date is not None

    assert set(submitted.values_list("object_id", flat=True)) == {
        str(pk) for pk in replies.values_list("pk", flat=True)
    }
    for entry in submitted:
        assert entry.created_at.date() < meeting.start_date
    circular = Circular.objects.get(reference=history.REFERENCE)
    assert list(
        AuditEntry.objects.for_object(circular).values_list("action", flat=True).order_by("pk")
    ) == [
        "summitdesk.circular.created",
        "summitdesk.circular.dispatched",
        "summitdesk.circular.sent",
        "summitdesk.circular.reminded",
    ]


def test_the_change_feed_numbers_every_entry_of_the_history(loaded: Demo, db: None) -> None:
    unnumbered = AuditEntry.objects.filter(sequence=None).count()

    assign_sequences()

    assert unnumbered > 1000  # the history's entries, numbered by this call
    assert AuditEntry.objects.filter(sequence=None).exists() is False


def test_running_load_demo_again_adds_nothing(loaded: Demo) -> None:
    assert loaded.counts_again == loaded.counts
    assert "The demo is already loaded: nothing was added." in loaded.second
    assert "History of" not in loaded.second


def test_load_demo_says_what_the_history_holds(loaded: Demo) -> None:
    line = next(line for line in loaded.first.splitlines() if line.startswith("History of"))

    assert line.startswith(
        "History of WSIS Preparatory Committee, second meeting (PrepCom-2) loaded: "
    )
    figures = [int(number) for number in re.findall(r"\d+", line.removeprefix("History of WSIS"))]
    assert all(figure > 0 for figure in figures[1:])
