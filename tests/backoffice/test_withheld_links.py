"""Live personal links reach only the roles that may act through them: the letter as sent and
stored mail go to registration officers and administrators; every other role reads them
again with each link withheld (no token in the page or PDF, no QR code)."""

import io

import pypdf
import pytest
import zxingcpp
from django.core.mail import EmailMessage
from django.test import Client
from PIL import Image
from pytest_django import Settings

from summitdesk.accreditation.delegate_links import delegate_url
from summitdesk.core.enums import Role
from summitdesk.correspondence import compose, reply_links
from summitdesk.correspondence.letters import render_letter_png
from summitdesk.correspondence.mailbox import MailboxBackend
from summitdesk.correspondence.models import Invitation, MailboxMessage, OutboundMessage
from summitdesk.correspondence.withholding import (
    WITHHELD,
    withheld_letter,
    withheld_letter_pdf,
    withhold_links,
)
from tests.backoffice.test_circular_pages import Sent, _files, directory, meeting, sent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

#: The circular pages' fixtures (a directory, DM-1048 dispatched and sent), used by name.
FIXTURES = (_files, directory, meeting, sent)

#: The roles that may not hold a live link.
WITHOUT_LIVE_LINKS = [Role.VIEWER, Role.COMMUNICATIONS, Role.CHECKIN_DESK, Role.BADGE_DESK]
WITH_LIVE_LINKS = [Role.REGISTRATION_OFFICER, Role.ADMINISTRATOR]
TOKEN = "q3Zb9sLkP0vX7yT2wR5nM8cF1hJ4dG6a"


@pytest.fixture(autouse=True)
def _mailbox(settings: Settings) -> None:
    """Mail is kept in the local mailbox, as on a machine without a mail server."""
    settings.EMAIL_BACKEND = "summitdesk.correspondence.mailbox.MailboxBackend"


def client_for(role: Role) -> Client:
    client = Client()
    client.force_login(UserFactory(username=f"user-{role}", role=role))
    return client


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def qr_codes(letter_png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(letter_png)).convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image)]


def acme_letter(sent: Sent) -> tuple[OutboundMessage, str]:
    """Acme's letter as sent, and the token of the live reply link it carries."""
    row = sent.message(sent.directory.acme)
    token = compose.token_in(row.body)
    assert token is not None
    return row, token


def acme_mail(sent: Sent) -> MailboxMessage:
    row = sent.message(sent.directory.acme)
    return MailboxMessage.objects.get(message_id=row.message_id)


# Withholding links in text


def test_withhold_links_replaces_every_kind_of_personal_link() -> None:
    text = (
        f"Reply: {reply_links.reply_url(TOKEN)}\n"
        f"Your own page: {delegate_url(TOKEN)}\n"
        f"A delegate: https://summit.example.org/accreditation/from-reply/{TOKEN}/42/ ok\n"
        f'<a href="http://old.example.org/reply/{TOKEN}/letter.pdf">letter</a>\n'
        f"Path only: /reply/{TOKEN}/delegation/"
    )

    assert withhold_links(text) == (
        f"Reply: {WITHHELD}\n"
        f"Your own page: {WITHHELD}\n"
        f"A delegate: {WITHHELD} ok\n"
        f'<a href="{WITHHELD}">letter</a>\n'
        f"Path only: {WITHHELD}"
    )


def test_withhold_links_leaves_other_addresses_alone() -> None:
    text = (
        "Pack: https://summit.example.org/meetings/geneva-2003/pack/\n"
        "List: https://summit.example.org/meetings/geneva-2003/participants/\n"
        "Reply online by 12 September at the link above. /reply/ /accreditation/short/"
    )

    assert withhold_links(text) == text


# The letter as sent


@pytest.mark.parametrize("role", WITHOUT_LIVE_LINKS)
def test_letter_as_sent_and_stored_mail_refused_to_roles_without_live_links(
    sent: Sent, role: Role
) -> None:
    client = client_for(role)
    row, _token = acme_letter(sent)
    kept = acme_mail(sent)
    addresses = [
        f"/organisations/{sent.directory.acme.pk}/letters/{row.invitation_id}/letter.pdf",
        f"/mailbox/{kept.pk}/",
        f"/mailbox/{kept.pk}/attachments/0/",
    ]

    assert [client.get(address).status_code for address in addresses] == [403, 403, 403]


@pytest.mark.parametrize("role", WITH_LIVE_LINKS)
def test_letter_as_sent_and_stored_mail_open_to_officers_with_the_live_link(
    sent: Sent, role: Role
) -> None:
    client = client_for(role)
    row, token = acme_letter(sent)
    kept = acme_mail(sent)

    letter = client.get(
        f"/organisations/{sent.directory.acme.pk}/letters/{row.invitation_id}/letter.pdf"
    )
    mail = client.get(f"/mailbox/{kept.pk}/")

    assert (letter.status_code, mail.status_code) == (200, 200)
    assert token in pdf_text(letter.content).replace("\n", "")
    assert reply_links.reply_url(token) in mail.content.decode()


@pytest.mark.parametrize("role", WITHOUT_LIVE_LINKS + WITH_LIVE_LINKS)
def test_letter_withheld_carries_no_token_and_no_qr_code(sent: Sent, role: Role) -> None:
    client = client_for(role)
    row, token = acme_letter(sent)

    response = client.get(
        f"/organisations/{sent.directory.acme.pk}/letters/{row.invitation_id}/letter-withheld.pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert WITHHELD in text
    assert token not in text.replace("\n", "")
    assert token.encode() not in response.content
    assert response.content == withheld_letter_pdf(row)


def test_letter_withheld_is_the_same_letter_without_its_qr_code(sent: Sent) -> None:
    row, token = acme_letter(sent)
    live = compose.letter_for(row, token)

    withheld = withheld_letter(row)

    # The positive control: the letter as sent carries its link in a QR code that decodes.
    assert qr_codes(render_letter_png(live)[0]) == [reply_links.reply_url(token)]
    assert qr_codes(render_letter_png(withheld)[0]) == []
    assert (withheld.reply_url, withheld.qr_svg) == (WITHHELD, "")
    assert (withheld.reference, withheld.addressee, withheld.subject) == (
        live.reference,
        live.addressee,
        live.subject,
    )


def test_organisation_page_links_each_role_to_the_letter_it_may_read(sent: Sent) -> None:
    acme = sent.directory.acme
    invitation = Invitation.objects.get(organisation=acme)
    live = f'href="/organisations/{acme.pk}/letters/{invitation.pk}/letter.pdf"'
    withheld = f'href="/organisations/{acme.pk}/letters/{invitation.pk}/letter-withheld.pdf"'

    pages = {
        role: client_for(role).get(f"/organisations/{acme.pk}/").content.decode()
        for role in WITHOUT_LIVE_LINKS + WITH_LIVE_LINKS
    }

    assert {role: (live in page, withheld in page) for role, page in pages.items()} == {
        Role.VIEWER: (False, True),
        Role.COMMUNICATIONS: (False, True),
        Role.CHECKIN_DESK: (False, True),
        Role.BADGE_DESK: (False, True),
        Role.REGISTRATION_OFFICER: (True, False),
        Role.ADMINISTRATOR: (True, False),
    }


# Stored mail


@pytest.mark.parametrize("role", WITHOUT_LIVE_LINKS)
def test_stored_letter_mail_withheld_shows_no_token(sent: Sent, role: Role) -> None:
    client = client_for(role)
    row, token = acme_letter(sent)
    kept = acme_mail(sent)

    listing = client.get("/mailbox/").content.decode()
    page = client.get(f"/mailbox/{kept.pk}/withheld/")
    letter = client.get(f"/mailbox/{kept.pk}/withheld/letter.pdf")

    assert f'href="/mailbox/{kept.pk}/withheld/"' in listing
    assert f'href="/mailbox/{kept.pk}/"' not in listing
    assert (page.status_code, letter.status_code) == (200, 200)
    content = page.content.decode()
    assert WITHHELD in content
    assert token not in content
    assert f'href="/mailbox/{kept.pk}/withheld/letter.pdf"' in content
    assert "/attachments/" not in content
    assert token.encode() not in letter.content
    assert WITHHELD in pdf_text(letter.content)
    assert letter.content == withheld_letter_pdf(row)


@pytest.mark.parametrize("role", WITHOUT_LIVE_LINKS)
def test_stored_mail_with_focal_point_and_delegate_links_is_withheld(
    settings: Settings, db: None, role: Role
) -> None:
    email = EmailMessage(
        subject="Your accreditation",
        body=(
            f"Complete your details: {delegate_url(TOKEN)}\n"
            f"Your delegation: {reply_links.reply_url(TOKEN)}delegation/\n"
            f"Bruno's page: {settings.SUMMITDESK_BASE_URL}/accreditation/from-reply/{TOKEN}/7/\n"
        ),
        to=["jane@acme.example.org"],
    )
    email.attach("summary.pdf", b"%PDF-1.7 " + TOKEN.encode(), "application/pdf")
    MailboxBackend().send_messages([email])
    kept = MailboxMessage.objects.get()
    client = client_for(role)

    page = client.get(f"/mailbox/{kept.pk}/withheld/")
    attachment = client.get(f"/mailbox/{kept.pk}/attachments/0/")
    letter = client.get(f"/mailbox/{kept.pk}/withheld/letter.pdf")

    content = page.content.decode()
    assert TOKEN not in content
    assert content.count(WITHHELD) == 3
    assert "summary.pdf" in content
    assert (attachment.status_code, letter.status_code) == (403, 404)
