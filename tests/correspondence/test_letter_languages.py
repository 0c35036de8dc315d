# Arabic, Chinese and Russian letters use their own scripts' letters and punctuation.
# ruff: noqa: RUF001
"""A letter wholly in its language: DM-1048 as the demo has it, dispatched to organisations
of the six languages, each receiving its own version with letterhead, addressees,
signatory's titles, contact, enclosures, dates and reply box in that language."""

import io
import unicodedata

import pypdf
import pytest

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence import compose, services
from summitdesk.correspondence.letters import Letter, render_letter
from summitdesk.correspondence.models import Circular, OutboundMessage
from summitdesk.demo import circular as demo_circular
from summitdesk.directory.enums import Category
from summitdesk.directory.models import Organisation
from tests.correspondence.builders import organisation, wsis_meeting

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests", Channel.SYSTEM)
TOKEN = "p7Qz2mK9vXw4Lr8TnB3cYaQ1"
COUNTRIES = {"en": "GB", "fr": "SN", "es": "AR", "ru": "KZ", "ar": "EG", "zh": "CN"}

#: What an English letter prints around its text: none of it may appear in another language.
ENGLISH_PARTS = (
    "International Telecommunication Union",
    "Geneva 20, Switzerland",
    "CEOs of ITU Sector Members",
    "Secretary-General",
    "Chairman",
    "WSIS Executive Secretariat",
    "Reply form",
    "Information pack",
    "July",
    "Ref:",
    "To:",
    "Subject:",
    "Contact:",
    "Encl.",
    "Reply online",
    "Please reply by",
    "Translation by the secretariat",
)


def dispatched_letters() -> dict[str, tuple[OutboundMessage, Letter]]:
    """DM-1048 of the demo dispatched to one Sector Member per language: {language: (row,
    letter)}."""
    meeting = wsis_meeting()
    organisations = {
        language: organisation(f"Org {language}", language=language, country=country)
        for language, country in COUNTRIES.items()
    }
    Organisation.objects.update(category=Category.SECTOR_MEMBER)
    assert demo_circular.load_circular(meeting.process, actor=ACTOR)
    circular = Circular.objects.get(reference="DM-1048")
    mailing = services.dispatch_circular(circular, actor=ACTOR)
    letters = {}
    for row in mailing.messages.select_related("invitation__organisation"):
        language = next(
            code for code, org in organisations.items() if org.pk == row.organisation_id
        )
        letters[language] = (row, compose.letter_for(row, TOKEN, qr=False))
    return letters


def pdf_text(letter: Letter) -> str:
    """The letter's PDF as text, Arabic presentation forms folded to their letters."""
    reader = pypdf.PdfReader(io.BytesIO(render_letter(letter)))
    text = " ".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFKC", " ".join(text.split()))


def test_every_organisation_receives_the_letter_in_its_own_language() -> None:
    letters = dispatched_letters()

    assert {language: letter.language for language, (_row, letter) in letters.items()} == {
        "en": "en",
        "fr": "fr",
        "es": "es",
        "ru": "ru",
        "ar": "ar",
        "zh": "zh",
    }
    assert {
        language: row.letter_invitation.language for language, (row, _letter) in letters.items()
    } == {code: code for code in COUNTRIES}
    assert letters["ar"][1].direction == "rtl"
    assert letters["zh"][1].subject[0] == "信息社会世界峰会（WSIS）"
    assert letters["ru"][1].salutation == "Уважаемая госпожа, уважаемый господин!"


def test_french_letter_prints_everything_in_french() -> None:
    letter = dispatched_letters()["fr"][1]

    text = pdf_text(letter)

    assert letter.letterhead == [
        "Union internationale des télécommunications",
        "Place des Nations",
        "CH-1211 Genève 20 (Suisse)",
    ]
    assert letter.addressees.startswith("Directeurs généraux des Membres de Secteur de l'UIT")
    assert letter.signatory_titles[0] == (
        "Secrétaire général, Union internationale des télécommunications (UIT)"
    )
    assert letter.contact_name == "Secrétariat exécutif du SMSI"
    assert letter.enclosures[0] == "Formulaire de réponse"
    assert letter.enclosures[1] == (
        "Dossier d'information\u00a0: http://127.0.0.1:8000/meetings/geneva-2003/information-pack/"
    )
    assert letter.translation_note.startswith("Traduction du secrétariat")
    for french in (
        "Union internationale des télécommunications",
        "Directeurs généraux",
        "Secrétaire général",
        "Formulaire de réponse",
        "juillet 2003",
        "Traduction du secrétariat",
        "Réf.",
        "P.J.",
    ):
        assert french in text, french
    for english in ENGLISH_PARTS:
        assert english not in text, english


def test_arabic_letter_prints_everything_in_arabic() -> None:
    letter = dispatched_letters()["ar"][1]

    text = pdf_text(letter)

    assert letter.letterhead[0] == "الاتحاد الدولي للاتصالات"
    assert letter.addressees.startswith("الرؤساء التنفيذيون")
    assert letter.signatory_titles[0] == "الأمين العام للاتحاد الدولي للاتصالات"
    assert letter.enclosures == [
        "استمارة الرد",
        "مجموعة المعلومات: \u2066http://127.0.0.1:8000/meetings/geneva-2003/information-pack/\u2069",
    ]
    assert letter.date.startswith("9 يوليو")
    assert letter.translation_note.startswith("ترجمة الأمانة")
    for english in ENGLISH_PARTS:
        assert english not in text, english


def test_english_letter_has_no_translation_note() -> None:
    letter = dispatched_letters()["en"][1]

    assert letter.translation_note == ""
    assert letter.letterhead[0] == "International Telecommunication Union"
    assert letter.enclosures[0] == "Reply form"


def test_translation_without_its_own_letterhead_is_pointed_out_before_dispatch() -> None:
    meeting = wsis_meeting()
    assert demo_circular.load_circular(meeting.process, actor=ACTOR)
    circular = Circular.objects.get(reference="DM-1048")
    circular.texts.filter(language="ru").update(letterhead="", signatory_titles="")

    points = services.points_to_confirm(circular)

    assert (
        "The Russian letters will print in English: letterhead, signatory's titles. Write "
        "them in Russian too."
    ) in points
    assert not any("French" in point for point in points)


def test_letter_email_carries_the_translation_note() -> None:
    row, letter = dispatched_letters()["es"]

    _subject, body = compose.email_text(row, letter)

    assert "Traducción de la secretaría" in body
    assert "Secretario General, Unión Internacional de Telecomunicaciones (UIT)" in body
