"""What an applicant's link opens, and nothing more: applicant B replays applicant A's
document ids through B's own link on every route; unknown, revoked and expired links look
alike; documents have no address without the link; look-ups are rate limited."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from summitdesk.admission import applicant_links, applying
from summitdesk.admission.models import ApplicantLink, Application, ApplicationDocument
from tests.applying.builders import application, drained, png_bytes, policy

pytestmark = pytest.mark.django_db


def holder(made: Application) -> str:
    _link, token = applicant_links.issue(made, actor=applying.SYSTEM)
    return token


@pytest.fixture
def two() -> tuple[Application, str, ApplicationDocument, Application, str]:
    made_policy = policy()
    first = application(made_policy)
    second = application(made_policy, name="Another network", contact_email="b@other.example.org")
    document = applying.add_document(
        first,
        io.BytesIO(png_bytes()),
        name="statuts.png",
        size=len(png_bytes()),
        requirement_id=None,
        actor=applying.SYSTEM,
    )
    return first, holder(first), document, second, holder(second)


def test_another_applicants_document_ids_answer_404_on_every_route(
    two: tuple[Application, str, ApplicationDocument, Application, str],
) -> None:
    _first, first_token, document, _second, second_token = two
    client = Client()
    # In the application's language (French), as B's link answers.
    not_valid = client.get(f"/application/{'x' * 32}/?lang=fr").content

    download = client.get(f"/application/{second_token}/documents/{document.pk}/")
    removal = client.post(f"/application/{second_token}/documents/{document.pk}/remove/")

    assert download.status_code == removal.status_code == 404
    assert download.content == not_valid
    assert ApplicationDocument.objects.filter(pk=document.pk).exists()
    own = client.get(f"/application/{first_token}/documents/{document.pk}/")
    assert own.status_code == 200
    assert drained(own) == png_bytes()


def test_another_applicants_page_shows_nothing_of_the_first(
    two: tuple[Application, str, ApplicationDocument, Application, str],
) -> None:
    first, _first_token, _document, _second, second_token = two
    page = Client().get(f"/application/{second_token}/").content.decode()
    assert first.name not in page
    assert "statuts.png" not in page


def test_a_checklist_line_posted_with_another_process_is_refused(
    two: tuple[Application, str, ApplicationDocument, Application, str],
) -> None:
    _first, first_token, _document, _second, _second_token = two
    response = Client().post(
        f"/application/{first_token}/documents/",
        {"requirement": "999999", "file": SimpleUploadedFile("a.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 400
    assert ApplicationDocument.objects.count() == 1


def test_unknown_revoked_and_expired_links_answer_alike(
    two: tuple[Application, str, ApplicationDocument, Application, str],
) -> None:
    first, first_token, document, second, second_token = two
    newer = holder(first)  # revokes first_token
    ApplicantLink.objects.filter(application=second).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    client = Client()

    answers = [
        client.get(f"/application/{token}/")
        for token in ("unknown-token-" + "a" * 20, first_token, second_token)
    ]

    assert {answer.status_code for answer in answers} == {404}
    assert len({answer.content for answer in answers}) == 1
    assert client.get(f"/application/{first_token}/documents/{document.pk}/").status_code == 404
    assert client.get(f"/application/{newer}/").status_code == 200


def test_documents_have_no_address_without_the_link(
    two: tuple[Application, str, ApplicationDocument, Application, str],
) -> None:
    _first, _token, document, _second, _second_token = two
    stored = str(document.file.name)
    client = Client()
    for path in (f"/{stored}", f"/media/{stored}", f"/files/{stored}"):
        assert client.get(path).status_code == 404
    assert stored.startswith("documents/")
    assert "statuts" not in stored  # stored under a name nobody can guess


def test_guessing_links_is_slowed_down() -> None:
    client = Client(REMOTE_ADDR="10.9.9.9")
    answers = [
        client.get(f"/application/guess-{number:04d}-{'b' * 24}/").status_code
        for number in range(settings.SUMMITDESK_PORTAL_FAILED_LINKS + 2)
    ]
    assert answers[0] == 404
    assert answers[-1] == 429
