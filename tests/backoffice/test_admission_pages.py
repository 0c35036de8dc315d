"""The staff's admission pages: the queue, an application, decisions, the admitted
organisations, documents (downloads for entitled roles only) and the decision lists."""

import datetime
import io
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader
from pytest_django import Settings

from summitdesk.admission import review
from summitdesk.admission.enums import AdmissionStatus, ApplicationStatus
from summitdesk.admission.models import Admission, Application
from summitdesk.backoffice import urls as backoffice_urls
from summitdesk.core.documents import DocumentState
from summitdesk.core.enums import Role
from summitdesk.core.permissions import GRANTS
from summitdesk.core.permissions import Permission as P
from summitdesk.meetings.models import Meeting
from tests.admission.builders import PDF, STAFF, application, document, prepcom
from tests.applying.builders import drained
from tests.factories import UserFactory

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


def signed_in(role: Role) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


@pytest.fixture
def officer() -> Client:
    return signed_in(Role.REGISTRATION_OFFICER)


@pytest.fixture
def meeting() -> Meeting:
    return prepcom()


def test_the_queue_counts_filters_and_hides_unconfirmed(officer: Client, meeting: Meeting) -> None:
    process = meeting.process
    application(process, status=S.RECEIVED, name="Alpha Network")
    application(process, status=S.RECOMMENDED, name="Beta Foundation")
    application(process, status=S.UNCONFIRMED, name="Ghost Unconfirmed")

    page = officer.get(f"/admission/{process.code}/applications/").content.decode()
    recommended = officer.get(
        f"/admission/{process.code}/applications/?status=recommended&sort=-name&per_page=oops"
    ).content.decode()

    assert "Alpha Network" in page and "Beta Foundation" in page
    assert "Ghost Unconfirmed" not in page
    assert "Recommended: 1" in page and "Received: 1" in page
    assert "Beta Foundation" in recommended and "Alpha Network" not in recommended


def test_an_unconfirmed_or_unknown_application_is_not_found(
    officer: Client, meeting: Meeting
) -> None:
    hidden = application(meeting.process, status=S.UNCONFIRMED)

    assert officer.get(f"/admission/applications/{hidden.pk}/").status_code == 404
    assert officer.get("/admission/applications/99999999999999999999/").status_code == 404
    assert officer.get("/admission/nowhere/applications/").status_code == 404


def test_the_officer_asks_for_a_missing_document(officer: Client, meeting: Meeting) -> None:
    applied = application(meeting.process)
    url = f"/admission/applications/{applied.pk}/"

    refused = officer.post(f"{url}review/", {"to": S.INCOMPLETE, "missing": ""}, follow=True)
    assert "Say what is missing" in refused.content.decode()
    officer.post(f"{url}review/", {"to": S.INCOMPLETE, "missing": "Signed statutes"})

    applied.refresh_from_db()
    assert (applied.status, applied.missing) == (S.INCOMPLETE, "Signed statutes")


def test_the_decision_form_admits_and_a_second_is_refused(
    officer: Client, meeting: Meeting
) -> None:
    applied = application(meeting.process, status=S.RECOMMENDED)
    url = f"/admission/applications/{applied.pk}/decide/"

    officer.post(url, {"meeting": meeting.pk, "decision": "admit"})
    again = officer.post(
        url, {"meeting": meeting.pk, "decision": "not_admit", "reasons": "x"}, follow=True
    )

    applied.refresh_from_db()
    assert applied.status == S.ADMITTED
    assert "already been decided" in again.content.decode()
    assert Admission.objects.filter(application=applied).exists()


def test_a_forged_meeting_id_is_refused(officer: Client, meeting: Meeting) -> None:
    applied = application(meeting.process, status=S.RECOMMENDED)

    response = officer.post(
        f"/admission/applications/{applied.pk}/decide/",
        {"meeting": "999999999", "decision": "admit"},
        follow=True,
    )

    assert "Choose a meeting of this process" in response.content.decode()
    applied.refresh_from_db()
    assert applied.status == S.RECOMMENDED


def test_the_bulk_decision_page_names_every_problem(officer: Client, meeting: Meeting) -> None:
    first = application(meeting.process, status=S.RECOMMENDED)
    second = application(meeting.process, status=S.RECOMMENDED)
    url = f"/admission/{meeting.process.code}/decide/"

    refused = officer.post(
        url,
        {
            "meeting": meeting.pk,
            "admit": f"{first.reference} NOPE-1",
            "not_admit": second.reference,
        },
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "NOPE-1" in text and "reasons" in text
    assert not Admission.objects.exists()

    done = officer.post(
        url, {"meeting": meeting.pk, "admit": f"{first.reference}, {second.reference}"}
    )
    assert done.status_code == 302
    assert Admission.objects.count() == 2


def test_suspending_asks_for_a_reason_then_confirmation_and_counts_accreditations(
    officer: Client, meeting: Meeting
) -> None:
    applied = application(meeting.process, status=S.RECOMMENDED)
    review.decide(applied, meeting=meeting, admit=True, actor=STAFF)
    admission = Admission.objects.get()
    url = f"/admission/admitted/{admission.pk}/standing/"

    no_reason = officer.post(url, {"action": "suspend", "reason": ""}, follow=True)
    assert "Give the reason" in no_reason.content.decode()
    asked = officer.post(url, {"action": "suspend", "reason": "Misrepresentation"})
    assert "0 approved accreditations stay" in asked.content.decode()
    officer.post(url, {"action": "suspend", "reason": "Misrepresentation", "confirmed": "yes"})

    admission.refresh_from_db()
    assert admission.status == AdmissionStatus.SUSPENDED
    listed = officer.get(f"/admission/{meeting.process.code}/admitted/").content.decode()
    assert "Misrepresentation" in listed and "Reinstate" in listed


def test_a_viewer_reads_but_cannot_act_or_download(meeting: Meeting) -> None:
    viewer = signed_in(Role.VIEWER)
    applied = application(meeting.process, status=S.RECOMMENDED)
    stored = document(applied)

    detail = viewer.get(f"/admission/applications/{applied.pk}/")
    assert detail.status_code == 200
    assert "Record the decision" not in detail.content.decode()
    assert f"/documents/{stored.pk}/" not in detail.content.decode()
    assert (
        viewer.post(
            f"/admission/applications/{applied.pk}/decide/",
            {"meeting": meeting.pk, "decision": "admit"},
        ).status_code
        == 403
    )
    assert (
        viewer.get(f"/admission/applications/{applied.pk}/documents/{stored.pk}/").status_code
        == 403
    )
    applied.refresh_from_db()
    assert applied.status == S.RECOMMENDED


def test_documents_download_only_to_entitled_staff_and_never_publicly(
    officer: Client, meeting: Meeting
) -> None:
    applied = application(meeting.process)
    stored = document(applied)
    checking = document(applied, state=DocumentState.CHECKING)
    other = document(application(meeting.process))
    url = f"/admission/applications/{applied.pk}/documents/"

    download = officer.get(f"{url}{stored.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert officer.get(f"{url}{checking.pk}/").status_code == 404
    assert officer.get(f"{url}{other.pk}/").status_code == 404  # another application's
    stranger = Client().get(f"{url}{stored.pk}/")
    assert stranger.status_code == 302 and "/sign-in/" in stranger["Location"]
    for role in (Role.BADGE_DESK, Role.CHECKIN_DESK, Role.COMMUNICATIONS, Role.VIEWER):
        assert signed_in(role).get(f"{url}{stored.pk}/").status_code == 403


def test_the_decision_lists_print_in_pdf(officer: Client, meeting: Meeting) -> None:
    application(meeting.process, status=S.RECOMMENDED, name="Réseau Kenyan des écoles")
    admitted = application(meeting.process, status=S.RECOMMENDED, name="Admitted Alliance")
    review.decide(admitted, meeting=meeting, admit=True, actor=STAFF)

    recommended = officer.get(f"/admission/{meeting.process.code}/recommended.pdf")
    listed = officer.get(f"/admission/{meeting.process.code}/admitted.pdf")

    text = PdfReader(io.BytesIO(recommended.content)).pages[0].extract_text()
    assert "Réseau Kenyan des écoles" in text and "Admitted Alliance" not in text
    text = PdfReader(io.BytesIO(listed.content)).pages[0].extract_text()
    assert "Admitted Alliance" in text
    assert officer.get(f"/admission/{meeting.process.code}/other.pdf").status_code == 404


def test_the_exports_of_the_lists(officer: Client, meeting: Meeting) -> None:
    application(meeting.process, status=S.RECOMMENDED, name="Export Me")
    application(meeting.process, status=S.RECEIVED, name="Not Yet")

    response = officer.post(
        f"/exports/admission-recommended/?process={meeting.process.code}", {"format": "csv"}
    )
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Export Me" in body and "Not Yet" not in body and "wanjiru" not in body
    refused = officer.post("/exports/admission-admitted/?process=nope", {"format": "csv"})
    assert refused.status_code == 400


def test_the_queue_keeps_its_query_count_with_many_applications(
    officer: Client, meeting: Meeting, django_assert_max_num_queries: object
) -> None:
    Application.objects.bulk_create(
        [
            Application(
                process=meeting.process,
                reference=f"BULK-{number}",
                status=S.RECEIVED,
                name=f"Bulk {number}",
                category="civil_society",
                stakeholder_group="civil_society",
                country="KE",
                purpose="x",
                contact_family_name="x",
                contact_email="x@example.org",
                email_confirmed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            )
            for number in range(120)
        ]
    )

    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = officer.get(f"/admission/{meeting.process.code}/applications/?page=3")

    assert response.status_code == 200


def test_the_admission_overview_counts_each_process(meeting: Meeting) -> None:
    application(meeting.process, status=S.RECOMMENDED)
    application(meeting.process, status=S.RECOMMENDED)
    application(meeting.process, status=S.UNCONFIRMED)

    page = signed_in(Role.VIEWER).get("/admission/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "<td>2</td>" in text and "Record a decision" not in text
    assert signed_in(Role.BADGE_DESK).get("/admission/").status_code == 403


def test_the_recommended_list_names_the_meeting_that_decides(
    officer: Client, meeting: Meeting
) -> None:
    application(meeting.process, status=S.RECOMMENDED, name="Listed Network")
    page = officer.get(f"/admission/{meeting.process.code}/decide/").content.decode()
    url = f"/admission/{meeting.process.code}/recommended.pdf?meeting={meeting.code}"
    assert url in page

    pdf = officer.get(url)
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "For the decision of" in text and meeting.title in text and "Listed Network" in text
    forged = officer.get(f"/admission/{meeting.process.code}/recommended.pdf?meeting=<x>")
    assert (
        "For the decision of" not in PdfReader(io.BytesIO(forged.content)).pages[0].extract_text()
    )


#: The back-office pages this module tests role by role (tests/backoffice/test_directory_pages
#: checks that every back-office page is in some module's URL_NAMES).
URL_NAMES = {
    "admission-index",
    "application-list",
    "admission-decide",
    "admitted-list",
    "admission-decision-list",
    "application-detail",
    "application-review",
    "application-entry",
    "application-decide",
    "application-document",
    "admission-standing",
}


def test_url_names_are_this_modules_pages() -> None:
    assert {
        pattern.name
        for pattern in backoffice_urls.urlpatterns
        if str(pattern.name).startswith(("admission-", "admitted-", "application-"))
        and not str(pattern.name).startswith("admission-policy")
    } == URL_NAMES


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_the_admission_pages_as_the_permission_table_says(
    role: Role, meeting: Meeting
) -> None:
    applied = application(meeting.process, status=S.RECOMMENDED)
    stored = document(applied)
    admitted = application(meeting.process, status=S.RECOMMENDED)
    review.decide(admitted, meeting=meeting, admit=True, actor=STAFF)
    standing = Admission.objects.get()
    code, detail = meeting.process.code, f"/admission/applications/{applied.pk}"
    pages = {
        "/admission/": {P.APPLICATIONS_READ},
        f"/admission/{code}/applications/": {P.APPLICATIONS_READ},
        f"/admission/{code}/decide/": {P.APPLICATIONS_REVIEW},
        f"/admission/{code}/admitted/": {P.APPLICATIONS_READ},
        f"/admission/{code}/admitted.pdf": {P.APPLICATIONS_READ},
        f"{detail}/": {P.APPLICATIONS_READ},
        f"{detail}/review/": {P.APPLICATIONS_REVIEW},
        f"{detail}/entry/": {P.APPLICATIONS_REVIEW},
        f"{detail}/decide/": {P.APPLICATIONS_REVIEW},
        f"{detail}/documents/{stored.pk}/": {P.APPLICATIONS_READ, P.APPLICATION_DOCUMENTS_READ},
        f"/admission/admitted/{standing.pk}/standing/": {P.APPLICATIONS_REVIEW},
    }
    actions = {
        f"{detail}/review/",
        f"{detail}/entry/",
        f"{detail}/decide/",
        f"/admission/admitted/{standing.pk}/standing/",
    }
    client = signed_in(role)
    for url, needed in pages.items():
        # An action is asked with an empty form: refused, or answered with what is missing.
        response = client.post(url, {}) if url in actions else client.get(url)
        status = response.status_code
        if getattr(response, "streaming", False):
            drained(response)  # a download's file is closed
        if needed <= GRANTS[role]:
            assert status in (200, 302, 400), (url, role, status)
        else:
            assert status == 403, (url, role, status)
