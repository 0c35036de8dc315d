"""The applicant's side of admission, as services: the window and who may apply, the
confirmation of the address, the link, documents, corrections, the answer to
"incomplete", the matches staff see, and the purge of unconfirmed applications."""

import datetime
import io
from typing import Any

import pytest
from django.utils import timezone

from summitdesk.admission import applicant_links, applying
from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import ApplicantLink, Application, ApplicationDocument
from summitdesk.core.documents import DocumentState
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.enums import MessageKind
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.lib.tokens import hash_token
from summitdesk.lib.uploads import MAX_TOTAL_BYTES, DocumentRefused
from tests.applying.builders import application, pdf_bytes, png_bytes, policy
from tests.factories import OrganisationFactory, ProcessFactory
from tests.tasks import drop_queued_emails, run_queued_tasks

pytestmark = pytest.mark.django_db


def kinds() -> list[str]:
    return list(OutboundMessage.objects.order_by("pk").values_list("kind", flat=True))


def test_an_application_starts_unconfirmed_and_emails_its_address() -> None:
    made = application(policy())

    assert made.status == ApplicationStatus.UNCONFIRMED
    assert made.reference.startswith("APP-")
    assert made.language == "fr"
    assert kinds() == [MessageKind.APPLICATION_CONFIRMATION]
    assert AuditEntry.objects.filter(action="summitdesk.application.created").count() == 1


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [(5, 30, "not open yet"), (-30, -1, "closed")],
)
def test_outside_the_window_nothing_is_created(opens: int, closes: int, message: str) -> None:
    shut = policy(opens_in_days=opens, closes_in_days=closes)

    with pytest.raises(applying.ApplyingError, match=message):
        application(shut)
    assert not Application.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_a_category_or_group_the_policy_does_not_name_may_not_apply() -> None:
    made = policy()

    with pytest.raises(applying.ApplyingError, match="category"):
        application(made, category=Category.BUSINESS_ENTITY)
    with pytest.raises(applying.ApplyingError, match="stakeholder group"):
        application(made, stakeholder_group=StakeholderGroup.PRIVATE_SECTOR)
    assert not Application.objects.exists()


def test_a_policy_naming_no_category_takes_any() -> None:
    made = policy(categories=[], groups=[])

    assert application(made, category=Category.BUSINESS_ENTITY).pk


def test_confirming_makes_it_received_once_and_says_so() -> None:
    made = application(policy())
    drop_queued_emails()

    assert applying.confirm_email(made) is True
    assert applying.confirm_email(made) is False
    made.refresh_from_db()
    assert made.status == ApplicationStatus.RECEIVED
    assert made.email_confirmed_at is not None
    assert kinds() == [MessageKind.APPLICATION_RECEIVED]


def test_the_link_is_stored_hashed_expires_and_a_new_one_revokes_the_old() -> None:
    made = application(policy())
    first, first_token = applicant_links.issue(made, actor=applying.SYSTEM)
    second, second_token = applicant_links.issue(made, actor=applying.SYSTEM)

    assert len(first_token) >= 32  # 192 bits, URL-safe
    assert first.token_hash == hash_token(first_token)
    assert not ApplicantLink.objects.filter(token_hash=first_token).exists()
    assert applicant_links.find(first_token) is None  # revoked
    found = applicant_links.find(second_token)
    assert found is not None and found.application == made
    ApplicantLink.objects.filter(pk=second.pk).update(expires_at=timezone.now())
    assert applicant_links.find(second_token) is None  # expired
    assert applicant_links.find("nothing-like-a-token") is None


def test_the_confirmation_email_carries_the_only_copy_of_a_live_link() -> None:
    made = application(policy())
    run_queued_tasks()

    row = OutboundMessage.objects.get()
    token = applicant_links.token_in(row.body)
    assert token is not None
    assert row.to == ["awa@riscn.example.org"]
    found = applicant_links.find(token)
    assert found is not None and found.application == made


def test_a_lost_link_is_sent_again_to_the_address_given_and_to_nobody_else() -> None:
    made = application(policy())
    applying.confirm_email(made)
    drop_queued_emails()

    assert applying.resend_link("AWA@riscn.example.org ") == 1
    assert applying.resend_link("someone@else.example.org") == 0
    assert kinds() == [MessageKind.APPLICANT_LINK]
    run_queued_tasks()
    assert OutboundMessage.objects.get().to == ["awa@riscn.example.org"]


def test_documents_are_checked_by_content_and_size(
    django_capture_on_commit_callbacks: Any,
) -> None:
    made = application(policy())
    statutes = made.process.admission_policy.required_documents.first()
    assert statutes is not None
    actor = applying.applicant_actor(made)

    with django_capture_on_commit_callbacks(execute=True):
        document = applying.add_document(
            made,
            io.BytesIO(pdf_bytes()),
            name="statuts.pdf",
            size=len(pdf_bytes()),
            requirement_id=statutes.pk,
            actor=actor,
        )
    assert document.state == DocumentState.CHECKING
    run_queued_tasks()
    document.refresh_from_db()
    assert (document.state, document.pages) == (DocumentState.ACCEPTED, 1)

    fake = b"MZ\x90\x00 not a document"
    with pytest.raises(DocumentRefused, match="PDF, a JPEG or a PNG"):
        applying.add_document(
            made,
            io.BytesIO(fake),
            name="statuts.pdf",
            size=len(fake),
            requirement_id=None,
            actor=actor,
        )
    with pytest.raises(DocumentRefused, match="larger than 10 MB"):
        applying.add_document(
            made,
            io.BytesIO(png_bytes()),
            name="big.png",
            size=11 * 1024 * 1024,
            requirement_id=None,
            actor=actor,
        )
    assert ApplicationDocument.objects.count() == 1


def test_documents_may_take_fifty_megabytes_in_all() -> None:
    made = application(policy())
    ApplicationDocument.objects.create(
        application=made,
        file="documents/x.pdf",
        original_name="x.pdf",
        media_type="application/pdf",
        size=MAX_TOTAL_BYTES - 100,
    )
    with pytest.raises(DocumentRefused, match="50 MB in all"):
        applying.add_document(
            made,
            io.BytesIO(png_bytes()),
            name="board.png",
            size=len(png_bytes()),
            requirement_id=None,
            actor=applying.SYSTEM,
        )
    assert ApplicationDocument.objects.count() == 1


def test_a_checklist_line_of_another_process_is_refused() -> None:
    made = application(policy())
    from_elsewhere = policy(process=ProcessFactory()).required_documents.first()
    assert from_elsewhere is not None

    with pytest.raises(applying.ApplyingError, match="list"):
        applying.add_document(
            made,
            io.BytesIO(png_bytes()),
            name="a.png",
            size=len(png_bytes()),
            requirement_id=from_elsewhere.pk,
            actor=applying.SYSTEM,
        )


def test_once_with_the_secretariat_nothing_changes_until_it_asks() -> None:
    made = application(policy())
    applying.confirm_email(made)
    actor = applying.applicant_actor(made)
    assert applying.correct(made, {"acronym": "RISC-N"}, actor=actor) == ["acronym"]
    Application.objects.filter(pk=made.pk).update(status=ApplicationStatus.UNDER_REVIEW)
    made.refresh_from_db()

    with pytest.raises(applying.ApplyingError, match="no longer be changed"):
        applying.correct(made, {"acronym": "X"}, actor=actor)
    with pytest.raises(applying.ApplyingError, match="no longer be changed"):
        applying.add_document(
            made,
            io.BytesIO(png_bytes()),
            name="a.png",
            size=len(png_bytes()),
            requirement_id=None,
            actor=actor,
        )
    with pytest.raises(applying.ApplyingError, match="asked for nothing"):
        applying.resubmit(made, actor)
    made.refresh_from_db()
    assert made.acronym == "RISC-N"


def test_answering_incomplete_puts_it_back_under_review() -> None:
    made = application(policy())
    Application.objects.filter(pk=made.pk).update(
        status=ApplicationStatus.INCOMPLETE, missing="The list of board members."
    )
    made.refresh_from_db()

    applying.resubmit(made, applying.applicant_actor(made))

    assert made.status == ApplicationStatus.UNDER_REVIEW
    assert made.missing == "The list of board members."
    assert AuditEntry.objects.filter(action="summitdesk.application.resubmitted").exists()


def test_a_correction_may_not_move_to_a_category_that_may_not_apply() -> None:
    made = application(policy())

    with pytest.raises(applying.ApplyingError, match="category"):
        applying.correct(
            made, {"category": Category.BUSINESS_ENTITY}, actor=applying.applicant_actor(made)
        )
    made.refresh_from_db()
    assert made.category == Category.CIVIL_SOCIETY


def test_removing_a_document_deletes_only_the_applications_own() -> None:
    mine = application(policy())
    theirs = application(
        mine.process.admission_policy, contact_email="x@other.example.org", name="Other"
    )
    document = applying.add_document(
        theirs,
        io.BytesIO(png_bytes()),
        name="a.png",
        size=len(png_bytes()),
        requirement_id=None,
        actor=applying.SYSTEM,
    )

    with pytest.raises(applying.ApplyingError):
        applying.remove_document(mine, document.pk, actor=applying.SYSTEM)
    applying.remove_document(theirs, document.pk, actor=applying.SYSTEM)
    assert not ApplicationDocument.objects.exists()


def test_staff_see_directory_matches_by_name_or_acronym_and_country() -> None:
    same_name = OrganisationFactory(name="Réseau Ivoirien de la Société Civile pour le Numérique")
    same_acronym = OrganisationFactory(name="Another name", acronym="RISCN", country="CI")
    OrganisationFactory(name="Unrelated", acronym="RISCN", country="FR")
    made = application(policy())

    found = {organisation.pk for organisation, _reason in applying.directory_matches(made)}

    assert found == {same_name.pk, same_acronym.pk}


def test_unconfirmed_applications_are_deleted_after_a_week() -> None:
    made_policy = policy()
    old = application(made_policy)
    confirmed = application(made_policy, contact_email="b@riscn.example.org")
    applying.confirm_email(confirmed)
    fresh = application(made_policy, contact_email="c@riscn.example.org")
    week_ago = timezone.now() - datetime.timedelta(days=applying.UNCONFIRMED_DAYS, hours=1)
    Application.objects.filter(pk__in=[old.pk, confirmed.pk]).update(submitted_at=week_ago)

    assert applying.purge_unconfirmed() == 1
    assert set(Application.objects.values_list("pk", flat=True)) == {confirmed.pk, fresh.pk}
