"""The secretariat's review of applications, the meetings' decisions, the admitted
organisations' standing, periodic review and retention (admission.review)."""

import datetime
from pathlib import Path

import pytest
from pytest_django import Settings

from summitdesk.admission import review
from summitdesk.admission.enums import AdmissionStatus, ApplicationStatus
from summitdesk.admission.models import Admission, AdmissionPolicy, Application
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.enums import MessageKind
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation, Position
from tests.admission.builders import STAFF, application, document, prepcom
from tests.conftest import Sink
from tests.factories import MeetingFactory, OrganisationFactory, ProcessFactory
from tests.tasks import drop_queued_emails, run_queued_tasks

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


def actions(obj: object) -> list[str]:
    return list(
        AuditEntry.objects.for_object(obj).order_by("pk").values_list("action", flat=True)  # type: ignore[arg-type]
    )


def test_review_moves_through_the_statuses_and_audits_each_step() -> None:
    meeting = prepcom()
    applied = application(meeting.process)

    review.review(applied, to=S.UNDER_REVIEW, actor=STAFF)
    review.review(applied, to=S.RECOMMENDED, actor=STAFF)

    applied.refresh_from_db()
    assert applied.status == S.RECOMMENDED
    assert actions(applied) == ["summitdesk.application.reviewed"] * 2


def test_incomplete_says_what_is_missing_and_the_applicant_is_told(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: object
) -> None:
    told: list[str] = []
    monkeypatch.setattr(review, "tell_applicant", lambda a: told.append(a.status))
    applied = application(prepcom().process)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        review.review(applied, to=S.INCOMPLETE, missing="Statutes signed", actor=STAFF)

    applied.refresh_from_db()
    assert (applied.status, applied.missing, told) == (
        S.INCOMPLETE,
        "Statutes signed",
        [S.INCOMPLETE],
    )


@pytest.mark.parametrize(
    ("to", "message"),
    [(S.INCOMPLETE, "Say what is missing"), (S.NOT_RECOMMENDED, "Give the reasons")],
)
def test_review_without_what_it_needs_changes_nothing(to: str, message: str) -> None:
    applied = application(prepcom().process, status=S.UNDER_REVIEW)

    with pytest.raises(review.ReviewError, match=message):
        review.review(applied, to=to, missing="  ", reasons="", actor=STAFF)

    applied.refresh_from_db()
    assert applied.status == S.UNDER_REVIEW
    assert actions(applied) == []


def test_an_unconfirmed_application_cannot_be_reviewed_or_decided() -> None:
    meeting = prepcom()
    applied = application(meeting.process, status=S.UNCONFIRMED)

    with pytest.raises(review.ReviewError, match="not confirmed"):
        review.review(applied, to=S.UNDER_REVIEW, actor=STAFF)
    with pytest.raises(review.ReviewError, match="not confirmed"):
        review.decide(applied, meeting=meeting, admit=True, actor=STAFF)

    assert Application.objects.get(pk=applied.pk).status == S.UNCONFIRMED
    assert not Organisation.objects.exists()


def test_a_transition_not_offered_is_refused() -> None:
    applied = application(prepcom().process)

    with pytest.raises(review.ReviewError, match="cannot become"):
        review.review(applied, to=S.RECOMMENDED, actor=STAFF)
    with pytest.raises(review.ReviewError, match="cannot become"):
        review.review(applied, to="<script>", actor=STAFF)


def test_admitting_makes_the_directory_entry_with_the_applicant_as_focal_point() -> None:
    meeting = prepcom()
    AdmissionPolicy.objects.create(process=meeting.process, review_every_months=24)
    applied = application(meeting.process, status=S.RECOMMENDED, website="https://aa.example.org")

    review.decide(applied, meeting=meeting, admit=True, actor=STAFF)

    applied.refresh_from_db()
    organisation = applied.organisation
    assert organisation is not None and organisation.name == applied.name
    assert (applied.status, applied.decision_meeting, applied.decided_on) == (
        S.ADMITTED,
        meeting,
        meeting.end_date,
    )
    focal = Position.objects.get(organisation=organisation, role=PositionRole.FOCAL_POINT)
    assert focal.person.email == applied.contact_email
    admission = Admission.objects.get(organisation=organisation)
    assert (admission.process, admission.meeting, admission.status) == (
        meeting.process,
        meeting,
        AdmissionStatus.ADMITTED,
    )
    assert admission.next_review_on == datetime.date(2028, 11, 6)
    assert "summitdesk.application.decided" in actions(applied)
    assert actions(admission) == ["summitdesk.admission.created"]


def test_admitting_a_duplicate_chosen_by_staff_completes_that_entry() -> None:
    meeting = prepcom()
    existing = OrganisationFactory(name="Applicant Association Kenya", country="KE")
    applied = application(
        meeting.process,
        status=S.RECOMMENDED,
        name="Applicant Association Kenya",
        website="https://x.example.org",
    )
    found = review.duplicate_candidates(applied)
    assert [organisation for organisation, _reason in found] == [existing]

    review.choose_entry(applied, existing, actor=STAFF)
    review.decide(applied, meeting=meeting, admit=True, actor=STAFF)

    existing.refresh_from_db()
    assert Organisation.objects.count() == 1
    assert existing.website == "https://x.example.org"
    assert Admission.objects.get().organisation == existing


def test_not_admitting_needs_reasons_and_a_second_decision_is_refused() -> None:
    meeting = prepcom()
    applied = application(meeting.process, status=S.NOT_RECOMMENDED)

    with pytest.raises(review.ReviewError, match="reasons"):
        review.decide(applied, meeting=meeting, admit=False, actor=STAFF)
    review.decide(applied, meeting=meeting, admit=False, reasons="Not in scope", actor=STAFF)
    with pytest.raises(review.ReviewError, match="already been decided"):
        review.decide(applied, meeting=meeting, admit=True, actor=STAFF)

    applied.refresh_from_db()
    assert (applied.status, applied.reasons) == (S.NOT_ADMITTED, "Not in scope")
    assert not Admission.objects.exists()


def test_a_meeting_of_another_process_cannot_decide() -> None:
    meeting = prepcom()
    other = MeetingFactory(process=ProcessFactory())
    applied = application(meeting.process, status=S.RECOMMENDED)

    with pytest.raises(review.ReviewError, match="another process"):
        review.decide(applied, meeting=other, admit=True, actor=STAFF)


def test_a_bulk_decision_is_all_or_nothing() -> None:
    meeting = prepcom()
    first = application(meeting.process, status=S.RECOMMENDED)
    second = application(meeting.process, status=S.RECOMMENDED)
    refused = application(meeting.process, status=S.NOT_RECOMMENDED)
    unconfirmed = application(meeting.process, status=S.UNCONFIRMED)

    with pytest.raises(review.ReviewError) as error:
        review.decide_many(
            meeting,
            admit=[first.reference, second.reference, "APP-FORGED", unconfirmed.reference],
            not_admit=[refused.reference],
            reasons="",
            actor=STAFF,
        )
    message = str(error.value)
    assert "APP-FORGED" in message and "reasons" in message and "not confirmed" in message
    assert Application.objects.filter(status=S.ADMITTED).count() == 0

    done = review.decide_many(
        meeting,
        admit=[first.reference, second.reference],
        not_admit=[refused.reference],
        reasons="Outside the scope",
        actor=STAFF,
    )
    assert (len(done.admitted), len(done.not_admitted)) == (2, 1)
    assert Admission.objects.filter(process=meeting.process).count() == 2


def test_a_reference_named_twice_is_refused() -> None:
    meeting = prepcom()
    first = application(meeting.process, status=S.RECOMMENDED)

    with pytest.raises(review.ReviewError, match="Named twice"):
        review.decide_many(
            meeting, admit=[first.reference], not_admit=[first.reference], reasons="x", actor=STAFF
        )


def admitted_organisation() -> Admission:
    meeting = prepcom()
    applied = application(meeting.process, status=S.RECOMMENDED)
    review.decide(applied, meeting=meeting, admit=True, actor=STAFF)
    return Admission.objects.get()


def test_suspension_and_withdrawal_need_a_reason_and_are_audited() -> None:
    admission = admitted_organisation()

    with pytest.raises(review.ReviewError, match="reason"):
        review.suspend(admission, reason=" ", actor=STAFF)
    review.suspend(admission, reason="Misrepresentation", actor=STAFF)
    with pytest.raises(review.ReviewError, match="already"):
        review.suspend(admission, reason="Again", actor=STAFF)
    review.withdraw(admission, reason="Confirmed misrepresentation", actor=STAFF)
    with pytest.raises(review.ReviewError, match="reinstate"):
        review.suspend(admission, reason="x", actor=STAFF)
    review.reinstate(admission, actor=STAFF, note="Appeal granted")

    admission.refresh_from_db()
    assert (admission.status, admission.status_reason) == (AdmissionStatus.ADMITTED, "")
    assert actions(admission)[1:] == [
        "summitdesk.admission.suspended",
        "summitdesk.admission.withdrawn",
        "summitdesk.admission.reinstated",
    ]


def test_reminders_come_once_per_review_date() -> None:
    admission = admitted_organisation()
    Admission.objects.filter(pk=admission.pk).update(next_review_on=datetime.date(2027, 1, 1))

    assert review.remind_reviews(today=datetime.date(2026, 12, 31), actor=STAFF) == 0
    assert review.remind_reviews(today=datetime.date(2027, 1, 2), actor=STAFF) == 1
    assert review.remind_reviews(today=datetime.date(2027, 1, 3), actor=STAFF) == 0


def test_applications_not_admitted_are_purged_with_their_files_after_retention(
    settings: Settings, django_capture_on_commit_callbacks: object
) -> None:
    settings.SUMMITDESK_IDENTITY_RETENTION_DAYS = 30
    meeting = prepcom()
    old = application(
        meeting.process, status=S.NOT_ADMITTED, reasons="x", decided_on=datetime.date(2026, 1, 1)
    )
    recent = application(
        meeting.process, status=S.NOT_ADMITTED, reasons="x", decided_on=datetime.date(2026, 12, 1)
    )
    kept = application(meeting.process, status=S.RECOMMENDED)
    stored = document(old)
    path = Path(stored.file.path)
    assert path.exists()
    now = datetime.datetime(2026, 12, 10, tzinfo=datetime.UTC)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert review.purge_applications(now=now, actor=STAFF) == 1

    assert set(Application.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}
    assert not path.exists()
    entry = AuditEntry.objects.get(action="summitdesk.application.purged")
    assert (entry.object_repr, entry.changes) == (old.reference, {"documents": [1, 0]})


def test_the_applicant_is_emailed_the_review_outcome_and_the_decision() -> None:
    meeting = prepcom()
    applied = application(meeting.process, status=S.UNDER_REVIEW)

    review.review(applied, to=S.INCOMPLETE, missing="Statutes", actor=STAFF)
    review.review(applied, to=S.UNDER_REVIEW, actor=STAFF)  # not told
    review.review(applied, to=S.RECOMMENDED, actor=STAFF)
    review.decide(applied, meeting=meeting, admit=True, actor=STAFF)

    queued = OutboundMessage.objects.filter(
        kind=MessageKind.APPLICATION_STATUS, about_id=applied.pk
    )
    assert queued.count() == 3


def test_a_review_due_emails_the_focal_point_once(smtp: Sink) -> None:
    admission = admitted_organisation()
    Admission.objects.filter(pk=admission.pk).update(next_review_on=datetime.date(2026, 1, 1))
    drop_queued_emails()

    assert review.remind_reviews(today=datetime.date(2026, 1, 2), actor=STAFF) == 1
    run_queued_tasks()
    assert review.remind_reviews(today=datetime.date(2026, 1, 3), actor=STAFF) == 0
    run_queued_tasks()

    [received] = smtp.received
    application = Application.objects.get()
    assert received.rcpt_tos == [application.contact_email]
    assert "Review of your organisation's admission" in str(received.message["Subject"])
    body = received.message.get_body(preferencelist=("plain",))
    assert body is not None and "review is due" in body.get_content()
