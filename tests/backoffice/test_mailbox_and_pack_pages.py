"""The local mailbox pages, and a meeting's information pack: staff pages and public page."""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test import Client
from pytest_django import Settings

from summitdesk.backoffice import circular_forms, urls
from summitdesk.core import ratelimit
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry, User
from summitdesk.correspondence.mailbox import MailboxBackend
from summitdesk.correspondence.models import MailboxMessage
from summitdesk.meetings import packs
from summitdesk.meetings.models import Meeting, PackItem
from summitdesk.public import views as pack_views
from tests.confirm import CONFIRMED, confirmation
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n% a tiny stand-in for a letter\n%%EOF\n"

#: Every back-office URL name these tests cover, for the project-wide coverage check.
URL_NAMES = {
    "mailbox-list",
    "mailbox-message",
    "mailbox-message-withheld",
    "mailbox-letter-withheld",
    "mailbox-attachment",
    "pack-manage",
    "pack-add",
    "pack-remove",
}


def messages_of(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    """Uploaded documents go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


def test_every_mailbox_and_pack_url_is_covered_by_a_permission_test() -> None:
    names = {
        str(pattern.name)
        for pattern in urls.urlpatterns
        if str(pattern.name).startswith(("mailbox-", "pack-"))
    }

    assert names == URL_NAMES


# Mailbox


@pytest.fixture
def kept() -> MailboxMessage:
    email = EmailMultiAlternatives(
        subject="World Summit on the Information Society (WSIS)",
        body="Dear Sir/Madam,\n\nThe first phase of the World Summit…\n",
        from_email="no-reply@summitdesk.example.org",
        to=["ceo@acme.example.org"],
        cc=["focal@acme.example.org"],
    )
    email.attach_alternative("<p>Dear Sir/Madam,</p>", "text/html")
    email.attach("DM-1048-ACME.pdf", PDF_BYTES, "application/pdf")
    email.attach("notes.html", b"<script>alert(1)</script>", "text/html")
    assert MailboxBackend().send_messages([email]) == 1
    return MailboxMessage.objects.get()


#: Stored mail may carry live personal links: officers and administrators only.
LIVE_MAILBOX_PAGES = [
    "/mailbox/{pk}/",
    "/mailbox/{pk}/attachments/0/",
]
MAILBOX_PAGES = ["/mailbox/", "/mailbox/{pk}/withheld/", *LIVE_MAILBOX_PAGES]


@pytest.mark.parametrize("url", MAILBOX_PAGES)
def test_mailbox_pages_send_anonymous_visitors_to_sign_in(
    client: Client, kept: MailboxMessage, url: str
) -> None:
    path = url.format(pk=kept.pk)

    response = client.get(path)

    assert (response.status_code, response["Location"]) == (302, f"/sign-in/?next={path}")


@pytest.mark.parametrize("url", ["/mailbox/", "/mailbox/{pk}/withheld/"])
def test_mailbox_pages_open_to_viewer(
    viewer_client: Client, kept: MailboxMessage, url: str
) -> None:
    assert viewer_client.get(url.format(pk=kept.pk)).status_code == 200


@pytest.mark.parametrize("url", LIVE_MAILBOX_PAGES)
def test_mailbox_live_pages_refused_to_viewer_open_to_officer_and_administrator(
    viewer_client: Client,
    secretary_client: Client,
    admin_client: Client,
    kept: MailboxMessage,
    url: str,
) -> None:
    path = url.format(pk=kept.pk)

    statuses = [c.get(path).status_code for c in (viewer_client, secretary_client, admin_client)]

    assert statuses == [403, 200, 200]


def test_mailbox_letter_withheld_of_a_message_without_letter_is_404(
    viewer_client: Client, kept: MailboxMessage
) -> None:
    assert viewer_client.get(f"/mailbox/{kept.pk}/withheld/letter.pdf").status_code == 404
    assert viewer_client.get("/mailbox/999999/withheld/").status_code == 404


def test_mailbox_list_shows_date_recipients_and_subject(
    secretary_client: Client, kept: MailboxMessage
) -> None:
    response = secretary_client.get("/mailbox/")

    content = response.content.decode()
    assert "1 message" in content
    assert "ceo@acme.example.org, focal@acme.example.org" in content
    assert (
        f'<a href="/mailbox/{kept.pk}/">World Summit on the Information Society (WSIS)</a>'
        in content
    )


def test_mailbox_list_is_paginated(viewer_client: Client) -> None:
    emails = [
        EmailMessage(subject=f"Message {n}", body="x", to=[f"m{n}@example.org"]) for n in range(55)
    ]
    MailboxBackend().send_messages(emails)

    first = viewer_client.get("/mailbox/")
    second = viewer_client.get("/mailbox/", {"page": 2})

    assert (len(first.context["page"]), len(second.context["page"])) == (50, 5)


def test_mailbox_message_shows_headers_text_and_attachments(
    secretary_client: Client, kept: MailboxMessage
) -> None:
    response = secretary_client.get(f"/mailbox/{kept.pk}/")

    content = response.content.decode()
    assert "<dt>To</dt><dd>ceo@acme.example.org</dd>" in content
    assert "<dt>Cc</dt><dd>focal@acme.example.org</dd>" in content
    assert "The first phase of the World Summit…" in content
    assert f'href="/mailbox/{kept.pk}/attachments/0/">DM-1048-ACME.pdf</a>' in content
    assert f'href="/mailbox/{kept.pk}/attachments/1/">notes.html</a>' in content
    assert "<script>alert(1)</script>" not in content


def test_mailbox_attachment_downloads_the_pdf(
    secretary_client: Client, kept: MailboxMessage
) -> None:
    response = secretary_client.get(f"/mailbox/{kept.pk}/attachments/0/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="DM-1048-ACME.pdf"'
    assert response.content == PDF_BYTES


def test_mailbox_attachment_of_another_kind_downloads_as_bytes(
    secretary_client: Client, kept: MailboxMessage
) -> None:
    response = secretary_client.get(f"/mailbox/{kept.pk}/attachments/1/")

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="notes.html"'


def test_mailbox_attachment_unknown_is_404(secretary_client: Client, kept: MailboxMessage) -> None:
    assert secretary_client.get(f"/mailbox/{kept.pk}/attachments/2/").status_code == 404
    assert secretary_client.get("/mailbox/999999/").status_code == 404


# Information pack: staff pages


@pytest.fixture
def meeting() -> Meeting:
    return MeetingFactory(code="geneva-2003", title="World Summit, first phase")


@pytest.fixture
def pack(meeting: Meeting, secretary: User) -> list[PackItem]:
    actor = Actor.staff(secretary)
    return [
        packs.add_link(
            meeting,
            title="Summit background",
            language="",
            url="https://wsis.example.org/background/",
            actor=actor,
        ),
        packs.add_document(
            meeting,
            title="Programme",
            language="en",
            upload=SimpleUploadedFile("programme.pdf", PDF_BYTES),
            actor=actor,
        ),
        packs.add_document(
            meeting,
            title="Programme",
            language="fr",
            upload=SimpleUploadedFile("programme-fr.pdf", b"%PDF-1.7 fr"),
            actor=actor,
        ),
        packs.add_document(
            meeting,
            title="Guide for delegates",
            language="en",
            upload=SimpleUploadedFile("guide.docx", b"PK docx"),
            actor=actor,
        ),
    ]


def test_pack_manage_sends_anonymous_visitors_to_sign_in(client: Client, meeting: Meeting) -> None:
    response = client.get("/meetings/geneva-2003/pack/")

    assert response["Location"] == "/sign-in/?next=/meetings/geneva-2003/pack/"


def test_pack_changes_send_anonymous_visitors_to_sign_in(
    client: Client, pack: list[PackItem]
) -> None:
    urls = ["/meetings/geneva-2003/pack/add/", f"/meetings/geneva-2003/pack/{pack[0].pk}/remove/"]

    responses = [client.post(url, {"title": "X", "url": "https://x.example.org/"}) for url in urls]

    assert [r["Location"] for r in responses] == [f"/sign-in/?next={url}" for url in urls]
    assert PackItem.objects.count() == 4


def test_pack_manage_lists_items_for_viewer_without_forms(
    viewer_client: Client, pack: list[PackItem]
) -> None:
    response = viewer_client.get("/meetings/geneva-2003/pack/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Summit background" in content
    assert "https://wsis.example.org/background/" in content
    assert "Add to the pack" not in content
    assert "/remove/" not in content


def test_pack_changes_refused_to_viewer(
    viewer_client: Client, meeting: Meeting, pack: list[PackItem]
) -> None:
    before = AuditEntry.objects.count()

    added = viewer_client.post(
        "/meetings/geneva-2003/pack/add/",
        {"title": "Partners", "url": "https://wsis.example.org/partners/"},
    )
    removed = viewer_client.post(f"/meetings/geneva-2003/pack/{pack[0].pk}/remove/")

    assert (added.status_code, removed.status_code) == (403, 403)
    assert PackItem.objects.count() == 4
    assert AuditEntry.objects.count() == before


def test_pack_add_link(secretary_client: Client, meeting: Meeting, secretary: User) -> None:
    response = secretary_client.post(
        "/meetings/geneva-2003/pack/add/",
        {"title": "Partners", "language": "", "url": "https://wsis.example.org/partners/"},
    )

    assert response["Location"] == "/meetings/geneva-2003/pack/"
    assert messages_of(response) == ["Partners was added to the pack."]
    item = PackItem.objects.get()
    assert (item.title, item.language, item.url, item.document.name) == (
        "Partners",
        "",
        "https://wsis.example.org/partners/",
        "",
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("summitdesk.meeting.pack_item_added", secretary)


def test_pack_add_document_stores_it(secretary_client: Client, meeting: Meeting) -> None:
    upload = SimpleUploadedFile("Programme.PDF", PDF_BYTES, content_type="application/pdf")

    response = secretary_client.post(
        "/meetings/geneva-2003/pack/add/",
        {"title": "Programme of the Summit", "language": "es", "document": upload},
    )

    assert response.status_code == 302
    item = PackItem.objects.get()
    assert (item.language, item.url) == ("es", "")
    name = item.document.name or ""
    assert name.startswith("packs/")
    assert name.endswith("/Programme-of-the-Summit.pdf")
    with item.document.open("rb") as stored:
        assert stored.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": "Nothing"}, "Give either a document or a web link."),
        (
            {
                "title": "Both",
                "url": "https://wsis.example.org/",
                "document": ("a.pdf", PDF_BYTES),
            },
            "Give a document or a web link, not both: add them as two items.",
        ),
        (
            {"title": "Script", "document": ("run.exe", b"MZ")},
            "Upload a document of one of these kinds: .pdf, .doc, .docx, .odt, .rtf, .txt, "
            ".ppt, .pptx, .xls, .xlsx.",
        ),
        ({"title": "", "url": "https://wsis.example.org/"}, "This field is required."),
        ({"title": "Bad link", "url": "not a link"}, "Enter a valid URL."),
    ],
)
def test_pack_add_refuses_with_a_clear_message(
    secretary_client: Client, meeting: Meeting, data: dict[str, object], error: str
) -> None:
    posted = {
        key: SimpleUploadedFile(*value) if isinstance(value, tuple) else value
        for key, value in data.items()
    }

    response = secretary_client.post("/meetings/geneva-2003/pack/add/", posted)

    assert response.status_code == 400
    form = response.context["form"]
    assert error in [message for messages in form.errors.values() for message in messages]
    assert PackItem.objects.count() == 0


def test_pack_add_refuses_a_document_too_large(
    secretary_client: Client, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(circular_forms, "PACK_MAX_BYTES", 1024 * 1024)
    upload = SimpleUploadedFile("big.pdf", b"%" * (1024 * 1024 + 1))

    response = secretary_client.post(
        "/meetings/geneva-2003/pack/add/", {"title": "Big", "document": upload}
    )

    assert response.context["form"].errors["document"] == [
        "The document is 2 MB; at most 1 MB is accepted."
    ]


def test_pack_remove_deletes_item_and_file(
    secretary_client: Client,
    pack: list[PackItem],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    document = pack[1]
    storage, name = document.document.storage, document.document.name or ""
    assert storage.exists(name)
    url = f"/meetings/geneva-2003/pack/{document.pk}/remove/"
    assert confirmation(secretary_client.post(url)) == (
        "Remove Programme from the information pack?",
        "The document leaves the public information pack and its file is deleted.",
        "Remove the document",
    )
    assert PackItem.objects.count() == 4

    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(url, CONFIRMED)

    assert messages_of(response) == ["Programme was removed from the pack."]
    assert not PackItem.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)
    assert AuditEntry.objects.filter(action="summitdesk.meeting.pack_item_removed").count() == 1


def test_pack_remove_of_another_meeting_item_is_404(
    secretary_client: Client, pack: list[PackItem]
) -> None:
    MeetingFactory(code="prepcom-3")

    response = secretary_client.post(f"/meetings/prepcom-3/pack/{pack[0].pk}/remove/")

    assert response.status_code == 404
    assert PackItem.objects.count() == 4


def test_meeting_page_links_to_its_information_pack(
    viewer_client: Client, meeting: Meeting
) -> None:
    content = viewer_client.get("/meetings/geneva-2003/").content.decode()

    assert 'href="/meetings/geneva-2003/pack/"' in content
    assert 'href="/meetings/geneva-2003/information-pack/"' in content


# Information pack: the public page


def test_information_pack_page_open_without_sign_in(client: Client, pack: list[PackItem]) -> None:
    response = client.get("/meetings/geneva-2003/information-pack/")

    content = response.content.decode()
    assert response.status_code == 200
    assert [label for label, _items in response.context["groups"]] == [
        "Every language",
        "English",
        "French",
    ]
    assert [[item.title for item in items] for _label, items in response.context["groups"]] == [
        ["Summit background"],
        ["Programme", "Guide for delegates"],
        ["Programme"],
    ]
    assert '<a href="https://wsis.example.org/background/" rel="noopener noreferrer">' in content
    assert f'href="/meetings/geneva-2003/information-pack/documents/{pack[1].pk}/"' in content
    assert 'href="/meetings/geneva-2003/information-pack.zip"' in content
    assert "/sign-out/" not in content


def test_information_pack_page_of_unknown_meeting_is_404(client: Client) -> None:
    assert client.get("/meetings/no-such-meeting/information-pack/").status_code == 404


def test_information_pack_page_without_items_says_so(client: Client, meeting: Meeting) -> None:
    response = client.get("/meetings/geneva-2003/information-pack/")

    content = response.content.decode()
    assert "The information pack is being prepared: please come back later." in content
    assert "information-pack.zip" not in content


def test_information_pack_document_downloads_through_the_view(
    client: Client, pack: list[PackItem]
) -> None:
    response = client.get(f"/meetings/geneva-2003/information-pack/documents/{pack[1].pk}/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Programme.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]


def test_information_pack_document_refuses_a_link_or_another_meeting(
    client: Client, pack: list[PackItem]
) -> None:
    MeetingFactory(code="prepcom-3")

    link = client.get(f"/meetings/geneva-2003/information-pack/documents/{pack[0].pk}/")
    other = client.get(f"/meetings/prepcom-3/information-pack/documents/{pack[1].pk}/")

    assert (link.status_code, other.status_code) == (404, 404)


def test_information_pack_zip_holds_every_document_by_language(
    client: Client, pack: list[PackItem]
) -> None:
    response = client.get("/meetings/geneva-2003/information-pack.zip")

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="geneva-2003-information-pack.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == [
            "en/Programme.pdf",
            "fr/Programme.pdf",
            "en/Guide-for-delegates.docx",
        ]
        assert archive.read("en/Programme.pdf") == PDF_BYTES
        assert archive.read("fr/Programme.pdf") == b"%PDF-1.7 fr"


def test_information_pack_zip_without_documents_is_404(client: Client, meeting: Meeting) -> None:
    assert client.get("/meetings/geneva-2003/information-pack.zip").status_code == 404


def test_information_pack_is_rate_limited_per_address(
    client: Client, pack: list[PackItem], monkeypatch: pytest.MonkeyPatch
) -> None:
    # At the start of a minute: the whole minute to wait.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000_020.0))
    url = "/meetings/geneva-2003/information-pack/"
    statuses = [client.get(url).status_code for _ in range(pack_views.PUBLIC_LIMIT)]

    refused = client.get(url)
    zipped = client.get("/meetings/geneva-2003/information-pack.zip")
    elsewhere = client.get(url, REMOTE_ADDR="192.0.2.7")

    assert statuses == [200] * pack_views.PUBLIC_LIMIT
    assert (refused.status_code, refused["Retry-After"]) == (429, "60")
    assert "Too many requests" in refused.content.decode()
    assert zipped.status_code == 429
    assert elsewhere.status_code == 200
