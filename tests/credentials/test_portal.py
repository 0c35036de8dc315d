"""The focal point's mandate documents through the reply link: upload, see, download and
remove their own reply's documents; another reply's document ids answer 404; a document
is never served outside its link or the staff roles entitled to it."""

import io

import pytest
from django.test import Client

from summitdesk.credentials import services
from summitdesk.credentials.enums import DocumentKind
from summitdesk.credentials.models import MandateDocument
from summitdesk.directory.enums import Category
from tests.accreditation.builders import STAFF
from tests.credentials.builders import received, tiny_pdf
from tests.delegations.builders import summit
from tests.portal.conftest import Invited, invited

pytestmark = pytest.mark.django_db


def _file(content: bytes, name: str = "letter.pdf") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture
def governments() -> tuple[Invited, Invited]:
    """Two governments invited to a meeting that asks them for a nomination letter."""
    meeting = summit()
    acme = invited(meeting, "Acme Telecom", ceo=("Amina", "Acmeceo"))
    borealis = invited(meeting, "Borealis Networks", ceo=("Bjorn", "Borealceo"))
    for each in (acme, borealis):
        each.organisation.category = Category.MEMBER_STATE
        each.organisation.save()
    services.set_requirement(
        meeting, Category.MEMBER_STATE, DocumentKind.NOMINATION_LETTER, required=True, actor=STAFF
    )
    return acme, borealis


def test_the_reply_page_says_what_is_missing_and_leads_to_the_documents(
    governments: tuple[Invited, Invited],
) -> None:
    acme, _borealis = governments

    page = Client().get(acme.url).content.decode()

    assert "Mandate documents and credentials" in page
    assert "Still missing: Nomination letter" in page
    assert 'Credentials: <strong class="credentials-missing">Missing' in page
    assert f"{acme.url}documents/" in page


def test_the_focal_point_uploads_sees_downloads_and_removes_a_document(
    governments: tuple[Invited, Invited],
) -> None:
    acme, _borealis = governments
    client = Client()

    response = client.post(
        f"{acme.url}documents/",
        {"kind": DocumentKind.NOMINATION_LETTER, "file": _file(tiny_pdf())},
    )

    assert response.status_code == 302
    document = MandateDocument.objects.get()
    assert (document.reply, document.uploaded_by_staff) == (acme.reply, False)
    page = client.get(f"{acme.url}documents/").content.decode()
    assert "Being checked" in page and "letter.pdf" in page
    download = client.get(f"{acme.url}documents/{document.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]

    assert client.post(f"{acme.url}documents/{document.pk}/remove/").status_code == 302
    assert not MandateDocument.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not accepted", "must be a PDF, a JPEG or a PNG"),
        (b"", "Choose a file"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_kept(
    governments: tuple[Invited, Invited], content: bytes, message: str
) -> None:
    acme, _borealis = governments

    response = Client().post(
        f"{acme.url}documents/",
        {"kind": DocumentKind.NOMINATION_LETTER, "file": _file(content)},
    )

    assert response.status_code == 400
    assert not MandateDocument.objects.exists()
    assert message in response.content.decode() or "The submitted file is empty" in (
        response.content.decode()
    )


def test_a_file_over_10_mb_is_refused(
    governments: tuple[Invited, Invited], settings: object
) -> None:
    acme, _borealis = governments
    big = tiny_pdf() + b"%" * (10 * 1024 * 1024)

    response = Client().post(
        f"{acme.url}documents/", {"kind": DocumentKind.NOTE_VERBALE, "file": _file(big)}
    )

    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert not MandateDocument.objects.exists()


def test_another_replys_document_ids_answer_404_on_every_route(
    governments: tuple[Invited, Invited],
) -> None:
    acme, borealis = governments
    document = received(acme.reply)
    b = Client()

    assert b.get(f"{borealis.url}documents/{document.pk}/").status_code == 404
    assert b.post(f"{borealis.url}documents/{document.pk}/remove/").status_code == 404
    page = b.get(f"{borealis.url}documents/").content.decode()
    assert document.original_name not in page
    assert "No document sent yet." in page
    assert MandateDocument.objects.filter(pk=document.pk).exists()


def test_documents_are_never_public(governments: tuple[Invited, Invited]) -> None:
    acme, _borealis = governments
    document = received(acme.reply)
    stranger = Client()

    assert stranger.get(f"/reply/{'x' * 32}/documents/{document.pk}/").status_code == 404
    assert stranger.get(f"/mandate-documents/{document.pk}/").status_code == 302  # sign in
    assert stranger.get(document.file.url).status_code == 404
