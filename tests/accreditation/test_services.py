"""Accreditation services: the state machine, badge versions, emails, bulk moves, limits and
exceptions, substitution, identity data and its purge, consent; and how a reply's
reconciliation withdraws (never deletes) an accredited delegate. Builders shared with the
page tests."""

import datetime
from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.core import mail
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from summitdesk.accreditation import completeness, emails, services, tasks
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation, DelegateLimit, LimitException
from summitdesk.accreditation.services import AccreditationError
from summitdesk.core.models import AuditEntry
from summitdesk.core.periodic import registered_jobs
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.credentials.models import MandateDocument
from summitdesk.delegations import services as delegation_services
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.delegations.services import DelegateData, ReplyData
from summitdesk.directory.enums import Category, Language
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import (
    STAFF,
    accreditations,
    meeting,
    members,
    one,
    submitted_reply,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail(settings: Settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# Builders


def data_of(reply: Reply) -> ReplyData:
    """The reply as saved (save_reply works on its own copy of the row)."""
    return delegation_services.reply_data(Reply.objects.get(pk=reply.pk))


@pytest.fixture
def organisation() -> Iterator[Organisation]:
    yield OrganisationFactory(name="Orange", category=Category.SECTOR_MEMBER)


# Creating accreditations from replies


def test_ensure_accreditations_creates_pending_for_each_named_delegate(
    organisation: Organisation,
) -> None:
    reply = submitted_reply(organisation, meeting(), members(3))

    assert [a.status for a in accreditations(reply)] == [Status.PENDING] * 3
    assert AuditEntry.objects.filter(action="summitdesk.accreditation.created").count() == 3


def test_draft_reply_has_no_accreditations(organisation: Organisation) -> None:
    reply = delegation_services.reply_for(organisation, meeting())
    delegation_services.save_reply(
        reply, ReplyData(attending=True, delegates=members(2)), submit=False, actor=STAFF
    )

    assert Accreditation.objects.count() == 0


def test_amended_reply_accredits_only_the_new_delegate(organisation: Organisation) -> None:
    reply = submitted_reply(organisation, meeting(), members(2))
    first = accreditations(reply)
    data = data_of(reply)

    delegation_services.save_reply(
        reply,
        replace(
            data,
            estimated_participants=3,
            delegates=[*data.delegates, DelegateData(family_name="New")],
        ),
        submit=True,
        actor=STAFF,
    )

    after = accreditations(reply)
    assert [a.pk for a in after[:2]] == [a.pk for a in first]
    assert len(after) == 3


def test_removed_delegate_accreditation_is_withdrawn_not_deleted(
    organisation: Organisation,
) -> None:
    reply = submitted_reply(organisation, meeting(), members(3))
    removed = accreditations(reply)[2]
    services.transition(removed, Status.APPROVED, actor=STAFF)
    data = data_of(reply)

    delegation_services.save_reply(
        reply, replace(data, delegates=data.delegates[:2]), submit=True, actor=STAFF
    )

    removed.refresh_from_db()
    assert removed.status == Status.WITHDRAWN
    assert removed.badge_version == 2
    assert Delegate.objects.filter(pk=removed.delegate_id).exists()
    assert [d.family_name for d in delegation_services.active_delegates(reply)] == [
        "Member 0",
        "Member 1",
    ]
    assert len(data_of(reply).delegates) == 2


def test_removed_head_kept_for_accreditation_lets_another_head(
    organisation: Organisation,
) -> None:
    reply = submitted_reply(organisation, meeting(), members(2))
    data = data_of(reply)
    newcomer = replace(data.delegates[1], is_head=True, protocol_level="minister")

    delegation_services.save_reply(
        reply, replace(data, delegates=[newcomer]), submit=True, actor=STAFF
    )

    heads = list(Delegate.objects.filter(reply=reply, is_head=True).values_list("family_name"))
    assert heads == [("Member 1",)]
    assert [a.status for a in accreditations(reply)] == [Status.WITHDRAWN, Status.PENDING]


def test_declining_withdraws_every_accreditation(organisation: Organisation) -> None:
    reply = submitted_reply(organisation, meeting(), members(2))

    delegation_services.save_reply(
        reply, ReplyData(attending=False, decline_reason="No budget."), submit=True, actor=STAFF
    )

    assert [a.status for a in accreditations(reply)] == [Status.WITHDRAWN] * 2


def test_delegate_with_accreditation_is_protected_from_deletion(
    organisation: Organisation,
) -> None:
    [accreditation] = accreditations(submitted_reply(organisation, meeting(), members(1)))

    with pytest.raises(ProtectedError):
        accreditation.delegate.delete()


def test_delegate_named_again_after_withdrawal_gets_a_new_accreditation(
    organisation: Organisation,
) -> None:
    reply = submitted_reply(organisation, meeting(), members(2))
    data = data_of(reply)
    delegation_services.save_reply(
        reply, replace(data, delegates=data.delegates[:1]), submit=True, actor=STAFF
    )

    delegation_services.save_reply(reply, data, submit=True, actor=STAFF)

    assert [a.status for a in accreditations(reply)] == [
        Status.PENDING,
        Status.WITHDRAWN,
        Status.PENDING,
    ]


# The state machine

ALLOWED = [
    (Status.PENDING, Status.APPROVED),
    (Status.PENDING, Status.REJECTED),
    (Status.PENDING, Status.WITHDRAWN),
    (Status.APPROVED, Status.PENDING),  # a renamed delegate, with a reason
    (Status.APPROVED, Status.REJECTED),
    (Status.APPROVED, Status.REVOKED),
    (Status.APPROVED, Status.WITHDRAWN),
    (Status.REJECTED, Status.PENDING),
    (Status.REJECTED, Status.WITHDRAWN),
]
REFUSED = [
    (start, to) for start in Status.values for to in Status.values if (start, to) not in ALLOWED
]


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_transition_allowed_moves_change_status_and_record(start: str, to: str) -> None:
    accreditation = one(start)

    moved = services.transition(accreditation, to, reason="A reason.", actor=STAFF)

    moved.refresh_from_db()
    assert moved.status == to
    last = AuditEntry.objects.order_by("pk").last()
    assert last is not None
    assert last.action == f"summitdesk.accreditation.{'reconsidered' if to == 'pending' else to}"
    assert last.changes["status"] == [start, to]


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_transition_refused_moves_raise_and_change_nothing(start: str, to: str) -> None:
    accreditation = one(start)
    entries = AuditEntry.objects.count()
    version = accreditation.badge_version

    with pytest.raises(AccreditationError) as error:
        services.transition(accreditation, to, reason="A reason.", actor=STAFF)

    accreditation.refresh_from_db()
    assert str(error.value) == (
        f"An accreditation that is {Status(start).label} cannot become {Status(to).label}."
    )
    assert (accreditation.status, accreditation.badge_version) == (start, version)
    assert AuditEntry.objects.count() == entries
    assert DBTaskResult.objects.count() == 0


@pytest.mark.parametrize("to", [Status.REJECTED, Status.REVOKED])
def test_transition_rejection_and_revocation_need_a_reason(to: str) -> None:
    accreditation = one(Status.APPROVED)

    with pytest.raises(AccreditationError, match="Give the reason"):
        services.transition(accreditation, to, reason="  ", actor=STAFF)

    accreditation.refresh_from_db()
    assert accreditation.status == Status.APPROVED


def test_transition_unknown_status_is_refused() -> None:
    with pytest.raises(AccreditationError, match="Unknown status: printed"):
        services.transition(one(), "printed", actor=STAFF)


def test_approve_issues_badge_version_and_number() -> None:
    approved = services.transition(one(), Status.APPROVED, actor=STAFF)

    approved.refresh_from_db()
    assert (approved.badge_version, approved.badge_number) == (1, "000001")


def test_approving_where_no_limit_or_document_applies_counts_nothing() -> None:
    """Without a limit for the category, approval does not count the organisation's
    accreditations nor read its exception; without required documents, it does not read
    the documents received (the demo's history approves hundreds)."""
    accreditation = one()

    with CaptureQueriesContext(connection) as captured:
        services.transition(accreditation, Status.APPROVED, actor=STAFF)

    tables = [LimitException._meta.db_table, MandateDocument._meta.db_table]
    read = [table for query in captured for table in tables if f'"{table}"' in query["sql"]]
    assert read == []
    assert Accreditation.objects.get(pk=accreditation.pk).status == Status.APPROVED


def test_badge_numbers_are_unique_per_meeting(organisation: Organisation) -> None:
    reply = submitted_reply(organisation, meeting(), members(3))
    other = submitted_reply(OrganisationFactory(), meeting(code="tunis-2005"), members(1))

    for accreditation in [*accreditations(reply), *accreditations(other)]:
        services.transition(accreditation, Status.APPROVED, actor=STAFF)

    numbers = [a.badge_number for a in accreditations(reply)]
    assert numbers == ["000001", "000002", "000003"]
    assert [a.badge_number for a in accreditations(other)] == ["000001"]


def test_revoke_after_approve_bumps_badge_version_and_emails_delegate_and_focal_point() -> None:
    accreditation = one(Status.APPROVED)

    services.transition(accreditation, Status.REVOKED, reason="Security advice.", actor=STAFF)
    ran = run_queued_tasks()

    accreditation.refresh_from_db()
    assert ran == 1
    assert (accreditation.status, accreditation.badge_version) == (Status.REVOKED, 2)
    assert accreditation.badge_number == "000001"
    [email] = mail.outbox
    assert email.to == ["member0@example.org", "focal@example.org"]
    assert email.subject == (
        "Accreditation withdrawn by the secretariat: Ann Member 0, World Summit, first phase"
    )
    assert "Security advice." in email.body
    assert "will be refused at the entrance" in email.body


def test_reject_after_approve_invalidates_badge_and_emails_reason() -> None:
    accreditation = one(Status.APPROVED)

    services.transition(accreditation, Status.REJECTED, reason="Not a member.", actor=STAFF)
    run_queued_tasks()

    accreditation.refresh_from_db()
    assert (accreditation.status, accreditation.badge_version) == (Status.REJECTED, 2)
    [email] = mail.outbox
    assert email.subject == "Accreditation not approved: Ann Member 0, World Summit, first phase"
    assert "Reason:\nNot a member.\n" in email.body


def test_approval_email_has_badge_collection_instructions() -> None:
    services.transition(one(), Status.APPROVED, actor=STAFF)
    run_queued_tasks()

    [email] = mail.outbox
    assert email.to == ["member0@example.org", "focal@example.org"]
    assert email.subject == "Accreditation approved: Ann Member 0, World Summit, first phase"
    assert "Your badge number: 000001" in email.body
    assert "come in person to the badge desk" in email.body


def test_approval_email_falls_back_to_english_where_untranslated(settings: Settings) -> None:
    settings.LOCALE_PATHS = []  # No catalogue: Russian is untranslated.
    accreditation = one()
    Organisation.objects.update(language=Language.RUSSIAN)

    services.transition(accreditation, Status.APPROVED, actor=STAFF)
    run_queued_tasks()

    [email] = mail.outbox
    assert email.extra_headers["Content-Language"] == "en"
    assert email.subject.startswith("Accreditation approved:")


def test_email_language_is_the_organisations_where_translated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        emails, "_", lambda text: "Accréditation approuvée" if text == emails.PROBE else text
    )

    assert emails.email_language("ru") == "ru"


def test_decision_email_of_a_superseded_decision_is_not_sent() -> None:
    accreditation = one()
    services.transition(accreditation, Status.APPROVED, actor=STAFF)
    services.transition(accreditation, Status.REVOKED, reason="Changed.", actor=STAFF)

    assert run_queued_tasks() == 1
    [email] = mail.outbox
    assert email.subject.startswith("Accreditation withdrawn by the secretariat")
    assert list(OutboundMessage.objects.values_list("kind", "state", "last_error")) == [
        (
            "accreditation_approved",
            "cancelled",
            "Another decision was made since: it has its own email.",
        ),
        ("accreditation_revoked", "sent", ""),
    ]


def test_withdrawal_sends_no_email_but_invalidates_badge() -> None:
    accreditation = one(Status.APPROVED)

    services.transition(accreditation, Status.WITHDRAWN, actor=STAFF)

    accreditation.refresh_from_db()
    assert accreditation.badge_version == 2
    assert DBTaskResult.objects.count() == 0


def test_reapproval_after_reconsideration_keeps_number_and_issues_new_version() -> None:
    accreditation = one()
    services.transition(accreditation, Status.APPROVED, actor=STAFF)
    services.transition(accreditation, Status.REJECTED, reason="Doubt.", actor=STAFF)
    services.transition(accreditation, Status.PENDING, actor=STAFF)

    services.transition(accreditation, Status.APPROVED, actor=STAFF)

    accreditation.refresh_from_db()
    assert (accreditation.badge_number, accreditation.badge_version) == ("000001", 3)
    assert accreditation.reason == ""


# Bulk


def test_bulk_transition_approves_forty(organisation: Organisation) -> None:
    reply = submitted_reply(organisation, meeting(), members(40))
    ids = [a.pk for a in accreditations(reply)]

    report = services.bulk_transition(ids, Status.APPROVED, actor=STAFF)

    assert (report.moved, report.refused) == (40, {})
    assert Accreditation.objects.filter(status=Status.APPROVED).count() == 40
    assert OutboundMessage.objects.filter(kind="accreditation_approved").count() == 40
    assert DBTaskResult.objects.count() == 1  # the outbox's task sends them all


def test_bulk_transition_reports_refused_ones_and_moves_the_others(
    organisation: Organisation,
) -> None:
    reply = submitted_reply(organisation, meeting(), members(3))
    first, second, third = accreditations(reply)
    services.transition(second, Status.WITHDRAWN, actor=STAFF)

    report = services.bulk_transition(
        [first.pk, second.pk, third.pk], Status.REJECTED, reason="Late.", actor=STAFF
    )

    assert report.moved == 2
    assert report.refused == {
        second.pk: "An accreditation that is Withdrawn cannot become Rejected."
    }


# Limits and exceptions


def test_check_limit_counts_approved_and_pending(organisation: Organisation) -> None:
    at = meeting()
    DelegateLimit.objects.create(meeting=at, category=Category.SECTOR_MEMBER, limit=2)
    reply = submitted_reply(organisation, at, members(3))
    services.transition(accreditations(reply)[0], Status.APPROVED, actor=STAFF)

    check = services.check_limit(organisation, at)

    assert (check.limit, check.granted, check.approved, check.pending) == (2, None, 1, 2)
    assert (check.allowed, check.over) == (2, True)


def test_approving_beyond_the_limit_is_refused(organisation: Organisation) -> None:
    at = meeting()
    DelegateLimit.objects.create(meeting=at, category=Category.SECTOR_MEMBER, limit=2)
    first, second, third = accreditations(submitted_reply(organisation, at, members(3)))
    services.transition(first, Status.APPROVED, actor=STAFF)
    services.transition(second, Status.APPROVED, actor=STAFF)

    with pytest.raises(AccreditationError) as error:
        services.transition(third, Status.APPROVED, actor=STAFF)

    assert str(error.value) == (
        "Orange already has 2 approved delegates, its limit for this meeting: "
        "grant an exception to approve more."
    )
    third.refresh_from_db()
    assert third.status == Status.PENDING


def test_limit_of_another_category_does_not_apply(organisation: Organisation) -> None:
    at = meeting()
    DelegateLimit.objects.create(meeting=at, category=Category.MEMBER_STATE, limit=0)
    [accreditation] = accreditations(submitted_reply(organisation, at, members(1)))

    services.transition(accreditation, Status.APPROVED, actor=STAFF)

    accreditation.refresh_from_db()
    assert accreditation.status == Status.APPROVED


def test_granted_exception_raises_the_limit(organisation: Organisation) -> None:
    at = meeting()
    DelegateLimit.objects.create(meeting=at, category=Category.SECTOR_MEMBER, limit=1)
    first, second = accreditations(submitted_reply(organisation, at, members(2)))
    services.transition(first, Status.APPROVED, actor=STAFF)
    exception = services.request_exception(
        organisation, at, requested=2, reason="Two ministers.", actor=STAFF
    )

    services.decide_exception(exception, granted=2, actor=STAFF)
    services.transition(second, Status.APPROVED, actor=STAFF)

    second.refresh_from_db()
    assert second.status == Status.APPROVED
    assert services.check_limit(organisation, at).allowed == 2


def test_refused_exception_keeps_the_limit(organisation: Organisation) -> None:
    at = meeting()
    DelegateLimit.objects.create(meeting=at, category=Category.SECTOR_MEMBER, limit=1)
    exception = services.request_exception(organisation, at, requested=5, reason="", actor=STAFF)

    services.decide_exception(exception, granted=None, actor=STAFF)

    exception.refresh_from_db()
    assert (exception.granted, exception.decided_at is not None) == (None, True)
    assert services.check_limit(organisation, at).allowed == 1
    assert (
        AuditEntry.objects.filter(action="summitdesk.accreditation.exception_refused").count() == 1
    )


def test_exception_decided_twice_is_refused(organisation: Organisation) -> None:
    exception = services.request_exception(
        organisation, meeting(), requested=5, reason="", actor=STAFF
    )
    services.decide_exception(exception, granted=3, actor=STAFF)

    with pytest.raises(AccreditationError, match="already been decided"):
        services.decide_exception(exception, granted=5, actor=STAFF)


def test_exception_grant_above_the_request_is_refused(organisation: Organisation) -> None:
    exception = services.request_exception(
        organisation, meeting(), requested=5, reason="", actor=STAFF
    )

    with pytest.raises(AccreditationError, match="Grant between 1 and the 5 delegates"):
        services.decide_exception(exception, granted=6, actor=STAFF)


def test_second_waiting_exception_request_is_refused(organisation: Organisation) -> None:
    at = meeting()
    services.request_exception(organisation, at, requested=5, reason="", actor=STAFF)

    with pytest.raises(AccreditationError, match="already waiting"):
        services.request_exception(organisation, at, requested=6, reason="", actor=STAFF)

    assert LimitException.objects.count() == 1


# Substitution


def test_substitute_revokes_old_badge_and_adds_a_pending_newcomer() -> None:
    old = one(Status.APPROVED)

    created = services.substitute(
        old,
        DelegateData(family_name="Newman", given_name="Nia", email="nia@example.org"),
        actor=STAFF,
    )

    old.refresh_from_db()
    assert (old.status, old.badge_version, old.reason) == (
        Status.REVOKED,
        2,
        "Substituted by Nia Newman.",
    )
    assert created.status == Status.PENDING
    assert created.delegate.reply_id == old.delegate.reply_id
    assert created.delegate.is_head is True
    assert Delegate.objects.get(pk=old.delegate_id).is_head is False
    reply = old.delegate.reply
    assert [d.family_name for d in delegation_services.active_delegates(reply)] == ["Newman"]


def test_substitute_of_pending_delegate_is_refused() -> None:
    with pytest.raises(AccreditationError, match="Only an approved delegate"):
        services.substitute(one(), DelegateData(family_name="Newman"), actor=STAFF)

    assert Accreditation.objects.count() == 1


# Identity data


def test_update_identity_audit_names_fields_never_values() -> None:
    accreditation = one()

    changed = services.update_identity(
        accreditation,
        {
            "document_number": "X1234567",
            "date_of_birth": datetime.date(1970, 5, 17),
            "passport_family_name": "MEMBERSKA",
        },
        actor=STAFF,
    )

    entry = AuditEntry.objects.get(action="summitdesk.accreditation.identity_changed")
    assert changed == ["document_number", "date_of_birth", "passport_family_name"]
    assert entry.changes == {
        "document_number": ["…", "changed"],
        "date_of_birth": ["…", "changed"],
        "passport_family_name": ["…", "changed"],
    }
    # Only what people wrote is searched: a timestamp may hold "1970" by chance.
    everything = str(list(AuditEntry.objects.values("object_repr", "changes", "note")))
    assert "X1234567" not in everything
    assert "1970" not in everything
    assert "MEMBERSKA" not in everything


def test_update_identity_without_change_records_nothing() -> None:
    accreditation = one()

    assert services.update_identity(accreditation, {"document_number": ""}, actor=STAFF) == []
    assert not AuditEntry.objects.filter(action="summitdesk.accreditation.identity_changed")


def test_update_identity_refuses_other_fields() -> None:
    with pytest.raises(AccreditationError, match="Not identity fields"):
        services.update_identity(one(), {"status": "approved"}, actor=STAFF)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("administrator", True),
        ("registration_officer", True),
        ("badge_desk", True),
        ("checkin_desk", False),
        ("viewer", False),
    ],
)
def test_can_see_identity_by_role(role: str, sees: bool) -> None:
    assert services.can_see_identity(UserFactory(role=role)) is sees


def _with_identity(end: datetime.date) -> Accreditation:
    accreditation = one()
    Meeting.objects.update(start_date=end - datetime.timedelta(days=2), end_date=end)
    Accreditation.objects.filter(pk=accreditation.pk).update(
        document_number="X1234567",
        date_of_birth=datetime.date(1970, 5, 17),
        document_expires=datetime.date(2030, 1, 1),
        passport_family_name="MEMBERSKA",
    )
    return accreditation


def test_purge_identity_data_deletes_after_retention(settings: Settings) -> None:
    settings.SUMMITDESK_IDENTITY_RETENTION_DAYS = 30
    accreditation = _with_identity(datetime.date(2026, 1, 1))
    now = datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC)

    assert services.purge_identity_data(now=now, actor=STAFF) == 1

    accreditation.refresh_from_db()
    assert (
        accreditation.document_number,
        accreditation.date_of_birth,
        accreditation.document_expires,
        accreditation.identity_purged_at,
        accreditation.passport_family_name,
    ) == ("", None, None, now, "MEMBERSKA")
    entry = AuditEntry.objects.get(action="summitdesk.accreditation.identity_purged")
    assert entry.changes == {
        "date_of_birth": ["…", "deleted"],
        "document_number": ["…", "deleted"],
        "document_expires": ["…", "deleted"],
    }
    assert services.purge_identity_data(now=now, actor=STAFF) == 0


def test_purge_identity_data_keeps_within_retention(settings: Settings) -> None:
    settings.SUMMITDESK_IDENTITY_RETENTION_DAYS = 30
    accreditation = _with_identity(datetime.date(2026, 1, 1))
    now = datetime.datetime(2026, 1, 31, 12, tzinfo=datetime.UTC)

    assert services.purge_identity_data(now=now, actor=STAFF) == 0

    accreditation.refresh_from_db()
    assert (accreditation.document_number, accreditation.identity_purged_at) == ("X1234567", None)


def test_purge_identity_data_is_a_registered_daily_job() -> None:
    [job] = [job for job in registered_jobs() if job.name == "purge-identity-data"]

    assert job.every == datetime.timedelta(days=1)
    assert job.task is tasks.purge_identity_data


def test_purge_identity_task_runs_the_purge() -> None:
    accreditation = _with_identity(datetime.date.today() - datetime.timedelta(days=31))

    tasks.purge_identity_data.enqueue()
    run_queued_tasks()

    accreditation.refresh_from_db()
    assert accreditation.document_number == ""


# Consent and reminders


def test_set_consent_changes_and_records() -> None:
    delegate = one().delegate

    assert services.set_consent(delegate, True, actor=STAFF) is True
    assert services.set_consent(delegate, True, actor=STAFF) is False

    delegate.refresh_from_db()
    assert delegate.consent_to_publish is True
    entry = AuditEntry.objects.get(action="summitdesk.delegate.consent_changed")
    assert entry.changes == {"consent_to_publish": [False, True]}


def test_missing_data_reminder_lists_what_is_missing() -> None:
    accreditation = one()
    Accreditation.objects.filter(pk=accreditation.pk).update(passport_given_name="ANN")

    assert services.remind_missing_data(accreditation.meeting, actor=STAFF) == 1
    run_queued_tasks()

    [email] = mail.outbox
    assert email.subject == (
        "Accreditation: details missing for Ann Member 0, World Summit, first phase"
    )
    assert (
        "still lacks:\n- photo\n- family name as in the passport\n- nationality\n"
        "- date of birth\n- identity document number\n- identity document expiry\n"
    ) in email.body


def test_missing_data_reminder_names_every_item_the_completeness_column_names() -> None:
    accreditation = one()
    # Everything a badge needs but the date of birth and the document's expiry, which the
    # reminder of four fields used to leave out: it must still be sent, naming them.
    Accreditation.objects.filter(pk=accreditation.pk).update(
        photo="photos/2026/face.jpg",
        passport_given_name="ANN",
        passport_family_name="MEMBER",
        document_number="A1234567",
    )
    Delegate.objects.filter(pk=accreditation.delegate_id).update(nationality="SN")
    accreditation = Accreditation.objects.select_related("delegate").get(pk=accreditation.pk)
    assert completeness.missing_for_badge(accreditation) == [
        "date of birth",
        "identity document expiry",
    ]

    assert services.remind_missing_data(accreditation.meeting, actor=STAFF) == 1
    run_queued_tasks()

    [email] = mail.outbox
    assert "still lacks:\n- date of birth\n- identity document expiry\n\n" in email.body


def test_missing_data_reminder_not_sent_when_the_completeness_column_says_ready() -> None:
    accreditation = one()
    Accreditation.objects.filter(pk=accreditation.pk).update(
        photo="photos/2026/face.jpg",
        passport_given_name="ANN",
        passport_family_name="MEMBER",
        document_number="A1234567",
        date_of_birth=datetime.date(1980, 5, 17),
        document_expires=datetime.date(2030, 1, 1),
    )
    Delegate.objects.filter(pk=accreditation.delegate_id).update(nationality="SN")

    assert services.remind_missing_data(accreditation.meeting, actor=STAFF) == 0
    assert services.missing_fields(Accreditation.objects.get(pk=accreditation.pk)) == []
