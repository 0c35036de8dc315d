"""The public application pages: applying (with documents), the window and who may apply,
bad files, the limits per address and per email, the "lost your link?" form that answers
the same for every address, and the applicant's pages through their link."""

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from summitdesk.admission import applicant_links, applying
from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import AdmissionPolicy, Application, ApplicationDocument
from summitdesk.correspondence.enums import MessageKind
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.directory.enums import Category
from summitdesk.public import applying_views
from tests.applying.builders import application, drained, form_data, pdf_bytes, png_bytes, policy
from tests.factories import MeetingFactory, OrganisationFactory
from tests.tasks import drop_queued_emails

pytestmark = pytest.mark.django_db

APPLY = "/processes/wsis/apply/"


def posted(**changes: Any) -> dict[str, Any]:
    return {key: value for key, value in form_data(**changes).items()}


def files(made_policy: Any) -> dict[str, SimpleUploadedFile]:
    statutes, report, _board = made_policy.required_documents.all()
    return {
        f"document_{statutes.pk}": SimpleUploadedFile(
            "statuts.pdf", pdf_bytes(), "application/pdf"
        ),
        f"document_{report.pk}": SimpleUploadedFile("rapport.png", png_bytes(), "image/png"),
    }


def test_the_page_is_in_the_language_chosen_and_offers_the_six() -> None:
    policy()
    response = Client().get(APPLY + "?lang=fr")

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    page = response.content.decode()
    assert '<html lang="fr"' in page
    for code in ("ar", "zh-hans", "en", "fr", "ru", "es"):
        assert f'hreflang="{code}"' in page
    assert "Statutes, constitution or by-laws" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_applying_with_two_documents_records_an_unconfirmed_application() -> None:
    made = policy()

    response = Client().post(APPLY + "?lang=fr", {**posted(), **files(made)})

    assert response.status_code == 302
    assert response["Location"] == "/processes/wsis/apply/sent/"
    application_made = Application.objects.get()
    assert application_made.status == ApplicationStatus.UNCONFIRMED
    assert application_made.documents.count() == 2
    assert OutboundMessage.objects.get().kind == MessageKind.APPLICATION_CONFIRMATION
    sent = Client().get(response["Location"]).content.decode()
    assert "awa@riscn" not in sent  # the page names nobody


def test_the_categories_offered_are_those_that_may_apply_and_others_are_refused() -> None:
    policy()
    page = Client().get(APPLY).content.decode()
    assert 'value="civil_society"' in page
    assert 'value="business_entity"' not in page

    response = Client().post(APPLY, posted(category=Category.BUSINESS_ENTITY))

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("opens", "closes", "said"), [(3, 30, "not open yet"), (-30, -2, "closed")]
)
def test_outside_the_window_the_page_says_so_and_takes_nothing(
    opens: int, closes: int, said: str
) -> None:
    policy(opens_in_days=opens, closes_in_days=closes)

    assert said in Client().get(APPLY).content.decode()
    response = Client().post(APPLY, posted())
    assert said in response.content.decode()
    assert not Application.objects.exists()


def test_a_process_without_a_policy_has_no_application_page() -> None:
    policy()
    assert Client().get("/processes/other/apply/").status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 an executable", "statuts.pdf", "must be a PDF, a JPEG or a PNG"),
        (b"", "empty.pdf", "The submitted file is empty"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_recorded(
    content: bytes, name: str, message: str
) -> None:
    made = policy()
    statutes = made.required_documents.first()
    assert statutes is not None
    upload = SimpleUploadedFile(name, content, "application/pdf")

    response = Client().post(APPLY, {**posted(), f"document_{statutes.pk}": upload})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()


def test_a_file_over_ten_megabytes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    made = policy()
    statutes = made.required_documents.first()
    assert statutes is not None
    monkeypatch.setattr("summitdesk.lib.uploads.MAX_DOCUMENT_BYTES", 1000)
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" * 2000, "application/pdf")

    response = Client().post(APPLY, {**posted(), f"document_{statutes.pk}": big})

    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert not Application.objects.exists()


def test_documents_over_fifty_megabytes_in_all_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    made = policy()
    monkeypatch.setattr("summitdesk.lib.uploads.MAX_TOTAL_BYTES", len(pdf_bytes()) + 10)

    response = Client().post(APPLY, {**posted(), **files(made)})

    assert response.status_code == 400
    assert "50 MB in all" in response.content.decode()
    assert not Application.objects.exists()


def test_a_body_announcing_more_than_fifty_megabytes_is_not_read() -> None:
    policy()
    response = Client().post(APPLY, posted(), CONTENT_LENGTH=str(60 * 1024 * 1024))
    assert response.status_code == 400
    assert "50 MB in all" in response.content.decode()
    assert not Application.objects.exists()


def test_the_form_is_limited_per_email_address() -> None:
    policy()
    for attempt in range(applying_views.POSTS_PER_EMAIL):
        client = Client(REMOTE_ADDR=f"10.0.0.{attempt + 1}")
        assert client.post(APPLY, posted()).status_code == 302
    response = Client(REMOTE_ADDR="10.0.0.99").post(APPLY, posted())
    assert response.status_code == 429
    assert Application.objects.count() == applying_views.POSTS_PER_EMAIL


def test_the_form_is_limited_per_address() -> None:
    policy()
    client = Client(REMOTE_ADDR="10.0.1.1")
    for attempt in range(applying_views.POSTS_PER_ADDRESS):
        email = f"person{attempt}@riscn.example.org"
        assert client.post(APPLY, posted(contact_email=email)).status_code == 302
    response = client.post(APPLY, posted(contact_email="one-more@riscn.example.org"))
    assert response.status_code == 429
    assert response["Retry-After"]


def test_the_pages_are_limited_per_address() -> None:
    policy()
    client = Client(REMOTE_ADDR="10.0.2.1")
    for _attempt in range(applying_views.PAGE_LIMIT):
        client.get(APPLY)
    assert client.get(APPLY).status_code == 429


def test_lost_link_answers_the_same_for_any_address() -> None:
    made = application(policy())
    applying.confirm_email(made)
    drop_queued_emails()

    known = Client().post("/application/lost-link/", {"email": "awa@riscn.example.org"})
    unknown = Client().post("/application/lost-link/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert list(OutboundMessage.objects.values_list("kind", "about_id")) == [
        (MessageKind.APPLICANT_LINK, made.pk)
    ]


# The applicant's pages


@pytest.fixture
def held() -> tuple[Application, str]:
    made = application(policy())
    _link, token = applicant_links.issue(made, actor=applying.SYSTEM)
    return made, token


def page_of(token: str) -> str:
    return f"/application/{token}/"


def test_the_link_opens_the_application_and_confirms_only_on_the_button(
    held: tuple[Application, str],
) -> None:
    made, token = held
    client = Client()

    page = client.get(page_of(token))
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    assert "Confirm my email address" in page.content.decode()
    made.refresh_from_db()
    assert made.status == ApplicationStatus.UNCONFIRMED  # a GET changes nothing

    response = client.post(page_of(token) + "confirm/")
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == ApplicationStatus.RECEIVED
    assert "secretariat has received" in client.get(page_of(token)).content.decode()


def test_the_applicant_adds_downloads_and_removes_a_document(
    held: tuple[Application, str],
) -> None:
    made, token = held
    board = made.process.admission_policy.required_documents.last()
    assert board is not None
    client = Client()

    response = client.post(
        page_of(token) + "documents/",
        {
            "requirement": board.pk,
            "file": SimpleUploadedFile("board.png", png_bytes(), "image/png"),
        },
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get()
    download = client.get(page_of(token) + f"documents/{document.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "image/png"
    assert drained(download) == png_bytes()

    assert client.post(page_of(token) + f"documents/{document.pk}/remove/").status_code == 302
    assert not ApplicationDocument.objects.exists()


def test_a_bad_file_through_the_link_is_refused(held: tuple[Application, str]) -> None:
    _made, token = held
    response = Client().post(
        page_of(token) + "documents/",
        {"requirement": "", "file": SimpleUploadedFile("x.png", b"GIF89a....", "image/png")},
    )
    assert response.status_code == 400
    assert "must be a PDF, a JPEG or a PNG" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_the_applicant_corrects_while_open_and_not_once_under_review(
    held: tuple[Application, str],
) -> None:
    made, token = held
    data = {
        key: value for key, value in posted(acronym="RISC-CI").items() if key != "contact_email"
    }

    assert Client().post(page_of(token) + "edit/", data).status_code == 302
    made.refresh_from_db()
    assert made.acronym == "RISC-CI"

    Application.objects.filter(pk=made.pk).update(status=ApplicationStatus.UNDER_REVIEW)
    response = Client().post(page_of(token) + "edit/", {**data, "acronym": "X"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.acronym == "RISC-CI"


def test_the_applicant_answers_incomplete(held: tuple[Application, str]) -> None:
    made, token = held
    Application.objects.filter(pk=made.pk).update(
        status=ApplicationStatus.INCOMPLETE, missing="Le rapport annuel 2024."
    )
    page = Client().get(page_of(token)).content.decode()
    assert "Le rapport annuel 2024." in page

    assert Client().post(page_of(token) + "resubmit/").status_code == 302
    made.refresh_from_db()
    assert made.status == ApplicationStatus.UNDER_REVIEW


def test_the_applicant_never_learns_of_directory_matches(held: tuple[Application, str]) -> None:
    OrganisationFactory(name=held[0].name)
    page = Client().get(page_of(held[1])).content.decode()
    assert "directory" not in page.lower()
    assert "duplicate" not in page.lower()


def test_reverse_names_exist() -> None:
    assert reverse("apply:apply", args=["wsis"]) == APPLY


def test_the_meetings_information_pack_leads_to_the_application_page_while_open() -> None:
    made = policy()
    meeting = MeetingFactory(process=made.process, code="prepcom-1")

    page = Client().get(f"/meetings/{meeting.code}/information-pack/").content.decode()
    assert 'href="/processes/wsis/apply/"' in page

    AdmissionPolicy.objects.filter(pk=made.pk).update(closes_at=timezone.now())
    page = Client().get(f"/meetings/{meeting.code}/information-pack/").content.decode()
    assert "/processes/wsis/apply/" not in page


def test_the_form_refuses_a_post_without_its_csrf_token_and_records_nothing() -> None:
    made = policy()
    strict = Client(enforce_csrf_checks=True)

    refused = strict.post(APPLY, {**posted(), **files(made)})

    assert refused.status_code == 403
    assert not Application.objects.exists()
    page = strict.get(APPLY)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    accepted = strict.post(
        APPLY, {**posted(), **files(made), "csrfmiddlewaretoken": token.group(1)}
    )
    assert accepted.status_code == 302
    assert Application.objects.count() == 1


def test_an_upload_through_the_link_needs_its_csrf_token(held: tuple[Application, str]) -> None:
    _made, token = held
    strict = Client(enforce_csrf_checks=True)

    refused = strict.post(
        page_of(token) + "documents/",
        {"requirement": "", "file": SimpleUploadedFile("a.png", png_bytes(), "image/png")},
    )

    assert refused.status_code == 403
    assert not ApplicationDocument.objects.exists()
