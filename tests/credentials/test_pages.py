import datetime
import io

import pypdf
import pytest
from django.test import Client

from summitdesk.backoffice import urls as backoffice_urls
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry, User
from summitdesk.correspondence.models import Mailing, OutboundMessage
from summitdesk.credentials import services
from summitdesk.credentials.enums import DocumentKind, Examined
from summitdesk.credentials.models import Credentials, MandateDocument
from summitdesk.credentials.services import CredentialsData
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import STAFF
from tests.credentials.builders import government, pdf_upload, received, tiny_pdf
from tests.delegations.builders import invite, summit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_as(role: Role) -> Client:
    client = Client()
    user = User.objects.filter(username=f"staff-{role}").first()
    client.force_login(user or UserFactory(username=f"staff-{role}", role=role))
    return client


@pytest.fixture
def at() -> Meeting:
    return summit()


def test_the_credentials_officer_lands_on_the_register_and_nowhere_else(at: Meeting) -> None:
    reply = government(at)
    officer = client_as(Role.CREDENTIALS_OFFICER)

    landing = officer.get("/")
    assert landing.status_code == 302
    assert landing["Location"] == "/credentials/"
    index = officer.get("/credentials/").content.decode()
    assert f"/meetings/{at.code}/credentials/" in index
    register = officer.get(f"/meetings/{at.code}/credentials/")
    assert "Ruritania" in register.content.decode()
    organisation = reply.organisation
    for refused in (
        "/organisations/",
        "/meetings/",
        f"/meetings/{at.code}/",
        f"/meetings/{at.code}/replies/",
        f"/organisations/{organisation.pk}/replies/{at.code}/",
        "/accreditations/",
        "/mailbox/",
        f"/meetings/{at.code}/credentials/settings/",
    ):
        assert officer.get(refused).status_code == 403, refused


def test_the_officer_records_and_examines_credentials_through_the_page(at: Meeting) -> None:
    reply = government(at)
    freedonia = government(at, "Freedonia")
    officer = client_as(Role.CREDENTIALS_OFFICER)
    url = f"/meetings/{at.code}/credentials/{reply.pk}/edit/"
    assert "Freedonia" in officer.get(url).content.decode()

    response = officer.post(
        url,
        {
            "received_on": datetime.date.today().isoformat(),
            "form": "original",
            "issued_by": "other",
            "issuing_authority": "Permanent Mission",
            "scope": "representation",
            "standing": "provisional",
            "proxy_to": str(freedonia.pk),
            "examined": Examined.PROVISIONAL,
            "notes": "Original to follow.",
            "version": "",
        },
    )

    assert response.status_code == 302
    credentials = Credentials.objects.get(reply=reply)
    assert (credentials.examined, credentials.proxy_to, credentials.issuing_authority) == (
        Examined.PROVISIONAL,
        freedonia,
        "Permanent Mission",
    )
    detail = officer.get(response["Location"]).content.decode()
    assert "Provisional" in detail and "Freedonia" in detail
    assert AuditEntry.objects.filter(action="summitdesk.credentials.examined").count() == 1


def test_a_wrong_entry_shows_why_and_changes_nothing(at: Meeting) -> None:
    reply = government(at)
    officer = client_as(Role.CREDENTIALS_OFFICER)

    response = officer.post(
        f"/meetings/{at.code}/credentials/{reply.pk}/edit/",
        {"examined": Examined.IN_ORDER, "proxy_to": "999999", "version": ""},
    )

    assert response.status_code == 400
    assert not Credentials.objects.exists()


def test_a_viewer_reads_the_register_but_may_not_change_credentials(at: Meeting) -> None:
    reply = government(at)
    viewer = client_as(Role.VIEWER)

    assert viewer.get(f"/meetings/{at.code}/credentials/").status_code == 200
    page = viewer.get(f"/meetings/{at.code}/credentials/{reply.pk}/").content.decode()
    assert "/edit/" not in page
    response = viewer.post(
        f"/meetings/{at.code}/credentials/{reply.pk}/edit/",
        {"received_on": datetime.date.today().isoformat(), "version": ""},
    )
    assert response.status_code == 403
    assert not Credentials.objects.exists()


def test_documents_are_served_only_as_attachments_to_roles_entitled(at: Meeting) -> None:
    document = received(government(at))
    url = f"/mandate-documents/{document.pk}/"

    response = client_as(Role.CREDENTIALS_OFFICER).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in str(response["Content-Security-Policy"])
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    for role in (Role.VIEWER, Role.BADGE_DESK, Role.CHECKIN_DESK, Role.COMMUNICATIONS):
        assert client_as(role).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to sign in
    assert (
        str(document.file.name)
        not in client_as(Role.VIEWER)
        .get(f"/meetings/{at.code}/credentials/{document.reply_id}/")
        .content.decode()
    )


def test_staff_upload_a_document_and_a_bad_file_is_refused(at: Meeting) -> None:
    reply = government(at)
    officer = client_as(Role.REGISTRATION_OFFICER)
    url = f"/meetings/{at.code}/credentials/{reply.pk}/documents/"

    bad = io.BytesIO(b"<html>not a document</html>")
    bad.name = "letter.pdf"
    refused = officer.post(url, {"kind": DocumentKind.NOTE_VERBALE, "file": bad}, follow=True)
    assert "must be a PDF, a JPEG or a PNG" in refused.content.decode()
    assert not MandateDocument.objects.exists()

    good = io.BytesIO(tiny_pdf())
    good.name = "note.pdf"
    kept = officer.post(url, {"kind": DocumentKind.NOTE_VERBALE, "file": good}, follow=True)
    assert "being checked" in kept.content.decode()
    document = MandateDocument.objects.get()
    assert document.uploaded_by_staff
    assert not str(document.file.name).endswith("note.pdf")


def test_the_committee_report_lists_delegations_by_finding(at: Meeting) -> None:
    in_order, missing = government(at, "Ruritania"), government(at, "Freedonia")
    not_in_order = government(at, "Sylvania")
    today = datetime.date.today()
    services.save_credentials(
        in_order, CredentialsData(received_on=today, examined=Examined.IN_ORDER), actor=STAFF
    )
    services.save_credentials(
        not_in_order,
        CredentialsData(received_on=today, examined=Examined.NOT_IN_ORDER, notes="Unsigned"),
        actor=STAFF,
    )
    assert missing.pk
    officer = client_as(Role.CREDENTIALS_OFFICER)

    response = officer.get(f"/meetings/{at.code}/credentials/report.pdf")

    assert response["Content-Disposition"].startswith("attachment")
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    text = " ".join(text.replace("\u2068", "").replace("\u2069", "").split())
    assert "Report of the Credentials Committee" in text
    assert "3 delegations asked for credentials: 1 in order, 0 provisional, 1 missing" in text
    sections = [text.index(word) for word in ("Ruritania", "Freedonia", "Sylvania")]
    assert sections == sorted(sections)
    assert "Unsigned" in text

    csv = officer.get(f"/meetings/{at.code}/credentials/report.csv").content.decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0].startswith("organisation,name,country,credentials_state")
    assert [line.split(",")[3] for line in lines[1:]] == ["in_order", "missing", "not_in_order"]
    xlsx = officer.get(f"/meetings/{at.code}/credentials/report.xlsx")
    assert xlsx.content.startswith(b"PK")


@pytest.mark.parametrize("language", ["fr", "es", "ar", "ru", "zh-hans"])
def test_the_committee_report_renders_in_the_six_languages(at: Meeting, language: str) -> None:
    government(at, "Ruritania")
    officer = client_as(Role.CREDENTIALS_OFFICER)

    response = officer.get(
        f"/meetings/{at.code}/credentials/report.pdf", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 200
    assert pypdf.PdfReader(io.BytesIO(response.content)).pages


def test_the_settings_page_sets_what_each_category_must_send(at: Meeting) -> None:
    officer = client_as(Role.REGISTRATION_OFFICER)
    url = f"/meetings/{at.code}/credentials/settings/"
    assert officer.get(url).status_code == 200

    response = officer.post(
        url,
        {
            "credentials": [Category.MEMBER_STATE, Category.INTERNATIONAL_ORGANISATION],
            f"document-{Category.MEMBER_STATE}-{DocumentKind.NOMINATION_LETTER}": "approval_waits",
            f"document-{Category.CIVIL_SOCIETY}-{DocumentKind.NOTE_VERBALE}": "required",
        },
    )

    assert response.status_code == 302
    requirements = set(at.document_requirements.values_list("category", "kind", "approval_waits"))
    assert requirements == {
        (Category.MEMBER_STATE, DocumentKind.NOMINATION_LETTER, True),
        (Category.CIVIL_SOCIETY, DocumentKind.NOTE_VERBALE, False),
    }
    assert client_as(Role.CREDENTIALS_OFFICER).post(url, {}).status_code == 403


def test_the_tracker_and_the_reply_page_show_credentials_and_missing_documents(
    at: Meeting,
) -> None:
    reply = government(at)
    invite(reply.organisation, at)
    services.set_requirement(
        at, Category.MEMBER_STATE, DocumentKind.NOMINATION_LETTER, required=True, actor=STAFF
    )
    viewer = client_as(Role.VIEWER)

    tracker = viewer.get(f"/meetings/{at.code}/replies/?fresh=1").content.decode()
    assert "Document missing" in tracker
    assert "credentials-missing" in tracker
    page = viewer.get(f"/organisations/{reply.organisation_id}/replies/{at.code}/").content
    assert "Nomination letter" in page.decode()

    received(reply)
    tracker = viewer.get(f"/meetings/{at.code}/replies/?fresh=1").content.decode()
    assert "Document missing" not in tracker


def test_reminders_go_to_the_delegations_missing_a_document(at: Meeting) -> None:
    lacking, complete = government(at, "Ruritania"), government(at, "Freedonia")
    invitation = invite(lacking.organisation, at)
    invite(complete.organisation, at)
    invitation.circular.status = "dispatched"
    invitation.circular.save()
    services.set_requirement(
        at, Category.MEMBER_STATE, DocumentKind.NOMINATION_LETTER, required=True, actor=STAFF
    )
    received(complete)
    officer = client_as(Role.REGISTRATION_OFFICER)
    url = f"/circulars/{invitation.circular_id}/remind-documents/"

    page = officer.get(url).content.decode()
    assert "Ruritania" in page and "Freedonia" not in page
    response = officer.post(url)

    assert response.status_code == 302
    mailing = Mailing.objects.get()
    assert mailing.target == "document_missing"
    assert list(OutboundMessage.objects.values_list("organisation_id", flat=True)) == [
        lacking.organisation_id
    ]


def test_pdf_upload_helper_is_a_pdf() -> None:
    assert pdf_upload().read().startswith(b"%PDF-")


#: The back-office pages this module tests role by role (tests/backoffice/test_directory_pages
#: checks that every back-office page is in some module's URL_NAMES).
URL_NAMES = {
    "credentials-detail",
    "credentials-edit",
    "credentials-export-csv",
    "credentials-export-xlsx",
    "credentials-index",
    "credentials-register",
    "credentials-report-pdf",
    "credentials-settings",
    "mandate-document",
    "mandate-document-remove",
    "mandate-document-upload",
}


def test_url_names_are_this_modules_pages() -> None:
    names = {
        pattern.name
        for pattern in backoffice_urls.urlpatterns
        if str(pattern.name).startswith(("credentials-", "mandate-document"))
    }
    assert names == URL_NAMES
