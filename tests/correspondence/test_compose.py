"""One outbox row's letter and email (compose.py), and the builders the dispatch tests share."""

import datetime
import re

import pytest
from pytest_django import Settings

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence import compose, reply_links, services
from summitdesk.correspondence.enums import MailingKind
from summitdesk.correspondence.models import (
    Circular,
    CircularText,
    Invitation,
    Mailing,
    OutboundMessage,
)
from summitdesk.directory.models import Organisation
from tests.correspondence.builders import (
    FRENCH_SUBJECT,
    SCRIPT_NAME,
    dm1048,
    html_part,
    organisation,
    parsed,
    text_part,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests", Channel.SYSTEM)
TOKEN = "p7Qz2mK9vXw4Lr8TnB3cYaQ1"


def unsent_row(
    circular: Circular, org: Organisation, kind: str = MailingKind.LETTER
) -> OutboundMessage:
    """A saved outbox row, as dispatching makes it, without sending anything."""
    invitation, _created = Invitation.objects.get_or_create(
        circular=circular, organisation=org, defaults={"language": org.language}
    )
    mailing = Mailing.objects.create(circular=circular, kind=kind)
    return OutboundMessage.objects.create(
        mailing=mailing,
        invitation=invitation,
        to=[f"ceo-{org.pk}@example.org"],
        cc=[f"focal-{org.pk}@example.org"],
    )


# The letter


def test_letter_for_english_letter_merges_the_organisation_and_its_link() -> None:
    org = organisation("Ghana Telecom", acronym="GT", country="GH", address="PO Box 1\nAccra")
    row = unsent_row(dm1048([org]), org)

    letter = compose.letter_for(row, TOKEN)

    url = f"http://127.0.0.1:8000/reply/{TOKEN}/"
    assert letter.language == "en"
    assert letter.direction == "ltr"
    assert letter.reference == "DM-1048"
    assert letter.date == "9 July 2003"
    assert letter.addressee == [
        f"Dr Amina Diallo{org.pk}",
        "Chief Executive Officer",
        "Ghana Telecom",
        "PO Box 1",
        "Accra",
        "Ghana",
    ]
    assert letter.subject == [
        "World Summit on the Information Society (WSIS)",
        "Geneva, Switzerland, 10-12 December 2003",
    ]
    assert letter.body == [
        "The first phase of the World Summit on the Information Society will take place in "
        "Geneva from 10-12 December 2003. I am writing to invite Ghana Telecom to be "
        "represented at the highest level.",
        f"We would appreciate a reply from Dr Amina Diallo{org.pk} by 12 September 2003, "
        f"18:00 (Europe/Zurich), online at {url}.",
    ]
    assert letter.reply_url == url
    assert letter.reply_deadline == "12 September 2003, 18:00 (Europe/Zurich)"
    assert letter.letterhead == [
        "International Telecommunication Union",
        "Place des Nations",
        "CH-1211 Geneva 20",
    ]
    assert letter.signatory_titles == [
        "Secretary-General, International Telecommunication Union (ITU)",
        "Chairman, High-Level Summit Organizing Committee (HLSOC)",
    ]
    assert letter.enclosures == [
        "Reply form",
        "Information pack: http://127.0.0.1:8000/meetings/geneva-2003/information-pack/",
    ]
    assert letter.contact_email == "wsis@itu.int"


def test_letter_for_french_invitation_is_in_french_with_french_dates() -> None:
    org = organisation("Sonatel", language="fr", country="SN", address="BP 69\nDakar")
    row = unsent_row(dm1048([org], french=True), org)

    letter = compose.letter_for(row, TOKEN)

    assert letter.language == "fr"
    assert letter.date == "9 juillet 2003"
    assert letter.reply_deadline == "12 septembre 2003, 18:00 (Europe/Zurich)"
    assert letter.subject == [FRENCH_SUBJECT]
    assert letter.salutation == "Madame, Monsieur,"
    assert letter.body == [
        "J'ai l'honneur d'inviter Sonatel au World Summit on the Information Society, first phase."
    ]
    assert letter.addressee[-1] == "Sénégal"


def test_letter_for_language_without_text_falls_back_to_english() -> None:
    org = organisation("Rostelecom", language="ru", country="RU", address="Moscow")
    row = unsent_row(dm1048([org], french=True), org)

    letter = compose.letter_for(row, TOKEN)

    assert letter.language == "en"
    assert letter.salutation == "Dear Sir/Madam,"


def test_letter_for_arabic_text_is_right_to_left() -> None:
    org = organisation("شركة الواحة للاتصالات", language="ar", country="SA", address="الرياض")
    circular = dm1048([org])
    CircularText.objects.create(circular=circular, language="ar", subject="القمة", body="نص")
    row = unsent_row(circular, org)

    letter = compose.letter_for(row, TOKEN)

    assert (letter.language, letter.direction) == ("ar", "rtl")
    assert letter.addressee[2:] == ["شركة الواحة للاتصالات", "الرياض", "المملكة العربية السعودية"]


def test_letter_for_address_ending_with_its_country_does_not_repeat_it() -> None:
    org = organisation("Swisscom", address="Alte Tiefenaustrasse 6\n3048 Worblaufen\nSUISSE")
    row = unsent_row(dm1048([org]), org)

    letter = compose.letter_for(row, TOKEN)

    assert letter.addressee[-3:] == ["Alte Tiefenaustrasse 6", "3048 Worblaufen", "SUISSE"]


def test_letter_for_circular_without_deadline_leaves_the_deadline_empty() -> None:
    org = organisation("Telkom")
    row = unsent_row(dm1048([org], reply_deadline=None), org)

    letter = compose.letter_for(row, TOKEN)

    assert letter.reply_deadline == ""
    assert letter.body[1].startswith(
        f"We would appreciate a reply from Dr Amina Diallo{org.pk} by ,"
    )


def test_letter_for_organisation_without_chief_executive_addresses_the_organisation() -> None:
    org = OrganisationFactory(name="Orange", country="FR", address="")
    row = unsent_row(dm1048([org]), org)

    letter = compose.letter_for(row, TOKEN)

    assert letter.addressee == ["Orange", "France"]


def test_format_deadline_names_the_meeting_time_zone() -> None:
    winter = datetime.datetime(2003, 12, 1, 12, 0, tzinfo=datetime.UTC)

    assert compose.format_deadline(winter, "Europe/Zurich", "en") == (
        "1 December 2003, 13:00 (Europe/Zurich)"
    )
    # Chinese writes date, time and time zone with its own spacing and brackets.
    chinese = (
        "2003年12月1日 21:00\N{FULLWIDTH LEFT PARENTHESIS}Asia/Tokyo\N{FULLWIDTH RIGHT PARENTHESIS}"
    )
    assert compose.format_deadline(winter, "Asia/Tokyo", "zh") == chinese
    assert compose.format_deadline(None, "Europe/Zurich", "en") == ""


# The email


def test_email_text_letter_is_the_letter_with_the_reply_link() -> None:
    org = organisation("Ghana Telecom", acronym="GT", country="GH", address="Accra")
    row = unsent_row(dm1048([org]), org)
    letter = compose.letter_for(row, TOKEN)

    subject, body = compose.email_text(row, letter)

    assert subject == (
        "World Summit on the Information Society (WSIS), Geneva, Switzerland, 10-12 December 2003"
    )
    paragraphs = body.split("\n\n")
    assert paragraphs[0] == "Ref: DM-1048\n9 July 2003"
    assert paragraphs[1] == (
        f"Dr Amina Diallo{org.pk}\nChief Executive Officer\nGhana Telecom\nAccra\nGhana"
    )
    assert paragraphs[3] == "Dear Sir/Madam,"
    assert (
        "Please reply online with your organisation's personal link:\n"
        f"http://127.0.0.1:8000/reply/{TOKEN}/\n"
        "Please reply by 12 September 2003, 18:00 (Europe/Zurich).\n"
    ) in body
    assert "The signed letter is attached: DM-1048-GT.pdf." in body
    assert "E-Mail: wsis@itu.int" in body
    assert "{{" not in body


def test_email_text_reminder_quotes_the_original_reference_and_date() -> None:
    org = organisation("Ghana Telecom", acronym="GT")
    row = unsent_row(dm1048([org]), org, kind=MailingKind.REMINDER)
    letter = compose.letter_for(row, TOKEN)

    subject, body = compose.email_text(row, letter)

    assert subject == (
        "Reminder: World Summit on the Information Society (WSIS), Geneva, Switzerland, "
        "10-12 December 2003 (Ref. DM-1048 of 9 July 2003)"
    )
    assert body.startswith(
        "Reminder: we have not yet received your reply to our letter Ref. DM-1048 of 9 July 2003."
    )
    assert f"http://127.0.0.1:8000/reply/{TOKEN}/" in body


def test_html_body_escapes_markup_and_links_our_addresses(settings: Settings) -> None:
    settings.SUMMITDESK_BASE_URL = "https://summitdesk.example.org"

    html = compose.html_body(
        f"Dear {SCRIPT_NAME},\n\nReply at https://summitdesk.example.org/reply/a&b/.\nThanks",
        subject="<b>Subject</b>",
        language="ar",
    )

    assert '<html lang="ar" dir="rtl">' in html
    assert "<title>&lt;b&gt;Subject&lt;/b&gt;</title>" in html
    assert (
        "<p>Dear &lt;script&gt;alert(1)&lt;/script&gt; #panic(&quot;x&quot;),</p>\n"
        '<p>Reply at <a href="https://summitdesk.example.org/reply/a&amp;b/">'
        "https://summitdesk.example.org/reply/a&amp;b/</a>.<br>\nThanks</p>"
    ) in html
    assert "<script>" not in html


def test_html_paragraphs_address_cannot_break_out_of_its_link(settings: Settings) -> None:
    settings.SUMMITDESK_BASE_URL = "https://x.example.org"

    html = compose.html_paragraphs('See https://x.example.org/"onmouseover="alert(1) now')

    assert html == (
        '<p>See <a href="https://x.example.org/">https://x.example.org/</a>'
        "&quot;onmouseover=&quot;alert(1) now</p>"
    )


def test_html_paragraphs_leave_other_addresses_as_text(settings: Settings) -> None:
    settings.SUMMITDESK_BASE_URL = "https://summitdesk.example.org"
    text = (
        "https://evil.example/login and https://summitdesk.example.org.evil.example/x "
        "and https://summitdesk.example.org/reply/t/"
    )

    html = compose.html_paragraphs(text)

    assert html == (
        "<p>https://evil.example/login and https://summitdesk.example.org.evil.example/x "
        'and <a href="https://summitdesk.example.org/reply/t/">'
        "https://summitdesk.example.org/reply/t/</a></p>"
    )


def test_email_html_part_links_no_address_from_an_organisation_name() -> None:
    org = organisation("Acme https://evil.example/login", acronym="AC")
    row = unsent_row(dm1048([org]), org)
    letter = compose.letter_for(row, TOKEN)
    row.subject, row.body = compose.email_text(row, letter)
    row.message_id = compose.new_message_id()

    mime = parsed(compose.email_for(row, b"%PDF-1.7 letter").message().as_bytes())

    html = html_part(mime)
    assert "Acme https://evil.example/login" in row.body
    assert "evil" not in " ".join(re.findall(r'<a href="([^"]+)"', html))
    assert "Acme https://evil.example/login" in html


def test_email_for_rendered_row_has_headers_parts_and_attachment(settings: Settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "SummitDesk <no-reply@summitdesk.example.org>"
    org = organisation(SCRIPT_NAME, acronym="S/X")
    row = unsent_row(dm1048([org]), org)
    letter = compose.letter_for(row, TOKEN)
    row.subject, row.body = compose.email_text(row, letter)
    row.message_id = compose.new_message_id()

    mime = parsed(compose.email_for(row, b"%PDF-1.7 letter").message().as_bytes())

    assert mime["To"] == f"ceo-{org.pk}@example.org"
    assert mime["Cc"] == f"focal-{org.pk}@example.org"
    assert mime["From"] == "SummitDesk <no-reply@summitdesk.example.org>"
    assert mime["Reply-To"] == "wsis@itu.int"
    assert mime["Message-ID"] == row.message_id
    assert row.message_id.endswith("@summitdesk.example.org>")
    assert mime["X-SummitDesk-Reference"] == "DM-1048"
    assert mime["Content-Language"] == "en"
    assert text_part(mime) == row.body
    html = html_part(mime)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; #panic(&quot;x&quot;)" in html
    assert "<script>" not in html
    [attachment] = list(mime.iter_attachments())
    assert attachment.get_filename() == "DM-1048-SX.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_payload(decode=True) == b"%PDF-1.7 letter"


def test_email_for_circular_without_contact_email_has_no_reply_to() -> None:
    org = organisation("Telkom")
    row = unsent_row(dm1048([org], contact_email=""), org)
    row.subject, row.body, row.message_id = "Subject", "Body", compose.new_message_id()

    mime = parsed(compose.email_for(row, b"%PDF").message().as_bytes())

    assert mime["Reply-To"] is None


def test_attachment_name_without_acronym_is_the_organisation_number() -> None:
    org = organisation("Telkom")
    row = unsent_row(dm1048([org]), org)

    name = compose.attachment_name(row, compose.MailingContext.load(row.letter_mailing_id))

    assert name == f"DM-1048-{org.pk}.pdf"


def test_token_in_stored_body_finds_the_reply_token() -> None:
    body = f"Please reply online:\n{reply_links.reply_url(TOKEN)}\nThank you."

    assert compose.token_in(body) == TOKEN
    assert compose.token_in("no link here") is None


def test_letter_for_circular_without_usable_text_raises_compose_error() -> None:
    org = organisation("Telkom")
    circular = dm1048([org])
    circular.texts.all().delete()
    row = unsent_row(circular, org)

    with pytest.raises(compose.ComposeError, match="DM-1048 has no text in English, nor in en"):
        compose.letter_for(row, TOKEN)


def test_dispatch_circular_unknown_merge_field_is_refused_before_anything_is_queued() -> None:
    org = organisation("Telkom")
    circular = dm1048([org])
    circular.texts.update(body="Dear {{ organisation_name }}, and {{ reply_link")

    with pytest.raises(services.CircularError) as refused:
        services.dispatch_circular(circular, actor=ACTOR)

    assert str(refused.value) == (
        "English: Unknown merge field {{ organisation_name }}. Known fields: organisation, "
        "acronym, chief_executive, chief_executive_title, chief_executive_name, country, "
        "reply_link, deadline, reference, meeting. "
        "English: A merge field is not closed: write it as {{ organisation }}."
    )
    assert OutboundMessage.objects.count() == 0
