import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from summitdesk.accreditation import bulk_decisions
from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.queries import ListFilter
from summitdesk.core import versions
from summitdesk.core.audit import Actor
from summitdesk.core.documents import DocumentState
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry
from summitdesk.credentials import queries, services
from summitdesk.credentials.enums import (
    CredentialsState,
    DocumentKind,
    Examined,
    IssuedBy,
    PowersScope,
)
from summitdesk.credentials.models import Credentials, MandateDocument
from summitdesk.credentials.services import CredentialsData, CredentialsError
from summitdesk.directory.enums import Category
from summitdesk.lib.uploads import DocumentRefused
from tests.accreditation.builders import STAFF, accreditations, members, submitted_reply
from tests.credentials.builders import government, pdf_upload, received
from tests.delegations.builders import summit
from tests.factories import OrganisationFactory, UserFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def test_approval_waits_for_a_required_document_then_goes_through() -> None:
    at = summit()
    reply = government(at)
    services.set_requirement(
        at,
        Category.MEMBER_STATE,
        DocumentKind.NOMINATION_LETTER,
        required=True,
        approval_waits=True,
        actor=STAFF,
    )
    [accreditation] = accreditations(reply)

    with pytest.raises(accreditation_services.AccreditationError, match="nomination letter"):
        accreditation_services.transition(accreditation, AccreditationStatus.APPROVED, actor=STAFF)
    report = accreditation_services.bulk_transition(
        [accreditation.pk], AccreditationStatus.APPROVED, actor=STAFF
    )
    assert report.moved == 0
    assert "missing: nomination letter" in report.refused[accreditation.pk]

    received(reply)
    approved = accreditation_services.transition(
        accreditation, AccreditationStatus.APPROVED, actor=STAFF
    )
    assert approved.status == AccreditationStatus.APPROVED


def test_a_requirement_approval_does_not_wait_for_lets_approval_through() -> None:
    at = summit()
    reply = government(at)
    services.set_requirement(
        at, Category.MEMBER_STATE, DocumentKind.NOTE_VERBALE, required=True, actor=STAFF
    )
    [accreditation] = accreditations(reply)

    accreditation_services.transition(accreditation, AccreditationStatus.APPROVED, actor=STAFF)

    assert queries.missing_kinds(reply) == [DocumentKind.NOTE_VERBALE]


def test_a_document_being_checked_or_refused_does_not_count_as_received() -> None:
    at = summit()
    reply = government(at)
    services.set_requirement(
        at, Category.MEMBER_STATE, DocumentKind.NOMINATION_LETTER, required=True, actor=STAFF
    )
    upload = pdf_upload()
    document = services.upload_document(
        reply,
        DocumentKind.NOMINATION_LETTER,
        upload,
        name="n.pdf",
        size=upload.size or 0,
        by_staff=False,
        actor=STAFF,
    )
    assert document.state == DocumentState.CHECKING
    assert queries.missing_kinds(reply) == [DocumentKind.NOMINATION_LETTER]
    MandateDocument.objects.filter(pk=document.pk).update(state=DocumentState.REFUSED)
    assert queries.missing_kinds(reply) == [DocumentKind.NOMINATION_LETTER]


def test_a_file_that_is_not_a_document_is_refused_and_nothing_kept() -> None:
    reply = government(summit())
    upload = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 an executable", "application/pdf")

    with pytest.raises(DocumentRefused, match="PDF, a JPEG or a PNG"):
        services.upload_document(
            reply,
            DocumentKind.NOMINATION_LETTER,
            upload,
            name="letter.pdf",
            size=upload.size or 0,
            by_staff=True,
            actor=STAFF,
        )
    assert not MandateDocument.objects.exists()


def test_a_file_over_10_mb_is_refused() -> None:
    reply = government(summit())
    upload = pdf_upload()

    with pytest.raises(DocumentRefused, match="10 MB"):
        services.upload_document(
            reply,
            DocumentKind.NOMINATION_LETTER,
            upload,
            name="big.pdf",
            size=11 * 1024 * 1024,
            by_staff=True,
            actor=STAFF,
        )
    assert not MandateDocument.objects.exists()


def test_a_reply_holds_at_most_50_mb_of_documents() -> None:
    reply = government(summit())
    received(reply)
    MandateDocument.objects.update(size=45 * 1024 * 1024)
    upload = pdf_upload()

    with pytest.raises(DocumentRefused, match="50 MB"):
        services.upload_document(
            reply,
            DocumentKind.NOTE_VERBALE,
            upload,
            name="more.pdf",
            size=6 * 1024 * 1024,
            by_staff=True,
            actor=STAFF,
        )
    assert MandateDocument.objects.count() == 1


def test_credentials_are_asked_of_governments_by_default_and_per_meeting_settings() -> None:
    at = summit()
    ruritania = government(at)
    business = submitted_reply(
        OrganisationFactory(name="Acme", category=Category.SECTOR_MEMBER), at, members(1)
    )
    assert queries.credentials_state(ruritania) == CredentialsState.MISSING
    assert queries.credentials_state(business) == CredentialsState.NOT_REQUIRED

    services.set_credentials_policy(at, Category.SECTOR_MEMBER, required=True, actor=STAFF)
    services.set_credentials_policy(at, Category.MEMBER_STATE, required=False, actor=STAFF)

    assert queries.credentials_state(business) == CredentialsState.MISSING
    assert queries.credentials_state(ruritania) == CredentialsState.NOT_REQUIRED
    with pytest.raises(CredentialsError, match="does not ask"):
        services.save_credentials(ruritania, CredentialsData(), actor=STAFF)


def test_recording_and_examining_credentials_is_audited_each() -> None:
    at = summit()
    reply = government(at)
    data = CredentialsData(
        received_on=datetime.date.today(),
        form="original",
        issued_by=IssuedBy.HEAD_OF_STATE,
        scope=PowersScope.FULL_POWERS,
        standing="final",
    )
    credentials = services.save_credentials(reply, data, actor=STAFF)
    assert queries.credentials_state(reply) == CredentialsState.RECEIVED

    examined = CredentialsData(**{**data.__dict__, "examined": Examined.IN_ORDER, "notes": "ok"})
    services.save_credentials(
        reply, examined, actor=STAFF, expected_version=versions.version_of(credentials)
    )

    assert queries.credentials_state(reply) == CredentialsState.IN_ORDER
    actions = list(
        AuditEntry.objects.filter(object_type="credentials.credentials")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["summitdesk.credentials.recorded", "summitdesk.credentials.examined"]


def test_a_stale_version_is_refused_and_nothing_changed() -> None:
    reply = government(summit())
    credentials = services.save_credentials(
        reply, CredentialsData(received_on=datetime.date.today()), actor=STAFF
    )
    stale = versions.version_of(credentials)
    services.save_credentials(
        reply, CredentialsData(received_on=datetime.date.today(), form="copy"), actor=STAFF
    )

    with pytest.raises(versions.Conflict):
        services.save_credentials(
            reply,
            CredentialsData(received_on=datetime.date.today(), examined=Examined.IN_ORDER),
            actor=STAFF,
            expected_version=stale,
        )
    assert Credentials.objects.get().examined == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (CredentialsData(examined=Examined.IN_ORDER), "Record when the credentials were received"),
        (CredentialsData(issued_by=IssuedBy.OTHER), "Name the authority"),
        (CredentialsData(form="forged"), "Choose one of the values"),
        (
            CredentialsData(received_on=datetime.date.today() + datetime.timedelta(days=3)),
            "future",
        ),
    ],
)
def test_wrong_credentials_are_refused_with_a_message(data: CredentialsData, message: str) -> None:
    reply = government(summit())

    with pytest.raises(CredentialsError, match=message):
        services.save_credentials(reply, data, actor=STAFF)
    assert not Credentials.objects.exists()
    assert not AuditEntry.objects.filter(object_type="credentials.credentials").exists()


def test_powers_go_only_to_another_delegation_of_the_same_meeting() -> None:
    at = summit()
    ruritania, freedonia = government(at), government(at, "Freedonia")
    elsewhere = government(summit(code="tunis-2005"), "Elsewhere")

    with pytest.raises(CredentialsError, match="itself"):
        services.save_credentials(ruritania, CredentialsData(proxy_to=ruritania.pk), actor=STAFF)
    with pytest.raises(CredentialsError, match="same meeting"):
        services.save_credentials(ruritania, CredentialsData(proxy_to=elsewhere.pk), actor=STAFF)

    saved = services.save_credentials(
        ruritania, CredentialsData(proxy_to=freedonia.pk), actor=STAFF
    )
    assert saved.proxy_to == freedonia


def test_a_bulk_decision_reports_each_delegation_waiting_for_its_document() -> None:
    at = summit()
    waiting, ready = government(at, "Ruritania"), government(at, "Freedonia")
    services.set_requirement(
        at,
        Category.MEMBER_STATE,
        DocumentKind.NOMINATION_LETTER,
        required=True,
        approval_waits=True,
        actor=STAFF,
    )
    received(ready)
    officer = UserFactory(username="bulk-officer", role=Role.REGISTRATION_OFFICER)

    decision = bulk_decisions.start_bulk_decision(
        at,
        ListFilter(status="pending"),
        AccreditationStatus.APPROVED,
        expected=2,
        actor=Actor.staff(officer),
    )
    run_queued_tasks()

    decision.refresh_from_db()
    [refused] = accreditations(waiting)
    assert decision.moved == 1
    assert list(decision.refused) == [str(refused.pk)]
    assert "missing: nomination letter" in decision.refused[str(refused.pk)]
    assert [a.status for a in accreditations(ready)] == [AccreditationStatus.APPROVED]
