"""The pages strangers see speak their language: the reply portal, the delegate's
accreditation page and their checks in French, Spanish, Arabic, Russian and Chinese, and
catalogues that are complete for what the portal shows and compiled as committed."""

import datetime
import gettext
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils.translation import to_locale

from summitdesk.accreditation import services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.directory.enums import Language
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import one
from tests.portal.builders import form, name_delegate
from tests.portal.conftest import DELEGATION, Invited, posted
from tests.tasks import run_queued_tasks

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
#: Where the msgids the portal and the public pages show come from (a .po reference).
PORTAL_SOURCES = re.compile(r"^(templates/portal/|templates/public/|portal/(?!apps\.py))")


def text(response: object) -> str:
    """The page's HTML with entities decoded, so that apostrophes compare as typed."""
    content = getattr(response, "content", b"")
    assert isinstance(content, bytes)
    return html.unescape(content.decode())


def po_file(language: str) -> Path:
    return LOCALE_DIR / to_locale(language) / "LC_MESSAGES" / "django.po"


def po_entries(language: str) -> list[tuple[list[str], str, list[str], list[str]]]:
    """(references, msgid, msgstrs, flags) of each entry of a catalogue but its header."""
    entries = []
    for block in po_file(language).read_text(encoding="utf-8").split("\n\n")[1:]:
        references = [
            place.rsplit(":", 1)[0]
            for line in block.splitlines()
            if line.startswith("#: ")
            for place in line[3:].split()
        ]
        flags = [
            flag.strip()
            for line in block.splitlines()
            if line.startswith("#,")
            for flag in line[2:].split(",")
        ]
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            keyword = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if keyword:
                current = keyword.group(1)
                fields[current] = keyword.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" in fields:
            strs = [value for key, value in fields.items() if key.startswith("msgstr")]
            entries.append((references, fields["msgid"], strs, flags))
    return entries


# The reply page


def test_french_reply_page_has_french_headings_and_labels(acme: Invited) -> None:
    page = text(Client().get(acme.url + "?lang=fr"))

    assert '<html lang="fr" dir="ltr">' in page
    for french in (
        "État de votre réponse",
        "Votre réponse",
        "Point focal désigné",
        "Membres de la délégation",
        "Nom de famille",
        "Nombre estimé de participants",
        "Chef de l'exécutif",
        "Je préfère ne pas répondre",
        "Soumettre la réponse",
        "Enregistrer le brouillon",
    ):
        assert french in page, french
    assert "Members of the delegation" not in page
    assert "Submit reply" not in page


def test_spanish_reply_page_follows_the_browser(acme: Invited) -> None:
    response = Client().get(acme.url, headers={"accept-language": "es"})
    page = text(response)

    assert response["Content-Language"] == "es"
    for spanish in (
        "Estado de su respuesta",
        "Su respuesta",
        "Punto focal designado",
        "Miembros de la delegación",
        "Apellido",
        "Número estimado de participantes",
        "Enviar la respuesta",
        "Guardar borrador",
    ):
        assert spanish in page, spanish


def test_reply_page_opens_in_the_organisations_language_unless_the_visitor_chose(
    acme: Invited,
) -> None:
    Organisation.objects.filter(pk=acme.organisation.pk).update(language=Language.FRENCH)
    client = Client()

    # The letter went out in French: the page follows it, whatever the browser says.
    first = client.get(acme.url, headers={"accept-language": "en"})
    chosen = client.get(acme.url + "?lang=es")
    kept = client.get(acme.url, headers={"accept-language": "en"})

    assert first["Content-Language"] == "fr"
    assert "Punto focal designado" not in text(first)
    assert chosen["Content-Language"] == kept["Content-Language"] == "es"


def test_arabic_reply_page_is_right_to_left_and_in_arabic(acme: Invited) -> None:
    page = text(Client().get(acme.url + "?lang=ar"))

    assert '<html lang="ar" dir="rtl">' in page
    assert "حالة ردكم" in page
    assert "جهة الاتصال المعيّنة" in page
    assert "أعضاء الوفد" in page
    assert "Members of the delegation" not in page


@pytest.mark.parametrize(
    ("language", "heading", "submit"),
    [("ru", "Члены делегации", "Отправить ответ"), ("zh", "代表团成员", "提交答复")],
)
def test_russian_and_chinese_reply_pages(
    acme: Invited, language: str, heading: str, submit: str
) -> None:
    page = text(Client().get(f"{acme.url}?lang={language}"))

    assert heading in page
    assert submit in page


def test_checks_of_a_french_submission_are_in_french_and_nothing_is_saved(
    acme: Invited,
) -> None:
    client = Client()
    client.get(acme.url + "?lang=fr")

    response = client.post(acme.url, posted(action="submit", members=DELEGATION[:1], head=None))
    page = text(response)

    assert response.status_code == 400
    assert "Veuillez vérifier les points suivants" in page
    assert "Veuillez estimer le nombre de participants." in page
    assert "Veuillez désigner le point focal." in page
    assert "Veuillez désigner le chef de délégation parmi les personnes indiquées." in page
    assert "Estimate the number of participants." not in page
    assert acme.reply.delegates.count() == 0


def test_spanish_confirmation_message(acme: Invited) -> None:
    client = Client()
    client.get(acme.url + "?lang=es")

    response = client.post(acme.url, posted(action="submit", attending="no"), follow=True)

    assert "Su respuesta ha quedado registrada: su organización declina la invitación." in text(
        response
    )


# The delegate's page


def test_delegate_page_in_french(acme: Invited) -> None:
    amina = name_delegate(acme, "Diallo", "amina@acme.example.org")

    page = text(Client().get(amina.url + "?lang=fr"))

    assert '<html lang="fr" dir="ltr">' in page
    for french in (
        "Accréditation de Amina Diallo",
        "Statut",
        "En attente",
        "Prénom(s) comme dans le passeport",
        "Nationalité",
        "Date de naissance",
        "Photo pour le badge",
        "Il manque encore pour le badge",
        "Enregistrer",
    ):
        assert french in page, french


def test_delegate_check_in_french_changes_nothing(acme: Invited, meeting: Meeting) -> None:
    amina = name_delegate(acme, "Diallo", "amina@acme.example.org")
    client = Client()
    client.get(amina.url + "?lang=fr")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    response = client.post(amina.url, form(meeting, date_of_birth=tomorrow.isoformat()))

    assert response.status_code == 400
    assert "La date de naissance doit être antérieure à aujourd'hui." in text(response)
    assert amina.fresh().passport_given_name == ""


# The emails


@pytest.mark.django_db
def test_russian_organisations_approval_email_is_in_russian() -> None:
    """Russian has no written email templates: the catalogue translates the English ones."""
    accreditation = one()
    Organisation.objects.update(language=Language.RUSSIAN)

    services.transition(
        accreditation,
        AccreditationStatus.APPROVED,
        actor=Actor.system("secretary", Channel.BACKOFFICE),
    )
    run_queued_tasks()

    [email] = mail.outbox
    assert email.extra_headers["Content-Language"] == "ru"
    assert email.subject.startswith("Аккредитация утверждена:")
    assert "пропуск" in str(email.body)


# The catalogues


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_portal_and_public_string_is_translated(language: str) -> None:
    untranslated = [
        msgid
        for references, msgid, strs, _flags in po_entries(language)
        if any(PORTAL_SOURCES.match(place) for place in references) and not all(strs)
    ]
    checked = [
        msgid
        for references, msgid, _strs, _flags in po_entries(language)
        if any(PORTAL_SOURCES.match(place) for place in references)
    ]

    assert len(checked) > 100  # the catalogue has the portal's strings to check
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogues_have_no_fuzzy_entry_and_keep_placeholders(language: str) -> None:
    for _references, msgid, strs, flags in po_entries(language):
        assert "fuzzy" not in flags, msgid
        wanted = sorted(set(re.findall(r"%\(\w+\)[sd]", msgid)))
        for translated in filter(None, strs):
            assert sorted(set(re.findall(r"%\(\w+\)[sd]", translated))) == wanted, msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_key_portal_strings_are_translated(language: str) -> None:
    translated = {msgid: strs for _refs, msgid, strs, _flags in po_entries(language)}

    for msgid in (
        "Reply to the invitation",
        "Your answer",
        "Designated focal point",
        "Members of the delegation",
        "Head of delegation",
        "Submit reply",
        "List of Participants",
        "Link not valid",
        "Photo for the badge",
        "Estimate the number of participants.",
    ):
        assert all(translated.get(msgid, [""])), (language, msgid)


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_is_the_compiled_po(language: str, tmp_path: Path) -> None:
    """`make messages` was run after the last edit of the .po: the committed .mo, which
    installs use without gettext tools, holds exactly what the .po compiles to."""
    po = po_file(language)
    compiled = tmp_path / "django.mo"

    msgfmt = shutil.which("msgfmt")
    assert msgfmt is not None
    subprocess.run([msgfmt, "--check", "-o", str(compiled), str(po)], check=True)  # noqa: S603 (GNU gettext on our own catalogue)

    with compiled.open("rb") as fresh, po.with_suffix(".mo").open("rb") as committed:
        expected = gettext.GNUTranslations(fresh)
        actual = gettext.GNUTranslations(committed)
    assert actual._catalog == expected._catalog  # type: ignore[attr-defined]


# Names of meetings and processes


RUSSIAN_TITLE = "Всемирная встреча на высшем уровне по вопросам информационного общества"


def _translate_meeting(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        title_translations={
            "fr": "Sommet mondial sur la société de l'information, première phase",
            "ar": "القمة العالمية لمجتمع المعلومات، المرحلة الأولى",
            "ru": RUSSIAN_TITLE,
        }
    )


def test_reply_page_names_the_meeting_in_the_pages_language(
    acme: Invited, meeting: Meeting
) -> None:
    _translate_meeting(meeting)

    french = text(Client().get(acme.url + "?lang=fr"))
    arabic = text(Client().get(acme.url + "?lang=ar"))
    spanish = text(Client().get(acme.url + "?lang=es"))

    assert "Sommet mondial sur la société de l'information, première phase" in french
    assert "World Summit on the Information Society, first phase" not in french
    assert "<bdi>القمة العالمية لمجتمع المعلومات، المرحلة الأولى</bdi>" in arabic
    # No Spanish title was given: the English one stands in.
    assert "World Summit on the Information Society, first phase" in spanish


def test_public_information_pack_names_meeting_and_process_in_the_visitors_language(
    meeting: Meeting,
) -> None:
    _translate_meeting(meeting)
    meeting.process.name_translations = {"fr": "Sommet mondial (SMSI)"}
    meeting.process.save()

    page = text(Client().get(f"/meetings/{meeting.code}/information-pack/?lang=fr"))

    assert "Sommet mondial sur la société de l'information, première phase" in page
    assert "Sommet mondial (SMSI)" in page


@pytest.mark.django_db
def test_approval_email_names_the_meeting_in_the_organisations_language() -> None:
    accreditation = one()
    _translate_meeting(accreditation.meeting)
    Organisation.objects.update(language=Language.RUSSIAN)

    services.transition(
        accreditation,
        AccreditationStatus.APPROVED,
        actor=Actor.system("secretary", Channel.BACKOFFICE),
    )
    run_queued_tasks()

    [email] = mail.outbox
    assert RUSSIAN_TITLE in email.subject
    assert RUSSIAN_TITLE in str(email.body)
